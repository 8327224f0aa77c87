using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// The token-dependent warm-up gate of Slow-Fast hybrid layers (arXiv:2504.01328, code
/// <c>whole-dynamic-tanh-warmup</c>): <c>g = tanh(proj(x)) · tanh(β)</c>, one scalar per token, with β a
/// learned scalar initialised to 0 so that the gated cross-attention starts closed (g = 0 exactly).
/// <para>Shapes: (B, S, H) → (B, S, 1). Keys: <c>proj.weight</c> (1, H), <c>proj.bias</c> (1), <c>beta</c> (1).</para>
/// </summary>
public sealed class HybridGate : nn.Module<Tensor, Tensor>
{
    private readonly Linear proj;
    private readonly Parameter beta;

    /// <summary>Creates the gate.</summary>
    /// <param name="hidden">Width H of the gate's input, ≥ 1.</param>
    /// <param name="betaInit">Initial β (default 0: closed); must be finite.</param>
    /// <exception cref="ArgumentException">A width below 1 or a non-finite β.</exception>
    public HybridGate(long hidden, double betaInit = 0.0) : base(nameof(HybridGate))
    {
        BlockChecks.Positive(hidden, nameof(hidden));
        if (!double.IsFinite(betaInit))
        {
            throw new ArgumentException(ConfigRules.OutOfRange(nameof(betaInit), betaInit, "finite"), nameof(betaInit));
        }

        proj = nn.Linear(hidden, 1);
        using var value = betaInit.ToScalar();
        using var initial = torch.full(new long[] { 1 }, value);
        beta = nn.Parameter(initial);
        RegisterComponents();
    }

    /// <summary>The warm-up scalar β (1).</summary>
    public Parameter Beta => beta;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return proj.call(input).tanh().mul(beta.tanh()).MoveToOuterDisposeScope();   // [B, S, 1]
    }
}
