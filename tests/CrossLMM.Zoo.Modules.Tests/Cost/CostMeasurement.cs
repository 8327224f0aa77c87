using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Modules.Cost;
using TorchSharp;

namespace CrossLMM.Zoo.Modules.Tests.Cost;

/// <summary>
/// What the engine's FLOP hook measured over one piece of work, summed per cost component through
/// <see cref="ModuleCostMap"/> (exclusive FLOPs per module path) and per op kind.
/// </summary>
/// <param name="Total">All FLOPs counted.</param>
/// <param name="ByKind">FLOPs per op kind (the hook's kinds, mapped one to one).</param>
/// <param name="ByComponent">FLOPs per component.</param>
/// <param name="Unattributed">FLOPs counted while no module of the tree was on the call stack (a method of the root
/// called directly, such as <c>VideoLmm.Decode</c>): charged like the root's own work.</param>
public sealed record CostMeasurement(long Total, IReadOnlyDictionary<OpKind, long> ByKind, IReadOnlyDictionary<CostComponent, long> ByComponent, long Unattributed)
{
    /// <summary>Runs <paramref name="work"/> under a FLOP counter rooted at <paramref name="root"/>.</summary>
    /// <param name="root">The module tree that runs the work (its own path is <c>""</c>).</param>
    /// <param name="work">The forward(s) to count.</param>
    /// <param name="rootComponent">The component of the root's own products when its type says nothing.</param>
    public static CostMeasurement Of(nn.Module root, Action work, CostComponent? rootComponent = null)
    {
        var map = ModuleCostMap.Create(root, rootComponent);
        using var noGrad = torch.no_grad();
        using var flops = FlopCounter.Start(root);
        using (var scope = torch.NewDisposeScope())
        {
            work();
        }

        flops.Stop();
        var byKind = CostComponents.Kinds.ToDictionary(k => k, k => flops[(FlopKind)(int)k]);
        var byComponent = map.Attribute(flops.ByModule.Select(m => new KeyValuePair<string, long>(m.Key, m.Value.Exclusive)), flops.Unattributed);
        return new CostMeasurement(flops.Total, byKind, byComponent, flops.Unattributed);
    }

    /// <summary>
    /// Asserts the analytic breakdown equals the measurement exactly: in total, per op kind and per
    /// component.
    /// </summary>
    /// <param name="expected">The cost model's breakdown.</param>
    /// <param name="what">A description for the failure message (architecture, sizes).</param>
    public void AssertEquals(FlopBreakdown expected, string what)
    {
        var problems = new StringBuilder();
        if (expected.Total != Total)
        {
            problems.AppendLine($"  total: model {expected.Total}, hook {Total} (model − hook = {expected.Total - Total})");
        }

        foreach (var kind in CostComponents.Kinds)
        {
            if (expected.ByKind(kind) != ByKind[kind])
            {
                problems.AppendLine($"  kind {kind}: model {expected.ByKind(kind)}, hook {ByKind[kind]}");
            }
        }

        foreach (var component in CostComponents.All)
        {
            if (expected[component] != ByComponent[component])
            {
                problems.AppendLine($"  {component}: model {expected[component]}, hook {ByComponent[component]}");
            }
        }

        if (problems.Length > 0)
        {
            Assert.Fail($"cost model ≠ FLOP hook for {what}:\n{problems}");
        }
    }

    /// <summary>Asserts analytic parameter counts equal the tree's, per component and in total.</summary>
    /// <param name="root">The module tree.</param>
    /// <param name="expected">The cost model's counts.</param>
    /// <param name="what">A description for the failure message.</param>
    /// <param name="rootComponent">The component of the root's own parameters when its type says nothing.</param>
    public static void AssertParameters(nn.Module root, ParameterCounts expected, string what, CostComponent? rootComponent = null)
    {
        var measured = ModuleCostMap.Create(root, rootComponent).Parameters();
        long numel = root.parameters().Sum(p => p.numel());
        var problems = new StringBuilder();
        if (measured.Total != numel)
        {
            problems.AppendLine($"  the map charged {measured.Total} of {numel} parameters");
        }

        if (expected.Total != numel)
        {
            problems.AppendLine($"  total: model {expected.Total}, parameters().Sum(numel) {numel}");
        }

        foreach (var component in CostComponents.All.Where(c => expected[c] != measured[c]))
        {
            problems.AppendLine($"  {component}: model {expected[component]}, modules {measured[component]}");
        }

        if (problems.Length > 0)
        {
            Assert.Fail($"parameter counts differ for {what}:\n{problems}");
        }
    }
}
