using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using TorchSharp;
using TorchSharp.Native;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// A safetensors file opened lazily through a memory mapping: the header is parsed and validated at
/// <see cref="Open"/>, and <see cref="GetTensor"/> returns a tensor whose storage <em>is</em> the mapped
/// file, so a large checkpoint is neither read nor copied until its pages are touched.
/// <para>
/// Lifetime: the mapping is reference-counted. This object holds one reference and every tensor handed
/// out holds one more (released by libtorch's storage deleter when the last tensor or view sharing that
/// storage is freed — by Dispose, a dispose scope, the finalizer, or the autograd graph letting go).
/// Disposing the <see cref="SafetensorsFile"/> therefore never invalidates tensors already taken from it;
/// the file is unmapped when the file object <em>and</em> all of those tensors are gone.
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
    private readonly MappedRegion _region;
    private int _disposed;

    private SafetensorsFile(string path, SafetensorsHeader header, MappedRegion region)
    {
        Path = path;
        Header = header;
        _region = region;
    }

    /// <summary>Maps <paramref name="path"/> and validates its header (no tensor data is read).</summary>
    /// <exception cref="SafetensorsFormatException">The file is malformed.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        var header = SafetensorsHeader.Read(stream, path);
        return new SafetensorsFile(path, header, MappedRegion.Map(stream, header.DataStart + header.DataBytes));
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
        var address = _region.Address + Header.DataStart + info.DataBegin;
        var size = SafetensorsDtype.SizeOf(info.Dtype);
        if (info.ByteCount == 0 || address % size != 0) return CopyOut(info, address);
        _region.AddRef();
        IntPtr handle;
        unsafe {
            handle = NativeMethods.zt_from_blob((IntPtr)address, info.Shape, info.Shape.Length, (int)info.Dtype,
                (IntPtr)(delegate* unmanaged<IntPtr, void>)&MappedRegion.ReleaseFromNative, _region.Context);
        }
        // On failure libtorch may or may not have run the deleter; the mapping then stays alive until the
        // process ends, which is harmless (nothing is corrupted) and only possible after a libtorch error.
        return new Tensor(NativeError.Check(handle));
    }

    private unsafe Tensor CopyOut(SafetensorsTensorInfo info, long address)
    {
        var t = empty(info.Shape, info.Dtype);
        if (info.ByteCount > 0)
            Buffer.MemoryCopy((void*)address, (void*)NativeMethods.zt_data_ptr(t.Handle), info.ByteCount, info.ByteCount);
        return t;
    }

    /// <summary>Every tensor of the file, zero-copy, by name.</summary>
    public Dictionary<string, Tensor> GetTensors() => Header.Tensors.ToDictionary(t => t.Name, t => GetTensor(t.Name), StringComparer.Ordinal);

    /// <summary>Drops this object's reference to the mapping; tensors already taken stay valid.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _region.Release();
    }

    /// <summary>
    /// The mapped bytes of one file, with a count of references: one for the <see cref="SafetensorsFile"/>
    /// and one per tensor libtorch holds over it. Reaching zero unmaps the file. A normal GC handle keeps
    /// the region reachable while native code holds references, so no finalizer is involved.
    /// </summary>
    private sealed class MappedRegion
    {
        private readonly MemoryMappedFile? _file;
        private readonly MemoryMappedViewAccessor? _view;
        private GCHandle _self;
        private int _refs = 1;

        private MappedRegion(MemoryMappedFile? file, MemoryMappedViewAccessor? view, long address)
        {
            _file = file;
            _view = view;
            Address = address;
            _self = GCHandle.Alloc(this);
        }

        /// <summary>Address of byte 0 of the file.</summary>
        public long Address { get; }

        /// <summary>The value handed to the native deleter.</summary>
        public IntPtr Context => GCHandle.ToIntPtr(_self);

        public static unsafe MappedRegion Map(FileStream stream, long length)
        {
            var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.CopyOnWrite, HandleInheritability.None, leaveOpen: false);
            try {
                var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.CopyOnWrite);
                byte* p = null;
                view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
                return new MappedRegion(file, view, (long)(p + view.PointerOffset));
            } catch {
                file.Dispose();
                throw;
            }
        }

        public void AddRef() => Interlocked.Increment(ref _refs);

        public void Release()
        {
            if (Interlocked.Decrement(ref _refs) != 0) return;
            _view!.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file!.Dispose();
            _self.Free();
        }

        /// <summary>libtorch's storage deleter: runs on whatever thread frees the last tensor over the mapping.</summary>
        [UnmanagedCallersOnly]
        public static void ReleaseFromNative(IntPtr context)
        {
            try {
                ((MappedRegion)GCHandle.FromIntPtr(context).Target!).Release();
            } catch (Exception e) {
                // An exception must not unwind into libtorch; report and carry on (the mapping leaks).
                Console.Error.WriteLine($"SafetensorsFile: releasing a mapping failed: {e}");
            }
        }
    }
}
