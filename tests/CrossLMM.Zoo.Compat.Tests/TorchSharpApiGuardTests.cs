using System;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace CrossLMM.Zoo.Compat.Tests;

/// <summary>
/// The promise of design.md §3, checked: every engine member that model code uses is on
/// build/torchsharp-api.txt, the list of members verified in TorchSharp's sources. Set
/// <c>COMPAT_USED_MEMBERS=path</c> to also write the distinct members used, in list format.
/// </summary>
public sealed class TorchSharpApiGuardTests(ITestOutputHelper output)
{
    private const string ListPath = "build/torchsharp-api.txt";

    private static readonly Lazy<ModelCode> Code = new(() => ModelCode.Load(Repo.Root));

    private static ApiList LoadList() => ApiList.Parse(File.ReadAllText(Repo.PathOf(ListPath)), ListPath);

    [Fact]
    public void ModelCode_CompilesAgainstTheEngine_WithoutErrors()
    {
        var code = Code.Value;
        Assert.True(code.Errors.Count == 0,
            "model code must compile against the engine before its TorchSharp uses can be checked:\n"
            + string.Join("\n", code.Errors.Take(30)));
        Assert.Contains(code.Files, f => f.Path.StartsWith("modules/", StringComparison.Ordinal));
        Assert.Contains(code.Files, f => f.Path.StartsWith("architectures/generated/", StringComparison.Ordinal));
    }

    [Fact]
    public void ApiList_EveryLine_ParsesInCanonicalFormWithItsSource()
    {
        var list = LoadList();
        Assert.True(list.Errors.Count == 0, $"{ListPath} has lines that do not parse:\n" + string.Join("\n", list.Errors));
        Assert.NotEmpty(list.Entries);
    }

    [Fact]
    public void ModelCode_UsesOnlyVerifiedTorchSharpMembers()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var code = Code.Value;
        output.WriteLine($"compiled in {clock.ElapsedMilliseconds} ms");
        var list = LoadList();
        var guard = ApiGuard.Check(code, list);
        output.WriteLine($"checked in {clock.ElapsedMilliseconds} ms (process CPU {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds:F0} ms)");

        output.WriteLine($"{code.Files.Count} files checked, {guard.Uses.Count} uses of {guard.UsedMembers.Count} distinct engine members; "
            + $"{list.Entries.Count(e => e.Verified)} verified and {list.Entries.Count(e => !e.Verified)} unverified entries.");
        if (code.TorchSharpOnlyLines > 0)
            output.WriteLine($"{code.TorchSharpOnlyLines} lines are compiled only with TORCHSHARP defined and were not checked.");
        foreach (var group in guard.UnverifiedUses.GroupBy(u => u.Entry))
            output.WriteLine($"UNVERIFIED (allowed): {group.Key.Member}\n    reason: {group.Key.Comment}\n    used at: "
                + string.Join(", ", group.Select(u => u.Use.Location).Distinct().Take(5)) + (group.Count() > 5 ? ", ..." : ""));
        foreach (var entry in guard.UnusedEntries)
            output.WriteLine($"unused entry (kept, it records TorchSharp): {entry.Member}");

        string? dump = Environment.GetEnvironmentVariable("COMPAT_USED_MEMBERS");
        if (!string.IsNullOrEmpty(dump)) File.WriteAllLines(dump, guard.UsedMembers);

        if (guard.Violations.Count == 0) return;
        var message = new StringBuilder()
            .Append(guard.Violations.Count).Append(" engine member(s) used by model code are not verified TorchSharp API (")
            .Append(ListPath).AppendLine("; see build/README-torchsharp.md):");
        foreach (var violation in guard.Violations) message.AppendLine(violation.ToString());
        Assert.Fail(message.ToString());
    }
}
