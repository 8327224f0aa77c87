using System.Linq;
using System.Xml.Linq;
using CrossLMM.Zoo.Tools.Charts;

namespace CrossLMM.Zoo.Cli.Tests.Tools;

public class ChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void LogScale_BoundsAtOneTwoFive_TicksAtDecades()
    {
        var scale = AxisScale.Create(ScaleKind.Log, new[] { 23.1, 16603.4 });
        Assert.Equal(20, scale.Min, 9);
        Assert.Equal(20000, scale.Max, 9);
        Assert.Equal(new[] { 20.0, 100, 1000, 10000, 20000 }, scale.Ticks.Select(t => System.Math.Round(t, 6)));
        Assert.Equal(0.5, scale.Normalize(632.45553203), 6);   // the geometric middle
    }

    [Fact]
    public void LogScale_FewDecades_AddsTwoAndFive()
    {
        var scale = AxisScale.Create(ScaleKind.Log, new[] { 2.0, 40 });
        Assert.Equal(new[] { 2.0, 5, 10, 20, 50 }, scale.Ticks.Select(t => System.Math.Round(t, 6)));
    }

    [Fact]
    public void LinearScale_NiceStepsFromZero()
    {
        var scale = AxisScale.Create(ScaleKind.Linear, new[] { 130.0, 5137.9 });
        Assert.Equal(0, scale.Min);
        Assert.Equal(6000, scale.Max);
        Assert.Equal(new[] { 0.0, 1000, 2000, 3000, 4000, 5000, 6000 }, scale.Ticks);
    }

    [Fact]
    public void ExplicitTicks_AreKept()
    {
        var scale = AxisScale.Create(ScaleKind.Log, new[] { 32.0, 256 }, explicitTicks: new[] { 32.0, 64, 128, 256 });
        Assert.Equal(new[] { 32.0, 64, 128, 256 }, scale.Ticks);
        Assert.InRange(scale.Normalize(32), 0.01, 0.1);   // padded: the first point is off the frame
        Assert.InRange(scale.Normalize(256), 0.9, 0.99);
        Assert.Equal(scale.Normalize(64) - scale.Normalize(32), scale.Normalize(256) - scale.Normalize(128), 12);   // log spacing
    }

    [Fact]
    public void Escape_HostileTextStaysWellFormed()
    {
        const string hostile = "a<b>&\"c'\u0001</text><script>alert(1)</script>";
        var chart = new LineChart
        {
            Series = new[] { ChartSeries.Of(hostile, new[] { (1.0, 2.0), (2.0, 3.0) }) },
            Title = hostile,
            XLabel = "x & y",
            YLabel = "<y>",
        };
        var svg = XDocument.Parse(chart.ToSvg());
        Assert.Empty(svg.Descendants(Svg + "script"));
        Assert.Equal("a<b>&\"c'</text><script>alert(1)</script>", (string?)svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "series").Attribute("data-series"));
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "x & y");
    }

    [Fact]
    public void LineChart_EmphasisedSeries_IsThicker()
    {
        var chart = new LineChart
        {
            Series = new[] { ChartSeries.Of("a", new[] { (1.0, 1.0), (2.0, 4.0) }, emphasized: true), ChartSeries.Of("b", new[] { (1.0, 2.0), (2.0, 3.0) }) },
        };
        var widths = XDocument.Parse(chart.ToSvg()).Descendants(Svg + "polyline").Select(p => (string?)p.Attribute("stroke-width")).ToArray();
        Assert.Equal(new[] { "3.5", "1.8" }, widths);
    }

    [Fact]
    public void Palette_TwentyDistinctColoursThenDashes()
    {
        Assert.Equal(20, Enumerable.Range(0, 20).Select(Palette.Colour).Distinct().Count());
        Assert.Null(Palette.Dash(19));
        Assert.NotNull(Palette.Dash(20));
    }

    [Fact]
    public void BarChart_OneBarPerMeasuredValue()
    {
        var chart = new BarChart
        {
            Categories = new[] { new BarCategory("a", new double?[] { 1, 2 }), new BarCategory("b", new double?[] { 3, null }) },
            Groups = new[] { "8 frames", "16 frames" },
            ValueLabel = "ms",
        };
        var svg = XDocument.Parse(chart.ToSvg());
        Assert.Equal(3, svg.Descendants(Svg + "rect").Count(r => r.Element(Svg + "title") is not null));
        Assert.Equal(new[] { "8 frames", "16 frames" }, svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend").Elements(Svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void SameInput_SameBytes()
    {
        LineChart Make() => new() { Series = new[] { ChartSeries.Of("a", new[] { (32.0, 1.5), (64.0, 3.25) }) }, Title = "t" };
        Assert.Equal(Make().ToSvg(), Make().ToSvg());
    }
}
