using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// A learned scalar gate <c>y = tanh(α)·x</c> (Flamingo, Alayrac et al. 2022, arXiv:2204.14198; CrossLMM's
/// γ ∈ [−1, 1], arXiv:2505.17020 Eq. 7/10). With α = 0 the output is exactly zero, so a residual branch
/// <c>h + tanh(α)·f(h)</c> starts as the identity and an untrained fused model equals its base LLM.
/// <para>Shapes: (*) → (*). Key: <c>alpha</c> (1).</para>
/// </summary>
public sealed class TanhGate : nn.Module<Tensor, Tensor>
{
    private readonly Parameter alpha;

    /// <summary>Creates the gate.</summary>
    /// <param name="init">Initial α (default 0: the gated branch starts closed); must be finite.</param>
    /// <exception cref="ArgumentException">A non-finite initial value.</exception>
    public TanhGate(double init = 0.0) : base(nameof(TanhGate))
    {
        if (!double.IsFinite(init))
        {
            throw new ArgumentException(ConfigRules.OutOfRange(nameof(init), init, "finite"), nameof(init));
        }

        using var value = init.ToScalar();
        using var initial = torch.full(new long[] { 1 }, value);
        alpha = nn.Parameter(initial);
        RegisterComponents();
    }

    /// <summary>The gate parameter α (1).</summary>
    public Parameter Alpha => alpha;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return input.mul(alpha.tanh()).MoveToOuterDisposeScope();
    }
}
