using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using CrossLMM.Zoo.Spec;
using CrossLMM.Zoo.Tools.Training.Recipes;

namespace CrossLMM.Zoo.Tools.Training.Optimization;

/// <summary>Globs over parameter and module names, and freezing by them.</summary>
public static class ParameterSelection
{
    /// <summary>
    /// A glob as a regex over whole names: <c>*</c> matches any run of characters (dots included, so
    /// <c>vision_tower.*</c> is the whole tower), <c>?</c> one character; everything else is literal.
    /// </summary>
    /// <param name="glob">The pattern.</param>
    public static Regex ToRegex(string glob)
    {
        ArgumentNullException.ThrowIfNull(glob);
        string body = string.Concat(glob.Select(c => c switch { '*' => ".*", '?' => ".", _ => Regex.Escape(c.ToString()) }));
        return new Regex("^" + body + "$", RegexOptions.CultureInvariant);
    }

    /// <summary>
    /// Sets requires_grad = false on every parameter whose name matches one of <paramref name="patterns"/>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="patterns">Freeze patterns.</param>
    /// <param name="recipePath">The recipe (named in errors).</param>
    /// <returns>The names frozen, in model order.</returns>
    /// <exception cref="RecipeException">A pattern that matches no parameter (with its location and a close name), or patterns that freeze every parameter.</exception>
    public static IReadOnlyList<string> Freeze(nn.Module model, IReadOnlyList<NamePattern> patterns, string recipePath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(patterns);
        var parameters = model.named_parameters().ToArray();
        var errors = new List<SpecDiagnostic>();
        var frozen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns)
        {
            var regex = ToRegex(pattern.Glob);
            var matched = parameters.Where(p => regex.IsMatch(p.name)).ToArray();
            if (matched.Length == 0)
            {
                errors.Add(new SpecDiagnostic(SpecDiagnostics.UnknownValue, SpecSeverity.Error,
                    $"freeze pattern '{pattern.Glob}' matches no parameter{Closest(pattern.Glob, parameters.Select(p => p.name))} ({parameters.Length} parameters; 'zoo show' lists the modules)",
                    recipePath, pattern.Span));
                continue;
            }

            foreach (var (name, parameter) in matched)
            {
                parameter.requires_grad = false;
                frozen.Add(name);
            }
        }

        if (errors.Count == 0 && frozen.Count == parameters.Length && parameters.Length > 0)
        {
            errors.Add(new SpecDiagnostic(SpecDiagnostics.UnknownValue, SpecSeverity.Error,
                $"the freeze patterns ({string.Join(", ", patterns.Select(p => "'" + p.Glob + "'"))}) freeze all {parameters.Length} parameters: nothing would train",
                recipePath, patterns[0].Span));
        }

        if (errors.Count > 0)
        {
            throw new RecipeException(recipePath, errors);
        }

        return parameters.Where(p => frozen.Contains(p.name)).Select(p => p.name).ToArray();
    }

    /// <summary>"; did you mean 'x'?" for the closest name, or nothing.</summary>
    /// <param name="glob">What was written.</param>
    /// <param name="names">The names it could have meant.</param>
    internal static string Closest(string glob, IEnumerable<string> names) =>
        Suggest.Closest(glob, names) is { } closest ? $"; did you mean '{closest}'?" : string.Empty;
}
