using CrossLMM.Zoo.Notebooks.Display;
using CrossLMM.Zoo.Tools.Charts;
using CrossLMM.Zoo.Tools.Tables;
using Microsoft.DotNet.Interactive.Formatting;
using Xunit;

namespace CrossLMM.Zoo.Notebooks.Tests.Helpers;

/// <summary>Show's values reach the kernel's formatter as the MIME types the notebooks rely on.</summary>
public sealed class ShowTests
{
    [Fact]
    public void Markdown_OfATable_IsPreferredAsMarkdown_AndFormatsAsTheTableWriterWritesIt()
    {
        var table = new ReportTable("t", new[] { new ReportColumn("a", ColumnAlignment.Left), new ReportColumn("b") });
        table.Add("x", "1");
        var shown = Show.Markdown(table);

        Assert.Equal(new[] { "text/markdown" }, Formatter.GetPreferredMimeTypesFor(typeof(MarkdownText)));
        Assert.Equal(TableWriters.Markdown(table), shown.ToDisplayString("text/markdown"));
    }

    [Fact]
    public void Svg_OfAChart_IsPreferredAsSvg_AndFormatsAsTheChartsSvg()
    {
        var chart = new LineChart { Series = new[] { ChartSeries.Of("s", new[] { (1.0, 1.0), (2.0, 4.0) }) }, Title = "c" };
        var shown = Show.Svg(chart);

        Assert.Equal(new[] { "image/svg+xml" }, Formatter.GetPreferredMimeTypesFor(typeof(SvgImage)));
        Assert.Equal(chart.ToSvg(), shown.ToDisplayString("image/svg+xml"));
        Assert.StartsWith("[SVG image, ", shown.ToDisplayString("text/plain"));
    }
}
