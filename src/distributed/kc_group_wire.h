/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kafka's classic group membership on the wire, for the distributed
 * herder's own group client (librdkafka lets no program define a group
 * protocol such as Connect's): the requests FindCoordinator, JoinGroup,
 * SyncGroup, Heartbeat, LeaveGroup and ApiVersions, their responses, and a
 * small blocking connection to one broker.
 *
 * Versions are the newest non-flexible ones (request header v1, response
 * header v0): FindCoordinator v2, JoinGroup v5, SyncGroup v3, Heartbeat v3,
 * LeaveGroup v3 (v1 where the broker has no v3, as librdkafka's mock
 * cluster), ApiVersions v0, and for SASL SaslHandshake v1 and
 * SaslAuthenticate v1. Every broker from 2.3 to 4.x serves them
 * (Kafka 4.0 dropped only older ones, KIP-896), and the flexible versions
 * add nothing a Connect worker uses (tagged fields, JoinGroup's reason
 * string, SyncGroup's protocol echo). kc_group_conn_open checks them
 * against the broker's ApiVersions.
 */
#ifndef KC_DISTRIBUTED_KC_GROUP_WIRE_H
#define KC_DISTRIBUTED_KC_GROUP_WIRE_H

#include <stdbool.h>
#include <stdint.h>

#include <kconnect/common.h>

enum {
    KC_API_JOIN_GROUP = 11,
    KC_API_HEARTBEAT = 12,
    KC_API_LEAVE_GROUP = 13,
    KC_API_SYNC_GROUP = 14,
    KC_API_API_VERSIONS = 18,
    KC_API_FIND_COORDINATOR = 10,
    KC_API_SASL_HANDSHAKE = 17,
    KC_API_SASL_AUTHENTICATE = 36
};

/* The versions this client speaks. */
enum {
    KC_VER_FIND_COORDINATOR = 2,
    KC_VER_JOIN_GROUP = 5,
    KC_VER_SYNC_GROUP = 3,
    KC_VER_HEARTBEAT = 3,
    KC_VER_LEAVE_GROUP = 3,
    KC_VER_API_VERSIONS = 0,
    KC_VER_SASL_HANDSHAKE = 1, /* v1: the tokens go in SaslAuthenticate */
    KC_VER_SASL_AUTHENTICATE = 1
};

/* Kafka error codes the group client acts on. */
enum {
    KC_KERR_NONE = 0,
    KC_KERR_COORDINATOR_LOAD_IN_PROGRESS = 14,
    KC_KERR_COORDINATOR_NOT_AVAILABLE = 15,
    KC_KERR_NOT_COORDINATOR = 16,
    KC_KERR_ILLEGAL_GENERATION = 22,
    KC_KERR_INCONSISTENT_GROUP_PROTOCOL = 23,
    KC_KERR_INVALID_GROUP_ID = 24,
    KC_KERR_INVALID_SESSION_TIMEOUT = 26,
    KC_KERR_GROUP_AUTHORIZATION_FAILED = 30,
    KC_KERR_UNSUPPORTED_VERSION = 35,
    KC_KERR_GROUP_MAX_SIZE_REACHED = 81,
    KC_KERR_FENCED_INSTANCE_ID = 82,
    KC_KERR_UNSUPPORTED_SASL_MECHANISM = 33,
    KC_KERR_ILLEGAL_SASL_STATE = 34,
    KC_KERR_SASL_AUTHENTICATION_FAILED = 58,
    KC_KERR_UNKNOWN_MEMBER_ID = 25,
    KC_KERR_REBALANCE_IN_PROGRESS = 27,
    KC_KERR_MEMBER_ID_REQUIRED = 79
};

/** @brief A protocol offered in JoinGroup, or a member's metadata. */
typedef struct kc_group_protocol {
    const char *name;
    kc_bytes_t metadata;
} kc_group_protocol_t;

typedef struct kc_join_group_req {
    const char *group_id;
    int32_t session_timeout_ms;
    int32_t rebalance_timeout_ms;
    const char *member_id; /* "" on the first join */
    const char *protocol_type;
    const kc_group_protocol_t *protocols; /* in preference order */
    size_t n_protocols;
} kc_join_group_req_t;

typedef struct kc_group_member {
    const char *member_id;
    const char *group_instance_id; /* NULL: not static */
    kc_bytes_t metadata;
} kc_group_member_t;

typedef struct kc_join_group_resp {
    int16_t error;
    int32_t generation_id;
    const char *protocol_name;
    const char *leader;
    const char *member_id;
    const kc_group_member_t *members; /* the leader's only */
    size_t n_members;
} kc_join_group_resp_t;

typedef struct kc_sync_assignment {
    const char *member_id;
    kc_bytes_t assignment;
} kc_sync_assignment_t;

typedef struct kc_find_coordinator_resp {
    int16_t error;
    const char *error_message; /* may be NULL */
    int32_t node_id;
    const char *host;
    int32_t port;
} kc_find_coordinator_resp_t;

typedef struct kc_api_version_range {
    int16_t api_key;
    int16_t min_version;
    int16_t max_version;
} kc_api_version_range_t;

typedef struct kc_sasl_authenticate_resp {
    int16_t error;
    const char *error_message; /* may be NULL */
    kc_bytes_t auth;           /* the mechanism's next token */
    int64_t session_lifetime_ms;
} kc_sasl_authenticate_resp_t;

/* ---- request bodies (appended after the header) */

/** @brief Append a request header v1 (the frame's size is not included). */
kc_err_t kc_group_wire_header(kc_buf_t *out, int16_t api_key,
                              int16_t api_version, int32_t correlation_id,
                              const char *client_id);
kc_err_t kc_group_wire_find_coordinator(kc_buf_t *out, const char *group_id);
kc_err_t kc_group_wire_join_group(kc_buf_t *out,
                                  const kc_join_group_req_t *req);
/** @brief SyncGroup v3; @p assignments empty for a follower. */
kc_err_t kc_group_wire_sync_group(kc_buf_t *out, const char *group_id,
                                  int32_t generation_id, const char *member_id,
                                  const kc_sync_assignment_t *assignments,
                                  size_t n_assignments);
kc_err_t kc_group_wire_heartbeat(kc_buf_t *out, const char *group_id,
                                 int32_t generation_id, const char *member_id);
/** @brief LeaveGroup body of @p version (1..3; see
 * kc_group_conn_leave_version). */
kc_err_t kc_group_wire_leave_group(kc_buf_t *out, int16_t version,
                                   const char *group_id, const char *member_id);

/** @brief SaslHandshake v1: the mechanism the client will use. */
kc_err_t kc_group_wire_sasl_handshake(kc_buf_t *out, const char *mechanism);
/** @brief SaslAuthenticate v1: one token of the mechanism. */
kc_err_t kc_group_wire_sasl_authenticate(kc_buf_t *out, kc_bytes_t auth);

/* ---- response bodies (after the response header). Each returns KC_OK
 * or KC_ERR_INVALID with @p err naming the field; results live in
 * @p arena and never point past @p data + @p len. */

kc_err_t kc_group_wire_read_api_versions(const uint8_t *data, size_t len,
                                         kc_arena_t *arena, int16_t *error,
                                         const kc_api_version_range_t **apis,
                                         size_t *n, kc_error_t *err);
kc_err_t kc_group_wire_read_find_coordinator(const uint8_t *data, size_t len,
                                             kc_arena_t *arena,
                                             kc_find_coordinator_resp_t *resp,
                                             kc_error_t *err);
kc_err_t kc_group_wire_read_join_group(const uint8_t *data, size_t len,
                                       kc_arena_t *arena,
                                       kc_join_group_resp_t *resp,
                                       kc_error_t *err);
/** @brief SyncGroup v3: the error and this member's assignment. */
kc_err_t kc_group_wire_read_sync_group(const uint8_t *data, size_t len,
                                       kc_arena_t *arena, int16_t *error,
                                       kc_bytes_t *assignment, kc_error_t *err);
/** @brief SaslHandshake v1: the error and the broker's mechanisms. */
kc_err_t kc_group_wire_read_sasl_handshake(const uint8_t *data, size_t len,
                                           kc_arena_t *arena, int16_t *error,
                                           const char *const **mechanisms,
                                           size_t *n, kc_error_t *err);
kc_err_t kc_group_wire_read_sasl_authenticate(const uint8_t *data, size_t len,
                                              kc_arena_t *arena,
                                              kc_sasl_authenticate_resp_t *resp,
                                              kc_error_t *err);
/** @brief Heartbeat v3 (and the top-level error of LeaveGroup v3). */
kc_err_t kc_group_wire_read_error(const uint8_t *data, size_t len,
                                  int16_t *error, kc_error_t *err);

/* ---- one blocking connection */

typedef struct kc_group_conn kc_group_conn_t;

/**
 * @brief Connect to @p host:@p port (PLAINTEXT), ask ApiVersions and
 * check that the broker serves every version above.
 * @returns a connection or NULL with @p err set.
 */
kc_group_conn_t *kc_group_conn_open(const char *host, int port,
                                    const char *client_id, int timeout_ms,
                                    kc_error_t *err);

struct kc_group_security;

/**
 * @brief kc_group_conn_open with security @p sec (kc_group_security.h;
 * NULL: PLAINTEXT): TLS first when it says so, then ApiVersions, then
 * with SASL SaslHandshake v1 and SaslAuthenticate v1 rounds as the
 * mechanism needs. A refusal names the broker's reason (authentication
 * failed, mechanism not enabled) in @p err.
 */
kc_group_conn_t *kc_group_conn_open_secure(const char *host, int port,
                                           const char *client_id,
                                           const struct kc_group_security *sec,
                                           int timeout_ms, kc_error_t *err);
void kc_group_conn_close(kc_group_conn_t *conn);
/** @brief The LeaveGroup version this broker takes (3, else 1). */
int16_t kc_group_conn_leave_version(const kc_group_conn_t *conn);

/**
 * @brief Send the request body @p body as @p api_key/@p api_version and
 * wait up to @p timeout_ms for its response; @p resp and @p resp_len get the
 * body after the response header, copied into @p arena.
 */
kc_err_t kc_group_conn_call(kc_group_conn_t *conn, int16_t api_key,
                            int16_t api_version, const kc_buf_t *body,
                            int timeout_ms, kc_arena_t *arena,
                            const uint8_t **resp, size_t *resp_len,
                            kc_error_t *err);

/* ---- the first steps of membership, over a connection */

/**
 * @brief Ask @p conn which broker coordinates @p group_id, asking again
 * (every 100 ms, up to @p timeout_ms) while the answer is "coordinator not
 * available" or "loading". *host lives in @p arena.
 * @returns KC_OK; KC_ERR_KAFKA naming the broker's error code and message;
 * KC_ERR_TIMEOUT; or the connection's error.
 */
kc_err_t kc_group_find_coordinator(kc_group_conn_t *conn, const char *group_id,
                                   int timeout_ms, kc_arena_t *arena,
                                   const char **host, int *port,
                                   kc_error_t *err);

/**
 * @brief JoinGroup on the coordinator's connection; when the broker asks
 * for a member id first (MEMBER_ID_REQUIRED, KIP-394) join again with
 * the one it handed out. A broker error comes back in @p resp->error (the
 * caller decides: rejoin, rediscover the coordinator, ...).
 * @returns KC_OK with @p resp filled, or the connection's error.
 */
kc_err_t kc_group_join(kc_group_conn_t *conn, const kc_join_group_req_t *req,
                       int timeout_ms, kc_arena_t *arena,
                       kc_join_group_resp_t *resp, kc_error_t *err);

#endif /* KC_DISTRIBUTED_KC_GROUP_WIRE_H */
