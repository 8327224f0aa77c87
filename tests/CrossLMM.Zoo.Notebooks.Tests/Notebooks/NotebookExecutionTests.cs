using System;
using System.Linq;
using System.Threading.Tasks;
using CrossLMM.Zoo.Notebooks.Runner.Execution;
using CrossLMM.Zoo.Notebooks.Runner.Notebook;
using Xunit;
using Xunit.Abstractions;

namespace CrossLMM.Zoo.Notebooks.Tests.Notebooks;

/// <summary>
/// Every notebook runs: all C# cells in order, in quick mode (<c>ZOO_NOTEBOOK_QUICK=1</c>: fewer training steps),
/// without compiler warnings; and the outputs saved in the file have the same shape as the outputs of this run
/// (a cell that produces output has saved output of the same kinds), so saved outputs cannot go missing or stale
/// in kind without a failing test.
/// </summary>
public sealed class NotebookExecutionTests
{
    private readonly ITestOutputHelper _log;

    public NotebookExecutionTests(ITestOutputHelper log)
    {
        _log = log;
        Environment.SetEnvironmentVariable(NotebookEnvironment.QuickVariable, "1");
    }

    [Theory]
    [MemberData(nameof(Repository.NotebookData), MemberType = typeof(Repository))]
    public async Task Notebook_RunsEveryCell_AndItsSavedOutputsMatchTheRunInKind(string stem)
    {
        var notebook = NotebookDocument.Load(Repository.NotebookPath(stem));
        var saved = notebook.Cells.Select(c => c.Kind == CellKind.Code ? c.Outputs : Array.Empty<CellOutput>()).ToArray();

        var run = await new NotebookRunner().RunAsync(notebook);

        // The failure message names the notebook, the cell and the error (compile errors with line and column).
        Assert.True(run.Succeeded, run.Failure?.Message);
        _log.WriteLine($"{notebook.Name}: {run.Cells.Count(c => c.ExecutionCount is not null)} C# cells in {run.Elapsed.TotalSeconds:F1} s");
        foreach (var cell in run.Cells.Where(c => c.Kind == CellKind.Code))
        {
            Assert.True(cell.SkipReason is null, $"{notebook.Name}: cell {cell.Number} was skipped: {cell.SkipReason}");
            Assert.True(cell.Warnings.Count == 0, $"{notebook.Name}: cell {cell.Number} has compiler warnings (the file-based app treats them as errors):\n{string.Join("\n", cell.Warnings)}");
            Assert.Equal(Kinds(cell.Outputs), Kinds(saved[cell.Number - 1]));
        }
    }

    // stream:stdout, display_data:image/svg+xml, ... — consecutive console writes count once.
    private static string[] Kinds(System.Collections.Generic.IEnumerable<CellOutput> outputs) => outputs
        .Select(o => o switch
        {
            StreamOutput s => $"stream:{s.Name}",
            DisplayOutput d => "display_data:" + string.Join(",", d.Data.Keys.OrderBy(k => k, StringComparer.Ordinal)),
            ResultOutput r => "execute_result:" + string.Join(",", r.Data.Keys.OrderBy(k => k, StringComparer.Ordinal)),
            _ => o.OutputType,
        })
        .ToArray();
}
