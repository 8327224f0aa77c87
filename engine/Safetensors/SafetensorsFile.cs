using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// A safetensors file opened lazily through a memory mapping: the header is parsed and validated at
/// <see cref="Open"/>, and <see cref="GetTensor"/> returns a tensor whose storage <em>is</em> the mapped
/// file, so a large checkpoint is neither read nor copied until its pages are touched.
/// <para>
/// The mapping is libtorch's own (<c>torch.from_file</c>: a private mapping of the whole file, one per element
/// type the file uses, taken when first needed); every tensor handed out is a view of one and shares its
/// storage, which libtorch reference-counts. Disposing the <see cref="SafetensorsFile"/> therefore never invalidates tensors already
/// taken from it; the file is unmapped when the file object <em>and</em> all of those tensors are gone.
/// </para>
/// <para>
/// The mapping is copy-on-write: in-place operations on a returned tensor work and change only this
/// process's private copy of the touched pages, never the file on disk. A tensor whose data offset is not a
/// multiple of its element size (possible only in files not written by the reference layout) is copied
/// instead of mapped, since libtorch kernels may assume aligned elements.
/// </para>
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly Dictionary<ScalarType, Tensor> _mappings = new();
    private readonly long _length;
    private int _disposed;

    private SafetensorsFile(string path, SafetensorsHeader header, long length)
    {
        Path = path;
        Header = header;
        _length = length;
    }

    /// <summary>Maps <paramref name="path"/> and validates its header (no tensor data is read).</summary>
    /// <exception cref="SafetensorsFormatException">The file is malformed.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafetensorsHeader header;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess))
        {
            header = SafetensorsHeader.Read(stream, path);
        }

        return new SafetensorsFile(path, header, header.DataStart + header.DataBytes);
    }

    // The whole file mapped as elements of one type (from byte 0; a trailing partial element is left out).
    // Kept outside any dispose scope: it lives as long as this object, and its storage as long as any view.
    private Tensor Mapping(ScalarType dtype)
    {
        lock (_mappings)
        {
            if (_mappings.TryGetValue(dtype, out var mapped)) return mapped;
            using (NewDisposeScope())
            {
                mapped = from_file(Path, shared: false, size: _length / SafetensorsDtype.SizeOf(dtype), dtype: dtype)
                    .MoveToOuterDisposeScope().DetachFromDisposeScope();
            }

            _mappings.Add(dtype, mapped);
            return mapped;
        }
    }

    /// <summary>The file's path, as given to <see cref="Open"/>.</summary>
    public string Path { get; }

    /// <summary>The parsed header (metadata and tensor entries).</summary>
    public SafetensorsHeader Header { get; }

    /// <summary>The <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    /// <summary>Tensor names in data order.</summary>
    public IEnumerable<string> Keys => Header.Tensors.Select(t => t.Name);

    /// <summary>Whether the file holds a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => Header.TryGet(name, out _);

    /// <summary>The header entry of <paramref name="name"/>.</summary>
    public SafetensorsTensorInfo GetInfo(string name)
    {
        if (Header.TryGet(name, out var info)) return info;
        var names = Header.Tensors.Select(t => t.Name).ToList();
        var shown = names.Count <= 20 ? string.Join(", ", names) : string.Join(", ", names.Take(20)) + $", ... ({names.Count} in all)";
        throw new KeyNotFoundException($"safetensors file '{Path}' has no tensor '{name}' (it has: {shown})");
    }

    /// <summary>
    /// A CPU tensor viewing the mapped data of <paramref name="name"/> (zero-copy; see the class notes on
    /// lifetime and copy-on-write). It belongs to the current dispose scope, if any.
    /// </summary>
    public Tensor GetTensor(string name)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var info = GetInfo(name);
        var offset = Header.DataStart + info.DataBegin;
        var size = SafetensorsDtype.SizeOf(info.Dtype);
        if (info.ByteCount == 0)
        {
            return empty(info.Shape, info.Dtype);
        }

        if (offset % size != 0)
        {
            return CopyOut(info, offset);
        }

        using var scope = NewDisposeScope();
        return Mapping(info.Dtype).narrow(0, offset / size, info.NumberOfElements).view(info.Shape).MoveToOuterDisposeScope();
    }

    // A tensor at an offset that is not a multiple of its element size: copied out of the byte mapping.
    private unsafe Tensor CopyOut(SafetensorsTensorInfo info, long offset)
    {
        var t = empty(info.Shape, info.Dtype);
        using var scope = NewDisposeScope();
        var bytes = Mapping(ScalarType.Byte).narrow(0, offset, info.ByteCount);
        Buffer.MemoryCopy((void*)Native.TensorData.Address(bytes), (void*)Native.TensorData.Address(t), info.ByteCount, info.ByteCount);
        return t;
    }

    /// <summary>Every tensor of the file, zero-copy, by name.</summary>
    public Dictionary<string, Tensor> GetTensors() => Header.Tensors.ToDictionary(t => t.Name, t => GetTensor(t.Name), StringComparer.Ordinal);

    /// <summary>Drops this object's reference to the mapping; tensors already taken stay valid.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        lock (_mappings)
        {
            foreach (var mapped in _mappings.Values) mapped.Dispose();
            _mappings.Clear();
        }
    }
}
