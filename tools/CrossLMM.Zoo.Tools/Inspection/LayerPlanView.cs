using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Tools.Inspection;

/// <summary>A run of consecutive decoder layers with the same block.</summary>
/// <param name="First">First layer index.</param>
/// <param name="Last">Last layer index (inclusive).</param>
/// <param name="Block">What runs there.</param>
/// <param name="Fusion">The fusion entry on these layers (kind, branches, source, …), or empty.</param>
public sealed record LayerPlanEntry(int First, int Last, string Block, string Fusion)
{
    /// <summary><c>3</c> or <c>0-2</c>.</summary>
    public string Layers => First == Last ? First.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{First}-{Last}";

    /// <summary>How many layers.</summary>
    public int Count => Last - First + 1;
}

/// <summary>The expanded per-layer plan of an architecture (<see cref="ArchitectureConfig.LayerPlan"/>), with equal neighbours merged.</summary>
public static class LayerPlanView
{
    /// <summary>The plan, one entry per run of equal layers.</summary>
    /// <param name="config">A bound architecture.</param>
    public static IReadOnlyList<LayerPlanEntry> Of(ArchitectureConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var entries = new List<LayerPlanEntry>();
        for (int layer = 0; layer < config.Llm.Layers; layer++)
        {
            var fusion = config.FusionAt(layer);
            string block = Block(fusion), detail = fusion is null ? string.Empty : Describe(config, fusion);
            if (entries.Count > 0 && entries[^1].Block == block && entries[^1].Fusion == detail && entries[^1].Last == layer - 1)
            {
                entries[^1] = entries[^1] with { Last = layer };
            }
            else
            {
                entries.Add(new LayerPlanEntry(layer, layer, block, detail));
            }
        }

        return entries;
    }

    /// <summary>One fusion entry in words: <c>dual_cross_attention [v2v, t2v], scope global, source original (T·N = 5832 tokens at 8 frames)</c>.</summary>
    /// <param name="config">Its architecture.</param>
    /// <param name="fusion">The entry.</param>
    public static string Describe(ArchitectureConfig config, FusionConfig fusion)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(fusion);
        string extra = fusion is DualCrossAttentionConfig dual
            ? $" [{string.Join(", ", dual.Branches.Select(b => YamlNames.Of(b)))}], scope {YamlNames.Of(dual.Scope)},"
            : string.Empty;
        return $"{fusion.KindName}{extra} source {YamlNames.Of(fusion.Source)}, {fusion.Heads} heads, gate init {fusion.GateInit.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static string Block(FusionConfig? fusion) => fusion switch
    {
        null => "Qwen2 decoder layer",
        DualCrossAttentionConfig => "Qwen2 decoder layer, then DCAL (cross_attn)",
        GatedCrossAttentionConfig => "gated xattn-dense (cross_attn), then Qwen2 decoder layer",
        HybridFusionConfig => "Slow-Fast hybrid decoder layer",
        _ => fusion.KindName,
    };
}
