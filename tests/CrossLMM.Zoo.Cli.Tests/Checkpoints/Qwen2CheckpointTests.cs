using System;
using System.Linq;
using System.Text.Json;
using CrossLMM.Testing;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Tools.Checkpoints;
using CrossLMM.Zoo.Tools.Text;

namespace CrossLMM.Zoo.Cli.Tests.Checkpoints;

/// <summary>
/// Hugging Face Qwen2ForCausalLM folders written by Debian's PyTorch (random weights, HF key names and config.json,
/// Qwen's real tokenizer) load into the zoo and match a PyTorch re-implementation of HF's forward: logits within
/// 1e-4 relative, identical greedy tokens for 32 steps through <c>zoo generate</c> (KV cache).
/// </summary>
public class Qwen2CheckpointTests
{
    private const string Prompt = "Describe the video in one sentence, please.";

    public static TheoryData<bool, string, bool> Layouts => new()
    {
        { false, "float32", false },   // separate lm_head, fp32, model.safetensors
        { true, "bfloat16", true },    // tied head, bf16 storage, sharded with an index
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Checkpoint_MatchesTheHfReference_LogitsAndGreedyTokens(bool tied, string dtype, bool sharded)
    {
        using var dir = new TempDir();
        string folder = dir.File("qwen2-tiny");
        var tokenizer = Qwen2Tokenizer.Load(QwenTokenizerPackage.TokenizerJson);
        var promptIds = ChatMlTemplate.Encode(tokenizer, ChatMlTemplate.Conversation(Prompt, ChatMlTemplate.Qwen25SystemPrompt));
        using var reference = HfQwen2Reference.WriteAndRun(folder, new TestCheckpointSpec(tied, dtype, sharded), promptIds);

        using (var checkpoint = Qwen2Checkpoint.Load(folder))
        {
            Assert.Equal(tied, checkpoint.Model.TiedEmbeddings);
            Assert.Equal(32, checkpoint.Config.Llm.Hidden);
            Assert.Equal(dtype == "float32" ? 0 : checkpoint.Report.Loaded, checkpoint.Report.Converted.Values.Sum());
            using var noGrad = torch.no_grad();
            using var ids = torch.tensor(promptIds.Select(i => (long)i).ToArray(), new long[] { 1, promptIds.Length });
            using var logits = checkpoint.Model.call(ids, null);
            using var actual = logits[0];
            TensorAssert.AllClose(reference["logits"], actual, rtol: 1e-4, atol: 1e-5);
        }

        // The CLI: ChatML template + cached greedy decoding. (The package's tokenizer_config.json is Qwen3's, whose template
        // adds no default system prompt: Qwen2.5's is given explicitly.)
        var r = ZooCommand.Run("generate", "--checkpoint", folder, "--prompt", Prompt, "--system", ChatMlTemplate.Qwen25SystemPrompt, "--max-new-tokens", HfQwen2Reference.GreedySteps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "json");
        Assert.True(r.Code == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(promptIds, doc.RootElement.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        var generated = doc.RootElement.GetProperty("generated_ids").EnumerateArray().Select(e => (long)e.GetInt32()).ToArray();
        var expected = reference["greedy"].data<long>().ToArray();
        Assert.True(expected.Length > 8, $"the reference stopped after {expected.Length} tokens: pick another seed");
        Assert.Equal(expected, generated);
        Assert.Equal(tokenizer.Decode(generated.Select(i => (int)i)), doc.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public void Config_SizesTheModel_NotAPreset()
    {
        using var dir = new TempDir();
        string folder = dir.File("qwen2");
        TestCheckpoints.Write(folder, layers: 3, tied: false);
        var config = Qwen2Checkpoint.ReadConfig(folder);
        Assert.Equal(3, config.Llm.Layers);
        Assert.Equal(2, config.Llm.KvHeads);
        Assert.Equal(151936, config.Llm.Vocab);
        using var checkpoint = Qwen2Checkpoint.Load(folder);
        Assert.Equal(3, checkpoint.Model.Model.Layers.Count);
        var keys = checkpoint.Model.state_dict().Keys.ToHashSet();
        Assert.Contains("model.layers.2.self_attn.q_proj.bias", keys);
        Assert.Contains("lm_head.weight", keys);
        Assert.Equal(keys.Count, checkpoint.Report.Loaded);
    }
}
