using System.IO;
using System.Linq;
using CrossLMM.Zoo.Cli.Commands;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Spec.Tests;
using CrossLMM.Zoo.Spec;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

public class CheckCommandTests
{
    [Fact]
    public void Check_MisspeltKey_PrintsTheBuildDiagnosticInMsBuildFormAndExits1()
    {
        using var dir = new TempDir();
        string path = dir.Write("pool4-v2v.yaml", Specs.Typo);
        var r = ZooCommand.Run("check", path);
        Assert.Equal(1, r.Code);
        Assert.Equal(string.Empty, r.Out);   // diagnostics go to standard error
        Assert.Equal($"{path}(4,29): error CLMZ0002: unknown key 'gird' in compressor (pool2d); did you mean 'grid'?", ErrLines(r)[0]);
        Assert.Contains($"{path}: 2 error(s), 0 warning(s); see docs/diagnostics/CLMZ0002.md, docs/diagnostics/CLMZ0005.md", r.Err);
    }

    [Fact]
    public void Check_PrintsExactlyWhatTheSpecCoreReports()
    {
        using var dir = new TempDir();
        string path = dir.Write("pool4-v2v.yaml", Specs.Typo.Replace("every", "evry").Replace("layout", "layuot"));
        var expected = SpecCompiler.BindAll(File.ReadAllText(path), path, ZooRegistry.Parse(Zoo.RegistryYaml, Zoo.RegistryFile)).Diagnostics.Select(d => d.ToString());
        var r = ZooCommand.Run("check", path);
        Assert.Equal(expected, ErrLines(r).TakeWhile(l => l.StartsWith(path + "(", System.StringComparison.Ordinal)));
    }

    [Fact]
    public void Check_ManyDiagnostics_PrintsTheFirst100AndCountsTheRest()
    {
        using var dir = new TempDir();
        string unknown = string.Concat(Enumerable.Range(0, 250).Select(i => $"unknown_key_{i}: {i}\n"));
        string path = dir.Write("many.yaml", Specs.Valid + unknown);
        var r = ZooCommand.Run("check", path);
        Assert.Equal(1, r.Code);
        var lines = ErrLines(r);
        Assert.Equal(CheckCommand.DefaultMaxDiagnostics, lines.Count(l => l.StartsWith(path + "(", System.StringComparison.Ordinal)));
        Assert.Equal($"{path}(10,1): error CLMZ0002: unknown key 'unknown_key_0' in the architecture; expected one of: name, paper, summary, vision, compressor, projector, llm, fusion, layout, presets, overrides", lines[0]);
        Assert.Equal($"{path}: ... and 150 more diagnostic(s) not shown (250 in all; --max-diagnostics 0 prints every one)", lines[100]);
        Assert.Equal($"{path}: 250 error(s), 0 warning(s); see docs/diagnostics/CLMZ0002.md", lines[101]);
    }

    [Theory]
    [InlineData("0", 250)]
    [InlineData("7", 7)]
    public void Check_MaxDiagnostics_SetsTheCap(string max, int printed)
    {
        using var dir = new TempDir();
        string path = dir.Write("many.yaml", Specs.Valid + string.Concat(Enumerable.Range(0, 250).Select(i => $"k{i}: 1\n")));
        var r = ZooCommand.Run("check", path, "--max-diagnostics", max);
        Assert.Equal(printed, ErrLines(r).Count(l => l.StartsWith(path + "(", System.StringComparison.Ordinal)));
    }

    [Fact]
    public void Check_NegativeMaxDiagnostics_IsAUsageError() =>
        ZooCommand.Run("check", "x.yaml", "--max-diagnostics", "-1").AssertOneLineError(2, "--max-diagnostics: expected a whole number ≥ 0, got '-1'");

    [Fact]
    public void Check_ZooOption_BindsAtThePresetsOfThatFile()
    {
        // A preset added to a zoo.yaml is known at run time: no rebuild.
        using var dir = new TempDir();
        string zoo = dir.Write("my-zoo.yaml", Zoo.RegistryYaml.Replace("presets:\n", "presets:\n  micro:\n    vision:    { image: 16, patch: 8, channels: 3, hidden: 16, layers: 1, heads: 2, mlp: 32, norm_eps: 1.0e-6 }\n    resampler: { hidden: 16, layers: 1, heads: 2, mlp: 32, norm_eps: 1.0e-6 }\n    llm:       { hidden: 16, layers: 4, heads: 2, kv_heads: 1, mlp: 32, vocab: 512, rope_theta: 10000, norm_eps: 1.0e-6, tie_embeddings: true, max_positions: 4096 }\n", System.StringComparison.Ordinal));
        string path = dir.Write("pool4-v2v.yaml", Specs.Valid);
        var r = ZooCommand.Run("check", path, "--zoo", zoo);
        Assert.Equal(0, r.Code);
        Assert.StartsWith($"{path}: ok - Pool4V2V binds at micro, tiny, small, 2b, 7b;", r.Lines[0], System.StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ZooYamlBesideTheSpec_IsReadAtRunTime()
    {
        using var dir = new TempDir();
        dir.Write("zoo.yaml", Zoo.RegistryYaml.Replace("  small:\n", "  smol:\n", System.StringComparison.Ordinal));
        string path = dir.Write("pool4-v2v.yaml", Specs.Valid);
        var r = ZooCommand.Run("check", path);
        Assert.Equal(0, r.Code);
        Assert.StartsWith($"{path}: ok - Pool4V2V binds at tiny, smol, 2b, 7b;", r.Lines[0], System.StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MissingZooFile_OneLineError()
    {
        using var dir = new TempDir();
        ZooCommand.Run("check", dir.Write("a.yaml", Specs.Valid), "--zoo", "no/such/zoo.yaml").AssertOneLineError(1, "--zoo: file not found: 'no/such/zoo.yaml'");
    }

    private static string[] ErrLines(CliResult r) => r.Err.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    [Fact]
    public void Check_ValidSpec_SaysWhereItBindsAndExits0()
    {
        using var dir = new TempDir();
        string path = dir.Write("pool4-v2v.yaml", Specs.Valid);
        var r = ZooCommand.Run("check", path);
        Assert.Equal(0, r.Code);
        Assert.Equal($"{path}: ok - Pool4V2V binds at tiny, small, 2b, 7b; LLM visual tokens T·grid² = 4·T (tiny), 4·T (small), 4·T (2b), 4·T (7b)", r.Lines[0]);
    }

    [Fact]
    public void Check_EveryRepositorySpec_IsValid()
    {
        var files = Zoo.Architectures.Select(a => Repo.PathOf(a.SourceFile)).ToArray();
        var r = ZooCommand.Run(new[] { "check" }.Concat(files).ToArray());
        Assert.Equal(0, r.Code);
        Assert.Equal(files.Length, r.Lines.Count(l => l.Contains(": ok - ", System.StringComparison.Ordinal)));
        Assert.DoesNotContain("note:", r.Out);   // each file is the catalogue's own: no name clash reported
    }

    [Fact]
    public void Check_CopyOfAZooArchitecture_NotesTheNameClash()
    {
        using var dir = new TempDir();
        string path = dir.Write("copy.yaml", File.ReadAllText(Repo.PathOf("architectures/crosslmm.yaml")));
        var r = ZooCommand.Run("check", path);
        Assert.Equal(0, r.Code);
        Assert.Contains($"{path}: note: the name CrossLmm is already used by architectures/crosslmm.yaml", r.Out);
    }

    [Fact]
    public void Check_MissingFile_OneLineError() =>
        ZooCommand.Run("check", "no/such/spec.yaml").AssertOneLineError(1, "file not found: 'no/such/spec.yaml'");

    [Fact]
    public void Check_NoFile_OneLineUsageError() =>
        ZooCommand.Run("check").AssertOneLineError(2, "zoo check: error:");
}
