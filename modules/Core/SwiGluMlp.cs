using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// The SwiGLU feed-forward of Qwen2/Llama (Shazeer 2020, arXiv:2002.05202; HF <c>Qwen2MLP</c>):
/// <c>down_proj(silu(gate_proj(x)) · up_proj(x))</c>, no biases.
/// <para>Shapes: (*, H) → (*, H). Keys: <c>gate_proj.weight</c> (I, H), <c>up_proj.weight</c> (I, H),
/// <c>down_proj.weight</c> (H, I).</para>
/// </summary>
public sealed class SwiGluMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear gate_proj;
    private readonly Linear up_proj;
    private readonly Linear down_proj;

    /// <summary>Creates the feed-forward with PyTorch's default Linear initialisation.</summary>
    /// <param name="hidden">Model width H, ≥ 1.</param>
    /// <param name="intermediate">Inner width I (Qwen2.5-7B: 18944), ≥ 1.</param>
    /// <exception cref="ArgumentException">A width below 1.</exception>
    public SwiGluMlp(long hidden, long intermediate) : base(nameof(SwiGluMlp))
    {
        BlockChecks.Positive(hidden, nameof(hidden));
        BlockChecks.Positive(intermediate, nameof(intermediate));
        Hidden = hidden;
        Intermediate = intermediate;
        gate_proj = nn.Linear(hidden, intermediate, hasBias: false);
        up_proj = nn.Linear(hidden, intermediate, hasBias: false);
        down_proj = nn.Linear(intermediate, hidden, hasBias: false);
        RegisterComponents();
    }

    /// <summary>Model width H.</summary>
    public long Hidden { get; }

    /// <summary>Inner width I.</summary>
    public long Intermediate { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        BlockChecks.LastDim(input, Hidden, nameof(input));
        using var scope = torch.NewDisposeScope();
        var gated = nn.functional.silu(gate_proj.call(input)).mul(up_proj.call(input));   // [*, I]
        return down_proj.call(gated).MoveToOuterDisposeScope();
    }
}
