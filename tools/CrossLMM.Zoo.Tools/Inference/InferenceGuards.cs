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
                $"{what} has {parameters / 1e9:F2}B parameters: {Gib(bytes)} in fp32, over {UsableShare:P0} of the {Gib(available)} available"));
        }
    }

    /// <summary>Refuses a sequence longer than the model's positions.</summary>
    /// <param name="length">Positions the run needs (prompt + new tokens).</param>
    /// <param name="maxPositions">The model's limit (<c>max_position_embeddings</c>).</param>
    /// <param name="detail">How the length was counted, for the message.</param>
    /// <exception cref="ZooUserException">Too long.</exception>
    public static void EnsurePositions(long length, long maxPositions, string detail)
    {
        if (length > maxPositions)
        {
            throw new ZooUserException($"the sequence needs {length} positions ({detail}), over the model's limit of {maxPositions} (max_position_embeddings)");
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
                $"the run would need about {Gib(bytes)} ({detail}), over {UsableShare:P0} of the {Gib(available)} available"));
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
