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

    /// <summary>One error at <paramref name="span"/> (e.g. a freeze pattern that matched no parameter).</summary>
    /// <param name="path">The recipe file.</param>
    /// <param name="id">The diagnostic ID (CLMZ…).</param>
    /// <param name="message">The message, quoting the value.</param>
    /// <param name="span">Where.</param>
    public static RecipeException At(string path, string id, string message, SourceSpan span) =>
        new(path, new[] { new SpecDiagnostic(id, SpecSeverity.Error, message, path, span) });
}
