// nn.functional: layers' math, activations, normalisation, pooling, resampling, losses.
#include "common.h"

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace zt;

static int64_t prod(at::IntArrayRef a, size_t from) {
  int64_t p = 1;
  for (size_t i = from; i < a.size(); ++i) p *= a[i];
  return p;
}

// ---- layers (counted by the FLOP hook) ----
ZT_EXPORT TH zt_linear(TH x, TH w, TH b) {
  ZT_BEGIN
  auto r = at::linear(*x, *w, opt(b));
  // (…, in) x (out, in)ᵀ: one multiply-add per output element per input feature.
  count_flops(kLinear, 2 * r.numel() * w->size(-1));
  return wrap(std::move(r));
  ZT_END(nullptr)
}

ZT_EXPORT TH zt_conv(TH x, TH w, TH b, int32_t nsp, const int64_t* stride, const int64_t* padding,
                     const int64_t* dilation, int64_t groups) {
  ZT_BEGIN
  at::Tensor r;
  auto st = dims(stride, nsp), pd = dims(padding, nsp), dl = dims(dilation, nsp);
  switch (nsp) {
    case 1: r = at::conv1d(*x, *w, opt(b), st, pd, dl, groups); break;
    case 2: r = at::conv2d(*x, *w, opt(b), st, pd, dl, groups); break;
    case 3: r = at::conv3d(*x, *w, opt(b), st, pd, dl, groups); break;
    default: TORCH_CHECK_VALUE(false, "conv: ", nsp, " spatial dims are not supported");
  }
  // weight (out, in/groups, k…): each output element is in/groups·prod(k) multiply-adds.
  count_flops(kConv, 2 * r.numel() * prod(w->sizes(), 1));
  return wrap(std::move(r));
  ZT_END(nullptr)
}

// ---- activations ----
ZT_EXPORT TH zt_gelu(TH x, int32_t tanh_approx) { ZT_TENSOR(at::gelu(*x, tanh_approx ? "tanh" : "none")) }
ZT_EXPORT TH zt_silu(TH x) { ZT_TENSOR(at::silu(*x)) }
ZT_EXPORT TH zt_leaky_relu(TH x, double slope) { ZT_TENSOR(at::leaky_relu(*x, slope)) }
ZT_EXPORT TH zt_softplus(TH x, double beta, double threshold) { ZT_TENSOR(at::softplus(*x, beta, threshold)) }

// ---- normalisation and regularisation ----
ZT_EXPORT TH zt_layer_norm(TH x, const int64_t* shape, int32_t n, TH w, TH b, double eps) {
  ZT_TENSOR(at::layer_norm(*x, dims(shape, n), opt(w), opt(b), eps))
}
ZT_EXPORT TH zt_group_norm(TH x, int64_t groups, TH w, TH b, double eps) {
  ZT_TENSOR(at::group_norm(*x, groups, opt(w), opt(b), eps))
}
ZT_EXPORT TH zt_dropout(TH x, double p, int32_t train) { ZT_TENSOR(at::dropout(*x, p, train != 0)) }
ZT_EXPORT TH zt_embedding(TH weight, TH indices, int64_t padding_idx) {
  ZT_TENSOR(at::embedding(*weight, *indices, padding_idx))
}
ZT_EXPORT TH zt_one_hot(TH x, int64_t classes) { ZT_TENSOR(at::one_hot(*x, classes)) }

// ---- padding, pooling, resampling ----
ZT_EXPORT TH zt_pad(TH x, const int64_t* pad, int32_t n, int32_t mode, double value) {
  static const char* modes[] = {"constant", "reflect", "replicate", "circular"};
  TORCH_CHECK_VALUE(mode >= 0 && mode < 4, "pad: unknown mode ", mode);
  ZT_TENSOR(at::pad(*x, dims(pad, n), modes[mode], mode == 0 ? c10::optional<double>(value) : c10::nullopt))
}
ZT_EXPORT TH zt_avg_pool(TH x, int32_t nsp, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                         int32_t ceil_mode, int32_t count_include_pad) {
  ZT_BEGIN
  auto k = dims(kernel, nsp), s = dims(stride, nsp), p = dims(padding, nsp);
  switch (nsp) {
    case 1: return wrap(at::avg_pool1d(*x, k, s, p, ceil_mode != 0, count_include_pad != 0));
    case 2: return wrap(at::avg_pool2d(*x, k, s, p, ceil_mode != 0, count_include_pad != 0));
    case 3: return wrap(at::avg_pool3d(*x, k, s, p, ceil_mode != 0, count_include_pad != 0));
    default: TORCH_CHECK_VALUE(false, "avg_pool: ", nsp, " spatial dims are not supported");
  }
  ZT_END(nullptr)
}
ZT_EXPORT TH zt_max_pool(TH x, int32_t nsp, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                         const int64_t* dilation, int32_t ceil_mode) {
  ZT_BEGIN
  auto k = dims(kernel, nsp), s = dims(stride, nsp), p = dims(padding, nsp), d = dims(dilation, nsp);
  switch (nsp) {
    case 1: return wrap(at::max_pool1d(*x, k, s, p, d, ceil_mode != 0));
    case 2: return wrap(at::max_pool2d(*x, k, s, p, d, ceil_mode != 0));
    case 3: return wrap(at::max_pool3d(*x, k, s, p, d, ceil_mode != 0));
    default: TORCH_CHECK_VALUE(false, "max_pool: ", nsp, " spatial dims are not supported");
  }
  ZT_END(nullptr)
}
ZT_EXPORT TH zt_adaptive_avg_pool(TH x, int32_t nsp, const int64_t* size) {
  ZT_BEGIN
  auto o = dims(size, nsp);
  switch (nsp) {
    case 1: return wrap(at::adaptive_avg_pool1d(*x, o));
    case 2: return wrap(at::adaptive_avg_pool2d(*x, o));
    case 3: return wrap(at::adaptive_avg_pool3d(*x, o));
    default: TORCH_CHECK_VALUE(false, "adaptive_avg_pool: ", nsp, " spatial dims are not supported");
  }
  ZT_END(nullptr)
}
// Resampling as F.interpolate does it. Either an output size (has_size) or per-dimension scale factors
// (s0..s2, the first nsp used) is given; with scale factors the upsample kernels derive the output size
// (floor(in·s)) and use the factors themselves for the coordinate mapping, exactly as PyTorch does when
// recompute_scale_factor is off. mode: 0 nearest, 1 linear (1d), 2 bilinear (2d), 3 bicubic (2d),
// 4 trilinear (3d), 5 area (adaptive average pooling), 6 nearest-exact.
ZT_EXPORT TH zt_interpolate(TH x, int32_t nsp, const int64_t* size, int32_t has_size, double s0, double s1, double s2,
                            int32_t mode, int32_t align_corners) {
  ZT_BEGIN
  TORCH_CHECK_VALUE(nsp >= 1 && nsp <= 3, "interpolate: ", nsp, " spatial dims are not supported");
  TORCH_CHECK_VALUE(x->dim() == nsp + 2, "interpolate: mode ", mode, " with ", nsp, " spatial dims expects a ", nsp + 2,
                    "-d input (N, C, ...), got ", x->dim(), "-d input of shape ", x->sizes());
  const double sf[3] = {s0, s1, s2};
  std::vector<int64_t> out_size;
  std::vector<double> scales;
  if (has_size) {
    out_size.assign(size, size + nsp);
  } else {
    scales.assign(sf, sf + nsp);
  }
  const at::OptionalIntArrayRef osz = has_size ? at::OptionalIntArrayRef(out_size) : c10::nullopt;
  const c10::optional<at::ArrayRef<double>> sc = has_size ? c10::nullopt : c10::optional<at::ArrayRef<double>>(scales);
  const bool ac = align_corners != 0;
  switch (mode) {
    case 0:
      if (nsp == 1) return wrap(at::upsample_nearest1d(*x, osz, sc));
      if (nsp == 2) return wrap(at::upsample_nearest2d(*x, osz, sc));
      return wrap(at::upsample_nearest3d(*x, osz, sc));
    case 6:
      if (nsp == 1) return wrap(at::_upsample_nearest_exact1d(*x, osz, sc));
      if (nsp == 2) return wrap(at::_upsample_nearest_exact2d(*x, osz, sc));
      return wrap(at::_upsample_nearest_exact3d(*x, osz, sc));
    case 1: if (nsp == 1) return wrap(at::upsample_linear1d(*x, osz, ac, sc)); break;
    case 2: if (nsp == 2) return wrap(at::upsample_bilinear2d(*x, osz, ac, sc)); break;
    case 3: if (nsp == 2) return wrap(at::upsample_bicubic2d(*x, osz, ac, sc)); break;
    case 4: if (nsp == 3) return wrap(at::upsample_trilinear3d(*x, osz, ac, sc)); break;
    case 5: {
      if (!has_size) {
        for (int32_t i = 0; i < nsp; ++i)
          out_size.push_back(static_cast<int64_t>(std::floor(static_cast<double>(x->size(i + 2)) * sf[i])));
      }
      if (nsp == 1) return wrap(at::adaptive_avg_pool1d(*x, out_size));
      if (nsp == 2) return wrap(at::adaptive_avg_pool2d(*x, out_size));
      return wrap(at::adaptive_avg_pool3d(*x, out_size));
    }
    default: break;
  }
  static const char* names[] = {"nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact"};
  TORCH_CHECK_VALUE(mode >= 0 && mode <= 6, "interpolate: unknown mode ", mode);
  TORCH_CHECK_VALUE(false, "interpolate: mode '", names[mode], "' does not support ", x->dim(), "-d input (",
                    nsp, " spatial dims); linear needs 3-d, bilinear and bicubic 4-d, trilinear 5-d input");
  ZT_END(nullptr)
}

// ---- attention: zt_scaled_dot_product_attention lives in attention.cpp ----

// x / max(‖x‖_p, eps) along dim (F.normalize).
ZT_EXPORT TH zt_normalize(TH x, double p, int64_t dim, double eps) {
  ZT_TENSOR(*x / at::norm(*x, p, {dim}, /*keepdim=*/true).clamp_min(eps).expand_as(*x))
}
ZT_EXPORT TH zt_cosine_similarity(TH a, TH b, int64_t dim, double eps) { ZT_TENSOR(at::cosine_similarity(*a, *b, dim, eps)) }

// ---- losses (reduction: 0 none, 1 mean, 2 sum — at::Reduction's codes) ----
ZT_EXPORT TH zt_cross_entropy(TH input, TH target, TH weight, int64_t reduction, int64_t ignore_index, double smoothing) {
  ZT_TENSOR(at::cross_entropy_loss(*input, *target, opt(weight), reduction, ignore_index, smoothing))
}
ZT_EXPORT TH zt_nll_loss(TH input, TH target, TH weight, int64_t reduction, int64_t ignore_index) {
  ZT_TENSOR(at::nll_loss_nd(*input, *target, opt(weight), reduction, ignore_index))
}
ZT_EXPORT TH zt_mse_loss(TH input, TH target, int64_t reduction) { ZT_TENSOR(at::mse_loss(*input, *target, reduction)) }
ZT_EXPORT TH zt_l1_loss(TH input, TH target, int64_t reduction) { ZT_TENSOR(at::l1_loss(*input, *target, reduction)) }
ZT_EXPORT TH zt_bce_with_logits(TH input, TH target, TH weight, TH pos_weight, int64_t reduction) {
  ZT_TENSOR(at::binary_cross_entropy_with_logits(*input, *target, opt(weight), opt(pos_weight), reduction))
}
