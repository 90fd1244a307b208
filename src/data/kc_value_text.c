/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>

#include "data/kc_base64.h"
#include "data/kc_decimal.h"
#include "data/kc_java_number.h"
#include "data/kc_value_text.h"
#include "transforms/kc_java_date_format.h"

static kc_err_t kc_text_value(kc_buf_t *out, const kc_schema_t *schema,
                              const kc_value_t *v);

/* ---- java.util.Date ------------------------------------------------- */

size_t kc_value_text_date(int64_t ms, char *out, size_t size)
{
    kc_buf_t buf;
    size_t len;

    /* Date.toString is this pattern in Java's calendar: the year of the
     * era, unpadded and without its era (1 BC prints as 1). */
    kc_buf_init(&buf, 0);
    kc_java_date_format("EEE MMM dd HH:mm:ss zzz y", ms, &buf);
    len = buf.len;
    snprintf(out, size, "%s", kc_buf_cstr(&buf));
    kc_buf_release(&buf);
    return len;
}

/* ---- Java hash codes, for HashMap order ----------------------------- */

int32_t kc_value_text_string_hash(const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s;
    uint32_t h = 0;
    size_t i = 0;

    while (i < len) {
        uint32_t cp = 0xFFFD;
        size_t need = 0;
        uint8_t b = p[i];

        if (b < 0x80) {
            cp = b;
        } else if (b >= 0xC2 && b <= 0xDF) {
            cp = b & 0x1F;
            need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            cp = b & 0x0F;
            need = 2;
        } else if (b >= 0xF0 && b <= 0xF4) {
            cp = b & 0x07;
            need = 3;
        }
        i++;
        if (need > 0 && i + need <= len) {
            for (size_t k = 0; k < need; k++) {
                cp = (cp << 6) | (p[i + k] & 0x3F);
            }
            i += need;
        } else if (need > 0) {
            cp = 0xFFFD;
            i = len;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            h = 31 * h + (0xD800 + (cp >> 10));
            h = 31 * h + (0xDC00 + (cp & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
    }
    return (int32_t)h;
}

/*
 * Magnitude of a big-endian two's complement number, in a fresh heap copy;
 * sets *negative. Leading zero bytes are dropped (*len may become 0).
 */
static uint8_t *kc_text_magnitude(const uint8_t *in, size_t *len,
                                  bool *negative)
{
    uint8_t *mag = kc_malloc(*len > 0 ? *len : 1);
    size_t skip = 0;

    if (*len > 0) {
        memcpy(mag, in, *len);
    }
    *negative = *len > 0 && (in[0] & 0x80) != 0;
    if (*negative) {
        unsigned carry = 1;

        for (size_t i = *len; i-- > 0;) {
            unsigned b = (unsigned)(uint8_t)~mag[i] + carry;

            mag[i] = (uint8_t)b;
            carry = b >> 8;
        }
    }
    while (skip < *len && mag[skip] == 0) {
        skip++;
    }
    memmove(mag, mag + skip, *len - skip);
    *len -= skip;
    return mag;
}

static uint32_t kc_fold64(uint64_t bits)
{
    return (uint32_t)(bits ^ (bits >> 32));
}

/* BigDecimal.hashCode: 31 * BigInteger.hashCode + scale. */
static uint32_t kc_decimal_hash(const kc_value_t *v, int32_t scale)
{
    bool negative;
    size_t len = v->u.bytes.len;
    uint8_t *mag = kc_text_magnitude(v->u.bytes.data, &len, &negative);
    uint32_t h = 0;
    size_t first = len % 4 == 0 ? 4 : len % 4;
    size_t i = 0;

    /* The magnitude as big-endian 32-bit words, the first one partial. */
    while (i < len) {
        size_t take = i == 0 ? first : 4;
        uint32_t word = 0;

        for (size_t k = 0; k < take; k++) {
            word = (word << 8) | mag[i + k];
        }
        h = 31 * h + word;
        i += take;
    }
    kc_free(mag);
    if (negative) {
        h = (uint32_t)0 - h;
    }
    return 31 * h + (uint32_t)scale;
}

/* Java's key.hashCode(), or false if it is not defined by the value. */
static bool kc_java_hash(const kc_schema_t *schema, const kc_value_t *k,
                         uint32_t *h)
{
    kc_logical_t logical =
        schema != NULL ? kc_schema_logical(schema) : KC_LOGICAL_NONE;

    switch (k->type) {
    case KC_TYPE_NULL:
        *h = 0;
        return true;
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
        if (logical == KC_LOGICAL_DATE) {
            *h = kc_fold64((uint64_t)(k->u.i * 86400000));
        } else {
            *h = (uint32_t)(int32_t)k->u.i;
        }
        return true;
    case KC_TYPE_INT64:
        /* Long.hashCode and Date.hashCode fold the same way. */
        *h = kc_fold64((uint64_t)k->u.i);
        return true;
    case KC_TYPE_FLOAT32: {
        float f = (float)k->u.f;
        uint32_t bits;

        if (isnan(f)) {
            bits = 0x7fc00000u;
        } else {
            memcpy(&bits, &f, sizeof(bits));
        }
        *h = bits;
        return true;
    }
    case KC_TYPE_FLOAT64: {
        uint64_t bits;

        if (isnan(k->u.f)) {
            bits = 0x7ff8000000000000ull;
        } else {
            memcpy(&bits, &k->u.f, sizeof(bits));
        }
        *h = kc_fold64(bits);
        return true;
    }
    case KC_TYPE_BOOLEAN:
        *h = k->u.b ? 1231 : 1237;
        return true;
    case KC_TYPE_STRING:
        *h = (uint32_t)kc_value_text_string_hash(k->u.str.data, k->u.str.len);
        return true;
    case KC_TYPE_BYTES:
        if (logical == KC_LOGICAL_DECIMAL) {
            *h = kc_decimal_hash(k, kc_value_decimal_scale(schema, k));
            return true;
        }
        return false;
    default:
        return false;
    }
}

static size_t kc_bucket(uint32_t h, size_t cap)
{
    return (size_t)((h ^ (h >> 16)) & (uint32_t)(cap - 1));
}

size_t kc_java_table_size_for(size_t capacity)
{
    size_t cap = 1;

    while (cap < capacity && cap < ((size_t)1 << 30)) {
        cap <<= 1;
    }
    return cap;
}

size_t kc_java_hashmap_copy_table(size_t n)
{
    /*
     * JDK 19+ (JDK-8281631) pre-sizes for ceil(n / 0.75) entries; JDK 17
     * took (int)(n / 0.75f + 1), one table doubling more at 6, 12, 24...
     * entries. kconnect follows JDK 19+, as for number text.
     */
    if (n == 0) {
        return 16; /* an empty source leaves the default table */
    }
    return kc_java_table_size_for((4 * n + 2) / 3);
}

bool kc_value_map_java_order(const kc_schema_t *key_schema,
                             const kc_value_t *map, size_t *order)
{
    return kc_value_map_java_order_sized(key_schema, map, 16, order);
}

/* Grow @p *buf to hold @p need items of @p size bytes; kept for reuse. */
static void *kc_scratch_reserve(void *buf, size_t *cap, size_t need,
                                size_t size)
{
    size_t want;

    if (need <= *cap) {
        return buf;
    }
    want = *cap * 2 > need ? *cap * 2 : need;
    *cap = want;
    return kc_realloc(buf, want * size);
}

/*
 * The HashMap iteration order of @p map into @p order, with the hashes
 * and bucket counts in @p s (no allocation once @p s has grown to the
 * map's size).
 */
static bool kc_map_order_fill(kc_map_order_scratch_t *s,
                              const kc_schema_t *key_schema,
                              const kc_value_t *map, size_t table,
                              size_t *order)
{
    size_t n = map->u.map.len;
    size_t cap = table > 0 ? table : 1;
    size_t at = 0;

    if (n == 0) {
        return true;
    }
    s->hashes =
        kc_scratch_reserve(s->hashes, &s->hashes_cap, n, sizeof(*s->hashes));
    for (size_t i = 0; i < n; i++) {
        if (!kc_java_hash(key_schema, &map->u.map.keys[i], &s->hashes[i])) {
            return false;
        }
    }
    /*
     * Replay the inserts for the table size: it doubles when size passes
     * 3/4 of it, or when a bucket reaches 9 entries in a table under 64.
     */
    s->counts =
        kc_scratch_reserve(s->counts, &s->counts_cap, cap, sizeof(*s->counts));
    memset(s->counts, 0, cap * sizeof(*s->counts));
    for (size_t i = 0; i < n; i++) {
        size_t b = kc_bucket(s->hashes[i], cap);
        int grow = 0;

        s->counts[b]++;
        if (s->counts[b] >= 9 && cap < 64) {
            grow++; /* treeifyBin resizes a small table instead */
        }
        /* threshold = (int)(capacity * 0.75): 0 for 1, 1 for 2 */
        if (i + 1 > ((cap << grow) * 3) / 4) {
            grow++;
        }
        if (grow > 0) {
            cap <<= grow;
            s->counts = kc_scratch_reserve(s->counts, &s->counts_cap, cap,
                                           sizeof(*s->counts));
            memset(s->counts, 0, cap * sizeof(*s->counts));
            for (size_t k = 0; k <= i; k++) {
                s->counts[kc_bucket(s->hashes[k], cap)]++;
            }
        }
    }
    /*
     * Buckets in table order, a bucket's entries in insertion order (a
     * resize keeps their relative order): a counting sort over the final
     * table's bucket counts, turned into each bucket's first slot.
     */
    for (size_t b = 0; b < cap; b++) {
        size_t c = s->counts[b];

        s->counts[b] = at;
        at += c;
    }
    for (size_t i = 0; i < n; i++) {
        order[s->counts[kc_bucket(s->hashes[i], cap)]++] = i;
    }
    return true;
}

bool kc_value_map_java_order_sized(const kc_schema_t *key_schema,
                                   const kc_value_t *map, size_t table,
                                   size_t *order)
{
    kc_map_order_scratch_t *s = kc_map_order_thread_scratch();
    size_t n = map->u.map.len;

    /* Filled only when every key hashes, as documented. */
    s->spare = kc_scratch_reserve(s->spare, &s->spare_cap, n > 0 ? n : 1,
                                  sizeof(*s->spare));
    if (!kc_map_order_fill(s, key_schema, map, table, s->spare)) {
        return false;
    }
    memcpy(order, s->spare, n * sizeof(*order));
    return true;
}

const size_t *kc_map_order_push(kc_map_order_scratch_t *s,
                                const kc_schema_t *key_schema,
                                const kc_value_t *map)
{
    return kc_map_order_push_sized(s, key_schema, map, 16);
}

const size_t *kc_map_order_push_sized(kc_map_order_scratch_t *s,
                                      const kc_schema_t *key_schema,
                                      const kc_value_t *map, size_t table)
{
    size_t n = map->u.map.len;
    size_t d = s->depth++;
    kc_map_order_level_t *lv;

    if (n < 2 || (map->flags & KC_VALUE_F_LINKED)) {
        return NULL;
    }
    if (d >= s->levels_cap) {
        size_t old = s->levels_cap;

        s->levels = kc_scratch_reserve(s->levels, &s->levels_cap, d + 1,
                                       sizeof(*s->levels));
        memset(s->levels + old, 0, (s->levels_cap - old) * sizeof(*s->levels));
    }
    lv = &s->levels[d];
    lv->order = kc_scratch_reserve(lv->order, &lv->cap, n, sizeof(*lv->order));
    if (!kc_map_order_fill(s, key_schema, map, table, lv->order)) {
        return NULL;
    }
    return lv->order;
}

void kc_map_order_pop(kc_map_order_scratch_t *s)
{
    if (s->depth > 0) {
        s->depth--;
    }
}

void kc_map_order_scratch_release(kc_map_order_scratch_t *s)
{
    for (size_t i = 0; i < s->levels_cap; i++) {
        kc_free(s->levels[i].order);
    }
    kc_free(s->levels);
    kc_free(s->hashes);
    kc_free(s->counts);
    kc_free(s->spare);
    memset(s, 0, sizeof(*s));
}

/*
 * Each thread's scratch lives in thread-local storage; a key destructor
 * frees what it holds when the thread ends (the main thread's stays
 * reachable from its TLS until exit).
 */
static _Thread_local kc_map_order_scratch_t kc_order_tls;
static _Thread_local bool kc_order_tls_registered;
static pthread_key_t kc_order_key;
static bool kc_order_key_ok;
static pthread_once_t kc_order_once = PTHREAD_ONCE_INIT;

static void kc_order_thread_exit(void *scratch)
{
    kc_map_order_scratch_release(scratch);
}

static void kc_order_key_init(void)
{
    kc_order_key_ok =
        pthread_key_create(&kc_order_key, kc_order_thread_exit) == 0;
}

kc_map_order_scratch_t *kc_map_order_thread_scratch(void)
{
    if (!kc_order_tls_registered) {
        pthread_once(&kc_order_once, kc_order_key_init);
        if (kc_order_key_ok) {
            pthread_setspecific(kc_order_key, &kc_order_tls);
        }
        kc_order_tls_registered = true;
    }
    return &kc_order_tls;
}

/* ---- values --------------------------------------------------------- */

static kc_err_t kc_text_map(kc_buf_t *out, const kc_schema_t *schema,
                            const kc_value_t *v)
{
    const kc_schema_t *ks = schema != NULL ? kc_schema_key(schema) : NULL;
    const kc_schema_t *vs = schema != NULL ? kc_schema_value(schema) : NULL;
    size_t n = v->u.map.len;
    kc_map_order_scratch_t *scratch = kc_map_order_thread_scratch();
    /* A LinkedHashMap (Flatten's output) prints in its own order. */
    const size_t *order = kc_map_order_push(scratch, ks, v);
    kc_err_t rc;

    rc = kc_buf_putc(out, '{');
    for (size_t i = 0; i < n && rc == KC_OK; i++) {
        size_t k = order != NULL ? order[i] : i;

        if (i > 0) {
            rc = kc_buf_puts(out, ", ");
        }
        if (rc == KC_OK) {
            rc = kc_text_value(out, ks, &v->u.map.keys[k]);
        }
        if (rc == KC_OK) {
            rc = kc_buf_putc(out, '=');
        }
        if (rc == KC_OK) {
            rc = kc_text_value(out, vs, &v->u.map.values[k]);
        }
    }
    if (rc == KC_OK) {
        rc = kc_buf_putc(out, '}');
    }
    kc_map_order_pop(scratch);
    return rc;
}

static kc_err_t kc_text_struct(kc_buf_t *out, const kc_value_t *v)
{
    const kc_schema_t *st = v->u.st.schema;
    size_t nf = st != NULL ? kc_schema_field_count(st) : 0;
    bool first = true;
    kc_err_t rc = kc_buf_puts(out, "Struct{");

    /* Struct.toString leaves out null fields and puts no space after ",". */
    for (size_t i = 0; i < nf && rc == KC_OK; i++) {
        const kc_field_t *f = kc_schema_field_at(st, i);
        const kc_value_t *fv = &v->u.st.fields[i];

        if (fv->type == KC_TYPE_NULL) {
            continue;
        }
        if (!first) {
            rc = kc_buf_putc(out, ',');
        }
        first = false;
        if (rc == KC_OK) {
            rc = kc_buf_printf(out, "%s=", f->name);
        }
        if (rc == KC_OK) {
            rc = kc_text_value(out, f->schema, fv);
        }
    }
    if (rc == KC_OK) {
        rc = kc_buf_putc(out, '}');
    }
    return rc;
}

static kc_err_t kc_text_value(kc_buf_t *out, const kc_schema_t *schema,
                              const kc_value_t *v)
{
    kc_logical_t logical =
        schema != NULL ? kc_schema_logical(schema) : KC_LOGICAL_NONE;
    char tmp[64];

    switch (v->type) {
    case KC_TYPE_NULL:
        return kc_buf_puts(out, "null");
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        if (logical == KC_LOGICAL_DATE) {
            kc_value_text_date(v->u.i * 86400000, tmp, sizeof(tmp));
            return kc_buf_puts(out, tmp);
        }
        if (logical == KC_LOGICAL_TIME || logical == KC_LOGICAL_TIMESTAMP ||
            (v->flags & KC_VALUE_F_DATE)) {
            kc_value_text_date(v->u.i, tmp, sizeof(tmp));
            return kc_buf_puts(out, tmp);
        }
        return kc_buf_printf(out, "%" PRId64, v->u.i);
    case KC_TYPE_FLOAT32:
        kc_java_float_to_string((float)v->u.f, tmp);
        return kc_buf_puts(out, tmp);
    case KC_TYPE_FLOAT64:
        kc_java_double_to_string(v->u.f, tmp);
        return kc_buf_puts(out, tmp);
    case KC_TYPE_BOOLEAN:
        return kc_buf_puts(out, v->u.b ? "true" : "false");
    case KC_TYPE_STRING:
        return kc_buf_append(out, v->u.str.data, v->u.str.len);
    case KC_TYPE_BYTES:
        if (logical == KC_LOGICAL_DECIMAL) {
            return kc_decimal_to_java_string(v->u.bytes.data, v->u.bytes.len,
                                             kc_value_decimal_scale(schema, v),
                                             out);
        }
        return kc_base64_encode(v->u.bytes.data, v->u.bytes.len, out);
    case KC_TYPE_ARRAY: {
        const kc_schema_t *items =
            schema != NULL ? kc_schema_items(schema) : NULL;
        kc_err_t rc = kc_buf_putc(out, '[');

        for (size_t i = 0; i < v->u.array.len && rc == KC_OK; i++) {
            if (i > 0) {
                rc = kc_buf_puts(out, ", ");
            }
            if (rc == KC_OK) {
                rc = kc_text_value(out, items, &v->u.array.items[i]);
            }
        }
        return rc == KC_OK ? kc_buf_putc(out, ']') : rc;
    }
    case KC_TYPE_MAP:
        return kc_text_map(out, schema, v);
    case KC_TYPE_STRUCT:
        return kc_text_struct(out, v);
    }
    return kc_buf_puts(out, "null");
}

kc_err_t kc_value_text_append(kc_buf_t *out, const kc_schema_t *schema,
                              const kc_value_t *value)
{
    size_t mark = out->len;
    kc_err_t rc = kc_text_value(out, schema, value);

    if (rc != KC_OK) {
        out->len = mark; /* leave the buffer as it was */
    }
    return rc;
}

const char *kc_value_java_class(const kc_value_t *v)
{
    switch (v->type) {
    case KC_TYPE_NULL:
        return "null";
    case KC_TYPE_INT8:
        return "java.lang.Byte";
    case KC_TYPE_INT16:
        return "java.lang.Short";
    case KC_TYPE_INT32:
        return "java.lang.Integer";
    case KC_TYPE_INT64:
        return (v->flags & KC_VALUE_F_DATE) ? "java.util.Date"
                                            : "java.lang.Long";
    case KC_TYPE_FLOAT32:
        return "java.lang.Float";
    case KC_TYPE_FLOAT64:
        return "java.lang.Double";
    case KC_TYPE_BOOLEAN:
        return "java.lang.Boolean";
    case KC_TYPE_STRING:
        return "java.lang.String";
    case KC_TYPE_BYTES:
        return "[B";
    case KC_TYPE_ARRAY:
        return "java.util.ArrayList";
    case KC_TYPE_MAP:
        return "java.util.HashMap";
    case KC_TYPE_STRUCT:
        return "org.apache.kafka.connect.data.Struct";
    }
    return "unknown";
}
