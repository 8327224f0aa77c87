using System;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Cli.Tests.Support;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

/// <summary>One tiny Qwen2 checkpoint folder (random weights, HF layout) shared by the command tests.</summary>
public sealed class TinyCheckpointFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public TinyCheckpointFixture()
    {
        Folder = _dir.File("qwen2-tiny");
        TestCheckpoints.Write(Folder, layers: 2, tied: false);
    }

    public string Folder { get; }

    public void Dispose() => _dir.Dispose();
}

public class CheckpointCommandsTests : IClassFixture<TinyCheckpointFixture>
{
    private readonly string _folder;

    public CheckpointCommandsTests(TinyCheckpointFixture fixture) => _folder = fixture.Folder;

    private JsonElement GenerateJson(params string[] more)
    {
        var r = ZooCommand.Run(new[] { "generate", "--checkpoint", _folder, "--prompt", "Count to ten.", "--format", "json" }.Concat(more).ToArray());
        Assert.True(r.Code == 0, r.Err);
        return JsonDocument.Parse(r.Out).RootElement.Clone();
    }

    private static int[] Ids(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetInt32()).ToArray();

    [Fact]
    public void Generate_TextMode_StreamsTheSameTextAsJson_AndReportsTokensPerSecond()
    {
        var json = GenerateJson("--max-new-tokens", "6");
        var r = ZooCommand.Run("generate", "--checkpoint", _folder, "--prompt", "Count to ten.", "--max-new-tokens", "6");
        Assert.Equal(0, r.Code);
        Assert.Equal(json.GetProperty("text").GetString() + "\n", r.Out);
        Assert.Matches(@"prefill [0-9.]+ ms \([0-9.]+ tok/s\); [0-9]+ generated, decode [0-9.]+ ms \([0-9.]+ tok/s\)", r.Err);
        Assert.Equal(6, Ids(json, "generated_ids").Length);
        Assert.Equal("max_new_tokens", json.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void Generate_Raw_EncodesThePromptAsGiven_ChatAddsTheTemplate()
    {
        var raw = GenerateJson("--max-new-tokens", "1", "--raw");
        var chat = GenerateJson("--max-new-tokens", "1");
        Assert.Equal(new[] { 2507, 311, 5779, 13 }, Ids(raw, "prompt_ids"));   // "Count to ten." in Qwen's BPE
        var chatIds = Ids(chat, "prompt_ids");
        Assert.Equal(151644, chatIds[0]);   // <|im_start|>user\n…<|im_end|>\n<|im_start|>assistant\n (Qwen3's template: no default system prompt)
        Assert.Equal(new[] { 151645, 198, 151644, 77091, 198 }, chatIds[^5..]);
    }

    [Fact]
    public void Generate_Sampling_IsReproducibleBySeed_AndTopK1IsGreedy()
    {
        var greedy = Ids(GenerateJson("--max-new-tokens", "8"), "generated_ids");
        var a = Ids(GenerateJson("--max-new-tokens", "8", "--temperature", "1.5", "--seed", "3"), "generated_ids");
        var b = Ids(GenerateJson("--max-new-tokens", "8", "--temperature", "1.5", "--seed", "3"), "generated_ids");
        var c = Ids(GenerateJson("--max-new-tokens", "8", "--temperature", "1.5", "--seed", "4"), "generated_ids");
        var k1 = Ids(GenerateJson("--max-new-tokens", "8", "--temperature", "1.5", "--top-k", "1", "--seed", "4"), "generated_ids");
        var p0 = Ids(GenerateJson("--max-new-tokens", "8", "--temperature", "1.5", "--top-p", "0.000001", "--seed", "5"), "generated_ids");
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(greedy, k1);
        Assert.Equal(greedy, p0);
    }

    [Fact]
    public void Generate_PromptsFile_LeftPaddedBatch_EqualsOneByOne()
    {
        using var dir = new TempDir();
        string[] prompts = { "Count to ten.", "Say something much longer than the first prompt, please, in English." };
        string file = dir.Write("prompts.txt", string.Join("\n", prompts) + "\n\n");
        var r = ZooCommand.Run("generate", "--checkpoint", _folder, "--prompts-file", file, "--max-new-tokens", "6", "--format", "json");
        Assert.True(r.Code == 0, r.Err);
        var results = JsonDocument.Parse(r.Out).RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(2, results.Length);
        for (int i = 0; i < prompts.Length; i++)
        {
            var single = ZooCommand.Run("generate", "--checkpoint", _folder, "--prompt", prompts[i], "--max-new-tokens", "6", "--format", "json");
            var one = JsonDocument.Parse(single.Out).RootElement;
            Assert.Equal(Ids(one, "prompt_ids"), Ids(results[i], "prompt_ids"));
            Assert.Equal(Ids(one, "generated_ids"), Ids(results[i], "generated_ids"));
        }

        Assert.True(Ids(results[0], "prompt_ids").Length < Ids(results[1], "prompt_ids").Length);   // the first row was padded
        ZooCommand.Run("generate", "--checkpoint", _folder, "--prompt", "x", "--prompts-file", file).AssertOneLineError(1, "give either --prompt or --prompts-file, not both");
    }

    [Theory]
    [InlineData("--temperature", "-1", "--temperature (-1) must be ≥ 0")]
    [InlineData("--top-p", "0", "--top-p (0) must be in (0, 1]")]
    [InlineData("--top-k", "-2", "--top-k (-2) must be ≥ 0")]
    [InlineData("--max-new-tokens", "0", "--max-new-tokens (0) must be ≥ 1")]
    public void Generate_BadOptions_AreOneLineErrors(string option, string value, string message)
    {
        ZooCommand.Run("generate", "--checkpoint", _folder, "--prompt", "hi", option, value).AssertOneLineError(1, message);
    }

    [Fact]
    public void Generate_PromptOverMaxPositions_IsRefusedBeforeLoading()
    {
        string prompt = string.Concat(Enumerable.Repeat("word ", 300));   // 300+ tokens; the test config allows 256 positions
        var line = ZooCommand.Run("generate", "--checkpoint", _folder, "--prompt", prompt, "--raw").AssertOneLineError(1, "over the model's limit of 256 (max_position_embeddings)");
        Assert.Contains("prompt tokens + 64 new", line);
    }

    [Fact]
    public void Run_Checkpoint_PrintsTopTokens()
    {
        var r = ZooCommand.Run("run", "--checkpoint", _folder, "--prompt", "hi", "--top", "3");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("Qwen2ForCausalLM: 2 layers, hidden 32, 4/2 heads, mlp 64, vocab 151936", r.Out);
        Assert.Contains("weights: 27 tensors loaded strictly from model.safetensors", r.Out);
        Assert.Contains("top 3 next tokens", r.Out);
        ZooCommand.Run("run", "crosslmm", "--checkpoint", _folder).AssertOneLineError(1, "--checkpoint runs a Hugging Face model folder: give no architecture");
        ZooCommand.Run("run", "--checkpoint", _folder, "--video", "clip.mp4").AssertOneLineError(1, "is a text-only Qwen2ForCausalLM: --video needs a LlavaOnevisionForConditionalGeneration or SiglipVisionModel checkpoint");
    }

    [Fact]
    public void Show_Checkpoint_PrintsTheModuleTreeWithHfNames()
    {
        var r = ZooCommand.Run("show", "--checkpoint", _folder);
        Assert.True(r.Code == 0, r.Err);
        foreach (var name in new[] { "embed_tokens", "layers", "self_attn", "q_proj", "mlp", "gate_proj", "input_layernorm", "post_attention_layernorm", "norm", "lm_head" })
        {
            Assert.Contains(name, r.Out);
        }

        Assert.Contains("parameters: ", r.Out);
    }
}
