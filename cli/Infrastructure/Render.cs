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

        foreach (var column in report.Columns)
        {
            var c = new Spectre.Console.TableColumn(new Markup($"[bold]{Markup.Escape(column.Header)}[/]"));
            table.AddColumn(column.Alignment == ColumnAlignment.Right ? c.RightAligned() : c.LeftAligned());
        }

        foreach (var row in report.Rows)
        {
            table.AddRow(row.Select(cell => new Text(cell)).ToArray());
        }

        console.Write(table);
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
