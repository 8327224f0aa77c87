using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Projectors;
using CrossLMM.Zoo.Modules.Vision;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Inference;
using CrossLMM.Zoo.Tools.Text;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>What to build on a LLaVA-OneVision checkpoint.</summary>
public enum LlavaOnevisionVariant
{
    /// <summary>LLaVA-OneVision itself (HF's video path).</summary>
    Base,

    /// <summary>
    /// CrossLMM on it: the same model plus <c>architectures/crosslmm.yaml</c>'s fusion plan (a dual V2V ‖ T2V
    /// cross-attention block after every 4th decoder layer, reading all original vision tokens), whose blocks are
    /// new (<c>--allow-missing '*.cross_attn.*'</c>) with gates at 0, so it starts as exactly the base model.
    /// </summary>
    CrossLmm,
}

/// <summary>
/// A Hugging Face <c>LlavaOnevisionForConditionalGeneration</c> checkpoint folder on the zoo's <see cref="VideoLmm"/>,
/// sized by config.json. The parts follow HF's video path exactly: SigLIP (<see cref="SiglipVisionTransformer"/>)
/// up to <c>vision_feature_layer</c> without the post-layernorm, every patch token kept
/// (<see cref="IdentityCompressor"/>), then <see cref="LlavaOnevisionVideoProjector"/> (MLP, bilinear 2× pooling per
/// frame, one <c>image_newline</c> after the video), Qwen2 over [text before &lt;video&gt;; video; text after].
/// <para>Keys: each block declares its own mapping (<see cref="IHfKeyMapped"/>); this class adds only where HF's
/// top-level model keeps the parts. Both layouts found on the Hub are read: the one the released
/// <c>llava-hf/llava-onevision-*</c> files use (<c>vision_tower.vision_model.*</c>, <c>multi_modal_projector.*</c>,
/// <c>image_newline</c>, <c>language_model.model.*</c>, <c>language_model.lm_head.weight</c>) and the one transformers
/// ≥ 4.52 saves (<c>model.vision_tower.*</c>, <c>model.multi_modal_projector.*</c>, <c>model.image_newline</c>,
/// <c>model.language_model.*</c>, <c>lm_head.weight</c>).</para>
/// <para>Not implemented: images (HF's anyres tiling with unpadding and per-row newlines), several videos in one
/// prompt.</para>
/// </summary>
public sealed class LlavaOnevisionCheckpoint : IDisposable
{
    /// <summary>The layout of the released checkpoints (transformers &lt; 4.52).</summary>
    public static readonly HfKeyMap LegacyLayout = new("LlavaOnevisionForConditionalGeneration (language_model.model.*)",
        new HfKeyRule("multi_modal_projector.image_newline", "image_newline"),
        new HfKeyRule("source_projector.", "multi_modal_projector."));

    /// <summary>The layout transformers ≥ 4.52 saves.</summary>
    public static readonly HfKeyMap CurrentLayout = new("LlavaOnevisionForConditionalGeneration (model.language_model.*)",
        new HfKeyRule("vision_tower.", "model.vision_tower."),
        new HfKeyRule("multi_modal_projector.image_newline", "model.image_newline"),
        new HfKeyRule("multi_modal_projector.", "model.multi_modal_projector."),
        new HfKeyRule("source_projector.", "model.multi_modal_projector."),
        new HfKeyRule("language_model.model.", "model.language_model."),
        new HfKeyRule("language_model.lm_head.", "lm_head."));

    /// <summary>CrossLMM's fusion blocks sit after every 4th decoder layer (K = 4, the paper's best ablation; <c>crosslmm.yaml</c>'s <c>every: 4</c>).</summary>
    public const int FusionEvery = 4;

    private LlavaOnevisionCheckpoint(string folder, LlavaOnevisionCheckpointConfig config, LlavaOnevisionVariant variant, VideoLmm model,
        Qwen2Tokenizer tokenizer, StrictLoadReport report, IReadOnlyList<string> files, string layout, double loadMs)
    {
        Folder = folder;
        Config = config;
        Variant = variant;
        Model = model;
        Tokenizer = tokenizer;
        Report = report;
        Files = files;
        Layout = layout;
        LoadMs = loadMs;
        StopIds = Qwen2Checkpoint.StopIdsOf(config.EosTokenIds, tokenizer);
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>config.json's fields.</summary>
    public LlavaOnevisionCheckpointConfig Config { get; }

    /// <summary>Base model or CrossLMM on it.</summary>
    public LlavaOnevisionVariant Variant { get; }

    /// <summary>The model, in eval mode.</summary>
    public VideoLmm Model { get; }

    /// <summary>The tokenizer (must know the <c>&lt;video&gt;</c> token).</summary>
    public Qwen2Tokenizer Tokenizer { get; }

    /// <summary>What loading did.</summary>
    public StrictLoadReport Report { get; }

    /// <summary>The safetensors files read.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Which key layout the files use.</summary>
    public string Layout { get; }

    /// <summary>Wall time of building and loading.</summary>
    public double LoadMs { get; }

    /// <summary>Ids that end generation.</summary>
    public IReadOnlyList<int> StopIds { get; }

    /// <summary>Builds the model for <paramref name="config"/>, randomly initialised (fusion gates at 0).</summary>
    /// <param name="config">The checkpoint's sizes.</param>
    /// <param name="variant">Base or CrossLMM.</param>
    public static VideoLmm Build(LlavaOnevisionCheckpointConfig config, LlavaOnevisionVariant variant)
    {
        ArgumentNullException.ThrowIfNull(config);
        var v = config.Vision;
        var llm = config.Llm;
        var tower = new SiglipVisionTransformer(v.Image, v.Patch, v.Channels, v.Hidden, v.Layers, v.Heads, v.Mlp, v.NormEps, featureLayer: config.FeatureLayer);
        var compressor = new IdentityCompressor(v.PatchGrid, v.Hidden);
        var projector = new LlavaOnevisionVideoProjector(v.PatchGrid, v.Hidden, llm.Hidden);
        if (variant == LlavaOnevisionVariant.Base)
        {
            return new VideoLmm(tower, compressor, projector, null, new Qwen2ForCausalLM(llm), CrossLMM.Zoo.Configs.Layout.VideoFirst);
        }

        // The original tokens reach the fusion blocks through the base model's projector MLP (its own copy, loaded from
        // the same checkpoint tensors), not through the pooling projector.
        var fusion = CrossLmmFusion(llm);
        var source = new MlpProjector(v.Hidden, llm.Hidden, depth: 2, activation: Activation.Gelu);
        var lm = new Qwen2ForCausalLM(llm, i => VideoLmmBuilder.BuildLayer(llm, fusion.Layers.Contains(i) ? fusion : null));
        return new VideoLmm(tower, compressor, projector, source, lm, CrossLMM.Zoo.Configs.Layout.VideoFirst);
    }

    /// <summary>
    /// CrossLMM's fusion entry (<c>architectures/crosslmm.yaml</c>: branches, scope, source, gate init) on layers
    /// K−1, 2K−1, … of this LLM (K = <see cref="FusionEvery"/>), with the LLM's heads and MLP width.
    /// </summary>
    /// <param name="llm">The checkpoint's LLM sizes.</param>
    public static DualCrossAttentionConfig CrossLmmFusion(LanguageModelConfig llm)
    {
        ArgumentNullException.ThrowIfNull(llm);
        var template = ZooCatalog.Config("crosslmm", "tiny").Fusion.OfType<DualCrossAttentionConfig>().Single();
        if (template.Scope != TokenScope.Global)
        {
            // per-frame scope needs the stream's visual tokens in whole frames; LLaVA-OneVision's newline token is not one
            throw new ZooUserException($"crosslmm.yaml's fusion scope is {template.Scope}; on LLaVA-OneVision (one newline token after the frames) only the global scope is supported");
        }

        var layers = Enumerable.Range(0, llm.Layers).Where(i => (i + 1) % FusionEvery == 0).ToEquatableArray();
        if (layers.Count == 0)
        {
            throw new ZooUserException($"the checkpoint's LLM has {llm.Layers} layers; CrossLMM puts a fusion block after every {FusionEvery}th, so it needs at least {FusionEvery}");
        }

        return template with { Layers = layers, Heads = llm.Heads, KvHeads = llm.KvHeads, Mlp = llm.Mlp };
    }

    /// <summary>Parameters of the model <see cref="Build"/> makes, without allocating it.</summary>
    /// <param name="config">Sizes.</param>
    public static long ParameterCount(LlavaOnevisionCheckpointConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long d = config.Vision.Hidden, h = config.Llm.Hidden;
        long projector = d * h + h + h * h + h + h;   // linear_1, linear_2, image_newline
        return SiglipCheckpoint.ParameterCount(new SiglipCheckpointConfig(config.Vision, UseHead: false, null)) + projector + Qwen2Checkpoint.ParameterCount(config.Llm);
    }

    /// <summary>Builds the model from config.json and loads the weights and the tokenizer, strictly.</summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="variant">Base or CrossLMM (whose fusion keys are absent from any LLaVA-OneVision checkpoint).</param>
    /// <param name="allowMissing">Glob patterns of keys that may be absent (<c>*.cross_attn.*</c> for CrossLMM).</param>
    /// <exception cref="ZooUserException">Anything wrong with the folder, or a model too large for the memory available.</exception>
    public static LlavaOnevisionCheckpoint Load(string folder, LlavaOnevisionVariant variant = LlavaOnevisionVariant.Base, IEnumerable<string>? allowMissing = null)
    {
        var watch = Stopwatch.StartNew();
        HfConfigJson.ArchitectureOf(folder);
        var config = LlavaOnevisionCheckpointConfig.ReadFolder(folder);
        var tokenizer = Qwen2Tokenizer.Load(folder);
        if (tokenizer.VocabSize > config.Llm.Vocab)
        {
            throw new ZooUserException($"the tokenizer has {tokenizer.VocabSize} ids but text_config.vocab_size is {config.Llm.Vocab}");
        }

        using var weights = CheckpointWeights.Open(folder);
        InferenceGuards.EnsureWeightsFit(ParameterCount(config), $"LlavaOnevisionForConditionalGeneration from '{folder}'");
        var model = Build(config, variant);
        try
        {
            bool current = weights.Keys.Any(k => k.StartsWith("model.language_model.", StringComparison.Ordinal));
            var layout = current ? CurrentLayout : LegacyLayout;
            var keys = HfKeyMap.Compose(model, layout);
            var ignore = config.Llm.TieEmbeddings ? new[] { current ? "lm_head.weight" : "language_model.lm_head.weight" } : Array.Empty<string>();
            var report = StrictStateLoader.Load(model, weights, allowMissing, ignore, keys);
            model.eval();
            watch.Stop();
            return new LlavaOnevisionCheckpoint(folder, config, variant, model, tokenizer, report, weights.Files, layout.HfModule, watch.Elapsed.TotalMilliseconds);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Disposes the model.</summary>
    public void Dispose() => Model.Dispose();
}
