using System;
using System.Collections;
using System.Globalization;
using System.Linq;

namespace CrossLMM.Zoo.Notebooks;

/// <summary>
/// The plain-text form of a displayed value, the same on every machine: invariant culture for numbers,
/// <c>&lt;null&gt;</c> for null, <c>[a, b, c]</c> for a sequence of scalars, one line per item for other
/// sequences, <c>ToString()</c> otherwise. (Polyglot renders objects with its own HTML formatters; notebooks
/// that want the same output everywhere display strings.)
/// </summary>
public static class ValueText
{
    /// <summary>Formats <paramref name="value"/>.</summary>
    /// <param name="value">Any value.</param>
    public static string Format(object? value) => value switch
    {
        null => "<null>",
        string s => s,
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => Sequence(items),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Sequence(IEnumerable items)
    {
        var list = items.Cast<object?>().ToList();
        bool scalars = list.All(i => i is null or string or bool or IFormattable);
        return scalars
            ? "[" + string.Join(", ", list.Select(Format)) + "]"
            : string.Join("\n", list.Select(Format));
    }
}
