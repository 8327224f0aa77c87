using System;
using System.Collections.Generic;
using CrossLMM.Zoo.Engine;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>One weights file of a checkpoint: safetensors or a PyTorch zip, read through the same four questions.</summary>
internal interface ICheckpointFile : IDisposable
{
    /// <summary>The file's path.</summary>
    string Path { get; }

    /// <summary>The tensor names it holds.</summary>
    IEnumerable<string> Keys { get; }

    /// <summary>The stored shape of <paramref name="key"/>.</summary>
    long[] Shape(string key);

    /// <summary>The stored dtype of <paramref name="key"/>.</summary>
    ScalarType Dtype(string key);

    /// <summary>The tensor, in its stored dtype (the caller disposes it).</summary>
    Tensor Read(string key);
}

/// <summary>A memory-mapped safetensors file as an <see cref="ICheckpointFile"/>.</summary>
internal sealed class SafetensorsCheckpointFile : ICheckpointFile
{
    private readonly SafetensorsFile _file;

    public SafetensorsCheckpointFile(SafetensorsFile file)
    {
        _file = file;
    }

    public string Path => _file.Path;

    public IEnumerable<string> Keys => _file.Keys;

    public long[] Shape(string key) => _file.GetInfo(key).Shape;

    public ScalarType Dtype(string key) => _file.GetInfo(key).Dtype;

    public Tensor Read(string key) => _file.GetTensor(key);

    public void Dispose() => _file.Dispose();
}
