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

/*
 * Where in a value a conversion is, for error messages only: a stack of
 * the member names and element indexes walked, rendered into text only
 * when a conversion fails. Pushed for every field of every record, so a
 * push is one store; the names are borrowed (schema field names, JSON
 * keys) and live as long as the conversion.
 */
#define KC_JPATH_TEXT 256 /* the rendered path, NUL included, at most */
/* Segments kept: deeper than the JSON parser's nesting limit (1000); a
 * deeper one (only a hand-built schema could have it) is counted, and
 * left out of the text. */
#define KC_JPATH_DEPTH 1024

typedef struct kc_jpath {
    struct kc_jpath_seg {
        const char *name; /* NULL: an array or map element, by index */
        size_t index;
    } seg[KC_JPATH_DEPTH];
    size_t len; /* segments pushed (deeper ones are counted only) */
} kc_jpath_t;

/* Push a member name; returns the depth to pop to. */
static inline size_t kc_jpath_push_name(kc_jpath_t *p, const char *name)
{
    size_t saved = p->len;

    if (p->len < KC_JPATH_DEPTH) {
        p->seg[p->len].name = name;
    }
    p->len++;
    return saved;
}

/* Push an element index; returns the depth to pop to. */
static inline size_t kc_jpath_push_index(kc_jpath_t *p, size_t index)
{
    size_t saved = p->len;

    if (p->len < KC_JPATH_DEPTH) {
        p->seg[p->len].name = NULL;
        p->seg[p->len].index = index;
    }
    p->len++;
    return saved;
}

static inline void kc_jpath_pop(kc_jpath_t *p, size_t saved)
{
    p->len = saved;
}

/* Append @p n bytes of @p text to @p buf (holding *@p len), truncated to
 * KC_JPATH_TEXT as snprintf would. */
static inline void kc_jpath_append(char *buf, size_t *len, const char *text,
                                   size_t n)
{
    size_t room = KC_JPATH_TEXT - 1 - *len;

    if (n > room) {
        n = room;
    }
    memcpy(buf + *len, text, n);
    *len += n;
    buf[*len] = '\0';
}

/* The path as text: "a.b[2].c" (no '.' before the first name, nor after
 * an empty text). */
static inline void kc_jpath_render(const kc_jpath_t *p, char buf[KC_JPATH_TEXT])
{
    size_t len = 0;
    size_t depth = p->len < KC_JPATH_DEPTH ? p->len : KC_JPATH_DEPTH;

    buf[0] = '\0';
    for (size_t i = 0; i < depth; i++) {
        const struct kc_jpath_seg *s = &p->seg[i];

        if (s->name != NULL) {
            if (len > 0) {
                kc_jpath_append(buf, &len, ".", 1);
            }
            kc_jpath_append(buf, &len, s->name, strlen(s->name));
        } else {
            char digits[24];
            size_t at = sizeof(digits);
            size_t index = s->index;

            digits[--at] = ']';
            do {
                digits[--at] = (char)('0' + index % 10);
                index /= 10;
            } while (index > 0);
            digits[--at] = '[';
            kc_jpath_append(buf, &len, digits + at, sizeof(digits) - at);
        }
    }
}

KC_PRINTF(3, 4)
static inline kc_err_t kc_jpath_fail(const kc_jpath_t *p, kc_error_t *err,
                                     const char *fmt, ...)
{
    char msg[400];
    char text[KC_JPATH_TEXT];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    kc_jpath_render(p, text);
    if (text[0] == '\0') {
        return kc_error_set(err, KC_ERR_INVALID, "%s", msg);
    }
    return kc_error_set(err, KC_ERR_INVALID, "field \"%s\": %s", text, msg);
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
