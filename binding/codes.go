package main

// The status and op codes and the ABI version are those of
// include/ngr_redis.h, the one declaration of the ABI: a code renamed or
// removed there no longer compiles here. abi_check.c checks at compile time
// that every //export matches its prototype in the header.

/*
#include "ngr_redis.h"
*/
import "C"

const abiVersion = C.NGR_ABI_VERSION

const (
	statusOK            = int32(C.NGR_OK)
	statusInternal      = int32(C.NGR_ERR_INTERNAL)
	statusConfig        = int32(C.NGR_ERR_CONFIG)
	statusConnection    = int32(C.NGR_ERR_CONNECTION)
	statusTimeout       = int32(C.NGR_ERR_TIMEOUT)
	statusAuth          = int32(C.NGR_ERR_AUTH)
	statusRedirect      = int32(C.NGR_ERR_REDIRECT)
	statusSerialization = int32(C.NGR_ERR_SERIALIZATION)
	statusTooLarge      = int32(C.NGR_ERR_TOO_LARGE)
	statusClosed        = int32(C.NGR_ERR_CLOSED)
	statusBadHandle     = int32(C.NGR_ERR_BAD_HANDLE)
	statusPanic         = int32(C.NGR_ERR_PANIC)
	statusCancelled     = int32(C.NGR_ERR_CANCELLED)
	statusPending       = int32(C.NGR_ERR_PENDING)
	statusBadRequest    = int32(C.NGR_ERR_BAD_REQUEST)
	statusNotReplicated = int32(C.NGR_ERR_NOT_REPLICATED)
	statusCorruptValue  = int32(C.NGR_ERR_CORRUPT_VALUE)
	statusResponse      = int32(C.NGR_ERR_RESPONSE)
	statusTLS           = int32(C.NGR_ERR_TLS)
	statusOOM           = int32(C.NGR_ERR_OOM)
)

const (
	opGet           = int32(C.NGR_OP_GET)
	opGetMany       = int32(C.NGR_OP_GET_MANY)
	opFilterMissing = int32(C.NGR_OP_FILTER_MISSING)
	opUpsert        = int32(C.NGR_OP_UPSERT)
	opDelete        = int32(C.NGR_OP_DELETE)
	opAllKeys       = int32(C.NGR_OP_ALL_KEYS)
	opCount         = int32(C.NGR_OP_COUNT)
	opDrop          = int32(C.NGR_OP_DROP)
	opStats         = int32(C.NGR_OP_STATS)
	opRepair        = int32(C.NGR_OP_REPAIR)
	opPing          = int32(C.NGR_OP_PING)
)
