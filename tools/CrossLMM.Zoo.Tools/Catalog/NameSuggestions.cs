using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Tools.Catalog;

/// <summary>"Did you mean" for names typed on the command line (architectures, presets).</summary>
public static class NameSuggestions
{
    /// <summary>The candidate closest to <paramref name="value"/> by edit distance (case-insensitive), or null when none is close.</summary>
    /// <param name="value">What was typed.</param>
    /// <param name="candidates">The valid names.</param>
    public static string? Closest(string value, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(candidates);
        var list = candidates.ToList();
        if (value.Length >= 3 && list.Where(c => c.StartsWith(value, StringComparison.OrdinalIgnoreCase)).ToList() is { Count: 1 } prefixed)
        {
            return prefixed[0];   // "llava" → "llava-ov"
        }

        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in list)
        {
            int d = Distance(value.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        // Close enough: a third of the longer name, at least 2 edits (so "crossllm" finds "crosslmm").
        return best is not null && bestDistance <= Math.Max(2, Math.Max(value.Length, best.Length) / 3) ? best : null;
    }

    /// <summary>Levenshtein distance with adjacent transpositions counted as one edit.</summary>
    /// <param name="a">First string.</param>
    /// <param name="b">Second string.</param>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>"; did you mean 'x'?" or empty.</summary>
    /// <param name="value">What was typed.</param>
    /// <param name="candidates">The valid names.</param>
    public static string Hint(string value, IEnumerable<string> candidates) =>
        Closest(value, candidates.ToArray()) is { } closest ? $"; did you mean '{closest}'?" : string.Empty;
}
