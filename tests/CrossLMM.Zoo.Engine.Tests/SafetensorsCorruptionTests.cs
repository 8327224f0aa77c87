using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CrossLMM.Zoo.Engine;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine.Tests;

/// <summary>
/// A corpus of malformed safetensors files. Each must be rejected by every reader (header only, copying
/// load, memory-mapped open) with a <see cref="SafetensorsFormatException"/> that names the file, the tensor
/// at fault and the offending values — and nothing may crash or leak.
/// </summary>
[Collection(NativeCountersCollection.Name)]
public sealed class SafetensorsCorruptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crosslmm-stbad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] File(string json, int dataBytes = 0, long? declaredLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return BitConverter.GetBytes(declaredLength ?? header.Length).Concat(header).Concat(new byte[dataBytes]).ToArray();
    }

    private static byte[] Raw(params byte[] bytes) => bytes;

    private const string F32x4 = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    /// <summary>(case, file bytes, tensor at fault or null, fragments the message must contain).</summary>
    public static TheoryData<string, byte[], string?, string[]> Corpus() => new() {
        { "empty file", Raw(), null, new[] { "0 bytes", "truncated" } },
        { "5-byte file", Raw(1, 2, 3, 4, 5), null, new[] { "5 bytes", "8-byte header length" } },
        { "header length past EOF", File(F32x4, 16, declaredLength: 5000), null, new[] { "header length 5000", "end of the file", "truncated" } },
        { "header length over 100 MB", File(F32x4, 16, declaredLength: 100_000_001), null, new[] { "100000001", "100000000" } },
        { "header length 2^64-1", File(F32x4, 16, declaredLength: -1), null, new[] { "18446744073709551615", "exceeds the limit" } },
        { "malformed JSON", File("{\"w\":{\"dtype\":\"F32\",", 0), null, new[] { "not valid JSON" } },
        { "trailing garbage after JSON", File(F32x4 + "xx", 16), null, new[] { "not valid JSON" } },
        { "non-object header", File("[1, 2, 3]", 0), null, new[] { "must be a JSON object", "0x5B" } },
        { "empty header", File("", 0), null, new[] { "header is empty" } },
        { "invalid UTF-8", BitConverter.GetBytes(8L).Concat(new byte[] { (byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', 1, (byte)'}' }).ToArray(), null, new[] { "not valid JSON" } },
        { "entry not an object", File("{\"w\":[0,16]}", 16), "w", new[] { "must be an object but is an array" } },
        { "unknown dtype", File("{\"w\":{\"dtype\":\"F13\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16), "w", new[] { "unknown dtype 'F13'", "F32" } },
        { "unsupported dtype", File("{\"w\":{\"dtype\":\"U16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "w", new[] { "'U16'", "no libtorch equivalent" } },
        { "dtype not a string", File("{\"w\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "w", new[] { "'dtype' must be a string but is a number" } },
        { "missing dtype", File("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "w", new[] { "no 'dtype'" } },
        { "missing shape", File("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8), "w", new[] { "no 'shape'" } },
        { "missing offsets", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "w", new[] { "no 'data_offsets'" } },
        { "negative shape", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2,2],\"data_offsets\":[0,16]}}", 16), "w", new[] { "non-negative", "-2" } },
        { "fractional shape", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), "w", new[] { "non-negative 64-bit integers", "1.5" } },
        { "three offsets", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,8,16]}}", 16), "w", new[] { "2 values", "[0, 8, 16]" } },
        { "end before begin", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8), "w", new[] { "[8, 0]", "end before they begin" } },
        { "byte count != numel * itemsize", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 12), "w", new[] { "hold 12 bytes", "[2, 2]", "4 x 4 = 16" } },
        { "shape overflows", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}", 16), "w", new[] { "overflows" } },
        {
            "overlapping offsets",
            File("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16),
            "b", new[] { "[8, 16]", "overlap tensor 'a'", "[0, 16]" }
        },
        {
            "gap between tensors",
            File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20),
            "b", new[] { "gap of 4 bytes", "'a'", "ends at 8" }
        },
        { "first tensor not at 0", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16), "w", new[] { "[8, 16]", "must start at 0" } },
        { "offsets past end of file", File(F32x4, 8), "w", new[] { "end at 16", "truncated" } },
        { "data truncated by one byte", File(F32x4, 15), "w", new[] { "needs 81 bytes but has 80", "truncated" } },
        { "trailing bytes", File(F32x4, 20), null, new[] { "4 trailing bytes" } },
        {
            "duplicate tensor names",
            File("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
            "w", new[] { "appears twice" }
        },
        { "metadata not an object", File("{\"__metadata__\":\"x\"}", 0), null, new[] { "'__metadata__' must be an object but is a string" } },
        { "metadata value not a string", File("{\"__metadata__\":{\"epoch\":3}}", 0), null, new[] { "'epoch'", "must be a string but is a number" } },
        { "duplicate metadata", File("{\"__metadata__\":{},\"__metadata__\":{}}", 0), null, new[] { "'__metadata__' appears twice" } },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Read_CorruptFile_RejectedByEveryReaderWithFileTensorAndValues(string name, byte[] bytes, string? tensor, string[] fragments)
    {
        var path = Path.Combine(_dir, name.Replace(' ', '_') + ".safetensors");
        System.IO.File.WriteAllBytes(path, bytes);
        var live = NativeCountersCollection.SettledLiveCount();
        var readers = new (string, Action)[] {
            ("ReadHeader", () => Safetensors.ReadHeader(path)),
            ("Load", () => Safetensors.Load(path)),
            ("Open", () => SafetensorsFile.Open(path).Dispose()),
        };
        foreach (var (reader, read) in readers) {
            var ex = Assert.Throws<SafetensorsFormatException>(read);
            Assert.Equal(path, ex.FilePath);
            Assert.Equal(tensor, ex.TensorName);
            Assert.Contains(path, ex.Message);
            if (tensor is not null) Assert.Contains($"tensor '{tensor}'", ex.Message);
            foreach (var f in fragments)
                Assert.True(ex.Message.Contains(f, StringComparison.Ordinal), $"{reader}: message lacks \"{f}\": {ex.Message}");
        }
        Assert.Equal(live, NativeTensors.Live);
    }

    [Fact]
    public void Read_ValidFileWithUnknownEntryFields_IsAccepted()
    {
        // The reference implementation ignores unknown fields of an entry; so do we.
        var path = Path.Combine(_dir, "extra.safetensors");
        System.IO.File.WriteAllBytes(path, File("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"note\":{\"x\":[1]}}}", 4));
        using var w = Safetensors.Load(path)["w"];
        Assert.Equal(new long[] { 1 }, w.shape);
    }

    [Fact]
    public void Read_EntriesOutOfOrderButTiling_IsAcceptedAndOrderedByOffset()
    {
        var path = Path.Combine(_dir, "order.safetensors");
        System.IO.File.WriteAllBytes(path, File(
            "{\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]},\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},\"z\":{\"dtype\":\"BOOL\",\"shape\":[0],\"data_offsets\":[12,12]}}", 12));
        var header = Safetensors.ReadHeader(path);
        Assert.Equal(new[] { "a", "b", "z" }, header.Tensors.Select(t => t.Name));
        using var file = SafetensorsFile.Open(path);
        using var z = file.GetTensor("z");
        Assert.Equal(new long[] { 0 }, z.shape);
    }

    [Fact]
    public void Open_MisalignedTensor_IsCopiedNotMapped()
    {
        // A hand-made file where an F32 tensor starts at an odd offset: readable, by copy.
        var path = Path.Combine(_dir, "odd.safetensors");
        var json = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[1,5]}}";
        var bytes = File(json, 5);
        var dataStart = bytes.Length - 5;
        bytes[dataStart] = 1;
        BitConverter.GetBytes(2.5f).CopyTo(bytes, dataStart + 1);
        System.IO.File.WriteAllBytes(path, bytes);
        using var file = SafetensorsFile.Open(path);
        using var w = file.GetTensor("w");
        using var m = file.GetTensor("m");
        Assert.Equal(2.5f, w.item<float>());
        Assert.True(m.item<bool>());
    }
}
