using System;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// <c>longvlm</c>: LongVLM's video tokens (Weng et al. 2024, arXiv:2404.03384; code <c>ziplab/LongVLM</c>,
/// <c>model/merge.py</c>), parameter-free. The T frames are cut into ⌈T/F⌉ contiguous segments of F frames (the last
/// may be shorter); each segment's F·N encoder tokens are reduced to K local tokens by rounds of ToMe bipartite soft
/// matching (tokens alternately in sets A and B; each A token's most cosine-similar B token; the r best-matched A tokens
/// are averaged into their B partners, weighted by how many tokens each already holds; the schedule is
/// <see cref="LongVlmCompressorConfig.MergeRounds"/>). One global token, the mean of all T·N encoder tokens, comes
/// first (LongVLM puts its global "memory" tokens before the local ones). Features (B, T, N, D) → tokens
/// (B, 1 + ⌈T/F⌉·K, D): [global; segment 0's K tokens; segment 1's; …]. No parameters.
/// <para>Shapes: b batch, t frames, n = g² tokens per frame, d width, s segments, p tokens of a segment.</para>
/// <para>Where the zoo departs from LongVLM (docs/kinds/longvlm.md): the matching metric is the token itself (LongVLM
/// averages 16 channel groups first), and the global token is the mean of the final encoder tokens (LongVLM averages
/// the [CLS] token of every CLIP layer over frames, 25 tokens; SigLIP-style encoders have no [CLS]).</para>
/// </summary>
[BlockFor(typeof(LongVlmCompressorConfig))]
public sealed class LongVlmCompressor : VisualCompressor, ICompressorCost<LongVlmCompressorConfig>
{
    private readonly LongVlmCompressorConfig _config;

    /// <summary>Creates the compressor.</summary>
    /// <param name="patchGrid">Side g of the encoder's patch grid.</param>
    /// <param name="segmentFrames">Frames per segment F ≥ 1.</param>
    /// <param name="tokens">Local tokens per segment K, 1 ≤ K ≤ g².</param>
    /// <param name="width">Feature width D (kept unchanged).</param>
    /// <exception cref="ArgumentException">A size is not positive, or K exceeds one frame's g² tokens.</exception>
    public LongVlmCompressor(int patchGrid, int segmentFrames, int tokens, long width)
        : base(nameof(LongVlmCompressor), patchGrid, width, width)
    {
        BlockChecks.Positive(segmentFrames, "segmentFrames");
        BlockChecks.Positive(tokens, "tokens");
        BlockChecks.AtMost(tokens, "tokens", patchGrid * patchGrid, "the tokens of one frame (g²)");
        _config = new LongVlmCompressorConfig(segmentFrames, tokens);
        RegisterComponents();
    }

    /// <summary>Creates the compressor from its record and the vision section (g = image / patch, D = hidden).</summary>
    /// <param name="config">F and K.</param>
    /// <param name="vision">Defines g and D.</param>
    public LongVlmCompressor(LongVlmCompressorConfig config, VisionConfig vision)
        : this(CompressorArguments.Checked(config, vision).PatchGrid, config.SegmentFrames, config.SegmentTokens, vision.Hidden)
    {
    }

    /// <summary>Frames per segment F.</summary>
    public int SegmentFrames => _config.SegmentFrames;

    /// <summary>Local tokens per segment K.</summary>
    public int SegmentTokens => _config.SegmentTokens;

    /// <inheritdoc/>
    public override HfKeyMap HfKeys => HfKeyMap.Same;   // no parameters

    /// <inheritdoc/>
    public override long TokensFor(int frames) => _config.Tokens(frames, PatchGrid);

    /// <summary>The compressor's FLOPs for a batch: <see cref="MatchingFlops"/> per video, as matmuls (the rest is additions).</summary>
    /// <inheritdoc/>
    public static FlopBreakdown Flops(LongVlmCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens) =>
        FlopBreakdown.Of(CostComponent.Compressor, OpKind.Matmul, checked(batch * MatchingFlops(config, frames, vision)));

    /// <summary>No parameters.</summary>
    /// <inheritdoc/>
    public static long Parameters(LongVlmCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth) => 0;

    /// <summary>
    /// FLOPs of the matching for one video of <paramref name="frames"/> frames: per segment and round, the A·Bᵀ
    /// similarity of ⌈t/2⌉ by ⌊t/2⌋ tokens of width D, 2·⌈t/2⌉·⌊t/2⌋·D (the only products the block runs; the
    /// cost model's compressor term, through <see cref="Flops"/>).
    /// </summary>
    /// <param name="config">F and K.</param>
    /// <param name="frames">T ≥ 0.</param>
    /// <param name="vision">Defines N and D.</param>
    public static long MatchingFlops(LongVlmCompressorConfig config, int frames, VisionConfig vision)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vision);
        checked
        {
            long total = 0;
            int full = frames / config.SegmentFrames, rest = frames % config.SegmentFrames;
            foreach (var (segmentFrames, count) in new[] { (config.SegmentFrames, full), (rest, rest > 0 ? 1 : 0) })
            {
                foreach (var (before, _) in config.MergeRounds(segmentFrames * vision.TokensPerFrame))
                {
                    total += count * 2L * ((before + 1) / 2) * (before / 2) * vision.Hidden;
                }
            }

            return total;
        }
    }

    /// <summary>Features (B, T, g², D) → tokens (B, 1 + ⌈T/F⌉·K, D); <paramref name="text"/> and <paramref name="textPadding"/> are ignored.</summary>
    public override CompressorOutput forward(Tensor features, Tensor? text, Tensor? textPadding)
    {
        CheckFeatures(features);
        using var scope = NewDisposeScope();
        long batch = features.shape[0], time = features.shape[1], n = InputTokensPerFrame, d = InputWidth;
        var global = features.mean(new long[] { 1, 2 }, keepdim: false).unsqueeze(1);            // [B, 1, D]
        long full = time / SegmentFrames, rest = time % SegmentFrames;
        var parts = new System.Collections.Generic.List<Tensor> { global };
        if (full > 0)
        {
            var segments = features.narrow(1, 0, full * SegmentFrames)
                .reshape(batch * full, SegmentFrames * n, d);                                    // [b·s, F·n, d]
            parts.Add(Merge(segments).reshape(batch, full * SegmentTokens, d));                         // [b, s·K, d]
        }

        if (rest > 0)
        {
            var last = features.narrow(1, full * SegmentFrames, rest).reshape(batch, rest * n, d);   // [B, rest·N, D]
            parts.Add(Merge(last));                                                              // [b, K, d]
        }

        return new CompressorOutput(torch.cat(parts, 1).MoveToOuterDisposeScope());             // [b, 1 + ⌈t/F⌉·K, d]
    }

    // ToMe with a balanced bipartite matching, size-weighted averages: [m, p, d] → [m, K, d].
    private Tensor Merge(Tensor x)
    {
        long m = x.shape[0];
        var size = torch.ones(new[] { m, x.shape[1], 1L }, x.dtype, x.device);                  // [M, P, 1]
        foreach (var (_, removed) in _config.MergeRounds((int)x.shape[1]))
        {
            Tensor unmerged, merged, destination;
            using (torch.no_grad())
            {
                var metric = nn.functional.normalize(x, 2.0, -1);                                // [M, P, D], unit rows
                var a = metric[TensorIndex.Colon, TensorIndex.Slice(0, null, 2)];                               // [M, ⌈P/2⌉, D]
                var b = metric[TensorIndex.Colon, TensorIndex.Slice(1, null, 2)];                               // [M, ⌊P/2⌋, D]
                var scores = a.matmul(b.transpose(-1, -2));                                      // [M, ⌈P/2⌉, ⌊P/2⌋]
                if (FlopCounter.IsCounting)
                {
                    FlopCounter.Record(FlopKind.Matmul, 2 * m * a.shape[1] * b.shape[1] * a.shape[2]);
                }

                var (best, partner) = scores.max(-1);                                            // [M, ⌈P/2⌉]
                var order = best.argsort(-1, descending: true);                                  // [M, ⌈P/2⌉]
                unmerged = order.narrow(1, removed, order.shape[1] - removed);                   // [M, ⌈P/2⌉ − R]
                merged = order.narrow(1, 0, removed);                                            // [M, R]
                destination = partner.gather(1, merged);                                         // [M, R]
            }

            Tensor Reduce(Tensor v)
            {
                long c = v.shape[2];
                var src = v[TensorIndex.Colon, TensorIndex.Slice(0, null, 2)];                                  // [M, ⌈P/2⌉, C]
                var dst = v[TensorIndex.Colon, TensorIndex.Slice(1, null, 2)];                                  // [M, ⌊P/2⌋, C]
                var kept = src.gather(1, unmerged.unsqueeze(-1).expand(m, unmerged.shape[1], c)); // [M, ⌈P/2⌉ − R, C]
                var moved = src.gather(1, merged.unsqueeze(-1).expand(m, removed, c));            // [M, R, C]
                dst = dst.scatter_add(1, destination.unsqueeze(-1).expand(m, removed, c), moved);  // [M, ⌊P/2⌋, C]
                return torch.cat(new[] { kept, dst }, 1);                                         // [M, P − R, C]
            }

            var total = Reduce(x * size);                                                        // [M, P − R, D]
            size = Reduce(size);                                                                 // [M, P − R, 1]
            x = total / size;
        }

        return x;
    }
}
