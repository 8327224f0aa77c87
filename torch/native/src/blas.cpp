// The BLAS library's own thread pool (outside libtorch's intra-op setting).
//
// libtorch hands every float GEMM to the system BLAS. With Debian's libopenblas0-pthread that library
// runs its own pthreads (one per CPU by default), untouched by at::set_num_threads — PyTorch's
// set_num_threads sets OpenMP and MKL threads only. A benchmark that wants "n threads on both sides" must
// therefore set the BLAS pool too, on both sides. This file finds the BLAS in the process (whichever
// loaded object exports openblas_set_num_threads / openblas_get_num_threads; the symbols are looked up
// by name so the shim links against no particular BLAS) and sets or reads its thread count.
#include "common.h"

#include <dlfcn.h>
#include <link.h>

namespace {

struct Lookup {
  const char* name;
  void* found;
};

int find_symbol(struct dl_phdr_info* info, size_t, void* data) {
  auto* lookup = static_cast<Lookup*>(data);
  if (!info->dlpi_name || !info->dlpi_name[0]) return 0;
  // RTLD_NOLOAD: only objects already mapped into the process; the handle is released at once.
  void* handle = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
  if (!handle) return 0;
  void* sym = dlsym(handle, lookup->name);
  dlclose(handle);
  if (!sym) return 0;
  lookup->found = sym;
  return 1;
}

void* blas_symbol(const char* name) {
  Lookup lookup{name, nullptr};
  dl_iterate_phdr(find_symbol, &lookup);
  return lookup.found;
}

}  // namespace

// The BLAS library's thread count, or -1 when the loaded BLAS offers no way to read it (not OpenBLAS).
ZT_EXPORT int32_t zt_blas_get_num_threads() {
  using Get = int (*)();
  static auto get = reinterpret_cast<Get>(blas_symbol("openblas_get_num_threads"));
  return get ? get() : -1;
}

// Sets the BLAS library's thread count; returns 0, or -1 (with an error) when the BLAS offers no setter.
ZT_EXPORT int32_t zt_blas_set_num_threads(int32_t n) {
  ZT_BEGIN
  TORCH_CHECK_VALUE(n >= 1, "blas threads must be >= 1, got ", n);
  using Set = void (*)(int);
  static auto set = reinterpret_cast<Set>(blas_symbol("openblas_set_num_threads"));
  TORCH_CHECK(set, "the BLAS loaded in this process has no openblas_set_num_threads (it is not OpenBLAS)");
  set(n);
  return 0;
  ZT_END(-1)
}
