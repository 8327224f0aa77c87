using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Composed;

public class ZooArchitectureTests
{
    private static readonly string[] Prefixes =
    {
        "vision_tower.", "compressor.", "multi_modal_projector.", "source_projector.", "language_model.model.", "language_model.lm_head.",
    };

    public static IEnumerable<object[]> Stems() => ZooSpecs.Stems.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Stems))]
    public void EveryArchitecture_BuildsRunsAndDecodes_AtTheTinyPreset(string stem)
    {
        using var scope = torch.NewDisposeScope();
        var config = ZooSpecs.Bind(stem);
        using var model = VideoLmmBuilder.Build(config);
        LmTestData.Randomize(model, stem.Length, scale: 0.2, gates: 0.4);

        // Keys: the checkpoint prefixes, HF's Qwen2 keys on every layer, fusion keys only under cross_attn.
        var keys = LmTestData.Keys(model);
        Assert.All(keys, k => Assert.Contains(Prefixes, p => k.StartsWith(p, StringComparison.Ordinal)));
        Assert.Equal(config.NeedsSourceProjector, keys.Any(k => k.StartsWith("source_projector.", StringComparison.Ordinal)));
        Assert.Equal(!config.Llm.TieEmbeddings, keys.Contains("language_model.lm_head.weight"));
        for (int i = 0; i < config.Llm.Layers; i++)
        {
            string prefix = $"language_model.model.layers.{i}.";
            var layerKeys = keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]).ToArray();
            var baseKeys = layerKeys.Where(k => !k.StartsWith("cross_attn.", StringComparison.Ordinal));
            Assert.Equal(LmTestData.Sorted(LmTestData.Qwen2LayerKeys()), LmTestData.Sorted(baseKeys));
            Assert.Equal(config.LayerPlan[i] is not null, layerKeys.Length > 12);
        }

        // A forward at T frames: shapes and token counts as the config's formulas say.
        int frames = 4, text = 3;
        var rng = new Random(stem.Length);
        var video = config.Vision.Kind == VisionKind.Vit
            ? LmTestData.Randn(rng, 1.0, 2, frames, config.Vision.Channels, config.Vision.Image, config.Vision.Image)
            : LmTestData.Randn(rng, 1.0, 2, frames, config.EncoderTokensPerFrame, config.Vision.Hidden);
        var prompt = LmTestData.Ids(rng, config.Llm.Vocab, 2, text);
        using var output = model.call(new VideoLmmInput(video, prompt), null);
        Assert.Equal(config.StreamTokens(frames), output.Counts.VisualTokensInStream);
        Assert.Equal(config.StreamTokens(frames) + text, output.Counts.TotalSequence);
        Assert.Equal(new long[] { 2, output.Counts.TotalSequence, config.Llm.Vocab }, output.Logits.shape);
        foreach (var source in config.Sources)
        {
            Assert.Equal(config.SourceTokens(source, frames), output.Counts.SourceTokens[source]);
        }

        TensorAssert.AllFinite(output.Logits);

        // Cached decoding equals the full forward (LLaMA-VID's tokens depend on the whole text, so its
        // "full forward over the longer text" is a different video encoding: skipped).
        if (config.Compressor is LlamaVidCompressorConfig)
        {
            return;
        }

        var next = LmTestData.Ids(rng, config.Llm.Vocab, 2, 2);
        long videoAt = config.Layout == Layout.QuestionFirst ? text : 0;
        using var full = model.call(new VideoLmmInput(video, torch.cat(new[] { prompt, next }, 1), VideoPosition: videoAt), null);
        using var cache = new KvCache();
        using var prefill = model.call(new VideoLmmInput(video, prompt), cache);
        var steps = torch.cat(new[] { prefill.Logits, model.Decode(next.narrow(1, 0, 1), cache), model.Decode(next.narrow(1, 1, 1), cache) }, 1);
        TensorAssert.AllClose(full.Logits, steps, rtol: 1e-4, atol: 1e-4, because: stem);
    }
}
