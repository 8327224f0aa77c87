using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>FLOPs of one component, split by the op kind that performs them.</summary>
/// <param name="Component">The component.</param>
/// <param name="Matmul">FLOPs of <c>matmul</c> (attention scores QKᵀ and AV).</param>
/// <param name="Linear">FLOPs of <c>linear</c> (projections, MLPs, heads).</param>
/// <param name="Bmm">FLOPs of <c>bmm</c>/<c>baddbmm</c> (always 0 in this zoo).</param>
/// <param name="Conv">FLOPs of <c>conv</c> (the patch embedding).</param>
public sealed record ComponentFlops(CostComponent Component, long Matmul, long Linear, long Bmm, long Conv)
{
    /// <summary>All FLOPs of the component.</summary>
    public long Total => checked(Matmul + Linear + Bmm + Conv);

    /// <summary>FLOPs of one kind.</summary>
    /// <param name="kind">The op kind.</param>
    public long this[OpKind kind] => kind switch
    {
        OpKind.Matmul => Matmul,
        OpKind.Linear => Linear,
        OpKind.Bmm => Bmm,
        OpKind.Conv => Conv,
        _ => 0,
    };

    /// <summary>The op kinds that contribute (non-zero), in the hook's order.</summary>
    public IReadOnlyList<OpKind> OpKinds => CostComponents.Kinds.Where(k => this[k] != 0).ToArray();
}

/// <summary>
/// FLOPs per <see cref="CostComponent"/> and <see cref="OpKind"/> for one piece of work (a prefill, a decode
/// step, one block's forward). FLOPs are 2 per multiply-add of a matrix product, exactly as the engine's
/// FLOP hook counts them. Immutable; add with <c>+</c>.
/// </summary>
public sealed class FlopBreakdown
{
    private static readonly int ComponentCount = CostComponents.All.Count;
    private static readonly int KindCount = CostComponents.Kinds.Count;

    private readonly long[] _flops;   // [component · kinds + kind]

    private FlopBreakdown(long[] flops) => _flops = flops;

    /// <summary>No work.</summary>
    public static FlopBreakdown Zero { get; } = new(new long[ComponentCount * KindCount]);

    /// <summary>All FLOPs.</summary>
    public long Total => checked(_flops.Sum());

    /// <summary>FLOPs of one component (all kinds).</summary>
    /// <param name="component">The component.</param>
    public long this[CostComponent component]
    {
        get
        {
            long sum = 0;
            for (int k = 0; k < KindCount; k++)
            {
                sum = checked(sum + _flops[Index(component, (OpKind)k)]);
            }

            return sum;
        }
    }

    /// <summary>FLOPs of one component and kind.</summary>
    /// <param name="component">The component.</param>
    /// <param name="kind">The op kind.</param>
    public long Get(CostComponent component, OpKind kind) => _flops[Index(component, kind)];

    /// <summary>FLOPs of one kind over all components (compare with the hook's per-kind totals).</summary>
    /// <param name="kind">The op kind.</param>
    public long ByKind(OpKind kind)
    {
        long sum = 0;
        foreach (var component in CostComponents.All)
        {
            sum = checked(sum + _flops[Index(component, kind)]);
        }

        return sum;
    }

    /// <summary>FLOPs of the components of one stage (visual, language, fusion).</summary>
    /// <param name="stage">The stage.</param>
    public long ByStage(CostStage stage) => CostComponents.All.Where(c => c.Stage() == stage).Aggregate(0L, (sum, c) => checked(sum + this[c]));

    /// <summary>Every component in declaration order, zeros included.</summary>
    public IReadOnlyList<ComponentFlops> Components =>
        CostComponents.All.Select(c => new ComponentFlops(c, Get(c, OpKind.Matmul), Get(c, OpKind.Linear), Get(c, OpKind.Bmm), Get(c, OpKind.Conv))).ToArray();

    /// <summary>A breakdown with a single entry.</summary>
    /// <param name="component">The component.</param>
    /// <param name="kind">The op kind.</param>
    /// <param name="flops">FLOPs, ≥ 0.</param>
    public static FlopBreakdown Of(CostComponent component, OpKind kind, long flops)
    {
        if (flops < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(flops), flops, "FLOPs must be ≥ 0");
        }

        var values = new long[ComponentCount * KindCount];
        values[Index(component, kind)] = flops;
        return new FlopBreakdown(values);
    }

    /// <summary>The sum of two breakdowns.</summary>
    /// <param name="a">First.</param>
    /// <param name="b">Second.</param>
    public static FlopBreakdown operator +(FlopBreakdown a, FlopBreakdown b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var values = new long[a._flops.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = checked(a._flops[i] + b._flops[i]);
        }

        return new FlopBreakdown(values);
    }

    /// <summary>The breakdown repeated <paramref name="times"/> times.</summary>
    /// <param name="times">Repetitions, ≥ 0.</param>
    public FlopBreakdown Times(long times)
    {
        if (times < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(times), times, "repetitions must be ≥ 0");
        }

        return new FlopBreakdown(_flops.Select(f => checked(f * times)).ToArray());
    }

    /// <summary>The breakdown with every component replaced by <paramref name="component"/> (per kind sums kept).</summary>
    /// <param name="component">The component that takes all the work.</param>
    public FlopBreakdown As(CostComponent component)
    {
        var values = new long[_flops.Length];
        foreach (var kind in CostComponents.Kinds)
        {
            values[Index(component, kind)] = ByKind(kind);
        }

        return new FlopBreakdown(values);
    }

    /// <summary>The sum of many breakdowns.</summary>
    /// <param name="parts">The parts.</param>
    public static FlopBreakdown Sum(IEnumerable<FlopBreakdown> parts) => parts.Aggregate(Zero, (a, b) => a + b);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(", ", Components.Where(c => c.Total != 0).Select(c => $"{c.Component.ShortName()} {c.Total}")) is { Length: > 0 } s ? s : "0";

    private static int Index(CostComponent component, OpKind kind) => (int)component * KindCount + (int)kind;
}
