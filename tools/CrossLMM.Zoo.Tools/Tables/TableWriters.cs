using System;
using System.Linq;
using System.Text;

namespace CrossLMM.Zoo.Tools.Tables;

/// <summary>Writes a <see cref="ReportTable"/> as GitHub markdown, RFC 4180 CSV or aligned plain text.</summary>
public static class TableWriters
{
    /// <summary>A GitHub-flavoured markdown table (title in bold above, notes below); pipes in cells are escaped.</summary>
    /// <param name="table">The table.</param>
    public static string Markdown(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sb = new StringBuilder();
        if (table.Title.Length > 0)
        {
            sb.Append("**").Append(MarkdownCell(table.Title)).Append("**\n\n");
        }

        sb.Append("| ").Append(string.Join(" | ", table.Columns.Select(c => MarkdownCell(c.Header)))).Append(" |\n");
        sb.Append('|').Append(string.Join("|", table.Columns.Select(c => c.Alignment == ColumnAlignment.Right ? "---:" : ":---"))).Append("|\n");
        foreach (var row in table.Rows)
        {
            sb.Append("| ").Append(string.Join(" | ", row.Select(MarkdownCell))).Append(" |\n");
        }

        if (table.Notes.Count > 0)
        {
            sb.Append('\n');
            foreach (var note in table.Notes)
            {
                sb.Append(note).Append("\n\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>CSV with a header row; a cell with a comma, quote or newline is quoted (quotes doubled). Lines end with \n.</summary>
    /// <param name="table">The table.</param>
    public static string Csv(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sb = new StringBuilder();
        sb.Append(string.Join(",", table.Columns.Select(c => CsvCell(c.Header)))).Append('\n');
        foreach (var row in table.Rows)
        {
            sb.Append(string.Join(",", row.Select(CsvCell))).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Aligned plain text (two spaces between columns, numbers right-aligned), title and notes included.</summary>
    /// <param name="table">The table.</param>
    public static string PlainText(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var widths = table.Columns.Select((c, i) => Math.Max(c.Header.Length, table.Rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var sb = new StringBuilder();
        if (table.Title.Length > 0)
        {
            sb.Append(table.Title).Append('\n');
        }

        void Line(System.Collections.Generic.IReadOnlyList<string> cells) =>
            sb.Append(string.Join("  ", cells.Select((cell, i) =>
                table.Columns[i].Alignment == ColumnAlignment.Right ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd()).Append('\n');

        Line(table.Columns.Select(c => c.Header).ToArray());
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in table.Rows)
        {
            Line(row);
        }

        foreach (var note in table.Notes)
        {
            sb.Append(note).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Escapes a markdown table cell (pipes, newlines).</summary>
    /// <param name="text">Cell text.</param>
    public static string MarkdownCell(string text) => (text ?? string.Empty).Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>Quotes a CSV cell when needed.</summary>
    /// <param name="text">Cell text.</param>
    public static string CsvCell(string text)
    {
        text ??= string.Empty;
        return text.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
