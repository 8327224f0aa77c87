using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>
/// Token counts of one sample (per batch element; multiply by B for the batch).
/// </summary>
/// <param name="EncoderTokens">Vision encoder tokens T·N.</param>
/// <param name="CompressedTokens">Compressor output tokens (whether or not they enter the stream).</param>
/// <param name="StreamVisualTokens">Visual tokens in the LLM stream L_v (0 for cross_attention_only).</param>
/// <param name="StreamTextTokens">Text tokens in the LLM stream L_t.</param>
/// <param name="SourceTokens">Tokens M of each fusion source in use (keys/values of the fusion blocks).</param>
public sealed record TokenCounts(
    long EncoderTokens,
    long CompressedTokens,
    long StreamVisualTokens,
    long StreamTextTokens,
    IReadOnlyDictionary<FusionSource, long> SourceTokens)
{
    /// <summary>LLM stream length S = L_v + L_t.</summary>
    public long StreamTokens => StreamVisualTokens + StreamTextTokens;

    /// <summary>Fusion source tokens summed over the distinct sources in use.</summary>
    public long FusionSourceTokens => SourceTokens.Values.Sum();
}

/// <summary>
/// Memory of the estimate: the KV cache (self-attention keys/values of the stream, plus the cached fusion
/// keys/values of the sources) and the weights. Everything × B; masks and activations are not counted.
/// </summary>
/// <param name="KvDtype">Element type of the cache.</param>
/// <param name="SelfAttentionBytesPerPosition">Self-attention cache bytes per stream position over all layers and the batch: 2·layers·kv·B·bytes.</param>
/// <param name="SelfAttentionBytes">Self-attention cache after the prefill (S positions).</param>
/// <param name="FusionBytes">Cached fusion keys/values of the sources (filled by the prefill, fixed afterwards).</param>
/// <param name="FinalSelfAttentionBytes">Self-attention cache after generating (S + G − 1 positions).</param>
/// <param name="WeightDtype">Element type of the weights.</param>
/// <param name="WeightBytes">All parameters × the weight element size.</param>
public sealed record MemoryCost(
    CostDtype KvDtype,
    long SelfAttentionBytesPerPosition,
    long SelfAttentionBytes,
    long FusionBytes,
    long FinalSelfAttentionBytes,
    CostDtype WeightDtype,
    long WeightBytes)
{
    /// <summary>KV cache after the prefill: self-attention + fusion.</summary>
    public long KvCacheBytes => SelfAttentionBytes + FusionBytes;

    /// <summary>KV cache after generating: self-attention (S + G − 1 positions) + fusion.</summary>
    public long FinalKvCacheBytes => FinalSelfAttentionBytes + FusionBytes;
}

/// <summary>
/// The analytic cost of one architecture at one preset for T frames and L_t text tokens (see
/// <see cref="CostModel.Estimate"/> and docs/cost-model.md for exactly what is counted).
/// </summary>
/// <param name="Architecture">Name of the architecture (<c>CrossLmm</c>).</param>
/// <param name="Stem">Its YAML stem (<c>crosslmm</c>).</param>
/// <param name="Preset">The size preset.</param>
/// <param name="Frames">T.</param>
/// <param name="TextTokens">L_t.</param>
/// <param name="Options">The options used.</param>
/// <param name="Tokens">Token counts per sample.</param>
/// <param name="Prefill">FLOPs of the prefill (one forward over the whole stream, vision included).</param>
/// <param name="Decode">FLOPs of all <see cref="CostOptions.DecodeSteps"/> cached decode steps together.</param>
/// <param name="Memory">KV cache and weight bytes.</param>
/// <param name="Parameters">Parameter counts per component.</param>
public sealed record CostReport(
    string Architecture,
    string Stem,
    string Preset,
    int Frames,
    int TextTokens,
    CostOptions Options,
    TokenCounts Tokens,
    FlopBreakdown Prefill,
    FlopBreakdown Decode,
    MemoryCost Memory,
    ParameterCounts Parameters)
{
    /// <summary>Prefill + decode FLOPs.</summary>
    public long TotalFlops => checked(Prefill.Total + Decode.Total);

    /// <summary>Average FLOPs of one decode step (0 without decode steps).</summary>
    public long DecodeFlopsPerStep => Options.DecodeSteps == 0 ? 0 : Decode.Total / Options.DecodeSteps;
}
