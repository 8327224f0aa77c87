using System.IO;
using System.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;

namespace CrossLMM.Zoo.Cli.Tests.Checkpoints;

/// <summary>Loading is strict: each fault is a non-zero exit with one line that names the keys, shapes or tensor.</summary>
public class StrictLoadingTests
{
    private static CliResult Generate(string folder, params string[] more) =>
        ZooCommand.Run(new[] { "generate", "--checkpoint", folder, "--prompt", "hi", "--max-new-tokens", "2" }.Concat(more).ToArray());

    [Fact]
    public void MissingKeys_AreListed_AndAllowMissingPermitsThem()
    {
        using var dir = new TempDir();
        TestCheckpoints.Write(dir.Path, edit: t =>
        {
            t.Remove("model.layers.1.mlp.up_proj.weight");
            t.Remove("model.norm.weight");
        });
        string line = Generate(dir.Path).AssertOneLineError(1, "2 missing keys");
        Assert.Contains("model.layers.1.mlp.up_proj.weight", line);
        Assert.Contains("model.norm.weight", line);
        var allowed = Generate(dir.Path, "--allow-missing", "model.layers.*.mlp.up_proj.weight", "--allow-missing", "model.norm.*");
        Assert.True(allowed.Code == 0, allowed.Err);
    }

    [Fact]
    public void UnexpectedKeys_AreListed()
    {
        using var dir = new TempDir();
        TestCheckpoints.Write(dir.Path, edit: t => t["model.layers.0.self_attn.rotary_emb.inv_freq"] = torch.ones(4));
        Generate(dir.Path).AssertOneLineError(1, "1 unexpected key (model.layers.0.self_attn.rotary_emb.inv_freq)");
    }

    [Fact]
    public void ShapeMismatch_NamesTheTensorAndBothShapes()
    {
        using var dir = new TempDir();
        TestCheckpoints.Write(dir.Path, edit: t => t["model.layers.0.self_attn.k_proj.weight"] = torch.zeros(32, 32));
        Generate(dir.Path).AssertOneLineError(1, "shape mismatch for 'model.layers.0.self_attn.k_proj.weight': the checkpoint has (32, 32), the model expects (16, 32)");
    }

    [Fact]
    public void NonFiniteValues_NameTheTensor()
    {
        using var dir = new TempDir();
        TestCheckpoints.Write(dir.Path, edit: t =>
        {
            var w = torch.ones(32);
            w[3] = torch.tensor(float.NaN);
            w[5] = torch.tensor(float.PositiveInfinity);
            t["model.layers.1.post_attention_layernorm.weight"] = w.to(ScalarType.BFloat16);
        });
        Generate(dir.Path).AssertOneLineError(1, "'model.layers.1.post_attention_layernorm.weight' holds non-finite values (1 NaN, 1 Inf)");
    }

    [Fact]
    public void UnsupportedArchitecture_IsRefused()
    {
        using var dir = new TempDir();
        TestCheckpoints.Write(dir.Path);
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), TestCheckpoints.ConfigJson(2, true, "Qwen3ForCausalLM"));
        Generate(dir.Path).AssertOneLineError(1, "describes Qwen3ForCausalLM");
    }

    [Fact]
    public void MissingShard_IsNamed()
    {
        using var dir = new TempDir();
        TestCheckpoints.Write(dir.Path);
        File.Delete(Path.Combine(dir.Path, "model.safetensors"));
        File.WriteAllText(Path.Combine(dir.Path, "model.safetensors.index.json"), "{\"weight_map\": {\"model.norm.weight\": \"model-00001-of-00001.safetensors\"}}");
        Generate(dir.Path).AssertOneLineError(1, "names the shard 'model-00001-of-00001.safetensors', which is missing");
    }
}
