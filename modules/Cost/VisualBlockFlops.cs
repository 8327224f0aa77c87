using System;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>
/// FLOPs of one forward of each block before the LLM — vision encoder, compressors, projectors — written
/// from the blocks' forward code, product by product. Every count is 2 per multiply-add:
/// <c>linear</c> 2·rows·in·out, <c>matmul</c> 2·numel(out)·K, <c>conv</c> 2·numel(out)·in_channels·k².
/// Shapes follow the blocks: B batch, T frames, N = g² encoder tokens per frame, D vision width,
/// R resampler width.
/// </summary>
public static class VisualBlockFlops
{
    /// <summary>
    /// The vision encoder over <paramref name="images"/> frames (B·T). SigLIP ViT per frame: patch conv
    /// 2·N·D·C·p²; per layer q/k/v/out 8·N·D², QKᵀ and AV 2·N²·D each, MLP 4·N·D·mlp. Precomputed: nothing.
    /// </summary>
    /// <param name="vision">The vision config.</param>
    /// <param name="images">Frames encoded, B·T ≥ 0.</param>
    /// <param name="component">The component to charge (default <see cref="CostComponent.Vision"/>).</param>
    public static FlopBreakdown Vision(VisionConfig vision, long images, CostComponent component = CostComponent.Vision)
    {
        ArgumentNullException.ThrowIfNull(vision);
        if (vision.Kind == VisionKind.Precomputed)
        {
            return FlopBreakdown.Zero;
        }

        checked
        {
            long n = vision.TokensPerFrame, d = vision.Hidden;
            long conv = 2 * images * n * d * vision.Channels * vision.Patch * vision.Patch;
            long linear = vision.Layers * images * (Linear(n, d, d) * 4 + Linear(n, d, vision.Mlp) * 2);
            long matmul = vision.Layers * images * Attention(n, n, d);
            return FlopBreakdown.Of(component, OpKind.Conv, conv)
                + FlopBreakdown.Of(component, OpKind.Linear, linear)
                + FlopBreakdown.Of(component, OpKind.Matmul, matmul);
        }
    }

    /// <summary>
    /// The compressor's forward on (B, T, N, D) features. Pooling kinds are free (pooling is not a product).
    /// </summary>
    /// <param name="compressor">The compressor config.</param>
    /// <param name="vision">The vision config (N, D).</param>
    /// <param name="resampler">Resampler sizes (for learned-query kinds).</param>
    /// <param name="textWidth">LLM width H (LLaMA-VID's prompt embeddings).</param>
    /// <param name="batch">B ≥ 1.</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="promptTokens">Prompt tokens LLaMA-VID's text Q-Former reads (0: none).</param>
    public static FlopBreakdown Compressor(
        CompressorConfig compressor, VisionConfig vision, ResamplerConfig resampler, int textWidth, int batch, int frames, int promptTokens)
    {
        ArgumentNullException.ThrowIfNull(compressor);
        ArgumentNullException.ThrowIfNull(vision);
        ArgumentNullException.ThrowIfNull(resampler);
        checked
        {
            long b = batch, t = frames, n = vision.TokensPerFrame, d = vision.Hidden;
            return compressor switch
            {
                QFormerCompressorConfig q => q.Per == Granularity.Frame
                    ? QFormer(resampler, q.Queries, q.CrossEvery, d, n, 0).Times(b * t)
                    : QFormer(resampler, q.Queries, q.CrossEvery, d, t * n, 0).Times(b),
                PerceiverCompressorConfig p => Perceiver(p, resampler, d, b, t, n),
                CcamCompressorConfig c => Ccam(resampler, c.Queries, d, t * n).Times(b),
                LlamaVidCompressorConfig l => LlamaVid(l, resampler, d, n, textWidth, b, t, promptTokens),
                _ => Compressors.CompressorCosts.Flops(compressor, vision, resampler, textWidth, batch, frames, promptTokens),   // a block that declares its cost; pooling: none
            };
        }
    }

    /// <summary>
    /// One BLIP-2 Q-Former (<c>QFormerModel</c>) over one set of Q queries (+ L text tokens) reading M
    /// features of width D: per layer self-attention over Q + L (q, k, v, dense: 8·(Q+L)·R²; scores
    /// 4·(Q+L)²·R), cross-attention of the Q queries every <paramref name="crossEvery"/>-th layer (q and dense
    /// 4·Q·R², k and v 4·M·D·R, scores 4·Q·M·R), the query FFN 4·Q·R·mlp and the text FFN 4·L·R·mlp.
    /// </summary>
    /// <param name="resampler">Sizes R, layers, mlp.</param>
    /// <param name="queries">Q.</param>
    /// <param name="crossEvery">Cross-attention in layers i with i mod this = 0.</param>
    /// <param name="featureWidth">D.</param>
    /// <param name="features">M features per set.</param>
    /// <param name="text">L text tokens per set (0 for the compressor; LLaMA-VID's prompt).</param>
    public static FlopBreakdown QFormer(ResamplerConfig resampler, long queries, int crossEvery, long featureWidth, long features, long text)
    {
        ArgumentNullException.ThrowIfNull(resampler);
        checked
        {
            long r = resampler.Hidden, q = queries, e = queries + text;
            long linear = 0, matmul = 0;
            for (int layer = 0; layer < resampler.Layers; layer++)
            {
                linear += Linear(e, r, r) * 4;                 // query, key, value, output.dense
                matmul += Attention(e, e, r);
                if (layer % crossEvery == 0)
                {
                    linear += Linear(q, r, r) * 2 + Linear(features, featureWidth, r) * 2;
                    matmul += Attention(q, features, r);
                }

                linear += Linear(q, r, resampler.Mlp) * 2;     // intermediate_query, output_query
                linear += Linear(text, r, resampler.Mlp) * 2;  // intermediate, output (text)
            }

            return Compressor(linear, matmul);
        }
    }

    /// <summary>
    /// The output of a projector (MLP of depth k: 2·tokens·(in·H + (k − 1)·H²); linear: 2·tokens·in·H).
    /// </summary>
    /// <param name="projector">The projector config.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="tokens">Tokens projected (over the batch).</param>
    /// <param name="component">The component to charge (projector or source projector).</param>
    public static FlopBreakdown Projector(ProjectorConfig projector, long inputWidth, long outputWidth, long tokens, CostComponent component = CostComponent.Projector)
    {
        ArgumentNullException.ThrowIfNull(projector);
        checked
        {
            long perToken = projector switch
            {
                MlpProjectorConfig mlp => inputWidth * outputWidth + (mlp.Depth - 1) * outputWidth * outputWidth,
                _ => inputWidth * outputWidth,
            };
            return FlopBreakdown.Of(component, OpKind.Linear, 2 * tokens * perToken);
        }
    }

    // Perceiver: media_proj on all B·T·N tokens once; per layer and set, latents r read [media (M); latents (r)].
    private static FlopBreakdown Perceiver(PerceiverCompressorConfig p, ResamplerConfig resampler, long d, long b, long t, long n)
    {
        checked
        {
            long r = resampler.Hidden, latents = p.Latents;
            long sets = p.Per == Granularity.Frame ? b * t : b;
            long media = p.Per == Granularity.Frame ? n : t * n;
            long keys = media + latents;
            long perLayerLinear = Linear(latents, r, r) * 2                 // to_q, to_out
                + Linear(keys, r, 2 * r)                                   // to_kv on [media; latents]
                + Linear(latents, r, resampler.Mlp) * 2;                   // ff
            long linear = Linear(b * t * n, d, r) + resampler.Layers * sets * perLayerLinear;
            long matmul = resampler.Layers * sets * Attention(latents, keys, r);
            return Compressor(linear, matmul);
        }
    }

    // CCAM: Q queries cross-attend to all T·N features (masked, so the full score matrix is computed), then an FFN.
    private static FlopBreakdown Ccam(ResamplerConfig resampler, long queries, long d, long media)
    {
        checked
        {
            long r = resampler.Hidden;
            long linear = resampler.Layers * (Linear(queries, r, r) * 2 + Linear(media, d, r) * 2 + Linear(queries, r, resampler.Mlp) * 2);
            long matmul = resampler.Layers * Attention(queries, media, r);
            return Compressor(linear, matmul);
        }
    }

    // LLaMA-VID: per frame, a text Q-Former (m queries + L prompt tokens) → m text queries in vision width;
    // keys = W_k X; context = mean over queries of softmax(QKᵀ/√D)·X (raw patches as values) → W_val.
    private static FlopBreakdown LlamaVid(LlamaVidCompressorConfig l, ResamplerConfig resampler, long d, long n, long textWidth, long b, long t, long prompt)
    {
        checked
        {
            long r = resampler.Hidden, m = l.Queries, frames = b * t;
            var qformer = QFormer(resampler, m, Compressors.LlamaVidCompressor.CrossEvery, d, n, prompt).Times(frames);
            long linear = Linear(b * prompt, textWidth, r)        // vlm_att_text_projector (once per sample)
                + frames * (Linear(m, r, d)                        // vlm_att_projector
                    + Linear(n, d, d)                              // vlm_att_key_projector
                    + Linear(1, d, d));                            // vlm_att_val_projector on the context
            long matmul = frames * Attention(m, n, d);
            return qformer + Compressor(linear, matmul);
        }
    }

    private static FlopBreakdown Compressor(long linear, long matmul) =>
        FlopBreakdown.Of(CostComponent.Compressor, OpKind.Linear, linear) + FlopBreakdown.Of(CostComponent.Compressor, OpKind.Matmul, matmul);

    /// <summary>2·rows·in·out: one <c>linear</c> over <paramref name="rows"/> rows.</summary>
    internal static long Linear(long rows, long input, long output) => checked(2 * rows * input * output);

    /// <summary>QKᵀ and AV of <paramref name="queries"/> over <paramref name="keys"/> with total head width <paramref name="width"/>: 2 · 2·S·K·width.</summary>
    internal static long Attention(long queries, long keys, long width) => checked(4 * queries * keys * width);
}
