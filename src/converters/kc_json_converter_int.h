/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the JsonConverter's files share (kc_json_converter.c, its writer
 * kc_json_writer.c and its reader kc_json_reader.c): the converter
 * instance with its two schema caches, and the field path both name in
 * their errors. Private to src/converters/kc_json_*.c.
 */
#ifndef KC_CONVERTERS_KC_JSON_CONVERTER_INT_H
#define KC_CONVERTERS_KC_JSON_CONVERTER_INT_H

#include "kc_internal.h"

#include <pthread.h>
#include <stdarg.h>

#include "converters/kc_converters.h"

#define KC_MILLIS_PER_DAY 86400000LL

/* Most bytes and fields of a struct's cached keys (see kc_jsc_out_t). */
#define KC_JSC_KEYS_MAX    1024
#define KC_JSC_KEYS_FIELDS 64

typedef struct kc_jsc_out {
    const kc_schema_t *schema; /* referenced while cached */
    char *json;
    size_t len;
    /* A struct schema's field names as the payload writes them ("name":),
     * escaped once rather than for every record; key i ends at
     * key_end[i]. NULL: not a struct, or too large for kc_jw_keys_t. */
    char *keys;
    uint16_t *key_end;
    size_t nkeys;
} kc_jsc_out_t;

typedef struct kc_jsc_in {
    uint64_t hash;
    char *text;
    size_t len;
    kc_schema_t *schema; /* referenced while cached */
} kc_jsc_in_t;

typedef struct kc_json_conv {
    bool schemas_enable;
    bool decimal_numeric;
    bool replace_null;
    bool is_key;
    size_t cache_size; /* schemas.cache.size; 0 disables the caches */
    size_t slots;      /* entries per cache: min(cache_size, 256) */
    /* Caches are shared if the runtime shares the instance across tasks. */
    pthread_mutex_t lock;
    kc_jsc_out_t *out_cache;
    kc_jsc_in_t *in_cache;
    size_t in_last; /* the in_cache slot last hit or filled */
} kc_json_conv_t;

/* ---- error paths ---------------------------------------------------- */

typedef struct kc_jpath {
    char buf[256];
    size_t len;
} kc_jpath_t;

/*
 * Append @p n bytes of @p text, truncated to the buffer as snprintf would.
 * Runs for every field of every record, so no snprintf (about 800
 * instructions a call, a sixth of a schema'd JSON record's cost).
 */
static inline void kc_jpath_append(kc_jpath_t *p, const char *text, size_t n)
{
    size_t room = sizeof(p->buf) - 1 - p->len;

    if (n > room) {
        n = room;
    }
    memcpy(p->buf + p->len, text, n);
    p->len += n;
    p->buf[p->len] = '\0';
}

/* Append ".name" (or "name" at the top); returns the length to pop to. */
static inline size_t kc_jpath_push_name(kc_jpath_t *p, const char *name)
{
    size_t saved = p->len;

    if (p->len > 0) {
        kc_jpath_append(p, ".", 1);
    }
    kc_jpath_append(p, name, strlen(name));
    return saved;
}

/* Append "[index]"; returns the length to pop to. */
static inline size_t kc_jpath_push_index(kc_jpath_t *p, size_t index)
{
    char digits[24];
    size_t at = sizeof(digits);
    size_t saved = p->len;

    digits[--at] = ']';
    do {
        digits[--at] = (char)('0' + index % 10);
        index /= 10;
    } while (index > 0);
    digits[--at] = '[';
    kc_jpath_append(p, digits + at, sizeof(digits) - at);
    return saved;
}

static inline void kc_jpath_pop(kc_jpath_t *p, size_t saved)
{
    p->len = saved;
    p->buf[saved] = '\0';
}

KC_PRINTF(3, 4)
static inline kc_err_t kc_jpath_fail(const kc_jpath_t *p, kc_error_t *err,
                                     const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (p->len == 0) {
        return kc_error_set(err, KC_ERR_INVALID, "%s", msg);
    }
    return kc_error_set(err, KC_ERR_INVALID, "field \"%s\": %s", p->buf, msg);
}

/*
 * Fail with Apache's JsonConverter text exactly (users match on it in
 * dead letter queue headers and alerts), without the field path that
 * kconnect's own messages carry.
 */
KC_PRINTF(2, 3)
static inline kc_err_t kc_japache_fail(kc_error_t *err, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return kc_error_set(err, KC_ERR_INVALID, "%s", msg);
}

/* Connect data -> JSON (kc_json_writer.c). */
kc_err_t kc_json_from_connect(void *ctx, const char *topic, const char *header,
                              const kc_schema_t *schema,
                              const kc_value_t *value, kc_buf_t *out,
                              bool *is_null, kc_error_t *err);

/* JSON -> Connect data (kc_json_reader.c). */
kc_err_t kc_json_to_connect(void *ctx, const char *topic, const char *header,
                            const uint8_t *data, size_t len, kc_arena_t *arena,
                            const kc_schema_t **schema, kc_value_t *value,
                            kc_error_t *err);

#endif
