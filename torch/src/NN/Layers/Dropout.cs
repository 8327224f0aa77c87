using System;
using static TorchSharp.torch;

namespace TorchSharp.Modules;

/// <summary>Zeroes elements with probability p while training (scaling the rest by 1/(1-p)); identity in eval mode.</summary>
public sealed class Dropout : nn.Module<Tensor, Tensor>
{
    private readonly double _p;

    internal Dropout(double p) : base(nameof(Dropout))
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1]");
        _p = p;
    }

    public override Tensor forward(Tensor input) => nn.functional.dropout(input, _p, training);
}
