using System;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// <c>perceiver</c>: Flamingo's Perceiver resampler (Alayrac et al. 2022, arXiv:2204.14198, §3.1.1): R learned
/// latents attend to [media; latents] layer after layer and come out through a final LayerNorm. The frame
/// features are first mapped to the resampler width (<c>media_proj</c>, the zoo's addition: Flamingo runs the
/// resampler at the vision width) and get a learned time embedding per frame (<c>frame_embs</c>). Per video
/// (Flamingo, OpenFlamingo) one latent set reads all T·N tokens; per frame (flamingo-pytorch) every frame has
/// its own latent set. No spatial positions: outputs are invariant to permuting patches within a frame.
/// Features (B, T, N, D) → tokens (B, R, H) per video or (B, T·R, H) per frame, H = resampler width.
/// Keys (OpenFlamingo <c>PerceiverResampler</c> plus <c>media_proj</c>): <c>media_proj.{weight,bias}</c>,
/// <c>frame_embs</c> (max_frames, H), <c>latents</c> (R, H),
/// <c>layers.{i}.0.{norm_media,norm_latents,to_q,to_kv,to_out}</c>, <c>layers.{i}.1.{0,1,3}</c>, <c>norm</c>.
/// </summary>
[BlockFor(typeof(PerceiverCompressorConfig))]
public sealed class PerceiverCompressor : VisualCompressor, ICompressorCost<PerceiverCompressorConfig>
{
    private readonly Linear media_proj;
    private readonly Parameter frame_embs;
    private readonly Parameter latents;
    private readonly ModuleList<PerceiverLayer> layers;
    private readonly LayerNorm norm;

    private readonly PerceiverCompressorConfig _config;

    /// <summary>Creates the resampler from explicit sizes.</summary>
    /// <param name="patchGrid">Side g of the encoder's patch grid (N = g²).</param>
    /// <param name="visionWidth">Encoder feature width D.</param>
    /// <param name="latents">Learned latents R (64 in Flamingo).</param>
    /// <param name="per">One latent set per video or per frame.</param>
    /// <param name="maxFrames">Rows of the time embedding: the most frames a forward may receive.</param>
    /// <param name="hidden">Resampler width H; divisible by <paramref name="heads"/>.</param>
    /// <param name="layers">Resampler layers (6 in Flamingo).</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">Feed-forward inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <exception cref="ArgumentException">A size is invalid; the message quotes it.</exception>
    public PerceiverCompressor(int patchGrid, long visionWidth, int latents, Granularity per, int maxFrames,
        long hidden, int layers, long heads, long mlp, double normEps)
        : base(nameof(PerceiverCompressor), patchGrid, visionWidth, hidden)
    {
        BlockChecks.Positive(latents, "latents");
        BlockChecks.Positive(maxFrames, "maxFrames");
        BlockChecks.Positive(layers, "layers");
        BlockChecks.Epsilon(normEps, "normEps");
        _config = new PerceiverCompressorConfig(latents, per, maxFrames);
        media_proj = nn.Linear(visionWidth, hidden);
        frame_embs = nn.Parameter(torch.randn(maxFrames, hidden));   // OpenFlamingo: torch.randn
        this.latents = nn.Parameter(torch.randn(latents, hidden));    // OpenFlamingo: torch.randn
        this.layers = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new PerceiverLayer(hidden, heads, mlp, normEps)).ToArray());
        norm = nn.LayerNorm(hidden, normEps);
        RegisterComponents();
    }

    /// <summary>Creates the resampler from its record and the preset's vision and resampler sections.</summary>
    /// <param name="config">Latents, granularity, max frames.</param>
    /// <param name="vision">Defines g and D.</param>
    /// <param name="resampler">Resampler sizes.</param>
    public PerceiverCompressor(PerceiverCompressorConfig config, VisionConfig vision, ResamplerConfig resampler)
        : this(CompressorArguments.Checked(config, vision, resampler).PatchGrid, vision.Hidden, config.Latents, config.Per, config.MaxFrames,
            resampler.Hidden, resampler.Layers, resampler.Heads, resampler.Mlp, resampler.NormEps)
    {
    }

    /// <summary>Learned latents R.</summary>
    public int Latents => _config.Latents;

    /// <summary>Per video or per frame.</summary>
    public Granularity Per => _config.Per;

    /// <summary>The most frames a forward may receive.</summary>
    public int MaxFrames => _config.MaxFrames;

    /// <inheritdoc/>
    public override HfKeyMap HfKeys => HfKeyMap.New("Flamingo Perceiver resampler, arXiv:2204.14198");

    /// <inheritdoc/>
    public override long TokensFor(int frames) => _config.Tokens(frames, PatchGrid);

    /// <summary>Features (B, T, N, D), T ≤ max frames → tokens (B, R, H) or (B, T·R, H); <paramref name="text"/> and <paramref name="textPadding"/> are ignored.</summary>
    /// <exception cref="ArgumentException">The features are malformed or have more frames than the time embedding.</exception>
    public override CompressorOutput forward(Tensor features, Tensor? text, Tensor? textPadding)
    {
        CheckFeatures(features);
        long batch = features.shape[0], time = features.shape[1], n = InputTokensPerFrame, h = OutputWidth;
        if (_config.FramesProblem((int)time) is string problem) {
            throw new ArgumentException($"{problem}: features {BlockChecks.Format(features.shape)}", nameof(features));
        }
        using var scope = NewDisposeScope();
        var media = media_proj.call(features)                                  // [B, T, N, H]
            .add(frame_embs.narrow(0, 0, time).unsqueeze(1));                 // + [t, 1, h]
        media = Per == Granularity.Frame
            ? media.reshape(batch * time, n, h)                               // [B·T, N, H]
            : media.reshape(batch, time * n, h);                              // [B, T·N, H]
        long sets = media.shape[0];
        var x = latents.unsqueeze(0).expand(sets, Latents, h);                // [B', R, H]
        foreach (var layer in layers) {
            x = layer.call(media, x);
        }
        var tokens = norm.call(x).reshape(batch, sets / batch * Latents, h);  // [B, R or T·R, H]
        return new CompressorOutput(tokens.MoveToOuterDisposeScope());
    }

    /// <summary>FLOPs: media_proj on all B·T·N tokens once; per layer and latent set, the latents read [media (M); latents (r)].</summary>
    /// <inheritdoc/>
    public static FlopBreakdown Flops(PerceiverCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vision);
        ArgumentNullException.ThrowIfNull(resampler);
        checked
        {
            long b = batch, t = frames, n = vision.TokensPerFrame, d = vision.Hidden;
            long r = resampler.Hidden, latents = config.Latents;
            long sets = config.Per == Granularity.Frame ? b * t : b;
            long media = config.Per == Granularity.Frame ? n : t * n;
            long keys = media + latents;
            long perLayerLinear = VisualBlockFlops.Linear(latents, r, r) * 2           // to_q, to_out
                + VisualBlockFlops.Linear(keys, r, 2 * r)                            // to_kv on [media; latents]
                + VisualBlockFlops.Linear(latents, r, resampler.Mlp) * 2;            // ff
            long linear = VisualBlockFlops.Linear(b * t * n, d, r) + resampler.Layers * sets * perLayerLinear;
            long matmul = resampler.Layers * sets * VisualBlockFlops.Attention(latents, keys, r);
            return VisualBlockFlops.Compressor(linear, matmul);
        }
    }

    /// <summary>Parameters: media_proj D·R + R, time embedding max_frames·R, latents·R, final LayerNorm 2R; per layer two LayerNorms 4R, q/kv/out 4R², FFN LayerNorm 2R and 2·R·mlp.</summary>
    /// <inheritdoc/>
    public static long Parameters(PerceiverCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vision);
        ArgumentNullException.ThrowIfNull(resampler);
        checked
        {
            long d = vision.Hidden, r = resampler.Hidden, mlp = resampler.Mlp;
            return BlockParameters.Linear(d, r) + config.MaxFrames * r + config.Latents * r + 2 * r
                + resampler.Layers * (4 * r + 4 * r * r + 2 * r + 2 * r * mlp);
        }
    }
}
