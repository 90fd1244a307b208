/*
 * libFuzzer target for Connect's group subprotocol decoders (worker
 * metadata and assignments, eager and incremental). Beyond "never read
 * past the buffer, no leak", it checks a round trip: whatever decodes,
 * encoded again and decoded again, gives the same bytes as its first
 * encoding. The first input byte picks the protocol and the message kind.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kconnect/kconnect.h>

#include "distributed/kc_connect_protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kc_arena_t *arena;
    kc_connect_protocol_t proto;
    bool metadata;
    kc_error_t err = {0};
    kc_buf_t once;
    kc_buf_t twice;
    kc_err_t rc;

    if (size == 0) {
        return 0;
    }
    proto = (kc_connect_protocol_t)(data[0] % 3);
    metadata = (data[0] & 0x10) != 0;
    data++;
    size--;
    arena = kc_arena_new(0);
    kc_buf_init(&once, 0);
    kc_buf_init(&twice, 0);
    if (metadata) {
        kc_connect_metadata_t md;
        kc_connect_metadata_t back;

        rc = kc_connect_metadata_decode(data, size, proto, arena, &md, &err);
        if (rc == KC_OK &&
            kc_connect_metadata_encode(&once, &md, &err) == KC_OK) {
            if (kc_connect_metadata_decode(once.data, once.len, proto, arena,
                                           &back, &err) != KC_OK ||
                kc_connect_metadata_encode(&twice, &back, &err) != KC_OK ||
                once.len != twice.len ||
                memcmp(once.data, twice.data, once.len) != 0) {
                __builtin_trap();
            }
        }
    } else {
        kc_connect_assignment_t a;
        kc_connect_assignment_t back;

        rc = kc_connect_assignment_decode(data, size, proto, arena, &a, &err);
        /* the eager reader keeps version 0's fields only */
        if (rc == KC_OK && proto == KC_CONNECT_EAGER) {
            a.version = 0;
        }
        if (rc == KC_OK &&
            kc_connect_assignment_encode(&once, &a, &err) == KC_OK) {
            if (kc_connect_assignment_decode(once.data, once.len, proto, arena,
                                             &back, &err) != KC_OK ||
                kc_connect_assignment_encode(&twice, &back, &err) != KC_OK ||
                once.len != twice.len ||
                memcmp(once.data, twice.data, once.len) != 0) {
                __builtin_trap();
            }
        }
    }
    if (rc != KC_OK && err.msg[0] == '\0') {
        __builtin_trap(); /* a refusal says why */
    }
    kc_buf_release(&twice);
    kc_buf_release(&once);
    kc_arena_destroy(arena);
    return 0;
}
