using CrossLMM.Zoo.Modules.Vision;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// The CCAM projector's feed-forward: fc1 → GELU (exact) → fc2. x (B, Q, H) → (B, Q, H).
/// Keys: <c>fc1</c> (H → mlp), <c>fc2</c> (mlp → H), with bias.
/// </summary>
public sealed class CcamFeedForward : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    /// <summary>Creates the feed-forward.</summary>
    /// <param name="hidden">Width H.</param>
    /// <param name="mlp">Inner width.</param>
    /// <exception cref="System.ArgumentException">A width is not positive.</exception>
    public CcamFeedForward(int hidden, int mlp) : base(nameof(CcamFeedForward))
    {
        BlockArguments.Positive(hidden, "hidden");
        BlockArguments.Positive(mlp, "mlp");
        fc1 = nn.Linear(hidden, mlp);
        fc2 = nn.Linear(mlp, hidden);
        RegisterComponents();
    }

    /// <summary>x (B, Q, H) → (B, Q, H).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return fc2.call(nn.functional.gelu(fc1.call(x))).MoveToOuterDisposeScope();
    }
}
