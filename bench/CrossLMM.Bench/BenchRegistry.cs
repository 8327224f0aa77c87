using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace CrossLMM.Bench;

/// <summary>One benchmark method and its PyTorch pairing.</summary>
public sealed record BenchCase(Type Type, MethodInfo Method, IReadOnlyList<string> Categories, PyTorchCaseAttribute? Reference)
{
    /// <summary>"Type.Method", the name used in reports and filters.</summary>
    public string Name => $"{Type.Name}.{Method.Name}";

    /// <summary>Operations per invoke declared on [Benchmark] (BenchmarkDotNet divides by it).</summary>
    public int OperationsPerInvoke => Method.GetCustomAttribute<BenchmarkAttribute>()?.OperationsPerInvoke ?? 1;

    public bool Matches(IReadOnlyList<string> filters) =>
        filters.Count == 0 || filters.Any(f =>
            Name.Contains(f, StringComparison.OrdinalIgnoreCase)
            || Categories.Any(c => c.Contains(f, StringComparison.OrdinalIgnoreCase))
            || (Reference?.Id.Contains(f, StringComparison.OrdinalIgnoreCase) ?? false));
}

/// <summary>
/// The case registry: every public class of this assembly with <c>[Benchmark]</c> methods is a group of
/// cases (put new ones in Cases/, one class per theme, with a <c>[BenchmarkCategory]</c>), and a method's
/// <see cref="PyTorchCaseAttribute"/> names its PyTorch twin in bench/reference/*_cases.py.
/// </summary>
public static class BenchRegistry
{
    public static IReadOnlyList<BenchCase> Discover() =>
        typeof(BenchRegistry).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsAbstract)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.IsDefined(typeof(BenchmarkAttribute)))
                .Select(m => new BenchCase(t, m,
                    t.GetCustomAttributes<BenchmarkCategoryAttribute>().Concat(m.GetCustomAttributes<BenchmarkCategoryAttribute>())
                        .SelectMany(c => c.Categories).Distinct().ToList(),
                    m.GetCustomAttribute<PyTorchCaseAttribute>())))
            .OrderBy(c => c.Type.FullName, StringComparer.Ordinal)
            .ThenBy(c => c.Method.MetadataToken)
            .ToList();
}
