using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using CrossLMM.Testing;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Checkpoints;
using CrossLMM.Zoo.Tools.Inference;
using CrossLMM.Zoo.Tools.Text;

namespace CrossLMM.Zoo.Cli.Tests.Checkpoints;

/// <summary>
/// Hugging Face <c>SiglipVisionModel</c> and <c>LlavaOnevisionForConditionalGeneration</c> folders written by Debian's
/// PyTorch (random weights, HF's keys and config.json) load into the zoo under HF's names and match an independent
/// PyTorch re-implementation of HF's forward; CrossLMM built on the LLaVA-OneVision checkpoint starts as exactly it.
/// </summary>
public class VisionCheckpointTests
{
    private const string Question = "What happens in this video?";

    [Fact]
    public void SiglipVisionModel_MatchesTheHfReference_HiddenStatesAndPooledOutput()
    {
        using var dir = new TempDir();
        string folder = dir.File("siglip");
        torch.manual_seed(11);
        using var pixels = torch.randn(2, 3, HfVisionReference.Image, HfVisionReference.Image);   // [T, 3, S, S]
        using var reference = HfVisionReference.WriteSiglip(folder, pixels);

        using var checkpoint = SiglipCheckpoint.Load(folder);
        Assert.True(checkpoint.Config.UseHead);
        Assert.Equal(3, checkpoint.Config.Vision.Layers);
        Assert.Equal(checkpoint.Model.state_dict().Count, checkpoint.Report.Loaded);
        Assert.Equal(checkpoint.Report.Loaded, checkpoint.Report.Converted["BFloat16"]);
        var keys = HfKeyMap.Compose(checkpoint.Model).Values.ToHashSet();
        Assert.Contains("vision_model.embeddings.patch_embedding.weight", keys);
        Assert.Contains("vision_model.encoder.layers.2.self_attn.q_proj.bias", keys);
        Assert.Contains("vision_model.post_layernorm.weight", keys);
        Assert.Contains("vision_model.head.attention.in_proj_weight", keys);

        var (last, pooled) = checkpoint.Forward(pixels.unsqueeze(0));
        using (last)
        using (pooled)
        {
            Assert.Equal(new long[] { 1, 2, 25, 32 }, last.shape);
            TensorAssert.AllClose(reference["last_hidden_state"], last[0], rtol: 1e-4, atol: 1e-5);
            TensorAssert.AllClose(reference["pooler_output"], pooled![0], rtol: 1e-4, atol: 1e-5);
        }

        string mp4 = TestVideo.Create(dir.File("clip.mp4"));
        var r = ZooCommand.Run("run", "--checkpoint", folder, "--video", mp4, "--frames", "2");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("last_hidden_state (1, 2, 25, 32)", r.Out, StringComparison.Ordinal);
        Assert.Contains("pooler_output (1, 2, 32)", r.Out, StringComparison.Ordinal);
        ZooCommand.Run("run", "--checkpoint", folder).AssertOneLineError(1, "is a vision model: give --video FILE");
        var show = ZooCommand.Run("show", "--checkpoint", folder);
        Assert.True(show.Code == 0, show.Err);
        Assert.Contains("SiglipVisionModel: 3 layers, hidden 32, 4 heads, mlp 64, 40 px / patch 8 (5×5 tokens), pooling head", show.Out, StringComparison.Ordinal);
        Assert.Contains("SiglipMultiheadAttentionPoolingHead", show.Out, StringComparison.Ordinal);
        ZooCommand.Run("generate", "--checkpoint", folder, "--prompt", "hi").AssertOneLineError(1, "is a SiglipVisionModel (a vision encoder): it generates no text");
    }

    public static TheoryData<int, bool, string> Layouts => new()
    {
        { -1, false, "float32" },   // the released files' layout, the released feature layer
        { -2, true, "bfloat16" },   // transformers ≥ 4.52's layout, an earlier layer, bf16 storage
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void LlavaOnevision_MatchesTheHfReference_VideoLogitsAndGreedyTokens(int featureLayer, bool currentLayout, string dtype)
    {
        using var dir = new TempDir();
        string folder = dir.File("llava-ov");
        var tokenizer = Qwen2Tokenizer.Load(HfVisionReference.WriteLlavaTokenizer(folder));
        const int frames = 2;
        var prompt = VideoPrompt.Encode(tokenizer, Question, raw: false, system: null, videoTokenId: 151647, visualTokens: frames * HfVisionReference.PooledPerFrame + 1);
        // the prompt is what HF's chat template renders, with the placeholder expanded
        var rendered = tokenizer.Encode($"<|im_start|>user\n<video>\n{Question}<|im_end|>\n<|im_start|>assistant\n", addBos: false, parseSpecialTokens: true);
        Assert.Equal(VideoPrompt.Expand(rendered, 151647, frames * HfVisionReference.PooledPerFrame + 1).Ids, prompt.Ids);
        torch.manual_seed(5);
        using var video = torch.randn(frames, 3, HfVisionReference.Image, HfVisionReference.Image);   // [T, 3, S, S]
        using var reference = HfVisionReference.WriteLlava(folder, new TestLlavaSpec(featureLayer, currentLayout, dtype), video, prompt.Ids);

        using var checkpoint = LlavaOnevisionCheckpoint.Load(folder);
        Assert.Contains(currentLayout ? "model.language_model" : "language_model.model", checkpoint.Layout, StringComparison.Ordinal);
        Assert.Equal(featureLayer, checkpoint.Config.FeatureLayer);
        using (var noGrad = torch.no_grad())
        using (var ids = torch.tensor(prompt.TextIds.Select(i => (long)i).ToArray(), new long[] { 1, prompt.TextIds.Length }))
        using (var output = checkpoint.Model.call(new Modules.VideoLmmInput(video.unsqueeze(0), ids, VideoPosition: prompt.VideoPosition), null))
        {
            Assert.Equal(prompt.VisualTokens, output.Counts.VisualTokensInStream);
            // logits of magnitude ~2: float32 summation order alone moves them by up to ~4e-5 over the vision tower + LLM
            TensorAssert.AllClose(reference["logits"], output.Logits[0], rtol: 1e-4, atol: 5e-5);
        }

        var result = TextGenerator.Generate(checkpoint.Model, video.unsqueeze(0), prompt, checkpoint.Tokenizer, HfVisionReference.GreedySteps, checkpoint.StopIds,
            new SamplingOptions(0, 0, 1, 0));
        var expected = reference["greedy"].data<long>().Select(i => (int)i).ToArray();
        Assert.True(expected.Length > 8, $"the reference stopped after {expected.Length} tokens: pick another seed");
        Assert.Equal(expected, result.GeneratedIds);
        Assert.Equal(prompt.Ids, result.PromptIds);
    }

    [Fact]
    public void CrossLmmOnLlavaOnevision_IsStrictAboutItsNewBlocks_AndStartsAsExactlyTheBaseModel()
    {
        using var dir = new TempDir();
        string folder = dir.File("llava-ov");
        var tokenizer = Qwen2Tokenizer.Load(HfVisionReference.WriteLlavaTokenizer(folder));
        const int frames = 3;
        var prompt = VideoPrompt.Encode(tokenizer, Question, raw: false, system: null, videoTokenId: 151647, visualTokens: frames * HfVisionReference.PooledPerFrame + 1);
        torch.manual_seed(6);
        using var video = torch.randn(new long[] { 1, frames, 3, HfVisionReference.Image, HfVisionReference.Image });   // [1, T, 3, S, S]
        using (HfVisionReference.WriteLlava(folder, new TestLlavaSpec(Seed: 1), video[0], prompt.Ids))
        {
        }

        // Strict: the fusion blocks are not in any LLaVA-OneVision checkpoint.
        var refused = Assert.Throws<ZooUserException>(() => LlavaOnevisionCheckpoint.Load(folder, LlavaOnevisionVariant.CrossLmm));
        Assert.Contains("missing keys (language_model.model.layers.3.cross_attn.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("new in this architecture, e.g. language_model.model.layers.3.cross_attn: '*.cross_attn.*'", refused.Message, StringComparison.Ordinal);

        using var baseModel = LlavaOnevisionCheckpoint.Load(folder);
        using var crossLmm = LlavaOnevisionCheckpoint.Load(folder, LlavaOnevisionVariant.CrossLmm, new[] { "*.cross_attn.*" });
        Assert.NotEmpty(crossLmm.Report.AllowedMissing);
        Assert.All(crossLmm.Report.AllowedMissing, k => Assert.StartsWith("language_model.model.layers.3.cross_attn.", k, StringComparison.Ordinal));
        Assert.True(crossLmm.Model.state_dict().Keys.Count(k => k.Contains("cross_attn", StringComparison.Ordinal)) > 10);

        using var noGrad = torch.no_grad();
        using var ids = torch.tensor(prompt.TextIds.Select(i => (long)i).ToArray(), new long[] { 1, prompt.TextIds.Length });
        var input = new Modules.VideoLmmInput(video, ids, VideoPosition: prompt.VideoPosition);
        using var expected = baseModel.Model.call(input, null);
        using var actual = crossLmm.Model.call(input, null);
        Assert.Equal(expected.Counts.TotalSequence, actual.Counts.TotalSequence);
        TensorAssert.AllClose(expected.Logits, actual.Logits, rtol: 1e-6, atol: 1e-6);

        // The same through the CLI: one video, CrossLMM, greedy, JSON.
        string mp4 = TestVideo.Create(dir.File("clip.mp4"));
        var r = ZooCommand.Run("generate", "--checkpoint", folder, "--video", mp4, "--frames", frames.ToString(CultureInfo.InvariantCulture), "--prompt", Question,
            "--variant", "crosslmm", "--allow-missing", "*.cross_attn.*", "--max-new-tokens", "4", "--format", "json");
        Assert.True(r.Code == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(prompt.Ids, doc.RootElement.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.InRange(doc.RootElement.GetProperty("generated_ids").GetArrayLength(), 1, 4);
    }

    [Fact]
    public void ShowCheckpoint_PrintsTheLlavaModuleTree_AndGenerateWithoutVideoIsRefused()
    {
        using var dir = new TempDir();
        string folder = dir.File("llava-ov");
        HfVisionReference.WriteLlavaTokenizer(folder);
        using var video = torch.zeros(new long[] { 1, 3, HfVisionReference.Image, HfVisionReference.Image });
        using (HfVisionReference.WriteLlava(folder, new TestLlavaSpec(), video, new[] { 151644, 151647, 151645 }.Concat(Enumerable.Repeat(151647, HfVisionReference.PooledPerFrame)).ToArray()))
        {
        }

        var show = ZooCommand.Run("show", "--checkpoint", folder);
        Assert.True(show.Code == 0, show.Err);
        Assert.Contains("LlavaOnevisionForConditionalGeneration: SigLIP 3 layers", show.Out, StringComparison.Ordinal);
        Assert.Contains("vision_tower", show.Out, StringComparison.Ordinal);
        Assert.Contains("LlavaOnevisionVideoProjector", show.Out, StringComparison.Ordinal);
        Assert.Contains("checkpoint keys: LlavaOnevisionForConditionalGeneration (language_model.model.*)", show.Out, StringComparison.Ordinal);

        ZooCommand.Run("generate", "--checkpoint", folder, "--prompt", "hi").AssertOneLineError(1, "is a video model: give --video FILE");
        string mp4 = TestVideo.Create(dir.File("clip.mp4"));
        var run = ZooCommand.Run("run", "--checkpoint", folder, "--video", mp4, "--frames", "2", "--prompt", "What is it?", "--top", "3");
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("top 3 next tokens", run.Out, StringComparison.Ordinal);
        var tokenizer = Qwen2Tokenizer.Load(folder);
        var expanded = VideoPrompt.Encode(tokenizer, "What is it?", raw: false, system: null, videoTokenId: 151647, visualTokens: 2 * HfVisionReference.PooledPerFrame + 1);
        Assert.Contains($"prompt: {expanded.Ids.Length} tokens", run.Out, StringComparison.Ordinal);
        ZooCommand.Run("generate", "--checkpoint", folder, "--prompt", "hi", "--video", dir.File("none.mp4"), "--frames", "100000")
            .AssertOneLineError(1, "over the model's limit of 4096 (max_position_embeddings)");
    }
}
