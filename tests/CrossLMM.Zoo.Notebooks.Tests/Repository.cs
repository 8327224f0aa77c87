using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Spec.Tests;

namespace CrossLMM.Zoo.Notebooks.Tests;

/// <summary>The checked-in notebooks, read from the source tree (the tests compare against what is committed).</summary>
internal static class Repository
{
    /// <summary>The notebooks the zoo ships, in reading order.</summary>
    public static IReadOnlyList<string> Notebooks { get; } = new[]
    {
        "01-tour", "02-define-a-variant", "03-what-tokens-cost", "04-inside-the-cross-attention", "05-train-a-tiny-model", "06-generate",
    };

    public static string Root => Repo.Root;

    public static string NotebooksDirectory => Path.Combine(Root, "notebooks");

    public static string NotebookPath(string stem) => Path.Combine(NotebooksDirectory, stem + ".ipynb");

    public static IEnumerable<object[]> NotebookData() => Notebooks.Select(n => new object[] { n });
}
