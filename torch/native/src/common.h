// Shared plumbing of the C ABI shim: handle ownership, error capture, option decoding.
//
// Conventions, for every exported function:
//  * a tensor is handed across as an owning `at::Tensor*` (freed by zt_free);
//  * nothing throws across the C boundary: ZT_BEGIN/ZT_END catch c10::Error, std::exception and
//    anything else, store the message in a thread-local buffer and return a sentinel
//    (nullptr for tensor results, -1 for status results); C# reads the message with zt_last_error();
//  * dtypes are c10::ScalarType codes (TorchSharp's ScalarType enum uses the same numbering);
//    devices are (c10::DeviceType code, index).
#pragma once
#include <ATen/ATen.h>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#define ZT_EXPORT extern "C" __attribute__((visibility("default")))

typedef at::Tensor* TH;

namespace zt {

enum ErrorKind : int32_t { kGeneric = 1, kIndex = 2, kValue = 3, kType = 4, kNotImplemented = 5 };

void set_error(int32_t kind, const char* message);

extern std::atomic<int64_t> g_live_tensors;

inline TH wrap(at::Tensor t) {
  g_live_tensors.fetch_add(1, std::memory_order_relaxed);
  return new at::Tensor(std::move(t));
}

inline at::Tensor& T(TH h) { return *h; }

inline c10::optional<at::Tensor> opt(TH h) {
  return h ? c10::optional<at::Tensor>(*h) : c10::nullopt;
}

inline at::IntArrayRef dims(const int64_t* p, int32_t n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }

// Scalars cross as (kind, double, int64): kind 0 = floating, 1 = integral, 2 = bool.
inline at::Scalar scalar(int32_t kind, double d, int64_t i) {
  switch (kind) {
    case 1: return at::Scalar(i);
    case 2: return at::Scalar(i != 0);
    default: return at::Scalar(d);
  }
}

inline at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index, bool requires_grad) {
  auto o = at::TensorOptions().requires_grad(requires_grad);
  if (dtype >= 0) o = o.dtype(static_cast<at::ScalarType>(dtype));
  if (device_type >= 0) o = o.device(at::Device(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)));
  return o;
}

std::vector<at::Tensor> tensor_list(TH* handles, int32_t n);

// FLOP accounting for the cost model: counted on the calling thread only, when enabled.
// Categories follow the ops the cost model reasons about; multiply-adds count as 2 FLOPs.
enum FlopKind : int32_t { kMatmul = 0, kLinear = 1, kBmm = 2, kConv = 3, kFlopKinds = 4 };
struct FlopState { bool enabled = false; int64_t counts[kFlopKinds] = {0, 0, 0, 0}; };
extern thread_local FlopState g_flops;
inline void count_flops(FlopKind kind, int64_t flops) {
  if (g_flops.enabled) g_flops.counts[kind] += flops;
}

}  // namespace zt

#define ZT_BEGIN try {
#define ZT_END(sentinel)                                                     \
  }                                                                          \
  catch (const c10::IndexError& e) {                                         \
    zt::set_error(zt::kIndex, e.what_without_backtrace());                   \
    return sentinel;                                                         \
  }                                                                          \
  catch (const c10::ValueError& e) {                                         \
    zt::set_error(zt::kValue, e.what_without_backtrace());                   \
    return sentinel;                                                         \
  }                                                                          \
  catch (const c10::TypeError& e) {                                          \
    zt::set_error(zt::kType, e.what_without_backtrace());                    \
    return sentinel;                                                         \
  }                                                                          \
  catch (const c10::NotImplementedError& e) {                                \
    zt::set_error(zt::kNotImplemented, e.what_without_backtrace());          \
    return sentinel;                                                         \
  }                                                                          \
  catch (const c10::Error& e) {                                              \
    zt::set_error(zt::kGeneric, e.what_without_backtrace());                 \
    return sentinel;                                                         \
  }                                                                          \
  catch (const std::exception& e) {                                          \
    zt::set_error(zt::kGeneric, e.what());                                   \
    return sentinel;                                                         \
  }                                                                          \
  catch (...) {                                                              \
    zt::set_error(zt::kGeneric, "unknown native exception in libtorch");     \
    return sentinel;                                                         \
  }

// A function returning a new tensor: body is an expression yielding at::Tensor.
#define ZT_TENSOR(expr) ZT_BEGIN return zt::wrap(expr); ZT_END(nullptr)
// A function returning a status (0 = ok, -1 = error).
#define ZT_STATUS(stmts) ZT_BEGIN stmts; return 0; ZT_END(-1)
