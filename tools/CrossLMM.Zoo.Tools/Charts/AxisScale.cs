using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Tools.Charts;

/// <summary>How an axis maps values to positions.</summary>
public enum ScaleKind
{
    /// <summary>Equal steps for equal differences.</summary>
    Linear,

    /// <summary>Equal steps for equal ratios (values must be &gt; 0).</summary>
    Log,
}

/// <summary>
/// One axis: its domain, how a value maps to [0, 1], and its tick values. Linear axes get "nice" bounds
/// and steps (1, 2, 5 × 10^k, about five steps); log axes get whole decades (with 2 and 5 in between when the range
/// spans few decades). Explicit ticks (e.g. the frame counts measured) replace the computed ones.
/// </summary>
public sealed class AxisScale
{
    private AxisScale(ScaleKind kind, double min, double max, IReadOnlyList<double> ticks)
    {
        Kind = kind;
        Min = min;
        Max = max;
        Ticks = ticks;
    }

    /// <summary>Linear or log.</summary>
    public ScaleKind Kind { get; }

    /// <summary>Lower bound of the domain.</summary>
    public double Min { get; }

    /// <summary>Upper bound of the domain.</summary>
    public double Max { get; }

    /// <summary>Tick values, ascending, all inside [Min, Max].</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>An axis covering <paramref name="values"/>.</summary>
    /// <param name="kind">Linear or log.</param>
    /// <param name="values">The data (non-finite values ignored; log axes ignore values ≤ 0).</param>
    /// <param name="includeZero">Linear only: start at 0 when all values are positive (bars, counts).</param>
    /// <param name="explicitTicks">Tick values to use instead of computed ones (the domain is their range and the data's).</param>
    /// <exception cref="ArgumentException">A log axis without a positive value.</exception>
    public static AxisScale Create(ScaleKind kind, IEnumerable<double> values, bool includeZero = true, IReadOnlyList<double>? explicitTicks = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var data = values.Where(double.IsFinite).Where(v => kind == ScaleKind.Linear || v > 0).ToList();
        if (explicitTicks is not null)
        {
            data.AddRange(explicitTicks.Where(double.IsFinite).Where(v => kind == ScaleKind.Linear || v > 0));
        }

        if (data.Count == 0)
        {
            if (kind == ScaleKind.Log)
            {
                throw new ArgumentException("a log axis needs at least one positive value", nameof(values));
            }

            data.Add(0);
            data.Add(1);
        }

        double lo = data.Min(), hi = data.Max();
        if (explicitTicks is not null)
        {
            var ticks = explicitTicks.Where(t => kind == ScaleKind.Linear || t > 0).Distinct().OrderBy(t => t).ToArray();
            if (kind == ScaleKind.Linear && includeZero && lo > 0)
            {
                lo = 0;
            }

            if (lo == hi)
            {
                (lo, hi) = kind == ScaleKind.Log ? (lo / 2, hi * 2) : (lo - 1, hi + 1);
            }

            // A little room at both ends so the first and last points do not sit on the frame.
            if (kind == ScaleKind.Log)
            {
                double pad = Math.Pow(hi / lo, 0.04);
                (lo, hi) = (lo / pad, hi * pad);
            }
            else
            {
                double pad = (hi - lo) * 0.04;
                (lo, hi) = (includeZero && lo == 0 ? 0 : lo - pad, hi + pad);
            }

            return new AxisScale(kind, lo, hi, ticks);
        }

        return kind == ScaleKind.Log ? Logarithmic(lo, hi) : Linear(lo, hi, includeZero);
    }

    /// <summary>Position of a value in [0, 1] (clamped outside the domain).</summary>
    /// <param name="value">The value.</param>
    public double Normalize(double value)
    {
        double t = Kind == ScaleKind.Log
            ? (Math.Log10(Math.Max(value, double.Epsilon)) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
            : (value - Min) / (Max - Min);
        return double.IsFinite(t) ? Math.Clamp(t, 0, 1) : 0;
    }

    private static AxisScale Linear(double lo, double hi, bool includeZero)
    {
        if (includeZero)
        {
            lo = Math.Min(lo, 0);
            hi = Math.Max(hi, 0);
        }

        if (lo == hi)
        {
            hi = lo + (lo == 0 ? 1 : Math.Abs(lo));
        }

        double step = NiceStep((hi - lo) / 5);
        double min = Math.Floor(lo / step) * step, max = Math.Ceiling(hi / step) * step;
        var ticks = new List<double>();
        for (int i = 0; min + i * step <= max + step * 1e-9; i++)
        {
            ticks.Add(Math.Round(min + i * step, 12));
        }

        return new AxisScale(ScaleKind.Linear, min, max, ticks);
    }

    private static AxisScale Logarithmic(double lo, double hi)
    {
        // Bounds at the nearest 1, 2 or 5 × 10^k outside the data (not whole decades: less empty plot).
        double min = NiceBound(lo, down: true), max = NiceBound(hi, down: false);
        if (max <= min)
        {
            max = NiceBound(min * 1.0001, down: false);
        }

        int first = (int)Math.Floor(Math.Log10(min) + 1e-9), last = (int)Math.Ceiling(Math.Log10(max) - 1e-9);
        bool fine = Math.Log10(max / min) <= 2.01;
        var ticks = new List<double>();
        for (int e = first; e <= last; e++)
        {
            foreach (double m in fine ? new[] { 1.0, 2, 5 } : new[] { 1.0 })
            {
                double tick = m * Math.Pow(10, e);
                if (tick >= min * (1 - 1e-9) && tick <= max * (1 + 1e-9))
                {
                    ticks.Add(tick);
                }
            }
        }

        foreach (double bound in new[] { min, max })
        {
            if (!ticks.Any(t => Math.Abs(t / bound - 1) < 1e-9))
            {
                ticks.Add(bound);
            }
        }

        ticks.Sort();
        return new AxisScale(ScaleKind.Log, min, max, ticks);
    }

    // The largest 1, 2 or 5 × 10^k ≤ value (down) or the smallest ≥ value (up).
    private static double NiceBound(double value, bool down)
    {
        double decade = Math.Pow(10, Math.Floor(Math.Log10(value)));
        double[] steps = { 1, 2, 5, 10 };
        double f = value / decade;
        if (down)
        {
            return steps.Where(m => m <= f * (1 + 1e-9)).Max() * decade;
        }

        return steps.Where(m => m >= f * (1 - 1e-9)).Min() * decade;
    }

    private static double NiceStep(double rough)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double fraction = rough / magnitude;
        double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;   // Heckbert's nice numbers, rounding
        return nice * magnitude;
    }
}
