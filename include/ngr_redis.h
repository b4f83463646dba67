/*
 * ngr_redis.h - the C ABI of libngr_redis, the Go core of nano-graphrag-redis.
 *
 * This header is hand-written and is the single declaration of the ABI.
 * The Go side lives in binding/ (built with `go build -buildmode=c-shared`):
 * it takes the codes below from this header and fails to compile if an
 * export differs from its prototype here (binding/abi_check.c). The Python
 * side mirrors it once, for ctypes, in python/nano_graphrag_redis/_abi.py;
 * tests/test_abi_codes.py checks that mirror against this header.
 *
 * Conventions
 * - Every function returns an ngr_status (0 = NGR_OK) unless stated otherwise.
 * - Handles (stores, completion queues, tickets) are opaque uint64 integers.
 *   No Go pointer ever crosses this boundary.
 * - Errors are per call: on failure *err_out receives a NUL-terminated UTF-8
 *   message allocated by the library (caller frees with ngr_free). On
 *   success *err_out is set to NULL. err_out may be NULL if the caller does
 *   not want the message. Messages never contain a password.
 * - Every buffer the library returns (resp_out, err_out) is owned by the
 *   caller and released with ngr_free. Input buffers are only read during
 *   the call and never kept.
 * - Every export recovers Go panics and returns NGR_ERR_PANIC instead of
 *   crashing the process.
 * - One call per batch: a request carries a whole batch (see ngr_op).
 * - Requests and responses are msgpack documents, described per ngr_op.
 */
#ifndef NGR_REDIS_H
#define NGR_REDIS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on every incompatible change and on every new export (a caller that
 * needs it must not load an older library); ngr_abi_version() returns it.
 * 2: ngr_call_start, ngr_call_wait, ngr_call_abandon. */
#define NGR_ABI_VERSION 2

/* Status codes. Stable: never renumber, only append. */
typedef enum ngr_status {
    NGR_OK = 0,
    NGR_ERR_INTERNAL = 1,      /* unexpected failure; message says what */
    NGR_ERR_CONFIG = 2,        /* invalid option; message names option and value */
    NGR_ERR_CONNECTION = 3,    /* cannot reach Redis, connection dropped */
    NGR_ERR_TIMEOUT = 4,       /* outcome unknown: the command may have run */
    NGR_ERR_AUTH = 5,          /* NOAUTH, WRONGPASS, NOPERM */
    NGR_ERR_REDIRECT = 6,      /* cluster MOVED/ASK redirects exhausted */
    NGR_ERR_SERIALIZATION = 7, /* request or stored value is not valid msgpack */
    NGR_ERR_TOO_LARGE = 8,     /* a value exceeds max_value_size; names the key */
    NGR_ERR_CLOSED = 9,        /* the store or queue was closed */
    NGR_ERR_BAD_HANDLE = 10,   /* unknown handle */
    NGR_ERR_PANIC = 11,        /* a Go panic was recovered */
    NGR_ERR_CANCELLED = 12,    /* the ticket was cancelled with ngr_cancel */
    NGR_ERR_PENDING = 13,      /* ngr_take, ngr_call_*: not completed yet */
    NGR_ERR_BAD_REQUEST = 14,  /* unknown op or malformed request */
    NGR_ERR_NOT_REPLICATED = 15, /* written on the master, but WAIT saw fewer replicas than wait_replicas */
    NGR_ERR_CORRUPT_VALUE = 16, /* a stored value cannot be read; names the namespace and every bad id */
    NGR_ERR_RESPONSE = 17,     /* Redis answered with an error reply; message quotes it */
    NGR_ERR_TLS = 18,          /* TLS handshake failed (certificate, CA, TLS vs plain port) */
    NGR_ERR_OOM = 19           /* Redis refused a write: OOM command not allowed (maxmemory) */
} ngr_status;

/*
 * Operations on a store (one namespace). Request (req) and response
 * (resp) are msgpack:
 *
 *   op                     request                      response
 *   NGR_OP_GET             str id                       stored value, or nil
 *   NGR_OP_GET_MANY        [ [str ids...], fields ]     [ value|nil ... ] in ids order;
 *                          fields: nil or [str...]      with fields, each map value is cut
 *                                                       to those top-level keys
 *   NGR_OP_FILTER_MISSING  [ str ids... ]               [ str ids not stored ... ] (input order)
 *   NGR_OP_UPSERT          { str id: value, ... }       int: number of items written
 *                          values are stored verbatim (their msgpack bytes), never re-encoded
 *   NGR_OP_DELETE          str id                       bool: whether a live value was removed
 *   NGR_OP_ALL_KEYS        nil                          [ str ids... ]
 *   NGR_OP_COUNT           nil                          int: exact number of live ids
 *   NGR_OP_DROP            nil                          int: number of ids removed
 *   NGR_OP_STATS           nil                          map of str -> scalar|map (see docs/monitoring.md)
 *   NGR_OP_REPAIR          nil                          int: index entries removed whose value was gone
 *   NGR_OP_PING            nil                          true once Redis answered PING (an error otherwise)
 */
typedef enum ngr_op {
    NGR_OP_GET = 1,
    NGR_OP_GET_MANY = 2,
    NGR_OP_FILTER_MISSING = 3,
    NGR_OP_UPSERT = 4,
    NGR_OP_DELETE = 5,
    NGR_OP_ALL_KEYS = 6,
    NGR_OP_COUNT = 7,
    NGR_OP_DROP = 8,
    NGR_OP_STATS = 9,
    NGR_OP_REPAIR = 10,
    NGR_OP_PING = 11
} ngr_op;

/* Returns NGR_ABI_VERSION of the loaded library. Check it before anything else. */
int32_t ngr_abi_version(void);

/* Returns the version of the nano-graphrag-redis package that built this library ("dev" for a plain
 * `go build`): a static NUL-terminated string owned by the library, never to be freed. Loaders name it
 * when the ABI version does not match. */
const char *ngr_package_version(void);

/* Releases a buffer returned by any ngr_* function. NULL is a no-op. */
void ngr_free(void *p);

/* ---- stores ---------------------------------------------------------- */

/*
 * Opens a store for one namespace.
 * options_json: UTF-8 JSON object of connection options (keys listed in
 *   docs/configuration.md, section "Wire options"). Stores opened with
 *   identical options share one Redis client and its pool.
 * namespace: UTF-8, not NUL-terminated, ns_len bytes.
 * Does no network I/O, so it never blocks on an unreachable server: it
 * only validates the options and registers the store. The shared client
 * connects on the first operation (ngr_call or ngr_submit), once; every
 * operation waiting for that connect fails with its error
 * (NGR_ERR_CONNECTION, NGR_ERR_AUTH, NGR_ERR_TIMEOUT, ...), and a failed
 * connect is retried by the next operation. An invalid namespace (empty,
 * or with '{' or '}') is rejected here, as NGR_ERR_CONFIG.
 * On NGR_OK, *store_out holds the new handle; close it with ngr_store_close.
 * Returns NGR_ERR_CONFIG (names the option), NGR_ERR_PANIC.
 */
int32_t ngr_store_open(const char *options_json, size_t options_len,
                       const char *ns, size_t ns_len,
                       uint64_t *store_out, char **err_out);

/*
 * Closes a store. The shared client is closed with its last store.
 * In-flight async requests on it complete with NGR_ERR_CLOSED or their result.
 * Returns NGR_ERR_BAD_HANDLE for an unknown or already closed handle.
 */
int32_t ngr_store_close(uint64_t store, char **err_out);

/*
 * Runs one operation and blocks the calling thread until it completes;
 * other threads may call the library meanwhile.
 * On NGR_OK, *resp_out and *resp_len_out hold the msgpack response (caller frees
 * with ngr_free). On error they are set to NULL/0.
 */
int32_t ngr_call(uint64_t store, int32_t op,
                 const uint8_t *req, size_t req_len,
                 uint8_t **resp_out, size_t *resp_len_out, char **err_out);

/* ---- interruptible blocking calls ------------------------------------ */

/*
 * ngr_call for a caller that must regain control while it waits: Python runs
 * signal handlers (Ctrl-C) on its main thread only between two C calls. Starts
 * the operation and waits at most wait_ms for it. If it finishes in time, the
 * outputs are those of ngr_call and *call_out is 0. Otherwise returns
 * NGR_ERR_PENDING with *call_out set: wait again with ngr_call_wait, or give
 * up with ngr_call_abandon. The request is copied, so req may be freed on return.
 */
int32_t ngr_call_start(uint64_t store, int32_t op,
                       const uint8_t *req, size_t req_len, int32_t wait_ms,
                       uint64_t *call_out,
                       uint8_t **resp_out, size_t *resp_len_out, char **err_out);

/*
 * Waits at most wait_ms more for a pending call. When it has finished, the
 * outputs are those of ngr_call and the call handle is forgotten; otherwise
 * returns NGR_ERR_PENDING and the handle stays valid.
 */
int32_t ngr_call_wait(uint64_t call, int32_t wait_ms,
                      uint8_t **resp_out, size_t *resp_len_out, char **err_out);

/* Cancels a pending call and forgets its handle; its result is dropped when it finishes. */
int32_t ngr_call_abandon(uint64_t call);

/* ---- completion queues (async) --------------------------------------- */

/*
 * Opens a completion queue. *fd_out receives the read end of a non-blocking
 * pipe owned by the queue: each completed ticket writes its id there as
 * 8 bytes, little-endian uint64. Watch it (e.g. asyncio loop.add_reader),
 * read whole 8-byte ids, then call ngr_take for each. No OS thread is held
 * per request: requests run as goroutines and the write goes through the
 * Go netpoller. The fd is closed by ngr_cq_close; do not close it yourself.
 */
int32_t ngr_cq_open(uint64_t *cq_out, int32_t *fd_out, char **err_out);

/* Closes a queue and frees every result not yet taken. Pending requests are cancelled. */
int32_t ngr_cq_close(uint64_t cq, char **err_out);

/*
 * Starts one operation in the background. Same op/req as ngr_call.
 * On NGR_OK, *ticket_out identifies it; its id appears on the queue's fd
 * when it completes.
 */
int32_t ngr_submit(uint64_t cq, uint64_t store, int32_t op,
                   const uint8_t *req, size_t req_len,
                   uint64_t *ticket_out, char **err_out);

/*
 * Asks a running ticket to stop (cancels its context). The ticket still
 * completes and must still be taken with ngr_take, which frees it.
 * Returns NGR_ERR_BAD_HANDLE if the ticket is unknown (already taken).
 */
int32_t ngr_cancel(uint64_t cq, uint64_t ticket);

/*
 * Takes the result of a completed ticket and forgets the ticket.
 * Returns the ticket's own status; on NGR_OK *resp_out and *resp_len_out hold the
 * response (caller frees with ngr_free). Returns NGR_ERR_PENDING (ticket kept)
 * if it has not completed, NGR_ERR_BAD_HANDLE if unknown.
 */
int32_t ngr_take(uint64_t cq, uint64_t ticket,
                 uint8_t **resp_out, size_t *resp_len_out, char **err_out);

/* ---- diagnostics ----------------------------------------------------- */

/* Number of live handles (stores, shared clients, queues, tickets). 0 after everything is closed. */
int64_t ngr_handle_count(void);

/* Number of goroutines in the library's Go runtime: with ngr_handle_count, how a soak test sees a leak. */
int64_t ngr_goroutine_count(void);

/*
 * Test-only hook: panics inside the library. Returns NGR_ERR_PANIC with the
 * panic text when the environment variable NGR_TEST_HOOKS=1 was set at
 * load time, NGR_ERR_BAD_REQUEST otherwise. If async is non-zero, the
 * panic happens in a goroutine submitted to queue cq and the ticket
 * (in *ticket_out) completes with NGR_ERR_PANIC.
 */
int32_t ngr_debug_panic(int32_t async, uint64_t cq, uint64_t *ticket_out, char **err_out);

#ifdef __cplusplus
}
#endif

#endif /* NGR_REDIS_H */
