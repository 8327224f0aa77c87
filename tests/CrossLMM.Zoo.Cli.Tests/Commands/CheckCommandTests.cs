using System.IO;
using System.Linq;
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
        Assert.Equal($"{path}(4,29): error CLMZ0002: unknown key 'gird' in compressor (pool2d); did you mean 'grid'?", r.Lines[0]);
        Assert.Contains($"{path}: 2 error(s), 0 warning(s); see docs/diagnostics/CLMZ0002.md, docs/diagnostics/CLMZ0005.md", r.Out);
    }

    [Fact]
    public void Check_PrintsExactlyWhatTheSpecCoreReports()
    {
        using var dir = new TempDir();
        string path = dir.Write("pool4-v2v.yaml", Specs.Typo.Replace("every", "evry").Replace("layout", "layuot"));
        var expected = SpecCompiler.BindAll(File.ReadAllText(path), path, ZooFile.Parse(Zoo.RegistryYaml, Zoo.RegistryFile)).Diagnostics.Select(d => d.ToString());
        var r = ZooCommand.Run("check", path);
        Assert.Equal(expected, r.Lines.TakeWhile(l => l.StartsWith(path + "(", System.StringComparison.Ordinal)));
    }

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
