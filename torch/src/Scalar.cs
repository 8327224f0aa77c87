using System;

namespace TorchSharp;

/// <summary>
/// A number passed to a tensor operation (TorchSharp's <c>Scalar</c>). Implicit conversions from the .NET
/// numeric types let <c>x * 2.0</c> and <c>x.add(1)</c> read as in PyTorch. Ours is a small managed value
/// (no native handle), so disposing it is optional.
/// </summary>
public sealed class Scalar : IDisposable
{
    internal const int Floating = 0, Integral = 1, Boolean = 2;

    internal readonly int Kind;
    internal readonly double D;
    internal readonly long L;

    private Scalar(int kind, double d, long l)
    {
        Kind = kind;
        D = d;
        L = l;
    }

    internal static Scalar FromDouble(double value) => new(Floating, value, 0);
    internal static Scalar FromLong(long value) => new(Integral, 0, value);

    public static implicit operator Scalar(byte value) => FromLong(value);
    public static implicit operator Scalar(sbyte value) => FromLong(value);
    public static implicit operator Scalar(short value) => FromLong(value);
    public static implicit operator Scalar(int value) => FromLong(value);
    public static implicit operator Scalar(long value) => FromLong(value);
    public static implicit operator Scalar(float value) => FromDouble(value);
    public static implicit operator Scalar(double value) => FromDouble(value);
    public static implicit operator Scalar(Half value) => FromDouble((double)value);
    public static implicit operator Scalar(bool value) => new(Boolean, 0, value ? 1 : 0);

    public double ToDouble() => Kind == Floating ? D : L;
    public float ToSingle() => (float)ToDouble();
    public long ToInt64() => Kind == Floating ? (long)D : L;
    public int ToInt32() => checked((int)ToInt64());
    public bool ToBoolean() => Kind == Floating ? D != 0 : L != 0;

    /// <summary>Whether the scalar holds a floating-point value.</summary>
    public bool IsFloatingPoint => Kind == Floating;

    public void Dispose() { }

    public override string ToString() => Kind switch {
        Floating => D.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Boolean => L != 0 ? "True" : "False",
        _ => L.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>TorchSharp's <c>ToScalar()</c> helpers.</summary>
public static class ScalarExtensionMethods
{
    public static Scalar ToScalar(this int value) => value;
    public static Scalar ToScalar(this long value) => value;
    public static Scalar ToScalar(this float value) => value;
    public static Scalar ToScalar(this double value) => value;
    public static Scalar ToScalar(this bool value) => value;
    public static Scalar ToScalar(this byte value) => value;
    public static Scalar ToScalar(this short value) => value;
    public static Scalar ToScalar(this Half value) => value;
}
