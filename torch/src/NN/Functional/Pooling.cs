using System;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            // Spatial arguments come as one value per spatial dim, or one value for all of them (PyTorch's
            // int-or-tuple); anything else is an ArgumentException naming the argument and the values.
            internal static long[] Spatial(long[]? values, int n, long[]? fallback, long fill, string op, string what)
            {
                if (values is null) return fallback is null ? Filled(n, fill) : Spatial(fallback, n, null, fill, op, what);
                if (values.Length == n) return values;
                if (values.Length == 1) return Filled(n, values[0]);
                throw new ArgumentException($"{op}: {what} has {values.Length} values [{string.Join(", ", values)}], expected 1 or {n}", what);
            }

            private static long[] Filled(int n, long value)
            {
                var a = new long[n];
                Array.Fill(a, value);
                return a;
            }

            private static Tensor AvgPool(int n, Tensor input, long[] kernel_size, long[]? stride, long[]? padding, bool ceil_mode,
                bool count_include_pad, long? divisor_override)
            {
                var op = $"avg_pool{n}d";
                if (divisor_override is not null)
                    throw new NotSupportedException($"{op}: divisor_override is not supported by this engine");
                var k = Spatial(kernel_size, n, null, 1, op, nameof(kernel_size));
                return Tensor.From(zt_avg_pool(input.Handle, n, k, Spatial(stride, n, k, 1, op, nameof(stride)),
                    Spatial(padding, n, null, 0, op, nameof(padding)), ceil_mode ? 1 : 0, count_include_pad ? 1 : 0));
            }

            /// <summary>1-d average pooling: (N, C, L) or (C, L) → (…, L'). Stride defaults to the kernel size.</summary>
            public static Tensor avg_pool1d(Tensor input, long kernel_size, long? stride = null, long? padding = null, bool ceil_mode = false,
                bool count_include_pad = true) =>
                AvgPool(1, input, new[] { kernel_size }, stride is null ? null : new[] { stride.Value }, new[] { padding ?? 0 }, ceil_mode,
                    count_include_pad, null);

            /// <summary>2-d average pooling: (N, C, H, W) or (C, H, W) → (…, H', W'). Stride defaults to the kernel size.</summary>
            public static Tensor avg_pool2d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null, bool ceil_mode = false,
                bool count_include_pad = true, long? divisor_override = null) =>
                AvgPool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);

            public static Tensor avg_pool2d(Tensor input, long kernel_size, long? stride = null, long padding = 0, bool ceil_mode = false,
                bool count_include_pad = true, long? divisor_override = null) =>
                AvgPool(2, input, new[] { kernel_size }, stride is null ? null : new[] { stride.Value }, new[] { padding }, ceil_mode,
                    count_include_pad, divisor_override);

            public static Tensor avg_pool2d(Tensor input, (long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null,
                bool ceil_mode = false, bool count_include_pad = true, long? divisor_override = null) =>
                AvgPool(2, input, new[] { kernel_size.Item1, kernel_size.Item2 }, stride is { } s ? new[] { s.Item1, s.Item2 } : null,
                    padding is { } p ? new[] { p.Item1, p.Item2 } : null, ceil_mode, count_include_pad, divisor_override);

            /// <summary>3-d average pooling: (N, C, T, H, W) or (C, T, H, W) → (…, T', H', W'). Stride defaults to the kernel size.</summary>
            public static Tensor avg_pool3d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null, bool ceil_mode = false,
                bool count_include_pad = true, long? divisor_override = null) =>
                AvgPool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);

            public static Tensor avg_pool3d(Tensor input, long kernel_size, long? stride = null, long padding = 0, bool ceil_mode = false,
                bool count_include_pad = true, long? divisor_override = null) =>
                AvgPool(3, input, new[] { kernel_size }, stride is null ? null : new[] { stride.Value }, new[] { padding }, ceil_mode,
                    count_include_pad, divisor_override);

            private static Tensor MaxPool(int n, Tensor input, long[] kernel_size, long[]? stride, long[]? padding, long[]? dilation, bool ceil_mode)
            {
                var op = $"max_pool{n}d";
                var k = Spatial(kernel_size, n, null, 1, op, nameof(kernel_size));
                return Tensor.From(zt_max_pool(input.Handle, n, k, Spatial(stride, n, k, 1, op, nameof(stride)),
                    Spatial(padding, n, null, 0, op, nameof(padding)), Spatial(dilation, n, null, 1, op, nameof(dilation)), ceil_mode ? 1 : 0));
            }

            public static Tensor max_pool1d(Tensor input, long kernel_size, long? stride = null, long? padding = null, long? dilation = null,
                bool ceil_mode = false) =>
                MaxPool(1, input, new[] { kernel_size }, stride is null ? null : new[] { stride.Value }, new[] { padding ?? 0 },
                    new[] { dilation ?? 1 }, ceil_mode);

            /// <summary>2-d max pooling: (N, C, H, W) or (C, H, W) → (…, H', W'). Stride defaults to the kernel size.</summary>
            public static Tensor max_pool2d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null, long[]? dilation = null,
                bool ceil_mode = false) =>
                MaxPool(2, input, kernel_size, stride, padding, dilation, ceil_mode);

            public static Tensor max_pool2d(Tensor input, long kernel_size, long? stride = null, long? padding = null, long? dilation = null,
                bool ceil_mode = false) =>
                MaxPool(2, input, new[] { kernel_size }, stride is null ? null : new[] { stride.Value }, new[] { padding ?? 0 },
                    new[] { dilation ?? 1 }, ceil_mode);

            public static Tensor max_pool2d(Tensor input, (long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null,
                (long, long)? dilation = null, bool ceil_mode = false) =>
                MaxPool(2, input, new[] { kernel_size.Item1, kernel_size.Item2 }, stride is { } s ? new[] { s.Item1, s.Item2 } : null,
                    padding is { } p ? new[] { p.Item1, p.Item2 } : null, dilation is { } d ? new[] { d.Item1, d.Item2 } : null, ceil_mode);

            public static Tensor max_pool3d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null, long[]? dilation = null,
                bool ceil_mode = false) =>
                MaxPool(3, input, kernel_size, stride, padding, dilation, ceil_mode);

            private static Tensor AdaptiveAvgPool(int n, Tensor input, long[] output_size) =>
                Tensor.From(zt_adaptive_avg_pool(input.Handle, n, Spatial(output_size, n, null, 1, $"adaptive_avg_pool{n}d", nameof(output_size))));

            /// <summary>Adaptive 1-d average pooling to <paramref name="output_size"/> bins: (N, C, L) → (N, C, output_size).</summary>
            public static Tensor adaptive_avg_pool1d(Tensor input, long output_size) => AdaptiveAvgPool(1, input, new[] { output_size });

            /// <summary>
            /// Adaptive 2-d average pooling: (N, C, H, W) or (C, H, W) → (…, oH, oW). Bin i of an axis of size n covers
            /// [⌊i·n/o⌋, ⌈(i+1)·n/o⌉), so bins may overlap when o does not divide n; o = n is the identity.
            /// </summary>
            public static Tensor adaptive_avg_pool2d(Tensor input, long[] output_size) => AdaptiveAvgPool(2, input, output_size);
            public static Tensor adaptive_avg_pool2d(Tensor input, (long, long) output_size) =>
                AdaptiveAvgPool(2, input, new[] { output_size.Item1, output_size.Item2 });
            public static Tensor adaptive_avg_pool2d(Tensor input, long output_size) => AdaptiveAvgPool(2, input, new[] { output_size });

            /// <summary>Adaptive 3-d average pooling: (N, C, T, H, W) or (C, T, H, W) → (…, oT, oH, oW).</summary>
            public static Tensor adaptive_avg_pool3d(Tensor input, long[] output_size) => AdaptiveAvgPool(3, input, output_size);
            public static Tensor adaptive_avg_pool3d(Tensor input, (long, long, long) output_size) =>
                AdaptiveAvgPool(3, input, new[] { output_size.Item1, output_size.Item2, output_size.Item3 });
            public static Tensor adaptive_avg_pool3d(Tensor input, long output_size) => AdaptiveAvgPool(3, input, new[] { output_size });
        }
    }
}
