// Pointwise arithmetic, comparisons, unary math, reductions, matrix products.
#include "common.h"

using namespace zt;

#define SCALAR_ARGS int32_t sk, double sd, int64_t si
#define S scalar(sk, sd, si)

#define UNARY(name, expr) ZT_EXPORT TH zt_##name(TH a) { ZT_TENSOR(expr) }
#define UNARY_INPLACE(name) ZT_EXPORT int32_t zt_##name##_(TH a) { ZT_STATUS(a->name##_()) }
#define BINARY(name, expr) ZT_EXPORT TH zt_##name(TH a, TH b) { ZT_TENSOR(expr) }
#define BINARY_SCALAR(name, expr) ZT_EXPORT TH zt_##name##_scalar(TH a, SCALAR_ARGS) { ZT_TENSOR(expr) }

// ---- arithmetic (alpha scales the second operand, as in torch.add) ----
ZT_EXPORT TH zt_add(TH a, TH b, SCALAR_ARGS) { ZT_TENSOR(at::add(*a, *b, S)) }
ZT_EXPORT TH zt_sub(TH a, TH b, SCALAR_ARGS) { ZT_TENSOR(at::sub(*a, *b, S)) }
ZT_EXPORT TH zt_add_scalar(TH a, SCALAR_ARGS, int32_t ak, double ad, int64_t ai) { ZT_TENSOR(at::add(*a, S, scalar(ak, ad, ai))) }
ZT_EXPORT TH zt_sub_scalar(TH a, SCALAR_ARGS, int32_t ak, double ad, int64_t ai) { ZT_TENSOR(at::sub(*a, S, scalar(ak, ad, ai))) }
ZT_EXPORT TH zt_rsub_scalar(TH a, SCALAR_ARGS) { ZT_TENSOR(at::rsub(*a, S)) }
ZT_EXPORT int32_t zt_add_(TH a, TH b, SCALAR_ARGS) { ZT_STATUS(a->add_(*b, S)) }
ZT_EXPORT int32_t zt_sub_(TH a, TH b, SCALAR_ARGS) { ZT_STATUS(a->sub_(*b, S)) }
ZT_EXPORT int32_t zt_add_scalar_(TH a, SCALAR_ARGS) { ZT_STATUS(a->add_(S)) }
BINARY(pow, at::pow(*a, *b))
BINARY(remainder, at::remainder(*a, *b))
BINARY(maximum, at::maximum(*a, *b))
BINARY(minimum, at::minimum(*a, *b))
BINARY_SCALAR(mul, at::mul(*a, S))
BINARY_SCALAR(div, at::div(*a, S))
BINARY_SCALAR(pow, at::pow(*a, S))
BINARY_SCALAR(remainder, at::remainder(*a, S))
ZT_EXPORT TH zt_rdiv_scalar(TH a, SCALAR_ARGS) { ZT_TENSOR(at::mul(at::reciprocal(*a), S)) }
ZT_EXPORT TH zt_rpow_scalar(TH a, SCALAR_ARGS) { ZT_TENSOR(at::pow(S, *a)) }
ZT_EXPORT TH zt_div_mode(TH a, TH b, int32_t mode) {
  ZT_TENSOR(at::div(*a, *b, mode == 1 ? c10::optional<c10::string_view>("trunc") : c10::optional<c10::string_view>("floor")))
}
ZT_EXPORT int32_t zt_mul_(TH a, TH b) { ZT_STATUS(a->mul_(*b)) }
ZT_EXPORT int32_t zt_div_(TH a, TH b) { ZT_STATUS(a->div_(*b)) }
ZT_EXPORT int32_t zt_mul_scalar_(TH a, SCALAR_ARGS) { ZT_STATUS(a->mul_(S)) }
ZT_EXPORT int32_t zt_div_scalar_(TH a, SCALAR_ARGS) { ZT_STATUS(a->div_(S)) }
ZT_EXPORT int32_t zt_addcmul_(TH a, TH b, TH c, SCALAR_ARGS) { ZT_STATUS(a->addcmul_(*b, *c, S)) }
ZT_EXPORT int32_t zt_addcdiv_(TH a, TH b, TH c, SCALAR_ARGS) { ZT_STATUS(a->addcdiv_(*b, *c, S)) }
ZT_EXPORT int32_t zt_lerp_(TH a, TH b, SCALAR_ARGS) { ZT_STATUS(a->lerp_(*b, S)) }
ZT_EXPORT int32_t zt_copy_(TH a, TH b) { ZT_STATUS(a->copy_(*b)) }
ZT_EXPORT int32_t zt_fill_(TH a, SCALAR_ARGS) { ZT_STATUS(a->fill_(S)) }
ZT_EXPORT int32_t zt_zero_(TH a) { ZT_STATUS(a->zero_()) }
// Bounds cross as scalars (kind -1 = absent) so an integral tensor clamped by integers stays integral.
static c10::optional<at::Scalar> bound(int32_t k, double d, int64_t l) {
  return k < 0 ? c10::optional<at::Scalar>() : c10::optional<at::Scalar>(scalar(k, d, l));
}
ZT_EXPORT int32_t zt_clamp_(TH a, int32_t mink, double mind, int64_t minl, int32_t maxk, double maxd, int64_t maxl) {
  ZT_STATUS(a->clamp_(bound(mink, mind, minl), bound(maxk, maxd, maxl)))
}
ZT_EXPORT TH zt_clamp(TH a, int32_t mink, double mind, int64_t minl, int32_t maxk, double maxd, int64_t maxl) {
  ZT_TENSOR(at::clamp(*a, bound(mink, mind, minl), bound(maxk, maxd, maxl)))
}
ZT_EXPORT TH zt_lerp(TH a, TH b, SCALAR_ARGS) { ZT_TENSOR(at::lerp(*a, *b, S)) }

// ---- unary ----
UNARY(neg, at::neg(*a))
UNARY(abs, at::abs(*a))
UNARY(exp, at::exp(*a))
UNARY(log, at::log(*a))
UNARY(sqrt, at::sqrt(*a))
UNARY(rsqrt, at::rsqrt(*a))
UNARY(sin, at::sin(*a))
UNARY(cos, at::cos(*a))
UNARY(tanh, at::tanh(*a))
UNARY(sigmoid, at::sigmoid(*a))
UNARY(relu, at::relu(*a))
UNARY(square, at::square(*a))
UNARY(reciprocal, at::reciprocal(*a))
UNARY(sign, at::sign(*a))
UNARY(floor, at::floor(*a))
UNARY(ceil, at::ceil(*a))
UNARY(round, at::round(*a))
UNARY(logical_not, at::logical_not(*a))
UNARY(isnan, at::isnan(*a))
UNARY(isfinite, at::isfinite(*a))
UNARY(erf, at::erf(*a))
UNARY(log1p, at::log1p(*a))
UNARY(expm1, at::expm1(*a))
UNARY_INPLACE(neg)
UNARY_INPLACE(exp)
UNARY_INPLACE(sqrt)
UNARY_INPLACE(tanh)
UNARY_INPLACE(sigmoid)
UNARY_INPLACE(relu)

// ---- comparisons and logic ----
BINARY(eq, at::eq(*a, *b))
BINARY(ne, at::ne(*a, *b))
BINARY(lt, at::lt(*a, *b))
BINARY(le, at::le(*a, *b))
BINARY(gt, at::gt(*a, *b))
BINARY(ge, at::ge(*a, *b))
BINARY_SCALAR(eq, at::eq(*a, S))
BINARY_SCALAR(ne, at::ne(*a, S))
BINARY_SCALAR(lt, at::lt(*a, S))
BINARY_SCALAR(le, at::le(*a, S))
BINARY_SCALAR(gt, at::gt(*a, S))
BINARY_SCALAR(ge, at::ge(*a, S))
BINARY(logical_and, at::logical_and(*a, *b))
BINARY(logical_or, at::logical_or(*a, *b))
BINARY(logical_xor, at::logical_xor(*a, *b))
BINARY(bitwise_and, at::bitwise_and(*a, *b))
BINARY(bitwise_or, at::bitwise_or(*a, *b))
ZT_EXPORT int32_t zt_equal(TH a, TH b) { ZT_BEGIN return at::equal(*a, *b) ? 1 : 0; ZT_END(-1) }
ZT_EXPORT int32_t zt_allclose(TH a, TH b, double rtol, double atol, int32_t equal_nan) {
  ZT_BEGIN return at::allclose(*a, *b, rtol, atol, equal_nan != 0) ? 1 : 0; ZT_END(-1)
}
ZT_EXPORT TH zt_where(TH c, TH a, TH b) { ZT_TENSOR(at::where(*c, *a, *b)) }
ZT_EXPORT TH zt_masked_fill(TH a, TH mask, SCALAR_ARGS) { ZT_TENSOR(at::masked_fill(*a, *mask, S)) }
ZT_EXPORT int32_t zt_masked_fill_(TH a, TH mask, SCALAR_ARGS) { ZT_STATUS(a->masked_fill_(*mask, S)) }

// ---- reductions (dims == nullptr with ndims == 0 reduces everything) ----
static c10::optional<at::ScalarType> dtype_opt(int32_t d) {
  return d >= 0 ? c10::optional<at::ScalarType>(static_cast<at::ScalarType>(d)) : c10::nullopt;
}
ZT_EXPORT TH zt_sum(TH a, const int64_t* d, int32_t nd, int32_t keepdim, int32_t dtype) {
  ZT_TENSOR(nd == 0 ? at::sum(*a, dtype_opt(dtype)) : at::sum(*a, dims(d, nd), keepdim != 0, dtype_opt(dtype)))
}
ZT_EXPORT TH zt_mean(TH a, const int64_t* d, int32_t nd, int32_t keepdim, int32_t dtype) {
  ZT_TENSOR(nd == 0 ? at::mean(*a, dtype_opt(dtype)) : at::mean(*a, dims(d, nd), keepdim != 0, dtype_opt(dtype)))
}
ZT_EXPORT TH zt_prod(TH a, int32_t has_dim, int64_t dim, int32_t keepdim) {
  ZT_TENSOR(has_dim ? at::prod(*a, dim, keepdim != 0) : at::prod(*a))
}
ZT_EXPORT TH zt_var(TH a, const int64_t* d, int32_t nd, int32_t unbiased, int32_t keepdim) {
  ZT_TENSOR(nd == 0 ? at::var(*a, unbiased != 0)
                    : at::var(*a, at::OptionalIntArrayRef(dims(d, nd)), unbiased != 0, keepdim != 0))
}
ZT_EXPORT TH zt_std(TH a, const int64_t* d, int32_t nd, int32_t unbiased, int32_t keepdim) {
  ZT_TENSOR(nd == 0 ? at::std(*a, unbiased != 0)
                    : at::std(*a, at::OptionalIntArrayRef(dims(d, nd)), unbiased != 0, keepdim != 0))
}
ZT_EXPORT TH zt_amax(TH a, const int64_t* d, int32_t nd, int32_t keepdim) { ZT_TENSOR(at::amax(*a, dims(d, nd), keepdim != 0)) }
ZT_EXPORT TH zt_amin(TH a, const int64_t* d, int32_t nd, int32_t keepdim) { ZT_TENSOR(at::amin(*a, dims(d, nd), keepdim != 0)) }
UNARY(max_all, at::max(*a))
UNARY(min_all, at::min(*a))
ZT_EXPORT TH zt_max_dim(TH a, int64_t dim, int32_t keepdim, TH* indices) {
  ZT_BEGIN
  auto r = at::max(*a, dim, keepdim != 0);
  *indices = wrap(std::get<1>(r));
  return wrap(std::get<0>(r));
  ZT_END(nullptr)
}
ZT_EXPORT TH zt_min_dim(TH a, int64_t dim, int32_t keepdim, TH* indices) {
  ZT_BEGIN
  auto r = at::min(*a, dim, keepdim != 0);
  *indices = wrap(std::get<1>(r));
  return wrap(std::get<0>(r));
  ZT_END(nullptr)
}
ZT_EXPORT TH zt_argmax(TH a, int32_t has_dim, int64_t dim, int32_t keepdim) {
  ZT_TENSOR(at::argmax(*a, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}
ZT_EXPORT TH zt_argmin(TH a, int32_t has_dim, int64_t dim, int32_t keepdim) {
  ZT_TENSOR(at::argmin(*a, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}
ZT_EXPORT TH zt_topk(TH a, int64_t k, int64_t dim, int32_t largest, int32_t sorted, TH* indices) {
  ZT_BEGIN
  auto r = at::topk(*a, k, dim, largest != 0, sorted != 0);
  *indices = wrap(std::get<1>(r));
  return wrap(std::get<0>(r));
  ZT_END(nullptr)
}
ZT_EXPORT TH zt_cumsum(TH a, int64_t dim) { ZT_TENSOR(at::cumsum(*a, dim)) }
ZT_EXPORT TH zt_norm(TH a, double p, const int64_t* d, int32_t nd, int32_t keepdim) {
  ZT_TENSOR(nd == 0 ? at::norm(*a, p) : at::norm(*a, p, dims(d, nd), keepdim != 0))
}
UNARY(all, at::all(*a))
UNARY(any, at::any(*a))
ZT_EXPORT TH zt_softmax(TH a, int64_t dim, int32_t dtype) { ZT_TENSOR(at::softmax(*a, dim, dtype_opt(dtype))) }
ZT_EXPORT TH zt_log_softmax(TH a, int64_t dim, int32_t dtype) { ZT_TENSOR(at::log_softmax(*a, dim, dtype_opt(dtype))) }

// ---- matrix products (counted by the FLOP hook: 2 FLOPs per multiply-add) ----
ZT_EXPORT TH zt_matmul(TH a, TH b) {
  ZT_BEGIN
  auto r = at::matmul(*a, *b);
  if (g_flops.enabled) {
    // out has shape (..., n, m) (or fewer dims for vector operands); K is a's last dim.
    int64_t k = a->size(-1);
    count_flops(kMatmul, 2 * r.numel() * k);
  }
  return wrap(std::move(r));
  ZT_END(nullptr)
}
ZT_EXPORT TH zt_bmm(TH a, TH b) {
  ZT_BEGIN
  auto r = at::bmm(*a, *b);
  count_flops(kBmm, 2 * r.numel() * a->size(-1));
  return wrap(std::move(r));
  ZT_END(nullptr)
}
ZT_EXPORT TH zt_mm(TH a, TH b) {
  ZT_BEGIN
  auto r = at::mm(*a, *b);
  count_flops(kMatmul, 2 * r.numel() * a->size(-1));
  return wrap(std::move(r));
  ZT_END(nullptr)
}
ZT_EXPORT TH zt_baddbmm(TH self, TH a, TH b, double beta, double alpha) {
  ZT_BEGIN
  auto r = at::baddbmm(*self, *a, *b, beta, alpha);
  count_flops(kBmm, 2 * r.numel() * a->size(-1));
  return wrap(std::move(r));
  ZT_END(nullptr)
}
BINARY(outer, at::outer(*a, *b))
BINARY(dot, at::dot(*a, *b))
