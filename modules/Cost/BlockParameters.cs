using System;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>
/// Parameter counts of each block, from the same constructors the blocks run (weights and biases, learned
/// queries, positions, norms, gates). Each count must equal <c>parameters().Sum(numel)</c> of the real block;
/// the tests check it for every block and for every architecture.
/// </summary>
public static class BlockParameters
{
    /// <summary>
    /// The vision encoder: SigLIP ViT = patch conv D·C·p² + D, positions N·D, per layer two LayerNorms 4D,
    /// q/k/v/out 4(D² + D), MLP 2·D·mlp + mlp + D, post-LayerNorm 2D. Precomputed: none.
    /// </summary>
    /// <param name="vision">The vision config.</param>
    public static ParameterCounts Vision(VisionConfig vision)
    {
        ArgumentNullException.ThrowIfNull(vision);
        if (vision.Kind == VisionKind.Precomputed)
        {
            return ParameterCounts.Zero;
        }

        checked
        {
            long d = vision.Hidden, mlp = vision.Mlp;
            long embeddings = d * vision.Channels * vision.Patch * vision.Patch + d + vision.TokensPerFrame * d;
            long layer = 4 * d + 4 * Linear(d, d) + Linear(d, mlp) + Linear(mlp, d);
            return ParameterCounts.Of(CostComponent.Vision, embeddings + vision.Layers * layer + 2 * d);
        }
    }

    /// <summary>The compressor (pooling kinds: none).</summary>
    /// <param name="compressor">The compressor config.</param>
    /// <param name="vision">The vision config (D).</param>
    /// <param name="resampler">Resampler sizes.</param>
    /// <param name="textWidth">LLM width H (LLaMA-VID's text projector input).</param>
    public static ParameterCounts Compressor(CompressorConfig compressor, VisionConfig vision, ResamplerConfig resampler, int textWidth)
    {
        ArgumentNullException.ThrowIfNull(compressor);
        ArgumentNullException.ThrowIfNull(vision);
        ArgumentNullException.ThrowIfNull(resampler);
        checked
        {
            long d = vision.Hidden, r = resampler.Hidden, mlp = resampler.Mlp, layers = resampler.Layers;
            long count = compressor switch
            {
                QFormerCompressorConfig q => q.Queries * r + QFormer(resampler, q.CrossEvery, d, hasText: false),
                PerceiverCompressorConfig p => Linear(d, r) + p.MaxFrames * r + p.Latents * r + 2 * r
                    + layers * (4 * r + 4 * r * r + 2 * r + 2 * r * mlp),
                CcamCompressorConfig c => c.Queries * r + 2 * r
                    + layers * (4 * r + 2 * d + Linear(r, r) + 2 * Linear(d, r) + r * r + Linear(r, mlp) + Linear(mlp, r)),
                LlamaVidCompressorConfig l => Linear(textWidth, r) + l.Queries * r + 2 * d
                    + QFormer(resampler, Compressors.LlamaVidCompressor.CrossEvery, d, hasText: true)
                    + Linear(r, d) + 2 * Linear(d, d),
                _ => Compressors.CompressorCosts.Parameters(compressor, vision, resampler, textWidth),   // a block that declares its cost; pooling: none
            };
            return ParameterCounts.Of(CostComponent.Compressor, count);
        }
    }

    /// <summary>A projector: MLP = [LayerNorm 2·in] + in·H + H + (depth − 1)(H² + H); linear = in·H + H.</summary>
    /// <param name="projector">The projector config.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="component">The component to charge.</param>
    public static ParameterCounts Projector(ProjectorConfig projector, long inputWidth, long outputWidth, CostComponent component = CostComponent.Projector)
    {
        ArgumentNullException.ThrowIfNull(projector);
        checked
        {
            long count = projector switch
            {
                MlpProjectorConfig mlp => (mlp.Norm == ProjectorNorm.LayerNorm ? 2 * inputWidth : 0)
                    + Linear(inputWidth, outputWidth) + (mlp.Depth - 1) * Linear(outputWidth, outputWidth),
                _ => Linear(inputWidth, outputWidth),
            };
            return ParameterCounts.Of(component, count);
        }
    }

    /// <summary>
    /// A Qwen2 decoder layer (also the unchanged part of a hybrid layer): q H² + H, k and v H·kv + kv each,
    /// o H²; SwiGLU 3·H·I; two RMSNorms 2H.
    /// </summary>
    /// <param name="llm">The LLM config.</param>
    public static ParameterCounts DecoderLayer(LanguageModelConfig llm)
    {
        ArgumentNullException.ThrowIfNull(llm);
        checked
        {
            long h = llm.Hidden;
            return ParameterCounts.Of(CostComponent.AttentionProjections, Linear(h, h) + 2 * Linear(h, llm.KvWidth) + h * h)
                + ParameterCounts.Of(CostComponent.Mlp, 3 * h * llm.Mlp)
                + ParameterCounts.Of(CostComponent.Norms, 2 * h);
        }
    }

    /// <summary>The LLM outside its layers: embeddings vocab·H, final RMSNorm H, LM head vocab·H when untied.</summary>
    /// <param name="llm">The LLM config.</param>
    public static ParameterCounts LanguageModelShell(LanguageModelConfig llm)
    {
        ArgumentNullException.ThrowIfNull(llm);
        checked
        {
            long table = (long)llm.Vocab * llm.Hidden;
            return ParameterCounts.Of(CostComponent.Embeddings, table)
                + ParameterCounts.Of(CostComponent.Norms, llm.Hidden)
                + ParameterCounts.Of(CostComponent.LmHead, llm.TieEmbeddings ? 0 : table);
        }
    }

    /// <summary>
    /// A fusion block's own parameters, with kv_f = the entry's kv_heads·head_dim and I_f its FFN width. DCAL: two
    /// RMSNorms 2H; per branch k/v 2(H·kv_f + kv_f), q H² + H, o H², a gate; SwiGLU 3·H·I_f and its gate. Gated xattn:
    /// two LayerNorms 4H, q/o 2H² and k/v 2·H·kv_f (no bias), two gates, GELU FFN 2·H·I_f + I_f + H. Hybrid: k/v to
    /// the LLM's KV width 2(H·kv + kv), gate Linear(H, 1) + β = H + 2.
    /// </summary>
    /// <param name="fusion">The entry.</param>
    /// <param name="llm">The LLM config.</param>
    public static ParameterCounts Fusion(FusionConfig fusion, LanguageModelConfig llm)
    {
        ArgumentNullException.ThrowIfNull(fusion);
        ArgumentNullException.ThrowIfNull(llm);
        checked
        {
            long h = llm.Hidden, kv = fusion.KvWidth(llm.Hidden);
            switch (fusion)
            {
                case DualCrossAttentionConfig dual:
                    long branches = (dual.HasV2V ? 1 : 0) + (dual.HasT2V ? 1 : 0);
                    return ParameterCounts.Of(CostComponent.FusionNorms, 2 * h)
                        + ParameterCounts.Of(CostComponent.FusionKeyValueProjections, branches * 2 * Linear(h, kv))
                        + ParameterCounts.Of(CostComponent.FusionAttention, branches * (Linear(h, h) + h * h))
                        + ParameterCounts.Of(CostComponent.FusionGates, branches + 1)
                        + ParameterCounts.Of(CostComponent.FusionFeedForward, 3 * h * dual.Mlp);
                case GatedCrossAttentionConfig gated:
                    return ParameterCounts.Of(CostComponent.FusionNorms, 4 * h)
                        + ParameterCounts.Of(CostComponent.FusionKeyValueProjections, 2 * h * kv)
                        + ParameterCounts.Of(CostComponent.FusionAttention, 2 * h * h)
                        + ParameterCounts.Of(CostComponent.FusionGates, 2)
                        + ParameterCounts.Of(CostComponent.FusionFeedForward, Linear(h, gated.Mlp) + Linear(gated.Mlp, h));
                case HybridFusionConfig:
                    return ParameterCounts.Of(CostComponent.FusionKeyValueProjections, 2 * Linear(h, llm.KvWidth))
                        + ParameterCounts.Of(CostComponent.FusionGates, h + 2);
                default:
                    throw new ArgumentException($"fusion kind {fusion.KindName} has no parameter formula", nameof(fusion));
            }
        }
    }

    // BLIP-2 Q-Former body (QFormerModel): embedding LayerNorm + layers of self-attention, cross-attention
    // every crossEvery-th layer, the query FFN and (with text input) the text FFN; each sublayer ends in
    // dense + LayerNorm.
    private static long QFormer(ResamplerConfig resampler, int crossEvery, long featureWidth, bool hasText)
    {
        checked
        {
            long r = resampler.Hidden, mlp = resampler.Mlp;
            long ffn = Linear(r, mlp) + Linear(mlp, r) + 2 * r;
            long count = 2 * r;
            for (int layer = 0; layer < resampler.Layers; layer++)
            {
                count += 4 * Linear(r, r) + 2 * r;                                       // self: q, k, v, dense, LN
                if (layer % crossEvery == 0)
                {
                    count += 2 * Linear(r, r) + 2 * Linear(featureWidth, r) + 2 * r;      // cross: q, dense, k, v, LN
                }

                count += ffn * (hasText ? 2 : 1);
            }

            return count;
        }
    }

    // A Linear with bias: in·out + out.
    private static long Linear(long input, long output) => checked(input * output + output);
}
