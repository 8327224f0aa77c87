using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// SigLIP MLP (HF <c>SiglipMLP</c>): fc1 → GELU (tanh approximation, <c>gelu_pytorch_tanh</c>) → fc2.
/// Tokens (…, D) → (…, D). Keys: <c>fc1</c> (D → mlp), <c>fc2</c> (mlp → D).
/// </summary>
public sealed class SiglipMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly GeluTanh act;
    private readonly Linear fc2;

    /// <summary>Creates the MLP.</summary>
    /// <param name="hidden">Token width D.</param>
    /// <param name="mlp">Inner width (4304 for so400m).</param>
    /// <exception cref="System.ArgumentException">A width is not positive.</exception>
    public SiglipMlp(int hidden, int mlp) : base(nameof(SiglipMlp))
    {
        BlockArguments.Positive(hidden, "hidden");
        BlockArguments.Positive(mlp, "mlp");
        fc1 = nn.Linear(hidden, mlp);
        act = new GeluTanh();
        fc2 = nn.Linear(mlp, hidden);
        RegisterComponents();
    }

    /// <summary>Tokens (…, D) → (…, D).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return fc2.call(act.call(fc1.call(x))).MoveToOuterDisposeScope();
    }
}
