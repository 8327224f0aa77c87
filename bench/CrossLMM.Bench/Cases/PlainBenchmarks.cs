using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using CrossLMM.Bench.Plain;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;
using CrossLMM.Zoo.Modules.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Bench.Cases;

/// <summary>
/// The model cases of <see cref="ModelBenchmarks"/> written directly on TorchSharp (<see cref="PlainCrossLmm"/>):
/// the same seeds, weights (the zoo module's own state-dict tensors) and inputs, checked against the zoo's output
/// in the set-up (max |Δ| ≤ 1e-4 + 1e-4·max |value|) before anything is timed. The report's "zoo / plain" ratio
/// is what the zoo's abstractions cost on top of the kernels.
/// </summary>
[BenchmarkCategory("model", "plain")]
public class PlainBenchmarks
{
    private readonly List<IDisposable> _owned = new();
    private Func<Tensor>? _run;

    private static ArchitectureConfig Small => ZooModels.Bind("crosslmm", "small");

    private T Own<T>(T t) where T : IDisposable
    {
        _owned.Add(t);
        return t;
    }

    private static Dictionary<string, Tensor> Weights(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    // Fails the case unless the plain forward reproduces the zoo's output.
    private static void Check(string what, Tensor zoo, Tensor plain)
    {
        using var scope = NewDisposeScope();
        var diff = (zoo - plain).abs().max().item<float>();
        var scale = zoo.abs().max().item<float>();
        if (!(diff <= 1e-4 + 1e-4 * scale))
        {
            throw new InvalidOperationException($"{what}: plain TorchSharp differs from the zoo by {diff} (max |value| {scale})");
        }

        Console.WriteLine($"{what}: plain TorchSharp reproduces the zoo (max |Δ| {diff:G2}, max |value| {scale:G3})");
    }

    [GlobalSetup(Target = nameof(PlainQwen2DecoderLayer))]
    public void SetupLayer()
    {
        var llm = Small.Llm;
        manual_seed(1);
        var layer = Own(new Qwen2DecoderLayer(llm));
        layer.eval();
        var hidden = Own(randn(1, ModelBenchmarks.Stream, llm.Hidden));
        var weights = Weights(layer);
        var (cos, sin) = PlainCrossLmm.Rotary(1, ModelBenchmarks.Stream, llm.HeadDim, llm.RopeTheta);
        Own(cos);
        Own(sin);
        using (no_grad())
        {
            var positions = Own(arange(ModelBenchmarks.Stream, dtype: ScalarType.Int64).unsqueeze(0));
            using var rotary = new RotaryEmbedding(llm.HeadDim, llm.RopeTheta).call(positions);
            using var mask = AttentionMasks.Causal(ModelBenchmarks.Stream);
            using var zoo = layer.call(hidden, new LayerContext(rotary, mask));
            using var plain = PlainCrossLmm.Qwen2Layer(hidden, weights, llm.Heads, llm.KvHeads, llm.NormEps, cos, sin);
            Check("plain.qwen2_layer", zoo, plain);
        }

        _run = () => PlainCrossLmm.Qwen2Layer(hidden, weights, llm.Heads, llm.KvHeads, llm.NormEps, cos, sin);
    }

    [GlobalSetup(Target = nameof(PlainDualCrossAttentionLayer))]
    public void SetupDcal()
    {
        var config = Small;
        var entry = config.Fusion.OfType<DualCrossAttentionConfig>().Single();
        manual_seed(2);
        var carrier = Own((Qwen2DecoderLayer)VideoLmmBuilder.BuildLayer(config.Llm, entry));
        var dcal = carrier.Fusion!;
        dcal.eval();
        ModelBenchmarks.OpenGates(dcal, 0.5);
        long visual = (long)ModelBenchmarks.Frames * ModelBenchmarks.PooledPerFrame;
        var hidden = Own(randn(1, ModelBenchmarks.Stream, config.Llm.Hidden));
        var source = Own(randn(1, (long)ModelBenchmarks.Frames * config.Vision.TokensPerFrame, config.Llm.Hidden));
        var weights = Weights(dcal);
        using (no_grad())
        {
            var fusion = new FusionInputs(new Dictionary<FusionSource, FusionSourceTokens> { [FusionSource.Original] = new(source) }, 0, visual, ModelBenchmarks.Frames);
            using var zoo = dcal.call(hidden, new LayerContext(null, null, null, fusion));
            using var plain = PlainCrossLmm.Dcal(hidden, source, weights, entry.Heads, entry.KvHeads, config.Llm.NormEps, 0, visual);
            Check("plain.dcal", zoo, plain);
        }

        _run = () => PlainCrossLmm.Dcal(hidden, source, weights, entry.Heads, entry.KvHeads, config.Llm.NormEps, 0, visual);
    }

    [GlobalSetup(Target = nameof(PlainCrossLmmPrefill))]
    public void SetupModel()
    {
        var config = Small;
        manual_seed(3);
        var model = Own(VideoLmmBuilder.Build(config));
        model.eval();
        ModelBenchmarks.OpenGates(model, 0.5);
        var v = config.Vision;
        var video = Own(randn(new long[] { 1, ModelBenchmarks.Frames, v.Channels, v.Image, v.Image }));
        var ids = Own(randint(0, config.Llm.Vocab, new long[] { 1, ModelBenchmarks.TextTokens }));
        var dcal = config.Fusion.OfType<DualCrossAttentionConfig>().Single();
        var forward = PlainCrossLmm.CrossLmm(Weights(model), new PlainCrossLmm.Sizes(v.Heads, v.NormEps, v.Patch,
            ((Pool2dCompressorConfig)config.Compressor).Grid, 1e-5, config.Llm.Heads, config.Llm.KvHeads, config.Llm.NormEps,
            config.Llm.RopeTheta, dcal.Heads, dcal.KvHeads));
        using (no_grad())
        {
            using var zoo = model.call(new VideoLmmInput(video, ids), null);
            using var plain = forward(video, ids);
            Check("plain.crosslmm_prefill", zoo.Logits, plain);
        }

        _run = () => forward(video, ids);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var d in _owned) d.Dispose();
        _owned.Clear();
    }

    /// <summary>The Qwen2 decoder layer case, plain TorchSharp.</summary>
    [Benchmark]
    [PlainTwin("ModelBenchmarks.Qwen2DecoderLayer", MaxTimeRatio = 1.05)]
    public void PlainQwen2DecoderLayer()
    {
        using var _ = no_grad();
        using var y = _run!();
    }

    /// <summary>The DCAL case, plain TorchSharp.</summary>
    [Benchmark]
    [PlainTwin("ModelBenchmarks.DualCrossAttentionLayer", MaxTimeRatio = 1.05)]
    public void PlainDualCrossAttentionLayer()
    {
        using var _ = no_grad();
        using var y = _run!();
    }

    /// <summary>The small CrossLMM prefill case, plain TorchSharp.</summary>
    [Benchmark]
    [PlainTwin("ModelBenchmarks.CrossLmmPrefill", MaxTimeRatio = 1.05)]
    public void PlainCrossLmmPrefill()
    {
        using var _ = no_grad();
        using var y = _run!();
    }
}
