using System.Linq;
using System.Threading.Tasks;
using CrossLMM.Zoo.Notebooks.Runner.Execution;
using CrossLMM.Zoo.Notebooks.Runner.Notebook;
using Xunit;

namespace CrossLMM.Zoo.Notebooks.Tests.Runner;

/// <summary>A broken notebook fails with its name, the cell's number and the error, and stops there.</summary>
public sealed class FailureReportingTests
{
    private static NotebookDocument Broken(string badCell) => NotebookDocument.Create("broken.ipynb", new[]
    {
        (CellKind.Markdown, "# A notebook with a mistake"),
        (CellKind.Code, "var answer = 42;"),
        (CellKind.Markdown, "The next cell is wrong."),
        (CellKind.Code, badCell),
        (CellKind.Code, "System.Console.WriteLine(\"never runs\");"),
    });

    [Fact]
    public async Task CompileError_NamesNotebookCellLineAndColumn()
    {
        var run = await new NotebookRunner().RunAsync(Broken("var twice = answer * 2;\nvar oops = undefinedThing + twice;"));

        Assert.False(run.Succeeded);
        var failure = run.Failure!;
        Assert.Equal(CellFailureKind.Compile, failure.Kind);
        Assert.Equal(4, failure.CellNumber);
        Assert.Equal(2, failure.CodeCellNumber);
        var error = Assert.Single(failure.Details);
        Assert.Equal("broken.ipynb#cell4(2,12): error CS0103: The name 'undefinedThing' does not exist in the current context", error);
        Assert.StartsWith("broken.ipynb: cell 4 (code cell 2) does not compile:", failure.Message);
        Assert.Contains(error, failure.Message);
    }

    [Fact]
    public async Task RuntimeError_NamesNotebookCellExceptionAndLine()
    {
        var run = await new NotebookRunner().RunAsync(Broken("var x = answer;\nthrow new System.InvalidOperationException($\"bad value {x}\");"));

        var failure = run.Failure!;
        Assert.Equal(CellFailureKind.Runtime, failure.Kind);
        Assert.Equal(4, failure.CellNumber);
        Assert.IsType<System.InvalidOperationException>(failure.InnerException);
        Assert.StartsWith("broken.ipynb: cell 4 (code cell 2) threw InvalidOperationException: bad value 42", failure.Message);
        Assert.Contains("broken.ipynb#cell4:line 2", failure.Message);
    }

    [Fact]
    public async Task ExceptionInALibraryCall_IsReportedAtTheCell()
    {
        var run = await new NotebookRunner().RunAsync(Broken("CrossLMM.Zoo.Zoo.Config(\"no-such-architecture\", \"tiny\");"));

        var failure = run.Failure!;
        Assert.Equal(CellFailureKind.Runtime, failure.Kind);
        Assert.Equal(4, failure.CellNumber);
        Assert.Contains("no-such-architecture", failure.Message);
    }

    [Theory]
    [InlineData("#!connect jupyter --kernel-name python", "magic command #!connect is not supported")]
    [InlineData("#r \"nuget: Newtonsoft.Json, 13.0.3\"", "#r \"nuget: Newtonsoft.Json\" is not supported")]
    [InlineData("#r \"../somewhere/Unknown.Assembly.dll\"", "names an assembly the runner does not reference (Unknown.Assembly)")]
    [InlineData("#load \"helpers.csx\"", "#load is not supported")]
    [InlineData("var a = 1;\n#!fsharp", "the kernel selector #!fsharp must be the first line of the cell")]
    public async Task UnsupportedMagic_FailsWithTheLine(string cell, string expected)
    {
        var run = await new NotebookRunner().RunAsync(Broken(cell));

        var failure = run.Failure!;
        Assert.Equal(CellFailureKind.Magic, failure.Kind);
        Assert.Equal(4, failure.CellNumber);
        int line = cell.Split('\n').Length;
        Assert.StartsWith($"broken.ipynb: cell 4 (code cell 2), line {line}: ", failure.Message);
        Assert.Contains(expected, failure.Message);
    }

    [Fact]
    public async Task AfterAFailure_NoLaterCellRuns()
    {
        var run = await new NotebookRunner().RunAsync(Broken("int x = \"not a number\";"));

        Assert.Equal(new[] { 1, 2, 3, 4 }, run.Cells.Select(c => c.Number));
        Assert.Null(run.Cells[^1].ExecutionCount);
        Assert.Throws<NotebookCellException>(run.ThrowIfFailed);
    }

    [Fact]
    public async Task FailedRun_IsNeverSaved()
    {
        var notebook = Broken("int x = \"not a number\";");
        var run = await new NotebookRunner().RunAsync(notebook);

        var thrown = Assert.Throws<NotebookCellException>(() => run.ApplyTo(notebook));
        Assert.Equal(4, thrown.CellNumber);
        Assert.All(notebook.Cells.Where(c => c.Kind == CellKind.Code), c => Assert.Null(c.ExecutionCount));
    }
}
