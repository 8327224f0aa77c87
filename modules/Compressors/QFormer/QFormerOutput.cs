using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// The BERT post-LN residual step used after every Q-Former sub-layer (HF <c>Blip2QFormerSelfOutput</c> and
/// <c>Blip2QFormerOutput</c>, which share this structure): y = LayerNorm(dense(x) + residual).
/// x (B, S, W), residual (B, S, H) → (B, S, H). Keys: <c>dense</c> (W → H), <c>LayerNorm</c>.
/// Dropout is left out: blocks run deterministically.
/// </summary>
public sealed class QFormerOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;

    /// <summary>Creates the step.</summary>
    /// <param name="inputWidth">Width W of the sub-layer's output (H after attention, the FFN width after the intermediate layer).</param>
    /// <param name="hidden">Width H of the residual stream.</param>
    /// <param name="normEps">LayerNorm epsilon (1e-12 in BERT).</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public QFormerOutput(long inputWidth, long hidden, double normEps) : base(nameof(QFormerOutput))
    {
        BlockChecks.Positive(inputWidth, "inputWidth");
        BlockChecks.Positive(hidden, "hidden");
        BlockChecks.Epsilon(normEps, "normEps");
        dense = nn.Linear(inputWidth, hidden);
        LayerNorm = nn.LayerNorm(hidden, normEps);
        RegisterComponents();
    }

    /// <summary>x (B, S, W), residual (B, S, H) → LayerNorm(dense(x) + residual) (B, S, H).</summary>
    public override Tensor forward(Tensor x, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.call(dense.call(x).add(residual)).MoveToOuterDisposeScope();
    }
}
