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
    /// Freezes parameters (requires_grad = false): with <paramref name="trainableOnly"/>, every parameter that matches none
    /// of those patterns; then every parameter that matches one of <paramref name="freeze"/>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="freeze">Patterns of parameters to freeze.</param>
    /// <param name="trainableOnly">Patterns of the only parameters that train, or null.</param>
    /// <param name="recipePath">The recipe (named in errors).</param>
    /// <returns>The names frozen, in model order.</returns>
    /// <exception cref="RecipeException">A pattern that matches no parameter (with its location and a close name), or patterns that freeze every parameter.</exception>
    public static IReadOnlyList<string> Freeze(nn.Module model, IReadOnlyList<NamePattern> freeze, IReadOnlyList<NamePattern>? trainableOnly, string recipePath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(freeze);
        var parameters = model.named_parameters().ToArray();
        var errors = new List<SpecDiagnostic>();
        var frozen = new HashSet<string>(StringComparer.Ordinal);
        (string name, Parameter parameter)[] Matching(NamePattern pattern, string what)
        {
            var regex = ToRegex(pattern.Glob);
            var matched = parameters.Where(p => regex.IsMatch(p.name)).ToArray();
            if (matched.Length == 0)
            {
                errors.Add(new SpecDiagnostic(SpecMessages.PatternMatchesNoParameter(what, pattern.Glob, parameters.Select(p => p.name).ToArray()), recipePath, pattern.Span));
            }

            return matched;
        }

        if (trainableOnly is not null)
        {
            var keep = trainableOnly.SelectMany(p => Matching(p, "trainable")).Select(p => p.name).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, parameter) in parameters.Where(p => !keep.Contains(p.name)))
            {
                parameter.requires_grad = false;
                frozen.Add(name);
            }
        }

        foreach (var pattern in freeze)
        {
            foreach (var (name, parameter) in Matching(pattern, "freeze"))
            {
                parameter.requires_grad = false;
                frozen.Add(name);
            }
        }

        if (errors.Count == 0 && frozen.Count == parameters.Length && parameters.Length > 0)
        {
            var all = freeze.Concat(trainableOnly ?? Array.Empty<NamePattern>()).ToArray();
            errors.Add(new SpecDiagnostic(SpecMessages.FreezesEverything(all.Select(p => p.Glob), parameters.Length), recipePath, all[0].Span));
        }

        if (errors.Count > 0)
        {
            throw new RecipeException(recipePath, errors);
        }

        return parameters.Where(p => frozen.Contains(p.name)).Select(p => p.name).ToArray();
    }
}
