using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Fusion;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Projectors;
using CrossLMM.Zoo.Modules.Vision;
using TorchSharp;
using Xunit;

namespace CrossLMM.Zoo.Architectures.Tests;

/// <summary>
/// The generated classes' typed members. Every declaration below with an explicit block type is a
/// compile-time check (a wrong type is a build error of this project); the asserts check that the typed
/// members are the model's own registered parts (the same instances as <c>get_submodule</c> returns) and
/// carry the spec's values.
/// </summary>
public class TypedMembersTests
{
    [Fact]
    public void CrossLmm_PoolsToItsGrid_AndCarriesADcalOnEveryFourthLayer()
    {
        using var model = CrossLmm.Create();
        SiglipVisionTransformer vision = model.vision_tower;
        Pool2dCompressor compressor = model.compressor;
        MlpProjector projector = model.multi_modal_projector;
        Qwen2ForCausalLM lm = model.language_model;
        IReadOnlyList<Qwen2DecoderLayer> layers = model.layers;
        IReadOnlyList<DualCrossAttentionLayer> dcal = model.fusion0;
        CrossLmmConfig config = model.Config;

        Assert.Equal(3, compressor.Grid);
        Assert.Equal(config.Compressor.Grid, compressor.Grid);
        Assert.Equal(Zoo.DefaultPreset, config.Preset);
        Assert.Equal(config.Llm.Layers, layers.Count);
        Assert.Equal(config.Fusion0.Layers.Count, dcal.Count);
        Assert.All(dcal, d => Assert.True(d.HasV2V && d.HasT2V));
        Assert.Equal(TokenScope.Global, dcal[0].Scope);
        AssertParts(model, vision, compressor, projector, null, lm);
        AssertLayers(model, layers);
        for (int k = 0; k < dcal.Count; k++)
        {
            int layer = config.Fusion0.Layers[k];
            Assert.Same(layers[layer].Fusion, dcal[k]);
            Assert.Same(model.get_submodule($"language_model.model.layers.{layer}.cross_attn"), dcal[k]);
        }

        Assert.Null(model.get_submodule("source_projector"));
    }

    [Fact]
    public void CrossLmmVariants_HaveTheirGridAndBranches()
    {
        using (var oneToken = CrossLmm1Tok.Create())
        {
            Assert.Equal(1, oneToken.compressor.Grid);
        }

        using (var sixteen = CrossLmm16Tok.Create())
        {
            Assert.Equal(4, sixteen.compressor.Grid);
        }

        using (var v2v = CrossLmmV2V.Create())
        {
            DualCrossAttentionLayer block = v2v.fusion0.Single();
            Assert.True(block.HasV2V);
            Assert.False(block.HasT2V);
        }

        using (var t2v = CrossLmmT2V.Create())
        {
            DualCrossAttentionLayer block = t2v.fusion0.Single();
            Assert.False(block.HasV2V);
            Assert.True(block.HasT2V);
        }

        using var poolOnly = PoolOnly.Create();
        Pool2dCompressor pool = poolOnly.compressor;
        Assert.Equal(3, pool.Grid);
        Assert.All(poolOnly.layers, l => Assert.Null(l.Fusion));
    }

    [Fact]
    public void Baselines_HaveTheirCompressorsAndProjectors()
    {
        using (var full = FullTokens.Create())
        {
            IdentityCompressor identity = full.compressor;
            Assert.Equal(full.Config.Vision.Hidden, identity.OutputWidth);
        }

        using (var llava = LlavaOneVision.Create())
        {
            StridedPool2dCompressor strided = llava.compressor;
            Assert.Equal(2, strided.Stride);
        }

        using (var qformer = QFormer.Create())
        {
            QFormerCompressor compressor = qformer.compressor;
            LinearProjector projector = qformer.multi_modal_projector;
            Assert.Equal(32, compressor.Queries);
            Assert.Equal(Granularity.Frame, compressor.Per);
            Assert.Equal(qformer.Config.Resampler.Hidden, projector.InputWidth);
        }

        using (var ccam = VideoCcam.Create())
        {
            CcamCompressor compressor = ccam.compressor;
            Assert.Equal(16, compressor.Queries);   // the tiny override of video-ccam.yaml
        }

        using var llamaVid = LlamaVid.Create();
        LlamaVidCompressor context = llamaVid.compressor;
        Assert.Equal(32, context.Queries);
        Assert.Equal(llamaVid.Config.Llm.Hidden, context.TextWidth);
    }

    [Fact]
    public void FusionBaselines_HaveTypedFusionBlocks()
    {
        using (var flamingo = Flamingo.Create())
        {
            PerceiverCompressor perceiver = flamingo.compressor;
            IReadOnlyList<GatedCrossAttentionLayer> xattn = flamingo.fusion0;
            Assert.Equal(64, perceiver.Latents);
            Assert.Equal(flamingo.Config.Fusion0.Layers.Count, xattn.Count);
            Assert.All(xattn, x => Assert.Equal(FusionSource.Compressed, x.Source));
            Assert.Same(flamingo.layers[flamingo.Config.Fusion0.Layers[0]].Fusion, xattn[0]);
        }

        using (var slowFast = SlowFast.Create())
        {
            TemporalPoolCompressor temporal = slowFast.compressor;
            IReadOnlyList<DecoderLayer> layers = slowFast.layers;
            IReadOnlyList<HybridDecoderLayer> hybrid = slowFast.fusion0;
            Assert.Equal((4, 2), (temporal.Frames, temporal.Stride));
            Assert.Same(layers[0], hybrid.Single());   // every: 8, start: 0 → layer 0 of the tiny LLM's 4
            Assert.Equal(FusionSource.Slow, hybrid[0].CrossAttention.Source);
            AssertLayers(slowFast, layers);
        }

        using (var slowFastV2V = SlowFastV2V.Create())
        {
            DualCrossAttentionLayer block = slowFastV2V.fusion0.Single();
            Assert.Equal(FusionSource.Slow, block.Source);
        }

        using var qformerT2V = QFormerT2V.Create();
        LinearProjector source = qformerT2V.source_projector;
        Assert.Equal(qformerT2V.Config.Vision.Hidden, source.InputWidth);
        Assert.Equal(qformerT2V.Config.Resampler.Hidden, qformerT2V.multi_modal_projector.InputWidth);
        AssertParts(qformerT2V, qformerT2V.vision_tower, qformerT2V.compressor, qformerT2V.multi_modal_projector, source, qformerT2V.language_model);
    }

    [Fact]
    public void EveryArchitecture_CreatesItsTypedClass_AtEveryNamedEntryPoint()
    {
        foreach (var info in Zoo.Architectures)
        {
            using var byName = Zoo.Create(info.Name);
            using var byStem = Zoo.Create(info.Stem, "tiny");
            using var byInfo = info.Create();
            Assert.Equal(info.Name, byName.GetType().Name);
            Assert.Equal(byName.GetType(), byStem.GetType());
            Assert.Equal(byName.GetType(), byInfo.GetType());
            Assert.Equal("CrossLMM.Zoo", byName.GetType().Namespace);
        }

        var ex = Assert.Throws<System.ArgumentException>(() => Zoo.Create("crosslmm", "huge"));
        Assert.StartsWith("unknown preset 'huge' for CrossLmm", ex.Message);
        Assert.Throws<System.ArgumentException>(() => Zoo.Create("nope"));
    }

    private static void AssertParts(VideoLmm model, torch.nn.Module vision, torch.nn.Module compressor, torch.nn.Module projector, torch.nn.Module? source, Qwen2ForCausalLM lm)
    {
        Assert.Same(model.get_submodule("vision_tower"), vision);
        Assert.Same(model.get_submodule("compressor"), compressor);
        Assert.Same(model.Compressor, compressor);
        Assert.Same(model.get_submodule("multi_modal_projector"), projector);
        Assert.Same(model.get_submodule("source_projector"), source);
        Assert.Same(model.get_submodule("language_model"), lm);
        Assert.Same(model.LanguageModel, lm);
    }

    private static void AssertLayers<T>(VideoLmm model, IReadOnlyList<T> layers)
        where T : DecoderLayer
    {
        Assert.Equal(model.LanguageModel.Model.Layers.Count, layers.Count);
        for (int i = 0; i < layers.Count; i++)
        {
            Assert.Same(model.get_submodule($"language_model.model.layers.{i}"), layers[i]);
        }
    }
}
