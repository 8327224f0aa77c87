using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// Root-mean-square layer normalisation (Zhang &amp; Sennrich 2019), exactly as Hugging Face's
/// <c>Qwen2RMSNorm</c>: <c>y = weight · (x / √(mean(x²) + eps))</c>, computed in float32 and cast back to the
/// input dtype before the weight is applied (so bf16/fp16 models normalise in full precision).
/// <para>Shapes: (*, H) → (*, H). Key: <c>weight</c> (H), initialised to ones.</para>
/// </summary>
public sealed class RMSNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    /// <summary>Creates the norm.</summary>
    /// <param name="hidden">Width H of the normalised (last) dimension, ≥ 1.</param>
    /// <param name="eps">Added to the mean square before the square root (Qwen2: 1e-6), &gt; 0.</param>
    /// <exception cref="ArgumentException">A size or epsilon out of range.</exception>
    public RMSNorm(long hidden, double eps = 1e-6) : base(nameof(RMSNorm))
    {
        BlockChecks.Positive(hidden, nameof(hidden));
        if (!(eps > 0) || double.IsInfinity(eps))
        {
            throw new ArgumentException(ConfigRules.OutOfRange(nameof(eps), eps, "> 0 and finite"), nameof(eps));
        }

        Hidden = hidden;
        _eps = eps;
        using var ones = torch.ones(hidden);
        weight = nn.Parameter(ones);
        RegisterComponents();
    }

    /// <summary>Width H of the normalised dimension.</summary>
    public long Hidden { get; }

    /// <summary>The learned scale (H).</summary>
    public Parameter Weight => weight;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        BlockChecks.LastDim(input, Hidden, nameof(input));
        using var scope = torch.NewDisposeScope();
        var x = input.to(ScalarType.Float32);
        var variance = x.square().mean(new long[] { -1 }, keepdim: true);
        // The Scalar stays referenced until the add returns (see docs/engine.md, "Scalars").
        using var eps = _eps.ToScalar();
        var normed = x.mul(torch.rsqrt(variance.add(eps))).to(input.dtype);
        return weight.mul(normed).MoveToOuterDisposeScope();
    }
}
