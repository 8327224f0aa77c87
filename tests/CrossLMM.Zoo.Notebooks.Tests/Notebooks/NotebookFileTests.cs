using System;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Notebooks.Tests.Kernel;
using Xunit;

namespace CrossLMM.Zoo.Notebooks.Tests.Notebooks;

/// <summary>The checked-in notebooks as files: the C# kernel's, loading the zoo in one line, saved from one kernel run.</summary>
public sealed class NotebookFileTests
{
    private const string LoadLine = "#r \"nuget: CrossLMM.Zoo.Notebooks, 0.1.0-local\"";

    [Fact]
    public void TheNotebooksFolder_HoldsExactlyTheListedNotebooks()
    {
        var found = Directory.GetFiles(Repository.NotebooksDirectory, "*.ipynb").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(Repository.Notebooks, found);
    }

    [Theory]
    [MemberData(nameof(Repository.NotebookData), MemberType = typeof(Repository))]
    public void Notebook_NamesTheCSharpKernel_AndLoadsTheZooWithOneLine(string stem)
    {
        var notebook = NotebookFile.Load(Repository.NotebookPath(stem));
        Assert.Equal(".net-csharp", notebook.KernelName);

        var first = notebook.CodeCells.First();
        var directives = first.Source.Split('\n').Where(l => l.StartsWith('#')).ToArray();
        Assert.Equal(new[] { LoadLine }, directives);
        Assert.All(notebook.CodeCells.Skip(1), c => Assert.DoesNotContain("#r ", c.Source, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Repository.NotebookData), MemberType = typeof(Repository))]
    public void Notebook_OpensWithWhatYouWillLearnAndEndsWithWhatToTryNext(string stem)
    {
        var notebook = NotebookFile.Load(Repository.NotebookPath(stem));

        Assert.False(notebook.Cells[0].IsCode);
        Assert.Contains("**What you will learn**", notebook.Cells[0].Source, StringComparison.Ordinal);
        Assert.False(notebook.Cells[^1].IsCode);
        Assert.Contains("## What to try next", notebook.Cells[^1].Source, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Repository.NotebookData), MemberType = typeof(Repository))]
    public void Notebook_WasSavedFromOneKernelRun(string stem)
    {
        var notebook = NotebookFile.Load(Repository.NotebookPath(stem));
        var code = notebook.CodeCells.ToArray();

        // One run numbers its cells 1, 2, 3, ...; Jupyter's kernel client timed each one (nbconvert --execute);
        // every cell but the first shows something, and nothing failed.
        Assert.Equal(Enumerable.Range(1, code.Length).Select(i => (int?)i), code.Select(c => c.ExecutionCount));
        Assert.All(code, c => Assert.True(c.TimedByKernelClient, $"{notebook.Name}: {c.Where} was not executed by Jupyter's kernel client (run ./zoo.sh notebooks)"));
        Assert.All(code.Skip(1), c => Assert.True(c.Outputs.Count > 0, $"{notebook.Name}: {c.Where} has no saved output"));
        Assert.All(code, c => Assert.True(c.Outputs.All(o => o.OutputType != "error"), $"{notebook.Name}: {c.Where} saved an error"));
        Assert.True(code.SelectMany(c => c.Outputs).Any(o => o.MimeTypes.Contains("image/svg+xml") || o.MimeTypes.Contains("text/markdown")),
            $"{notebook.Name}: no chart or table was saved");
    }

    [Fact]
    public void TrainingNotebook_SavedTheFullRunNotAQuickOne()
    {
        var notebook = NotebookFile.Load(Repository.NotebookPath("05-train-a-tiny-model"));
        string text = string.Join("\n", notebook.CodeCells.SelectMany(c => c.Outputs).Where(o => o.OutputType == "stream").Select(o => o.Text));

        Assert.Contains("crosslmm-1tok: 300/300 steps", text, StringComparison.Ordinal);
    }
}
