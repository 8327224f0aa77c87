using System;
using TorchSharp.Native;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

/// <summary>Rounding of <c>div</c>.</summary>
public enum RoundingMode
{
    None,
    trunc,
    floor,
}

public static partial class torch
{
    public partial class Tensor
    {

        private Tensor Unary(Func<IntPtr, IntPtr> op) => From(op(Handle));
        private Tensor InPlace(Func<IntPtr, int> op)
        {
            NativeError.Check(op(Handle));
            return this;
        }

        // ---- arithmetic ----
        public Tensor add(Tensor target) => From(zt_binary(0, Handle, target.Handle));  // zt_binary: fast path for small same-shape float tensors
        public Tensor add(Tensor target, Scalar alpha) => From(zt_add(Handle, target.Handle, alpha.Kind, alpha.D, alpha.L));
        public Tensor add(Scalar scalar) => From(zt_add_scalar(Handle, scalar.Kind, scalar.D, scalar.L, Scalar.Integral, 0, 1));
        public Tensor add(Scalar scalar, Scalar alpha) => From(zt_add_scalar(Handle, scalar.Kind, scalar.D, scalar.L, alpha.Kind, alpha.D, alpha.L));
        public Tensor add_(Tensor target) { NativeError.Check(zt_add_(Handle, target.Handle, Scalar.Integral, 0, 1)); return this; }
        public Tensor add_(Tensor target, Scalar alpha) { NativeError.Check(zt_add_(Handle, target.Handle, alpha.Kind, alpha.D, alpha.L)); return this; }
        public Tensor add_(Scalar scalar) { NativeError.Check(zt_add_scalar_(Handle, scalar.Kind, scalar.D, scalar.L)); return this; }

        public Tensor sub(Tensor target) => From(zt_binary(1, Handle, target.Handle));
        public Tensor sub(Tensor target, Scalar alpha) => From(zt_sub(Handle, target.Handle, alpha.Kind, alpha.D, alpha.L));
        public Tensor sub(Scalar target) => From(zt_sub_scalar(Handle, target.Kind, target.D, target.L, Scalar.Integral, 0, 1));
        public Tensor sub_(Tensor target) { NativeError.Check(zt_sub_(Handle, target.Handle, Scalar.Integral, 0, 1)); return this; }
        public Tensor sub_(Tensor target, Scalar alpha) { NativeError.Check(zt_sub_(Handle, target.Handle, alpha.Kind, alpha.D, alpha.L)); return this; }

        public Tensor mul(Tensor target) => From(zt_binary(2, Handle, target.Handle));
        public Tensor mul(Scalar target) => From(zt_mul_scalar(Handle, target.Kind, target.D, target.L));
        public Tensor mul_(Tensor target) { NativeError.Check(zt_mul_(Handle, target.Handle)); return this; }
        public Tensor mul_(Scalar target) { NativeError.Check(zt_mul_scalar_(Handle, target.Kind, target.D, target.L)); return this; }

        public Tensor div(Tensor target, RoundingMode rounding_mode = RoundingMode.None) =>
            rounding_mode == RoundingMode.None ? From(zt_binary(3, Handle, target.Handle))
                                               : From(zt_div_mode(Handle, target.Handle, rounding_mode == RoundingMode.trunc ? 1 : 2));
        public Tensor div(Scalar target) => From(zt_div_scalar(Handle, target.Kind, target.D, target.L));
        public Tensor div_(Tensor target) { NativeError.Check(zt_div_(Handle, target.Handle)); return this; }
        public Tensor div_(Scalar target) { NativeError.Check(zt_div_scalar_(Handle, target.Kind, target.D, target.L)); return this; }

        public Tensor pow(Tensor exponent) => From(zt_pow(Handle, exponent.Handle));
        public Tensor pow(Scalar exponent) => From(zt_pow_scalar(Handle, exponent.Kind, exponent.D, exponent.L));
        public Tensor remainder(Tensor target) => From(zt_remainder(Handle, target.Handle));
        public Tensor remainder(Scalar target) => From(zt_remainder_scalar(Handle, target.Kind, target.D, target.L));
        public Tensor maximum(Tensor other) => From(zt_maximum(Handle, other.Handle));
        public Tensor minimum(Tensor other) => From(zt_minimum(Handle, other.Handle));
        public Tensor lerp(Tensor end, Scalar weight) => From(zt_lerp(Handle, end.Handle, weight.Kind, weight.D, weight.L));
        public Tensor lerp_(Tensor end, Scalar weight) { NativeError.Check(zt_lerp_(Handle, end.Handle, weight.Kind, weight.D, weight.L)); return this; }
        public Tensor addcmul_(Tensor tensor1, Tensor tensor2, Scalar value) { NativeError.Check(zt_addcmul_(Handle, tensor1.Handle, tensor2.Handle, value.Kind, value.D, value.L)); return this; }
        public Tensor addcdiv_(Tensor tensor1, Tensor tensor2, Scalar value) { NativeError.Check(zt_addcdiv_(Handle, tensor1.Handle, tensor2.Handle, value.Kind, value.D, value.L)); return this; }

        public Tensor clamp(Scalar? min = null, Scalar? max = null) =>
            From(zt_clamp(Handle, min?.Kind ?? -1, min?.D ?? 0, min?.L ?? 0, max?.Kind ?? -1, max?.D ?? 0, max?.L ?? 0));
        public Tensor clamp_(Scalar? min = null, Scalar? max = null)
        {
            NativeError.Check(zt_clamp_(Handle, min?.Kind ?? -1, min?.D ?? 0, min?.L ?? 0, max?.Kind ?? -1, max?.D ?? 0, max?.L ?? 0));
            return this;
        }
        public Tensor clip(Scalar? min = null, Scalar? max = null) => clamp(min, max);

        public Tensor copy_(Tensor source, bool nonBlocking = false) { NativeError.Check(zt_copy_(Handle, source.Handle)); return this; }
        public Tensor fill_(Scalar value) { NativeError.Check(zt_fill_(Handle, value.Kind, value.D, value.L)); return this; }
        public Tensor zero_() => InPlace(zt_zero_);

        // ---- unary ----
        public Tensor neg() => Unary(zt_neg);
        public Tensor neg_() => InPlace(zt_neg_);
        public Tensor abs() => Unary(zt_abs);
        public Tensor exp() => Unary(zt_exp);
        public Tensor exp_() => InPlace(zt_exp_);
        public Tensor log() => Unary(zt_log);
        public Tensor sqrt() => Unary(zt_sqrt);
        public Tensor sqrt_() => InPlace(zt_sqrt_);
        public Tensor rsqrt() => Unary(zt_rsqrt);
        public Tensor sin() => Unary(zt_sin);
        public Tensor cos() => Unary(zt_cos);
        public Tensor tanh() => Unary(zt_tanh);
        public Tensor tanh_() => InPlace(zt_tanh_);
        public Tensor sigmoid() => Unary(zt_sigmoid);
        public Tensor sigmoid_() => InPlace(zt_sigmoid_);
        public Tensor relu() => Unary(zt_relu);
        public Tensor relu_() => InPlace(zt_relu_);
        public Tensor square() => Unary(zt_square);
        public Tensor reciprocal() => Unary(zt_reciprocal);
        public Tensor sign() => Unary(zt_sign);
        public Tensor floor() => Unary(zt_floor);
        public Tensor ceil() => Unary(zt_ceil);
        public Tensor round() => Unary(zt_round);
        public Tensor erf() => Unary(zt_erf);
        public Tensor log1p() => Unary(zt_log1p);
        public Tensor expm1() => Unary(zt_expm1);
        public Tensor logical_not() => Unary(zt_logical_not);
        public Tensor isnan() => Unary(zt_isnan);
        public Tensor isfinite() => Unary(zt_isfinite);

        // ---- comparisons and logic ----
        public Tensor eq(Tensor target) => From(zt_eq(Handle, target.Handle));
        public Tensor eq(Scalar target) => From(zt_eq_scalar(Handle, target.Kind, target.D, target.L));
        public Tensor ne(Tensor target) => From(zt_ne(Handle, target.Handle));
        public Tensor ne(Scalar target) => From(zt_ne_scalar(Handle, target.Kind, target.D, target.L));
        public Tensor lt(Tensor target) => From(zt_lt(Handle, target.Handle));
        public Tensor lt(Scalar target) => From(zt_lt_scalar(Handle, target.Kind, target.D, target.L));
        public Tensor le(Tensor target) => From(zt_le(Handle, target.Handle));
        public Tensor le(Scalar target) => From(zt_le_scalar(Handle, target.Kind, target.D, target.L));
        public Tensor gt(Tensor target) => From(zt_gt(Handle, target.Handle));
        public Tensor gt(Scalar target) => From(zt_gt_scalar(Handle, target.Kind, target.D, target.L));
        public Tensor ge(Tensor target) => From(zt_ge(Handle, target.Handle));
        public Tensor ge(Scalar target) => From(zt_ge_scalar(Handle, target.Kind, target.D, target.L));
        public Tensor logical_and(Tensor other) => From(zt_logical_and(Handle, other.Handle));
        public Tensor logical_or(Tensor other) => From(zt_logical_or(Handle, other.Handle));
        public Tensor logical_xor(Tensor other) => From(zt_logical_xor(Handle, other.Handle));
        public Tensor bitwise_and(Tensor other) => From(zt_bitwise_and(Handle, other.Handle));
        public Tensor bitwise_or(Tensor other) => From(zt_bitwise_or(Handle, other.Handle));

        /// <summary>True when both tensors have the same shape and elements.</summary>
        public bool equal(Tensor target) => NativeError.Check(zt_equal(Handle, target.Handle)) == 1;

        public bool allclose(Tensor target, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) =>
            NativeError.Check(zt_allclose(Handle, target.Handle, rtol, atol, equal_nan ? 1 : 0)) == 1;

        public Tensor masked_fill(Tensor mask, Scalar value) => From(zt_masked_fill(Handle, mask.Handle, value.Kind, value.D, value.L));
        public Tensor masked_fill_(Tensor mask, Scalar value) { NativeError.Check(zt_masked_fill_(Handle, mask.Handle, value.Kind, value.D, value.L)); return this; }
        public Tensor where(Tensor condition, Tensor y) => From(zt_where(condition.Handle, Handle, y.Handle));

        // ---- reductions ----
        private static readonly long[] NoDims = Array.Empty<long>();

        public Tensor sum(ScalarType? type = null) => From(zt_sum(Handle, NoDims, 0, 0, type.HasValue ? (int)type.Value : -1));
        public Tensor sum(long[] dim, bool keepdim = false, ScalarType? type = null) => From(zt_sum(Handle, dim, dim.Length, keepdim ? 1 : 0, type.HasValue ? (int)type.Value : -1));
        public Tensor sum(long dim, bool keepdim = false, ScalarType? type = null) => sum(new[] { dim }, keepdim, type);
        public Tensor mean(ScalarType? type = null) => From(zt_mean(Handle, NoDims, 0, 0, type.HasValue ? (int)type.Value : -1));
        public Tensor mean(long[] dimensions, bool keepdim = false, ScalarType? type = null) => From(zt_mean(Handle, dimensions, dimensions.Length, keepdim ? 1 : 0, type.HasValue ? (int)type.Value : -1));
        public Tensor mean(long dim, bool keepdim = false, ScalarType? type = null) => mean(new[] { dim }, keepdim, type);
        public Tensor prod() => From(zt_prod(Handle, 0, 0, 0));
        public Tensor prod(long dim, bool keepdim = false) => From(zt_prod(Handle, 1, dim, keepdim ? 1 : 0));
        public Tensor var(bool unbiased = true) => From(zt_var(Handle, NoDims, 0, unbiased ? 1 : 0, 0));
        public Tensor var(long[] dimensions, bool unbiased = true, bool keepdim = false) => From(zt_var(Handle, dimensions, dimensions.Length, unbiased ? 1 : 0, keepdim ? 1 : 0));
        public Tensor var(long dim, bool unbiased = true, bool keepdim = false) => var(new[] { dim }, unbiased, keepdim);
        public Tensor std(bool unbiased = true) => From(zt_std(Handle, NoDims, 0, unbiased ? 1 : 0, 0));
        public Tensor std(long[] dimensions, bool unbiased = true, bool keepdim = false) => From(zt_std(Handle, dimensions, dimensions.Length, unbiased ? 1 : 0, keepdim ? 1 : 0));
        public Tensor std(long dim, bool unbiased = true, bool keepdim = false) => std(new[] { dim }, unbiased, keepdim);
        public Tensor amax(long[] dims, bool keepdim = false) => From(zt_amax(Handle, dims, dims.Length, keepdim ? 1 : 0));
        public Tensor amax(long dim, bool keepdim = false) => amax(new[] { dim }, keepdim);
        public Tensor amin(long[] dims, bool keepdim = false) => From(zt_amin(Handle, dims, dims.Length, keepdim ? 1 : 0));
        public Tensor amin(long dim, bool keepdim = false) => amin(new[] { dim }, keepdim);
        public Tensor max() => Unary(zt_max_all);
        public Tensor min() => Unary(zt_min_all);
        public Tensor max(Tensor other) => maximum(other);
        public Tensor min(Tensor other) => minimum(other);

        public (Tensor values, Tensor indexes) max(long dim, bool keepdim = false)
        {
            var v = zt_max_dim(Handle, dim, keepdim ? 1 : 0, out var i);
            return (From(v), new Tensor(i));
        }

        public (Tensor values, Tensor indexes) min(long dim, bool keepdim = false)
        {
            var v = zt_min_dim(Handle, dim, keepdim ? 1 : 0, out var i);
            return (From(v), new Tensor(i));
        }

        public Tensor argmax() => From(zt_argmax(Handle, 0, 0, 0));
        public Tensor argmax(long dim, bool keepdim = false) => From(zt_argmax(Handle, 1, dim, keepdim ? 1 : 0));
        public Tensor argmin() => From(zt_argmin(Handle, 0, 0, 0));
        public Tensor argmin(long dim, bool keepdim = false) => From(zt_argmin(Handle, 1, dim, keepdim ? 1 : 0));

        public (Tensor values, Tensor indexes) topk(int k, int dim = -1, bool largest = true, bool sorted = true)
        {
            var v = zt_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var i);
            return (From(v), new Tensor(i));
        }

        public (Tensor values, Tensor indices) sort(long dim = -1, bool descending = false)
        {
            var v = zt_sort(Handle, dim, descending ? 1 : 0, out var i);
            return (From(v), new Tensor(i));
        }

        public Tensor argsort(long dim = -1, bool descending = false) => From(zt_argsort(Handle, dim, descending ? 1 : 0));
        public Tensor cumsum(long dim, ScalarType? type = null) => type.HasValue ? From(zt_cumsum(Handle, dim)).to(type.Value) : From(zt_cumsum(Handle, dim));
        public Tensor norm(float p = 2.0f) => From(zt_norm(Handle, p, NoDims, 0, 0));
        public Tensor norm(long dim, bool keepdim = false, float p = 2.0f) => From(zt_norm(Handle, p, new[] { dim }, 1, keepdim ? 1 : 0));
        public Tensor all() => Unary(zt_all);
        public Tensor any() => Unary(zt_any);

        public Tensor softmax(long dim, ScalarType? dtype = null) => From(zt_softmax(Handle, dim, dtype.HasValue ? (int)dtype.Value : -1));
        public Tensor log_softmax(long dim, ScalarType? dtype = null) => From(zt_log_softmax(Handle, dim, dtype.HasValue ? (int)dtype.Value : -1));

        // ---- products ----
        public Tensor matmul(Tensor target) => From(zt_matmul(Handle, target.Handle));
        public Tensor bmm(Tensor batch2) => From(zt_bmm(Handle, batch2.Handle));
        public Tensor mm(Tensor mat2) => From(zt_mm(Handle, mat2.Handle));
        public Tensor baddbmm(Tensor batch1, Tensor batch2, float beta = 1, float alpha = 1) => From(zt_baddbmm(Handle, batch1.Handle, batch2.Handle, beta, alpha));
        public Tensor outer(Tensor vec2) => From(zt_outer(Handle, vec2.Handle));
        public Tensor dot(Tensor target) => From(zt_dot(Handle, target.Handle));

        // ---- operators ----
        public static Tensor operator +(Tensor left, Tensor right) => left.add(right);
        public static Tensor operator +(Tensor left, Scalar right) => left.add(right);
        public static Tensor operator +(Scalar left, Tensor right) => right.add(left);
        public static Tensor operator -(Tensor left, Tensor right) => left.sub(right);
        public static Tensor operator -(Tensor left, Scalar right) => left.sub(right);
        public static Tensor operator -(Scalar left, Tensor right) => From(zt_rsub_scalar(right.Handle, left.Kind, left.D, left.L));
        public static Tensor operator *(Tensor left, Tensor right) => left.mul(right);
        public static Tensor operator *(Tensor left, Scalar right) => left.mul(right);
        public static Tensor operator *(Scalar left, Tensor right) => right.mul(left);
        public static Tensor operator /(Tensor left, Tensor right) => left.div(right);
        public static Tensor operator /(Tensor left, Scalar right) => left.div(right);
        public static Tensor operator /(Scalar left, Tensor right) => From(zt_rdiv_scalar(right.Handle, left.Kind, left.D, left.L));
        public static Tensor operator %(Tensor left, Tensor right) => left.remainder(right);
        public static Tensor operator %(Tensor left, Scalar right) => left.remainder(right);
        public static Tensor operator -(Tensor tensor) => tensor.neg();
        public static Tensor operator &(Tensor left, Tensor right) => left.bitwise_and(right);
        public static Tensor operator |(Tensor left, Tensor right) => left.bitwise_or(right);
        public static Tensor operator ~(Tensor tensor) => tensor.logical_not();
        public static Tensor operator <(Tensor left, Tensor right) => left.lt(right);
        public static Tensor operator <(Tensor left, Scalar right) => left.lt(right);
        public static Tensor operator >(Tensor left, Tensor right) => left.gt(right);
        public static Tensor operator >(Tensor left, Scalar right) => left.gt(right);
        public static Tensor operator <=(Tensor left, Tensor right) => left.le(right);
        public static Tensor operator <=(Tensor left, Scalar right) => left.le(right);
        public static Tensor operator >=(Tensor left, Tensor right) => left.ge(right);
        public static Tensor operator >=(Tensor left, Scalar right) => left.ge(right);
    }

    // ---- torch.* forms ----
    public static Tensor add(Tensor left, Tensor right) => left.add(right);
    public static Tensor add(Tensor left, Tensor right, Scalar alpha) => left.add(right, alpha);
    public static Tensor add(Tensor left, Scalar right) => left.add(right);
    public static Tensor sub(Tensor left, Tensor right) => left.sub(right);
    public static Tensor mul(Tensor left, Tensor right) => left.mul(right);
    public static Tensor mul(Tensor left, Scalar right) => left.mul(right);
    public static Tensor div(Tensor left, Tensor right, RoundingMode rounding_mode = RoundingMode.None) => left.div(right, rounding_mode);
    public static Tensor div(Tensor left, Scalar right) => left.div(right);
    public static Tensor pow(Tensor left, Tensor exponent) => left.pow(exponent);
    public static Tensor pow(Tensor left, Scalar exponent) => left.pow(exponent);
    public static Tensor pow(Scalar left, Tensor exponent) => Tensor.From(zt_rpow_scalar(exponent.Handle, left.Kind, left.D, left.L));
    public static Tensor neg(Tensor input) => input.neg();
    public static Tensor abs(Tensor input) => input.abs();
    public static Tensor exp(Tensor input) => input.exp();
    public static Tensor log(Tensor input) => input.log();
    public static Tensor sqrt(Tensor input) => input.sqrt();
    public static Tensor rsqrt(Tensor input) => input.rsqrt();
    public static Tensor sin(Tensor input) => input.sin();
    public static Tensor cos(Tensor input) => input.cos();
    public static Tensor tanh(Tensor input) => input.tanh();
    public static Tensor sigmoid(Tensor input) => input.sigmoid();
    public static Tensor relu(Tensor input) => input.relu();
    public static Tensor square(Tensor input) => input.square();
    public static Tensor erf(Tensor input) => input.erf();
    public static Tensor clamp(Tensor input, Scalar? min = null, Scalar? max = null) => input.clamp(min, max);
    public static Tensor maximum(Tensor input, Tensor other) => input.maximum(other);
    public static Tensor minimum(Tensor input, Tensor other) => input.minimum(other);
    public static Tensor lerp(Tensor input, Tensor end, Scalar weight) => input.lerp(end, weight);
    public static Tensor eq(Tensor left, Tensor right) => left.eq(right);
    public static Tensor logical_and(Tensor left, Tensor right) => left.logical_and(right);
    public static Tensor logical_or(Tensor left, Tensor right) => left.logical_or(right);
    public static Tensor logical_not(Tensor input) => input.logical_not();
    public static bool equal(Tensor left, Tensor right) => left.equal(right);
    public static bool allclose(Tensor left, Tensor right, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) => left.allclose(right, rtol, atol, equal_nan);
    public static Tensor where(Tensor condition, Tensor x, Tensor y) => Tensor.From(zt_where(condition.Handle, x.Handle, y.Handle));
    public static Tensor masked_fill(Tensor input, Tensor mask, Scalar value) => input.masked_fill(mask, value);
    public static Tensor sum(Tensor input, ScalarType? type = null) => input.sum(type);
    public static Tensor sum(Tensor input, long[] dim, bool keepdim = false, ScalarType? type = null) => input.sum(dim, keepdim, type);
    public static Tensor sum(Tensor input, long dim, bool keepdim = false, ScalarType? type = null) => input.sum(dim, keepdim, type);
    public static Tensor mean(Tensor input) => input.mean();
    public static Tensor mean(Tensor input, long[] dimensions, bool keepdim = false, ScalarType? type = null) => input.mean(dimensions, keepdim, type);
    public static Tensor max(Tensor input) => input.max();
    public static (Tensor values, Tensor indexes) max(Tensor input, long dim, bool keepdim = false) => input.max(dim, keepdim);
    public static Tensor amax(Tensor input, long[] dims, bool keepdim = false) => input.amax(dims, keepdim);
    public static Tensor argmax(Tensor input) => input.argmax();
    public static Tensor argmax(Tensor input, long dim, bool keepdim = false) => input.argmax(dim, keepdim);
    public static (Tensor values, Tensor indexes) topk(Tensor input, int k, int dim = -1, bool largest = true, bool sorted = true) => input.topk(k, dim, largest, sorted);
    public static Tensor var(Tensor input, bool unbiased = true) => input.var(unbiased);
    public static Tensor cumsum(Tensor input, long dim, ScalarType? type = null) => input.cumsum(dim, type);
    public static Tensor softmax(Tensor input, long dim, ScalarType? dtype = null) => input.softmax(dim, dtype);
    public static Tensor log_softmax(Tensor input, long dim, ScalarType? dtype = null) => input.log_softmax(dim, dtype);
    public static Tensor matmul(Tensor input, Tensor target) => input.matmul(target);
    public static Tensor bmm(Tensor input, Tensor batch2) => input.bmm(batch2);
    public static Tensor mm(Tensor input, Tensor mat2) => input.mm(mat2);
    public static Tensor baddbmm(Tensor input, Tensor batch1, Tensor batch2, float beta = 1, float alpha = 1) => input.baddbmm(batch1, batch2, beta, alpha);
    public static Tensor outer(Tensor input, Tensor vec2) => input.outer(vec2);
    public static Tensor multinomial(Tensor input, long num_samples, bool replacement = false) => Tensor.From(zt_multinomial(input.Handle, num_samples, replacement ? 1 : 0));
}
