using static TorchSharp.torch;

namespace TorchSharp.Modules;

/// <summary>2-d average pooling module (no parameters): (N, C, H, W) → (N, C, H', W').</summary>
public sealed class AvgPool2d : nn.Module<Tensor, Tensor>
{
    internal AvgPool2d(long[] kernel_size, long[]? stride, long[]? padding, bool ceil_mode, bool count_include_pad, long? divisor_override)
        : base(nameof(AvgPool2d))
    {
        this.kernel_size = kernel_size;
        this.stride = stride;
        this.padding = padding;
        this.ceil_mode = ceil_mode;
        this.count_include_pad = count_include_pad;
        this.divisor_override = divisor_override;
    }

    public long[] kernel_size { get; set; }
    public long[]? stride { get; set; }
    public long[]? padding { get; set; }
    public bool ceil_mode { get; set; }
    public bool count_include_pad { get; set; }
    public long? divisor_override { get; set; }

    public override Tensor forward(Tensor input) =>
        nn.functional.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);
}

/// <summary>Adaptive 2-d average pooling module: (N, C, H, W) → (N, C, oH, oW) for any H, W.</summary>
public sealed class AdaptiveAvgPool2d : nn.Module<Tensor, Tensor>
{
    internal AdaptiveAvgPool2d(long[] output_size) : base(nameof(AdaptiveAvgPool2d)) => this.output_size = output_size;

    public long[] output_size { get; set; }

    public override Tensor forward(Tensor input) => nn.functional.adaptive_avg_pool2d(input, output_size);
}

/// <summary>Softmax along <see cref="dim"/>.</summary>
public sealed class Softmax : nn.Module<Tensor, Tensor>
{
    internal Softmax(long dim) : base(nameof(Softmax)) => this.dim = dim;

    public long dim { get; set; }

    public override Tensor forward(Tensor input) => input.softmax(dim);
}

/// <summary>Flattens dims start_dim..end_dim into one.</summary>
public sealed class Flatten : nn.Module<Tensor, Tensor>
{
    internal Flatten(long start_dim, long end_dim) : base(nameof(Flatten))
    {
        this.start_dim = start_dim;
        this.end_dim = end_dim;
    }

    public long start_dim { get; set; }
    public long end_dim { get; set; }

    public override Tensor forward(Tensor input) => input.flatten(start_dim, end_dim);
}

