using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Tools.Catalog;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

public class RunCommandTests
{
    [Fact]
    public void Run_SameSeed_SameTopTokens()
    {
        var first = ZooCommand.Run("run", "crosslmm", "--frames", "4", "--prompt", "What happens?", "--seed", "7", "--top", "5");
        var second = ZooCommand.Run("run", "crosslmm", "--frames", "4", "--prompt", "What happens?", "--seed", "7", "--top", "5");
        Assert.Equal(0, first.Code);
        Assert.Equal(TopRows(first), TopRows(second));
        var rows = TopRows(first);
        Assert.Equal(5, rows.Count);
        Assert.Equal(new[] { "1", "2", "3", "4", "5" }, rows.Select(r => r[0]));
        var probabilities = rows.Select(r => double.Parse(r[3], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(probabilities.OrderByDescending(p => p), probabilities);
        Assert.Contains("prompt: \"What happens?\" → 14 tokens (byte-level, BOS first)", first.Out);
        Assert.Contains("tokens: LLM stream 50 = 36 visual + 14 text; fusion sources: original 64", first.Out);

        var other = ZooCommand.Run("run", "crosslmm", "--frames", "4", "--prompt", "What happens?", "--seed", "8", "--top", "5");
        Assert.NotEqual(TopRows(first).Select(r => r[4]), TopRows(other).Select(r => r[4]));   // logits depend on the seed
    }

    [Fact]
    public void Run_Video_DecodesTheRequestedFramesAtTheEncoderSize()
    {
        using var dir = new TempDir();
        string video = TestVideo.Create(dir.File("testsrc.mp4"));
        var r = ZooCommand.Run("run", "crosslmm", "--video", video, "--frames", "6", "--prompt", "Describe");
        Assert.Equal(0, r.Code);
        Assert.Contains($"video: {video} (1.00 s, 25 frames, 320x240, 25.00 fps)", r.Out);
        Assert.Contains("frames: 6 sampled uniformly (source frames 2, 6, 10, 14, 18, 22) → (1, 6, 3, 32, 32)", r.Out);
        Assert.Contains("tokens: LLM stream 63 = 54 visual + 9 text", r.Out);
    }

    [Fact]
    public void Run_Weights_LoadsTheCheckpointStrictly()
    {
        using var dir = new TempDir();
        string video = TestVideo.Create(dir.File("testsrc.mp4"));
        var config = Zoo.Config("pool-only", "tiny");
        string full = dir.File("seed5.safetensors"), partial = dir.File("partial.safetensors"), missingOnly = dir.File("missing-only.safetensors");
        using (var model = ZooCatalog.Build(config, seed: 5))
        {
            var state = model.state_dict();
            Safetensors.Save(full, state);
            var edited = new Dictionary<string, torch.Tensor>(state);
            edited.Remove("multi_modal_projector.linear_1.bias");
            Safetensors.Save(missingOnly, edited);
            edited["extra.weight"] = torch.zeros(2, 2);
            Safetensors.Save(partial, edited);
        }

        // A checkpoint saved from the seed-5 model reproduces the seed-5 model whatever the run's seed.
        var fromWeights = ZooCommand.Run("run", "pool-only", "--video", video, "--frames", "2", "--seed", "0", "--weights", full);
        var fromSeed = ZooCommand.Run("run", "pool-only", "--video", video, "--frames", "2", "--seed", "5");
        Assert.Equal(0, fromWeights.Code);
        Assert.Equal(TopRows(fromSeed), TopRows(fromWeights));
        Assert.Contains("0 missing, 0 unexpected", fromWeights.Out);

        // Strict: a missing and an unexpected key fail the run, naming both; --allow-missing permits the missing one only.
        ZooCommand.Run("run", "pool-only", "--frames", "2", "--weights", partial)
            .AssertOneLineError(1, "1 missing key (multi_modal_projector.linear_1.bias); 1 unexpected key (extra.weight)");
        ZooCommand.Run("run", "pool-only", "--frames", "2", "--weights", partial, "--allow-missing", "multi_modal_projector.*")
            .AssertOneLineError(1, "1 unexpected key (extra.weight)");
        var r = ZooCommand.Run("run", "pool-only", "--frames", "2", "--weights", missingOnly, "--allow-missing", "multi_modal_projector.*");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains(", 1 missing, 0 unexpected", r.Out);
        Assert.Contains("  missing, allowed by --allow-missing (kept random): multi_modal_projector.linear_1.bias", r.Out);
    }

    [Fact]
    public void Run_UserSpec_WithYaml()
    {
        using var dir = new TempDir();
        string path = dir.Write("pool4-v2v.yaml", Specs.Valid);
        var r = ZooCommand.Run("run", "--yaml", path, "--frames", "3", "--prompt", "hi");
        Assert.Equal(0, r.Code);
        Assert.Contains("Pool4V2V (pool4-v2v) at the tiny preset", r.Out);
        Assert.Contains("tokens: LLM stream 15 = 12 visual + 3 text", r.Out);
    }

    [Fact]
    public void Run_UserSpec_WithAPresetOnlyItsZooFileDefines()
    {
        // zoo.yaml is read at run time: a preset added to it needs no rebuild, here through --zoo.
        using var dir = new TempDir();
        string zoo = dir.Write("my-zoo.yaml", Zoo.RegistryYaml.Replace("  tiny:\n", "  tinier:\n", System.StringComparison.Ordinal).Replace("preset: tiny", "preset: tinier", System.StringComparison.Ordinal));
        string path = dir.Write("pool4-v2v.yaml", Specs.Valid);
        var r = ZooCommand.Run("run", "--yaml", path, "--zoo", zoo, "--preset", "tinier", "--frames", "3", "--prompt", "hi");
        Assert.Equal(0, r.Code);
        Assert.Contains("Pool4V2V (pool4-v2v) at the tinier preset", r.Out);
        ZooCommand.Run("run", "--yaml", path, "--zoo", zoo, "--preset", "tiny").AssertOneLineError(1, $"unknown preset 'tiny' (presets of {zoo}: tinier, small, 2b, 7b)");
    }

    [Fact]
    public void Run_BrokenYaml_PrintsTheFirstDiagnosticOnOneLine()
    {
        using var dir = new TempDir();
        string path = dir.Write("typo.yaml", Specs.Typo);
        ZooCommand.Run("run", "--yaml", path).AssertOneLineError(1, $"{path}(4,29): error CLMZ0002: unknown key 'gird'");
    }

    [Theory]
    [InlineData(new[] { "run", "crosslmm", "--frames", "abc" }, 2, "--frames 'abc' is not a positive frame count")]
    [InlineData(new[] { "run", "crosslmm", "--top", "0" }, 1, "--top (0) must be in [1, 512]")]
    [InlineData(new[] { "run", "crosslmm", "--video", "missing.mp4" }, 1, "video not found: 'missing.mp4'")]
    [InlineData(new[] { "run", "crosslmm", "--weights", "missing.safetensors" }, 1, "weights not found: 'missing.safetensors'")]
    [InlineData(new[] { "run" }, 1, "name an architecture (zoo list) or a spec with --yaml file.yaml")]
    public void Run_BadArguments_OneLineError(string[] args, int code, string message) =>
        ZooCommand.Run(args).AssertOneLineError(code, message);

    [Fact]
    public void Run_UnknownDevice_OneLineError() =>
        ZooCommand.Run("run", "crosslmm", "--device", "tpu").AssertOneLineError(1, "unknown device 'tpu' (expected cpu, cuda or cuda:N)");

    [Fact]
    public void Run_CudaWithoutCuda_SaysWhy()
    {
        if (torch.cuda.is_available())
        {
            return;   // a CUDA build on a GPU machine runs instead
        }

        ZooCommand.Run("run", "crosslmm", "--device", "cuda").AssertOneLineError(1, "device 'cuda': CUDA is not available");
        ZooCommand.Run("bench", "crosslmm", "--preset", "tiny", "--device", "cuda:1").AssertOneLineError(1, "device 'cuda:1': CUDA is not available");
    }

    internal static List<string[]> TopRows(CliResult r) =>
        r.Lines.SkipWhile(l => !l.Contains("│ rank ", System.StringComparison.Ordinal)).Skip(2)
            .TakeWhile(l => l.StartsWith("│", System.StringComparison.Ordinal))
            .Select(l => l.Trim('│').Split('│').Select(c => c.Trim()).ToArray())
            .ToList();
}
