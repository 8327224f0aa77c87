using System;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// GELU with the tanh approximation, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): SigLIP's
/// <c>gelu_pytorch_tanh</c> and the projector's <c>gelu_tanh</c>. Shape-preserving, no parameters.
/// </summary>
/// <remarks>
/// Written out because the approximate-GELU overloads differ between the engine
/// (<c>gelu(x, "tanh")</c>) and TorchSharp (<c>gelu(x, GELU.Approximate.tanh)</c>); the element-wise form
/// compiles against both and matches PyTorch's kernel to float rounding.
/// </remarks>
public sealed class GeluTanh : nn.Module<Tensor, Tensor>
{
    private static readonly double Coefficient = Math.Sqrt(2.0 / Math.PI);

    /// <summary>Creates the activation.</summary>
    public GeluTanh() : base(nameof(GeluTanh))
    {
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var inner = input.add(input.pow(3).mul(0.044715)).mul(Coefficient).tanh();
        return input.mul(0.5).mul(inner.add(1.0)).MoveToOuterDisposeScope();
    }
}
