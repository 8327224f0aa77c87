// In-place initialisers used by nn.init (they run under no_grad on the C# side).
#include "common.h"

using namespace zt;

ZT_EXPORT int32_t zt_uniform_(TH t, double low, double high) { ZT_STATUS(t->uniform_(low, high)) }
ZT_EXPORT int32_t zt_normal_(TH t, double mean, double std) { ZT_STATUS(t->normal_(mean, std)) }
ZT_EXPORT int32_t zt_erfinv_(TH t) { ZT_STATUS(t->erfinv_()) }
