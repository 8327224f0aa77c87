using System;
using TorchSharp.Modules;

namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        public static Linear Linear(long inputSize, long outputSize, bool hasBias = true, Device? device = null, ScalarType? dtype = null) =>
            new(inputSize, outputSize, hasBias, device, dtype);

        public static Embedding Embedding(long num_embeddings, long embedding_dims, long? padding_idx = null, double? max_norm = null,
            double norm_type = 2.0, bool scale_grad_by_freq = false, bool sparse = false, Device? device = null, ScalarType? dtype = null) =>
            new(num_embeddings, embedding_dims, padding_idx, device, dtype);

        public static LayerNorm LayerNorm(long normalized_shape, double eps = 1e-05, bool elementwise_affine = true, bool bias = true,
            Device? device = null, ScalarType? dtype = null) =>
            new(new[] { normalized_shape }, eps, elementwise_affine, bias, device, dtype);

        public static LayerNorm LayerNorm(long[] normalized_shape, double eps = 1e-05, bool elementwise_affine = true, bool bias = true,
            Device? device = null, ScalarType? dtype = null) =>
            new(normalized_shape, eps, elementwise_affine, bias, device, dtype);

        public static Dropout Dropout(double p = 0.5, bool inplace = false) => new(p);

        public static GELU GELU(GELUApproximate approximate = GELUApproximate.none) => new(approximate);
        public static SiLU SiLU(bool inplace = false) => new();
        public static ReLU ReLU(bool inplace = false) => new();
        public static Tanh Tanh() => new();
        public static Identity Identity() => new();

        public static ModuleList<T> ModuleList<T>(params T[] modules) where T : Module => new(modules);

        /// <remarks>TorchSharp's parameter order, padding_mode included; this engine implements zero padding only.</remarks>
        public static Conv2d Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, long dilation = 1,
            PaddingModes padding_mode = PaddingModes.Zeros, long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
            padding_mode == PaddingModes.Zeros
                ? new(in_channels, out_channels, (kernel_size, kernel_size), (stride, stride), (padding, padding), (dilation, dilation), groups, bias, device, dtype)
                : throw new NotSupportedException($"Conv2d: padding_mode {padding_mode} is not supported by this engine (only PaddingModes.Zeros)");

        public static Conv2d Conv2d(long in_channels, long out_channels, (long, long) kernel_size, (long, long)? stride = null,
            (long, long)? padding = null, (long, long)? dilation = null, long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
            new(in_channels, out_channels, kernel_size, stride ?? (1, 1), padding ?? (0, 0), dilation ?? (1, 1), groups, bias, device, dtype);

        public static Conv3d Conv3d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, long dilation = 1,
            long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
            new(in_channels, out_channels, (kernel_size, kernel_size, kernel_size), (stride, stride, stride), (padding, padding, padding),
                (dilation, dilation, dilation), groups, bias, device, dtype);

        public static Conv3d Conv3d(long in_channels, long out_channels, (long, long, long) kernel_size, (long, long, long)? stride = null,
            (long, long, long)? padding = null, (long, long, long)? dilation = null, long groups = 1, bool bias = true, Device? device = null,
            ScalarType? dtype = null) =>
            new(in_channels, out_channels, kernel_size, stride ?? (1, 1, 1), padding ?? (0, 0, 0), dilation ?? (1, 1, 1), groups, bias, device, dtype);
    }
}
