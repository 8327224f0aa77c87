using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// The first half of a Q-Former FFN (HF <c>Blip2QFormerIntermediate</c>): GELU(dense(x)) with exact (erf)
/// GELU, BERT's <c>hidden_act</c>. x (B, S, H) → (B, S, mlp). Key: <c>dense</c> (H → mlp).
/// </summary>
public sealed class QFormerIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;

    /// <summary>Creates the layer.</summary>
    /// <param name="hidden">Input width H.</param>
    /// <param name="mlp">FFN inner width (3072 in BERT-base).</param>
    /// <exception cref="System.ArgumentException">A width is not positive.</exception>
    public QFormerIntermediate(long hidden, long mlp) : base(nameof(QFormerIntermediate))
    {
        BlockChecks.Positive(hidden, "hidden");
        BlockChecks.Positive(mlp, "mlp");
        dense = nn.Linear(hidden, mlp);
        RegisterComponents();
    }

    /// <summary>x (B, S, H) → (B, S, mlp).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return nn.functional.gelu(dense.call(x)).MoveToOuterDisposeScope();
    }
}
