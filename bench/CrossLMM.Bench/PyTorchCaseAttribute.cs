using System;

namespace CrossLMM.Bench;

/// <summary>
/// Pairs a C# <c>[Benchmark]</c> method with a PyTorch case of <c>bench/reference/*_cases.py</c> (same id),
/// so the run measures both and reports C#/PyTorch ratios. A benchmark without it is measured and reported
/// alone. Times are per operation: BenchmarkDotNet's per-invoke time divided by <c>OperationsPerInvoke</c>,
/// and the Python case's time per call divided by its <c>ops</c>; keep the two equal.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PyTorchCaseAttribute(string id) : Attribute
{
    /// <summary>The Python case id, e.g. "engine.add64" (registered with <c>@case("engine.add64")</c>).</summary>
    public string Id { get; } = id;

    /// <summary>Floating-point operations per operation (0 = not a throughput case); enables GFLOP/s columns.</summary>
    public double Flops { get; set; }

    /// <summary>Goal on the time ratio C#/PyTorch (e.g. 0.5: at most half of PyTorch's time); NaN = none.</summary>
    public double MaxTimeRatio { get; set; } = double.NaN;

    /// <summary>Goal on the throughput ratio C#/PyTorch (e.g. 0.95); NaN = none.</summary>
    public double MinThroughputRatio { get; set; } = double.NaN;

    /// <summary>What the case measures, for the report.</summary>
    public string Description { get; set; } = "";
}
