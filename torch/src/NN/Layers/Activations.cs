using static TorchSharp.torch;

namespace TorchSharp.Modules;

/// <summary>GELU activation (exact, or the tanh approximation).</summary>
public sealed class GELU : nn.Module<Tensor, Tensor>
{
    private readonly GELUApproximate _approximate;
    internal GELU(GELUApproximate approximate) : base(nameof(GELU)) => _approximate = approximate;
    public override Tensor forward(Tensor input) => nn.functional.gelu(input, _approximate);
}

/// <summary>SiLU (swish) activation: x·σ(x).</summary>
public sealed class SiLU : nn.Module<Tensor, Tensor>
{
    internal SiLU() : base(nameof(SiLU)) { }
    public override Tensor forward(Tensor input) => nn.functional.silu(input);
}

/// <summary>ReLU activation.</summary>
public sealed class ReLU : nn.Module<Tensor, Tensor>
{
    internal ReLU() : base(nameof(ReLU)) { }
    public override Tensor forward(Tensor input) => input.relu();
}

/// <summary>Tanh activation.</summary>
public sealed class Tanh : nn.Module<Tensor, Tensor>
{
    internal Tanh() : base(nameof(Tanh)) { }
    public override Tensor forward(Tensor input) => input.tanh();
}

/// <summary>Returns its input unchanged (as a new reference, so the caller may dispose input and output independently).</summary>
public sealed class Identity : nn.Module<Tensor, Tensor>
{
    internal Identity() : base(nameof(Identity)) { }
    public override Tensor forward(Tensor input) => input.alias();
}
