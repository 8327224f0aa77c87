using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using CrossLMM.Zoo.Engine.Native;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face's checkpoint format: an 8-byte header length,
/// a JSON header, then the raw little-endian row-major data of every tensor).
/// <list type="bullet">
/// <item><see cref="Save"/> writes atomically (a temporary file in the same folder, flushed to disk, then
/// renamed over the target), so a failure never leaves a half-written checkpoint, and deterministically
/// (the reference implementation's layout: tensors ordered by dtype alignment then name, header padded
/// with spaces to 8 bytes, <c>__metadata__</c> keys sorted).</item>
/// <item><see cref="Load(string)"/> copies every tensor into memory owned by libtorch; the file is closed on return.</item>
/// <item><see cref="SafetensorsFile.Open"/> maps the file and hands out zero-copy tensors (see there).</item>
/// </list>
/// Dtypes: BOOL, U8, I8, I16, I32, I64, F16, BF16, F32, F64. Every malformed file is rejected with a
/// <see cref="SafetensorsFormatException"/> naming the file, the tensor and the values.
/// </summary>
public static class Safetensors
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (any device, any layout; gradients are not saved) and optional
    /// string <paramref name="metadata"/> to <paramref name="path"/>, replacing it atomically.
    /// </summary>
    /// <exception cref="ArgumentException">A name is <c>__metadata__</c>, a tensor is null or disposed, or its dtype has no safetensors code.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors: big-endian hosts are not supported");

        var infos = new List<(SafetensorsTensorInfo Info, Tensor Tensor, int Rank)>();
        foreach (var (name, tensor) in tensors) {
            if (name == "__metadata__") throw new ArgumentException("safetensors: a tensor may not be named '__metadata__'", nameof(tensors));
            if (tensor is null) throw new ArgumentException($"safetensors: tensor '{name}' is null", nameof(tensors));
            if (tensor.IsInvalid) throw new ArgumentException($"safetensors: tensor '{name}' has been disposed", nameof(tensors));
            var code = SafetensorsDtype.CodeOf(tensor.dtype)
                ?? throw new ArgumentException($"safetensors: tensor '{name}' has dtype {tensor.dtype}, which the format cannot store (supported: {string.Join(", ", SafetensorsDtype.Supported)})", nameof(tensors));
            infos.Add((new SafetensorsTensorInfo(name, code, tensor.dtype, tensor.shape, 0, 0), tensor, SafetensorsDtype.RankOf(tensor.dtype)));
        }
        // The reference order: larger alignment first, then by name (ordinal, i.e. by UTF-16 code unit;
        // identical to the reference's byte order for names without surrogate pairs).
        infos.Sort((a, b) => a.Rank != b.Rank ? b.Rank.CompareTo(a.Rank) : string.CompareOrdinal(a.Info.Name, b.Info.Name));
        long offset = 0;
        for (var i = 0; i < infos.Count; i++) {
            var info = infos[i].Info;
            var bytes = checked(info.NumberOfElements * SafetensorsDtype.SizeOf(info.Dtype));
            infos[i] = (info with { DataBegin = offset, DataEnd = offset + bytes }, infos[i].Tensor, infos[i].Rank);
            offset += bytes;
        }
        var header = SafetensorsHeader.Serialize(infos.Select(x => x.Info).ToList(), metadata);

        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16)) {
                Span<byte> prefix = stackalloc byte[8];
                BitConverter.TryWriteBytes(prefix, (ulong)header.Length);
                stream.Write(prefix);
                stream.Write(header);
                foreach (var (info, tensor, _) in infos) {
                    WriteHook?.Invoke(info.Name);
                    WriteData(stream, tensor);
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        } catch {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Test-only fault injection: called with each tensor's name before its data is written.</summary>
    [ThreadStatic] internal static Action<string>? WriteHook;

    private static unsafe void WriteData(FileStream stream, Tensor tensor)
    {
        if (tensor.numel() == 0) return;
        using var scope = NewDisposeScope();
        var t = tensor.detach();
        if (t.device_type != DeviceType.CPU) t = t.cpu();
        if (!t.is_contiguous()) t = t.contiguous();
        var p = (byte*)TensorData.Address(t);
        var remaining = t.numel() * t.element_size();
        while (remaining > 0) {
            var chunk = (int)Math.Min(remaining, 1 << 30);
            stream.Write(new ReadOnlySpan<byte>(p, chunk));
            p += chunk;
            remaining -= chunk;
        }
    }

    /// <summary>
    /// Reads every tensor of <paramref name="path"/> into new CPU tensors (copies; the file is closed on
    /// return). The tensors belong to the current dispose scope, if any, like any new tensor.
    /// </summary>
    /// <exception cref="SafetensorsFormatException">The file is malformed (truncated, bad header, bad offsets, unknown dtype, ...).</exception>
    public static Dictionary<string, Tensor> Load(string path) => Load(path, out _);

    /// <summary>As <see cref="Load(string)"/>, also returning the <c>__metadata__</c> map.</summary>
    public static Dictionary<string, Tensor> Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var header = SafetensorsHeader.Read(stream, path);
        metadata = header.Metadata;
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try {
            foreach (var info in header.Tensors) {
                var t = empty(info.Shape, info.Dtype);
                result.Add(info.Name, t);
                ReadInto(stream.SafeFileHandle, header.DataStart + info.DataBegin, info.ByteCount, t, path, info.Name);
            }
        } catch {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Reads the header of <paramref name="path"/>: metadata and tensor entries, no data.</summary>
    public static SafetensorsHeader ReadHeader(string path) => SafetensorsHeader.Read(path);

    private static unsafe void ReadInto(SafeFileHandle file, long fileOffset, long count, Tensor t, string path, string name)
    {
        if (count == 0) return;
        var p = (byte*)TensorData.Address(t);
        var done = 0L;
        while (done < count) {
            var chunk = (int)Math.Min(count - done, 1 << 30);
            var n = RandomAccess.Read(file, new Span<byte>(p + done, chunk), fileOffset + done);
            if (n <= 0)
                throw new SafetensorsFormatException(path, name, $"the file ended after {done} of {count} data bytes (it changed while being read?)");
            done += n;
        }
    }
}
