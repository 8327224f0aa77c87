using System;
using System.Globalization;

namespace CrossLMM.Zoo.Tools.Tables;

/// <summary>Number formatting shared by tables, charts and reports (invariant culture, fixed units).</summary>
public static class Units
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Bytes per GiB.</summary>
    public const double GiB = 1024.0 * 1024.0 * 1024.0;

    /// <summary>Bytes per MiB.</summary>
    public const double MiB = 1024.0 * 1024.0;

    /// <summary>FLOPs → TFLOPs with two decimals (<c>12.34</c>).</summary>
    /// <param name="flops">FLOPs.</param>
    public static string Tera(long flops) => (flops / 1e12).ToString("F2", C);

    /// <summary>FLOPs → GFLOPs with one decimal.</summary>
    /// <param name="flops">FLOPs.</param>
    public static string Giga(long flops) => (flops / 1e9).ToString("F1", C);

    /// <summary>Bytes → GiB with three decimals.</summary>
    /// <param name="bytes">Bytes.</param>
    public static string Gibibytes(long bytes) => (bytes / GiB).ToString("F3", C);

    /// <summary>Bytes → MiB with one decimal.</summary>
    /// <param name="bytes">Bytes.</param>
    public static string Mebibytes(long bytes) => (bytes / MiB).ToString("F1", C);

    /// <summary>A count with thousands separators (<c>1,234,567</c>).</summary>
    /// <param name="value">The count.</param>
    public static string Count(long value) => value.ToString("N0", C);

    /// <summary>Milliseconds with one decimal.</summary>
    /// <param name="ms">Milliseconds.</param>
    public static string Milliseconds(double ms) => ms.ToString("F1", C);

    /// <summary>A ratio with two significant decimals and a × (<c>0.12×</c>).</summary>
    /// <param name="ratio">The ratio.</param>
    public static string Ratio(double ratio) => ratio.ToString(ratio >= 10 ? "F1" : "F2", C) + "×";

    /// <summary>A parameter count in human units: <c>8.03B</c>, <c>31.2M</c>, <c>123.4k</c>, <c>512</c>.</summary>
    /// <param name="count">Parameters.</param>
    public static string Parameters(long count) => count switch
    {
        >= 1_000_000_000 => (count / 1e9).ToString("F2", C) + "B",
        >= 1_000_000 => (count / 1e6).ToString("F2", C) + "M",
        >= 10_000 => (count / 1e3).ToString("F1", C) + "k",
        _ => count.ToString(C),
    };

    /// <summary>A compact engineering form for axis labels: 1.5k, 20M, 3G, 1.2T, 0.25, 1e-3.</summary>
    /// <param name="value">The value.</param>
    public static string Compact(double value)
    {
        if (value == 0)
        {
            return "0";
        }

        double abs = Math.Abs(value);
        (double scale, string suffix) = abs switch
        {
            >= 1e15 => (1e15, "P"),
            >= 1e12 => (1e12, "T"),
            >= 1e9 => (1e9, "G"),
            >= 1e6 => (1e6, "M"),
            >= 1e4 => (1e3, "k"),
            _ => (1.0, string.Empty),
        };
        if (abs < 1e-3)
        {
            return value.ToString("0.#e0", C);
        }

        double scaled = value / scale;
        return scaled.ToString(Math.Abs(scaled) >= 100 ? "0" : Math.Abs(scaled) >= 10 ? "0.#" : "0.##", C) + suffix;
    }
}
