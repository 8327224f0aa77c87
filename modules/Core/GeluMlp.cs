using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// The two-layer GELU feed-forward of ViTs and BERT-style blocks, with SigLIP's Hugging Face keys
/// (<c>SiglipMLP</c>): <c>fc2(gelu(fc1(x)))</c>, both with bias. SigLIP uses the tanh approximation
/// (<c>gelu_pytorch_tanh</c>); Flamingo's dense block and BERT use the exact erf form.
/// <para>Shapes: (*, H) → (*, H_out). Keys: <c>fc1.weight</c> (I, H), <c>fc1.bias</c> (I),
/// <c>fc2.weight</c> (H_out, I), <c>fc2.bias</c> (H_out).</para>
/// </summary>
public sealed class GeluMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly string _approximate;

    /// <summary>Creates the feed-forward with PyTorch's default Linear initialisation.</summary>
    /// <param name="hidden">Input width H, ≥ 1.</param>
    /// <param name="intermediate">Inner width I (SigLIP so400m: 4304), ≥ 1.</param>
    /// <param name="approximate"><c>"tanh"</c> (SigLIP, default) or <c>"none"</c> (exact erf GELU), as in <c>nn.GELU</c>.</param>
    /// <param name="output">Output width H_out, ≥ 1; defaults to <paramref name="hidden"/>.</param>
    /// <exception cref="ArgumentException">A width below 1 or an unknown approximation.</exception>
    public GeluMlp(long hidden, long intermediate, string approximate = "tanh", long? output = null) : base(nameof(GeluMlp))
    {
        BlockChecks.Positive(hidden, nameof(hidden));
        BlockChecks.Positive(intermediate, nameof(intermediate));
        long outWidth = output ?? hidden;
        BlockChecks.Positive(outWidth, nameof(output));
        if (approximate != "tanh" && approximate != "none")
        {
            throw new ArgumentException($"approximate ('{approximate}') must be 'tanh' or 'none'", nameof(approximate));
        }

        Hidden = hidden;
        Intermediate = intermediate;
        Output = outWidth;
        _approximate = approximate;
        fc1 = nn.Linear(hidden, intermediate);
        fc2 = nn.Linear(intermediate, outWidth);
        RegisterComponents();
    }

    /// <summary>Input width H.</summary>
    public long Hidden { get; }

    /// <summary>Inner width I.</summary>
    public long Intermediate { get; }

    /// <summary>Output width H_out.</summary>
    public long Output { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        BlockChecks.LastDim(input, Hidden, nameof(input));
        using var scope = torch.NewDisposeScope();
        var projected = fc1.call(input);                                                     // [*, I]
        var inner = _approximate == "tanh" ? GeluTanh(projected) : nn.functional.gelu(projected);
        return fc2.call(inner).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// GELU in the tanh approximation, <c>½x(1 + tanh(√(2/π)(x + 0.044715x³)))</c> (PyTorch's
    /// <c>gelu(x, approximate="tanh")</c>, HF's <c>gelu_pytorch_tanh</c>): libtorch's fused kernel, one pass.
    /// </summary>
    /// <param name="x">Any tensor.</param>
    /// <returns>A new tensor of the same shape.</returns>
    public static Tensor GeluTanh(Tensor x) => nn.functional.gelu(x, GELU.Approximate.tanh);
}
