using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace CrossLMM.Zoo.Tools.Inference;

/// <summary>What loading a checkpoint into a model did.</summary>
/// <param name="Path">The safetensors file.</param>
/// <param name="Tensors">Tensors in the file.</param>
/// <param name="Loaded">Keys copied into the model.</param>
/// <param name="Missing">Model keys the file lacks (left at their random initialisation).</param>
/// <param name="Unexpected">File keys the model does not have (ignored).</param>
public sealed record CheckpointReport(string Path, int Tensors, int Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected);

/// <summary>
/// Loads a safetensors checkpoint into a model with the engine's reader and <c>load_state_dict</c>
/// (non-strict), reporting missing and unexpected keys instead of failing on them; a shape mismatch is an
/// error naming the key and both shapes. Keys follow the Hugging Face names (see VideoLmm's summary).
/// </summary>
public static class CheckpointLoader
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">A .safetensors file.</param>
    /// <exception cref="ZooUserException">Missing or malformed file, or a shape mismatch.</exception>
    public static CheckpointReport Load(nn.Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ZooUserException($"weights not found: '{path}'");
        }

#if TORCHSHARP
        throw new ZooUserException("--weights needs the LibTorch backend's safetensors reader (this build uses TorchSharp); convert the checkpoint with TorchSharp's own tools");
#else
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = CrossLMM.Zoo.Engine.Safetensors.Load(path);
        }
        catch (IOException e)
        {
            throw new ZooUserException($"cannot read weights '{path}': {e.Message}", e);
        }

        try
        {
            var (missing, unexpected) = model.load_state_dict(tensors, strict: false);
            var missingKeys = missing.OrderBy(k => k, StringComparer.Ordinal).ToArray();
            var unexpectedKeys = unexpected.OrderBy(k => k, StringComparer.Ordinal).ToArray();
            return new CheckpointReport(path, tensors.Count, tensors.Count - unexpectedKeys.Length, missingKeys, unexpectedKeys);
        }
        catch (ArgumentException e)
        {
            throw new ZooUserException($"weights '{path}' do not fit the model: {Cost.CostSweep.FirstLine(e.Message)}", e);
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
#endif
    }
}
