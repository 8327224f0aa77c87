using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>How a cost is counted: the zoo's exact FLOPs, or the CrossLMM paper's MACs.</summary>
public enum CostConvention
{
    /// <summary>
    /// The zoo's default: FLOPs = 2 per multiply-add of every linear, matmul and conv the prefill runs (attention
    /// scores, fusion layers, compressor and projectors included), equal to the engine's FLOP hook.
    /// </summary>
    Exact,

    /// <summary>
    /// The CrossLMM paper's count (arXiv 2505.17020): multiply-accumulates (1 per multiply-add) of the vision
    /// encoder plus the LLM's linear layers over the stream tokens; no attention-score term, no fusion layers
    /// (see <see cref="PaperConvention"/>).
    /// </summary>
    Paper,
}

/// <summary>
/// A prefill counted the way the CrossLMM paper counts it (arXiv 2505.17020, its efficiency figure and table):
/// multiply-accumulates (MACs, one per multiply-add) of
/// <list type="bullet">
/// <item>the vision encoder (patch convolution, projections, MLPs and its own attention products), and</item>
/// <item>the LLM's linear layers over the stream tokens: each decoder layer's q/k/v/o projections and SwiGLU MLP for
/// every one of the S = L_v + L_t positions, and the LM head on the positions <see cref="CostOptions.LmHead"/> says;</item>
/// </list>
/// and nothing else. Left out: the LLM's attention-score products (QKᵀ and AV), every fusion layer (DCAL, gated
/// cross-attention, the hybrid layer's cross-attention, with their K/V projections, FFNs and gates), the compressor
/// and the projectors. The paper's "TFLOPs" are 10¹² of these MACs.
/// By construction, MACs = (exact FLOPs − the left-out components' FLOPs) / 2, component by component.
/// </summary>
public static class PaperConvention
{
    /// <summary>The components the paper counts, in declaration order.</summary>
    public static IReadOnlyList<CostComponent> Counted { get; } = new[]
    {
        CostComponent.Vision, CostComponent.AttentionProjections, CostComponent.Mlp, CostComponent.LmHead,
    };

    /// <summary>The components with FLOPs that the paper leaves out, in declaration order.</summary>
    public static IReadOnlyList<CostComponent> LeftOut { get; } = new[]
    {
        CostComponent.Compressor, CostComponent.Projector, CostComponent.SourceProjector, CostComponent.AttentionScores,
        CostComponent.FusionKeyValueProjections, CostComponent.FusionAttention, CostComponent.FusionFeedForward, CostComponent.FusionGates,
    };

    /// <summary>The convention's name as the outputs write it (<c>exact</c>, <c>paper</c>).</summary>
    /// <param name="convention">The convention.</param>
    public static string Name(this CostConvention convention) => convention switch
    {
        CostConvention.Exact => "exact",
        CostConvention.Paper => "paper",
        _ => throw new ArgumentOutOfRangeException(nameof(convention), convention, "unknown cost convention"),
    };

    /// <summary>The paper's MACs of one piece of work: the counted components' FLOPs halved.</summary>
    /// <param name="flops">FLOPs per component (a prefill, a block).</param>
    public static long MultiplyAccumulates(FlopBreakdown flops)
    {
        ArgumentNullException.ThrowIfNull(flops);
        return Counted.Aggregate(0L, (sum, c) => checked(sum + Macs(flops[c], c)));
    }

    /// <summary>The prefill of a report counted the paper's way, with what it leaves out.</summary>
    /// <param name="report">A cost report (its prefill is recounted; decode steps are not part of the paper's count).</param>
    public static PaperCost Of(CostReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var prefill = report.Prefill;
        long vision = Macs(prefill[CostComponent.Vision], CostComponent.Vision);
        long language = checked(MultiplyAccumulates(prefill) - vision);
        var leftOut = LeftOut.ToDictionary(c => c, c => prefill[c]);
        return new PaperCost(report.Architecture, report.Stem, report.Preset, report.Frames, report.TextTokens, report.Tokens.StreamTokens,
            vision, language, leftOut, prefill.Total);
    }

    /// <summary>The conventions of a paper-convention count in one paragraph (the header of its tables).</summary>
    /// <param name="report">A report (its LM-head option and batch are described).</param>
    public static string Describe(CostReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string head = report.Options.LmHead == LmHeadPositions.Last ? "the LM head on the last prefill position" : "the LM head on every prefill position";
        return "Paper convention (CrossLMM, arXiv 2505.17020): TMACs = 10^12 multiply-accumulates (1 per multiply-add, half the zoo's FLOPs) " +
               $"of the vision encoder plus the LLM's linear layers (q/k/v/o and MLP of every decoder layer) over the stream tokens and {head}; " +
               $"left out: the LLM's attention scores (QKᵀ, AV), fusion layers (K/V projections, cross-attention, FFNs, gates), compressor and projectors; batch {report.Options.Batch}.";
    }

    // FLOPs are 2 per multiply-add, so every component's count is even.
    private static long Macs(long flops, CostComponent component) =>
        flops % 2 == 0 ? flops / 2 : throw new InvalidOperationException($"{component} has an odd FLOP count ({flops}): FLOPs are 2 per multiply-add");
}

/// <summary>
/// One prefill counted the CrossLMM paper's way (<see cref="PaperConvention"/>), next to what that count leaves out.
/// </summary>
/// <param name="Architecture">C# name of the architecture.</param>
/// <param name="Stem">Its YAML stem.</param>
/// <param name="Preset">The size preset.</param>
/// <param name="Frames">T.</param>
/// <param name="TextTokens">L_t.</param>
/// <param name="StreamTokens">S = L_v + L_t, the tokens the LLM's linear layers run over.</param>
/// <param name="VisionMacs">MACs of the vision encoder.</param>
/// <param name="LanguageLinearMacs">MACs of the LLM's linear layers (q/k/v/o, MLP, LM head).</param>
/// <param name="LeftOutFlops">Exact FLOPs of each component the paper does not count (<see cref="PaperConvention.LeftOut"/>).</param>
/// <param name="ExactFlops">The zoo's exact prefill FLOPs.</param>
public sealed record PaperCost(
    string Architecture,
    string Stem,
    string Preset,
    int Frames,
    int TextTokens,
    long StreamTokens,
    long VisionMacs,
    long LanguageLinearMacs,
    IReadOnlyDictionary<CostComponent, long> LeftOutFlops,
    long ExactFlops)
{
    /// <summary>The paper's count: vision + LLM linear MACs.</summary>
    public long Macs => checked(VisionMacs + LanguageLinearMacs);

    /// <summary>Exact FLOPs of everything the paper leaves out (= exact FLOPs − 2 × <see cref="Macs"/>).</summary>
    public long LeftOutTotal => LeftOutFlops.Values.Aggregate(0L, (sum, f) => checked(sum + f));
}
