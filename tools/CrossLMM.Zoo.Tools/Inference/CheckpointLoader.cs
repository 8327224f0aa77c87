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
            CheckShapes(model, tensors, path);
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
    }

    /// <summary>
    /// Throws unless every tensor of the file that the model also has matches its shape exactly, and is floating
    /// point where the model's is. Checked for all keys before any is copied: TorchSharp's <c>load_state_dict</c>
    /// copies with <c>copy_</c>, which broadcasts — a (H) tensor would silently fill every row of an (H', H) weight —
    /// and a shape that does not broadcast fails half-way, leaving the model partly loaded, with libtorch's message
    /// naming no key.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="tensors">The file's tensors by key.</param>
    /// <param name="path">The file, quoted in the message.</param>
    /// <exception cref="ZooUserException">At least one key does not fit; the message names the first few with both shapes.</exception>
    public static void CheckShapes(nn.Module model, IReadOnlyDictionary<string, Tensor> tensors, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensors);
        var own = model.state_dict();
        var wrong = new List<string>();
        foreach (var key in tensors.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            if (!own.TryGetValue(key, out var target))
            {
                continue;
            }

            var given = tensors[key];
            if (!given.shape.SequenceEqual(target.shape))
            {
                wrong.Add($"{key}: file {Format(given.shape)}, model {Format(target.shape)}");
            }
            else if (target.is_floating_point() && !given.is_floating_point())
            {
                wrong.Add($"{key}: file {given.dtype} {Format(given.shape)}, model {target.dtype} {Format(target.shape)}");
            }
        }

        if (wrong.Count > 0)
        {
            string more = wrong.Count > 3 ? $"; … ({wrong.Count} in all)" : string.Empty;
            throw new ZooUserException(
                $"weights '{path}' do not fit the model ({wrong.Count} tensor{(wrong.Count == 1 ? string.Empty : "s")} of another shape or dtype; nothing was loaded): " +
                string.Join("; ", wrong.Take(3)) + more);
        }
    }

    private static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
