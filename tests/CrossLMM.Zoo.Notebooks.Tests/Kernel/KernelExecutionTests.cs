using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace CrossLMM.Zoo.Notebooks.Tests.Kernel;

/// <summary>
/// Every notebook runs, unchanged, in the real .NET Interactive kernel (dotnet-interactive through Jupyter's
/// nbconvert, the kernel Polyglot Notebooks uses), in quick mode (<c>ZOO_NOTEBOOK_QUICK=1</c>: fewer training
/// steps). A failing cell is reported as notebook, cell number and error. The outputs saved in the file have
/// the same kinds, cell by cell, as this run's, so saved outputs cannot go missing or stale in kind unnoticed.
/// Needs <c>./zoo.sh notebooks-setup</c> (Jupyter, the kernel, the zoo's package in NuGet's packages folder);
/// <c>./zoo.sh test</c> runs it.
/// </summary>
public sealed class KernelExecutionTests
{
    private static readonly TimeSpan CellTimeout = TimeSpan.FromMinutes(10);
    private readonly ITestOutputHelper _log;

    public KernelExecutionTests(ITestOutputHelper log) => _log = log;

    [Theory]
    [MemberData(nameof(Repository.NotebookData), MemberType = typeof(Repository))]
    public void Notebook_RunsEveryCellInTheKernel_AndItsSavedOutputsMatchTheRunInKind(string stem)
    {
        var run = KernelRun.Execute(Repository.NotebookPath(stem), quick: true, CellTimeout);
        _log.WriteLine($"{run.Notebook}: kernel run (quick) in {run.Elapsed.TotalSeconds:F1} s, nbconvert exit code {run.ExitCode}");

        Assert.True(run.Failures.Count == 0, string.Join("\n", run.Failures));
        var saved = NotebookFile.Load(Repository.NotebookPath(stem));
        foreach (var (ran, kept) in run.Output!.CodeCells.Zip(saved.CodeCells))
        {
            Assert.True(Kinds(ran).SequenceEqual(Kinds(kept)),
                $"{run.Notebook}: {ran.Where}: the run shows [{string.Join(", ", Kinds(ran))}], the saved file [{string.Join(", ", Kinds(kept))}]; " +
                "run ./zoo.sh notebooks to save fresh outputs");
        }
    }

    // Consecutive stream writes count once (how a kernel chunks console output is not part of the notebook).
    private static IEnumerable<string> Kinds(NotebookCell cell)
    {
        string? previous = null;
        foreach (var kind in cell.Outputs.Select(o => o.Kind))
        {
            if (kind != previous || !kind.StartsWith("stream:", StringComparison.Ordinal)) yield return kind;
            previous = kind;
        }
    }
}
