// scaled_dot_product_attention: softmax(Q·Kᵀ·scale + mask)·V.
//
// libtorch 1.13 has only a private, differently shaped SDPA, so the public one is built here from public
// ops, following PyTorch >= 2.5's math backend:
//  * scale defaults to 1/√E (E = Q's last size): Q is divided by √E (an explicit scale multiplies Q)
//    before the product — the same operation the zoo's composed attention (modules/Core) performs;
//  * a bool mask marks the positions that take part (true = attend), a float mask is added to the scores;
//  * is_causal masks key j > query i (top-left aligned, tril of an L×S matrix) and excludes a mask;
//  * a query row whose scores are all -inf (fully masked) gives an all-zero attention row and a zero
//    output (PyTorch's _safe_softmax), not NaN — and zero gradients;
//  * dropout with probability p is applied to the attention weights (always, as F.sdpa does);
//  * leading dims of Q, K, V and the mask broadcast (e.g. Q (B, g, r, L, E) against K (B, g, 1, S, E)
//    runs grouped-query attention without copying K and V to every query head).
//
// Two implementations compute the same thing:
//  * composed (when autograd must record the graph, for dropout, or when the weights are requested):
//    matmul → mask → softmax → matmul on whole tensors, every op differentiable;
//  * fused (inference: no grad needed, p = 0): for each leading index, blocks of query rows are processed
//    in one reused score buffer — scores = Q_blk·K[k0:k1]ᵀ with at::mm_out, the mask applied in place,
//    softmax in place (at::_softmax_out), out[blk] = P·V[k0:k1] with at::mm_out straight into the output.
//    [k0, k1) is the range of keys any row of the block may see (from the bool mask or is_causal), so
//    keys no row of the block can see — the upper triangle of a causal mask — are never multiplied, and
//    the L×S score tensor (and its masked and softmaxed copies) is never allocated: one small buffer,
//    no page faults, data in cache. Each kept score and output is the same dot product as in the
//    composed path; skipped keys would have contributed exact zeros.
// The FLOP hook counts both alike, as the composed path's two matmuls over the full L×S rectangle:
// 2·numel(Q·Kᵀ)·E + 2·numel(out)·S (kMatmul), so the cost model stays exact whichever path runs.
#include "common.h"

#include <ATen/ExpandUtils.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

using namespace zt;

extern "C" TH zt_matmul(TH a, TH b);
extern "C" const char* zt_last_error();
extern "C" void zt_free(TH t);

namespace {

at::Tensor counted_matmul(const at::Tensor& a, const at::Tensor& b) {
  at::Tensor x = a, y = b;
  TH r = zt_matmul(&x, &y);
  if (!r) throw std::runtime_error(zt_last_error());
  at::Tensor out = *r;
  zt_free(r);
  return out;
}

at::Tensor scaled_queries(const at::Tensor& Q, int32_t has_scale, double scale) {
  return has_scale ? Q * scale : Q / std::sqrt(static_cast<double>(Q.size(-1)));
}

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

at::Tensor composed(const at::Tensor& Q, const at::Tensor& K, const at::Tensor& V, const at::Tensor* mask, double p,
                    bool is_causal, int32_t has_scale, double scale, at::Tensor* weights) {
  const int64_t L = Q.size(-2), S = K.size(-2);
  at::Tensor scores = counted_matmul(scaled_queries(Q, has_scale, scale), K.transpose(-2, -1));  // [..., L, S]
  bool maybe_dead = false;
  if (is_causal) {
    auto keep = at::ones({L, S}, at::TensorOptions().dtype(at::kBool).device(Q.device())).tril();
    scores = scores.masked_fill(keep.logical_not(), kNegInf);
    // causal alone never empties a row: key 0 is visible to every query
  }
  if (mask) {
    if (mask->scalar_type() == at::kBool) {
      scores = scores.masked_fill(mask->logical_not(), kNegInf);
    } else {
      scores = scores + *mask;
    }
    maybe_dead = true;
  }
  at::Tensor attn;
  if (maybe_dead) {
    auto dead = scores.isneginf().all(-1, /*keepdim=*/true);  // [..., L, 1]
    attn = at::softmax(scores.masked_fill(dead, 0), -1).masked_fill(dead, 0);
  } else {
    attn = at::softmax(scores, -1);
  }
  if (p > 0) attn = at::dropout(attn, p, /*train=*/true);
  auto out = counted_matmul(attn, V);
  if (weights) *weights = attn;
  return out;
}

std::vector<int64_t> leading(const at::Tensor& t) {
  auto s = t.sizes();
  return std::vector<int64_t>(s.begin(), s.end() - std::min<size_t>(2, s.size()));
}

int64_t product(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (auto x : v) p *= x;
  return p;
}

// t[idx] for a broadcast multi-index over `lead` (size-1 or missing leading dims of t index 0): the last
// two dims of t, as a view.
at::Tensor select_broadcast(const at::Tensor& t, const std::vector<int64_t>& index) {
  const int64_t tl = t.dim() - 2;
  const int64_t offset = static_cast<int64_t>(index.size()) - tl;
  at::Tensor r = t;
  for (int64_t d = 0; d < tl; ++d) r = r.select(0, t.size(d) == 1 ? 0 : index[offset + d]);
  return r;
}

bool fusable(const at::Tensor& Q, const at::Tensor& K, const at::Tensor& V, const at::Tensor* mask, double p,
             const TH* weights) {
  if (p > 0 || weights) return false;
  if (Q.dim() < 2 || K.dim() < 2 || V.dim() < 2) return false;
  const auto st = Q.scalar_type();
  if ((st != at::kFloat && st != at::kDouble) || K.scalar_type() != st || V.scalar_type() != st) return false;
  if (!Q.device().is_cpu() || !K.device().is_cpu() || !V.device().is_cpu()) return false;
  if (Q.layout() != at::kStrided || K.layout() != at::kStrided || V.layout() != at::kStrided) return false;
  if (Q.size(-2) == 0 || K.size(-2) == 0 || Q.size(-1) == 0) return false;
  if (mask) {
    if (!mask->device().is_cpu() || mask->layout() != at::kStrided || mask->dim() < 1) return false;
    if (mask->scalar_type() != at::kBool && mask->scalar_type() != st) return false;
  }
  if (at::GradMode::is_enabled() &&
      (Q.requires_grad() || K.requires_grad() || V.requires_grad() || (mask && mask->requires_grad())))
    return false;
  return true;
}

// First and last key each query row may see under a bool (L, S) mask view (any strides, 0 included):
// first > last marks a row with no visible key.
void row_bounds(const at::Tensor& m, std::vector<int64_t>& first, std::vector<int64_t>& last) {
  const int64_t L = m.size(0), S = m.size(1);
  const int64_t rs = m.stride(0), cs = m.stride(1);
  const bool* base = m.data_ptr<bool>();
  first.assign(static_cast<size_t>(L), S);
  last.assign(static_cast<size_t>(L), -1);
  for (int64_t r = 0; r < L; ++r) {
    if (r > 0 && rs == 0) {
      first[r] = first[0];
      last[r] = last[0];
      continue;
    }
    const bool* row = base + r * rs;
    int64_t f = 0;
    while (f < S && !row[f * cs]) ++f;
    if (f == S) continue;
    int64_t l = S - 1;
    while (!row[l * cs]) --l;
    first[r] = f;
    last[r] = l;
  }
}

at::Tensor fused(const at::Tensor& Q, const at::Tensor& K, const at::Tensor& V, const at::Tensor* mask, bool is_causal,
                 int32_t has_scale, double scale) {
  const int64_t L = Q.size(-2), E = Q.size(-1), S = K.size(-2), Ev = V.size(-1);
  // The mask broadcasts to (..., L, S); a 1-d mask is a row (S).
  at::Tensor M;
  if (mask) M = mask->dim() == 1 ? mask->unsqueeze(0) : *mask;
  TORCH_CHECK_VALUE(!M.defined() || ((M.size(-2) == L || M.size(-2) == 1) && (M.size(-1) == S || M.size(-1) == 1)),
                    "scaled_dot_product_attention: attn_mask of shape ", mask ? mask->sizes() : at::IntArrayRef(),
                    " does not broadcast to the scores (..., ", L, ", ", S, ")");
  const auto lead_qk = at::infer_size(leading(Q), leading(K));
  auto lead = at::infer_size(lead_qk, leading(V));
  if (M.defined()) lead = at::infer_size(lead, leading(M));
  const bool bool_mask = M.defined() && M.scalar_type() == at::kBool;
  const bool float_mask = M.defined() && !bool_mask;

  // the composed path's FLOPs: Q·Kᵀ over broadcast(Q, K) and attn·V over the full broadcast, full L×S
  count_flops(kMatmul, 2 * product(lead_qk) * L * S * E);
  count_flops(kMatmul, 2 * product(lead) * L * Ev * S);

  const at::Tensor q = scaled_queries(Q, has_scale, scale);
  at::Tensor hidden;  // bool mask: true where a key is hidden
  if (bool_mask) hidden = M.logical_not();
  std::vector<int64_t> out_shape = lead;
  out_shape.push_back(L);
  out_shape.push_back(Ev);
  at::Tensor out = at::empty(out_shape, Q.options());
  const int64_t n = product(lead);
  at::Tensor out3 = out.view({n, L, Ev});

  // Query rows per block. Each block repacks its keys and values inside the BLAS, so larger blocks amortise
  // that (measured best: 256 rows for 1,760 queries over 6,272 keys); but a block computes every key up to
  // its last row's bound, so where the bounds grow row by row (causal) smaller blocks skip more (best: 64-128
  // rows at 2,048 causal). At most ~2^20 scores (4 MB in float32) per block.
  const int64_t max_rows = std::min<int64_t>(L, std::max<int64_t>(64, std::min<int64_t>(256, (int64_t{1} << 20) / S)));
  at::Tensor buffer = at::empty({max_rows * S}, Q.options());

  std::vector<int64_t> index(lead.size(), 0), first, last;
  const void* bounds_of = nullptr;  // the mask slice whose bounds are in first/last
  std::vector<int64_t> bounds_strides;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t d = static_cast<int64_t>(lead.size()) - 1, rem = i; d >= 0; --d) {
      index[d] = rem % lead[d];
      rem /= lead[d];
    }
    const at::Tensor qi = select_broadcast(q, index), ki = select_broadcast(K, index), vi = select_broadcast(V, index);
    at::Tensor oi = out3.select(0, i);
    at::Tensor mi, hi;
    if (M.defined()) {
      mi = select_broadcast(M, index).expand({L, S});
      if (bool_mask) {
        hi = select_broadcast(hidden, index).expand({L, S});
        std::vector<int64_t> strides{mi.stride(0), mi.stride(1)};
        if (mi.data_ptr() != bounds_of || strides != bounds_strides) {
          row_bounds(mi, first, last);
          bounds_of = mi.data_ptr();
          bounds_strides = strides;
        }
      }
    }
    const bool staircase = is_causal || (bool_mask && last.front() != last.back());
    const int64_t rows_per_block = staircase ? std::min<int64_t>(max_rows, 128) : max_rows;
    for (int64_t r0 = 0; r0 < L; r0 += rows_per_block) {
      const int64_t rows = std::min(rows_per_block, L - r0);
      int64_t k0 = 0, k1 = S;
      if (is_causal) {
        k1 = std::min(S, r0 + rows);
      } else if (bool_mask) {
        k0 = S;
        k1 = 0;
        for (int64_t r = r0; r < r0 + rows; ++r) {
          if (first[r] > last[r]) continue;
          k0 = std::min(k0, first[r]);
          k1 = std::max(k1, last[r] + 1);
        }
      }
      at::Tensor o = oi.narrow(0, r0, rows);
      if (k0 >= k1) {  // every row of the block is fully masked: zero output
        o.zero_();
        continue;
      }
      const int64_t keys = k1 - k0;
      at::Tensor scores = buffer.narrow(0, 0, rows * keys).view({rows, keys});
      at::mm_out(scores, qi.narrow(0, r0, rows), ki.narrow(0, k0, keys).t());
      at::Tensor dead;
      if (is_causal) {
        // key j > query i is hidden: within the block only the part right of the diagonal
        for (int64_t r = 0; r < rows; ++r) {
          const int64_t visible = r0 + r + 1;  // keys 0 .. r0 + r
          if (visible < k1) scores.select(0, r).narrow(0, visible, k1 - visible).fill_(kNegInf);
        }
      } else if (bool_mask) {
        scores.masked_fill_(hi.narrow(0, r0, rows).narrow(1, k0, keys), kNegInf);
      } else if (float_mask) {
        scores.add_(mi.narrow(0, r0, rows).narrow(1, k0, keys));
        dead = scores.isneginf().all(-1, /*keepdim=*/true);
      }
      at::_softmax_out(scores, scores, -1, false);
      if (bool_mask) {
        for (int64_t r = r0; r < r0 + rows; ++r)
          if (first[r] > last[r]) scores.select(0, r - r0).zero_();
      } else if (float_mask) {
        scores.masked_fill_(dead, 0);
      }
      at::mm_out(o, scores, vi.narrow(0, k0, keys));
    }
  }
  return out;
}

}  // namespace

// `weights`, when not null, receives the attention weights (after dropout) for MultiheadAttention.
ZT_EXPORT TH zt_scaled_dot_product_attention(TH q, TH k, TH v, TH mask, double p, int32_t is_causal, int32_t has_scale,
                                             double scale, TH* weights) {
  ZT_BEGIN
  const at::Tensor &Q = *q, &K = *k, &V = *v;
  TORCH_CHECK_VALUE(Q.dim() >= 2 && K.dim() >= 2 && V.dim() >= 2,
                    "scaled_dot_product_attention: query, key and value need at least 2 dims (..., L, E), got ",
                    Q.sizes(), ", ", K.sizes(), ", ", V.sizes());
  TORCH_CHECK_VALUE(Q.size(-1) == K.size(-1), "scaled_dot_product_attention: query's last size (", Q.size(-1),
                    ") must equal key's (", K.size(-1), ")");
  TORCH_CHECK_VALUE(K.size(-2) == V.size(-2), "scaled_dot_product_attention: key and value must have the same length S, got ",
                    K.size(-2), " and ", V.size(-2));
  TORCH_CHECK_VALUE(!(is_causal && mask), "scaled_dot_product_attention: an explicit attn_mask must not be given when is_causal is true");
  TORCH_CHECK_VALUE(p >= 0 && p <= 1, "scaled_dot_product_attention: dropout probability has to be between 0 and 1, but got ", p);
  if (fusable(Q, K, V, mask, p, weights)) return wrap(fused(Q, K, V, mask, is_causal != 0, has_scale, scale));
  at::Tensor attn;
  auto out = composed(Q, K, V, mask, p, is_causal != 0, has_scale, scale, weights ? &attn : nullptr);
  if (weights) *weights = wrap(attn);
  return wrap(std::move(out));
  ZT_END(nullptr)
}
