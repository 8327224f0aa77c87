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
    /// The vision encoder over <paramref name="images"/> frames (B·T), as its block declares it (<see cref="IVisionCost"/>).
    /// </summary>
    /// <param name="vision">The vision config.</param>
    /// <param name="images">Frames encoded, B·T ≥ 0.</param>
    /// <param name="component">The component to charge (default <see cref="CostComponent.Vision"/>).</param>
    public static FlopBreakdown Vision(VisionConfig vision, long images, CostComponent component = CostComponent.Vision) =>
        BlockCosts.Flops(vision ?? throw new ArgumentNullException(nameof(vision)), images, component);

    /// <summary>
    /// The compressor's forward on (B, T, N, D) features, as its block declares it (<c>ICompressorCost</c>).
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
        return BlockCosts.Flops(compressor, vision, resampler, textWidth, batch, frames, promptTokens);
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
    /// The output of a projector, as its block declares it (<see cref="IProjectorCost{TConfig}"/>).
    /// </summary>
    /// <param name="projector">The projector config.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="tokens">Tokens projected (over the batch).</param>
    /// <param name="component">The component to charge (projector or source projector).</param>
    public static FlopBreakdown Projector(ProjectorConfig projector, long inputWidth, long outputWidth, long tokens, CostComponent component = CostComponent.Projector) =>
        BlockCosts.Flops(projector ?? throw new ArgumentNullException(nameof(projector)), inputWidth, outputWidth, tokens, component);

    /// <summary>Linear and matmul FLOPs charged to the compressor.</summary>
    internal static FlopBreakdown Compressor(long linear, long matmul) =>
        FlopBreakdown.Of(CostComponent.Compressor, OpKind.Linear, linear) + FlopBreakdown.Of(CostComponent.Compressor, OpKind.Matmul, matmul);

    /// <summary>2·rows·in·out: one <c>linear</c> over <paramref name="rows"/> rows.</summary>
    internal static long Linear(long rows, long input, long output) => checked(2 * rows * input * output);

    /// <summary>QKᵀ and AV of <paramref name="queries"/> over <paramref name="keys"/> with total head width <paramref name="width"/>: 2 · 2·S·K·width.</summary>
    internal static long Attention(long queries, long keys, long width) => checked(4 * queries * keys * width);
}
