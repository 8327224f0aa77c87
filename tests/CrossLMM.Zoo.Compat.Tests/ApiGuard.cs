using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace CrossLMM.Zoo.Compat.Tests;

/// <summary>Uses of one member that the list does not allow: the member is missing, or TorchSharp's overloads differ.</summary>
public sealed record ApiViolation(ApiUse Use, IReadOnlyList<ApiEntry> Overloads, IReadOnlyList<string> Locations)
{
    public override string ToString()
    {
        var text = new StringBuilder($"{Use.Describe()}\n    used at {string.Join(", ", Locations)}");
        if (Overloads.Count == 0)
        {
            text.Append("\n    not in build/torchsharp-api.txt: verify it in TorchSharp's sources and add it, or stop using it");
        }
        else
        {
            text.Append("\n    TorchSharp has only:");
            foreach (var entry in Overloads) text.Append("\n      ").Append(entry.Member).Append("  # ").Append(entry.Comment);
        }

        return text.ToString();
    }
}

/// <summary>The result of checking model code against the list.</summary>
public sealed class ApiGuard
{
    private ApiGuard(IReadOnlyList<ApiUse> uses, IReadOnlyList<ApiViolation> violations, IReadOnlyList<(ApiUse Use, ApiEntry Entry)> unverified, IReadOnlyList<ApiEntry> unused)
    {
        Uses = uses;
        Violations = violations;
        UnverifiedUses = unverified;
        UnusedEntries = unused;
    }

    public IReadOnlyList<ApiUse> Uses { get; }

    public IReadOnlyList<ApiViolation> Violations { get; }

    /// <summary>Uses allowed only by an entry of the <c># unverified</c> section.</summary>
    public IReadOnlyList<(ApiUse Use, ApiEntry Entry)> UnverifiedUses { get; }

    /// <summary>Entries no use needs (kept: the list records TorchSharp, not our code).</summary>
    public IReadOnlyList<ApiEntry> UnusedEntries { get; }

    /// <summary>The distinct members used, in canonical form.</summary>
    public IReadOnlyList<string> UsedMembers => Uses.Select(u => u.Member.ToString()).Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToList();

    public static ApiGuard Check(ModelCode code, ApiList list)
    {
        // Files are independent (compilations and semantic models are thread-safe): walk them in parallel.
        var uses = code.Files.AsParallel().AsOrdered()
            .SelectMany(file => UsageCollector.Collect(file.Model, ModelCode.EngineIn(file.Compilation), file.Path, code.SkippedLines[file.Tree]))
            .ToList();

        var rejected = new List<ApiUse>();
        var unverified = new List<(ApiUse, ApiEntry)>();
        var used = new HashSet<ApiEntry>();
        foreach (var use in uses)
        {
            var entry = list.Allowing(use);
            if (entry is null)
            {
                rejected.Add(use);
                continue;
            }

            used.Add(entry);
            if (!entry.Verified) unverified.Add((use, entry));
        }

        var violations = rejected
            .GroupBy(u => u.Describe(), StringComparer.Ordinal)
            .OrderBy(g => g.First().Path, StringComparer.Ordinal).ThenBy(g => g.First().Line)
            .Select(g => new ApiViolation(g.First(), list.Overloads(g.First().Member), g.Select(u => u.Location).ToList()))
            .ToList();
        var unused = list.Entries.Where(e => !used.Contains(e)).ToList();
        return new ApiGuard(uses, violations, unverified, unused);
    }
}
