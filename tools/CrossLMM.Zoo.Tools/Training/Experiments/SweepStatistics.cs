using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Tools.Training.Experiments;

/// <summary>Mean and a two-sided 95 % Student-t confidence interval of a small sample.</summary>
/// <param name="Mean">The sample mean.</param>
/// <param name="HalfWidth">t(0.975, n − 1) · s / √n (NaN for n &lt; 2).</param>
/// <param name="Count">n.</param>
public readonly record struct MeanInterval(double Mean, double HalfWidth, int Count)
{
    // t(0.975, df) for df = 1 … 30 (standard tables); beyond 30 the normal 1.96 is within 2 %.
    private static readonly double[] T975 =
    {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    };

    /// <summary>The interval of <paramref name="values"/>.</summary>
    /// <param name="values">At least one value.</param>
    public static MeanInterval Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var x = values.ToArray();
        if (x.Length == 0) throw new ArgumentException("no values", nameof(values));
        double mean = x.Average();
        if (x.Length < 2) return new MeanInterval(mean, double.NaN, 1);
        double sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
        return new MeanInterval(mean, TQuantile(x.Length - 1) * sd / Math.Sqrt(x.Length), x.Length);
    }

    /// <summary>t(0.975, <paramref name="degreesOfFreedom"/>).</summary>
    /// <param name="degreesOfFreedom">≥ 1.</param>
    public static double TQuantile(int degreesOfFreedom) =>
        degreesOfFreedom < 1 ? throw new ArgumentException($"degreesOfFreedom ({degreesOfFreedom}) must be ≥ 1", nameof(degreesOfFreedom))
        : degreesOfFreedom <= T975.Length ? T975[degreesOfFreedom - 1] : 1.960;

    /// <summary>"m ± h" with a format for both.</summary>
    /// <param name="format">e.g. "P1" or "F3".</param>
    public string ToString(string format) => double.IsNaN(HalfWidth)
        ? Mean.ToString(format, System.Globalization.CultureInfo.InvariantCulture)
        : $"{Mean.ToString(format, System.Globalization.CultureInfo.InvariantCulture)} ± {HalfWidth.ToString(format, System.Globalization.CultureInfo.InvariantCulture)}";
}
