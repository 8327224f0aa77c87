using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Attributes;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;
using CrossLMM.Zoo.Modules.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Bench.Cases;

/// <summary>
/// The zoo's blocks and a whole model against straightforward PyTorch implementations of the same math
/// (bench/reference/crosslmm_ref.py) on the same weights and inputs, handed over through
/// <see cref="Exchange"/>: forward only, under no_grad, float32, batch 1. Sizes are the <c>small</c> preset of
/// zoo.yaml (LLM hidden 512, 8 heads, 2 KV heads, SwiGLU 1408, RoPE θ 1e6; ViT 224/16 → 196 tokens per frame,
/// hidden 256, 4 layers) bound from architectures/crosslmm.yaml.
/// <list type="bullet">
/// <item><c>model.qwen2_layer</c>: one Qwen2 decoder layer (RMSNorm, GQA with RoPE and a causal mask, SwiGLU) over
/// 2,048 positions; cos/sin and the mask are inputs (built once per pass by the model, for every layer).</item>
/// <item><c>model.dcal</c>: one DCAL (V2V ‖ T2V cross-attention + gated SwiGLU FFN, gates α = 0.5) over a 2,048-position
/// stream whose first 288 positions are the visual block (32 frames × 3×3 pooled tokens) and the other 1,760
/// are text, reading 32×196 = 6,272 source tokens at width 512 (scope global, no padding); the source K/V
/// projections are part of the timed forward, as in a prefill.</item>
/// <item><c>model.crosslmm_prefill</c>: the whole small CrossLMM (ViT → 3×3 pooling → MLP projector → 8 Qwen2 layers
/// with a DCAL after every 4th reading the 6,272 projected original tokens → tied LM head) on 32 frames of
/// 224×224 and 64 text tokens: stream 288 + 64 = 352 positions, logits for all of them.</item>
/// </list>
/// </summary>
[BenchmarkCategory("model")]
public class ModelBenchmarks : IModuleCase
{
    /// <inheritdoc/>
    public nn.Module? Module => _module;

    public const int Stream = 2048, Frames = 32, PooledPerFrame = 9, TextTokens = 64;

    private nn.Module? _module;
    private Tensor? _hidden;
    private LayerContext? _context;
    private RotaryPositions? _rotary;
    private readonly List<Tensor> _owned = new();
    private VideoLmmInput? _input;

    private static ArchitectureConfig Small => ZooModels.Bind("crosslmm", "small");

    /// <summary>FLOPs of one <see cref="CrossLmmPrefill"/> (the analytic cost model, logits on every position), for the utilisation line.</summary>
    public static double PrefillFlops() =>
        CrossLMM.Zoo.Modules.Cost.CostModel.Prefill(Small, Frames, TextTokens, new CrossLMM.Zoo.Modules.Cost.CostOptions(LmHead: CrossLMM.Zoo.Modules.Cost.LmHeadPositions.All)).Total;

    private T Own<T>(T t) where T : Tensor
    {
        _owned.Add(t);
        return t;
    }

    private static Dictionary<string, string> Meta(params (string Key, object Value)[] items) =>
        items.ToDictionary(i => i.Key, i => System.Convert.ToString(i.Value, CultureInfo.InvariantCulture)!);

    [GlobalSetup(Target = nameof(Qwen2DecoderLayer))]
    public void SetupLayer()
    {
        var llm = Small.Llm;
        manual_seed(1);
        var layer = new Qwen2DecoderLayer(llm);
        layer.eval();
        _module = layer;
        _hidden = Own(randn(1, Stream, llm.Hidden));
        using (no_grad()) {
            var positions = Own(arange(Stream, dtype: ScalarType.Int64).unsqueeze(0));
            _rotary = new RotaryEmbedding(llm.HeadDim, llm.RopeTheta).call(positions);
            var mask = Own(AttentionMasks.Causal(Stream));
            _context = new LayerContext(_rotary, mask);
            using var expected = layer.call(_hidden, _context);
            Exchange.Write("model.qwen2_layer", layer,
                new Dictionary<string, Tensor> { ["hidden"] = _hidden, ["cos"] = _rotary.Cos, ["sin"] = _rotary.Sin },
                expected,
                Meta(("heads", llm.Heads), ("kv_heads", llm.KvHeads), ("eps", llm.NormEps)));
        }
    }

    [GlobalSetup(Target = nameof(DualCrossAttentionLayer))]
    public void SetupDcal()
    {
        var config = Small;
        var entry = config.Fusion.OfType<DualCrossAttentionConfig>().Single();
        manual_seed(2);
        var carrier = (Qwen2DecoderLayer)VideoLmmBuilder.BuildLayer(config.Llm, entry);
        var dcal = carrier.Fusion!;
        dcal.eval();
        OpenGates(dcal, 0.5);
        _module = dcal;
        var visual = (long)Frames * PooledPerFrame;
        var sourceTokens = (long)Frames * config.Vision.TokensPerFrame;
        _hidden = Own(randn(1, Stream, config.Llm.Hidden));
        var source = Own(randn(1, sourceTokens, config.Llm.Hidden));
        var fusion = new FusionInputs(new Dictionary<FusionSource, FusionSourceTokens> { [FusionSource.Original] = new(source) }, 0, visual, Frames);
        _context = new LayerContext(null, null, null, fusion);
        using (no_grad()) {
            using var expected = dcal.call(_hidden, _context);
            Exchange.Write("model.dcal", dcal,
                new Dictionary<string, Tensor> { ["hidden"] = _hidden, ["source"] = source },
                expected,
                Meta(("heads", entry.Heads), ("eps", config.Llm.NormEps), ("visual_start", 0), ("visual_length", visual)));
        }
    }

    [GlobalSetup(Target = nameof(CrossLmmPrefill))]
    public void SetupModel()
    {
        var config = Small;
        manual_seed(3);
        var model = VideoLmmBuilder.Build(config);
        model.eval();
        OpenGates(model, 0.5);
        _module = model;
        var v = config.Vision;
        var video = Own(randn(new long[] { 1, Frames, v.Channels, v.Image, v.Image }));
        var ids = Own(randint(0, config.Llm.Vocab, new long[] { 1, TextTokens }));
        _input = new VideoLmmInput(video, ids);
        using (no_grad()) {
            using var expected = model.call(_input, null);
            Exchange.Write("model.crosslmm_prefill", model,
                new Dictionary<string, Tensor> { ["video"] = video, ["input_ids"] = ids },
                expected.Logits,
                Meta(("vision_heads", v.Heads), ("vision_eps", v.NormEps), ("patch", v.Patch),
                    ("grid", ((Pool2dCompressorConfig)config.Compressor).Grid), ("projector_eps", 1e-5),
                    ("heads", config.Llm.Heads), ("kv_heads", config.Llm.KvHeads), ("eps", config.Llm.NormEps), ("theta", config.Llm.RopeTheta),
                    ("dcal_heads", config.Fusion.OfType<DualCrossAttentionConfig>().Single().Heads)));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rotary?.Dispose();
        foreach (var t in _owned) t.Dispose();
        _owned.Clear();
        _module?.Dispose();
    }

    /// <summary>Sets every gate α of <paramref name="module"/> (so the fusion branches and FFN count).</summary>
    internal static void OpenGates(nn.Module module, double alpha)
    {
        using var _ = no_grad();
        foreach (var (name, p) in module.named_parameters())
            if (name.EndsWith("alpha", System.StringComparison.Ordinal)) p.fill_(alpha);
    }

    /// <summary>One Qwen2 decoder layer, hidden 512 / 8 heads / 2 KV heads / SwiGLU 1408, over 2,048 positions.</summary>
    [Benchmark]
    [PyTorchCase("model.qwen2_layer", MaxTimeRatio = 1.0, Description = "Qwen2 decoder layer, H 512, 8/2 heads, MLP 1408, 2,048 tokens, causal (forward, no_grad)")]
    public void Qwen2DecoderLayer()
    {
        using var _ = no_grad();
        using var y = ((Qwen2DecoderLayer)_module!).call(_hidden!, _context!);
    }

    /// <summary>One DCAL: 2,048-position stream (288 visual, 1,760 text) reading 32×196 source tokens.</summary>
    [Benchmark]
    [PyTorchCase("model.dcal", MaxTimeRatio = 1.0, Description = "DCAL, H 512, stream 2,048 (288 visual + 1,760 text) reading 32x196 = 6,272 source tokens (forward, no_grad)")]
    public void DualCrossAttentionLayer()
    {
        using var _ = no_grad();
        using var y = ((DecoderFusion)_module!).call(_hidden!, _context!);
    }

    /// <summary>The whole small CrossLMM on 32 frames and 64 text tokens.</summary>
    [Benchmark]
    [PyTorchCase("model.crosslmm_prefill", MaxTimeRatio = 1.0, Description = "small CrossLMM prefill, 32 frames 224x224 + 64 text tokens (ViT, 3x3 pool, projector, 8 Qwen2 layers, 2 DCALs; forward, no_grad)")]
    public void CrossLmmPrefill()
    {
        using var _ = no_grad();
        using var y = ((VideoLmm)_module!).call(_input!, null);
    }
}
