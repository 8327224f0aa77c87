using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>The legacy format of <c>torch.save</c> (PyTorch before 1.6, or <c>_use_new_zipfile_serialization=False</c>).</summary>
internal sealed partial class PyTorchCheckpointFile
{
    private const long LegacyProtocolVersion = 1001;

    // The five pickles of a state dict take a few hundred kilobytes even for billions of parameters; only this much of
    // the file's start is read to find them.
    private const long LegacyPickleWindow = 64L << 20;

    // Five pickles in a row (the magic number, protocol version 1001, sys_info, the state dict, the sorted storage keys),
    // then each storage as an int64 element count and its raw bytes, in the order of the keys. A file that is not a zip
    // is read this way; a crafted bare pickle fails on its first global like any other.
    private static Dictionary<string, StridedTensor> ReadLegacy(string path, FileStream stream)
    {
        var head = new byte[Math.Min(stream.Length, LegacyPickleWindow)];
        stream.ReadExactly(head);
        PickleGlobal Globals(string module, string name) => Resolve(path, module, name);
        object? NoPersistentIds(object? id) => throw new ZooUserException($"'{path}': a persistent id outside the state dict");

        var magic = RestrictedUnpickler.Load(head, 0, path, Globals, NoPersistentIds, out int pos);
        if (magic is not BigInteger m || m != LegacyMagic)
        {
            throw new ZooUserException($"'{path}' is neither a zip archive nor PyTorch's legacy format, so not a torch.save checkpoint");
        }

        if (RestrictedUnpickler.Load(head, pos, path, Globals, NoPersistentIds, out pos) is not LegacyProtocolVersion)
        {
            throw new ZooUserException($"'{path}': a legacy PyTorch checkpoint whose protocol version is not {LegacyProtocolVersion}");
        }

        if (RestrictedUnpickler.Load(head, pos, path, Globals, NoPersistentIds, out pos) is not PickleDict sysInfo
            || !sysInfo.TryGetValue("little_endian", out var little) || little is not true)
        {
            throw new ZooUserException($"'{path}' stores its tensors big-endian (sys_info little_endian is not True); only little-endian checkpoints are read");
        }

        var storages = new Dictionary<string, Storage>(StringComparer.Ordinal);
        object? PersistentLoad(object? id)
        {
            var (key, dtype, numel) = StorageId(path, id, 6);
            if (((object?[])id!)[5] is not null)
            {
                throw new ZooUserException($"'{path}': the storage '{key}' is saved as a view of another storage, which the zoo does not read; re-save the file with PyTorch 1.6 or later");
            }

            if (!storages.TryGetValue(key, out var storage))
            {
                StorageBytes(path, key, numel, dtype);
                storages[key] = storage = new Storage(key, dtype, numel);
            }

            return storage;
        }

        var tensors = StateDict(path, RestrictedUnpickler.Load(head, pos, path, Globals, PersistentLoad, out pos));
        var keys = RestrictedUnpickler.Load(head, pos, path, Globals, NoPersistentIds, out pos) as List<object?>
            ?? throw new ZooUserException($"'{path}': the legacy checkpoint has no list of storage keys after its state dict");

        // The storages follow the pickles back to back: each offset is found by reading the 8-byte counts, not the data.
        long offset = pos;
        Span<byte> count = stackalloc byte[8];
        foreach (var item in keys)
        {
            if (item is not string key || !storages.TryGetValue(key, out var storage))
            {
                throw new ZooUserException($"'{path}': the storage list names '{item}', which no tensor uses");
            }

            long bytes = StorageBytes(path, key, storage.Numel, storage.Dtype);
            if (offset > stream.Length - 8)
            {
                throw new ZooUserException($"'{path}': the storage '{key}' should start at byte {offset}, but the file ends at {stream.Length} (truncated)");
            }

            stream.Position = offset;
            stream.ReadExactly(count);
            long stored = BinaryPrimitives.ReadInt64LittleEndian(count);
            if (stored != storage.Numel)
            {
                throw new ZooUserException($"'{path}': the storage '{key}' is declared with {storage.Numel} {storage.Dtype} elements, but the file stores {stored}");
            }

            if (bytes > stream.Length - offset - 8)
            {
                throw new ZooUserException($"'{path}': the storage '{key}' needs {bytes} bytes from byte {offset + 8}, but the file ends at {stream.Length} (truncated)");
            }

            storages[key] = storage with { FileOffset = offset + 8 };
            offset += 8 + bytes;
        }

        return tensors.ToDictionary(kv => kv.Key, kv => storages[kv.Value.Storage.Key] is { FileOffset: >= 0 } located
            ? kv.Value with { Storage = located }
            : throw new ZooUserException($"'{path}': the storage '{kv.Value.Storage.Key}' of '{kv.Key}' is missing from the file's storage list"), StringComparer.Ordinal);
    }
}
