using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchSharp;

// TorchSharp members the engine core did not have yet: expand's isImplicit form, the torch.* forms of the
// variance/std reductions, var_mean/std_mean, and tensor() from Half/BFloat16/int lists.
public static partial class torch
{
    public partial class Tensor
    {
        /// <summary>
        /// Broadcasts to <paramref name="sizes"/> (-1 keeps a size). <paramref name="isImplicit"/> only matters for
        /// tracing in libtorch and is accepted for TorchSharp compatibility.
        /// </summary>
        public Tensor expand(long[] sizes, bool isImplicit = false) => expand(sizes);

        /// <summary>(variance, mean) over all elements.</summary>
        public (Tensor var, Tensor mean) var_mean(bool unbiased = true) => (this.var(unbiased), mean());

        /// <summary>(variance, mean) over <paramref name="dimensions"/>.</summary>
        public (Tensor var, Tensor mean) var_mean(long[] dimensions, bool unbiased = true, bool keepdim = false) =>
            (this.var(dimensions, unbiased, keepdim), mean(dimensions, keepdim));

        /// <summary>(standard deviation, mean) over all elements.</summary>
        public (Tensor std, Tensor mean) std_mean(bool unbiased = true) => (std(unbiased), mean());

        /// <summary>(standard deviation, mean) over <paramref name="dimensions"/>.</summary>
        public (Tensor std, Tensor mean) std_mean(long[] dimensions, bool unbiased = true, bool keepdim = false) =>
            (std(dimensions, unbiased, keepdim), mean(dimensions, keepdim));
    }

    public static Tensor var(Tensor input, long[] dimensions, bool unbiased = true, bool keepdim = false) => input.var(dimensions, unbiased, keepdim);
    public static Tensor var(Tensor input, long dim, bool unbiased = true, bool keepdim = false) => input.var(dim, unbiased, keepdim);
    public static Tensor std(Tensor input, bool unbiased = true) => input.std(unbiased);
    public static Tensor std(Tensor input, long[] dimensions, bool unbiased = true, bool keepdim = false) => input.std(dimensions, unbiased, keepdim);
    public static Tensor std(Tensor input, long dim, bool unbiased = true, bool keepdim = false) => input.std(dim, unbiased, keepdim);
    public static (Tensor var, Tensor mean) var_mean(Tensor input, bool unbiased = true) => input.var_mean(unbiased);
    public static (Tensor var, Tensor mean) var_mean(Tensor input, long[] dimensions, bool unbiased = true, bool keepdim = false) =>
        input.var_mean(dimensions, unbiased, keepdim);
    public static (Tensor std, Tensor mean) std_mean(Tensor input, bool unbiased = true) => input.std_mean(unbiased);
    public static (Tensor std, Tensor mean) std_mean(Tensor input, long[] dimensions, bool unbiased = true, bool keepdim = false) =>
        input.std_mean(dimensions, unbiased, keepdim);

    public static Tensor tensor(Half[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromHost<Half>(rawArray, new long[] { rawArray.Length }, ScalarType.Float16, dtype, device, requires_grad);
    public static Tensor tensor(Half value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromHost<Half>(new[] { value }, Array.Empty<long>(), ScalarType.Float16, dtype, device, requires_grad);
    public static Tensor tensor(BFloat16[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromHost<BFloat16>(rawArray, new long[] { rawArray.Length }, ScalarType.BFloat16, dtype, device, requires_grad);
    public static Tensor tensor(BFloat16[] rawArray, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromHost<BFloat16>(rawArray, dimensions, ScalarType.BFloat16, dtype, device, requires_grad);
    public static Tensor tensor(IList<int> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        tensor(rawArray.ToArray(), dtype, device, requires_grad);
    public static Tensor tensor(IList<bool> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        tensor(rawArray.ToArray(), dtype, device, requires_grad);
}
