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
    /// The vision encoder, as its block declares it (<see cref="IVisionCost"/>).
    /// </summary>
    /// <param name="vision">The vision config.</param>
    public static ParameterCounts Vision(VisionConfig vision) => BlockCosts.Parameters(vision ?? throw new ArgumentNullException(nameof(vision)));

    /// <summary>The compressor, as its block declares it (<c>ICompressorCost</c>; pooling kinds: none).</summary>
    /// <param name="compressor">The compressor config.</param>
    /// <param name="vision">The vision config (D).</param>
    /// <param name="resampler">Resampler sizes.</param>
    /// <param name="textWidth">LLM width H (LLaMA-VID's text projector input).</param>
    public static ParameterCounts Compressor(CompressorConfig compressor, VisionConfig vision, ResamplerConfig resampler, int textWidth)
    {
        ArgumentNullException.ThrowIfNull(compressor);
        ArgumentNullException.ThrowIfNull(vision);
        ArgumentNullException.ThrowIfNull(resampler);
        return ParameterCounts.Of(CostComponent.Compressor, BlockCosts.Parameters(compressor, vision, resampler, textWidth));
    }

    /// <summary>A projector, as its block declares it (<see cref="IProjectorCost{TConfig}"/>).</summary>
    /// <param name="projector">The projector config.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="component">The component to charge.</param>
    public static ParameterCounts Projector(ProjectorConfig projector, long inputWidth, long outputWidth, CostComponent component = CostComponent.Projector) =>
        BlockCosts.Parameters(projector ?? throw new ArgumentNullException(nameof(projector)), inputWidth, outputWidth, component);

    /// <summary>
    /// A decoder layer (also the unchanged part of a hybrid layer), as the language model's block declares it
    /// (<see cref="ILanguageModelCost"/>).
    /// </summary>
    /// <param name="llm">The LLM config.</param>
    public static ParameterCounts DecoderLayer(LanguageModelConfig llm) => BlockCosts.LayerParameters(llm ?? throw new ArgumentNullException(nameof(llm)));

    /// <summary>The LLM outside its layers, as its block declares it (<see cref="ILanguageModelCost"/>).</summary>
    /// <param name="llm">The LLM config.</param>
    public static ParameterCounts LanguageModelShell(LanguageModelConfig llm) => BlockCosts.ShellParameters(llm ?? throw new ArgumentNullException(nameof(llm)));

    // BLIP-2 Q-Former body (QFormerModel): embedding LayerNorm + layers of self-attention, cross-attention
    // every crossEvery-th layer, the query FFN and (with text input) the text FFN; each sublayer ends in
    // dense + LayerNorm.
    internal static long QFormer(ResamplerConfig resampler, int crossEvery, long featureWidth, bool hasText)
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
    internal static long Linear(long input, long output) => checked(input * output + output);
}
