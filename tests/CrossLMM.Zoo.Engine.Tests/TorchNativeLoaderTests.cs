using System;
using System.IO;
using System.Linq;
using System.Text;
using CrossLMM.Zoo.Engine.Native;
using Xunit;

namespace CrossLMM.Zoo.Engine.Tests;

/// <summary>
/// The Debian 12 fix for TorchSharp's glue library: both branches of the detection (a libstdc++ that lacks
/// GLIBCXX_3.4.32, and one that has it), the patched copy (exactly one requirement made weak, nothing else
/// changed, cached by version and hash, built once), and the errors when it cannot be applied.
/// </summary>
public sealed class TorchNativeLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zoo-native-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Glue => TorchNativeLoader.Report!.OriginalGlue!;

    private static string SystemLibstdcxx => TorchNativeLoader.Report!.Libstdcxx!;

    // A copy of this machine's libstdc++ in which one version definition the glue does not need is renamed to
    // GLIBCXX_3.4.32 (same length, so the ELF layout is unchanged): a libstdc++ "new enough" for the glue,
    // without installing one.
    private string LibstdcxxDefining3432()
    {
        var bytes = File.ReadAllBytes(SystemLibstdcxx);
        var required = ElfVersions.Read(Glue).Required().Select(r => r.Version).ToHashSet();
        var spare = ElfVersions.Read(SystemLibstdcxx).Defined()
            .First(v => v.StartsWith("GLIBCXX_3.4.", StringComparison.Ordinal) && v.Length == TorchNativeLoader.FixableVersion.Length && !required.Contains(v));
        var from = Encoding.ASCII.GetBytes(spare + "\0");
        var to = Encoding.ASCII.GetBytes(TorchNativeLoader.FixableVersion + "\0");
        var replaced = 0;
        for (var i = 0; i + from.Length <= bytes.Length; i++)
        {
            if (!bytes.AsSpan(i, from.Length).SequenceEqual(from)) continue;
            to.CopyTo(bytes, i);
            replaced++;
        }

        Assert.True(replaced > 0);
        var path = Path.Combine(_dir, "libstdc++.so.6");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ThisProcess_PatchedExactlyWhenItsLibstdcxxLacksTheVersion()
    {
        var report = TorchNativeLoader.Report!;
        var lacks = !ElfVersions.Read(SystemLibstdcxx).Defines(TorchNativeLoader.FixableVersion);
        Assert.Equal(lacks, report.Patched);
        Assert.Equal(lacks, Glue != report.LoadedGlue);
        if (lacks)
        {
            // Debian 12 (GCC 12's libstdc++, up to GLIBCXX_3.4.30): exactly the one version is missing.
            Assert.Equal(new[] { TorchNativeLoader.FixableVersion }, TorchNativeLoader.MissingVersions(SystemLibstdcxx, Glue));
        }

        Assert.Empty(TorchNativeLoader.MissingVersions(SystemLibstdcxx, report.LoadedGlue!));
    }

    [Fact]
    public void NewEnoughLibstdcxx_GlueLoadedUnchanged_NothingWritten()
    {
        var modern = LibstdcxxDefining3432();
        Assert.True(ElfVersions.Read(modern).Defines(TorchNativeLoader.FixableVersion));
        var cache = Path.Combine(_dir, "cache");
        var chosen = TorchNativeLoader.ChooseGlue(modern, Glue, cache, "0.107.0");
        Assert.Equal(Glue, chosen);
        Assert.False(Directory.Exists(cache), "the cache was touched although no fix was needed");
    }

    [Fact]
    public void OldLibstdcxx_PatchedCopy_OnlyThatRequirementWeak_RestOfTheFileUnchanged()
    {
        var cache = Path.Combine(_dir, "cache");
        var patched = TorchNativeLoader.ChooseGlue(SystemLibstdcxx, Glue, cache, "0.107.0");
        Assert.StartsWith(Path.Combine(cache, "torchsharp-natives", "0.107.0-"), patched);

        var before = ElfVersions.Read(Glue).Required();
        var after = ElfVersions.Read(patched).Required();
        Assert.Equal(before.Count, after.Count);
        for (var i = 0; i < before.Count; i++)
        {
            var weak = before[i].Version == TorchNativeLoader.FixableVersion;
            Assert.Equal(before[i] with { Flags = (ushort)(before[i].Flags | (weak ? ElfVersions.WeakFlag : 0)) }, after[i]);
        }

        // Only the flag and the one symbol's version index differ: a handful of bytes.
        var a = File.ReadAllBytes(Glue);
        var b = File.ReadAllBytes(patched);
        Assert.Equal(a.Length, b.Length);
        var differing = Enumerable.Range(0, a.Length).Count(i => a[i] != b[i]);
        Assert.InRange(differing, 2, 4);
        Assert.Empty(TorchNativeLoader.MissingVersions(SystemLibstdcxx, patched));
    }

    [Fact]
    public void PatchedCopy_BuiltOnce_KeyedByTheOriginalsHash()
    {
        var cache = Path.Combine(_dir, "cache");
        var first = TorchNativeLoader.PatchedCopy(Glue, cache, "0.107.0");
        var written = File.GetLastWriteTimeUtc(first);
        var second = TorchNativeLoader.PatchedCopy(Glue, cache, "0.107.0");
        Assert.Equal(first, second);
        Assert.Equal(written, File.GetLastWriteTimeUtc(second));

        // Another original (here: one byte of padding appended) gets its own entry.
        var other = Path.Combine(_dir, "libLibTorchSharp.so");
        File.WriteAllBytes(other, File.ReadAllBytes(Glue).Append((byte)0).ToArray());
        var third = TorchNativeLoader.PatchedCopy(other, cache, "0.107.0");
        Assert.NotEqual(Path.GetDirectoryName(first), Path.GetDirectoryName(third));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(first)!, "*.tmp"));
    }

    [Fact]
    public void OtherMissingVersions_AreRefused_WithWhatToInstall()
    {
        // A glue that also requires a version no libstdc++ here defines: rename its GLIBCXX_3.4.30 requirement.
        var bytes = File.ReadAllBytes(Glue);
        var from = Encoding.ASCII.GetBytes("GLIBCXX_3.4.30\0");
        var to = Encoding.ASCII.GetBytes("GLIBCXX_3.4.39\0");
        for (var i = 0; i + from.Length <= bytes.Length; i++)
        {
            if (bytes.AsSpan(i, from.Length).SequenceEqual(from)) to.CopyTo(bytes, i);
        }

        var glue = Path.Combine(_dir, "libLibTorchSharp.so");
        File.WriteAllBytes(glue, bytes);
        var e = Assert.Throws<TorchNativeException>(() => TorchNativeLoader.ChooseGlue(SystemLibstdcxx, glue, Path.Combine(_dir, "cache"), "0.107.0"));
        Assert.Contains("GLIBCXX_3.4.32, GLIBCXX_3.4.39", e.Message);
        Assert.Contains(SystemLibstdcxx, e.Message);
        Assert.Contains("GCC 13", e.Message);
    }

    [Fact]
    public void UnwritableCache_SaysWhereAndHowToFix()
    {
        var blocker = Path.Combine(_dir, "file");
        File.WriteAllText(blocker, "not a directory");
        var e = Assert.Throws<TorchNativeException>(() => TorchNativeLoader.PatchedCopy(Glue, Path.Combine(blocker, "cache"), "0.107.0"));
        Assert.Contains(blocker, e.Message);
        Assert.Contains("CROSSLMM_ZOO_CACHE", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "is not an ELF file")]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1 }, "is not an ELF file")]
    public void ElfVersions_NotAnElf_ClearError(byte[] content, string expected)
    {
        var path = Path.Combine(_dir, "bad.so");
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<InvalidDataException>(() => ElfVersions.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ElfVersions_32BitElf_Refused()
    {
        var path = Path.Combine(_dir, "elf32.so");
        var header = new byte[64];
        new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1 }.CopyTo(header, 0);
        File.WriteAllBytes(path, header);
        var e = Assert.Throws<InvalidDataException>(() => ElfVersions.Read(path));
        Assert.Contains("64-bit little-endian", e.Message);
    }

    [Fact]
    public void CacheRoot_HonoursTheOverride()
    {
        var previous = Environment.GetEnvironmentVariable("CROSSLMM_ZOO_CACHE");
        try
        {
            Environment.SetEnvironmentVariable("CROSSLMM_ZOO_CACHE", _dir);
            Assert.Equal(_dir, TorchNativeLoader.CacheRoot());
        }
        finally
        {
            Environment.SetEnvironmentVariable("CROSSLMM_ZOO_CACHE", previous);
        }
    }
}
