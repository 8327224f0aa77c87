// Lifecycle, metadata, raw data exchange, factories, autograd and global state.
#include "common.h"

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <cstring>
#include <torch/version.h>

namespace zt {

std::atomic<int64_t> g_live_tensors{0};
thread_local FlopState g_flops;

static thread_local std::string t_error;
static thread_local int32_t t_error_kind = 0;

void set_error(int32_t kind, const char* message) {
  t_error_kind = kind;
  t_error = message ? message : "";
}

std::vector<at::Tensor> tensor_list(TH* handles, int32_t n) {
  std::vector<at::Tensor> v;
  v.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) v.push_back(*handles[i]);
  return v;
}

}  // namespace zt

using namespace zt;

// ---- errors and bookkeeping ----------------------------------------------------------------
ZT_EXPORT const char* zt_last_error() { return t_error.c_str(); }
ZT_EXPORT int32_t zt_last_error_kind() { return t_error_kind; }
ZT_EXPORT int64_t zt_live_tensors() { return g_live_tensors.load(std::memory_order_relaxed); }

ZT_EXPORT void zt_free(TH t) {
  if (!t) return;
  g_live_tensors.fetch_sub(1, std::memory_order_relaxed);
  delete t;  // at::Tensor's destructor only drops a reference: it cannot throw
}

ZT_EXPORT const char* zt_version() { return TORCH_VERSION; }

// ---- metadata ------------------------------------------------------------------------------
ZT_EXPORT int32_t zt_dim(TH t) { return static_cast<int32_t>(t->dim()); }
ZT_EXPORT void zt_shape(TH t, int64_t* out) {
  auto s = t->sizes();
  std::memcpy(out, s.data(), s.size() * sizeof(int64_t));
}
ZT_EXPORT void zt_strides(TH t, int64_t* out) {
  auto s = t->strides();
  std::memcpy(out, s.data(), s.size() * sizeof(int64_t));
}
ZT_EXPORT int64_t zt_numel(TH t) { return t->numel(); }
ZT_EXPORT int32_t zt_dtype(TH t) { return static_cast<int32_t>(t->scalar_type()); }
ZT_EXPORT int32_t zt_device_type(TH t) { return static_cast<int32_t>(t->device().type()); }
ZT_EXPORT int32_t zt_device_index(TH t) { return t->device().index(); }
ZT_EXPORT int32_t zt_is_contiguous(TH t) { return t->is_contiguous() ? 1 : 0; }
ZT_EXPORT int32_t zt_requires_grad(TH t) { return t->requires_grad() ? 1 : 0; }
ZT_EXPORT int32_t zt_is_leaf(TH t) { return t->is_leaf() ? 1 : 0; }
ZT_EXPORT int32_t zt_set_requires_grad(TH t, int32_t value) { ZT_STATUS(t->set_requires_grad(value != 0)) }
ZT_EXPORT int64_t zt_element_size(TH t) { return static_cast<int64_t>(t->element_size()); }
ZT_EXPORT void* zt_data_ptr(TH t) { return t->data_ptr(); }

// ---- raw data ------------------------------------------------------------------------------
// Copies `nbytes` from host memory into a new CPU tensor of the given shape and dtype.
ZT_EXPORT TH zt_from_host(const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim, int32_t dtype,
                          int32_t requires_grad) {
  ZT_BEGIN
  auto t = at::empty(dims(shape, ndim), at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)));
  TORCH_CHECK_VALUE(static_cast<int64_t>(t.nbytes()) == nbytes, "tensor(): ", nbytes, " bytes given for shape ",
                    t.sizes(), " of ", t.scalar_type(), " which needs ", t.nbytes());
  if (nbytes > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(nbytes));
  if (requires_grad) t.set_requires_grad(true);
  return wrap(std::move(t));
  ZT_END(nullptr)
}

// Copies a tensor's elements (any device, any layout) into host memory, row-major.
ZT_EXPORT int32_t zt_to_host(TH t, void* out, int64_t nbytes) {
  ZT_BEGIN
  auto c = t->detach().to(at::kCPU).contiguous();
  TORCH_CHECK_VALUE(static_cast<int64_t>(c.nbytes()) == nbytes, "data(): buffer of ", nbytes,
                    " bytes for a tensor of ", c.nbytes());
  if (nbytes > 0) std::memcpy(out, c.data_ptr(), static_cast<size_t>(nbytes));
  return 0;
  ZT_END(-1)
}

// Wraps caller-owned memory without copying; `deleter(context)` runs when libtorch frees it.
ZT_EXPORT TH zt_from_blob(void* data, const int64_t* shape, int32_t ndim, int32_t dtype, void (*deleter)(void*),
                          void* context) {
  ZT_BEGIN
  auto opts = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
  if (deleter) {
    return wrap(at::from_blob(data, dims(shape, ndim), [deleter, context](void*) { deleter(context); }, opts));
  }
  return wrap(at::from_blob(data, dims(shape, ndim), opts));
  ZT_END(nullptr)
}

ZT_EXPORT int32_t zt_item(TH t, int32_t kind, double* d, int64_t* i) {
  ZT_BEGIN
  auto s = t->item();
  if (kind == 0) *d = s.toDouble(); else *i = s.toLong();
  return 0;
  ZT_END(-1)
}


// ---- factories -----------------------------------------------------------------------------
// at:: factories do not honour TensorOptions::requires_grad (only the torch:: wrappers do; the flag was
// silently dropped), so the flag is set on the result instead.
static inline at::Tensor with_grad(at::Tensor t, int32_t requires_grad) {
  if (requires_grad) t.set_requires_grad(true);
  return t;
}
#define ZT_OPTS options(dtype, device_type, device_index, false)
#define ZT_FACTORY(expr) ZT_TENSOR(with_grad(expr, requires_grad))
#define ZT_FACTORY_ARGS int32_t dtype, int32_t device_type, int32_t device_index, int32_t requires_grad

ZT_EXPORT TH zt_zeros(const int64_t* shape, int32_t ndim, ZT_FACTORY_ARGS) { ZT_FACTORY(at::zeros(dims(shape, ndim), ZT_OPTS)) }
ZT_EXPORT TH zt_ones(const int64_t* shape, int32_t ndim, ZT_FACTORY_ARGS) { ZT_FACTORY(at::ones(dims(shape, ndim), ZT_OPTS)) }
ZT_EXPORT TH zt_empty(const int64_t* shape, int32_t ndim, ZT_FACTORY_ARGS) { ZT_FACTORY(at::empty(dims(shape, ndim), ZT_OPTS)) }
ZT_EXPORT TH zt_full(const int64_t* shape, int32_t ndim, int32_t sk, double sd, int64_t si, ZT_FACTORY_ARGS) {
  ZT_FACTORY(at::full(dims(shape, ndim), scalar(sk, sd, si), ZT_OPTS))
}
ZT_EXPORT TH zt_rand(const int64_t* shape, int32_t ndim, ZT_FACTORY_ARGS) { ZT_FACTORY(at::rand(dims(shape, ndim), ZT_OPTS)) }
ZT_EXPORT TH zt_randn(const int64_t* shape, int32_t ndim, ZT_FACTORY_ARGS) { ZT_FACTORY(at::randn(dims(shape, ndim), ZT_OPTS)) }
ZT_EXPORT TH zt_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, ZT_FACTORY_ARGS) {
  ZT_FACTORY(at::randint(low, high, dims(shape, ndim), ZT_OPTS))
}
ZT_EXPORT TH zt_arange(int32_t k, double start, double end, double step, int64_t istart, int64_t iend, int64_t istep,
                       ZT_FACTORY_ARGS) {
  ZT_FACTORY(k == 1 ? at::arange(at::Scalar(istart), at::Scalar(iend), at::Scalar(istep), ZT_OPTS)
                   : at::arange(at::Scalar(start), at::Scalar(end), at::Scalar(step), ZT_OPTS))
}
ZT_EXPORT TH zt_linspace(double start, double end, int64_t steps, ZT_FACTORY_ARGS) {
  ZT_FACTORY(at::linspace(start, end, steps, ZT_OPTS))
}
ZT_EXPORT TH zt_eye(int64_t n, int64_t m, ZT_FACTORY_ARGS) { ZT_FACTORY(at::eye(n, m, ZT_OPTS)) }
ZT_EXPORT TH zt_zeros_like(TH t, ZT_FACTORY_ARGS) { ZT_FACTORY(at::zeros_like(*t, ZT_OPTS)) }
ZT_EXPORT TH zt_ones_like(TH t, ZT_FACTORY_ARGS) { ZT_FACTORY(at::ones_like(*t, ZT_OPTS)) }
ZT_EXPORT TH zt_empty_like(TH t, ZT_FACTORY_ARGS) { ZT_FACTORY(at::empty_like(*t, ZT_OPTS)) }
ZT_EXPORT TH zt_full_like(TH t, int32_t sk, double sd, int64_t si, ZT_FACTORY_ARGS) {
  ZT_FACTORY(at::full_like(*t, scalar(sk, sd, si), ZT_OPTS))
}
ZT_EXPORT TH zt_rand_like(TH t, ZT_FACTORY_ARGS) { ZT_FACTORY(at::rand_like(*t, ZT_OPTS)) }
ZT_EXPORT TH zt_randn_like(TH t, ZT_FACTORY_ARGS) { ZT_FACTORY(at::randn_like(*t, ZT_OPTS)) }

// ---- random state and threads --------------------------------------------------------------
ZT_EXPORT void zt_manual_seed(int64_t seed) { at::manual_seed(static_cast<uint64_t>(seed)); }
ZT_EXPORT int32_t zt_get_num_threads() { return at::get_num_threads(); }
ZT_EXPORT int32_t zt_set_num_threads(int32_t n) { ZT_STATUS(at::set_num_threads(n)) }
ZT_EXPORT int32_t zt_get_num_interop_threads() { return at::get_num_interop_threads(); }

// ---- autograd ------------------------------------------------------------------------------
ZT_EXPORT int32_t zt_is_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
ZT_EXPORT void zt_set_grad_enabled(int32_t enabled) { at::GradMode::set_enabled(enabled != 0); }

ZT_EXPORT int32_t zt_backward(TH t, TH grad, int32_t retain_graph, int32_t create_graph) {
  ZT_STATUS(t->backward(grad ? *grad : at::Tensor(), c10::optional<bool>(retain_graph != 0), create_graph != 0))
}
// Returns the gradient, or nullptr with no error set when there is none.
ZT_EXPORT TH zt_grad(TH t) {
  ZT_BEGIN
  set_error(0, "");
  const auto& g = t->grad();
  return g.defined() ? wrap(g) : nullptr;
  ZT_END(nullptr)
}
ZT_EXPORT int32_t zt_set_grad(TH t, TH grad) {
  ZT_STATUS(t->mutable_grad() = grad ? *grad : at::Tensor())
}
ZT_EXPORT TH zt_detach(TH t) { ZT_TENSOR(t->detach()) }
ZT_EXPORT int32_t zt_detach_(TH t) { ZT_STATUS(t->detach_()) }
ZT_EXPORT int32_t zt_retain_grad(TH t) { ZT_STATUS(t->retain_grad()) }

// ---- FLOP accounting -----------------------------------------------------------------------
ZT_EXPORT void zt_flops_enable(int32_t enabled) { g_flops.enabled = enabled != 0; }
ZT_EXPORT int32_t zt_flops_enabled() { return g_flops.enabled ? 1 : 0; }
ZT_EXPORT void zt_flops_read(int64_t* out) {
  for (int i = 0; i < kFlopKinds; ++i) out[i] = g_flops.counts[i];
}
ZT_EXPORT void zt_flops_reset() {
  for (int i = 0; i < kFlopKinds; ++i) g_flops.counts[i] = 0;
}

// ---- devices -------------------------------------------------------------------------------
ZT_EXPORT int32_t zt_cuda_is_available() { return at::hasCUDA() ? 1 : 0; }
ZT_EXPORT int32_t zt_cuda_device_count() { return static_cast<int32_t>(at::getNumGPUs()); }

// ---- parameter storage swaps (module.to(...), load) ----------------------------------------
// Replaces self's data with src's while keeping self's identity in the autograd graph
// (what PyTorch's `param.data = ...` does).
ZT_EXPORT int32_t zt_set_data(TH self, TH src) { ZT_STATUS(self->set_data(*src)) }
