using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Projectors;

/// <summary>
/// <c>linear</c>: one Linear layer from the visual width to the LLM width (LLaVA v1's projector, Liu et al.
/// 2023, arXiv:2304.08485). Tokens (…, D_in) → (…, D_out). Key: <c>linear_1</c> — the same key and function as
/// a depth-1 <see cref="MlpProjector"/>.
/// </summary>
[BlockFor(typeof(LinearProjectorConfig))]
public sealed class LinearProjector : VisualProjector, IHfKeyMapped, IProjectorCost<LinearProjectorConfig>
{
    private readonly Linear linear_1;

    /// <summary>Hugging Face keys: <c>linear_1</c> as LLaVA's <c>multi_modal_projector.linear_1</c> (a depth-1 <see cref="MlpProjector"/>'s key).</summary>
    public HfKeyMap HfKeys { get; } = new("LlavaOnevisionMultiModalProjector");

    /// <summary>Creates the projector.</summary>
    /// <param name="inputWidth">Width D_in of the incoming tokens.</param>
    /// <param name="outputWidth">Width D_out (llm.hidden).</param>
    /// <exception cref="System.ArgumentException">A width is not positive.</exception>
    public LinearProjector(long inputWidth, long outputWidth) : base(nameof(LinearProjector), inputWidth, outputWidth)
    {
        BlockChecks.Positive(inputWidth, "inputWidth");
        BlockChecks.Positive(outputWidth, "outputWidth");
        linear_1 = nn.Linear(inputWidth, outputWidth);
        RegisterComponents();
    }

    /// <summary>Creates the projector from its record (which has no fields).</summary>
    /// <param name="config">The record.</param>
    /// <param name="inputWidth">Width of the incoming tokens.</param>
    /// <param name="outputWidth">Width of the outgoing tokens.</param>
    public LinearProjector(LinearProjectorConfig config, long inputWidth, long outputWidth) : this(inputWidth, outputWidth)
    {
        System.ArgumentNullException.ThrowIfNull(config);
    }

    /// <summary>Tokens (…, D_in) → (…, D_out).</summary>
    public override Tensor forward(Tensor x)
    {
        BlockChecks.LastDim(x, InputWidth, nameof(x));
        return linear_1.call(x);
    }

    /// <summary>FLOPs: 2·tokens·in·H.</summary>
    /// <param name="config">The record.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="tokens">Tokens projected.</param>
    /// <param name="component">The component charged.</param>
    public static FlopBreakdown Flops(LinearProjectorConfig config, long inputWidth, long outputWidth, long tokens, CostComponent component) =>
        FlopBreakdown.Of(component, OpKind.Linear, checked(2 * tokens * inputWidth * outputWidth));

    /// <summary>Parameters: in·H + H.</summary>
    /// <param name="config">The record.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="component">The component charged.</param>
    public static ParameterCounts Parameters(LinearProjectorConfig config, long inputWidth, long outputWidth, CostComponent component) =>
        ParameterCounts.Of(component, BlockParameters.Linear(inputWidth, outputWidth));
}
