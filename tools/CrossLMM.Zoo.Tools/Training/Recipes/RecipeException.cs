using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Spec;

namespace CrossLMM.Zoo.Tools.Training.Recipes;

/// <summary>A recipe that does not validate: every error, each with file, line and column.</summary>
public sealed class RecipeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The recipe file.</param>
    /// <param name="diagnostics">Its errors (at least one).</param>
    public RecipeException(string path, IReadOnlyList<SpecDiagnostic> diagnostics)
        : base(diagnostics.Count == 0 ? $"{path}: the recipe is invalid" : string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString())))
    {
        Path = path;
        Diagnostics = diagnostics;
    }

    /// <summary>The recipe file.</summary>
    public string Path { get; }

    /// <summary>The errors, in file order.</summary>
    public IReadOnlyList<SpecDiagnostic> Diagnostics { get; }
}
