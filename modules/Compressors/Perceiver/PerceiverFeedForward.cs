using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;
using TorchSharp.Utils;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// Flamingo's resampler feed-forward (OpenFlamingo <c>FeedForward</c>, an <c>nn.Sequential</c>):
/// LayerNorm → Linear (no bias) → GELU (exact) → Linear (no bias). x (B, R, H) → (B, R, H).
/// Keys follow the Sequential's indices: <c>0</c> (LayerNorm), <c>1</c> (H → mlp), <c>3</c> (mlp → H).
/// </summary>
public sealed class PerceiverFeedForward : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "0")]
    private readonly LayerNorm norm;
    [ComponentName(Name = "1")]
    private readonly Linear fc1;
    [ComponentName(Name = "3")]
    private readonly Linear fc2;

    /// <summary>Creates the feed-forward.</summary>
    /// <param name="hidden">Width H.</param>
    /// <param name="mlp">Inner width (4·H in Flamingo).</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public PerceiverFeedForward(long hidden, long mlp, double normEps) : base(nameof(PerceiverFeedForward))
    {
        BlockChecks.Positive(hidden, "hidden");
        BlockChecks.Positive(mlp, "mlp");
        BlockChecks.Epsilon(normEps, "normEps");
        norm = nn.LayerNorm(hidden, normEps);
        fc1 = nn.Linear(hidden, mlp, hasBias: false);
        fc2 = nn.Linear(mlp, hidden, hasBias: false);
        RegisterComponents();
    }

    /// <summary>x (B, R, H) → (B, R, H).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return fc2.call(nn.functional.gelu(fc1.call(norm.call(x)))).MoveToOuterDisposeScope();
    }
}
