using System;
using System.Linq;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// Argument checks shared by the blocks, worded with <see cref="ConfigRules"/> so that a block built by hand
/// and a spec rejected at build time say the same thing ("hidden (1000) must be divisible by heads (12)").
/// </summary>
public static class BlockChecks
{
    /// <summary>Throws unless <paramref name="value"/> ≥ 1.</summary>
    /// <param name="value">The value.</param>
    /// <param name="name">The argument's name, quoted in the message.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> &lt; 1.</exception>
    public static void Positive(long value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentException(ConfigRules.BelowMinimum(name, value, 1), name);
        }
    }

    /// <summary>Throws unless <paramref name="dividend"/> is a positive multiple of <paramref name="divisor"/>.</summary>
    /// <param name="dividend">The value that must be a multiple (≥ 1; checked first).</param>
    /// <param name="dividendName">Its argument name.</param>
    /// <param name="divisor">The divisor (≥ 1; checked second).</param>
    /// <param name="divisorName">Its argument name.</param>
    /// <exception cref="ArgumentException">A value below 1, or not divisible.</exception>
    public static void Divisible(long dividend, string dividendName, long divisor, string divisorName)
    {
        Positive(dividend, dividendName);
        Positive(divisor, divisorName);
        if (dividend % divisor != 0)
        {
            throw new ArgumentException(ConfigRules.NotDivisible(dividendName, dividend, divisorName, divisor), dividendName);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> ≤ <paramref name="maximum"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="name">The argument's name.</param>
    /// <param name="maximum">The largest allowed value.</param>
    /// <param name="maximumName">What the maximum is, in words (e.g. "the patch grid side").</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> &gt; <paramref name="maximum"/>.</exception>
    public static void AtMost(long value, string name, long maximum, string maximumName)
    {
        if (value > maximum)
        {
            throw new ArgumentException($"{name} ({value}) must be ≤ {maximumName} ({maximum})", name);
        }
    }

    /// <summary>Throws unless a LayerNorm epsilon lies in (0, 1).</summary>
    /// <param name="value">The epsilon.</param>
    /// <param name="name">The argument's name.</param>
    /// <exception cref="ArgumentException">Outside (0, 1), or NaN.</exception>
    public static void Epsilon(double value, string name)
    {
        if (!(value > 0 && value < 1))
        {
            throw new ArgumentException(ConfigRules.OutOfRange(name, value, "in (0, 1)"), name);
        }
    }

    /// <summary>Throws unless the tensor's last dimension is <paramref name="width"/>.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="width">The expected width.</param>
    /// <param name="name">The argument's name.</param>
    /// <exception cref="ArgumentException">Another width, or a scalar.</exception>
    public static void LastDim(Tensor tensor, long width, string name)
    {
        var shape = tensor.shape;
        if (shape.Length == 0 || shape[^1] != width)
        {
            throw new ArgumentException($"{name} has shape {Format(shape)}; its last dimension must be {width}", name);
        }
    }

    /// <summary>Throws unless the tensor has <paramref name="rank"/> dimensions.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="rank">The expected rank.</param>
    /// <param name="name">The argument's name.</param>
    /// <param name="layout">The expected layout in words, e.g. "(B, S, H)".</param>
    /// <exception cref="ArgumentException">Another rank.</exception>
    public static void Rank(Tensor tensor, int rank, string name, string layout)
    {
        if (tensor.shape.Length != rank)
        {
            throw new ArgumentException($"{name} has shape {Format(tensor.shape)}; expected {layout}", name);
        }
    }

    /// <summary>Throws unless the tensor is a token sequence (B, S, <paramref name="width"/>).</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="width">The expected width.</param>
    /// <param name="name">The argument's name.</param>
    /// <exception cref="ArgumentException">Another rank or width; the message names the shape.</exception>
    public static void Tokens(Tensor tensor, long width, string name)
    {
        if (tensor.shape.Length != 3 || tensor.shape[2] != width)
        {
            throw new ArgumentException($"{name} has shape {Format(tensor.shape)}; expected (B, S, {width})", name);
        }
    }

    /// <summary>Throws unless two tensors have the same batch (first dimension).</summary>
    /// <param name="a">The first tensor.</param>
    /// <param name="aName">Its argument name.</param>
    /// <param name="b">The second tensor.</param>
    /// <param name="bName">Its argument name (the one blamed).</param>
    /// <exception cref="ArgumentException">Different batches; the message names both shapes.</exception>
    public static void SameBatch(Tensor a, string aName, Tensor b, string bName)
    {
        if (a.shape.Length == 0 || b.shape.Length == 0 || a.shape[0] != b.shape[0])
        {
            throw new ArgumentException($"{bName} {Format(b.shape)} and {aName} {Format(a.shape)} must have the same batch (first dimension)", bName);
        }
    }

    /// <summary>A shape as <c>[2, 3, 4]</c>.</summary>
    /// <param name="shape">The shape.</param>
    public static string Format(long[] shape) => "[" + string.Join(", ", shape.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
