using System;

namespace CrossLMM.Bench;

/// <summary>
/// Marks a C# benchmark as the plain-TorchSharp twin of a zoo case (<c>"Type.Method"</c>): the same computation
/// on the same weights and inputs written directly on TorchSharp (bench/CrossLMM.Bench/Plain). The report adds
/// a "zoo / plain TorchSharp" ratio, from measurements taken in the same round.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PlainTwinAttribute(string zooCase) : Attribute
{
    /// <summary>The zoo case this one mirrors, e.g. "ModelBenchmarks.CrossLmmPrefill".</summary>
    public string ZooCase { get; } = zooCase;

    /// <summary>Goal on zoo time / plain time (e.g. 1.05); NaN = none.</summary>
    public double MaxTimeRatio { get; set; } = double.NaN;
}
