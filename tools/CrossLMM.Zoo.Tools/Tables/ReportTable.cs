using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Tools.Tables;

/// <summary>Horizontal alignment of a column.</summary>
public enum ColumnAlignment
{
    /// <summary>Text (names).</summary>
    Left,

    /// <summary>Numbers.</summary>
    Right,
}

/// <summary>A column of a <see cref="ReportTable"/>.</summary>
/// <param name="Header">Header text.</param>
/// <param name="Alignment">Alignment (numbers right).</param>
public sealed record ReportColumn(string Header, ColumnAlignment Alignment = ColumnAlignment.Right);

/// <summary>
/// A table of already formatted cells, independent of where it is shown: the CLI renders it with
/// Spectre.Console, <see cref="TableWriters"/> writes markdown, CSV or aligned plain text (notebooks, reports).
/// </summary>
public sealed class ReportTable
{
    private readonly List<string[]> _rows = new();

    /// <summary>An empty table with its columns.</summary>
    /// <param name="title">A title (markdown: a bold line above; terminal: the table's title); may be empty.</param>
    /// <param name="columns">The columns.</param>
    public ReportTable(string title, IEnumerable<ReportColumn> columns)
    {
        Title = title ?? string.Empty;
        Columns = (columns ?? throw new ArgumentNullException(nameof(columns))).ToArray();
        if (Columns.Count == 0)
        {
            throw new ArgumentException("a table needs at least one column", nameof(columns));
        }
    }

    /// <summary>The title.</summary>
    public string Title { get; }

    /// <summary>The columns.</summary>
    public IReadOnlyList<ReportColumn> Columns { get; }

    /// <summary>The rows (each as many cells as there are columns).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows => _rows;

    /// <summary>Lines printed under the table (conventions, footnotes).</summary>
    public List<string> Notes { get; } = new();

    /// <summary>Adds a row.</summary>
    /// <param name="cells">One cell per column.</param>
    /// <exception cref="ArgumentException">Wrong number of cells.</exception>
    public ReportTable Add(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != Columns.Count)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {Columns.Count} columns", nameof(cells));
        }

        _rows.Add(cells.Select(c => c ?? string.Empty).ToArray());
        return this;
    }

    /// <summary>The cell at a row and a column header.</summary>
    /// <param name="row">Row index.</param>
    /// <param name="header">Column header.</param>
    public string Cell(int row, string header)
    {
        int column = Columns.Select((c, i) => (c, i)).FirstOrDefault(x => x.c.Header == header, (null!, -1)).Item2;
        if (column < 0)
        {
            throw new ArgumentException($"no column '{header}' (columns: {string.Join(", ", Columns.Select(c => c.Header))})", nameof(header));
        }

        return _rows[row][column];
    }
}
