// Compile-time check that the Go exports are the functions include/ngr_redis.h
// declares: a prototype that differs from cgo's generated one (_cgo_export.h)
// is a "conflicting types" error, so the build fails instead of the ABI.
// cgo cannot write `const` into the prototypes it generates, so the header's
// `const` is compared away; everything else (types, arity, return) must match.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define const
#include "ngr_redis.h"
#undef const

#include "_cgo_export.h"

_Static_assert(sizeof(ngr_status) == sizeof(int32_t), "ngr_status travels as int32_t");
_Static_assert(sizeof(ngr_op) == sizeof(int32_t), "ngr_op travels as int32_t");
