package main

// Status and op codes of include/ngr_redis.h, mirrored here so the Go side
// never depends on cgo types for them. tests/test_abi_codes.py parses this
// file, the header and _abi.py, and fails if they disagree.

// abiVersion is NGR_ABI_VERSION.
const abiVersion = 1

const (
	statusOK            int32 = 0  // NGR_OK
	statusInternal      int32 = 1  // NGR_ERR_INTERNAL
	statusConfig        int32 = 2  // NGR_ERR_CONFIG
	statusConnection    int32 = 3  // NGR_ERR_CONNECTION
	statusTimeout       int32 = 4  // NGR_ERR_TIMEOUT
	statusAuth          int32 = 5  // NGR_ERR_AUTH
	statusRedirect      int32 = 6  // NGR_ERR_REDIRECT
	statusSerialization int32 = 7  // NGR_ERR_SERIALIZATION
	statusTooLarge      int32 = 8  // NGR_ERR_TOO_LARGE
	statusClosed        int32 = 9  // NGR_ERR_CLOSED
	statusBadHandle     int32 = 10 // NGR_ERR_BAD_HANDLE
	statusPanic         int32 = 11 // NGR_ERR_PANIC
	statusCancelled     int32 = 12 // NGR_ERR_CANCELLED
	statusPending       int32 = 13 // NGR_ERR_PENDING
	statusBadRequest    int32 = 14 // NGR_ERR_BAD_REQUEST
	statusNotReplicated int32 = 15 // NGR_ERR_NOT_REPLICATED
)

const (
	opGet           int32 = 1  // NGR_OP_GET
	opGetMany       int32 = 2  // NGR_OP_GET_MANY
	opFilterMissing int32 = 3  // NGR_OP_FILTER_MISSING
	opUpsert        int32 = 4  // NGR_OP_UPSERT
	opDelete        int32 = 5  // NGR_OP_DELETE
	opAllKeys       int32 = 6  // NGR_OP_ALL_KEYS
	opCount         int32 = 7  // NGR_OP_COUNT
	opDrop          int32 = 8  // NGR_OP_DROP
	opStats         int32 = 9  // NGR_OP_STATS
	opRepair        int32 = 10 // NGR_OP_REPAIR
	opPing          int32 = 11 // NGR_OP_PING
)
