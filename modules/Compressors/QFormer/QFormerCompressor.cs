using System;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// <c>qformer</c>: BLIP-2's Querying Transformer (Li et al. 2023, arXiv:2301.12597) as a video compressor.
/// Q learned queries (no position embedding) pass through LayerNorm and the Q-Former layers, which
/// self-attend, cross-attend to the encoder features every <c>crossEvery</c>-th layer starting at layer 0,
/// and run their own FFN. Per frame: each frame's N patches are the cross-attention source and the output is
/// T·Q tokens; per video: all T·N tokens are one source and the output is Q tokens (no time embedding, so a
/// per-video Q-Former is blind to frame order — see the CCAM projector for the causal alternative).
/// Features (B, T, N, D) → tokens (B, T·Q, H) or (B, Q, H), H = resampler width.
/// Keys (as HF <c>Blip2Model</c>): <c>query_tokens</c> (1, Q, H), <c>qformer.layernorm</c>,
/// <c>qformer.encoder.layer.{i}.{attention,crossattention,intermediate_query,output_query}.*</c>.
/// </summary>
[BlockFor(typeof(QFormerCompressorConfig))]
public sealed class QFormerCompressor : VisualCompressor, ICompressorCost<QFormerCompressorConfig>
{
    private readonly Parameter query_tokens;
    private readonly QFormerModel qformer;

    private readonly QFormerCompressorConfig _config;

    /// <summary>Creates the Q-Former from explicit sizes.</summary>
    /// <param name="patchGrid">Side g of the encoder's patch grid (N = g²).</param>
    /// <param name="visionWidth">Encoder feature width D (the cross-attention keys' input width).</param>
    /// <param name="queries">Learned queries Q (32 in BLIP-2).</param>
    /// <param name="per">One query set per frame or per video.</param>
    /// <param name="crossEvery">Cross-attention in layers 0, k, 2k, … (2 in BLIP-2).</param>
    /// <param name="hidden">Q-Former width H; divisible by <paramref name="heads"/>.</param>
    /// <param name="layers">Q-Former layers.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">FFN inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <exception cref="System.ArgumentException">A size is invalid; the message quotes it.</exception>
    public QFormerCompressor(int patchGrid, long visionWidth, int queries, Granularity per, int crossEvery,
        long hidden, int layers, long heads, long mlp, double normEps)
        : base(nameof(QFormerCompressor), patchGrid, visionWidth, hidden)
    {
        BlockChecks.Positive(queries, "queries");
        _config = new QFormerCompressorConfig(queries, per, crossEvery);
        query_tokens = nn.Parameter(torch.empty(1, queries, hidden));
        nn.init.normal_(query_tokens, 0.0, 0.02); // BLIP-2's initializer_range
        qformer = new QFormerModel(layers, hidden, heads, mlp, normEps, visionWidth, queries, crossEvery, hasTextInput: false);
        RegisterComponents();
    }

    /// <summary>Creates the Q-Former from its record and the preset's vision and resampler sections.</summary>
    /// <param name="config">Queries, granularity, cross-attention frequency.</param>
    /// <param name="vision">Defines g and D.</param>
    /// <param name="resampler">Q-Former sizes.</param>
    public QFormerCompressor(QFormerCompressorConfig config, VisionConfig vision, ResamplerConfig resampler)
        : this(CompressorArguments.Checked(config, vision, resampler).PatchGrid, vision.Hidden, config.Queries, config.Per, config.CrossEvery,
            resampler.Hidden, resampler.Layers, resampler.Heads, resampler.Mlp, resampler.NormEps)
    {
    }

    /// <summary>Learned queries Q.</summary>
    public int Queries => _config.Queries;

    /// <summary>Per frame or per video.</summary>
    public Granularity Per => _config.Per;

    /// <summary>Indices of the layers that cross-attend to the features.</summary>
    public System.Collections.Generic.IReadOnlyList<int> CrossAttentionLayers => qformer.CrossAttentionLayers;

    /// <inheritdoc/>
    public override HfKeyMap HfKeys => HfKeyMap.New("BLIP-2 Q-Former, arXiv:2301.12597");

    /// <inheritdoc/>
    public override long TokensFor(int frames) => _config.Tokens(frames, PatchGrid);

    /// <summary>Features (B, T, N, D) → tokens (B, T·Q, H) per frame or (B, Q, H) per video; <paramref name="text"/> and <paramref name="textPadding"/> are ignored.</summary>
    public override CompressorOutput forward(Tensor features, Tensor? text, Tensor? textPadding)
    {
        CheckFeatures(features);
        using var scope = NewDisposeScope();
        long batch = features.shape[0], time = features.shape[1], n = InputTokensPerFrame;
        var sources = Per == Granularity.Frame
            ? features.reshape(batch * time, n, InputWidth)            // [B·T, N, D]
            : features.reshape(batch, time * n, InputWidth);           // [B, T·N, D]
        long sets = sources.shape[0];
        var queries = query_tokens.expand(sets, Queries, OutputWidth); // [B', Q, H]
        var outputs = qformer.call(queries, sources, null);                // [B', Q, H]
        var tokens = outputs.reshape(batch, sets / batch * Queries, OutputWidth); // [B, T·Q or Q, H]
        return new CompressorOutput(tokens.MoveToOuterDisposeScope());
    }

    /// <summary>FLOPs: one Q-Former (<see cref="VisualBlockFlops.QFormer"/>) per frame over its N features, or per video over its T·N.</summary>
    /// <inheritdoc/>
    public static FlopBreakdown Flops(QFormerCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vision);
        checked
        {
            long b = batch, t = frames, n = vision.TokensPerFrame;
            return config.Per == Granularity.Frame
                ? VisualBlockFlops.QFormer(resampler, config.Queries, config.CrossEvery, vision.Hidden, n, 0).Times(b * t)
                : VisualBlockFlops.QFormer(resampler, config.Queries, config.CrossEvery, vision.Hidden, t * n, 0).Times(b);
        }
    }

    /// <summary>Parameters: the queries Q·R and the Q-Former body (<see cref="BlockParameters.QFormer"/>).</summary>
    /// <inheritdoc/>
    public static long Parameters(QFormerCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(resampler);
        return checked(config.Queries * (long)resampler.Hidden + BlockParameters.QFormer(resampler, config.CrossEvery, vision.Hidden, hasText: false));
    }
}
