using System;
using static TorchSharp.torch;

namespace TorchSharp.Modules;

/// <summary>Layer normalisation over the trailing <c>normalized_shape</c> dims. Keys: <c>weight</c> (ones), <c>bias</c> (zeros).</summary>
public sealed class LayerNorm : nn.Module<Tensor, Tensor>
{
    public Parameter? weight;
    public Parameter? bias;
    private readonly long[] _shape;
    private readonly double _eps;

    internal LayerNorm(long[] normalized_shape, double eps, bool elementwise_affine, bool bias, Device? device, ScalarType? dtype) : base(nameof(LayerNorm))
    {
        _shape = (long[])normalized_shape.Clone();
        _eps = eps;
        if (elementwise_affine) {
            using (NewDisposeScope()) {
                weight = new Parameter(ones(_shape, dtype, device));
                if (bias) this.bias = new Parameter(zeros(_shape, dtype, device));
            }
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.layer_norm(input, _shape, weight, bias, _eps);
}
