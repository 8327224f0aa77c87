using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// Rotary position embedding (RoPE; Su et al. 2021, arXiv:2104.09864) in the Hugging Face Qwen2/Llama
/// convention: frequencies <c>inv_freq[i] = 1 / θ^(2i/d)</c> for i &lt; d/2, angles
/// <c>position · inv_freq</c> repeated over both halves of the head dim, and rotation by
/// <c>x·cos + rotate_half(x)·sin</c> with <c>rotate_half([x₁, x₂]) = [−x₂, x₁]</c> (halves, not interleaved
/// pairs — the layout of HF checkpoints).
/// <para>Shapes: position ids (B, S) int64 → <see cref="RotaryPositions"/> with cos/sin (B, S, d) float32.
/// <see cref="Apply"/>: (B, heads, S, d) → (B, heads, S, d). No parameters and no checkpoint keys (HF keeps
/// <c>inv_freq</c> as a non-persistent buffer; here it is a host array).</para>
/// </summary>
public sealed class RotaryEmbedding : nn.Module<Tensor, RotaryPositions>
{
    private readonly float[] _invFreq;

    /// <summary>Creates the embedding.</summary>
    /// <param name="headDim">Head width d, even and ≥ 2.</param>
    /// <param name="theta">Base θ of the frequencies (Qwen2: 1e6 at paper scale, 1e4 in the tiny preset), &gt; 0.</param>
    /// <exception cref="ArgumentException">An odd or non-positive head width, or θ ≤ 0.</exception>
    public RotaryEmbedding(long headDim, double theta = 10000.0) : base(nameof(RotaryEmbedding))
    {
        BlockChecks.Positive(headDim, nameof(headDim));
        if (headDim % 2 != 0)
        {
            throw new ArgumentException($"headDim ({headDim}) must be even: RoPE rotates pairs of halves", nameof(headDim));
        }

        if (!(theta > 0) || double.IsInfinity(theta))
        {
            throw new ArgumentException(ConfigRules.OutOfRange(nameof(theta), theta, "> 0 and finite"), nameof(theta));
        }

        HeadDim = headDim;
        Theta = theta;
        // As HF computes it, in float32: 1 / θ ** (arange(0, d, 2).float() / d).
        _invFreq = new float[headDim / 2];
        for (int i = 0; i < _invFreq.Length; i++)
        {
            float exponent = (2f * i) / headDim;
            _invFreq[i] = 1f / MathF.Pow((float)theta, exponent);
        }

        RegisterComponents();
    }

    /// <summary>Head width d.</summary>
    public long HeadDim { get; }

    /// <summary>Base θ of the frequencies.</summary>
    public double Theta { get; }

    /// <summary>Cosines and sines for the given positions.</summary>
    /// <param name="positionIds">Absolute positions (B, S), int64 (any integer dtype is converted).</param>
    /// <returns>cos and sin, each (B, S, d) float32 on the positions' device; the caller owns them.</returns>
    public override RotaryPositions forward(Tensor positionIds)
    {
        BlockChecks.Rank(positionIds, 2, nameof(positionIds), "(B, S)");
        using var scope = torch.NewDisposeScope();
        using var invFreq = torch.tensor(_invFreq, device: positionIds.device);
        var freqs = positionIds.to(ScalarType.Float32).unsqueeze(-1).mul(invFreq);   // [B, S, d/2]
        var angles = torch.cat(new[] { freqs, freqs }, -1);                           // [B, S, d]
        var cos = angles.cos().MoveToOuterDisposeScope();
        var sin = angles.sin().MoveToOuterDisposeScope();
        return new RotaryPositions(cos, sin);
    }

    /// <summary>Rotates queries or keys: <c>x·cos + rotate_half(x)·sin</c>.</summary>
    /// <param name="x">Per-head vectors (B, heads, S, d).</param>
    /// <param name="positions">cos/sin (B, S, d) for the same S positions.</param>
    /// <returns>The rotated vectors (B, heads, S, d), in the dtype of <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentException">cos/sin for another batch, length or head width than <paramref name="x"/>'s.</exception>
    public static Tensor Apply(Tensor x, RotaryPositions positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        long[] xs = x.shape, cs = positions.Cos.shape;
        if (xs.Length != 4 || cs.Length != 3 || (cs[0] != xs[0] && cs[0] != 1) || cs[1] != xs[2] || cs[2] != xs[3])
        {
            throw new ArgumentException(
                $"rotary cos/sin {BlockChecks.Format(cs)} (B, S, d) do not fit the heads {BlockChecks.Format(xs)} (B, heads, S, d): positions for another batch, length or head width", nameof(positions));
        }

        using var scope = torch.NewDisposeScope();
        var cos = positions.Cos.unsqueeze(1).to(x.dtype);   // [B, 1, S, d]
        var sin = positions.Sin.unsqueeze(1).to(x.dtype);   // [B, 1, S, d]
        return x.mul(cos).add(RotateHalf(x).mul(sin)).MoveToOuterDisposeScope();
    }

    /// <summary><c>[x₁, x₂] → [−x₂, x₁]</c> over the last dimension (HF's <c>rotate_half</c>).</summary>
    private static Tensor RotateHalf(Tensor x)
    {
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        return torch.cat(new[] { x2.neg(), x1 }, -1);
    }
}
