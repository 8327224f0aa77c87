using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Numerics;
using System.Text;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>
/// A PyTorch checkpoint (<c>pytorch_model.bin</c>, <c>.pth</c>) read without running any pickled code. The file is
/// the zip that <c>torch.save</c> writes since PyTorch 1.6: <c>&lt;name&gt;/data.pkl</c> (the pickled state dict),
/// <c>&lt;name&gt;/data/&lt;key&gt;</c> (one raw storage per key), <c>&lt;name&gt;/byteorder</c>. The pickle goes through
/// <see cref="RestrictedUnpickler"/> with an allow-list of the globals a state dict needs
/// (<see cref="AllowedGlobals"/>): any other global (<c>posix.system</c>, <c>builtins.eval</c>, a model class) is
/// refused when it is named, before anything is called or read. Every tensor's shape, strides and offset are
/// checked against its storage, and every storage against its zip entry, before any tensor data is allocated.
/// <para>A tensor is read when asked for: its storage is copied out of the file into memory (not mapped, unlike
/// safetensors), viewed with the pickled offset, size and stride, and made contiguous. The legacy format of
/// PyTorch before 1.6 (pickles followed by raw storages, no zip) is read the same way, except storages saved as views
/// of other storages (see <c>PyTorchCheckpointFile.Legacy.cs</c>).</para>
/// </summary>
internal sealed partial class PyTorchCheckpointFile : ICheckpointFile
{
    /// <summary>A storage: its key (under <c>data/</c> in the zip), element type, element count, and, in the legacy format, where its bytes start.</summary>
    private sealed record Storage(string Key, ScalarType Dtype, long Numel, long FileOffset = -1);

    /// <summary>What <c>torch._utils._rebuild_tensor_v2</c> would build: a strided view of a storage.</summary>
    private sealed record StridedTensor(Storage Storage, long Offset, long[] Size, long[] Stride);

    // The storage classes of torch.save and what their elements are.
    private static readonly Dictionary<string, ScalarType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = ScalarType.Float32, ["DoubleStorage"] = ScalarType.Float64, ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16, ["LongStorage"] = ScalarType.Int64, ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16, ["CharStorage"] = ScalarType.Int8, ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool,
    };

    // torch.float32 and friends, which a pickle may name as globals (their __reduce__ returns the attribute name).
    private static readonly Dictionary<string, ScalarType> DtypeNames = new(StringComparer.Ordinal)
    {
        ["float32"] = ScalarType.Float32, ["float64"] = ScalarType.Float64, ["float16"] = ScalarType.Float16,
        ["bfloat16"] = ScalarType.BFloat16, ["int64"] = ScalarType.Int64, ["int32"] = ScalarType.Int32,
        ["int16"] = ScalarType.Int16, ["int8"] = ScalarType.Int8, ["uint8"] = ScalarType.Byte, ["bool"] = ScalarType.Bool,
    };

    private const long MaxPickleBytes = 1L << 30;
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("119547037146038801333356", System.Globalization.CultureInfo.InvariantCulture);

    private readonly FileStream _stream;
    private readonly ZipArchive? _zip;
    private readonly string _prefix;
    private readonly Dictionary<string, StridedTensor> _tensors;
    private readonly object _lock = new();

    private PyTorchCheckpointFile(string path, FileStream stream, ZipArchive? zip, string prefix, Dictionary<string, StridedTensor> tensors)
    {
        Path = path;
        _stream = stream;
        _zip = zip;
        _prefix = prefix;
        _tensors = tensors;
    }

    /// <summary>The globals a pickled state dict may name; every other one is refused.</summary>
    public static IReadOnlyList<string> AllowedGlobals { get; } =
        new[] { "collections.OrderedDict", "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter" }
            .Concat(StorageTypes.Keys.Select(s => "torch." + s)).Concat(DtypeNames.Keys.Select(d => "torch." + d)).ToArray();

    /// <inheritdoc/>
    public string Path { get; }

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _tensors.Keys;

    /// <summary>Whether <paramref name="path"/> is read as a PyTorch checkpoint rather than safetensors (by its extension).</summary>
    public static bool IsPyTorchFile(string path) =>
        System.IO.Path.GetExtension(path).ToLowerInvariant() is ".bin" or ".pth" or ".pt";

    /// <summary>Opens <paramref name="path"/>, unpickles its state dict and validates every tensor against its storage.</summary>
    /// <exception cref="ZooUserException">A global off the allow-list, an unsupported opcode, a corrupt or truncated file, or a tensor its storage cannot hold.</exception>
    public static PyTorchCheckpointFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            int got = stream.Read(magic);
            stream.Position = 0;
            if (got < 4 || !magic.SequenceEqual("PK\u0003\u0004"u8))
            {
                return new PyTorchCheckpointFile(path, stream, null, "", ReadLegacy(path, stream));
            }

            ZipArchive zip;
            try
            {
                zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or NotSupportedException)
            {
                throw new ZooUserException($"'{path}' is not a readable zip archive (truncated or corrupt PyTorch checkpoint): {e.Message}", e);
            }

            try
            {
                var (prefix, tensors) = ReadIndex(path, zip, stream.Length);
                return new PyTorchCheckpointFile(path, stream, zip, prefix, tensors);
            }
            catch (InvalidDataException e)
            {
                zip.Dispose();
                throw new ZooUserException($"'{path}' is a corrupt zip archive: {e.Message}", e);
            }
            catch
            {
                zip.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static (string Prefix, Dictionary<string, StridedTensor> Tensors) ReadIndex(string path, ZipArchive zip, long fileLength)
    {
        var pkl = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length).ToArray();
        if (pkl.Length != 1)
        {
            throw new ZooUserException($"'{path}' is a zip archive but not a torch.save checkpoint: expected one '<name>/data.pkl', found {pkl.Length}");
        }

        string prefix = pkl[0].FullName[..^"data.pkl".Length];
        var byteorder = zip.GetEntry(prefix + "byteorder");
        if (byteorder is not null)
        {
            string order = Encoding.ASCII.GetString(ReadSmall(path, byteorder, 64)).Trim();
            if (order != "little")
            {
                throw new ZooUserException($"'{path}' stores its tensors {order}-endian; only little-endian checkpoints are read");
            }
        }

        var storages = new Dictionary<string, Storage>(StringComparer.Ordinal);
        object? PersistentLoad(object? id)
        {
            var (key, dtype, numel) = StorageId(path, id, 5);
            if (storages.TryGetValue(key, out var seen))
            {
                return seen;
            }

            var entry = zip.GetEntry(prefix + "data/" + key) ?? throw new ZooUserException($"'{path}': the storage '{key}' has no entry '{prefix}data/{key}' in the zip");
            long bytes = StorageBytes(path, key, numel, dtype);
            // The central directory's sizes are the file's own claims: a stored entry cannot exceed the file, nor a
            // deflated one its compressed size times deflate's largest ratio (1032).
            if (entry.CompressedLength > fileLength || entry.Length > checked(entry.CompressedLength * 1032 + 1024))
            {
                throw new ZooUserException($"'{path}': the zip entry '{entry.FullName}' claims {entry.Length} bytes ({entry.CompressedLength} compressed) in a file of {fileLength} bytes: corrupt archive");
            }

            if (bytes > entry.Length)
            {
                throw new ZooUserException($"'{path}': the storage '{key}' claims {numel} {dtype} elements ({bytes} bytes), but its zip entry holds {entry.Length} bytes");
            }

            return storages[key] = new Storage(key, dtype, numel);
        }

        byte[] data = ReadSmall(path, pkl[0], MaxPickleBytes);
        var root = RestrictedUnpickler.Load(data, 0, $"{path}:{pkl[0].FullName}", (m, n) => Resolve(path, m, n), PersistentLoad, out _);
        return (prefix, StateDict(path, root));
    }

    // ('storage', torch.<Type>Storage, key, location, numel[, view_metadata]): the persistent id of a storage.
    private static (string Key, ScalarType Dtype, long Numel) StorageId(string path, object? id, int length)
    {
        if (id is not object?[] t || t.Length != length || t[0] is not "storage" || t[1] is not PickleGlobal { Value: ScalarType dtype } || t[2] is not string key || t[4] is not long numel || numel < 0)
        {
            throw new ZooUserException($"'{path}': a persistent id that is not ('storage', torch.<type>Storage, key, location, numel{(length == 6 ? ", view" : "")})");
        }

        return (key, dtype, numel);
    }

    // The unpickled root as {name: tensor}, every tensor checked against its storage.
    private static Dictionary<string, StridedTensor> StateDict(string path, object? root)
    {
        if (root is not PickleDict dict)
        {
            throw new ZooUserException($"'{path}' does not hold a state dict (a dict of tensor names to tensors) but a {PythonType(root)}");
        }

        var tensors = new Dictionary<string, StridedTensor>(StringComparer.Ordinal);
        foreach (var (key, value) in dict)
        {
            if (key is not string name || value is not StridedTensor tensor)
            {
                throw new ZooUserException($"'{path}' is not a flat state dict: the entry '{key}' holds {(value is null ? "None" : "a " + PythonType(value))}, not a tensor (save model.state_dict() itself)");
            }

            Validate(path, name, tensor);
            tensors[name] = tensor;
        }

        return tensors;
    }

    // What an unpickled value was in Python, for messages.
    private static string PythonType(object? value) => value switch
    {
        null => "None",
        string => "str",
        long or BigInteger => "int",
        double => "float",
        bool => "bool",
        object?[] => "tuple",
        List<object?> => "list",
        PickleDict => "dict",
        Storage => "storage",
        PickleGlobal g => g.Name,
        _ => value.GetType().Name,
    };

    // The allow-list: a global's name to what it stands for. Everything else is refused before it can be called.
    private static PickleGlobal Resolve(string path, string module, string name)
    {
        string full = module + "." + name;
        return full switch
        {
            "collections.OrderedDict" => new PickleGlobal(full, null, args => args.Length == 0 ? new PickleDict() : throw new ZooUserException($"'{path}': collections.OrderedDict called with {args.Length} arguments")),
            "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor" => new PickleGlobal(full, null, args => RebuildTensor(path, full, args)),
            "torch._utils._rebuild_parameter" => new PickleGlobal(full, null, args => args is [StridedTensor data, ..] ? data : throw new ZooUserException($"'{path}': {full} without a tensor")),
            _ when module == "torch" && StorageTypes.TryGetValue(name, out var storage) => new PickleGlobal(full, storage, null),
            _ when module == "torch" && DtypeNames.TryGetValue(name, out var dtype) => new PickleGlobal(full, dtype, null),
            _ => throw new ZooUserException($"'{path}' refers to the Python global '{full}', which a PyTorch state dict does not need (allowed: {string.Join(", ", AllowedGlobals.Take(4))}, torch.<type>Storage, torch.<dtype>); unpickling it could run code, so the file is refused"),
        };
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]); _rebuild_tensor lacks the last ones.
    private static StridedTensor RebuildTensor(string path, string function, object?[] args)
    {
        if (args.Length < 4 || args[0] is not Storage storage || args[1] is not long offset || args[2] is not object?[] size || args[3] is not object?[] stride
            || size.Length != stride.Length || !size.All(s => s is long) || !stride.All(s => s is long))
        {
            throw new ZooUserException($"'{path}': {function} with arguments it does not take (expected a storage, an offset, a size tuple and a stride tuple)");
        }

        return new StridedTensor(storage, offset, size.Cast<long>().ToArray(), stride.Cast<long>().ToArray());
    }

    // Everything a tensor reads lies inside its storage: checked before allocating anything.
    private static void Validate(string path, string name, StridedTensor t)
    {
        string shape = $"({string.Join(", ", t.Size)})";
        if (t.Offset < 0 || t.Size.Any(s => s < 0) || t.Stride.Any(s => s < 0))
        {
            throw new ZooUserException($"'{path}': the tensor '{name}' has a negative size, stride or offset (size {shape}, stride ({string.Join(", ", t.Stride)}), offset {t.Offset})");
        }

        BigInteger numel = t.Size.Aggregate(BigInteger.One, (a, s) => a * s);
        if (numel.IsZero)
        {
            return;
        }

        BigInteger needed = t.Offset + 1 + t.Size.Zip(t.Stride, (s, st) => (BigInteger)(s - 1) * st).Aggregate(BigInteger.Zero, (a, b) => a + b);
        if (needed > t.Storage.Numel)
        {
            throw new ZooUserException($"'{path}': the tensor '{name}' of shape {shape} (stride ({string.Join(", ", t.Stride)}), offset {t.Offset}) needs {needed} {t.Storage.Dtype} elements ({needed * ElementSize(t.Storage.Dtype)} bytes), but its storage '{t.Storage.Key}' holds {t.Storage.Numel} ({t.Storage.Numel * ElementSize(t.Storage.Dtype)} bytes)");
        }
    }

    // A storage's size in bytes, refused when it cannot be a size at all.
    private static long StorageBytes(string path, string key, long numel, ScalarType dtype) =>
        numel <= long.MaxValue / 8 ? numel * ElementSize(dtype) : throw new ZooUserException($"'{path}': the storage '{key}' claims {numel} {dtype} elements, more than any file can hold");

    private static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    private static byte[] ReadSmall(string path, ZipArchiveEntry entry, long limit)
    {
        if (entry.Length > limit)
        {
            throw new ZooUserException($"'{path}': the zip entry '{entry.FullName}' has {entry.Length} bytes, more than the {limit} allowed");
        }

        var bytes = new byte[entry.Length];
        try
        {
            using var s = entry.Open();
            s.ReadExactly(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new ZooUserException($"'{path}': the zip entry '{entry.FullName}' is corrupt: {e.Message}", e);
        }

        return bytes;
    }

    /// <inheritdoc/>
    public long[] Shape(string key) => (long[])_tensors[key].Size.Clone();

    /// <inheritdoc/>
    public ScalarType Dtype(string key) => _tensors[key].Storage.Dtype;

    /// <summary>The tensor, copied out of the zip into a new contiguous CPU tensor (the caller disposes it).</summary>
    /// <exception cref="ZooUserException">The storage's zip entry is corrupt.</exception>
    public Tensor Read(string key)
    {
        var t = _tensors[key];
        using var scope = torch.NewDisposeScope();
        int size = ElementSize(t.Storage.Dtype);
        var storage = torch.empty(t.Storage.Numel, t.Storage.Dtype);
        lock (_lock)
        {
            string where = _zip is null ? $"bytes {t.Storage.FileOffset}.." : _prefix + "data/" + t.Storage.Key;
            try
            {
                // Read straight into the tensor, in chunks of up to 1 GiB (a span's length is an int).
                var s = _zip is null ? _stream : _zip.GetEntry(where)!.Open();
                try
                {
                    if (_zip is null) _stream.Position = t.Storage.FileOffset;
                    for (long done = 0; done < t.Storage.Numel;)
                    {
                        long n = Math.Min((1 << 30) / size, t.Storage.Numel - done);
                        using var chunk = storage.narrow(0, done, n);
                        s.ReadExactly(chunk.bytes);   // TorchSharp's span over the tensor's own memory: no managed copy
                        done += n;
                    }
                }
                finally
                {
                    if (_zip is not null) s.Dispose();
                }
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
            {
                throw new ZooUserException($"'{Path}': cannot read the storage of '{key}' ({where}): {e.Message}", e);
            }
        }

        var view = storage.as_strided(t.Size, t.Stride, t.Offset);
        var result = !view.is_contiguous() ? view.contiguous() : view.numel() == t.Storage.Numel ? view : view.clone();
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        _zip?.Dispose();
        _stream.Dispose();
    }
}
