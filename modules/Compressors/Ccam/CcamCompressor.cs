using System;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// <c>ccam</c>: the causal cross-attention masks projector of Video-CCAM (Fei et al. 2024, arXiv:2408.14023).
/// Q learned queries cross-attend to all T·N frame features, but query j (0-based) only sees frames
/// t &lt; ⌈(j+1)·T/Q⌉ (<see cref="CcamCompressorConfig.VisibleFrames"/>): the queries are split into
/// time-ordered groups, earlier queries summarise earlier frames, the last group sees the whole video, and
/// for T = 1 the mask is all-true. Queries carry no positions and frames no time embedding; the mask is
/// the only source of temporal order. Features (B, T, N, D) → tokens (B, Q, H), H = resampler width.
/// Keys: <c>queries</c> (Q, H), <c>layers.{i}.{norm_queries,norm_media,cross_attn.{q,k,v,o}_proj,norm_mlp,mlp.{fc1,fc2}}</c>, <c>norm</c>.
/// </summary>
[BlockFor(typeof(CcamCompressorConfig))]
public sealed class CcamCompressor : VisualCompressor, ICompressorCost<CcamCompressorConfig>
{
    private readonly Parameter queries;
    private readonly ModuleList<CcamLayer> layers;
    private readonly LayerNorm norm;

    private readonly CcamCompressorConfig _config;

    /// <summary>Creates the projector from explicit sizes.</summary>
    /// <param name="patchGrid">Side g of the encoder's patch grid (N = g²).</param>
    /// <param name="visionWidth">Encoder feature width D.</param>
    /// <param name="queries">Learned queries Q.</param>
    /// <param name="hidden">Query width H; divisible by <paramref name="heads"/>.</param>
    /// <param name="layers">Cross-attention + FFN layers.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">Feed-forward inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <exception cref="ArgumentException">A size is invalid; the message quotes it.</exception>
    public CcamCompressor(int patchGrid, long visionWidth, int queries, long hidden, int layers, long heads, long mlp, double normEps)
        : base(nameof(CcamCompressor), patchGrid, visionWidth, hidden)
    {
        BlockChecks.Positive(queries, "queries");
        BlockChecks.Positive(layers, "layers");
        BlockChecks.Epsilon(normEps, "normEps");
        _config = new CcamCompressorConfig(queries);
        this.queries = nn.Parameter(torch.empty(queries, hidden));
        nn.init.normal_(this.queries, 0.0, 0.02);
        this.layers = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new CcamLayer(hidden, heads, mlp, normEps, visionWidth)).ToArray());
        norm = nn.LayerNorm(hidden, normEps);
        RegisterComponents();
    }

    /// <summary>Creates the projector from its record and the preset's vision and resampler sections.</summary>
    /// <param name="config">Query count.</param>
    /// <param name="vision">Defines g and D.</param>
    /// <param name="resampler">Projector sizes.</param>
    public CcamCompressor(CcamCompressorConfig config, VisionConfig vision, ResamplerConfig resampler)
        : this(CompressorArguments.Checked(config, vision, resampler).PatchGrid, vision.Hidden, config.Queries,
            resampler.Hidden, resampler.Layers, resampler.Heads, resampler.Mlp, resampler.NormEps)
    {
    }

    /// <summary>Learned queries Q.</summary>
    public int Queries => _config.Queries;

    /// <summary>How many leading frames query <paramref name="query"/> sees in a <paramref name="frames"/>-frame video.</summary>
    public int VisibleFrames(int query, int frames) => _config.VisibleFrames(query, frames);

    /// <inheritdoc/>
    public override HfKeyMap HfKeys => HfKeyMap.New("Video-CCAM, arXiv:2408.14023");

    /// <inheritdoc/>
    public override long TokensFor(int frames) => _config.Tokens(frames, PatchGrid);

    /// <summary>Features (B, T, N, D) → tokens (B, Q, H); <paramref name="text"/> and <paramref name="textPadding"/> are ignored.</summary>
    public override CompressorOutput forward(Tensor features, Tensor? text, Tensor? textPadding)
    {
        CheckFeatures(features);
        using var scope = NewDisposeScope();
        long batch = features.shape[0], time = features.shape[1], n = InputTokensPerFrame;
        var media = features.reshape(batch, time * n, InputWidth);                    // [B, T·N, D]
        var allowed = Visibility((int)time, features.device)                         // [Q, T]
            .unsqueeze(2).expand(Queries, time, n).reshape(Queries, time * n);       // [Q, T·N]
        var x = queries.unsqueeze(0).expand(batch, Queries, OutputWidth);           // [B, Q, H]
        foreach (var layer in layers) {
            x = layer.call(x, media, allowed);
        }
        return new CompressorOutput(norm.call(x).MoveToOuterDisposeScope());
    }

    // (Q, T) bool: query j may read frame t iff t < VisibleFrames(j, T).
    private Tensor Visibility(int frames, Device device)
    {
        var visible = new bool[Queries * frames];
        for (int j = 0; j < Queries; j++) {
            int horizon = _config.VisibleFrames(j, frames);
            for (int t = 0; t < horizon; t++) {
                visible[j * frames + t] = true;
            }
        }
        return torch.tensor(visible, new long[] { Queries, frames }, device: device);
    }

    /// <summary>FLOPs: the Q queries cross-attend to all T·N features (masked, so the full score matrix is computed), then an FFN, per layer.</summary>
    /// <inheritdoc/>
    public static FlopBreakdown Flops(CcamCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vision);
        ArgumentNullException.ThrowIfNull(resampler);
        checked
        {
            long r = resampler.Hidden, queries = config.Queries, d = vision.Hidden, media = (long)frames * vision.TokensPerFrame;
            long linear = resampler.Layers * (VisualBlockFlops.Linear(queries, r, r) * 2 + VisualBlockFlops.Linear(media, d, r) * 2 + VisualBlockFlops.Linear(queries, r, resampler.Mlp) * 2);
            long matmul = resampler.Layers * VisualBlockFlops.Attention(queries, media, r);
            return VisualBlockFlops.Compressor(linear, matmul).Times(batch);
        }
    }

    /// <summary>Parameters: queries Q·R, final LayerNorm 2R; per layer LayerNorms 4R + 2D, q R² + R, k/v 2(D·R + R), out R², FFN R·mlp + mlp + mlp·R + R.</summary>
    /// <inheritdoc/>
    public static long Parameters(CcamCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vision);
        ArgumentNullException.ThrowIfNull(resampler);
        checked
        {
            long d = vision.Hidden, r = resampler.Hidden, mlp = resampler.Mlp;
            return config.Queries * r + 2 * r
                + resampler.Layers * (4 * r + 2 * d + BlockParameters.Linear(r, r) + 2 * BlockParameters.Linear(d, r) + r * r + BlockParameters.Linear(r, mlp) + BlockParameters.Linear(mlp, r));
        }
    }
}
