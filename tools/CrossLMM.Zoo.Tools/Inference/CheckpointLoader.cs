using System;
using System.Collections.Generic;

namespace CrossLMM.Zoo.Tools.Inference;

/// <summary>What loading a checkpoint into a model did.</summary>
/// <param name="Path">The safetensors file.</param>
/// <param name="Tensors">Tensors in the file.</param>
/// <param name="Loaded">Keys copied into the model.</param>
/// <param name="Missing">Model keys the file lacks that --allow-missing permitted (left at their random initialisation).</param>
/// <param name="Unexpected">File keys the model does not have (always empty: strict loading refuses them).</param>
public sealed record CheckpointReport(string Path, int Tensors, int Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected);

/// <summary>
/// Loads a safetensors or PyTorch (.bin/.pth/.pt) checkpoint into a zoo model (<c>zoo run --weights</c>) strictly, with
/// <see cref="Checkpoints.StrictStateLoader"/>: missing or unexpected keys, a shape mismatch or a non-finite value is an
/// error naming them; <c>--allow-missing</c> patterns permit absent keys (left at their random initialisation). Keys
/// follow the Hugging Face names (see VideoLmm's summary).
/// </summary>
public static class CheckpointLoader
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">A .safetensors file, or a PyTorch .bin/.pth/.pt state dict.</param>
    /// <param name="allowMissing">Glob patterns of model keys that may be absent.</param>
    /// <exception cref="ZooUserException">Missing or malformed file, missing/unexpected keys, a shape mismatch, NaN/Inf.</exception>
    public static CheckpointReport Load(nn.Module model, string path, IEnumerable<string>? allowMissing = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        using var weights = Checkpoints.CheckpointWeights.OpenFile(path);
        var report = Checkpoints.StrictStateLoader.Load(model, weights, allowMissing);
        return new CheckpointReport(path, weights.Keys.Count, report.Loaded, report.AllowedMissing, Array.Empty<string>());
    }
}
