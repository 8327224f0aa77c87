using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace CrossLMM.Bench.SafetensorsCompare;

/// <summary>
/// The 33 malformed safetensors files of <c>tests/CrossLMM.Zoo.Engine.Tests/SafetensorsCorruptionTests.cs</c>
/// (same names, same bytes, same order). Ported rather than shared because the test's corpus is xunit
/// <c>TheoryData</c>; keep the two in step when a case is added there.
/// </summary>
internal static class Corpus
{
    private const string F32x4 = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    private static byte[] File(string json, int dataBytes = 0, long? declaredLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return BitConverter.GetBytes(declaredLength ?? header.Length).Concat(header).Concat(new byte[dataBytes]).ToArray();
    }

    private static byte[] Raw(params byte[] bytes) => bytes;

    /// <summary>(case name, file bytes).</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Cases { get; } = new (string, byte[])[]
    {
        ("empty file", Raw()),
        ("5-byte file", Raw(1, 2, 3, 4, 5)),
        ("header length past EOF", File(F32x4, 16, declaredLength: 5000)),
        ("header length over 100 MB", File(F32x4, 16, declaredLength: 100_000_001)),
        ("header length 2^64-1", File(F32x4, 16, declaredLength: -1)),
        ("malformed JSON", File("{\"w\":{\"dtype\":\"F32\",", 0)),
        ("trailing garbage after JSON", File(F32x4 + "xx", 16)),
        ("non-object header", File("[1, 2, 3]", 0)),
        ("empty header", File("", 0)),
        ("invalid UTF-8", BitConverter.GetBytes(8L).Concat(new byte[] { (byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', 1, (byte)'}' }).ToArray()),
        ("entry not an object", File("{\"w\":[0,16]}", 16)),
        ("unknown dtype", File("{\"w\":{\"dtype\":\"F13\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16)),
        ("unsupported dtype", File("{\"w\":{\"dtype\":\"U16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4)),
        ("dtype not a string", File("{\"w\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}", 8)),
        ("missing dtype", File("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8)),
        ("missing shape", File("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8)),
        ("missing offsets", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8)),
        ("negative shape", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2,2],\"data_offsets\":[0,16]}}", 16)),
        ("fractional shape", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4)),
        ("three offsets", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,8,16]}}", 16)),
        ("end before begin", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8)),
        ("byte count != numel * itemsize", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 12)),
        ("shape overflows", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}", 16)),
        ("overlapping offsets", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16)),
        ("gap between tensors", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20)),
        ("first tensor not at 0", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16)),
        ("offsets past end of file", File(F32x4, 8)),
        ("data truncated by one byte", File(F32x4, 15)),
        ("trailing bytes", File(F32x4, 20)),
        ("duplicate tensor names", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)),
        ("metadata not an object", File("{\"__metadata__\":\"x\"}", 0)),
        ("metadata value not a string", File("{\"__metadata__\":{\"epoch\":3}}", 0)),
        ("duplicate metadata", File("{\"__metadata__\":{},\"__metadata__\":{}}", 0)),
    };
}
