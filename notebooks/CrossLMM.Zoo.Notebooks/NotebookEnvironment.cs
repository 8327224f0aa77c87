using System;

namespace CrossLMM.Zoo.Notebooks;

/// <summary>
/// Switches read by notebooks. <c>ZOO_NOTEBOOK_QUICK=1</c> (set by the notebook tests) asks a notebook for
/// a smoke run: fewer training steps, smaller held-out sets. The outputs saved in the notebooks come from
/// full runs; a quick run checks that every cell still works.
/// </summary>
public static class NotebookEnvironment
{
    /// <summary>The environment variable of the quick switch.</summary>
    public const string QuickVariable = "ZOO_NOTEBOOK_QUICK";

    /// <summary>Whether this is a quick (smoke-test) run: <c>ZOO_NOTEBOOK_QUICK</c> is <c>1</c> or <c>true</c>.</summary>
    public static bool Quick
    {
        get
        {
            string? value = Environment.GetEnvironmentVariable(QuickVariable);
            return value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary><paramref name="full"/> normally, <paramref name="quick"/> in a quick run.</summary>
    /// <typeparam name="T">Any type (step counts, sample counts, frame lists).</typeparam>
    /// <param name="full">The value of a real run.</param>
    /// <param name="quick">The value of a smoke run.</param>
    public static T Choose<T>(T full, T quick) => Quick ? quick : full;
}
