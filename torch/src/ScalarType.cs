using System;

namespace TorchSharp;

/// <summary>The kind of device a tensor lives on (c10::DeviceType numbering).</summary>
public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
    MKLDNN = 2,
    OPENGL = 3,
    OPENCL = 4,
    IDEEP = 5,
    HIP = 6,
    FPGA = 7,
    MSNPU = 8,
    XLA = 9,
    META = 13,
    MPS = 18,
}

public static partial class torch
{
    /// <summary>Element types of tensors (c10::ScalarType numbering, as in TorchSharp).</summary>
    public enum ScalarType : sbyte
    {
        Byte = 0,
        Int8 = 1,
        Int16 = 2,
        Int32 = 3,
        Int64 = 4,
        Float16 = 5,
        Float32 = 6,
        Float64 = 7,
        ComplexFloat32 = 9,
        ComplexFloat64 = 10,
        Bool = 11,
        BFloat16 = 15,
    }

    public static readonly ScalarType uint8 = ScalarType.Byte;
    public static readonly ScalarType int8 = ScalarType.Int8;
    public static readonly ScalarType int16 = ScalarType.Int16;
    public static readonly ScalarType int32 = ScalarType.Int32;
    public static readonly ScalarType @int = ScalarType.Int32;
    public static readonly ScalarType int64 = ScalarType.Int64;
    public static readonly ScalarType @long = ScalarType.Int64;
    public static readonly ScalarType float16 = ScalarType.Float16;
    public static readonly ScalarType half = ScalarType.Float16;
    public static readonly ScalarType bfloat16 = ScalarType.BFloat16;
    public static readonly ScalarType float32 = ScalarType.Float32;
    public static readonly ScalarType @float = ScalarType.Float32;
    public static readonly ScalarType float64 = ScalarType.Float64;
    public static readonly ScalarType @double = ScalarType.Float64;
    public static readonly ScalarType @bool = ScalarType.Bool;

    public static bool is_floating_point(ScalarType type) =>
        type is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;

    public static bool is_integral(ScalarType type) =>
        type is ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32 or ScalarType.Int64;

    public static bool is_complex(ScalarType type) =>
        type is ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64;

    /// <summary>Size in bytes of one element of <paramref name="type"/>.</summary>
    public static int ElementSize(ScalarType type) => type switch {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown scalar type"),
    };

    /// <summary>A compute device: a <see cref="DeviceType"/> and an index (-1 = the current one).</summary>
    public sealed class Device : IEquatable<Device>
    {
        public DeviceType type { get; }
        public int index { get; }

        public Device(DeviceType type, int index = -1)
        {
            this.type = type;
            this.index = index;
        }

        /// <summary>Parses "cpu", "cuda", "cuda:1".</summary>
        public Device(string description)
        {
            ArgumentNullException.ThrowIfNull(description);
            var parts = description.Trim().ToLowerInvariant().Split(':');
            type = parts[0] switch {
                "cpu" => DeviceType.CPU,
                "cuda" => DeviceType.CUDA,
                "mps" => DeviceType.MPS,
                "meta" => DeviceType.META,
                _ => throw new ArgumentException($"unknown device '{description}' (expected cpu, cuda, cuda:N, mps or meta)", nameof(description)),
            };
            index = parts.Length > 1 && int.TryParse(parts[1], out var i) ? i : -1;
        }

        public Device(int index) : this(DeviceType.CUDA, index) { }

        public static implicit operator Device(string description) => new(description);

        public bool Equals(Device? other) => other is not null && other.type == type && other.index == index;
        public override bool Equals(object? obj) => obj is Device d && Equals(d);
        public override int GetHashCode() => HashCode.Combine(type, index);
        public override string ToString() => index < 0 ? type.ToString().ToLowerInvariant() : $"{type.ToString().ToLowerInvariant()}:{index}";
    }

    public static readonly Device CPU = new(DeviceType.CPU, -1);
    public static readonly Device META = new(DeviceType.META, -1);

    public static Device device(string description) => new(description);
    public static Device device(DeviceType type, int index = -1) => new(type, index);
}
