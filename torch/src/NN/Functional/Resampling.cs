using System;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

/// <summary>Padding modes (TorchSharp's enum, same numbering). For <c>pad</c>, Zeros is Constant with value 0.</summary>
public enum PaddingModes
{
    Zeros = 0,
    Reflect = 1,
    Replicate = 2,
    Circular = 3,
    Constant = 4,
}

public static partial class torch
{
    /// <summary>Algorithms of <see cref="nn.functional.interpolate"/>.</summary>
    public enum InterpolationMode
    {
        Nearest = 0,
        Linear = 1,
        Bilinear = 2,
        Bicubic = 3,
        Trilinear = 4,
        Area = 5,
        NearestExact = 6,
    }

    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// Pads the last ⌊len(pad)/2⌋ dims: <paramref name="pad"/> = (left, right) of the last dim, then (top, bottom)
            /// of the one before, … Negative values crop. Reflect/replicate/circular pad 1-3 trailing spatial dims of a
            /// batched or unbatched input, as in PyTorch.
            /// </summary>
            public static Tensor pad(Tensor input, long[] pad, PaddingModes mode = PaddingModes.Constant, double value = 0)
            {
                ArgumentNullException.ThrowIfNull(pad);
                if (pad.Length % 2 != 0)
                    throw new ArgumentException($"pad: the padding must have an even number of values, got [{string.Join(", ", pad)}]", nameof(pad));
                var code = mode switch {
                    PaddingModes.Constant => 0,
                    PaddingModes.Zeros => 0,
                    PaddingModes.Reflect => 1,
                    PaddingModes.Replicate => 2,
                    PaddingModes.Circular => 3,
                    _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "pad: unknown padding mode"),
                };
                return Tensor.From(zt_pad(input.Handle, pad, pad.Length, code, mode == PaddingModes.Zeros ? 0 : value));
            }

            public static Tensor pad(Tensor input, ReadOnlySpan<long> pad, PaddingModes mode = PaddingModes.Constant, double value = 0) =>
                functional.pad(input, pad.ToArray(), mode, value);

            public static Tensor pad(Tensor input, (long, long) pad, PaddingModes mode = PaddingModes.Constant, double value = 0) =>
                functional.pad(input, new[] { pad.Item1, pad.Item2 }, mode, value);

            public static Tensor pad(Tensor input, (long, long, long, long) pad, PaddingModes mode = PaddingModes.Constant, double value = 0) =>
                functional.pad(input, new[] { pad.Item1, pad.Item2, pad.Item3, pad.Item4 }, mode, value);

            /// <summary>The same padding on both sides of every dim of <paramref name="input"/> (TorchSharp's single-value form).</summary>
            public static Tensor pad(Tensor input, long pad, PaddingModes mode = PaddingModes.Constant, double value = 0)
            {
                var all = new long[input.Dimensions * 2];
                Array.Fill(all, pad);
                return functional.pad(input, all, mode, value);
            }

            /// <summary>
            /// Resamples the spatial dims of (N, C, L), (N, C, H, W) or (N, C, T, H, W) input to <paramref name="size"/>, or by
            /// <paramref name="scale_factor"/> (output = ⌊in·s⌋; one factor for all dims or one per dim), as F.interpolate does:
            /// with scale factors and <paramref name="recompute_scale_factor"/> false the kernels map coordinates with the given
            /// factors, otherwise with in/out. <paramref name="align_corners"/> (default false) is only meaningful for the
            /// linear modes; giving it for nearest or area throws, as in PyTorch. Modes: nearest, linear (3-d input), bilinear
            /// and bicubic (4-d), trilinear (5-d), area (adaptive average pooling), nearest-exact.
            /// </summary>
            public static Tensor interpolate(Tensor x, long[]? size = null, double[]? scale_factor = null, InterpolationMode mode = InterpolationMode.Nearest,
                bool? align_corners = null, bool recompute_scale_factor = false, bool antialias = false)
            {
                var nsp = (int)x.Dimensions - 2;
                if (nsp < 1 || nsp > 3)
                    throw new ArgumentException($"interpolate: expected a 3-d, 4-d or 5-d input (N, C, spatial...), got shape [{string.Join(", ", x.shape)}]", nameof(x));
                if ((size is null) == (scale_factor is null))
                    throw new ArgumentException("interpolate: exactly one of size and scale_factor must be given");
                var linear = mode is InterpolationMode.Linear or InterpolationMode.Bilinear or InterpolationMode.Bicubic or InterpolationMode.Trilinear;
                if (align_corners is not null && !linear)
                    throw new ArgumentException($"interpolate: align_corners can only be set with the linear modes (linear, bilinear, bicubic, trilinear), not {mode}", nameof(align_corners));
                if (antialias)
                    throw new NotSupportedException("interpolate: antialias is not supported by this engine (libtorch 1.13 CPU kernels)");
                long[] sizes = new long[nsp];
                double[] factors = new double[3];
                int hasSize;
                if (size is not null) {
                    sizes = Spatial(size, nsp, null, 1, "interpolate", nameof(size));
                    hasSize = 1;
                } else {
                    var sf = scale_factor!;
                    if (sf.Length != 1 && sf.Length != nsp)
                        throw new ArgumentException($"interpolate: scale_factor has {sf.Length} values, expected 1 or {nsp} for a {x.Dimensions}-d input", nameof(scale_factor));
                    for (var i = 0; i < nsp; i++) {
                        factors[i] = sf.Length == 1 ? sf[0] : sf[i];
                        if (!(factors[i] > 0)) throw new ArgumentException($"interpolate: scale factors must be positive, got {factors[i]}", nameof(scale_factor));
                    }
                    if (recompute_scale_factor) {
                        var shape = x.shape;
                        for (var i = 0; i < nsp; i++) sizes[i] = (long)Math.Floor(shape[i + 2] * factors[i]);
                        hasSize = 1;
                    } else {
                        hasSize = 0;
                    }
                }
                return Tensor.From(zt_interpolate(x.Handle, nsp, sizes, hasSize, factors[0], factors[1], factors[2], (int)mode,
                    align_corners == true ? 1 : 0));
            }
        }
    }
}
