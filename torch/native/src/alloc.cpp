// Keeping freed native memory for reuse (glibc malloc tuning), applied once when the shim is loaded.
//
// libtorch's CPU tensors come from malloc (posix_memalign). glibc by default maps a large block with its
// own mmap and unmaps it on free (above a threshold that starts at 128 KB and adapts up to 32 MB), and
// returns free memory at the top of the heap to the system once more than twice that threshold is free.
// Memory obtained again afterwards is faulted in and zeroed by the kernel page by page. Model code on this
// engine holds a forward pass's intermediates in dispose scopes until the scope ends (TorchSharp's model),
// so many large blocks are freed together and the heap's top is trimmed, then faulted in again by the next
// layer: measured on the small CrossLMM prefill, ~220,000 page faults (~0.9 GB zeroed) per forward and
// ~8 % of its time, where Python frees each intermediate as soon as it is dead and reuses it at once.
//
// So, once, at load: M_MMAP_THRESHOLD = 32 MB (glibc's maximum; fixed, no more adaptation: every block
// below it comes from the heap and is reused there) and M_TRIM_THRESHOLD = 1 GB (up to that much free heap
// stays mapped for the next allocation instead of being returned). The process then keeps its high-water
// mark of native memory, as caching allocators do. Blocks above 32 MB are still mapped per allocation.
// Opt out with CROSSLMM_MALLOC=default (glibc's behaviour, or whatever GLIBC_TUNABLES says), or set the trim
// threshold with CROSSLMM_MALLOC_TRIM_MB=N.
#include "common.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

int64_t g_trim_bytes = -1;  // -1: glibc defaults kept

struct MallocTuning {
  MallocTuning() {
#if defined(__GLIBC__)
    const char* mode = std::getenv("CROSSLMM_MALLOC");
    if (mode && std::strcmp(mode, "default") == 0) return;
    int64_t trim = int64_t{1} << 30;
    if (const char* mb = std::getenv("CROSSLMM_MALLOC_TRIM_MB")) {
      char* end = nullptr;
      const long long v = std::strtoll(mb, &end, 10);
      if (end != mb && v >= 0 && v <= (int64_t{1} << 20)) trim = static_cast<int64_t>(v) << 20;
    }
    if (mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, static_cast<int>(std::min<int64_t>(trim, INT32_MAX))) == 1)
      g_trim_bytes = std::min<int64_t>(trim, INT32_MAX);
#endif
  }
};

const MallocTuning g_tuning;

}  // namespace

// The trim threshold set at load, in bytes, or -1 when glibc's defaults are in force.
ZT_EXPORT int64_t zt_malloc_trim_threshold() { return g_trim_bytes; }
