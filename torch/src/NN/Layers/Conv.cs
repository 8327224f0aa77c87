using System;
using System.Linq;
using static TorchSharp.torch;

namespace TorchSharp.Modules;

/// <summary>
/// N-d convolution shared by <see cref="Conv2d"/> and <see cref="Conv3d"/>. Keys: <c>weight</c>
/// (out, in/groups, k…), <c>bias</c> (out). PyTorch's default initialisation.
/// </summary>
public abstract class Convolution : nn.Module<Tensor, Tensor>
{
    public Parameter weight;
    public Parameter? bias;
    protected readonly long[] stride, padding, dilation;
    protected readonly long groups;

    protected Convolution(string name, long in_channels, long out_channels, long[] kernel, long[] stride, long[] padding, long[] dilation,
        long groups, bool hasBias, Device? device, ScalarType? dtype) : base(name)
    {
        if (in_channels <= 0 || out_channels <= 0)
            throw new ArgumentOutOfRangeException(nameof(in_channels), $"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must be positive");
        if (groups <= 0 || in_channels % groups != 0 || out_channels % groups != 0)
            throw new ArgumentException($"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must be divisible by groups ({groups})", nameof(groups));
        if (kernel.Any(k => k <= 0)) throw new ArgumentException($"{name}: kernel_size ({string.Join(", ", kernel)}) must be positive", nameof(kernel));
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        using (NewDisposeScope()) {
            weight = new Parameter(empty(new[] { out_channels, in_channels / groups }.Concat(kernel).ToArray(), dtype, device));
            nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
            if (hasBias) {
                var (fanIn, _) = nn.init.CalculateFanInAndFanOut(weight);
                bias = new Parameter(empty(new[] { out_channels }, dtype, device));
                var bound = 1 / Math.Sqrt(fanIn);
                nn.init.uniform_(bias, -bound, bound);
            }
        }
        RegisterComponents();
    }
}

/// <summary>2-d convolution: (B, C_in, H, W) → (B, C_out, H', W').</summary>
public sealed class Conv2d : Convolution
{
    internal Conv2d(long in_channels, long out_channels, (long, long) kernel, (long, long) stride, (long, long) padding, (long, long) dilation,
        long groups, bool bias, Device? device, ScalarType? dtype)
        : base(nameof(Conv2d), in_channels, out_channels, new[] { kernel.Item1, kernel.Item2 }, new[] { stride.Item1, stride.Item2 },
               new[] { padding.Item1, padding.Item2 }, new[] { dilation.Item1, dilation.Item2 }, groups, bias, device, dtype) { }

    public override Tensor forward(Tensor input) => nn.functional.conv2d(input, weight, bias, stride, padding, dilation, groups);
}

/// <summary>3-d convolution: (B, C_in, T, H, W) → (B, C_out, T', H', W').</summary>
public sealed class Conv3d : Convolution
{
    internal Conv3d(long in_channels, long out_channels, (long, long, long) kernel, (long, long, long) stride, (long, long, long) padding,
        (long, long, long) dilation, long groups, bool bias, Device? device, ScalarType? dtype)
        : base(nameof(Conv3d), in_channels, out_channels, new[] { kernel.Item1, kernel.Item2, kernel.Item3 }, new[] { stride.Item1, stride.Item2, stride.Item3 },
               new[] { padding.Item1, padding.Item2, padding.Item3 }, new[] { dilation.Item1, dilation.Item2, dilation.Item3 }, groups, bias, device, dtype) { }

    public override Tensor forward(Tensor input) => nn.functional.conv3d(input, weight, bias, stride, padding, dilation, groups);
}
