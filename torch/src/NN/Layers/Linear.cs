using System;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TorchSharp.Modules;

/// <summary>y = x Wᵀ + b. Input (*, in_features) → (*, out_features). Keys: <c>weight</c> (out, in), <c>bias</c> (out).</summary>
public sealed class Linear : nn.Module<Tensor, Tensor>
{
    // Properties over named fields, as in TorchSharp (its Linear.weight/bias are properties, not fields).
    [ComponentName(Name = nameof(weight))]
    private Parameter _weight;
    [ComponentName(Name = nameof(bias))]
    private Parameter? _bias;

    /// <summary>(out_features, in_features).</summary>
    public Parameter weight {
        get => _weight;
        set {
            _weight = value ?? throw new ArgumentNullException(nameof(value), "Linear: weight must not be null");
            ConditionallyRegisterParameter(nameof(weight), value);
        }
    }

    /// <summary>(out_features), or null without a bias.</summary>
    public Parameter? bias {
        get => _bias;
        set {
            _bias = value;
            ConditionallyRegisterParameter(nameof(bias), value);
        }
    }

    public long in_features { get; }
    public long out_features { get; }

    internal Linear(long inputSize, long outputSize, bool hasBias, Device? device, ScalarType? dtype) : base(nameof(Linear))
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "Linear: in_features must be positive");
        if (outputSize <= 0) throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, "Linear: out_features must be positive");
        in_features = inputSize;
        out_features = outputSize;
        using (var scope = NewDisposeScope()) {
            // PyTorch's default: kaiming_uniform(a=√5) for W, U(-1/√fan_in, 1/√fan_in) for b
            _weight = new Parameter(empty(new[] { outputSize, inputSize }, dtype, device));
            nn.init.kaiming_uniform_(_weight, a: Math.Sqrt(5));
            if (hasBias) {
                _bias = new Parameter(empty(new[] { outputSize }, dtype, device));
                var bound = 1 / Math.Sqrt(inputSize);
                nn.init.uniform_(_bias, -bound, bound);
            }
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.linear(input, _weight, _bias);
}

