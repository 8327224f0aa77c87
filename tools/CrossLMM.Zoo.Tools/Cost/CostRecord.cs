using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Tools.Cost;

/// <summary>
/// One <see cref="CostReport"/> flattened to plain numbers for JSON and CSV (exact integers: FLOPs, bytes and
/// parameter counts are never rounded). Component keys are the camel-cased <see cref="CostComponent"/>
/// names (<c>vision</c>, <c>attentionProjections</c>, <c>lmHead</c>, ...), every component present, in
/// declaration order.
/// </summary>
/// <param name="Architecture">C# name.</param>
/// <param name="Stem">YAML stem.</param>
/// <param name="Preset">Size preset.</param>
/// <param name="Frames">T.</param>
/// <param name="TextTokens">L_t.</param>
/// <param name="Tokens">Token counts.</param>
/// <param name="PrefillFlops">Prefill FLOPs.</param>
/// <param name="Memory">KV cache and weights.</param>
/// <param name="Parameters">Parameter counts.</param>
/// <param name="Paper">The prefill counted the CrossLMM paper's way (only with <see cref="CostConvention.Paper"/>; absent otherwise).</param>
public sealed record CostRecord(
    string Architecture,
    string Stem,
    string Preset,
    int Frames,
    int TextTokens,
    TokenRecord Tokens,
    FlopRecord PrefillFlops,
    MemoryRecord Memory,
    ParameterRecord Parameters,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PaperRecord? Paper = null)
{
    /// <summary>The record of a report, with the paper's count when <paramref name="convention"/> is <see cref="CostConvention.Paper"/>.</summary>
    /// <param name="report">A cost report.</param>
    /// <param name="convention">The convention the output is in.</param>
    public static CostRecord From(CostReport report, CostConvention convention) =>
        From(report) with { Paper = convention == CostConvention.Paper ? PaperRecord.From(PaperConvention.Of(report)) : null };

    /// <summary>The record of a report (exact convention).</summary>
    /// <param name="report">A cost report.</param>
    public static CostRecord From(CostReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = report.Tokens;
        var f = report.Prefill;
        var m = report.Memory;
        return new CostRecord(
            report.Architecture,
            report.Stem,
            report.Preset,
            report.Frames,
            report.TextTokens,
            new TokenRecord(
                t.EncoderTokens,
                t.CompressedTokens,
                t.StreamVisualTokens,
                t.StreamTextTokens,
                t.StreamTokens,
                t.SourceTokens.OrderBy(kv => kv.Key).ToDictionary(kv => YamlNames.Of(kv.Key), kv => kv.Value)),
            new FlopRecord(
                f.Total,
                f.ByStage(CostStage.Visual),
                f.ByStage(CostStage.Language),
                f.ByStage(CostStage.Fusion),
                CostComponents.All.ToDictionary(Key, c => f[c])),
            new MemoryRecord(m.KvDtype.ShortName(), m.KvCacheBytes, m.SelfAttentionBytes, m.FusionBytes, m.WeightDtype.ShortName(), m.WeightBytes),
            new ParameterRecord(report.Parameters.Total, CostComponents.All.ToDictionary(Key, c => report.Parameters[c])));
    }

    /// <summary>The JSON key of a component (<c>attentionProjections</c>).</summary>
    /// <param name="component">The component.</param>
    public static string Key(CostComponent component) => JsonNamingPolicy.CamelCase.ConvertName(component.ToString());
}

/// <summary>Token counts of one sample.</summary>
/// <param name="Encoder">Vision encoder tokens T·N.</param>
/// <param name="Compressed">Compressor output tokens.</param>
/// <param name="StreamVisual">Visual tokens in the LLM stream L_v.</param>
/// <param name="StreamText">Text tokens in the stream L_t.</param>
/// <param name="Stream">Stream length S = L_v + L_t.</param>
/// <param name="Sources">Tokens of each fusion source in use (keys: <c>original</c>, <c>compressed</c>, <c>slow</c>).</param>
public sealed record TokenRecord(long Encoder, long Compressed, long StreamVisual, long StreamText, long Stream, IReadOnlyDictionary<string, long> Sources);

/// <summary>Prefill FLOPs (2 per multiply-add of linear, matmul and conv).</summary>
/// <param name="Total">All of them.</param>
/// <param name="Visual">Vision encoder, compressor, projectors.</param>
/// <param name="Language">The LLM's own layers and head.</param>
/// <param name="Fusion">Fusion blocks inside the LLM.</param>
/// <param name="ByComponent">Per component.</param>
public sealed record FlopRecord(long Total, long Visual, long Language, long Fusion, IReadOnlyDictionary<string, long> ByComponent);

/// <summary>Bytes of the KV cache after the prefill and of the weights.</summary>
/// <param name="KvDtype">Cache element type (<c>bf16</c>).</param>
/// <param name="KvCacheBytes">Self-attention + fusion.</param>
/// <param name="SelfAttentionBytes">Self-attention keys/values of the stream.</param>
/// <param name="FusionBytes">Cached fusion keys/values of the sources.</param>
/// <param name="WeightDtype">Weight element type.</param>
/// <param name="WeightBytes">All parameters × element size.</param>
public sealed record MemoryRecord(string KvDtype, long KvCacheBytes, long SelfAttentionBytes, long FusionBytes, string WeightDtype, long WeightBytes);

/// <summary>Parameter counts.</summary>
/// <param name="Total">All parameters.</param>
/// <param name="ByComponent">Per component.</param>
public sealed record ParameterRecord(long Total, IReadOnlyDictionary<string, long> ByComponent);

/// <summary>
/// The prefill counted the CrossLMM paper's way (<see cref="PaperConvention"/>): multiply-accumulates, not FLOPs.
/// </summary>
/// <param name="Macs">Vision + LLM linear MACs (the paper's "TFLOPs" × 10¹²).</param>
/// <param name="VisionMacs">MACs of the vision encoder.</param>
/// <param name="LanguageLinearMacs">MACs of the LLM's linear layers over the stream tokens (q/k/v/o, MLP, LM head).</param>
/// <param name="LeftOutFlops">Exact FLOPs the paper leaves out (= exact prefill FLOPs − 2 × MACs).</param>
/// <param name="LeftOutByComponent">Per left-out component (<c>attentionScores</c>, <c>fusionAttention</c>, ...).</param>
public sealed record PaperRecord(long Macs, long VisionMacs, long LanguageLinearMacs, long LeftOutFlops, IReadOnlyDictionary<string, long> LeftOutByComponent)
{
    /// <summary>The record of a paper-convention count.</summary>
    /// <param name="cost">The count.</param>
    public static PaperRecord From(PaperCost cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        return new PaperRecord(cost.Macs, cost.VisionMacs, cost.LanguageLinearMacs, cost.LeftOutTotal,
            PaperConvention.LeftOut.ToDictionary(CostRecord.Key, c => cost.LeftOutFlops[c]));
    }
}
