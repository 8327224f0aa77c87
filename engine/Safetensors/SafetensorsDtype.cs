using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// The dtype codes of the safetensors format and their libtorch equivalents. Only codes with a
/// libtorch 1.13 dtype are supported (BOOL, U8, I8, I16, I32, I64, F16, BF16, F32, F64); U16, U32,
/// U64 and the F8 variants are rejected with a message naming them.
/// </summary>
public static class SafetensorsDtype
{
    // The reference writer orders tensors by this rank, descending (largest alignment first), then by
    // name, so that every tensor's data is aligned to its element size. The rank is the position of
    // the code in the reference implementation's Dtype enum.
    private static readonly (string Code, ScalarType? Type, int Size)[] Table = {
        ("BOOL", ScalarType.Bool, 1),
        ("U8", ScalarType.Byte, 1),
        ("I8", ScalarType.Int8, 1),
        ("F8_E5M2", null, 1),
        ("F8_E4M3", null, 1),
        ("I16", ScalarType.Int16, 2),
        ("U16", null, 2),
        ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2),
        ("I32", ScalarType.Int32, 4),
        ("U32", null, 4),
        ("F32", ScalarType.Float32, 4),
        ("F64", ScalarType.Float64, 8),
        ("I64", ScalarType.Int64, 8),
        ("U64", null, 8),
    };

    private static readonly Dictionary<string, int> ByCode = BuildByCode();

    private static Dictionary<string, int> BuildByCode()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Table.Length; i++) d[Table[i].Code] = i;
        return d;
    }

    /// <summary>The codes this engine reads and writes.</summary>
    public static IReadOnlyList<string> Supported { get; } = new[] { "BOOL", "U8", "I8", "I16", "I32", "I64", "F16", "BF16", "F32", "F64" };

    /// <summary>The safetensors code of a libtorch dtype, or null when the format has none (complex types).</summary>
    public static string? CodeOf(ScalarType type)
    {
        foreach (var (code, t, _) in Table)
            if (t == type) return code;
        return null;
    }

    /// <summary>Looks a code up: its libtorch dtype (null when known but unsupported), element size and sort rank.</summary>
    internal static bool TryParse(string code, out ScalarType? type, out int size, out int rank)
    {
        if (ByCode.TryGetValue(code, out rank)) {
            (_, type, size) = Table[rank];
            return true;
        }
        type = null;
        size = 0;
        rank = -1;
        return false;
    }

    internal static int RankOf(ScalarType type)
    {
        for (var i = 0; i < Table.Length; i++)
            if (Table[i].Type == type) return i;
        return -1;
    }

    internal static int SizeOf(ScalarType type)
    {
        foreach (var (_, t, size) in Table)
            if (t == type) return size;
        throw new ArgumentException($"{type} has no safetensors dtype", nameof(type));
    }
}
