using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Engine;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>
/// The tensors of a Hugging Face checkpoint folder: <c>model.safetensors</c>, or the shards a
/// <c>model.safetensors.index.json</c> names (its <c>weight_map</c>); failing those, the PyTorch equivalents
/// <c>pytorch_model.bin</c> and <c>pytorch_model.bin.index.json</c>. Safetensors files are memory-mapped; PyTorch
/// files are read by <see cref="PyTorchCheckpointFile"/>, whose unpickler runs no code and accepts only the globals a
/// state dict needs. Either way a tensor is read when asked for.
/// </summary>
public sealed class CheckpointWeights : IDisposable
{
    private readonly List<ICheckpointFile> _files = new();
    private readonly Dictionary<string, ICheckpointFile> _byKey = new(StringComparer.Ordinal);

    private CheckpointWeights(string folder)
    {
        Folder = folder;
    }

    /// <summary>The checkpoint folder (or the single file given to <see cref="OpenFile"/>).</summary>
    public string Folder { get; }

    /// <summary>Every tensor name, sorted.</summary>
    public IReadOnlyList<string> Keys => _byKey.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The weights files read.</summary>
    public IReadOnlyList<string> Files => _files.Select(f => f.Path).ToArray();

    /// <summary>Opens the weights of <paramref name="folder"/>.</summary>
    /// <param name="folder">A checkpoint folder.</param>
    /// <exception cref="ZooUserException">No weights, a missing shard, a malformed file, a pickle that names a disallowed global, or a key in two files.</exception>
    public static CheckpointWeights Open(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var weights = new CheckpointWeights(folder);
        try
        {
            string single = Path.Combine(folder, "model.safetensors");
            string index = Path.Combine(folder, "model.safetensors.index.json");
            string pickleIndex = Path.Combine(folder, "pytorch_model.bin.index.json");
            string pickle = Path.Combine(folder, "pytorch_model.bin");
            if (File.Exists(index))
            {
                weights.OpenSharded(index);
            }
            else if (File.Exists(single))
            {
                weights.Add(single);
            }
            else if (File.Exists(pickleIndex))
            {
                weights.OpenSharded(pickleIndex);
            }
            else if (File.Exists(pickle))
            {
                weights.Add(pickle);
            }
            else
            {
                throw new ZooUserException($"no weights in '{folder}': expected model.safetensors, model.safetensors.index.json, pytorch_model.bin or pytorch_model.bin.index.json");
            }

            return weights;
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>Opens one weights file (<c>zoo run --weights</c>): a PyTorch checkpoint when it ends in .bin, .pth or .pt, else safetensors.</summary>
    /// <param name="path">A .safetensors, .bin, .pth or .pt file.</param>
    /// <exception cref="ZooUserException">A missing or malformed file.</exception>
    public static CheckpointWeights OpenFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ZooUserException($"weights not found: '{path}'");
        }

        var weights = new CheckpointWeights(path);
        try
        {
            weights.Add(path);
            return weights;
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    private void OpenSharded(string index)
    {
        Dictionary<string, string> map;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(index));
            map = doc.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ZooUserException($"malformed '{index}': {e.Message}", e);
        }

        foreach (string shard in map.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (shard.Contains('/', StringComparison.Ordinal) || shard.Contains('\\', StringComparison.Ordinal) || shard is "" or "." or "..")
            {
                throw new ZooUserException($"'{index}' names the shard '{shard}', which is not a file name in the checkpoint folder");
            }

            string path = Path.Combine(Folder, shard);
            if (!File.Exists(path))
            {
                throw new ZooUserException($"'{index}' names the shard '{shard}', which is missing from '{Folder}'");
            }

            Add(path);
        }

        foreach (var (key, shard) in map)
        {
            if (!_byKey.TryGetValue(key, out var file) || Path.GetFileName(file.Path) != shard)
            {
                throw new ZooUserException($"'{index}' maps '{key}' to '{shard}', but that shard does not hold it");
            }
        }
    }

    private void Add(string path)
    {
        ICheckpointFile file;
        try
        {
            file = PyTorchCheckpointFile.IsPyTorchFile(path) ? PyTorchCheckpointFile.Open(path) : new SafetensorsCheckpointFile(SafetensorsFile.Open(path));
        }
        catch (IOException e)
        {
            throw new ZooUserException($"cannot read '{path}': {e.Message}", e);
        }

        _files.Add(file);
        foreach (string key in file.Keys)
        {
            if (_byKey.TryGetValue(key, out var other))
            {
                throw new ZooUserException($"the tensor '{key}' is in both '{other.Path}' and '{path}'");
            }

            _byKey[key] = file;
        }
    }

    /// <summary>Whether the checkpoint holds <paramref name="key"/>.</summary>
    /// <param name="key">A tensor name.</param>
    public bool Contains(string key) => _byKey.ContainsKey(key);

    /// <summary>The stored shape of <paramref name="key"/>.</summary>
    /// <param name="key">A tensor name the checkpoint holds.</param>
    public long[] Shape(string key) => _byKey[key].Shape(key);

    /// <summary>The stored dtype of <paramref name="key"/>.</summary>
    /// <param name="key">A tensor name the checkpoint holds.</param>
    public ScalarType Dtype(string key) => _byKey[key].Dtype(key);

    /// <summary>The tensor in the stored dtype (safetensors: a zero-copy view of the mapping; PyTorch: a copy); the caller disposes it.</summary>
    /// <param name="key">A tensor name the checkpoint holds.</param>
    public Tensor Read(string key) => _byKey[key].Read(key);

    /// <summary>Drops the mappings.</summary>
    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }

        _files.Clear();
        _byKey.Clear();
    }
}
