using System;
using System.IO;
using Xunit;

namespace CrossLMM.Zoo.Notebooks.Tests.Kernel;

/// <summary>
/// A failing cell is reported as notebook, cell number and error, from the executed notebook nbconvert writes
/// (here the outputs the kernel produced for a compile error and an exception, copied from a real run).
/// </summary>
public sealed class KernelRunTests
{
    private const string Executed = """
        {"cells": [
          {"cell_type": "markdown", "metadata": {}, "source": ["**What you will learn**"]},
          {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": ["var x = 1;"]},
          {"cell_type": "markdown", "metadata": {}, "source": ["a markdown cell"]},
          {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [
            {"name": "stdout", "output_type": "stream", "text": ["\n", "(2,19): error CS0103: The name 'undefinedThing' does not exist in the current context\n", "\n"]},
            {"ename": "Error", "evalue": "compilation error", "output_type": "error", "traceback": []}],
           "source": ["var y = 2;\n", "Console.WriteLine(undefinedThing);"]},
          {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [
            {"ename": "Error", "evalue": "System.InvalidOperationException: bad value 42\n   at Submission#5.<<Initialize>>d__0.MoveNext()", "output_type": "error", "traceback": []}],
           "source": ["throw new InvalidOperationException(\"bad value 42\");"]}
        ], "metadata": {"kernelspec": {"name": ".net-csharp"}}, "nbformat": 4, "nbformat_minor": 5}
        """;

    [Fact]
    public void Failures_NameTheNotebookTheCellAndTheError_WithTheCompilersDiagnostics()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("zoo-kernel-run-").FullName, "broken.ipynb");
        File.WriteAllText(path, Executed);
        var run = new KernelRun("broken.ipynb", 0, "", NotebookFile.Load(path), TimeSpan.Zero);

        Assert.Equal(2, run.Failures.Count);
        Assert.Equal(
            "broken.ipynb: cell 4 (code cell 2) failed: Error: compilation error\n" +
            "  (2,19): error CS0103: The name 'undefinedThing' does not exist in the current context",
            run.Failures[0]);
        Assert.StartsWith("broken.ipynb: cell 5 (code cell 3) failed: Error: System.InvalidOperationException: bad value 42", run.Failures[1], StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public void Failures_WhenNoNotebookWasWritten_SayWhatNbconvertSaid()
    {
        var run = new KernelRun("01-tour.ipynb", 1, "[NbConvertApp] Converting notebook\nNoSuchKernel: No such kernel named .net-csharp\n", null, TimeSpan.Zero);

        var failure = Assert.Single(run.Failures);
        Assert.Contains("01-tour.ipynb: the kernel run wrote no notebook (nbconvert exited with 1)", failure, StringComparison.Ordinal);
        Assert.Contains("No such kernel named .net-csharp", failure, StringComparison.Ordinal);
    }
}
