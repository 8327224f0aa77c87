using System;
using System.IO;
using CrossLMM.Zoo.Tools.Charts;
using CrossLMM.Zoo.Tools.Tables;
using Microsoft.DotNet.Interactive.Formatting;

namespace CrossLMM.Zoo.Notebooks.Display;

/// <summary>
/// Rich output for the .NET Interactive kernel (Polyglot Notebooks, Jupyter): wraps text in a type whose
/// formatter the kernel knows, so a cell writes <c>display(Show.Markdown(table))</c> or ends with
/// <c>Show.Svg(chart)</c> and the front end renders a table or an image. The kernel has no formatter for a
/// bare string as <c>text/markdown</c> or <c>image/svg+xml</c>; registering one for every string would change
/// how all strings display, so the MIME type travels with the value instead.
/// </summary>
public static class Show
{
    static Show() => Register();

    /// <summary>
    /// Registers the formatters of <see cref="MarkdownText"/> and <see cref="SvgImage"/> (idempotent). Runs when
    /// the package is loaded into a kernel (its extension.dib) and before the first <see cref="Show"/> call.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            Formatter.Register<MarkdownText>((value, writer) => writer.Write(value.Text), MarkdownText.MimeType);
            Formatter.Register<MarkdownText>((value, writer) => writer.Write(value.Text), PlainTextFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(MarkdownText), MarkdownText.MimeType);
            Formatter.Register<SvgImage>((value, writer) => writer.Write(value.Svg), SvgImage.MimeType);
            Formatter.Register<SvgImage>((value, writer) => writer.Write(value.Describe()), PlainTextFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(SvgImage), SvgImage.MimeType);
            _registered = true;
        }
    }

    private static readonly object Gate = new();
    private static bool _registered;

    /// <summary>Markdown text, rendered as such (<c>text/markdown</c>).</summary>
    /// <param name="markdown">The markdown.</param>
    public static MarkdownText Markdown(string markdown) => new(markdown ?? throw new ArgumentNullException(nameof(markdown)));

    /// <summary>A report table as a markdown table (<see cref="TableWriters.Markdown"/>).</summary>
    /// <param name="table">The table.</param>
    public static MarkdownText Markdown(ReportTable table) => Markdown(TableWriters.Markdown(table ?? throw new ArgumentNullException(nameof(table))));

    /// <summary>An SVG document, rendered as an image (<c>image/svg+xml</c>).</summary>
    /// <param name="svg">The SVG text.</param>
    public static SvgImage Svg(string svg) => new(svg ?? throw new ArgumentNullException(nameof(svg)));

    /// <summary>A line chart, rendered as SVG (<see cref="LineChart.ToSvg"/>).</summary>
    /// <param name="chart">The chart.</param>
    public static SvgImage Svg(LineChart chart) => Svg((chart ?? throw new ArgumentNullException(nameof(chart))).ToSvg());

    /// <summary>A bar chart, rendered as SVG (<see cref="BarChart.ToSvg"/>).</summary>
    /// <param name="chart">The chart.</param>
    public static SvgImage Svg(BarChart chart) => Svg((chart ?? throw new ArgumentNullException(nameof(chart))).ToSvg());
}

/// <summary>Markdown text for the kernel: displayed as <c>text/markdown</c>.</summary>
/// <param name="Text">The markdown.</param>
public sealed record MarkdownText(string Text)
{
    /// <summary>The MIME type it is displayed as.</summary>
    public const string MimeType = "text/markdown";

    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary>An SVG image for the kernel: displayed as <c>image/svg+xml</c>.</summary>
/// <param name="Svg">The SVG document.</param>
public sealed record SvgImage(string Svg)
{
    /// <summary>The MIME type it is displayed as.</summary>
    public const string MimeType = "image/svg+xml";

    /// <summary>A one-line description for plain-text front ends.</summary>
    public string Describe() => $"[SVG image, {Svg.Length:N0} characters]";

    /// <summary>Writes the SVG to a file (for a report or a slide).</summary>
    /// <param name="path">The file.</param>
    public void Save(string path) => File.WriteAllText(path, Svg);

    /// <inheritdoc/>
    public override string ToString() => Describe();
}
