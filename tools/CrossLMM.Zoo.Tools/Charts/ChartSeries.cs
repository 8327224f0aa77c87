using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Tools.Charts;

/// <summary>One point of a line chart.</summary>
/// <param name="X">X value.</param>
/// <param name="Y">Y value.</param>
public readonly record struct ChartPoint(double X, double Y);

/// <summary>One named line (one architecture).</summary>
/// <param name="Name">Legend text (and the <c>data-series</c> attribute of its group).</param>
/// <param name="Points">Points, drawn in X order.</param>
/// <param name="Emphasized">Drawn thicker (e.g. CrossLMM itself).</param>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points, bool Emphasized = false)
{
    /// <summary>A series from (x, y) pairs.</summary>
    /// <param name="name">Legend text.</param>
    /// <param name="points">(x, y) pairs.</param>
    /// <param name="emphasized">Drawn thicker.</param>
    public static ChartSeries Of(string name, IEnumerable<(double X, double Y)> points, bool emphasized = false) =>
        new(name, (points ?? throw new ArgumentNullException(nameof(points))).Select(p => new ChartPoint(p.X, p.Y)).ToArray(), emphasized);
}
