using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Tools.Inference;

namespace CrossLMM.Zoo.Tools.Inspection;

/// <summary>The tensor shape at one stage of the forward pass.</summary>
/// <param name="Stage">Stage name (<c>vision_tower</c>, <c>LLM stream</c>, ...).</param>
/// <param name="Shape">Shape derived from the config.</param>
/// <param name="Symbols">The shape in symbols (<c>(B, T, N, D)</c>).</param>
/// <param name="Measured">Shape observed in a real forward (null when none was run or the stage is not observable).</param>
public sealed record StageShape(string Stage, long[] Shape, string Symbols, long[]? Measured = null)
{
    /// <summary><c>(1, 8, 196, 256)</c>.</summary>
    /// <param name="shape">A shape.</param>
    public static string Format(IEnumerable<long> shape) => "(" + string.Join(", ", shape) + ")";

    /// <summary>Whether the measured shape equals the derived one (null when not measured).</summary>
    public bool? Matches => Measured is null ? null : Measured.SequenceEqual(Shape);
}

/// <summary>
/// Shapes at each stage of the composed model for T frames and L text tokens, derived from the config's
/// formulas (no allocation, any preset), and — for a model that fits in memory — checked against a real
/// forward with hooks on <c>vision_tower</c> and the projectors.
/// </summary>
public static class StageShapes
{
    /// <summary>The derived shapes (batch 1).</summary>
    /// <param name="config">A bound architecture.</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="textTokens">L ≥ 0.</param>
    public static IReadOnlyList<StageShape> Derive(ArchitectureConfig config, int frames, int textTokens)
    {
        ArgumentNullException.ThrowIfNull(config);
        const long b = 1;
        long t = frames, n = config.EncoderTokensPerFrame, d = config.Vision.Hidden, h = config.Llm.Hidden;
        long m = config.CompressedTokens(frames), dc = config.CompressorOutputWidth, l = textTokens;
        long lv = config.StreamTokens(frames), s = lv + l;
        var v = config.Vision;
        var stages = new List<StageShape>
        {
            v.Kind == VisionKind.Vit
                ? new StageShape("video (input)", new[] { b, t, (long)v.Channels, v.Image, v.Image }, "(B, T, C, H, W)")
                : new StageShape("features (input)", new[] { b, t, n, d }, "(B, T, N, D)"),
            new StageShape("vision_tower", new[] { b, t, n, d }, "(B, T, N, D)"),
            new StageShape($"compressor ({config.Compressor.KindName})", new[] { b, m, dc }, "(B, M, D_c)"),
        };
        if (config.Compressor is TemporalPoolCompressorConfig temporal)
        {
            stages.Add(new StageShape("compressor slow tokens", new[] { b, temporal.SlowTokens(frames, config.PatchGrid), d }, "(B, T·n, D)"));
        }

        if (config.HasVisualTokensInStream || config.Sources.Contains(FusionSource.Compressed))
        {
            stages.Add(new StageShape("multi_modal_projector", new[] { b, m, h }, "(B, M, H)"));
        }

        foreach (var source in config.Sources.Where(src => src != FusionSource.Compressed))
        {
            string projector = config.SourceSpace(source) == config.Compressor.OutputSpace ? "multi_modal_projector" : "source_projector";
            stages.Add(new StageShape($"fusion source '{YamlNames.Of(source)}' via {projector}", new[] { b, config.SourceTokens(source, frames), h }, "(B, M_src, H)"));
        }

        stages.Add(new StageShape("text embeddings", new[] { b, l, h }, "(B, L, H)"));
        stages.Add(new StageShape($"LLM stream ({YamlNames.Of(config.Layout)})", new[] { b, s, h }, "(B, S, H)"));
        stages.Add(new StageShape($"decoder layers ×{config.Llm.Layers}", new[] { b, s, h }, "(B, S, H)"));
        stages.Add(new StageShape("logits", new[] { b, s, (long)config.Llm.Vocab }, "(B, S, V)"));
        return stages;
    }

    /// <summary>
    /// The derived shapes, each with the shape a real forward produced where it can be observed: the vision
    /// tower's output, the projectors' inputs and outputs (the compressor output is the stream projector's
    /// input), and the logits.
    /// </summary>
    /// <param name="model">The model of <paramref name="config"/>.</param>
    /// <param name="config">Its config.</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="textTokens">L ≥ 1.</param>
    /// <param name="seed">Seed of the random input.</param>
    public static IReadOnlyList<StageShape> Trace(VideoLmm model, ArchitectureConfig config, int frames, int textTokens, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        var derived = Derive(config, frames, textTokens);
        var seen = new Dictionary<string, List<(long[] In, long[] Out)>>();
        var removers = new List<Action>();
        foreach (var (name, child) in model.named_children())
        {
            if (child is nn.Module<Tensor, Tensor> module)
            {
                seen[name] = new List<(long[], long[])>();
                var handle = module.register_forward_hook((_, input, output) =>
                {
                    seen[name].Add((input.shape.ToArray(), output.shape.ToArray()));
                    return output;   // unchanged
                });
                removers.Add(handle.remove);
            }
        }

        long[] logits;
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            torch.manual_seed(seed);
            using var output = model.call(VideoInputs.Random(config, frames, textTokens), null);
            logits = output.Logits.shape.ToArray();
        }
        finally
        {
            foreach (var remove in removers)
            {
                remove();
            }
        }

        List<(long[] In, long[] Out)> Calls(string name) => seen.TryGetValue(name, out var calls) ? calls : new();
        var stream = Calls("multi_modal_projector");
        bool streamFirst = config.HasVisualTokensInStream || config.Sources.Contains(FusionSource.Compressed);
        return derived.Select(stage => stage.Stage switch
        {
            "vision_tower" => stage with { Measured = Calls("vision_tower").FirstOrDefault().Out },
            var c when c.StartsWith("compressor (", StringComparison.Ordinal) && streamFirst => stage with { Measured = stream.FirstOrDefault().In },
            "multi_modal_projector" => stage with { Measured = stream.FirstOrDefault().Out },
            var f when f.StartsWith("fusion source", StringComparison.Ordinal) => stage with
            {
                Measured = f.EndsWith("source_projector", StringComparison.Ordinal)
                    ? Calls("source_projector").FirstOrDefault().Out
                    : stream.Skip(streamFirst ? 1 : 0).FirstOrDefault().Out,
            },
            "logits" => stage with { Measured = logits },
            _ => stage,
        }).ToArray();
    }
}
