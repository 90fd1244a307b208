/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connect's group subprotocols (see kc_connect_protocol.h). The layouts are
 * Kafka's protocol primitives, big-endian: STRING is an int16 length and
 * UTF-8, NULLABLE_BYTES an int32 length (negative = null), ARRAY an int32
 * count (negative = null where the field is nullable). Error texts follow
 * the shape of Apache's SchemaException messages ("Error reading field
 * 'x': ...") so a log line reads the same from either kind of worker.
 */
#include "kc_internal.h"

#include <inttypes.h>
#include <string.h>

#include "data/kc_value_text.h"
#include "distributed/kc_connect_protocol.h"
#include "util/kc_utf8.h"

/* ---- writing */

static kc_err_t kc_cp_put_be(kc_buf_t *out, uint64_t v, size_t n)
{
    uint8_t b[8];

    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    }
    return kc_buf_append(out, b, n);
}

static kc_err_t kc_cp_put_string(kc_buf_t *out, const char *field,
                                 const char *s, kc_error_t *err)
{
    size_t len = strlen(s);

    if (len > INT16_MAX) {
        return kc_error_set(err, KC_ERR_TOO_LARGE,
                            "field '%s' is %zu bytes long, more than a "
                            "protocol string can carry (32767)",
                            field, len);
    }
    if (kc_cp_put_be(out, len, 2) != KC_OK ||
        kc_buf_append(out, s, len) != KC_OK) {
        return kc_error_set(err, KC_ERR_TOO_LARGE,
                            "group protocol message too large");
    }
    return KC_OK;
}

static kc_err_t kc_cp_put_entries(kc_buf_t *out, const char *field,
                                  const kc_connect_entry_t *v, size_t n,
                                  kc_error_t *err)
{
    kc_err_t rc;

    if (n > INT32_MAX) {
        return kc_error_set(err, KC_ERR_TOO_LARGE,
                            "field '%s' has too many "
                            "entries",
                            field);
    }
    if (kc_cp_put_be(out, n, 4) != KC_OK) {
        return kc_error_set(err, KC_ERR_TOO_LARGE,
                            "group protocol message too large");
    }
    for (size_t i = 0; i < n; i++) {
        rc = kc_cp_put_string(out, "connector", v[i].connector, err);
        if (rc != KC_OK) {
            return rc;
        }
        if (v[i].n_tasks > INT32_MAX ||
            kc_cp_put_be(out, v[i].n_tasks, 4) != KC_OK) {
            return kc_error_set(err, KC_ERR_TOO_LARGE,
                                "group protocol message too large");
        }
        for (size_t t = 0; t < v[i].n_tasks; t++) {
            if (kc_cp_put_be(out, (uint32_t)v[i].tasks[t], 4) != KC_OK) {
                return kc_error_set(err, KC_ERR_TOO_LARGE,
                                    "group protocol message too large");
            }
        }
    }
    return KC_OK;
}

kc_err_t kc_connect_assignment_encode(kc_buf_t *out,
                                      const kc_connect_assignment_t *a,
                                      kc_error_t *err)
{
    size_t mark = out->len;
    kc_err_t rc;

    rc = kc_cp_put_be(out, (uint16_t)a->version, 2);
    if (rc == KC_OK) {
        rc = kc_cp_put_be(out, (uint16_t)a->error, 2);
    }
    if (rc != KC_OK) {
        rc = kc_error_set(err, rc, "group protocol message too large");
    }
    if (rc == KC_OK) {
        rc = kc_cp_put_string(out, "leader", a->leader, err);
    }
    if (rc == KC_OK) {
        rc = kc_cp_put_string(out, "leader-url", a->leader_url, err);
    }
    if (rc == KC_OK &&
        kc_cp_put_be(out, (uint64_t)a->config_offset, 8) != KC_OK) {
        rc = kc_error_set(err, KC_ERR_TOO_LARGE,
                          "group protocol message too large");
    }
    if (rc == KC_OK) {
        rc = kc_cp_put_entries(out, "assignment", a->assigned, a->n_assigned,
                               err);
    }
    if (rc == KC_OK && a->version >= 1) {
        rc = kc_cp_put_entries(out, "revoked", a->revoked, a->n_revoked, err);
        if (rc == KC_OK && kc_cp_put_be(out, (uint32_t)a->delay, 4) != KC_OK) {
            rc = kc_error_set(err, KC_ERR_TOO_LARGE,
                              "group protocol message too large");
        }
    }
    if (rc != KC_OK) {
        out->len = mark;
    }
    return rc;
}

kc_err_t kc_connect_metadata_encode(kc_buf_t *out,
                                    const kc_connect_metadata_t *md,
                                    kc_error_t *err)
{
    size_t mark = out->len;
    kc_err_t rc;

    rc = kc_cp_put_be(out, (uint16_t)md->version, 2);
    if (rc != KC_OK) {
        return kc_error_set(err, rc, "group protocol message too large");
    }
    rc = kc_cp_put_string(out, "url", md->url, err);
    if (rc == KC_OK &&
        kc_cp_put_be(out, (uint64_t)md->config_offset, 8) != KC_OK) {
        rc = kc_error_set(err, KC_ERR_TOO_LARGE,
                          "group protocol message too large");
    }
    if (rc == KC_OK && md->version >= 1) {
        if (md->assignment == NULL) {
            rc = kc_cp_put_be(out, UINT32_MAX, 4); /* null allocation */
        } else {
            /* Length first: write the nested assignment after a
             * placeholder and patch its size in. */
            size_t at = out->len;
            kc_connect_assignment_t nested = *md->assignment;

            nested.version = md->version;
            rc = kc_cp_put_be(out, 0, 4);
            if (rc == KC_OK) {
                rc = kc_connect_assignment_encode(out, &nested, err);
            }
            if (rc == KC_OK) {
                size_t n = out->len - at - 4;

                if (n > INT32_MAX) {
                    rc = kc_error_set(err, KC_ERR_TOO_LARGE,
                                      "allocation too large");
                } else {
                    for (size_t i = 0; i < 4; i++) {
                        out->data[at + i] = (uint8_t)(n >> (8 * (3 - i)));
                    }
                }
            }
        }
        if (rc != KC_OK && err != NULL && err->code == KC_OK) {
            kc_error_set(err, rc, "group protocol message too large");
        }
    }
    if (rc != KC_OK) {
        out->len = mark;
    }
    return rc;
}

/* ---- reading */

typedef struct kc_cp_reader {
    const uint8_t *data;
    size_t len;
    size_t pos;
    kc_arena_t *arena;
    kc_error_t *err;
} kc_cp_reader_t;

static size_t kc_cp_left(const kc_cp_reader_t *r)
{
    return r->len - r->pos;
}

static kc_err_t kc_cp_get_be(kc_cp_reader_t *r, const char *field, size_t n,
                             uint64_t *v)
{
    if (kc_cp_left(r) < n) {
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "Error reading field '%s': %zu bytes needed, "
                            "only %zu available",
                            field, n, kc_cp_left(r));
    }
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        *v = (*v << 8) | r->data[r->pos++];
    }
    return KC_OK;
}

static kc_err_t kc_cp_get_i16(kc_cp_reader_t *r, const char *field, int16_t *v)
{
    uint64_t u = 0; /* left unset when the input is too short */
    kc_err_t rc = kc_cp_get_be(r, field, 2, &u);

    *v = (int16_t)(uint16_t)u;
    return rc;
}

static kc_err_t kc_cp_get_i32(kc_cp_reader_t *r, const char *field, int32_t *v)
{
    uint64_t u = 0; /* left unset when the input is too short */
    kc_err_t rc = kc_cp_get_be(r, field, 4, &u);

    *v = (int32_t)(uint32_t)u;
    return rc;
}

static kc_err_t kc_cp_get_i64(kc_cp_reader_t *r, const char *field, int64_t *v)
{
    uint64_t u = 0; /* left unset when the input is too short */
    kc_err_t rc = kc_cp_get_be(r, field, 8, &u);

    *v = (int64_t)u;
    return rc;
}

/* Malformed UTF-8 becomes U+FFFD, as Java's decoder makes it; a NUL is
 * refused, as a C string cannot hold it (and no worker URL, member id or
 * connector name has one: Apache refuses control characters in names). */
static kc_err_t kc_cp_get_string(kc_cp_reader_t *r, const char *field,
                                 const char **s)
{
    int16_t n;
    char *raw;
    char *fixed;

    if (kc_cp_get_i16(r, field, &n) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (n < 0) {
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "Error reading field '%s': String length %d "
                            "cannot be negative",
                            field, n);
    }
    if ((size_t)n > kc_cp_left(r)) {
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "Error reading field '%s': Error reading string "
                            "of length %d, only %zu bytes available",
                            field, n, kc_cp_left(r));
    }
    if (memchr(r->data + r->pos, '\0', (size_t)n) != NULL) {
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "Error reading field '%s': string holds a NUL "
                            "character",
                            field);
    }
    raw = kc_arena_strndup(r->arena, (const char *)r->data + r->pos, (size_t)n);
    r->pos += (size_t)n;
    if (kc_utf8_valid(raw, (size_t)n)) {
        *s = raw;
        return KC_OK;
    }
    fixed = kc_utf8_repair(raw);
    *s = kc_arena_strdup(r->arena, fixed);
    kc_free(fixed);
    return KC_OK;
}

static kc_err_t kc_cp_get_entries(kc_cp_reader_t *r, const char *field,
                                  bool nullable, const kc_connect_entry_t **out,
                                  size_t *n)
{
    int32_t count;
    kc_connect_entry_t *v;

    *out = NULL;
    *n = 0;
    if (kc_cp_get_i32(r, field, &count) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (count < 0) {
        if (nullable) {
            return KC_OK;
        }
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "Error reading field '%s': Array size %" PRId32
                            " cannot be negative",
                            field, count);
    }
    /* Every entry takes at least 6 bytes: a count past what is left is
     * refused before anything is allocated for it. */
    if ((size_t)count > kc_cp_left(r)) {
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "Error reading field '%s': Error reading array "
                            "of size %" PRId32 ", only %zu bytes available",
                            field, count, kc_cp_left(r));
    }
    v = kc_arena_calloc(r->arena, (size_t)count + 1, sizeof(*v));
    for (int32_t i = 0; i < count; i++) {
        int32_t nt;
        int32_t *tasks;

        if (kc_cp_get_string(r, "connector", &v[i].connector) != KC_OK) {
            kc_error_prefix(r->err, "Error reading field '%s'", field);
            return KC_ERR_INVALID;
        }
        if (kc_cp_get_i32(r, "tasks", &nt) != KC_OK) {
            kc_error_prefix(r->err, "Error reading field '%s'", field);
            return KC_ERR_INVALID;
        }
        if (nt < 0) {
            return kc_error_set(r->err, KC_ERR_INVALID,
                                "Error reading field '%s': Error reading "
                                "field 'tasks': Array size %" PRId32
                                " cannot be negative",
                                field, nt);
        }
        if ((size_t)nt > kc_cp_left(r)) {
            return kc_error_set(r->err, KC_ERR_INVALID,
                                "Error reading field '%s': Error reading "
                                "field 'tasks': Error reading array of size "
                                "%" PRId32 ", only %zu bytes available",
                                field, nt, kc_cp_left(r));
        }
        if ((size_t)nt > kc_cp_left(r) / 4) {
            return kc_error_set(r->err, KC_ERR_INVALID,
                                "Error reading field '%s': Error reading "
                                "field 'tasks': %" PRId32
                                " task ids need %" PRIu64
                                " bytes, only %zu available",
                                field, nt, (uint64_t)nt * 4, kc_cp_left(r));
        }
        tasks = kc_arena_alloc(r->arena, ((size_t)nt + 1) * sizeof(*tasks));
        for (int32_t t = 0; t < nt; t++) {
            (void)kc_cp_get_i32(r, "tasks", &tasks[t]);
        }
        v[i].tasks = tasks;
        v[i].n_tasks = (size_t)nt;
    }
    *out = v;
    *n = (size_t)count;
    return KC_OK;
}

static kc_err_t kc_cp_get_version(kc_cp_reader_t *r, int16_t *version)
{
    if (kc_cp_get_i16(r, "version", version) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (*version < 0) {
        return kc_error_set(r->err, KC_ERR_INVALID,
                            "Unsupported subscription version: %d", *version);
    }
    return KC_OK;
}

/* The assignment body after its version header. */
static kc_err_t kc_cp_get_assignment(kc_cp_reader_t *r,
                                     kc_connect_protocol_t proto,
                                     kc_connect_assignment_t *a)
{
    bool incremental = proto != KC_CONNECT_EAGER;

    if (kc_cp_get_i16(r, "error", &a->error) != KC_OK ||
        kc_cp_get_string(r, "leader", &a->leader) != KC_OK ||
        kc_cp_get_string(r, "leader-url", &a->leader_url) != KC_OK ||
        kc_cp_get_i64(r, "config-offset", &a->config_offset) != KC_OK) {
        return KC_ERR_INVALID;
    }
    /* The incremental schema tolerates fields missing at the very end
     * (their defaults: null arrays, delay 0); a partial field is an
     * error. */
    if (incremental && kc_cp_left(r) == 0) {
        return KC_OK;
    }
    if (kc_cp_get_entries(r, "assignment", incremental, &a->assigned,
                          &a->n_assigned) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (!incremental || kc_cp_left(r) == 0) {
        return KC_OK;
    }
    if (kc_cp_get_entries(r, "revoked", true, &a->revoked, &a->n_revoked) !=
        KC_OK) {
        return KC_ERR_INVALID;
    }
    if (kc_cp_left(r) == 0) {
        return KC_OK;
    }
    return kc_cp_get_i32(r, "delay", &a->delay);
}

kc_err_t kc_connect_assignment_decode(const uint8_t *data, size_t len,
                                      kc_connect_protocol_t proto,
                                      kc_arena_t *arena,
                                      kc_connect_assignment_t *a,
                                      kc_error_t *err)
{
    kc_cp_reader_t r = {data, len, 0, arena, err};

    memset(a, 0, sizeof(*a));
    if (kc_cp_get_version(&r, &a->version) != KC_OK) {
        return KC_ERR_INVALID;
    }
    return kc_cp_get_assignment(&r, proto, a);
}

kc_err_t kc_connect_metadata_decode(const uint8_t *data, size_t len,
                                    kc_connect_protocol_t proto,
                                    kc_arena_t *arena,
                                    kc_connect_metadata_t *md, kc_error_t *err)
{
    kc_cp_reader_t r = {data, len, 0, arena, err};
    int32_t n;
    kc_connect_assignment_t *a;

    memset(md, 0, sizeof(*md));
    if (kc_cp_get_version(&r, &md->version) != KC_OK ||
        kc_cp_get_string(&r, "url", &md->url) != KC_OK ||
        kc_cp_get_i64(&r, "config-offset", &md->config_offset) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (proto == KC_CONNECT_EAGER || kc_cp_left(&r) == 0) {
        return KC_OK;
    }
    if (kc_cp_get_i32(&r, "allocation", &n) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (n < 0) {
        return KC_OK; /* null: no current assignment */
    }
    if ((size_t)n > kc_cp_left(&r)) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Error reading field 'allocation': Error reading "
                            "bytes of size %" PRId32 ", only %zu bytes "
                            "available",
                            n, kc_cp_left(&r));
    }
    a = kc_arena_calloc(arena, 1, sizeof(*a));
    if (kc_connect_assignment_decode(data + r.pos, (size_t)n, proto, arena, a,
                                     err) != KC_OK) {
        return KC_ERR_INVALID;
    }
    md->assignment = a;
    return KC_OK;
}

/* ---- Apache's entry order */

/* The table size of new HashSet<>(a collection of n) since JDK 19
 * (HashMap.newHashMap(max(n, 12)): ceil(n / 0.75) rounded up to a power of
 * two). JDK 17 sized it (int)(n / 0.75f) + 1, which differs for some n
 * (24, 48, ...): the order of a large set depends on the worker's JVM. */
static size_t kc_cp_java_table_size(size_t n)
{
    size_t want;
    size_t cap = 1;

    if (n < 12) {
        n = 12;
    }
    want = (n * 4 + 2) / 3; /* ceil(n / 0.75) */
    while (cap < want) {
        cap <<= 1;
    }
    return cap;
}

static kc_connect_entry_t *kc_cp_entry_for(kc_connect_entry_t *v, size_t *n,
                                           const char *connector)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(v[i].connector, connector) == 0) {
            return &v[i];
        }
    }
    v[*n].connector = connector;
    v[*n].tasks = NULL;
    v[*n].n_tasks = 0;
    return &v[(*n)++];
}

static void kc_cp_entry_add(kc_arena_t *arena, kc_connect_entry_t *e,
                            int32_t task)
{
    int32_t *tasks = kc_arena_alloc(arena, (e->n_tasks + 1) * sizeof(*tasks));

    if (e->n_tasks > 0) {
        memcpy(tasks, e->tasks, e->n_tasks * sizeof(*tasks));
    }
    tasks[e->n_tasks++] = task;
    e->tasks = tasks;
}

const kc_connect_entry_t *
kc_connect_entries_build(kc_arena_t *arena, const char *const *connectors,
                         size_t n_connectors, const kc_connect_task_id_t *tasks,
                         size_t n_tasks, bool distinct_in_order, size_t *n)
{
    kc_connect_entry_t *v =
        kc_arena_calloc(arena, n_connectors + n_tasks + 1, sizeof(*v));
    const char **order =
        kc_arena_calloc(arena, n_connectors + 1, sizeof(*order));
    size_t n_order = 0;

    *n = 0;
    /* distinct names, first occurrence kept */
    for (size_t i = 0; i < n_connectors; i++) {
        bool seen = false;

        for (size_t j = 0; j < n_order && !seen; j++) {
            seen = strcmp(order[j], connectors[i]) == 0;
        }
        if (!seen) {
            order[n_order++] = connectors[i];
        }
    }
    if (distinct_in_order) {
        for (size_t i = 0; i < n_order; i++) {
            kc_cp_entry_add(arena, kc_cp_entry_for(v, n, order[i]),
                            KC_CONNECT_CONNECTOR_TASK);
        }
    } else {
        /* A HashSet iterates by bucket (the spread hash masked by the
         * table size), and within a bucket in insertion order. Buckets of
         * 8+ names in a table of 64+ slots are trees in Java, whose order
         * may differ; the wire meaning is the same either way. */
        size_t cap = kc_cp_java_table_size(n_connectors);

        for (size_t b = 0; b < cap; b++) {
            for (size_t i = 0; i < n_order; i++) {
                uint32_t h = (uint32_t)kc_value_text_string_hash(
                    order[i], strlen(order[i]));

                h ^= h >> 16;
                if ((h & (cap - 1)) == b) {
                    kc_cp_entry_add(arena, kc_cp_entry_for(v, n, order[i]),
                                    KC_CONNECT_CONNECTOR_TASK);
                }
            }
        }
    }
    for (size_t i = 0; i < n_tasks; i++) {
        kc_cp_entry_add(arena, kc_cp_entry_for(v, n, tasks[i].connector),
                        tasks[i].task);
    }
    return v;
}
