using System;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Projectors;

/// <summary>
/// <c>mlp</c>: LLaVA's multimodal projector (Liu et al. 2023, arXiv:2310.03744, <c>mlp2x_gelu</c>; HF
/// <c>LlavaMultiModalProjector</c>) generalised to <c>depth</c> Linear layers with the activation between them,
/// optionally preceded by a LayerNorm over the input — CrossLMM's Φ, "a 2-layer MLP with GeLU with layer
/// normalization" (arXiv:2505.17020, §4.1). Hidden widths equal the output width.
/// Tokens (…, D_in) → (…, D_out).
/// Keys: <c>norm</c> (when enabled), <c>linear_1</c> (D_in → D_out), <c>linear_2</c> … <c>linear_depth</c> (D_out → D_out).
/// </summary>
[BlockFor(typeof(MlpProjectorConfig))]
public sealed class MlpProjector : VisualProjector, IHfKeyMapped, IProjectorCost<MlpProjectorConfig>
{
    private readonly LayerNorm? norm;
    private readonly Linear[] _linears;
    private readonly Activation _activation;

    /// <summary>Creates the projector.</summary>
    /// <param name="inputWidth">Width D_in of the incoming tokens.</param>
    /// <param name="outputWidth">Width D_out (llm.hidden).</param>
    /// <param name="depth">Number of Linear layers, ≥ 1 (2 in LLaVA and CrossLMM).</param>
    /// <param name="activation">Activation between the Linear layers.</param>
    /// <param name="layerNorm">Normalisation of the input before the first Linear.</param>
    /// <param name="normEps">Epsilon of that LayerNorm.</param>
    /// <exception cref="ArgumentException">A size is invalid; the message quotes it.</exception>
    public MlpProjector(long inputWidth, long outputWidth, int depth = 2, Activation activation = Activation.Gelu,
        ProjectorNorm layerNorm = ProjectorNorm.None, double normEps = 1e-5)
        : base(nameof(MlpProjector), inputWidth, outputWidth)
    {
        BlockChecks.Positive(inputWidth, "inputWidth");
        BlockChecks.Positive(outputWidth, "outputWidth");
        BlockChecks.Positive(depth, "depth");
        BlockChecks.Epsilon(normEps, "normEps");
        _activation = activation;
        if (layerNorm == ProjectorNorm.LayerNorm) {
            norm = nn.LayerNorm(inputWidth, normEps);
            register_module("norm", norm);
        }
        // the layer count is a constructor argument, so the linear_i are registered by name, in run order
        _linears = Enumerable.Range(1, depth).Select(i => nn.Linear(i == 1 ? inputWidth : outputWidth, outputWidth)).ToArray();
        for (int i = 0; i < depth; i++) {
            register_module($"linear_{i + 1}", _linears[i]);
        }
        RegisterComponents();
    }

    /// <summary>Creates the projector from its record.</summary>
    /// <param name="config">Depth, activation, normalisation.</param>
    /// <param name="inputWidth">Width of the incoming tokens.</param>
    /// <param name="outputWidth">Width of the outgoing tokens (llm.hidden).</param>
    public MlpProjector(MlpProjectorConfig config, long inputWidth, long outputWidth)
        : this(inputWidth, outputWidth, Checked(config).Depth, config.Activation, config.Norm)
    {
    }

    /// <summary>HF's <c>LlavaOnevisionMultiModalProjector</c> / <c>LlavaMultiModalProjector</c>: the same names (<c>linear_1</c>, <c>linear_2</c>; <c>norm</c> is CrossLMM's and has none).</summary>
    public HfKeyMap HfKeys { get; } = new("LlavaOnevisionMultiModalProjector");

    /// <summary>Number of Linear layers.</summary>
    public int Depth => _linears.Length;

    /// <summary>Tokens (…, D_in) → (…, D_out).</summary>
    public override Tensor forward(Tensor x)
    {
        BlockChecks.LastDim(x, InputWidth, nameof(x));
        using var scope = NewDisposeScope();
        var h = norm is null ? x : norm.call(x);
        for (int i = 0; i < _linears.Length; i++) {
            h = _linears[i].call(h);
            if (i + 1 < _linears.Length) {
                h = Activate(h);
            }
        }
        return h.MoveToOuterDisposeScope(); // depth ≥ 1, so h is a new tensor
    }

    private Tensor Activate(Tensor x) => _activation switch {
        Activation.Gelu => nn.functional.gelu(x),
        Activation.GeluTanh => GeluMlp.GeluTanh(x),
        Activation.Silu => nn.functional.silu(x),
        Activation.Relu => nn.functional.relu(x),
        _ => throw new InvalidOperationException($"activation ({_activation}) is not supported"),
    };

    private static MlpProjectorConfig Checked(MlpProjectorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        ConfigRules.ThrowIfAny(config.Validate(), nameof(config));
        return config;
    }

    /// <summary>FLOPs of depth k: 2·tokens·(in·H + (k − 1)·H²).</summary>
    /// <param name="config">The record.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="tokens">Tokens projected.</param>
    /// <param name="component">The component charged.</param>
    public static FlopBreakdown Flops(MlpProjectorConfig config, long inputWidth, long outputWidth, long tokens, CostComponent component)
    {
        ArgumentNullException.ThrowIfNull(config);
        return FlopBreakdown.Of(component, OpKind.Linear, checked(2 * tokens * (inputWidth * outputWidth + (config.Depth - 1) * outputWidth * outputWidth)));
    }

    /// <summary>Parameters: [LayerNorm 2·in] + in·H + H + (depth − 1)(H² + H).</summary>
    /// <param name="config">The record.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="component">The component charged.</param>
    public static ParameterCounts Parameters(MlpProjectorConfig config, long inputWidth, long outputWidth, CostComponent component)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ParameterCounts.Of(component, checked((config.Norm == ProjectorNorm.LayerNorm ? 2 * inputWidth : 0)
            + BlockParameters.Linear(inputWidth, outputWidth) + (config.Depth - 1) * BlockParameters.Linear(outputWidth, outputWidth)));
    }
}
