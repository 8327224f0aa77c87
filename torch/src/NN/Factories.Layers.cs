using System.Collections.Generic;
using TorchSharp.Modules;

namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        public static AvgPool2d AvgPool2d(long[] kernel_size, long[]? stride = null, long[]? padding = null, bool ceil_mode = false,
            bool count_include_pad = true, long? divisor_override = null) =>
            new(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);

        public static AvgPool2d AvgPool2d((long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null, bool ceil_mode = false,
            bool count_include_pad = true, long? divisor_override = null) =>
            new(new[] { kernel_size.Item1, kernel_size.Item2 }, stride is { } s ? new[] { s.Item1, s.Item2 } : null,
                padding is { } p ? new[] { p.Item1, p.Item2 } : null, ceil_mode, count_include_pad, divisor_override);

        public static AvgPool2d AvgPool2d(long kernel_size, long? stride = null, long? padding = null, bool ceil_mode = false,
            bool count_include_pad = true, long? divisor_override = null) =>
            new(new[] { kernel_size, kernel_size }, stride is { } s ? new[] { s, s } : null, padding is { } p ? new[] { p, p } : null,
                ceil_mode, count_include_pad, divisor_override);

        public static AdaptiveAvgPool2d AdaptiveAvgPool2d(long[] output_size) => new(output_size);
        public static AdaptiveAvgPool2d AdaptiveAvgPool2d((long, long) output_size) => new(new[] { output_size.Item1, output_size.Item2 });
        public static AdaptiveAvgPool2d AdaptiveAvgPool2d(long output_size) => new(new[] { output_size, output_size });

        public static Softmax Softmax(long dim) => new(dim);
        public static Flatten Flatten(long start_dim = 1, long end_dim = -1) => new(start_dim, end_dim);

        /// <summary>An empty Sequential; fill it with <c>append</c>.</summary>
        public static Sequential Sequential() => new();

        /// <summary>Runs <paramref name="modules"/> in order, registered as "0", "1", …</summary>
        public static Sequential Sequential(params Module<Tensor, Tensor>[] modules)
        {
            var s = new Sequential();
            foreach (var m in modules) s.append(m);
            return s;
        }

        /// <summary>Runs <paramref name="modules"/> in order, registered under the given names.</summary>
        public static Sequential Sequential(params (string name, Module<Tensor, Tensor> submodule)[] modules) =>
            Sequential((IEnumerable<(string, Module<Tensor, Tensor>)>)modules);

        public static Sequential Sequential(IEnumerable<(string name, Module<Tensor, Tensor> submodule)> modules)
        {
            var s = new Sequential();
            foreach (var (name, m) in modules) s.append(name, m);
            return s;
        }

        public static ModuleDict<T> ModuleDict<T>(params (string, T)[] modules) where T : Module
        {
            var d = new ModuleDict<T>();
            foreach (var (n, m) in modules) d.Add(n, m);
            return d;
        }

        /// <summary>
        /// Multi-head attention with PyTorch's parameters and checkpoint keys: <c>in_proj_weight</c> (3E, E),
        /// <c>in_proj_bias</c> (3E), <c>out_proj.weight</c> (E, E), <c>out_proj.bias</c> (E); with kdim/vdim ≠ E,
        /// <c>q_proj_weight</c>, <c>k_proj_weight</c>, <c>v_proj_weight</c> replace <c>in_proj_weight</c>.
        /// <paramref name="batch_first"/> is an extension (TorchSharp's factory stops at vdim): keep it out of code that
        /// must also compile against TorchSharp, or transpose to (L, N, E) yourself.
        /// </summary>
        public static MultiheadAttention MultiheadAttention(long embedded_dim, long num_heads, double dropout = 0.0, bool bias = true,
            bool add_bias_kv = false, bool add_zero_attn = false, long? kdim = null, long? vdim = null, bool batch_first = false) =>
            new(embedded_dim, num_heads, dropout, bias, add_bias_kv, add_zero_attn, kdim ?? embedded_dim, vdim ?? embedded_dim, batch_first);
    }
}
