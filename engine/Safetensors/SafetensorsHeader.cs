using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>One tensor entry of a safetensors header.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DtypeCode">The format's dtype code (F32, BF16, ...).</param>
/// <param name="Dtype">The libtorch dtype.</param>
/// <param name="Shape">Sizes, row-major (C order).</param>
/// <param name="DataBegin">Offset of the first byte, relative to the start of the data section.</param>
/// <param name="DataEnd">Offset one past the last byte, relative to the start of the data section.</param>
public sealed record SafetensorsTensorInfo(string Name, string DtypeCode, ScalarType Dtype, long[] Shape, long DataBegin, long DataEnd)
{
    /// <summary>Number of bytes of the tensor's data.</summary>
    public long ByteCount => DataEnd - DataBegin;

    /// <summary>Number of elements.</summary>
    public long NumberOfElements => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// The parsed header of a safetensors file: <c>__metadata__</c> and the tensor entries in data order.
/// Layout: 8 bytes little-endian u64 N, N bytes of UTF-8 JSON (padded with spaces to a multiple of 8),
/// then the data section, which the entries must cover exactly, in order, without gaps or overlaps
/// (the reference implementation's rule).
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>The largest header the reference implementation accepts (100,000,000 bytes).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    internal SafetensorsHeader(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafetensorsTensorInfo> tensors, long headerBytes)
    {
        Metadata = metadata;
        Tensors = tensors;
        HeaderBytes = headerBytes;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;

    /// <summary>The free-form string map stored under <c>__metadata__</c> (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor entries, ordered by their data offset.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>N: the length of the JSON header in bytes (excluding the 8-byte length prefix).</summary>
    public long HeaderBytes { get; }

    /// <summary>File offset of the data section (8 + N).</summary>
    public long DataStart => 8 + HeaderBytes;

    /// <summary>Length of the data section (the end offset of the last tensor).</summary>
    public long DataBytes => Tensors.Count == 0 ? 0 : Tensors[^1].DataEnd;

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGet(string name, out SafetensorsTensorInfo info) => _byName.TryGetValue(name, out info!);

    // ---- reading ----

    /// <summary>Reads and validates the header of <paramref name="path"/> (the data is not read).</summary>
    public static SafetensorsHeader Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        return Read(stream, path);
    }

    internal static SafetensorsHeader Read(FileStream stream, string path)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors: big-endian hosts are not supported");
        var fileLength = stream.Length;
        if (fileLength < 8)
            throw new SafetensorsFormatException(path, null, $"the file has {fileLength} bytes, fewer than the 8-byte header length prefix (truncated or not a safetensors file)");
        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        var n = BitConverter.ToUInt64(prefix);
        if (n > MaxHeaderBytes)
            throw new SafetensorsFormatException(path, null, $"header length {n} exceeds the limit of {MaxHeaderBytes} bytes (corrupt length prefix or not a safetensors file)");
        if (8 + (long)n > fileLength)
            throw new SafetensorsFormatException(path, null, $"header length {n} reaches past the end of the file ({fileLength} bytes; the header needs {8 + (long)n}): truncated file");
        var json = new byte[n];
        stream.ReadExactly(json);
        var header = Parse(json, path);
        var expected = header.DataStart + header.DataBytes;
        if (expected > fileLength)
            throw new SafetensorsFormatException(path, header.Tensors.Count == 0 ? null : header.Tensors[^1].Name,
                $"data_offsets end at {header.DataBytes}, so the file needs {expected} bytes but has {fileLength}: truncated file");
        if (expected < fileLength)
            throw new SafetensorsFormatException(path, null,
                $"the tensors cover {header.DataBytes} data bytes (file size {expected}) but the file has {fileLength} bytes: {fileLength - expected} trailing bytes not covered by any tensor");
        return header;
    }

    /// <summary>Parses and validates a header's JSON bytes (without the length prefix).</summary>
    internal static SafetensorsHeader Parse(ReadOnlySpan<byte> json, string path)
    {
        if (json.Length == 0 || json[0] != (byte)'{')
            throw new SafetensorsFormatException(path, null,
                json.Length == 0 ? "the header is empty; it must be a JSON object" : $"the header must be a JSON object starting with '{{' but starts with byte 0x{json[0]:X2}");
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<SafetensorsTensorInfo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sawMetadata = false;
        try {
            Expect(ref reader, JsonTokenType.StartObject, path, null, "the header");
            while (true) {
                Next(ref reader, path);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                var key = reader.GetString()!;
                if (key == "__metadata__") {
                    if (sawMetadata) throw new SafetensorsFormatException(path, null, "'__metadata__' appears twice in the header");
                    sawMetadata = true;
                    ReadMetadata(ref reader, path, metadata);
                    continue;
                }
                if (!seen.Add(key)) throw new SafetensorsFormatException(path, key, "the name appears twice in the header");
                entries.Add(ReadEntry(ref reader, path, key));
            }
            if (reader.Read())
                throw new SafetensorsFormatException(path, null, $"unexpected {reader.TokenType} after the header object at byte {reader.TokenStartIndex}");
        } catch (JsonException e) {
            throw new SafetensorsFormatException(path, null, $"the header is not valid JSON: {e.Message}");
        } catch (InvalidOperationException e) {
            throw new SafetensorsFormatException(path, null, $"the header is not valid JSON: {e.Message}");
        }
        return new SafetensorsHeader(metadata, Validate(entries, path), json.Length);
    }

    private static void Next(ref Utf8JsonReader reader, string path)
    {
        if (!reader.Read()) throw new SafetensorsFormatException(path, null, "the header JSON ends early");
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path, string? tensor, string what)
    {
        Next(ref reader, path);
        if (reader.TokenType != type)
            throw new SafetensorsFormatException(path, tensor, $"{what} must be {Describe(type)} but is {Describe(reader.TokenType)}");
    }

    private static string Describe(JsonTokenType t) => t switch {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    private static void ReadMetadata(ref Utf8JsonReader reader, string path, Dictionary<string, string> metadata)
    {
        Expect(ref reader, JsonTokenType.StartObject, path, null, "'__metadata__'");
        while (true) {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndObject) return;
            var key = reader.GetString()!;
            Next(ref reader, path);
            if (reader.TokenType != JsonTokenType.String)
                throw new SafetensorsFormatException(path, null, $"'__metadata__' value of '{key}' must be a string but is {Describe(reader.TokenType)}");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw new SafetensorsFormatException(path, null, $"'__metadata__' key '{key}' appears twice");
        }
    }

    private static SafetensorsTensorInfo ReadEntry(ref Utf8JsonReader reader, string path, string name)
    {
        Expect(ref reader, JsonTokenType.StartObject, path, name, "the entry");
        string? dtype = null;
        long[]? shape = null, offsets = null;
        while (true) {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            var field = reader.GetString();
            switch (field) {
            case "dtype":
                Expect(ref reader, JsonTokenType.String, path, name, "'dtype'");
                dtype = reader.GetString();
                break;
            case "shape":
                shape = ReadInts(ref reader, path, name, "'shape'");
                break;
            case "data_offsets":
                offsets = ReadInts(ref reader, path, name, "'data_offsets'");
                break;
            default:
                // Unknown fields are ignored, as the reference implementation does.
                reader.Read();
                reader.Skip();
                break;
            }
        }
        if (dtype is null) throw new SafetensorsFormatException(path, name, "the entry has no 'dtype'");
        if (shape is null) throw new SafetensorsFormatException(path, name, "the entry has no 'shape'");
        if (offsets is null) throw new SafetensorsFormatException(path, name, "the entry has no 'data_offsets'");
        if (!SafetensorsDtype.TryParse(dtype, out var type, out var size, out _))
            throw new SafetensorsFormatException(path, name, $"unknown dtype '{dtype}' (supported: {string.Join(", ", SafetensorsDtype.Supported)})");
        if (type is null)
            throw new SafetensorsFormatException(path, name, $"dtype '{dtype}' has no libtorch equivalent here (supported: {string.Join(", ", SafetensorsDtype.Supported)})");
        if (offsets.Length != 2)
            throw new SafetensorsFormatException(path, name, $"'data_offsets' must hold 2 values [begin, end] but holds {offsets.Length}: {Show(offsets)}");
        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
            throw new SafetensorsFormatException(path, name, $"'data_offsets' {Show(offsets)} end before they begin");
        long numel = 1, bytes;
        try {
            foreach (var s in shape) numel = checked(numel * s);
            bytes = checked(numel * size);
        } catch (OverflowException) {
            throw new SafetensorsFormatException(path, name, $"shape {Show(shape)} of {dtype} overflows a 64-bit byte count");
        }
        if (end - begin != bytes)
            throw new SafetensorsFormatException(path, name,
                $"'data_offsets' {Show(offsets)} hold {end - begin} bytes but dtype {dtype} with shape {Show(shape)} needs {numel} x {size} = {bytes} bytes");
        return new SafetensorsTensorInfo(name, dtype, type.Value, shape, begin, end);
    }

    private static long[] ReadInts(ref Utf8JsonReader reader, string path, string name, string what)
    {
        Expect(ref reader, JsonTokenType.StartArray, path, name, what);
        var values = new List<long>();
        while (true) {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndArray) return values.ToArray();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var v) || v < 0) {
                var raw = reader.TokenType == JsonTokenType.Number ? Encoding.UTF8.GetString(reader.ValueSpan) : Describe(reader.TokenType);
                throw new SafetensorsFormatException(path, name, $"{what} must hold non-negative 64-bit integers but holds {raw}");
            }
            values.Add(v);
        }
    }

    /// <summary>Orders the entries by offset and checks that they tile the data section: start at 0, no gap, no overlap.</summary>
    private static List<SafetensorsTensorInfo> Validate(List<SafetensorsTensorInfo> entries, string path)
    {
        var sorted = entries.OrderBy(e => e.DataBegin).ThenBy(e => e.DataEnd).ToList();
        long position = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (var e in sorted) {
            if (e.DataBegin < position)
                throw new SafetensorsFormatException(path, e.Name,
                    $"'data_offsets' [{e.DataBegin}, {e.DataEnd}] overlap tensor '{previous!.Name}' at [{previous.DataBegin}, {previous.DataEnd}]");
            if (e.DataBegin > position)
                throw new SafetensorsFormatException(path, e.Name,
                    previous is null
                        ? $"'data_offsets' [{e.DataBegin}, {e.DataEnd}] leave bytes [0, {e.DataBegin}) of the data section unused; the first tensor must start at 0"
                        : $"'data_offsets' [{e.DataBegin}, {e.DataEnd}] leave a gap of {e.DataBegin - position} bytes after tensor '{previous.Name}' (which ends at {position}); tensors must be contiguous");
            position = e.DataEnd;
            previous = e;
        }
        return sorted;
    }

    private static string Show(long[] values) => "[" + string.Join(", ", values) + "]";

    // ---- writing ----

    /// <summary>
    /// Serializes a header the way the reference implementation does: compact JSON, <c>__metadata__</c>
    /// first (its keys sorted here, as ordinal strings, for determinism), then the tensors in data order,
    /// each as <c>{"dtype":..,"shape":[..],"data_offsets":[b,e]}</c>, padded with spaces to a multiple of 8.
    /// </summary>
    internal static byte[] Serialize(IReadOnlyList<SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var sb = new StringBuilder("{");
        var first = true;
        if (metadata is { Count: > 0 }) {
            sb.Append("\"__metadata__\":{");
            var firstMeta = true;
            foreach (var key in metadata.Keys.OrderBy(k => k, StringComparer.Ordinal)) {
                if (!firstMeta) sb.Append(',');
                firstMeta = false;
                AppendString(sb, key);
                sb.Append(':');
                AppendString(sb, metadata[key]);
            }
            sb.Append('}');
            first = false;
        }
        foreach (var t in tensors) {
            if (!first) sb.Append(',');
            first = false;
            AppendString(sb, t.Name);
            sb.Append(":{\"dtype\":");
            AppendString(sb, t.DtypeCode);
            sb.Append(",\"shape\":[");
            sb.AppendJoin(',', t.Shape.Select(s => s.ToString(CultureInfo.InvariantCulture)));
            sb.Append("],\"data_offsets\":[");
            sb.Append(t.DataBegin.ToString(CultureInfo.InvariantCulture)).Append(',').Append(t.DataEnd.ToString(CultureInfo.InvariantCulture));
            sb.Append("]}");
        }
        sb.Append('}');
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        var padded = (bytes.Length + 7) / 8 * 8;
        var result = new byte[padded];
        bytes.CopyTo(result, 0);
        result.AsSpan(bytes.Length).Fill((byte)' ');
        return result;
    }

    // JSON string escaping as serde_json writes it: \" \\ \b \f \n \r \t, other control characters as
    // \u00xx, everything else (including non-ASCII) verbatim as UTF-8.
    private static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s) {
            switch (c) {
            case '"': sb.Append("\\\""); break;
            case '\\': sb.Append("\\\\"); break;
            case '\b': sb.Append("\\b"); break;
            case '\f': sb.Append("\\f"); break;
            case '\n': sb.Append("\\n"); break;
            case '\r': sb.Append("\\r"); break;
            case '\t': sb.Append("\\t"); break;
            default:
                if (c < 0x20) sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                else sb.Append(c);
                break;
            }
        }
        sb.Append('"');
    }
}
