/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connect's group subprotocols, as Apache Kafka Connect's workers write
 * them into JoinGroup metadata and SyncGroup assignments: "default"
 * (eager, ConnectProtocol, version 0) and "compatible"/"sessioned"
 * (IncrementalCooperativeConnectProtocol, versions 1 and 2). A kconnect
 * worker and a Java worker read each other's bytes; the encoders write
 * exactly Apache's bytes (tests/golden/connect_protocol).
 *
 * Decoders read untrusted bytes from the group coordinator: they never
 * read past the buffer and name the field that is wrong. Everything they
 * return lives in the caller's arena.
 */
#ifndef KC_DISTRIBUTED_KC_CONNECT_PROTOCOL_H
#define KC_DISTRIBUTED_KC_CONNECT_PROTOCOL_H

#include <stdbool.h>
#include <stdint.h>

#include <kconnect/common.h>

/* Task id that stands for the Connector instance itself. */
#define KC_CONNECT_CONNECTOR_TASK (-1)

/* Assignment error codes. */
#define KC_CONNECT_NO_ERROR        0
#define KC_CONNECT_CONFIG_MISMATCH 1

/** @brief Which of Apache's schemas reads a buffer. */
typedef enum kc_connect_protocol {
    KC_CONNECT_EAGER = 0,      /* "default": ConnectProtocol */
    KC_CONNECT_COMPATIBLE = 1, /* "compatible": incremental, version 1 */
    KC_CONNECT_SESSIONED = 2   /* "sessioned": incremental, version 2 */
} kc_connect_protocol_t;

/** @brief One connector's part of an assignment, in wire order. */
typedef struct kc_connect_entry {
    const char *connector;
    const int32_t *tasks; /* KC_CONNECT_CONNECTOR_TASK for the connector */
    size_t n_tasks;
} kc_connect_entry_t;

/**
 * @brief A connector/task assignment. @c assigned and @c revoked are in
 * wire order; a NULL array with n 0 is written as an empty array by the
 * encoders (Apache never writes a null one) and is what a null array on
 * the wire decodes to.
 */
typedef struct kc_connect_assignment {
    int16_t version;    /* header written: 0 eager, 1 compatible, 2 sessioned */
    int16_t error;      /* KC_CONNECT_NO_ERROR or KC_CONNECT_CONFIG_MISMATCH */
    const char *leader; /* member id; never NULL when encoding */
    const char *leader_url; /* never NULL when encoding */
    int64_t config_offset;
    const kc_connect_entry_t *assigned;
    size_t n_assigned;
    const kc_connect_entry_t *revoked; /* version >= 1 only */
    size_t n_revoked;
    int32_t delay; /* ms before rejoining; version >= 1 only */
} kc_connect_assignment_t;

/** @brief A worker's JoinGroup metadata. */
typedef struct kc_connect_metadata {
    int16_t version; /* 0 eager, 1 compatible, 2 sessioned */
    const char *url; /* advertised REST URL */
    int64_t config_offset;
    /* version >= 1: the worker's current assignment, NULL for none (the
     * null "allocation" Apache writes for a worker with no assignment) */
    const kc_connect_assignment_t *assignment;
} kc_connect_metadata_t;

/**
 * @brief Append @p md to @p out as Apache writes it (version 0 without
 * an allocation; 1 and 2 with the current assignment nested, written with
 * the same version).
 * @returns KC_OK, or KC_ERR_TOO_LARGE (@p out's bound, or a string or list
 * longer than the protocol can carry; @p err says which).
 */
kc_err_t kc_connect_metadata_encode(kc_buf_t *out,
                                    const kc_connect_metadata_t *md,
                                    kc_error_t *err);

/**
 * @brief Append @p a to @p out: version 0 as ConnectProtocol writes it,
 * 1 and 2 as IncrementalCooperativeConnectProtocol does.
 * @returns KC_OK or KC_ERR_TOO_LARGE (see kc_connect_metadata_encode).
 */
kc_err_t kc_connect_assignment_encode(kc_buf_t *out,
                                      const kc_connect_assignment_t *a,
                                      kc_error_t *err);

/**
 * @brief Read JoinGroup metadata of the subprotocol @p proto (eager reads
 * the version 0 fields of any version; the incremental ones also the
 * allocation, which may be missing or null). Trailing bytes are ignored,
 * as Apache ignores them, so later versions stay readable.
 * @returns KC_OK, or KC_ERR_INVALID with @p err naming the field.
 */
kc_err_t kc_connect_metadata_decode(const uint8_t *data, size_t len,
                                    kc_connect_protocol_t proto,
                                    kc_arena_t *arena,
                                    kc_connect_metadata_t *md, kc_error_t *err);

/**
 * @brief Read an assignment. Eager reads the version 0 fields; the
 * incremental protocols read revoked and delay too, tolerating their
 * absence at the very end of the buffer (as Apache does for version 0
 * bytes). Arrays null on the wire come back empty.
 * @returns KC_OK, or KC_ERR_INVALID with @p err naming the field.
 */
kc_err_t kc_connect_assignment_decode(const uint8_t *data, size_t len,
                                      kc_connect_protocol_t proto,
                                      kc_arena_t *arena,
                                      kc_connect_assignment_t *a,
                                      kc_error_t *err);

/** @brief One task of a connector: the unit the leader assigns. */
typedef struct kc_connect_task_id {
    const char *connector;
    int32_t task;
} kc_connect_task_id_t;

/**
 * @brief Group @p connectors and @p tasks into wire entries in the order
 * Apache's workers write them: assigned connectors come first in the
 * iteration order of a java.util.HashSet of their names (duplicates
 * dropped), each with task -1, then each task appended to its connector's
 * entry (new entries in first-seen order). With @p distinct_in_order the
 * connectors keep their own order instead (how Apache writes the revoked
 * list). Entries live in @p arena; *n gets their count.
 */
const kc_connect_entry_t *
kc_connect_entries_build(kc_arena_t *arena, const char *const *connectors,
                         size_t n_connectors, const kc_connect_task_id_t *tasks,
                         size_t n_tasks, bool distinct_in_order, size_t *n);

#endif /* KC_DISTRIBUTED_KC_CONNECT_PROTOCOL_H */
