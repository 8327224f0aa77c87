using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Spec;

namespace CrossLMM.Zoo.Tools.Catalog;

/// <summary>"Did you mean" for names typed on the command line (architectures, presets), by the spec core's edit distance (<see cref="Suggest.Distance"/>).</summary>
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
            int d = Suggest.Distance(value.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        // Close enough: a third of the longer name, at least 2 edits (so "crossllm" finds "crosslmm").
        return best is not null && bestDistance <= Math.Max(2, Math.Max(value.Length, best.Length) / 3) ? best : null;
    }

    /// <summary>"; did you mean 'x'?" or empty.</summary>
    /// <param name="value">What was typed.</param>
    /// <param name="candidates">The valid names.</param>
    public static string Hint(string value, IEnumerable<string> candidates) =>
        Closest(value, candidates.ToArray()) is { } closest ? $"; did you mean '{closest}'?" : string.Empty;
}
