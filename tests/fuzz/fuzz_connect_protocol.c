/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for Connect's group subprotocol decoders (worker
 * metadata and assignments, eager and incremental). Beyond "never read
 * past the buffer, no leak", it checks a round trip: whatever decodes,
 * encoded again and decoded again, gives the same bytes as its first
 * encoding. The first input byte picks the protocol and the message kind;
 * with bit 0x20 set it picks a group response body instead
 * (kc_group_wire.c), which must be read or refused with a reason.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kconnect/kconnect.h>

#include "distributed/kc_connect_protocol.h"
#include "distributed/kc_group_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void kc_fuzz_wire(unsigned int which, const uint8_t *data, size_t size)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_error_t err = {0};
    kc_err_t rc;
    int16_t error;

    switch (which % 5) {
    case 0: {
        const kc_api_version_range_t *apis;
        size_t n;

        rc = kc_group_wire_read_api_versions(data, size, arena, &error, &apis,
                                             &n, &err);
        break;
    }
    case 1: {
        kc_find_coordinator_resp_t r;

        rc = kc_group_wire_read_find_coordinator(data, size, arena, &r, &err);
        break;
    }
    case 2: {
        kc_join_group_resp_t r;

        rc = kc_group_wire_read_join_group(data, size, arena, &r, &err);
        if (rc == KC_OK) {
            for (size_t i = 0; i < r.n_members; i++) {
                const kc_bytes_t *m = &r.members[i].metadata;

                /* member metadata lies inside the input */
                if (m->len > 0 &&
                    (m->data < data || m->data + m->len > data + size)) {
                    __builtin_trap();
                }
            }
        }
        break;
    }
    case 3: {
        kc_bytes_t a;

        rc = kc_group_wire_read_sync_group(data, size, arena, &error, &a, &err);
        break;
    }
    default:
        rc = kc_group_wire_read_error(data, size, &error, &err);
        break;
    }
    if (rc != KC_OK && err.msg[0] == '\0') {
        __builtin_trap();
    }
    kc_arena_destroy(arena);
}

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
    if ((data[0] & 0x20) != 0) {
        kc_fuzz_wire(data[0] & 0x0f, data + 1, size - 1);
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
