/*
 * Proof that a cross-built libngr_redis works: loads it (linked with rpath $ORIGIN), checks the ABI and the
 * stamped package version, then upserts and reads back one value on the Redis at argv[1]. tests/test_packaging.py
 * builds it with zig for aarch64 and runs it under qemu-user. Prints "abi_smoke ok <package version>".
 */
#include <stdio.h>
#include <string.h>

#include "ngr_redis.h"

static int fail(const char *what, int32_t status, char *err) {
    fprintf(stderr, "abi_smoke: %s: status %d: %s\n", what, status, err ? err : "");
    ngr_free(err);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: abi_smoke REDIS_URL NAMESPACE\n");
        return 2;
    }
    if (ngr_abi_version() != NGR_ABI_VERSION) {
        fprintf(stderr, "abi_smoke: ABI %d, header %d\n", ngr_abi_version(), NGR_ABI_VERSION);
        return 1;
    }
    char options[512];
    snprintf(options, sizeof options, "{\"url\":\"%s\"}", argv[1]);
    uint64_t store = 0;
    char *err = NULL;
    int32_t status = ngr_store_open(options, strlen(options), argv[2], strlen(argv[2]), &store, &err);
    if (status != NGR_OK) return fail("ngr_store_open", status, err);

    /* msgpack by hand: upsert {"k": 7} answers 1 (written); get "k" answers 7; drop answers 1 (removed). */
    static const uint8_t upsert[] = {0x81, 0xa1, 'k', 0x07}, get[] = {0xa1, 'k'}, nil[] = {0xc0};
    const struct { int32_t op; const uint8_t *req; size_t len; uint8_t want; } steps[] = {
        {NGR_OP_UPSERT, upsert, sizeof upsert, 0x01},
        {NGR_OP_GET, get, sizeof get, 0x07},
        {NGR_OP_DROP, nil, sizeof nil, 0x01},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        uint8_t *resp = NULL;
        size_t len = 0;
        status = ngr_call(store, steps[i].op, steps[i].req, steps[i].len, &resp, &len, &err);
        if (status != NGR_OK) return fail("ngr_call", status, err);
        int ok = len == 1 && resp[0] == steps[i].want;
        ngr_free(resp);
        if (!ok) {
            fprintf(stderr, "abi_smoke: op %d answered %zu bytes, want 0x%02x\n", steps[i].op, len, steps[i].want);
            return 1;
        }
    }
    status = ngr_store_close(store, &err);
    if (status != NGR_OK) return fail("ngr_store_close", status, err);
    printf("abi_smoke ok %s\n", ngr_package_version());
    return 0;
}
