using System;
using System.Globalization;

namespace CrossLMM.Zoo.Tools.Inference;

/// <summary>
/// Checks made before allocating: the sequence against the model's position limit, and an estimate of peak
/// memory against what the machine has available (<c>MemAvailable</c> of /proc/meminfo). Each refusal is one
/// line naming the limit and the estimate.
/// </summary>
public static class InferenceGuards
{
    /// <summary>Share of the available memory a run may plan to use.</summary>
    public const double UsableShare = 0.8;

    /// <summary>Refuses weights whose fp32 size would not fit.</summary>
    /// <param name="parameters">Parameter count.</param>
    /// <param name="what">What is being built, for the message.</param>
    /// <exception cref="ZooUserException">Too large.</exception>
    public static void EnsureWeightsFit(long parameters, string what)
    {
        long bytes = checked(parameters * 4);
        if (AvailableMemory() is long available && bytes > available * UsableShare)
        {
            throw new ZooUserException(string.Create(CultureInfo.InvariantCulture,
                $"{what} has {parameters / 1e9:F2}B parameters: {Gib(bytes)} in fp32, over {UsableShare * 100:F0}% of the {Gib(available)} available"));
        }
    }

    /// <summary>Refuses a sequence longer than the model's positions.</summary>
    /// <param name="length">Positions the run needs (prompt + new tokens).</param>
    /// <param name="maxPositions">The model's limit (<c>max_position_embeddings</c>).</param>
    /// <param name="detail">How the length was counted, for the message.</param>
    /// <param name="limitName">The setting that holds the limit.</param>
    /// <exception cref="ZooUserException">Too long.</exception>
    public static void EnsurePositions(long length, long maxPositions, string detail, string limitName = "max_position_embeddings")
    {
        if (length > maxPositions)
        {
            throw new ZooUserException($"the sequence needs {length} positions ({detail}), over the model's limit of {maxPositions} ({limitName})");
        }
    }

    /// <summary>Refuses a run whose estimated peak working memory (beyond the weights) would not fit.</summary>
    /// <param name="bytes">The estimate.</param>
    /// <param name="detail">What the estimate counts.</param>
    /// <exception cref="ZooUserException">Too large.</exception>
    public static void EnsureWorkingMemoryFits(long bytes, string detail)
    {
        if (AvailableMemory() is long available && bytes > available * UsableShare)
        {
            throw new ZooUserException(string.Create(CultureInfo.InvariantCulture,
                $"the run would need about {Gib(bytes)} ({detail}), over {UsableShare * 100:F0}% of the {Gib(available)} available"));
        }
    }

    /// <summary>Peak working memory of a Qwen2 prefill over <paramref name="length"/> positions, batch <paramref name="batch"/>:
    /// the KV cache of every layer, one layer's attention scores (h·S·S) and MLP activations, and the last position's logits; fp32.</summary>
    /// <param name="llm">Sizes.</param>
    /// <param name="length">Positions.</param>
    /// <param name="batch">Batch.</param>
    public static long PrefillBytes(LanguageModelConfig llm, long length, long batch = 1)
    {
        ArgumentNullException.ThrowIfNull(llm);
        double kv = 2.0 * llm.Layers * llm.KvWidth * length;
        double scores = (double)llm.Heads * length * length;
        double activations = length * (6.0 * llm.Hidden + 3.0 * llm.Mlp);
        double logits = llm.Vocab;
        double bytes = 4.0 * batch * (kv + scores + activations + logits);
        return bytes > long.MaxValue / 2 ? long.MaxValue / 2 : (long)bytes;
    }

    /// <summary>
    /// Refuses a composed video-LMM forward (<c>zoo run</c>) whose LLM stream is longer than <c>llm.max_positions</c>,
    /// or whose estimated peak memory exceeds what is available: fp32 weights, the input video, one vision layer's
    /// activations and attention scores over all frames, the fusion sources' keys/values, and the prefill of the
    /// stream (<see cref="PrefillBytes"/>) plus the fusion attention scores.
    /// </summary>
    /// <param name="config">The architecture at its preset.</param>
    /// <param name="frames">T.</param>
    /// <param name="textTokens">Prompt tokens.</param>
    /// <exception cref="ZooUserException">Over a limit.</exception>
    public static void EnsureVideoRunFits(ArchitectureConfig config, int frames, int textTokens)
    {
        ArgumentNullException.ThrowIfNull(config);
        var tokens = Modules.Cost.CostModel.Tokens(config, frames, textTokens);
        EnsurePositions(tokens.StreamTokens, config.Llm.MaxPositions,
            $"{tokens.StreamVisualTokens} visual tokens for {frames} frames + {textTokens} text tokens in the LLM stream", "llm.max_positions");
        var v = config.Vision;
        double weights = 4.0 * Modules.Cost.CostModel.Parameters(config).Total;
        double video = 4.0 * frames * (v.Kind == VisionKind.Vit ? (double)v.Channels * v.Image * v.Image : (double)config.EncoderTokensPerFrame * v.Hidden);
        double vision = 4.0 * tokens.EncoderTokens * (8.0 * v.Hidden + 2.0 * v.Mlp) + 4.0 * frames * v.Heads * (double)config.EncoderTokensPerFrame * config.EncoderTokensPerFrame;
        double sources = 4.0 * tokens.FusionSourceTokens * (v.Hidden + 3.0 * config.Llm.Hidden);
        double fusionScores = 4.0 * config.Llm.Heads * (double)tokens.StreamTokens * tokens.FusionSourceTokens;
        double total = weights + video + vision + sources + fusionScores + PrefillBytes(config.Llm, tokens.StreamTokens);
        EnsureWorkingMemoryFits(total >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)total,
            $"weights, {frames} frames through the vision encoder, {tokens.FusionSourceTokens} fusion source tokens and a {tokens.StreamTokens}-position prefill");
    }

    /// <summary>MemAvailable in bytes, or null where /proc/meminfo cannot be read.</summary>
    public static long? AvailableMemory()
    {
        try
        {
            foreach (var line in System.IO.File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return null;
    }

    private static string Gib(long bytes) => (bytes / Tables.Units.GiB).ToString("F1", CultureInfo.InvariantCulture) + " GiB";
}
