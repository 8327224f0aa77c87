using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Compat.Tests;

/// <summary>One line of build/torchsharp-api.txt: the member, where in TorchSharp it was verified (or why it
/// could not be), and whether it sits in the <c># unverified</c> section.</summary>
public sealed record ApiEntry(ApiMember Member, string Comment, bool Verified, int Line);

/// <summary>
/// The allow-list: members verified to exist with that signature in TorchSharp's sources. Lines are
/// <c>&lt;signature&gt;  # &lt;TorchSharp file&gt;</c>; after a line <c># unverified</c>, <c>&lt;signature&gt;  # &lt;reason&gt;</c>.
/// Other lines starting with <c>#</c> are comments.
/// </summary>
public sealed class ApiList
{
    public const string UnverifiedMarker = "# unverified";

    private readonly Dictionary<string, List<ApiEntry>> _byKey;

    private ApiList(IReadOnlyList<ApiEntry> entries, IReadOnlyList<string> errors)
    {
        Entries = entries;
        Errors = errors;
        _byKey = entries.GroupBy(e => e.Member.Key).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    public IReadOnlyList<ApiEntry> Entries { get; }

    /// <summary>Lines that do not parse, are not in canonical form, lack their comment, or repeat another line.</summary>
    public IReadOnlyList<string> Errors { get; }

    public static ApiList Parse(string text, string fileName = "torchsharp-api.txt")
    {
        var entries = new List<ApiEntry>();
        var errors = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        bool verified = true;
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int number = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            if (line == UnverifiedMarker)
            {
                if (!verified) errors.Add($"{fileName}:{number}: a second '{UnverifiedMarker}' marker");
                verified = false;
                continue;
            }

            if (line.StartsWith('#')) continue;
            int hash = line.IndexOf(" #", StringComparison.Ordinal);
            string signature = (hash < 0 ? line : line[..hash]).Trim();
            string comment = hash < 0 ? "" : line[(hash + 2)..].Trim();
            ApiMember member;
            try
            {
                member = ApiMember.Parse(signature);
            }
            catch (FormatException e)
            {
                errors.Add($"{fileName}:{number}: does not parse ({e.Message}): {signature}");
                continue;
            }

            string canonical = member.ToString();
            if (canonical != signature)
            {
                errors.Add($"{fileName}:{number}: not in canonical form; write it as: {canonical}");
                continue;
            }

            if (verified && !comment.StartsWith("src/", StringComparison.Ordinal))
            {
                errors.Add($"{fileName}:{number}: a verified member needs the TorchSharp source file it was read in ('  # src/TorchSharp/...cs'): {signature}");
                continue;
            }

            if (!verified && comment.Length == 0)
            {
                errors.Add($"{fileName}:{number}: an unverified member needs the reason it could not be verified ('  # reason'): {signature}");
                continue;
            }

            if (seen.TryGetValue(canonical, out int first))
            {
                errors.Add($"{fileName}:{number}: repeats line {first}: {signature}");
                continue;
            }

            seen.Add(canonical, number);
            entries.Add(new ApiEntry(member, comment, verified, number));
        }

        return new ApiList(entries, errors);
    }

    /// <summary>The entries sharing the use's kind, container and name (its overloads).</summary>
    public IReadOnlyList<ApiEntry> Overloads(ApiMember member) =>
        _byKey.TryGetValue(member.Key, out var list) ? list : Array.Empty<ApiEntry>();

    /// <summary>The entry that allows <paramref name="use"/>, or null.</summary>
    public ApiEntry? Allowing(ApiUse use) => Overloads(use.Member).FirstOrDefault(e => Allows(e.Member, use));

    /// <summary>
    /// Whether code written against <paramref name="use"/>'s member compiles against <paramref name="entry"/>:
    /// same kind, name, staticness and type; the same parameters (modifier, type, name, default) followed
    /// only by optional ones; the accessors the use needs; virtual when overridden.
    /// </summary>
    public static bool Allows(ApiMember entry, ApiUse use)
    {
        ApiMember used = use.Member;
        if (entry.Key != used.Key) return false;
        if (use.Kind == UseKind.AnyOverload) return true;
        if (entry.IsStatic != used.IsStatic || entry.Type != used.Type) return false;
        if (used.IsConst && !entry.IsConst) return false;
        if (use.Kind == UseKind.Override && !entry.IsVirtual) return false;
        if (used.Accessors.Except(entry.Accessors).Any() && use.Kind == UseKind.Reference) return false;
        if (entry.Parameters.Count < used.Parameters.Count) return false;
        for (int i = 0; i < entry.Parameters.Count; i++)
        {
            if (i >= used.Parameters.Count)
            {
                if (!entry.Parameters[i].IsOptional || use.Kind == UseKind.Override) return false;
                continue;
            }

            if (entry.Parameters[i] != used.Parameters[i]) return false;
        }

        return true;
    }
}
