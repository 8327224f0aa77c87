using System;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>Which stream positions the LM head runs on during the prefill.</summary>
public enum LmHeadPositions
{
    /// <summary>
    /// Only the last position (the default): a prefill for generation needs only the next-token
    /// distribution, so that is what a serving stack computes. Decode steps always run the head on their
    /// one new position.
    /// </summary>
    Last,

    /// <summary>Every position of the stream (training, scoring, or a model that computes all logits).</summary>
    All,
}

/// <summary>The element type of cached keys/values and of weights, for byte counts.</summary>
public enum CostDtype
{
    /// <summary>bfloat16, 2 bytes (the default: how 7B models are served).</summary>
    BFloat16,

    /// <summary>float16, 2 bytes.</summary>
    Float16,

    /// <summary>float32, 4 bytes (what the zoo's CPU modules run in).</summary>
    Float32,
}

/// <summary>Helpers over <see cref="CostDtype"/>.</summary>
public static class CostDtypes
{
    /// <summary>Bytes per element.</summary>
    /// <param name="dtype">The dtype.</param>
    public static int Bytes(this CostDtype dtype) => dtype switch
    {
        CostDtype.BFloat16 or CostDtype.Float16 => 2,
        CostDtype.Float32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>The short name (<c>bf16</c>, <c>fp16</c>, <c>fp32</c>).</summary>
    /// <param name="dtype">The dtype.</param>
    public static string ShortName(this CostDtype dtype) => dtype switch
    {
        CostDtype.BFloat16 => "bf16",
        CostDtype.Float16 => "fp16",
        CostDtype.Float32 => "fp32",
        _ => dtype.ToString(),
    };
}

/// <summary>
/// Knobs of a cost estimate. Defaults: batch 1, the LM head on the last prefill position only, no generated
/// tokens, bf16 KV cache and weights.
/// </summary>
/// <param name="Batch">Samples B ≥ 1, all of the same length (no padding).</param>
/// <param name="LmHead">Which prefill positions the LM head runs on (default <see cref="LmHeadPositions.Last"/>).</param>
/// <param name="GeneratedTokens">
/// Tokens G ≥ 0 to generate greedily after the prefill. The prefill yields the first; each of the other G − 1
/// is one cached decode step over one new position (no vision, compressor or projector work; fusion K/V come
/// from the cache). The KV cache ends with S + G − 1 positions (S + 0 when G = 0).
/// </param>
/// <param name="KvDtype">Element type of cached keys and values (default bf16).</param>
/// <param name="WeightDtype">Element type of the weights for <see cref="MemoryCost.WeightBytes"/> (default bf16).</param>
public sealed record CostOptions(
    int Batch = 1,
    LmHeadPositions LmHead = LmHeadPositions.Last,
    int GeneratedTokens = 0,
    CostDtype KvDtype = CostDtype.BFloat16,
    CostDtype WeightDtype = CostDtype.BFloat16)
{
    /// <summary>The defaults.</summary>
    public static CostOptions Default { get; } = new();

    /// <summary>Cached decode steps after the prefill: max(G − 1, 0).</summary>
    public int DecodeSteps => Math.Max(GeneratedTokens - 1, 0);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the offending option.</summary>
    /// <param name="paramName">The argument that carried these options.</param>
    /// <exception cref="ArgumentException">A batch below 1 or a negative token count.</exception>
    public void EnsureValid(string paramName = "options")
    {
        if (Batch < 1)
        {
            throw new ArgumentException(ConfigRules.BelowMinimum("options.Batch", Batch, 1), paramName);
        }

        if (GeneratedTokens < 0)
        {
            throw new ArgumentException(ConfigRules.BelowMinimum("options.GeneratedTokens", GeneratedTokens, 0), paramName);
        }
    }
}
