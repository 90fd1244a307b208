/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kafka's classic group requests and responses (see kc_group_wire.h).
 * Non-flexible versions only: STRING is an int16 length (-1 = null where
 * nullable), BYTES an int32 length, ARRAY an int32 count.
 */
#include "kc_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "distributed/kc_group_security.h"
#include "distributed/kc_group_wire.h"

/* The largest response accepted: a JoinGroup response to a leader holds
 * every member's metadata, a few hundred bytes each. */
#define KC_GROUP_MAX_RESPONSE (64 * 1024 * 1024)

/* ---- writing */

static kc_err_t kc_gw_be(kc_buf_t *out, uint64_t v, size_t n)
{
    uint8_t b[8];

    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    }
    return kc_buf_append(out, b, n);
}

static kc_err_t kc_gw_str(kc_buf_t *out, const char *s)
{
    size_t len;

    if (s == NULL) {
        return kc_gw_be(out, UINT16_MAX, 2); /* null */
    }
    len = strlen(s);
    if (len > INT16_MAX) {
        return KC_ERR_TOO_LARGE;
    }
    if (kc_gw_be(out, len, 2) != KC_OK) {
        return KC_ERR_TOO_LARGE;
    }
    return kc_buf_append(out, s, len);
}

static kc_err_t kc_gw_bytes(kc_buf_t *out, kc_bytes_t b)
{
    if (b.len > INT32_MAX || kc_gw_be(out, b.len, 4) != KC_OK) {
        return KC_ERR_TOO_LARGE;
    }
    return b.len == 0 ? KC_OK : kc_buf_append(out, b.data, b.len);
}

kc_err_t kc_group_wire_header(kc_buf_t *out, int16_t api_key,
                              int16_t api_version, int32_t correlation_id,
                              const char *client_id)
{
    if (kc_gw_be(out, (uint16_t)api_key, 2) != KC_OK ||
        kc_gw_be(out, (uint16_t)api_version, 2) != KC_OK ||
        kc_gw_be(out, (uint32_t)correlation_id, 4) != KC_OK) {
        return KC_ERR_TOO_LARGE;
    }
    return kc_gw_str(out, client_id);
}

kc_err_t kc_group_wire_find_coordinator(kc_buf_t *out, const char *group_id)
{
    if (kc_gw_str(out, group_id) != KC_OK) {
        return KC_ERR_TOO_LARGE;
    }
    return kc_gw_be(out, 0, 1); /* key_type 0: a group */
}

kc_err_t kc_group_wire_join_group(kc_buf_t *out, const kc_join_group_req_t *req)
{
    kc_err_t rc = kc_gw_str(out, req->group_id);

    if (rc == KC_OK) {
        rc = kc_gw_be(out, (uint32_t)req->session_timeout_ms, 4);
    }
    if (rc == KC_OK) {
        rc = kc_gw_be(out, (uint32_t)req->rebalance_timeout_ms, 4);
    }
    if (rc == KC_OK) {
        rc = kc_gw_str(out, req->member_id);
    }
    if (rc == KC_OK) {
        rc = kc_gw_str(out, NULL); /* group_instance_id: Connect has none */
    }
    if (rc == KC_OK) {
        rc = kc_gw_str(out, req->protocol_type);
    }
    if (rc == KC_OK) {
        rc = kc_gw_be(out, req->n_protocols, 4);
    }
    for (size_t i = 0; rc == KC_OK && i < req->n_protocols; i++) {
        rc = kc_gw_str(out, req->protocols[i].name);
        if (rc == KC_OK) {
            rc = kc_gw_bytes(out, req->protocols[i].metadata);
        }
    }
    return rc == KC_OK ? KC_OK : KC_ERR_TOO_LARGE;
}

kc_err_t kc_group_wire_sync_group(kc_buf_t *out, const char *group_id,
                                  int32_t generation_id, const char *member_id,
                                  const kc_sync_assignment_t *assignments,
                                  size_t n_assignments)
{
    kc_err_t rc = kc_gw_str(out, group_id);

    if (rc == KC_OK) {
        rc = kc_gw_be(out, (uint32_t)generation_id, 4);
    }
    if (rc == KC_OK) {
        rc = kc_gw_str(out, member_id);
    }
    if (rc == KC_OK) {
        rc = kc_gw_str(out, NULL); /* group_instance_id */
    }
    if (rc == KC_OK) {
        rc = kc_gw_be(out, n_assignments, 4);
    }
    for (size_t i = 0; rc == KC_OK && i < n_assignments; i++) {
        rc = kc_gw_str(out, assignments[i].member_id);
        if (rc == KC_OK) {
            rc = kc_gw_bytes(out, assignments[i].assignment);
        }
    }
    return rc == KC_OK ? KC_OK : KC_ERR_TOO_LARGE;
}

kc_err_t kc_group_wire_heartbeat(kc_buf_t *out, const char *group_id,
                                 int32_t generation_id, const char *member_id)
{
    if (kc_gw_str(out, group_id) != KC_OK ||
        kc_gw_be(out, (uint32_t)generation_id, 4) != KC_OK ||
        kc_gw_str(out, member_id) != KC_OK || kc_gw_str(out, NULL) != KC_OK) {
        return KC_ERR_TOO_LARGE;
    }
    return KC_OK;
}

kc_err_t kc_group_wire_leave_group(kc_buf_t *out, int16_t version,
                                   const char *group_id, const char *member_id)
{
    if (version < 3) {
        if (kc_gw_str(out, group_id) != KC_OK ||
            kc_gw_str(out, member_id) != KC_OK) {
            return KC_ERR_TOO_LARGE;
        }
        return KC_OK;
    }
    /* v3: a batch of members; a worker leaves as itself */
    if (kc_gw_str(out, group_id) != KC_OK || kc_gw_be(out, 1, 4) != KC_OK ||
        kc_gw_str(out, member_id) != KC_OK || kc_gw_str(out, NULL) != KC_OK) {
        return KC_ERR_TOO_LARGE;
    }
    return KC_OK;
}

kc_err_t kc_group_wire_sasl_handshake(kc_buf_t *out, const char *mechanism)
{
    return kc_gw_str(out, mechanism) == KC_OK ? KC_OK : KC_ERR_TOO_LARGE;
}

kc_err_t kc_group_wire_sasl_authenticate(kc_buf_t *out, kc_bytes_t auth)
{
    return kc_gw_bytes(out, auth) == KC_OK ? KC_OK : KC_ERR_TOO_LARGE;
}

/* ---- reading */

typedef struct kc_gw_reader {
    const uint8_t *data;
    size_t len;
    size_t pos;
    kc_arena_t *arena;
    kc_error_t *err;
    const char *what; /* the response, for messages */
} kc_gw_reader_t;

static kc_err_t kc_gw_get(kc_gw_reader_t *r, const char *field, size_t n,
                          uint64_t *v)
{
    if (r->len - r->pos < n) {
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "%s response truncated in field '%s': %zu bytes "
                            "needed, only %zu available",
                            r->what, field, n, r->len - r->pos);
    }
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        *v = (*v << 8) | r->data[r->pos++];
    }
    return KC_OK;
}

static kc_err_t kc_gw_i16(kc_gw_reader_t *r, const char *field, int16_t *v)
{
    uint64_t u = 0;
    kc_err_t rc = kc_gw_get(r, field, 2, &u);

    *v = (int16_t)(uint16_t)u;
    return rc;
}

static kc_err_t kc_gw_i32(kc_gw_reader_t *r, const char *field, int32_t *v)
{
    uint64_t u = 0;
    kc_err_t rc = kc_gw_get(r, field, 4, &u);

    *v = (int32_t)(uint32_t)u;
    return rc;
}

/* A string; NULL for null when @p nullable, else null is an error. */
static kc_err_t kc_gw_getstr(kc_gw_reader_t *r, const char *field,
                             bool nullable, const char **s)
{
    int16_t n;

    if (kc_gw_i16(r, field, &n) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (n < 0) {
        *s = NULL;
        if (nullable && n == -1) {
            return KC_OK;
        }
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "%s response: field '%s' has length %d", r->what,
                            field, n);
    }
    if ((size_t)n > r->len - r->pos) {
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "%s response truncated in field '%s': string of "
                            "%d bytes, only %zu available",
                            r->what, field, n, r->len - r->pos);
    }
    if (memchr(r->data + r->pos, '\0', (size_t)n) != NULL) {
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "%s response: field '%s' holds a NUL character",
                            r->what, field);
    }
    *s = kc_arena_strndup(r->arena, (const char *)r->data + r->pos, (size_t)n);
    r->pos += (size_t)n;
    return KC_OK;
}

static kc_err_t kc_gw_getbytes(kc_gw_reader_t *r, const char *field,
                               kc_bytes_t *b)
{
    int32_t n;

    if (kc_gw_i32(r, field, &n) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (n < 0) {
        b->data = NULL;
        b->len = 0;
        return KC_OK;
    }
    if ((size_t)n > r->len - r->pos) {
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "%s response truncated in field '%s': %" PRId32
                            " bytes, only %zu available",
                            r->what, field, n, r->len - r->pos);
    }
    b->data = r->data + r->pos;
    b->len = (size_t)n;
    r->pos += (size_t)n;
    return KC_OK;
}

/* An array count, refused when the rest could not hold that many entries
 * of @p min_size bytes (so nothing is allocated for a forged count). */
static kc_err_t kc_gw_count(kc_gw_reader_t *r, const char *field,
                            size_t min_size, size_t *n)
{
    int32_t c;

    if (kc_gw_i32(r, field, &c) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (c < 0) {
        *n = 0;
        return KC_OK;
    }
    if ((size_t)c > (r->len - r->pos) / min_size) {
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "%s response: field '%s' counts %" PRId32
                            " entries, only %zu bytes follow",
                            r->what, field, c, r->len - r->pos);
    }
    *n = (size_t)c;
    return KC_OK;
}

kc_err_t kc_group_wire_read_api_versions(const uint8_t *data, size_t len,
                                         kc_arena_t *arena, int16_t *error,
                                         const kc_api_version_range_t **apis,
                                         size_t *n, kc_error_t *err)
{
    kc_gw_reader_t r = {data, len, 0, arena, err, "ApiVersions"};
    kc_api_version_range_t *v;

    if (kc_gw_i16(&r, "error_code", error) != KC_OK ||
        kc_gw_count(&r, "api_keys", 6, n) != KC_OK) {
        return KC_ERR_INVALID;
    }
    v = kc_arena_calloc(arena, *n + 1, sizeof(*v));
    for (size_t i = 0; i < *n; i++) {
        (void)kc_gw_i16(&r, "api_key", &v[i].api_key);
        (void)kc_gw_i16(&r, "min_version", &v[i].min_version);
        (void)kc_gw_i16(&r, "max_version", &v[i].max_version);
    }
    *apis = v;
    return KC_OK;
}

kc_err_t kc_group_wire_read_find_coordinator(const uint8_t *data, size_t len,
                                             kc_arena_t *arena,
                                             kc_find_coordinator_resp_t *resp,
                                             kc_error_t *err)
{
    kc_gw_reader_t r = {data, len, 0, arena, err, "FindCoordinator"};
    int32_t throttle;

    memset(resp, 0, sizeof(*resp));
    if (kc_gw_i32(&r, "throttle_time_ms", &throttle) != KC_OK ||
        kc_gw_i16(&r, "error_code", &resp->error) != KC_OK ||
        kc_gw_getstr(&r, "error_message", true, &resp->error_message) !=
            KC_OK ||
        kc_gw_i32(&r, "node_id", &resp->node_id) != KC_OK ||
        kc_gw_getstr(&r, "host", false, &resp->host) != KC_OK ||
        kc_gw_i32(&r, "port", &resp->port) != KC_OK) {
        return KC_ERR_INVALID;
    }
    return KC_OK;
}

kc_err_t kc_group_wire_read_join_group(const uint8_t *data, size_t len,
                                       kc_arena_t *arena,
                                       kc_join_group_resp_t *resp,
                                       kc_error_t *err)
{
    kc_gw_reader_t r = {data, len, 0, arena, err, "JoinGroup"};
    int32_t throttle;
    kc_group_member_t *m;

    memset(resp, 0, sizeof(*resp));
    if (kc_gw_i32(&r, "throttle_time_ms", &throttle) != KC_OK ||
        kc_gw_i16(&r, "error_code", &resp->error) != KC_OK ||
        kc_gw_i32(&r, "generation_id", &resp->generation_id) != KC_OK ||
        /* read only without an error; an error answer may leave them
         * null (librdkafka's mock does, whatever the version) */
        kc_gw_getstr(&r, "protocol_name", resp->error != KC_KERR_NONE,
                     &resp->protocol_name) != KC_OK ||
        kc_gw_getstr(&r, "leader", resp->error != KC_KERR_NONE,
                     &resp->leader) != KC_OK ||
        kc_gw_getstr(&r, "member_id", resp->error != KC_KERR_NONE,
                     &resp->member_id) != KC_OK ||
        kc_gw_count(&r, "members", 8, &resp->n_members) != KC_OK) {
        return KC_ERR_INVALID;
    }
    m = kc_arena_calloc(arena, resp->n_members + 1, sizeof(*m));
    for (size_t i = 0; i < resp->n_members; i++) {
        if (kc_gw_getstr(&r, "members.member_id", false, &m[i].member_id) !=
                KC_OK ||
            kc_gw_getstr(&r, "members.group_instance_id", true,
                         &m[i].group_instance_id) != KC_OK ||
            kc_gw_getbytes(&r, "members.metadata", &m[i].metadata) != KC_OK) {
            return KC_ERR_INVALID;
        }
    }
    resp->members = m;
    return KC_OK;
}

kc_err_t kc_group_wire_read_sync_group(const uint8_t *data, size_t len,
                                       kc_arena_t *arena, int16_t *error,
                                       kc_bytes_t *assignment, kc_error_t *err)
{
    kc_gw_reader_t r = {data, len, 0, arena, err, "SyncGroup"};
    int32_t throttle;

    if (kc_gw_i32(&r, "throttle_time_ms", &throttle) != KC_OK ||
        kc_gw_i16(&r, "error_code", error) != KC_OK ||
        kc_gw_getbytes(&r, "assignment", assignment) != KC_OK) {
        return KC_ERR_INVALID;
    }
    return KC_OK;
}

kc_err_t kc_group_wire_read_error(const uint8_t *data, size_t len,
                                  int16_t *error, kc_error_t *err)
{
    kc_gw_reader_t r = {data, len, 0, NULL, err, "group"};
    int32_t throttle;

    if (kc_gw_i32(&r, "throttle_time_ms", &throttle) != KC_OK ||
        kc_gw_i16(&r, "error_code", error) != KC_OK) {
        return KC_ERR_INVALID;
    }
    return KC_OK;
}

kc_err_t kc_group_wire_read_sasl_handshake(const uint8_t *data, size_t len,
                                           kc_arena_t *arena, int16_t *error,
                                           const char *const **mechanisms,
                                           size_t *n, kc_error_t *err)
{
    kc_gw_reader_t r = {data, len, 0, arena, err, "SaslHandshake"};
    const char **mechs;

    if (kc_gw_i16(&r, "error_code", error) != KC_OK ||
        kc_gw_count(&r, "mechanisms", 2, n) != KC_OK) {
        return KC_ERR_INVALID;
    }
    mechs = kc_arena_calloc(arena, *n + 1, sizeof(*mechs));
    for (size_t i = 0; i < *n; i++) {
        if (kc_gw_getstr(&r, "mechanisms", false, &mechs[i]) != KC_OK) {
            return KC_ERR_INVALID;
        }
    }
    *mechanisms = mechs;
    return KC_OK;
}

kc_err_t kc_group_wire_read_sasl_authenticate(const uint8_t *data, size_t len,
                                              kc_arena_t *arena,
                                              kc_sasl_authenticate_resp_t *resp,
                                              kc_error_t *err)
{
    kc_gw_reader_t r = {data, len, 0, arena, err, "SaslAuthenticate"};
    uint64_t lifetime = 0;

    memset(resp, 0, sizeof(*resp));
    if (kc_gw_i16(&r, "error_code", &resp->error) != KC_OK ||
        kc_gw_getstr(&r, "error_message", true, &resp->error_message) !=
            KC_OK ||
        kc_gw_getbytes(&r, "auth_bytes", &resp->auth) != KC_OK ||
        kc_gw_get(&r, "session_lifetime_ms", 8, &lifetime) != KC_OK) {
        return KC_ERR_INVALID;
    }
    resp->session_lifetime_ms = (int64_t)lifetime;
    return KC_OK;
}

/* ---- connection */

struct kc_group_conn {
    int fd;
    gnutls_session_t tls; /* NULL: plain TCP */
    char *peer;           /* "host:port", for messages */
    int32_t next_correlation;
    char *client_id;
    int16_t leave_version;
};

static kc_err_t kc_gw_wait(int fd, short events, int timeout_ms,
                           kc_error_t *err)
{
    struct pollfd p = {fd, events, 0};
    int rc;

    do {
        rc = poll(&p, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) {
        return kc_error_set(err, KC_ERR_TIMEOUT,
                            "no answer from the broker within %d ms",
                            timeout_ms);
    }
    if (rc < 0) {
        return kc_error_set(err, KC_ERR_IO, "poll: %s", strerror(errno));
    }
    return KC_OK;
}

/* A TLS error with the broker's alert when it sent one ("certificate
 * required" from a listener that wants a client certificate). */
static kc_err_t kc_gw_tls_error(kc_group_conn_t *conn, const char *what,
                                ssize_t rc, kc_error_t *err)
{
    const char *alert = NULL;

    if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED ||
        rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
        alert = gnutls_alert_get_name(gnutls_alert_get(conn->tls));
    }
    return kc_error_set(err, KC_ERR_IO, "could not %s broker %s: %s%s%s%s",
                        what, conn->peer, gnutls_strerror((int)rc),
                        alert ? " (" : "", alert ? alert : "",
                        alert ? ")" : "");
}

/* gnutls returns E_AGAIN for a non-blocking socket: wait the way it wants */
static kc_err_t kc_gw_tls_wait(gnutls_session_t tls, int fd, int timeout_ms,
                               kc_error_t *err)
{
    return kc_gw_wait(fd, gnutls_record_get_direction(tls) ? POLLOUT : POLLIN,
                      timeout_ms, err);
}

static kc_err_t kc_gw_send_all(kc_group_conn_t *conn, const uint8_t *p,
                               size_t n, int timeout_ms, kc_error_t *err)
{
    while (n > 0) {
        ssize_t w;

        if (conn->tls != NULL) {
            w = gnutls_record_send(conn->tls, p, n);
            if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED) {
                if (kc_gw_tls_wait(conn->tls, conn->fd, timeout_ms, err) !=
                    KC_OK) {
                    return err->code;
                }
                continue;
            }
            if (w < 0) {
                return kc_gw_tls_error(conn, "send to", w, err);
            }
        } else {
            w = send(conn->fd, p, n, MSG_NOSIGNAL);
            if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (kc_gw_wait(conn->fd, POLLOUT, timeout_ms, err) != KC_OK) {
                    return err->code;
                }
                continue;
            }
        }
        if (w <= 0) {
            return kc_error_set(err, KC_ERR_IO,
                                "could not send to the broker: %s",
                                strerror(errno));
        }
        p += w;
        n -= (size_t)w;
    }
    return KC_OK;
}

static kc_err_t kc_gw_recv_all(kc_group_conn_t *conn, uint8_t *p, size_t n,
                               int timeout_ms, kc_error_t *err)
{
    while (n > 0) {
        ssize_t got;

        if (conn->tls != NULL) {
            /* records gnutls already holds need no poll */
            if (gnutls_record_check_pending(conn->tls) == 0 &&
                kc_gw_wait(conn->fd, POLLIN, timeout_ms, err) != KC_OK) {
                return err->code;
            }
            got = gnutls_record_recv(conn->tls, p, n);
            if (got == GNUTLS_E_AGAIN || got == GNUTLS_E_INTERRUPTED) {
                continue;
            }
            if (got < 0) {
                return kc_gw_tls_error(conn, "read from", got, err);
            }
            if (got == 0) {
                return kc_error_set(err, KC_ERR_IO,
                                    "the broker closed the connection");
            }
            p += got;
            n -= (size_t)got;
            continue;
        }
        if (kc_gw_wait(conn->fd, POLLIN, timeout_ms, err) != KC_OK) {
            return err->code;
        }
        got = recv(conn->fd, p, n, 0);
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (got <= 0) {
            return kc_error_set(
                err, KC_ERR_IO, "the broker closed the connection%s%s",
                got < 0 ? ": " : "", got < 0 ? strerror(errno) : "");
        }
        p += got;
        n -= (size_t)got;
    }
    return KC_OK;
}

kc_err_t kc_group_conn_call(kc_group_conn_t *conn, int16_t api_key,
                            int16_t api_version, const kc_buf_t *body,
                            int timeout_ms, kc_arena_t *arena,
                            const uint8_t **resp, size_t *resp_len,
                            kc_error_t *err)
{
    int32_t corr = conn->next_correlation++;
    kc_buf_t frame;
    uint8_t hdr[8];
    uint32_t size;
    uint8_t *data;
    kc_err_t rc;

    kc_buf_init(&frame, 0);
    (void)kc_gw_be(&frame, 0, 4); /* size, patched below */
    rc = kc_group_wire_header(&frame, api_key, api_version, corr,
                              conn->client_id);
    if (rc == KC_OK && body->len > 0) {
        rc = kc_buf_append(&frame, body->data, body->len);
    }
    if (rc != KC_OK || frame.len - 4 > INT32_MAX) {
        kc_buf_release(&frame);
        return kc_error_set(err, KC_ERR_TOO_LARGE, "request too large");
    }
    size = (uint32_t)(frame.len - 4);
    for (int i = 0; i < 4; i++) {
        frame.data[i] = (uint8_t)(size >> (8 * (3 - i)));
    }
    rc = kc_gw_send_all(conn, frame.data, frame.len, timeout_ms, err);
    kc_buf_release(&frame);
    if (rc != KC_OK) {
        return rc;
    }
    /* response: int32 size, int32 correlation id (header v0), body */
    rc = kc_gw_recv_all(conn, hdr, 8, timeout_ms, err);
    if (rc != KC_OK) {
        return rc;
    }
    size = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
           (uint32_t)hdr[2] << 8 | hdr[3];
    if (size < 4 || size > KC_GROUP_MAX_RESPONSE) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "broker response of %" PRIu32 " bytes refused",
                            size);
    }
    if ((int32_t)((uint32_t)hdr[4] << 24 | (uint32_t)hdr[5] << 16 |
                  (uint32_t)hdr[6] << 8 | hdr[7]) != corr) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "broker response carries another correlation id "
                            "than request %" PRId32,
                            corr);
    }
    data = kc_arena_alloc(arena, size - 4 + 1);
    rc = kc_gw_recv_all(conn, data, size - 4, timeout_ms, err);
    if (rc != KC_OK) {
        return rc;
    }
    *resp = data;
    *resp_len = size - 4;
    return KC_OK;
}

static int kc_gw_connect(const char *host, int port, int timeout_ms,
                         kc_error_t *err)
{
    struct addrinfo hints = {0};
    struct addrinfo *res = NULL;
    char portstr[16];
    int fd = -1;
    int rc;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(portstr, sizeof(portstr), "%d", port);
    rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0) {
        kc_error_set(err, KC_ERR_IO, "could not resolve %s: %s", host,
                     gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family,
                    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            int soerr = errno;
            socklen_t sl = sizeof(soerr);

            if (errno == EINPROGRESS &&
                kc_gw_wait(fd, POLLOUT, timeout_ms, err) == KC_OK &&
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
                soerr == 0) {
                break;
            }
            kc_error_set(err, KC_ERR_IO, "could not connect to %s:%d: %s", host,
                         port, strerror(soerr));
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

/* The mechanisms a broker offers, for a message. */
static void kc_gw_join_names(const char *const *names, size_t n, char *out,
                             size_t size)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w =
            snprintf(out + used, size - used, "%s%s", i ? ", " : "", names[i]);

        used += w > 0 ? (size_t)w : 0;
    }
}

/* One SaslAuthenticate round: send @p token, the answer in @p resp. */
static kc_err_t kc_gw_sasl_round(kc_group_conn_t *conn, const char *host,
                                 int port, const char *mech, kc_bytes_t token,
                                 int timeout_ms, kc_arena_t *arena,
                                 kc_sasl_authenticate_resp_t *resp,
                                 kc_error_t *err)
{
    kc_buf_t body;
    const uint8_t *data;
    size_t len;
    kc_err_t rc;

    kc_buf_init(&body, 0);
    rc = kc_group_wire_sasl_authenticate(&body, token);
    if (rc != KC_OK) {
        kc_buf_release(&body);
        return kc_error_set(err, rc, "SASL token too large");
    }
    rc = kc_group_conn_call(conn, KC_API_SASL_AUTHENTICATE,
                            KC_VER_SASL_AUTHENTICATE, &body, timeout_ms, arena,
                            &data, &len, err);
    kc_buf_release(&body);
    if (rc == KC_OK) {
        rc = kc_group_wire_read_sasl_authenticate(data, len, arena, resp, err);
    }
    if (rc == KC_OK && resp->error != KC_KERR_NONE) {
        rc =
            kc_error_set(err, KC_ERR_KAFKA,
                         "broker %s:%d refused SASL %s authentication (error "
                         "%d%s): %s",
                         host, port, mech, resp->error,
                         resp->error == KC_KERR_SASL_AUTHENTICATION_FAILED
                             ? ", SASL_AUTHENTICATION_FAILED"
                             : "",
                         resp->error_message != NULL ? resp->error_message
                                                     : "authentication failed");
        /* Apache's SaslAuthenticationException: not retried */
        kc_error_set_fatal(err, true);
    }
    return rc;
}

/* SaslHandshake, then the mechanism's tokens in SaslAuthenticate. */
static kc_err_t kc_gw_sasl(kc_group_conn_t *conn, const char *host, int port,
                           const kc_group_security_t *sec, int timeout_ms,
                           kc_arena_t *arena, kc_error_t *err)
{
    const char *mech = kc_group_security_mechanism(sec);
    kc_sasl_authenticate_resp_t ar;
    const char *const *mechs;
    kc_group_sasl_t *ss = NULL;
    kc_error_t serr = {0};
    const uint8_t *data;
    uint8_t *out = NULL;
    size_t out_len = 0;
    kc_err_t step;
    kc_buf_t body;
    size_t n;
    int16_t error;
    kc_err_t rc;

    kc_buf_init(&body, 0);
    rc = kc_group_wire_sasl_handshake(&body, mech);
    if (rc == KC_OK) {
        rc = kc_group_conn_call(conn, KC_API_SASL_HANDSHAKE,
                                KC_VER_SASL_HANDSHAKE, &body, timeout_ms, arena,
                                &data, &n, err);
    }
    kc_buf_release(&body);
    if (rc == KC_OK) {
        rc = kc_group_wire_read_sasl_handshake(data, n, arena, &error, &mechs,
                                               &n, err);
    }
    if (rc != KC_OK) {
        return rc;
    }
    if (error != KC_KERR_NONE) {
        char offered[256];

        kc_gw_join_names(mechs, n, offered, sizeof(offered));
        kc_error_set(err, KC_ERR_KAFKA,
                     "broker %s:%d refused SASL mechanism %s (error "
                     "%d%s; sasl.mechanism); it offers: %s",
                     host, port, mech, error,
                     error == KC_KERR_UNSUPPORTED_SASL_MECHANISM
                         ? ", UNSUPPORTED_SASL_MECHANISM"
                         : "",
                     n > 0 ? offered : "none");
        /* Apache's UnsupportedSaslMechanismException: not retried */
        kc_error_set_fatal(err, true);
        return err->code;
    }
    rc = kc_group_security_sasl_start(sec, &ss, err);
    if (rc != KC_OK) {
        return rc;
    }
    step = kc_group_sasl_step(ss, NULL, 0, &out, &out_len, &serr);
    for (;;) {
        bool last = step == KC_OK;

        if (step != KC_OK && step != KC_AGAIN) {
            rc = kc_error_set(err, KC_ERR_KAFKA,
                              "SASL %s with broker %s:%d failed: %s", mech,
                              host, port, serr.msg);
            break;
        }
        if (last && out_len == 0) {
            break; /* SCRAM: the server's signature checked, nothing to send */
        }
        rc =
            kc_gw_sasl_round(conn, host, port, mech, (kc_bytes_t){out, out_len},
                             timeout_ms, arena, &ar, err);
        kc_free(out);
        out = NULL;
        if (rc != KC_OK || last) {
            break;
        }
        step = kc_group_sasl_step(ss, ar.auth.data, ar.auth.len, &out, &out_len,
                                  &serr);
    }
    kc_free(out);
    kc_group_sasl_destroy(ss);
    return rc;
}

kc_group_conn_t *kc_group_conn_open(const char *host, int port,
                                    const char *client_id, int timeout_ms,
                                    kc_error_t *err)
{
    return kc_group_conn_open_secure(host, port, client_id, NULL, timeout_ms,
                                     err);
}

kc_group_conn_t *kc_group_conn_open_secure(const char *host, int port,
                                           const char *client_id,
                                           const kc_group_security_t *sec,
                                           int timeout_ms, kc_error_t *err)
{
    static const int16_t need[][2] = {
        {KC_API_FIND_COORDINATOR, KC_VER_FIND_COORDINATOR},
        {KC_API_JOIN_GROUP, KC_VER_JOIN_GROUP},
        {KC_API_SYNC_GROUP, KC_VER_SYNC_GROUP},
        {KC_API_HEARTBEAT, KC_VER_HEARTBEAT},
        {KC_API_LEAVE_GROUP, 1}, /* v3 preferred, checked below */
    };
    kc_group_conn_t *conn;
    kc_arena_t *arena;
    kc_buf_t empty;
    const uint8_t *resp;
    size_t resp_len;
    const kc_api_version_range_t *apis;
    size_t n;
    int16_t error;
    int fd;

    kc_error_clear(err);
    fd = kc_gw_connect(host, port, timeout_ms, err);
    if (fd < 0) {
        if (err->code == KC_OK) {
            kc_error_set(err, KC_ERR_IO, "could not connect to %s:%d", host,
                         port);
        }
        return NULL;
    }
    conn = kc_calloc(1, sizeof(*conn));
    conn->fd = fd;
    conn->next_correlation = 1;
    conn->client_id = kc_strdup(client_id);
    conn->peer = kc_asprintf("%s:%d", host, port);
    arena = kc_arena_new(0);
    if (kc_group_security_uses_tls(sec) &&
        kc_group_security_tls_open(sec, fd, host, port, timeout_ms, &conn->tls,
                                   err) != KC_OK) {
        goto fail;
    }
    kc_buf_init(&empty, 0);
    if (kc_group_conn_call(conn, KC_API_API_VERSIONS, KC_VER_API_VERSIONS,
                           &empty, timeout_ms, arena, &resp, &resp_len,
                           err) != KC_OK ||
        kc_group_wire_read_api_versions(resp, resp_len, arena, &error, &apis,
                                        &n, err) != KC_OK) {
        goto fail;
    }
    if (error != KC_KERR_NONE) {
        kc_error_set(err, KC_ERR_KAFKA,
                     "broker %s:%d answered ApiVersions with error %d", host,
                     port, error);
        goto fail;
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(need); i++) {
        bool ok = false;

        for (size_t j = 0; j < n && !ok; j++) {
            ok = apis[j].api_key == need[i][0] &&
                 apis[j].min_version <= need[i][1] &&
                 apis[j].max_version >= need[i][1];
        }
        if (!ok) {
            kc_error_set(err, KC_ERR_UNSUPPORTED,
                         "broker %s:%d does not serve version %d of Kafka "
                         "API %d, which the group client needs",
                         host, port, need[i][1], need[i][0]);
            goto fail;
        }
    }
    conn->leave_version = 1;
    for (size_t j = 0; j < n; j++) {
        if (apis[j].api_key == KC_API_LEAVE_GROUP &&
            apis[j].min_version <= KC_VER_LEAVE_GROUP &&
            apis[j].max_version >= KC_VER_LEAVE_GROUP) {
            conn->leave_version = KC_VER_LEAVE_GROUP;
        }
    }
    if (kc_group_security_mechanism(sec) != NULL) {
        bool hs = false;
        bool auth = false;

        for (size_t j = 0; j < n; j++) {
            hs = hs || (apis[j].api_key == KC_API_SASL_HANDSHAKE &&
                        apis[j].min_version <= KC_VER_SASL_HANDSHAKE &&
                        apis[j].max_version >= KC_VER_SASL_HANDSHAKE);
            auth = auth || (apis[j].api_key == KC_API_SASL_AUTHENTICATE &&
                            apis[j].min_version <= KC_VER_SASL_AUTHENTICATE &&
                            apis[j].max_version >= KC_VER_SASL_AUTHENTICATE);
        }
        if (!hs || !auth) {
            kc_error_set(err, KC_ERR_UNSUPPORTED,
                         "broker %s:%d does not serve SaslHandshake v1 and "
                         "SaslAuthenticate v1 (is its listener %s?)",
                         host, port, kc_group_security_protocol(sec));
            goto fail;
        }
        if (kc_gw_sasl(conn, host, port, sec, timeout_ms, arena, err) !=
            KC_OK) {
            goto fail;
        }
    }
    kc_arena_destroy(arena);
    return conn;
fail:
    kc_arena_destroy(arena);
    kc_group_conn_close(conn);
    return NULL;
}

kc_err_t kc_group_find_coordinator(kc_group_conn_t *conn, const char *group_id,
                                   int timeout_ms, kc_arena_t *arena,
                                   const char **host, int *port,
                                   kc_error_t *err)
{
    kc_find_coordinator_resp_t fc;
    kc_buf_t body;
    const uint8_t *resp;
    size_t len;
    kc_err_t rc;

    kc_buf_init(&body, 0);
    for (int waited = 0;; waited += 100) {
        kc_buf_reset(&body);
        rc = kc_group_wire_find_coordinator(&body, group_id);
        if (rc == KC_OK) {
            rc = kc_group_conn_call(conn, KC_API_FIND_COORDINATOR,
                                    KC_VER_FIND_COORDINATOR, &body, timeout_ms,
                                    arena, &resp, &len, err);
        } else {
            rc = kc_error_set(err, rc, "group id too long");
        }
        if (rc == KC_OK) {
            rc =
                kc_group_wire_read_find_coordinator(resp, len, arena, &fc, err);
        }
        if (rc != KC_OK) {
            break;
        }
        if (fc.error == KC_KERR_NONE) {
            *host = fc.host;
            *port = fc.port;
            break;
        }
        if (fc.error == KC_KERR_GROUP_AUTHORIZATION_FAILED) {
            /* Apache's GroupAuthorizationException: not retried */
            rc = kc_error_set(err, KC_ERR_KAFKA,
                              "Not authorized to access group: %s", group_id);
            kc_error_set_fatal(err, true);
            break;
        }
        if (fc.error != KC_KERR_COORDINATOR_NOT_AVAILABLE &&
            fc.error != KC_KERR_COORDINATOR_LOAD_IN_PROGRESS) {
            rc = kc_error_set(err, KC_ERR_KAFKA,
                              "could not find the coordinator of group "
                              "\"%s\": error %d%s%s",
                              group_id, fc.error, fc.error_message ? ": " : "",
                              fc.error_message ? fc.error_message : "");
            break;
        }
        if (waited >= timeout_ms) {
            rc = kc_error_set(err, KC_ERR_TIMEOUT,
                              "no coordinator for group \"%s\" within %d ms "
                              "(error %d)",
                              group_id, timeout_ms, fc.error);
            break;
        }
        usleep(100 * 1000);
    }
    kc_buf_release(&body);
    return rc;
}

kc_err_t kc_group_join(kc_group_conn_t *conn, const kc_join_group_req_t *req,
                       int timeout_ms, kc_arena_t *arena,
                       kc_join_group_resp_t *resp, kc_error_t *err)
{
    kc_join_group_req_t again = *req;
    kc_buf_t body;
    const uint8_t *data;
    size_t len;
    kc_err_t rc;

    kc_buf_init(&body, 0);
    /* a second MEMBER_ID_REQUIRED would be a broker bug: give it back */
    for (int round = 0; round < 2; round++) {
        kc_buf_reset(&body);
        rc = kc_group_wire_join_group(&body, &again);
        if (rc != KC_OK) {
            rc = kc_error_set(err, rc, "JoinGroup request too large");
            break;
        }
        rc = kc_group_conn_call(conn, KC_API_JOIN_GROUP, KC_VER_JOIN_GROUP,
                                &body, timeout_ms, arena, &data, &len, err);
        if (rc == KC_OK) {
            rc = kc_group_wire_read_join_group(data, len, arena, resp, err);
        }
        if (rc != KC_OK || resp->error != KC_KERR_MEMBER_ID_REQUIRED) {
            break;
        }
        again.member_id = resp->member_id;
    }
    kc_buf_release(&body);
    return rc;
}

int16_t kc_group_conn_leave_version(const kc_group_conn_t *conn)
{
    return conn->leave_version;
}

void kc_group_conn_close(kc_group_conn_t *conn)
{
    if (conn == NULL) {
        return;
    }
    if (conn->tls != NULL) {
        /* no close_notify: the socket closes now and a blocking
         * goodbye could hang on a broker that went away */
        gnutls_deinit(conn->tls);
    }
    close(conn->fd);
    kc_free(conn->client_id);
    kc_free(conn->peer);
    kc_free(conn);
}
