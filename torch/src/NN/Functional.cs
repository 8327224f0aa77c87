using System;
using System.Linq;
using TorchSharp.Native;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>The reduction a loss applies over its elements.</summary>
        public enum Reduction : long
        {
            None = 0,
            Mean = 1,
            Sum = 2,
        }

        /// <summary>Stateless forms of the layers (TorchSharp's <c>torch.nn.functional</c>).</summary>
        public static partial class functional
        {
            /// <summary>y = x Wᵀ + b. Input (*, in), weight (out, in), bias (out) → (*, out).</summary>
            public static Tensor linear(Tensor input, Tensor weights, Tensor? bias = null) =>
                Tensor.From(zt_linear(input.Handle, weights.Handle, bias?.Handle ?? IntPtr.Zero));

            public static Tensor relu(Tensor x, bool inplace = false) => inplace ? x.relu_() : x.relu();
            public static Tensor silu(Tensor x, bool inplace = false) => Tensor.From(zt_silu(x.Handle));
            public static Tensor sigmoid(Tensor x) => x.sigmoid();
            public static Tensor tanh(Tensor x) => x.tanh();

            /// <summary>Exact (erf) GELU. TorchSharp 0.105 has only this form.</summary>
            public static Tensor gelu(Tensor x) => gelu(x, GELUApproximate.none);

            /// <summary>GELU; <see cref="GELUApproximate.tanh"/> selects the tanh approximation (newer TorchSharp only).</summary>
            public static Tensor gelu(Tensor x, GELUApproximate approximate) =>
                Tensor.From(zt_gelu(x.Handle, approximate == GELUApproximate.tanh ? 1 : 0));

            public static Tensor leaky_relu(Tensor x, double negative_slope = 0.01, bool inplace = false) => Tensor.From(zt_leaky_relu(x.Handle, negative_slope));
            public static Tensor softplus(Tensor x, double beta = 1, double threshold = 20) => Tensor.From(zt_softplus(x.Handle, beta, threshold));
            public static Tensor softmax(Tensor input, long dim, ScalarType? dtype = null) => input.softmax(dim, dtype);
            public static Tensor log_softmax(Tensor input, long dim, ScalarType? dtype = null) => input.log_softmax(dim, dtype);

            public static Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-05) =>
                Tensor.From(zt_layer_norm(input.Handle, normalized_shape, normalized_shape.Length, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero, eps));

            public static Tensor group_norm(Tensor input, long num_groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-05) =>
                Tensor.From(zt_group_norm(input.Handle, num_groups, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero, eps));

            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
            {
                if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability has to be between 0 and 1");
                return Tensor.From(zt_dropout(input.Handle, p, training ? 1 : 0));
            }

            public static Tensor embedding(Tensor input, Tensor weight, long? padding_idx = null) =>
                Tensor.From(zt_embedding(weight.Handle, input.Handle, padding_idx ?? -1));

            public static Tensor one_hot(Tensor x, long num_classes = -1) => Tensor.From(zt_one_hot(x.Handle, num_classes));

            public static Tensor conv1d(Tensor input, Tensor weight, Tensor? bias = null, long[]? strides = null, long[]? padding = null, long[]? dilation = null, long groups = 1) =>
                Conv(1, input, weight, bias, strides, padding, dilation, groups);
            public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? strides = null, long[]? padding = null, long[]? dilation = null, long groups = 1) =>
                Conv(2, input, weight, bias, strides, padding, dilation, groups);
            public static Tensor conv3d(Tensor input, Tensor weight, Tensor? bias = null, long[]? strides = null, long[]? padding = null, long[]? dilation = null, long groups = 1) =>
                Conv(3, input, weight, bias, strides, padding, dilation, groups);

            private static long[] Expand(long[]? values, int n, long fallback, string what)
            {
                if (values is null) return System.Linq.Enumerable.Repeat(fallback, n).ToArray();
                if (values.Length == 1) return System.Linq.Enumerable.Repeat(values[0], n).ToArray();
                if (values.Length != n) throw new ArgumentException($"conv{n}d: {what} has {values.Length} values, expected 1 or {n}");
                return values;
            }

            private static Tensor Conv(int n, Tensor input, Tensor weight, Tensor? bias, long[]? strides, long[]? padding, long[]? dilation, long groups) =>
                Tensor.From(zt_conv(input.Handle, weight.Handle, bias?.Handle ?? IntPtr.Zero, n,
                    Expand(strides, n, 1, "stride"), Expand(padding, n, 0, "padding"), Expand(dilation, n, 1, "dilation"), groups));
        }
    }
}
