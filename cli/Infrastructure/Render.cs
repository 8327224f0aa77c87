using System.Linq;
using CrossLMM.Zoo.Tools.Tables;
using Spectre.Console;

namespace CrossLMM.Zoo.Cli.Infrastructure;

/// <summary>Spectre renderings of the tools' tables.</summary>
internal static class Render
{
    /// <summary>A <see cref="ReportTable"/> as a Spectre table, with its notes underneath (dim).</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="report">The table.</param>
    public static void Table(IAnsiConsole console, ReportTable report)
    {
        var table = new Table().Border(TableBorder.Rounded).BorderColor(Color.Grey);
        if (report.Title.Length > 0)
        {
            table.Title = new TableTitle(Markup.Escape(report.Title), new Style(decoration: Decoration.Bold));
        }

        foreach (var (column, index) in report.Columns.Select((c, i) => (c, i)))
        {
            var c = new Spectre.Console.TableColumn(new Markup($"[bold]{Markup.Escape(column.Header)}[/]"));
            c = column.Alignment == ColumnAlignment.Right ? c.RightAligned() : c.LeftAligned();
            table.AddColumn(index == 0 ? c.NoWrap() : c);   // names stay whole on a narrow terminal
        }

        foreach (var row in report.Rows)
        {
            table.AddRow(row.Select(cell => new Text(cell)).ToArray());
        }

        int needed = 1 + report.Columns.Select((c, i) => 3 + System.Math.Max(c.Header.Length, report.Rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).Sum();
        console.Write(table);
        if (needed > console.Profile.Width)
        {
            console.MarkupLine($"[yellow]The table needs {needed} columns and the terminal has {console.Profile.Width}: widen it (commands with --format can also print markdown or CSV).[/]");
        }

        foreach (var note in report.Notes)
        {
            console.MarkupLine($"[dim]{Markup.Escape(note)}[/]");
        }
    }

    /// <summary>A bold section heading.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="text">The heading.</param>
    public static void Heading(IAnsiConsole console, string text)
    {
        console.WriteLine();
        console.MarkupLine($"[bold underline]{Markup.Escape(text)}[/]");
    }

    /// <summary>A plain line (escaped).</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="text">The text.</param>
    public static void Line(IAnsiConsole console, string text) => console.MarkupLine(Markup.Escape(text));
}
