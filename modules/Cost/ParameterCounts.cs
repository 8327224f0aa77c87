using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>Parameter counts (elements, weights and biases) per <see cref="CostComponent"/>. Immutable; add with <c>+</c>.</summary>
public sealed class ParameterCounts
{
    private readonly long[] _counts;

    private ParameterCounts(long[] counts) => _counts = counts;

    /// <summary>No parameters.</summary>
    public static ParameterCounts Zero { get; } = new(new long[CostComponents.All.Count]);

    /// <summary>All parameters.</summary>
    public long Total => checked(_counts.Sum());

    /// <summary>Parameters of one component.</summary>
    /// <param name="component">The component.</param>
    public long this[CostComponent component] => _counts[(int)component];

    /// <summary>Parameters of the components of one stage.</summary>
    /// <param name="stage">The stage.</param>
    public long ByStage(CostStage stage) => CostComponents.All.Where(c => c.Stage() == stage).Aggregate(0L, (s, c) => checked(s + this[c]));

    /// <summary>Every component with its count, in declaration order, zeros included.</summary>
    public IReadOnlyDictionary<CostComponent, long> ByComponent => CostComponents.All.ToDictionary(c => c, c => this[c]);

    /// <summary>A count for a single component.</summary>
    /// <param name="component">The component.</param>
    /// <param name="count">Parameters, ≥ 0.</param>
    public static ParameterCounts Of(CostComponent component, long count)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "parameter counts must be ≥ 0");
        }

        var values = new long[CostComponents.All.Count];
        values[(int)component] = count;
        return new ParameterCounts(values);
    }

    /// <summary>The sum of two counts.</summary>
    /// <param name="a">First.</param>
    /// <param name="b">Second.</param>
    public static ParameterCounts operator +(ParameterCounts a, ParameterCounts b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new ParameterCounts(a._counts.Zip(b._counts, (x, y) => checked(x + y)).ToArray());
    }

    /// <summary>The counts repeated <paramref name="times"/> times (e.g. per layer × layers).</summary>
    /// <param name="times">Repetitions, ≥ 0.</param>
    public ParameterCounts Times(long times)
    {
        if (times < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(times), times, "repetitions must be ≥ 0");
        }

        return new ParameterCounts(_counts.Select(c => checked(c * times)).ToArray());
    }

    /// <summary>All counts charged to <paramref name="component"/>.</summary>
    /// <param name="component">The component that takes every parameter.</param>
    public ParameterCounts As(CostComponent component) => Of(component, Total);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(", ", CostComponents.All.Where(c => this[c] != 0).Select(c => $"{c.ShortName()} {this[c]}")) is { Length: > 0 } s ? s : "0";
}
