using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Tools.Tables;

namespace CrossLMM.Zoo.Tools.Charts;

/// <summary>One bar group (one category, e.g. an architecture) of a <see cref="BarChart"/>.</summary>
/// <param name="Category">Category label (left of the bars).</param>
/// <param name="Values">One value per group of the chart (null = not measured: no bar).</param>
public sealed record BarCategory(string Category, IReadOnlyList<double?> Values);

/// <summary>
/// A horizontal grouped bar chart as a standalone SVG: one row per category (long architecture names stay
/// readable), one bar per group (e.g. frame counts, each group one colour with a legend entry), the value
/// printed at the end of each bar, a linear axis from 0 with grid lines.
/// </summary>
public sealed class BarChart
{
    /// <summary>The categories, top to bottom.</summary>
    public required IReadOnlyList<BarCategory> Categories { get; init; }

    /// <summary>The group names (legend), one per value of each category.</summary>
    public required IReadOnlyList<string> Groups { get; init; }

    /// <summary>Title.</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>Subtitle.</summary>
    public string Subtitle { get; init; } = string.Empty;

    /// <summary>Value axis title.</summary>
    public string ValueLabel { get; init; } = string.Empty;

    /// <summary>Value format (tick labels and bar-end labels).</summary>
    public Func<double, string> Format { get; init; } = Units.Compact;

    /// <summary>Width in pixels.</summary>
    public double Width { get; init; } = 960;

    /// <summary>The SVG document (its height grows with the categories).</summary>
    /// <exception cref="ArgumentException">No categories, or a category with the wrong number of values.</exception>
    public string ToSvg()
    {
        if (Categories is null || Categories.Count == 0 || Groups is null || Groups.Count == 0)
        {
            throw new ArgumentException("a bar chart needs at least one category and one group");
        }

        if (Categories.FirstOrDefault(c => c.Values.Count != Groups.Count) is { } bad)
        {
            throw new ArgumentException($"category '{bad.Category}' has {bad.Values.Count} values for {Groups.Count} groups");
        }

        const double barHeight = 11, barGap = 2, categoryGap = 10;
        double rowHeight = Groups.Count * (barHeight + barGap) + categoryGap;
        double left = 24 + 7.2 * Categories.Max(c => c.Category.Length), right = 150, top = Subtitle.Length > 0 ? 70 : 52, bottom = 56;
        double plotH = Categories.Count * rowHeight, height = top + plotH + bottom, plotW = Width - left - right;
        var values = Categories.SelectMany(c => c.Values).Where(v => v.HasValue).Select(v => v!.Value).DefaultIfEmpty(1);
        var scale = AxisScale.Create(ScaleKind.Linear, values, includeZero: true);
        double Px(double v) => left + scale.Normalize(v) * plotW;

        var svg = new SvgBuilder(Width, height);
        ChartText.Titles(svg, Title, Subtitle, 24);

        svg.Open("g", ("class", "x-axis"));
        foreach (var tick in scale.Ticks)
        {
            double px = Px(tick);
            svg.Element("line", ("x1", SvgBuilder.Num(px)), ("y1", SvgBuilder.Num(top)), ("x2", SvgBuilder.Num(px)), ("y2", SvgBuilder.Num(top + plotH)),
                ("stroke", "#e3e3e3"), ("stroke-width", "1"));
            svg.Text("text", Format(tick), ("class", "tick"), ("x", SvgBuilder.Num(px)), ("y", SvgBuilder.Num(top + plotH + 18)), ("text-anchor", "middle"), ("font-size", "11"), ("fill", "#333333"));
        }

        svg.Text("text", ValueLabel, ("class", "axis-label"), ("x", SvgBuilder.Num(left + plotW / 2)), ("y", SvgBuilder.Num(height - 16)), ("font-size", "13"), ("text-anchor", "middle"));
        svg.Close("g");

        for (int c = 0; c < Categories.Count; c++)
        {
            var category = Categories[c];
            double rowTop = top + c * rowHeight + categoryGap / 2;
            svg.Open("g", ("class", "category"), ("data-category", category.Category));
            svg.Text("text", category.Category, ("x", SvgBuilder.Num(left - 8)), ("y", SvgBuilder.Num(rowTop + Groups.Count * (barHeight + barGap) / 2 + 4)),
                ("text-anchor", "end"), ("font-size", "12"), ("fill", "#222222"));
            for (int g = 0; g < Groups.Count; g++)
            {
                if (category.Values[g] is not double v)
                {
                    continue;
                }

                double y = rowTop + g * (barHeight + barGap);
                svg.Open("rect", ("x", SvgBuilder.Num(left)), ("y", SvgBuilder.Num(y)), ("width", SvgBuilder.Num(Math.Max(0.5, Px(v) - left))), ("height", SvgBuilder.Num(barHeight)),
                    ("fill", Palette.Colour(g)));
                svg.Text("title", $"{category.Category}, {Groups[g]}: {Format(v)}");
                svg.Close("rect");
                svg.Text("text", Format(v), ("x", SvgBuilder.Num(Px(v) + 4)), ("y", SvgBuilder.Num(y + barHeight - 2)), ("font-size", "10"), ("fill", "#444444"));
            }

            svg.Close("g");
        }

        svg.Element("path", ("d", $"M{SvgBuilder.Num(left)},{SvgBuilder.Num(top)} V{SvgBuilder.Num(top + plotH)} H{SvgBuilder.Num(left + plotW)}"),
            ("fill", "none"), ("stroke", "#333333"), ("stroke-width", "1"));
        ChartText.Legend(svg, Groups.Select((name, i) => (name, Palette.Colour(i), (string?)null, false)).ToArray(), Width - right + 40, top, boxes: true);
        return svg.Finish();
    }
}
