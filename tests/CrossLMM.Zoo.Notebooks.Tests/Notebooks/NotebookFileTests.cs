using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Notebooks.Runner.Execution;
using CrossLMM.Zoo.Notebooks.Runner.Notebook;
using Xunit;

namespace CrossLMM.Zoo.Notebooks.Tests.Notebooks;

/// <summary>The checked-in notebooks as files: valid, openable by Polyglot as C#, saved from a run, consistent.</summary>
public sealed class NotebookFileTests
{
    [Fact]
    public void TheNotebooksFolder_HoldsExactlyTheListedNotebooks()
    {
        var found = Directory.GetFiles(Repository.NotebooksDirectory, "*.ipynb").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(Repository.Notebooks, found);
    }

    [Theory]
    [MemberData(nameof(Repository.NotebookData), MemberType = typeof(Repository))]
    public void Notebook_IsValidJsonWithTheCSharpKernelMetadata(string stem)
    {
        string text = File.ReadAllText(Repository.NotebookPath(stem));
        using (JsonDocument.Parse(text))
        {
        }

        var notebook = NotebookDocument.Parse(text, stem + ".ipynb");
        Assert.True(notebook.HasCSharpKernelMetadata, $"{stem}: missing the .NET Interactive C# kernel metadata");
        Assert.Equal(NotebookDocument.CSharpKernel, notebook.DefaultKernel);
        Assert.All(notebook.Cells.Where(c => c.Kind == CellKind.Code), c => Assert.True(MagicLines.IsCSharp(c.KernelName), $"{stem}: cell {c.Number} has kernel {c.KernelName}"));
    }

    [Theory]
    [MemberData(nameof(Repository.NotebookData), MemberType = typeof(Repository))]
    public void Notebook_IsSavedInCanonicalForm(string stem)
    {
        string text = File.ReadAllText(Repository.NotebookPath(stem));
        Assert.Equal(NotebookDocument.Parse(text, stem + ".ipynb").ToJson(), text);
    }

    [Theory]
    [MemberData(nameof(Repository.NotebookData), MemberType = typeof(Repository))]
    public void Notebook_OpensWithWhatYouWillLearnAndEndsWithWhatToTryNext(string stem)
    {
        var notebook = NotebookDocument.Load(Repository.NotebookPath(stem));
        var first = notebook.Cells[0];
        var last = notebook.Cells[^1];

        Assert.Equal(CellKind.Markdown, first.Kind);
        Assert.Contains("**What you will learn**", first.Source);
        Assert.Equal(CellKind.Markdown, last.Kind);
        Assert.Contains("## What to try next", last.Source);
    }

    [Theory]
    [MemberData(nameof(Repository.NotebookData), MemberType = typeof(Repository))]
    public void Notebook_WasSavedFromAFullRun(string stem)
    {
        var notebook = NotebookDocument.Load(Repository.NotebookPath(stem));
        var code = notebook.Cells.Where(c => c.Kind == CellKind.Code).ToArray();

        // One run numbers its cells 1, 2, 3, ... and every cell but the first (usings) shows something.
        Assert.Equal(Enumerable.Range(1, code.Length).Select(i => (int?)i), code.Select(c => c.ExecutionCount));
        Assert.All(code.Skip(1), c => Assert.True(c.Outputs.Count > 0, $"{stem}: cell {c.Number} has no saved output"));
        Assert.All(code.SelectMany(c => c.Outputs), o => Assert.IsNotType<ErrorOutput>(o));
        Assert.True(code.SelectMany(c => c.Outputs).OfType<DisplayOutput>().Any(d => d.Data.ContainsKey("image/svg+xml") || d.Data.ContainsKey("text/markdown")),
            $"{stem}: no chart or table was saved");
    }

    [Fact]
    public void TrainingNotebook_SavedTheFullRunNotAQuickOne()
    {
        var notebook = NotebookDocument.Load(Repository.NotebookPath("05-train-a-tiny-model"));
        string text = string.Join("\n", notebook.Cells.SelectMany(c => c.Kind == CellKind.Code ? c.Outputs : Array.Empty<CellOutput>()).OfType<StreamOutput>().Select(s => s.Text));

        Assert.Contains("12 runs × 300 steps", text);
    }
}
