using System;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// Constructor checks shared by the vision, compressor and projector blocks. Messages come from
/// <see cref="ConfigRules"/> so a block built by hand reports a bad size in the same words as the spec binder
/// (<c>"hidden (1000) must be divisible by heads (12)"</c>), naming the argument in the exception.
/// </summary>
internal static class BlockArguments
{
    /// <summary>Throws unless <paramref name="value"/> ≥ 1.</summary>
    public static void Positive(long value, string name)
    {
        if (value < 1) {
            throw new ArgumentException(ConfigRules.BelowMinimum(name, value, 1), name);
        }
    }

    /// <summary>Throws unless <paramref name="dividend"/> is a multiple of <paramref name="divisor"/> (checked ≥ 1 first).</summary>
    public static void Divisible(long dividend, string dividendName, long divisor, string divisorName)
    {
        Positive(dividend, dividendName);
        Positive(divisor, divisorName);
        if (dividend % divisor != 0) {
            throw new ArgumentException(ConfigRules.NotDivisible(dividendName, dividend, divisorName, divisor), dividendName);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> ≤ <paramref name="maximum"/>.</summary>
    public static void AtMost(long value, string name, long maximum, string maximumName)
    {
        if (value > maximum) {
            throw new ArgumentException($"{name} ({value}) must be ≤ {maximumName} ({maximum})", name);
        }
    }

    /// <summary>Throws unless the LayerNorm epsilon lies in (0, 1).</summary>
    public static void Epsilon(double value, string name)
    {
        if (!(value > 0 && value < 1)) {
            throw new ArgumentException(ConfigRules.OutOfRange(name, value, "in (0, 1)"), name);
        }
    }

    /// <summary>Throws the config's own problems (from its <c>Validate</c>) as one <see cref="ArgumentException"/>.</summary>
    public static void Valid(System.Collections.Generic.IReadOnlyList<string> problems, string name) =>
        ConfigRules.ThrowIfAny(problems, name);

    /// <summary>Formats a shape as <c>[2, 3, 16, 32]</c> for messages.</summary>
    public static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
