using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using CrossLMM.Zoo.Notebooks.Runner.Execution;
using CrossLMM.Zoo.Notebooks.Runner.Notebook;
using Xunit;

namespace CrossLMM.Zoo.Notebooks.Tests.Runner;

/// <summary>What a notebook's cells see and produce under the runner.</summary>
public sealed class RunnerBehaviourTests
{
    private static async Task<NotebookRun> Run(params string[] cells)
    {
        var notebook = NotebookDocument.Create("demo.ipynb", cells.Select(c => (CellKind.Code, c)));
        var run = await new NotebookRunner().RunAsync(notebook);
        run.ThrowIfFailed();
        return run;
    }

    private static string Text(CellOutput output) => output switch
    {
        StreamOutput s => s.Text,
        DisplayOutput d => d.Data.Single().Value,
        ResultOutput r => r.Data.Single().Value,
        _ => output.ToString(),
    };

    [Fact]
    public async Task State_CarriesVariablesFunctionsAndUsingsFromCellToCell()
    {
        var run = await Run(
            "using CrossLMM.Zoo;\nvar config = Zoo.Config(\"crosslmm\", \"tiny\");\nint Twice(int x) => 2 * x;",
            "Twice(config.Llm.Layers)",
            "Zoo.Architectures.Count > 10");

        Assert.Equal("8", Text(Assert.Single(run.Cells[1].Outputs)));
        Assert.Equal("True", Text(Assert.Single(run.Cells[2].Outputs)));
    }

    [Fact]
    public async Task Outputs_KeepTheirOrder_ConsoleTextMergesAndTheTrailingValueComesLast()
    {
        var run = await Run("Console.WriteLine(\"one\");\nConsole.Write(\"two\\n\");\ndisplay(\"<svg/>\", \"image/svg+xml\");\nConsole.Error.WriteLine(\"warn\");\ndisplay(3.5);\n\"done\"");

        var outputs = run.Cells[0].Outputs;
        Assert.Collection(
            outputs,
            o => Assert.Equal(new StreamOutput("stdout", "one\ntwo\n"), o),
            o => Assert.Equal("<svg/>", Assert.IsType<DisplayOutput>(o).Data["image/svg+xml"]),
            o => Assert.Equal(new StreamOutput("stderr", "warn\n"), o),
            o => Assert.Equal("3.5", Assert.IsType<DisplayOutput>(o).Data["text/plain"]),
            o => Assert.Equal(1, Assert.IsType<ResultOutput>(o).ExecutionCount));
        Assert.Equal("done", Text(outputs[^1]));
    }

    [Fact]
    public async Task ExecutionCounts_NumberTheCSharpCellsThatRan()
    {
        var notebook = NotebookDocument.Create("demo.ipynb", new[]
        {
            (CellKind.Markdown, "# title"),
            (CellKind.Code, "var a = 1;"),
            (CellKind.Code, "#!fsharp\nlet b = 2"),
            (CellKind.Code, "a + 1"),
        });
        var run = await new NotebookRunner().RunAsync(notebook);
        run.ApplyTo(notebook);

        Assert.Equal(new int?[] { null, 1, null, 2 }, notebook.Cells.Select(c => c.ExecutionCount));
        Assert.Equal("kernel 'fsharp' is not C#; the runner skips it", run.Cells[2].SkipReason);
        Assert.Equal(2, Assert.IsType<ResultOutput>(Assert.Single(notebook.Cells[3].Outputs)).ExecutionCount);
    }

    [Fact]
    public async Task NoTrailingExpression_NoResult_AndANullResultIsNotShown()
    {
        var run = await Run("var x = 1;", "x = 2;", "(object)null");

        Assert.All(run.Cells, c => Assert.Empty(c.Outputs));
    }

    [Fact]
    public async Task HandledMagics_AreBlankedSoLineNumbersStayTheCellsOwn()
    {
        var notebook = NotebookDocument.Create("magic.ipynb", new[]
        {
            (CellKind.Code, "#!csharp\n#r \"../runner/CrossLMM.Zoo.Notebooks/bin/Debug/net10.0/CrossLMM.Zoo.dll\"\n#r \"nuget: YamlDotNet, 16.3.0\"\n#!time\nvar ok = 1;\nvar broken = missing;"),
        });
        var run = await new NotebookRunner().RunAsync(notebook);

        Assert.Equal("magic.ipynb#cell1(6,14): error CS0103: The name 'missing' does not exist in the current context", Assert.Single(run.Failure!.Details));
    }

    [Fact]
    public void Prepare_ReportsWhatItRemoved()
    {
        var notebook = NotebookDocument.Create("magic.ipynb", new[]
        {
            (CellKind.Code, "#!csharp\n#r \"CrossLMM.Zoo.Modules.dll\"\n#!whos\nvar x = 1;"),
        });
        var options = new NotebookRunOptions();
        var prepared = MagicLines.Prepare(notebook.Name, notebook.Cells[0], 1, options.ReferencedAssemblyNames, options.AllowedPackages);

        Assert.Equal(new[] { "line 1: #!csharp", "line 2: #r \"CrossLMM.Zoo.Modules.dll\"", "line 3: #!whos" }, prepared.Removed);
        Assert.Equal("\n\n\nvar x = 1;", prepared.Code);
    }

    [Fact]
    public async Task Values_AreFormattedTheSameEverywhere()
    {
        var run = await Run("1.5e-3", "new[] { 1, 2, 3 }", "new List<string> { \"a\", \"b\" }", "true");

        Assert.Equal(new[] { "0.0015", "[1, 2, 3]", "[a, b]", "True" }, run.Cells.Select(c => Text(c.Outputs.Single())));
    }

    [Fact]
    public async Task SavedNotebook_IsByteForByteTheSameOnARerun()
    {
        string[] cells = { "Console.WriteLine(\"héllo ✓\");", "display(\"<svg>\\n<rect/>\\n</svg>\", \"image/svg+xml\");\n40 + 2" };
        string Save(NotebookRun run, NotebookDocument nb)
        {
            run.ApplyTo(nb);
            return nb.ToJson();
        }

        var first = NotebookDocument.Create("same.ipynb", cells.Select(c => (CellKind.Code, c)));
        var second = NotebookDocument.Create("same.ipynb", cells.Select(c => (CellKind.Code, c)));
        string a = Save(await new NotebookRunner().RunAsync(first), first);
        string b = Save(await new NotebookRunner().RunAsync(second), second);

        Assert.Equal(a, b);
        Assert.Equal(a, NotebookDocument.Parse(a, "same.ipynb").ToJson());
        Assert.Contains("\"héllo ✓\\n\"", a);
        Assert.Contains("\"<svg>\\n\",", a);
        Assert.EndsWith("}\n", a);
    }

    [Fact]
    public async Task Warnings_AreReported()
    {
        var run = await Run("int unused = 1;\nvoid F() { int never; }");

        Assert.Contains(run.Cells[0].Warnings, w => w.Contains("CS0168", System.StringComparison.Ordinal));
    }

    [Fact]
    public void NotebookKernelDisplay_OutsideTheRunner_WritesToTheConsoleSink()
    {
        var previous = NotebookKernel.Use(null);
        try
        {
            Assert.IsType<ConsoleDisplaySink>(NotebookKernel.Sink);
        }
        finally
        {
            NotebookKernel.Use(previous);
        }
    }

    [Fact]
    public void OutputsOfOtherFrontEnds_AreReadBack()
    {
        var error = CellOutput.FromJson(new ErrorOutput("InvalidOperationException", "boom", new[] { "at x" }).ToJson());
        var display = CellOutput.FromJson(new DisplayOutput(new Dictionary<string, string> { ["text/html"] = "<b>x</b>\n<i>y</i>", ["text/plain"] = "x" }).ToJson());

        Assert.Equal("boom", Assert.IsType<ErrorOutput>(error).Value);
        Assert.Equal("<b>x</b>\n<i>y</i>", Assert.IsType<DisplayOutput>(display).Data["text/html"]);
    }
}
