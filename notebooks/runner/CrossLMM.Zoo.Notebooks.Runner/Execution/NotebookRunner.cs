using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CrossLMM.Zoo.Notebooks.Runner.Notebook;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace CrossLMM.Zoo.Notebooks.Runner.Execution;

/// <summary>What happened to one cell.</summary>
/// <param name="Number">The cell's number among all cells, from 1.</param>
/// <param name="Kind">Code, markdown or raw.</param>
/// <param name="Kernel">The kernel of a code cell (empty otherwise).</param>
/// <param name="ExecutionCount">1, 2, … for the C# cells that ran; null for the others.</param>
/// <param name="SkipReason">Why a code cell did not run (another kernel), or null.</param>
/// <param name="Outputs">Its outputs, in order.</param>
/// <param name="Warnings">Compiler warnings, in MSBuild form.</param>
/// <param name="Elapsed">Compile + run time.</param>
public sealed record CellRun(int Number, CellKind Kind, string Kernel, int? ExecutionCount, string? SkipReason, IReadOnlyList<CellOutput> Outputs, IReadOnlyList<string> Warnings, TimeSpan Elapsed);

/// <summary>The result of running a notebook.</summary>
/// <param name="Notebook">Its name.</param>
/// <param name="Cells">The cells up to and including the failing one (all of them on success).</param>
/// <param name="Failure">The failure, or null.</param>
/// <param name="Elapsed">Wall-clock time of the whole run.</param>
public sealed record NotebookRun(string Notebook, IReadOnlyList<CellRun> Cells, NotebookCellException? Failure, TimeSpan Elapsed)
{
    /// <summary>Whether every cell ran.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>Throws <see cref="Failure"/> when there is one.</summary>
    public void ThrowIfFailed()
    {
        if (Failure is not null)
        {
            throw Failure;
        }
    }

    /// <summary>Writes the outputs and execution counts into <paramref name="notebook"/> (only after a successful run).</summary>
    /// <param name="notebook">The notebook that was run.</param>
    /// <exception cref="InvalidOperationException">The run failed (outputs of a partial run are never saved).</exception>
    public void ApplyTo(NotebookDocument notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ThrowIfFailed();
        foreach (var cell in Cells.Where(c => c.Kind == CellKind.Code))
        {
            notebook.Cells[cell.Number - 1].SetOutputs(cell.Outputs, cell.ExecutionCount);
        }
    }
}

/// <summary>
/// Runs a notebook's C# cells in order with Roslyn scripting, the way Polyglot's C# kernel does: each cell
/// is a submission that continues the previous one, so variables, functions and usings carry over. For
/// each cell it handles the magic lines (<see cref="MagicLines"/>), compiles (errors stop the run with the
/// cell's line and column), runs with the console and <c>display()</c> captured, and records the trailing
/// expression's value. Runs are serialised in a process (the console is global).
/// </summary>
public sealed class NotebookRunner
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);
    private readonly NotebookRunOptions _options;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">References, imports, allowed packages; default: the zoo's.</param>
    public NotebookRunner(NotebookRunOptions? options = null) => _options = options ?? new NotebookRunOptions();

    /// <summary>Runs every cell; stops at the first failure and returns it in <see cref="NotebookRun.Failure"/>.</summary>
    /// <param name="notebook">The notebook.</param>
    /// <param name="cancellationToken">Stops the run between cells.</param>
    public async Task<NotebookRun> RunAsync(NotebookDocument notebook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        await OneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        var culture = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var console = (Console.Out, Console.Error);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
            return await RunCellsAsync(notebook, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Console.SetOut(console.Out);
            Console.SetError(console.Error);
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = culture;
            OneAtATime.Release();
        }
    }

    private async Task<NotebookRun> RunCellsAsync(NotebookDocument notebook, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var scriptOptions = ScriptOptions.Default
            .AddReferences(_options.References)
            .AddImports(_options.Imports)
            .AddImports(NotebookRunOptions.KernelClass)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8)   // debug information needs the source encoding (else CS8055)
            .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest);
        var results = new List<CellRun>();
        ScriptState<object>? state = null;
        int codeCells = 0, executed = 0;
        foreach (var cell in notebook.Cells)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (cell.Kind != CellKind.Code)
            {
                results.Add(new CellRun(cell.Number, cell.Kind, string.Empty, null, null, Array.Empty<CellOutput>(), Array.Empty<string>(), TimeSpan.Zero));
                continue;
            }

            codeCells++;
            var cellClock = Stopwatch.StartNew();
            try
            {
                var prepared = MagicLines.Prepare(notebook.Name, cell, codeCells, _options.ReferencedAssemblyNames, _options.AllowedPackages);
                if (!prepared.IsCSharp)
                {
                    Report(results, new CellRun(cell.Number, cell.Kind, prepared.Kernel, null, $"kernel '{prepared.Kernel}' is not C#; the runner skips it",
                        Array.Empty<CellOutput>(), Array.Empty<string>(), cellClock.Elapsed), notebook);
                    continue;
                }

                int count = ++executed;
                string path = $"{notebook.Name}#cell{cell.Number}";
                var script = state is null
                    ? CSharpScript.Create(prepared.Code!, scriptOptions.WithFilePath(path))
                    : state.Script.ContinueWith(prepared.Code!, scriptOptions.WithFilePath(path));
                var diagnostics = script.Compile(cancellationToken);
                var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray();
                if (errors.Length > 0)
                {
                    throw new NotebookCellException(notebook.Name, cell.Number, codeCells, CellFailureKind.Compile,
                        $"{notebook.Name}: cell {cell.Number} (code cell {codeCells}) does not compile:\n" + string.Join("\n", errors.Select(e => "  " + e)), errors);
                }

                var warnings = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.ToString()).ToArray();
                var collector = new CellOutputCollector();
                state = await Execute(script, state, collector, cancellationToken).ConfigureAwait(false);
                if (state.Exception is { } thrown)
                {
                    throw Runtime(notebook.Name, cell.Number, codeCells, path, thrown);
                }

                if (ScriptSyntax.TrailingExpression(ScriptSyntax.Parse(prepared.Code!)) is not null && state.ReturnValue is { } value)
                {
                    collector.Add(new ResultOutput(new Dictionary<string, string> { ["text/plain"] = ValueText.Format(value) }, count));
                }

                Report(results, new CellRun(cell.Number, cell.Kind, prepared.Kernel, count, null, collector.Outputs(), warnings, cellClock.Elapsed), notebook);
            }
            catch (NotebookCellException failure)
            {
                results.Add(new CellRun(cell.Number, cell.Kind, NotebookDocument.CSharpKernel, null, null, Array.Empty<CellOutput>(), Array.Empty<string>(), cellClock.Elapsed));
                return new NotebookRun(notebook.Name, results, failure, clock.Elapsed);
            }
        }

        return new NotebookRun(notebook.Name, results, null, clock.Elapsed);
    }

    private static async Task<ScriptState<object>> Execute(Script<object> script, ScriptState<object>? state, CellOutputCollector collector, CancellationToken cancellationToken)
    {
        var previousSink = NotebookKernel.Use(collector);
        var (stdout, stderr) = (Console.Out, Console.Error);
        Console.SetOut(collector.Out);
        Console.SetError(collector.Error);
        try
        {
            return state is null
                ? await script.RunAsync(null, _ => true, cancellationToken).ConfigureAwait(false)
                : await script.RunFromAsync(state, _ => true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Console.Out.Flush();
            Console.SetOut(stdout);
            Console.SetError(stderr);
            NotebookKernel.Use(previousSink);
        }
    }

    private void Report(List<CellRun> results, CellRun run, NotebookDocument notebook)
    {
        results.Add(run);
        _options.Progress?.Invoke(new CellProgress(notebook.Name, run));
    }

    private static NotebookCellException Runtime(string notebook, int cellNumber, int codeCellNumber, string path, Exception thrown)
    {
        var frames = new StackTrace(thrown, true).GetFrames()
            .Where(f => f.GetFileName() is { } file && file.StartsWith(notebook + "#cell", StringComparison.Ordinal))
            .Select(f => $"at {f.GetFileName()}:line {f.GetFileLineNumber()}")
            .Distinct()
            .ToArray();
        string where = frames.Length > 0 ? $" ({string.Join(", ", frames)})" : string.Empty;
        return new NotebookCellException(notebook, cellNumber, codeCellNumber, CellFailureKind.Runtime,
            $"{notebook}: cell {cellNumber} (code cell {codeCellNumber}) threw {thrown.GetType().Name}: {thrown.Message}{where}",
            frames, thrown);
    }
}
