using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Tools.Tables;

namespace CrossLMM.Zoo.Tools.Charts;

/// <summary>
/// A line chart as a standalone SVG: title and subtitle, a plot with grid lines, both axes with tick labels
/// and titles, one coloured polyline with point markers per series (each in a
/// <c>&lt;g class="series" data-series="name"&gt;</c> with a <c>&lt;title&gt;</c> tooltip per point), and a legend
/// on the right in series order. Log or linear scale on either axis.
/// </summary>
public sealed class LineChart
{
    /// <summary>The series, in legend order.</summary>
    public required IReadOnlyList<ChartSeries> Series { get; init; }

    /// <summary>Title (top left, bold).</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>A smaller line under the title (conventions, preset).</summary>
    public string Subtitle { get; init; } = string.Empty;

    /// <summary>X axis title.</summary>
    public string XLabel { get; init; } = string.Empty;

    /// <summary>Y axis title.</summary>
    public string YLabel { get; init; } = string.Empty;

    /// <summary>X scale (default log: frame counts double).</summary>
    public ScaleKind XScale { get; init; } = ScaleKind.Log;

    /// <summary>Y scale (default log: the architectures differ by orders of magnitude).</summary>
    public ScaleKind YScale { get; init; } = ScaleKind.Log;

    /// <summary>X tick values; null = the distinct X values of the data when there are at most 12, else computed.</summary>
    public IReadOnlyList<double>? XTicks { get; init; }

    /// <summary>X tick label format.</summary>
    public Func<double, string> XFormat { get; init; } = Units.Compact;

    /// <summary>Y tick label format.</summary>
    public Func<double, string> YFormat { get; init; } = Units.Compact;

    /// <summary>Width in pixels.</summary>
    public double Width { get; init; } = 960;

    /// <summary>Height in pixels.</summary>
    public double Height { get; init; } = 560;

    /// <summary>The SVG document.</summary>
    /// <exception cref="ArgumentException">No series, or a log axis without positive values.</exception>
    public string ToSvg()
    {
        if (Series is null || Series.Count == 0)
        {
            throw new ArgumentException("a line chart needs at least one series");
        }

        var xs = Series.SelectMany(s => s.Points).Select(p => p.X).ToArray();
        var ys = Series.SelectMany(s => s.Points).Select(p => p.Y).ToArray();
        var distinctX = xs.Distinct().OrderBy(x => x).ToArray();
        var xTicks = XTicks ?? (distinctX.Length <= 12 ? distinctX : null);
        var x = AxisScale.Create(XScale, xs, includeZero: false, explicitTicks: xTicks);
        var y = AxisScale.Create(YScale, ys, includeZero: YScale == ScaleKind.Linear);

        double legendWidth = Math.Min(260, 40 + 7.0 * Series.Max(s => s.Name.Length));
        double left = 84, right = legendWidth + 24, top = Subtitle.Length > 0 ? 70 : 52, bottom = 64;
        double plotW = Width - left - right, plotH = Height - top - bottom;
        double Px(double v) => left + x.Normalize(v) * plotW;
        double Py(double v) => top + (1 - y.Normalize(v)) * plotH;

        var svg = new SvgBuilder(Width, Height);
        ChartText.Titles(svg, Title, Subtitle, left);

        // Grid and y ticks.
        svg.Open("g", ("class", "y-axis"));
        foreach (var tick in y.Ticks)
        {
            double py = Py(tick);
            svg.Element("line", ("x1", SvgBuilder.Num(left)), ("y1", SvgBuilder.Num(py)), ("x2", SvgBuilder.Num(left + plotW)), ("y2", SvgBuilder.Num(py)),
                ("stroke", "#e3e3e3"), ("stroke-width", "1"));
            svg.Text("text", YFormat(tick), ("class", "tick"), ("x", SvgBuilder.Num(left - 8)), ("y", SvgBuilder.Num(py + 4)), ("text-anchor", "end"), ("font-size", "11"), ("fill", "#333333"));
        }

        svg.Text("text", YLabel, ("class", "axis-label"), ("x", "0"), ("y", "0"), ("font-size", "13"), ("text-anchor", "middle"),
            ("transform", $"translate({SvgBuilder.Num(20)},{SvgBuilder.Num(top + plotH / 2)}) rotate(-90)"));
        svg.Close("g");

        // X ticks.
        svg.Open("g", ("class", "x-axis"));
        foreach (var tick in x.Ticks)
        {
            double px = Px(tick);
            svg.Element("line", ("x1", SvgBuilder.Num(px)), ("y1", SvgBuilder.Num(top)), ("x2", SvgBuilder.Num(px)), ("y2", SvgBuilder.Num(top + plotH)),
                ("stroke", "#f0f0f0"), ("stroke-width", "1"));
            svg.Text("text", XFormat(tick), ("class", "tick"), ("x", SvgBuilder.Num(px)), ("y", SvgBuilder.Num(top + plotH + 18)), ("text-anchor", "middle"), ("font-size", "11"), ("fill", "#333333"));
        }

        svg.Text("text", XLabel, ("class", "axis-label"), ("x", SvgBuilder.Num(left + plotW / 2)), ("y", SvgBuilder.Num(Height - 18)), ("font-size", "13"), ("text-anchor", "middle"));
        svg.Close("g");

        // Axes.
        svg.Element("path", ("d", $"M{SvgBuilder.Num(left)},{SvgBuilder.Num(top)} V{SvgBuilder.Num(top + plotH)} H{SvgBuilder.Num(left + plotW)}"),
            ("fill", "none"), ("stroke", "#333333"), ("stroke-width", "1"));

        // Series.
        for (int i = 0; i < Series.Count; i++)
        {
            var series = Series[i];
            string colour = Palette.Colour(i);
            var points = series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (YScale == ScaleKind.Linear || p.Y > 0)).OrderBy(p => p.X).ToArray();
            svg.Open("g", ("class", "series"), ("data-series", series.Name));
            if (points.Length > 1)
            {
                svg.Element("polyline",
                    ("points", string.Join(" ", points.Select(p => $"{SvgBuilder.Num(Px(p.X))},{SvgBuilder.Num(Py(p.Y))}"))),
                    ("fill", "none"), ("stroke", colour), ("stroke-width", series.Emphasized ? "3.5" : "1.8"),
                    ("stroke-dasharray", Palette.Dash(i)), ("stroke-linejoin", "round"));
            }

            foreach (var p in points)
            {
                svg.Open("circle", ("cx", SvgBuilder.Num(Px(p.X))), ("cy", SvgBuilder.Num(Py(p.Y))), ("r", series.Emphasized ? "4.5" : "3"), ("fill", colour));
                svg.Text("title", $"{series.Name}: {XFormat(p.X)} → {YFormat(p.Y)}");
                svg.Close("circle");
            }

            svg.Close("g");
        }

        ChartText.Legend(svg, Series.Select((s, i) => (s.Name, Palette.Colour(i), Palette.Dash(i), s.Emphasized)).ToArray(), Width - right + 16, top);
        return svg.Finish();
    }
}

/// <summary>Titles and legends shared by the charts.</summary>
internal static class ChartText
{
    public static void Titles(SvgBuilder svg, string title, string subtitle, double left)
    {
        if (title.Length > 0)
        {
            svg.Text("text", title, ("class", "title"), ("x", SvgBuilder.Num(left)), ("y", "28"), ("font-size", "17"), ("font-weight", "bold"), ("fill", "#111111"));
        }

        if (subtitle.Length > 0)
        {
            svg.Text("text", subtitle, ("class", "subtitle"), ("x", SvgBuilder.Num(left)), ("y", "48"), ("font-size", "12"), ("fill", "#555555"));
        }
    }

    public static void Legend(SvgBuilder svg, IReadOnlyList<(string Name, string Colour, string? Dash, bool Emphasized)> entries, double x, double top, bool boxes = false)
    {
        const double spacing = 19;
        svg.Open("g", ("class", "legend"));
        for (int i = 0; i < entries.Count; i++)
        {
            var (name, colour, dash, emphasized) = entries[i];
            double y = top + 8 + i * spacing;
            if (boxes)
            {
                svg.Element("rect", ("x", SvgBuilder.Num(x + 4)), ("y", SvgBuilder.Num(y - 6)), ("width", "14"), ("height", "12"), ("fill", colour));
            }
            else
            {
                svg.Element("line", ("x1", SvgBuilder.Num(x)), ("y1", SvgBuilder.Num(y)), ("x2", SvgBuilder.Num(x + 22)), ("y2", SvgBuilder.Num(y)),
                    ("stroke", colour), ("stroke-width", emphasized ? "3.5" : "2"), ("stroke-dasharray", dash));
                svg.Element("circle", ("cx", SvgBuilder.Num(x + 11)), ("cy", SvgBuilder.Num(y)), ("r", "3"), ("fill", colour));
            }

            svg.Text("text", name, ("x", SvgBuilder.Num(x + 30)), ("y", SvgBuilder.Num(y + 4)), ("font-size", "12"),
                ("font-weight", emphasized ? "bold" : null), ("fill", "#222222"));
        }

        svg.Close("g");
    }
}
