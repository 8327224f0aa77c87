using System;
using TorchSharp.Native;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Which fan the Kaiming initialisers preserve.</summary>
        public enum FanInOut
        {
            FanIn = 0,
            FanOut = 1,
        }

        /// <summary>Non-linearity for <see cref="init.calculate_gain"/>.</summary>
        public enum NonlinearityType
        {
            Linear = 0,
            Conv1D = 1,
            Conv2D = 2,
            Conv3D = 3,
            ConvTranspose1D = 4,
            ConvTranspose2D = 5,
            ConvTranspose3D = 6,
            Sigmoid = 7,
            Tanh = 8,
            ReLU = 9,
            LeakyReLU = 10,
        }

        /// <summary>In-place parameter initialisers (they never record gradients).</summary>
        public static class init
        {
            public static double calculate_gain(NonlinearityType nonlinearity, double param = 0.0) => nonlinearity switch {
                NonlinearityType.Tanh => 5.0 / 3.0,
                NonlinearityType.ReLU => Math.Sqrt(2.0),
                NonlinearityType.LeakyReLU => Math.Sqrt(2.0 / (1 + param * param)),
                _ => 1.0,
            };

            /// <summary>(fan_in, fan_out) of a weight of shape (out, in, k…).</summary>
            public static (long fanIn, long fanOut) CalculateFanInAndFanOut(Tensor tensor)
            {
                var s = tensor.shape;
                if (s.Length < 2)
                    throw new ArgumentException($"fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape [{string.Join(", ", s)}])");
                long receptive = 1;
                for (var i = 2; i < s.Length; i++) receptive *= s[i];
                return (s[1] * receptive, s[0] * receptive);
            }

            public static Tensor uniform_(Tensor tensor, double low = 0, double high = 1, Generator? generator = null)
            {
                using (no_grad()) NativeError.Check(zt_uniform_(tensor.Handle, low, high));
                return tensor;
            }

            public static Tensor normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
            {
                using (no_grad()) NativeError.Check(zt_normal_(tensor.Handle, mean, std));
                return tensor;
            }

            public static Tensor constant_(Tensor tensor, Scalar val)
            {
                using (no_grad()) tensor.fill_(val);
                return tensor;
            }

            public static Tensor zeros_(Tensor tensor)
            {
                using (no_grad()) tensor.zero_();
                return tensor;
            }

            public static Tensor ones_(Tensor tensor) => constant_(tensor, 1);

            public static Tensor xavier_uniform_(Tensor tensor, double gain = 1.0, Generator? generator = null)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                var bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
                return uniform_(tensor, -bound, bound);
            }

            public static Tensor xavier_normal_(Tensor tensor, double gain = 1.0, Generator? generator = null)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                return normal_(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
            }

            public static Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanInOut mode = FanInOut.FanIn,
                NonlinearityType nonlinearity = NonlinearityType.LeakyReLU, Generator? generator = null)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                var fan = mode == FanInOut.FanIn ? fanIn : fanOut;
                var bound = Math.Sqrt(3.0) * calculate_gain(nonlinearity, a) / Math.Sqrt(fan);
                return uniform_(tensor, -bound, bound);
            }

            public static Tensor kaiming_normal_(Tensor tensor, double a = 0, FanInOut mode = FanInOut.FanIn,
                NonlinearityType nonlinearity = NonlinearityType.LeakyReLU, Generator? generator = null)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                var fan = mode == FanInOut.FanIn ? fanIn : fanOut;
                return normal_(tensor, 0, calculate_gain(nonlinearity, a) / Math.Sqrt(fan));
            }

            /// <summary>
            /// Samples N(<paramref name="mean"/>, <paramref name="std"/>²) truncated to [<paramref name="a"/>, <paramref name="b"/>]
            /// by inverse-CDF sampling (as PyTorch does): uniform in [Φ(α), Φ(β)], then Φ⁻¹.
            /// </summary>
            public static Tensor trunc_normal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
            {
                static double Cdf(double x) => (1 + Erf(x / Math.Sqrt(2))) / 2;
                var l = Cdf((a - mean) / std);
                var u = Cdf((b - mean) / std);
                using (no_grad()) {
                    NativeError.Check(zt_uniform_(tensor.Handle, 2 * l - 1, 2 * u - 1));
                    NativeError.Check(zt_erfinv_(tensor.Handle));
                    tensor.mul_(std * Math.Sqrt(2)).add_(mean).clamp_(a, b);
                }
                return tensor;
            }

            // Abramowitz–Stegun 7.1.26 is too coarse for the CDF bounds; use a series/continued fraction split.
            private static double Erf(double x)
            {
                var t = Math.Abs(x);
                double r;
                if (t < 2.5) {
                    // Maclaurin series: erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
                    double sum = 0, term = t;
                    for (var n = 0; n < 60; n++) {
                        sum += term / (2 * n + 1);
                        term *= -t * t / (n + 1);
                    }
                    r = 2 / Math.Sqrt(Math.PI) * sum;
                } else {
                    // continued fraction for erfc
                    double f = 0;
                    for (var k = 60; k >= 1; k--) f = k / 2.0 / (t + f);
                    r = 1 - Math.Exp(-t * t) / Math.Sqrt(Math.PI) / (t + f);
                }
                return x < 0 ? -r : r;
            }
        }
    }
}
