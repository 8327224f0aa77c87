// Views, joining and splitting, indexing, type and device moves.
#include "common.h"

#include <climits>

using namespace zt;

ZT_EXPORT TH zt_view(TH a, const int64_t* s, int32_t n) { ZT_TENSOR(a->view(dims(s, n))) }
ZT_EXPORT TH zt_reshape(TH a, const int64_t* s, int32_t n) { ZT_TENSOR(a->reshape(dims(s, n))) }
ZT_EXPORT TH zt_permute(TH a, const int64_t* s, int32_t n) { ZT_TENSOR(a->permute(dims(s, n))) }
ZT_EXPORT TH zt_expand(TH a, const int64_t* s, int32_t n) { ZT_TENSOR(a->expand(dims(s, n))) }
ZT_EXPORT TH zt_repeat(TH a, const int64_t* s, int32_t n) { ZT_TENSOR(a->repeat(dims(s, n))) }
ZT_EXPORT TH zt_flip(TH a, const int64_t* s, int32_t n) { ZT_TENSOR(at::flip(*a, dims(s, n))) }
ZT_EXPORT TH zt_transpose(TH a, int64_t d0, int64_t d1) { ZT_TENSOR(a->transpose(d0, d1)) }
ZT_EXPORT TH zt_unsqueeze(TH a, int64_t d) { ZT_TENSOR(a->unsqueeze(d)) }
ZT_EXPORT TH zt_squeeze(TH a) { ZT_TENSOR(a->squeeze()) }
ZT_EXPORT TH zt_squeeze_dim(TH a, int64_t d) { ZT_TENSOR(a->squeeze(d)) }
ZT_EXPORT TH zt_narrow(TH a, int64_t d, int64_t start, int64_t length) { ZT_TENSOR(a->narrow(d, start, length)) }
ZT_EXPORT TH zt_select(TH a, int64_t d, int64_t index) { ZT_TENSOR(a->select(d, index)) }
ZT_EXPORT TH zt_slice(TH a, int64_t d, int64_t start, int64_t end, int64_t step) { ZT_TENSOR(a->slice(d, start, end, step)) }
ZT_EXPORT TH zt_flatten(TH a, int64_t start, int64_t end) { ZT_TENSOR(a->flatten(start, end)) }
ZT_EXPORT TH zt_unflatten(TH a, int64_t d, const int64_t* s, int32_t n) { ZT_TENSOR(a->unflatten(d, dims(s, n))) }
ZT_EXPORT TH zt_contiguous(TH a) { ZT_TENSOR(a->contiguous()) }
ZT_EXPORT TH zt_clone(TH a) { ZT_TENSOR(a->clone()) }
ZT_EXPORT TH zt_alias(TH a) { ZT_TENSOR(at::Tensor(*a)) }
ZT_EXPORT TH zt_roll(TH a, const int64_t* sh, int32_t nsh, const int64_t* d, int32_t nd) {
  ZT_TENSOR(at::roll(*a, dims(sh, nsh), dims(d, nd)))
}
ZT_EXPORT TH zt_tril(TH a, int64_t diagonal) { ZT_TENSOR(at::tril(*a, diagonal)) }
ZT_EXPORT TH zt_triu(TH a, int64_t diagonal) { ZT_TENSOR(at::triu(*a, diagonal)) }
ZT_EXPORT TH zt_diag(TH a, int64_t diagonal) { ZT_TENSOR(at::diag(*a, diagonal)) }
ZT_EXPORT TH zt_repeat_interleave(TH a, int64_t repeats, int32_t has_dim, int64_t dim) {
  ZT_TENSOR(at::repeat_interleave(*a, repeats, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt))
}

ZT_EXPORT TH zt_to_dtype(TH a, int32_t dtype, int32_t copy) {
  ZT_TENSOR(a->to(static_cast<at::ScalarType>(dtype), false, copy != 0))
}
ZT_EXPORT TH zt_to_device(TH a, int32_t device_type, int32_t device_index, int32_t copy) {
  ZT_TENSOR(a->to(at::Device(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)),
                  false, copy != 0))
}

// ---- joining and splitting ----
ZT_EXPORT TH zt_cat(TH* ts, int32_t n, int64_t dim) { ZT_TENSOR(at::cat(tensor_list(ts, n), dim)) }
ZT_EXPORT TH zt_stack(TH* ts, int32_t n, int64_t dim) { ZT_TENSOR(at::stack(tensor_list(ts, n), dim)) }

// Results of a split go to `out` (capacity `cap`); returns the count, or -1 on error.
static int32_t write_list(const std::vector<at::Tensor>& parts, TH* out, int32_t cap) {
  TORCH_CHECK(static_cast<int32_t>(parts.size()) <= cap, "internal: split produced ", parts.size(),
              " parts for a buffer of ", cap);
  for (size_t i = 0; i < parts.size(); ++i) out[i] = wrap(parts[i]);
  return static_cast<int32_t>(parts.size());
}
ZT_EXPORT int32_t zt_split_size(TH a, int64_t size, int64_t dim, TH* out, int32_t cap) {
  ZT_BEGIN return write_list(a->split(size, dim), out, cap); ZT_END(-1)
}
ZT_EXPORT int32_t zt_split_sizes(TH a, const int64_t* sizes, int32_t n, int64_t dim, TH* out, int32_t cap) {
  ZT_BEGIN return write_list(a->split_with_sizes(dims(sizes, n), dim), out, cap); ZT_END(-1)
}
ZT_EXPORT int32_t zt_chunk(TH a, int64_t chunks, int64_t dim, TH* out, int32_t cap) {
  ZT_BEGIN return write_list(a->chunk(chunks, dim), out, cap); ZT_END(-1)
}
ZT_EXPORT int32_t zt_unbind(TH a, int64_t dim, TH* out, int32_t cap) {
  ZT_BEGIN return write_list(a->unbind(dim), out, cap); ZT_END(-1)
}

// ---- gathering and scattering ----
ZT_EXPORT TH zt_gather(TH a, int64_t dim, TH index) { ZT_TENSOR(at::gather(*a, dim, *index)) }
ZT_EXPORT TH zt_index_select(TH a, int64_t dim, TH index) { ZT_TENSOR(at::index_select(*a, dim, *index)) }
ZT_EXPORT TH zt_scatter(TH a, int64_t dim, TH index, TH src) { ZT_TENSOR(at::scatter(*a, dim, *index, *src)) }
ZT_EXPORT TH zt_scatter_add(TH a, int64_t dim, TH index, TH src) { ZT_TENSOR(at::scatter_add(*a, dim, *index, *src)) }
ZT_EXPORT TH zt_masked_select(TH a, TH mask) { ZT_TENSOR(at::masked_select(*a, *mask)) }
ZT_EXPORT TH zt_nonzero(TH a) { ZT_TENSOR(at::nonzero(*a)) }
ZT_EXPORT TH zt_sort(TH a, int64_t dim, int32_t descending, TH* indices) {
  ZT_BEGIN
  auto r = at::sort(*a, dim, descending != 0);
  *indices = wrap(std::get<1>(r));
  return wrap(std::get<0>(r));
  ZT_END(nullptr)
}
ZT_EXPORT TH zt_argsort(TH a, int64_t dim, int32_t descending) { ZT_TENSOR(at::argsort(*a, dim, descending != 0)) }
ZT_EXPORT TH zt_multinomial(TH a, int64_t n, int32_t replacement) { ZT_TENSOR(at::multinomial(*a, n, replacement != 0)) }

// ---- advanced indexing: t[i, a:b:c, ..., None, tensor, bool] ----
// kinds: 0 single integer, 1 slice, 2 ellipsis, 3 None (new axis), 4 tensor, 5 boolean.
// For slices, INT64_MIN in start/stop means "omitted".
// Slice's argument type is optional<int64_t> in 1.13 and optional<SymInt> later: derive it.
using SliceInt = std::decay_t<decltype(std::declval<at::indexing::Slice>().start())>;
static c10::optional<SliceInt> slice_arg(int64_t v) {
  return v == LLONG_MIN ? c10::optional<SliceInt>() : c10::optional<SliceInt>(SliceInt(v));
}

static std::vector<at::indexing::TensorIndex> decode_index(int32_t n, const int32_t* kinds, const int64_t* a,
                                                           const int64_t* b, const int64_t* c, TH* tensors) {
  using namespace at::indexing;
  std::vector<TensorIndex> idx;
  idx.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) {
    switch (kinds[i]) {
      case 0: idx.emplace_back(a[i]); break;
      case 1: idx.emplace_back(Slice(slice_arg(a[i]), slice_arg(b[i]), slice_arg(c[i]))); 
        break;
      case 2: idx.emplace_back(Ellipsis); break;
      case 3: idx.emplace_back(None); break;
      case 4: idx.emplace_back(*tensors[i]); break;
      case 5: idx.emplace_back(a[i] != 0); break;
      default: TORCH_CHECK_INDEX(false, "unknown index kind ", kinds[i]);
    }
  }
  return idx;
}
ZT_EXPORT TH zt_index(TH t, int32_t n, const int32_t* kinds, const int64_t* a, const int64_t* b, const int64_t* c,
                      TH* tensors) {
  ZT_TENSOR(t->index(decode_index(n, kinds, a, b, c, tensors)))
}
ZT_EXPORT int32_t zt_index_put_(TH t, int32_t n, const int32_t* kinds, const int64_t* a, const int64_t* b,
                                const int64_t* c, TH* tensors, TH value) {
  ZT_STATUS(t->index_put_(decode_index(n, kinds, a, b, c, tensors), *value))
}
ZT_EXPORT int32_t zt_index_put_scalar_(TH t, int32_t n, const int32_t* kinds, const int64_t* a, const int64_t* b,
                                       const int64_t* c, TH* tensors, int32_t sk, double sd, int64_t si) {
  ZT_STATUS(t->index_put_(decode_index(n, kinds, a, b, c, tensors), scalar(sk, sd, si)))
}
