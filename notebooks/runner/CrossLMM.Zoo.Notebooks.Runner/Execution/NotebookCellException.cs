using System;
using System.Collections.Generic;

namespace CrossLMM.Zoo.Notebooks.Runner.Execution;

/// <summary>Why a cell failed.</summary>
public enum CellFailureKind
{
    /// <summary>A magic line the runner does not support.</summary>
    Magic,

    /// <summary>The C# does not compile.</summary>
    Compile,

    /// <summary>The cell threw while running.</summary>
    Runtime,
}

/// <summary>
/// A notebook cell that failed, with everything needed to find it: the notebook, the cell's number among
/// all cells and among code cells, and the details — compiler diagnostics in MSBuild form with the cell's
/// own line and column (<c>01-tour.ipynb#cell4(3,5): error CS0103: …</c>), or the exception with the cell
/// lines of its stack trace.
/// </summary>
public sealed class NotebookCellException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="notebook">Notebook name.</param>
    /// <param name="cellNumber">The cell's number among all cells, from 1.</param>
    /// <param name="codeCellNumber">Its number among code cells, from 1.</param>
    /// <param name="kind">Magic, compile or runtime.</param>
    /// <param name="message">The full message.</param>
    /// <param name="details">Diagnostics, stack lines or the offending magic line.</param>
    /// <param name="inner">The exception a running cell threw.</param>
    public NotebookCellException(string notebook, int cellNumber, int codeCellNumber, CellFailureKind kind, string message, IReadOnlyList<string> details, Exception? inner = null)
        : base(message, inner)
    {
        Notebook = notebook;
        CellNumber = cellNumber;
        CodeCellNumber = codeCellNumber;
        Kind = kind;
        Details = details;
    }

    /// <summary>The notebook's name.</summary>
    public string Notebook { get; }

    /// <summary>The failing cell among all cells, from 1.</summary>
    public int CellNumber { get; }

    /// <summary>The failing cell among code cells, from 1.</summary>
    public int CodeCellNumber { get; }

    /// <summary>What went wrong.</summary>
    public CellFailureKind Kind { get; }

    /// <summary>Compiler diagnostics (errors), stack lines inside the notebook, or the magic line.</summary>
    public IReadOnlyList<string> Details { get; }
}
