using System;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// Cross entropy of logits <paramref name="input"/> (N, C) or (N, C, d…) against class indices (N) / (N, d…) or
            /// class probabilities of the input's shape. Targets equal to <paramref name="ignore_index"/> contribute nothing
            /// and are excluded from the mean's denominator (which is the sum of the targets' class weights). With
            /// <paramref name="label_smoothing"/> ε the target is (1−ε)·onehot + ε/C.
            /// </summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100,
                Reduction reduction = Reduction.Mean, double label_smoothing = 0.0)
            {
                if (label_smoothing < 0 || label_smoothing > 1)
                    throw new ArgumentOutOfRangeException(nameof(label_smoothing), label_smoothing, "cross_entropy: label_smoothing must be in [0, 1]");
                return Tensor.From(zt_cross_entropy(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, (long)reduction, ignore_index, label_smoothing));
            }

            /// <summary>
            /// Negative log likelihood of log-probabilities <paramref name="input"/> (N, C) or (N, C, d…) at class indices
            /// <paramref name="target"/>. <paramref name="ignore_index"/> is an extension (TorchSharp's nll_loss has none;
            /// PyTorch's has it): keep it out of code that must also compile against TorchSharp.
            /// </summary>
            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignore_index = -100) =>
                Tensor.From(zt_nll_loss(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, (long)reduction, ignore_index));

            /// <summary>Element-wise squared error (input − target)², reduced.</summary>
            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.From(zt_mse_loss(input.Handle, target.Handle, (long)reduction));

            /// <summary>Element-wise absolute error |input − target|, reduced.</summary>
            public static Tensor l1_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.From(zt_l1_loss(input.Handle, target.Handle, (long)reduction));

            /// <summary>
            /// Binary cross entropy of logits: −w·[p·y·log σ(x) + (1−y)·log(1−σ(x))], computed stably; p = <paramref name="pos_weights"/>
            /// (one per class, broadcast over the last dim).
            /// </summary>
            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
                Tensor? pos_weights = null) =>
                Tensor.From(zt_bce_with_logits(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, pos_weights?.Handle ?? IntPtr.Zero, (long)reduction));
        }
    }
}
