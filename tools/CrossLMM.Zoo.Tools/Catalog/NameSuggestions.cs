using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Spec;

namespace CrossLMM.Zoo.Tools.Catalog;

/// <summary>"Did you mean" for names typed on the command line (architectures, presets, commands): the spec core's one rule, <see cref="Suggest.Closest"/>.</summary>
public static class NameSuggestions
{
    /// <summary>"; did you mean 'x'?" or empty (the callers list the valid names themselves).</summary>
    /// <param name="value">What was typed.</param>
    /// <param name="candidates">The valid names.</param>
    public static string Hint(string value, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(candidates);
        return Suggest.Closest(value, candidates.ToArray()) is { } closest ? $"; did you mean '{closest}'?" : string.Empty;
    }
}
