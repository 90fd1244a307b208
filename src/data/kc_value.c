/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connect values: tagged structs in an arena, plus deep copy, equality and
 * validation against a schema with the failing field's path.
 */
#include "kc_internal.h"

#include <math.h>

kc_value_t *kc_value_new(kc_arena_t *arena)
{
    return kc_arena_calloc(arena, 1, sizeof(kc_value_t));
}

void kc_value_set_null(kc_value_t *v)
{
    memset(v, 0, sizeof(*v));
    v->type = KC_TYPE_NULL;
    v->flags = 0;
}

void kc_value_set_int(kc_value_t *v, kc_type_t type, int64_t i)
{
    kc_assert(type >= KC_TYPE_INT8 && type <= KC_TYPE_INT64);
    v->type = type;
    v->flags = 0;
    v->u.i = i;
}

void kc_value_set_float(kc_value_t *v, kc_type_t type, double f)
{
    kc_assert(type == KC_TYPE_FLOAT32 || type == KC_TYPE_FLOAT64);
    v->type = type;
    v->flags = 0;
    v->u.f = type == KC_TYPE_FLOAT32 ? (double)(float)f : f;
}

void kc_value_set_bool(kc_value_t *v, bool b)
{
    v->type = KC_TYPE_BOOLEAN;
    v->flags = 0;
    v->u.b = b;
}

void kc_value_set_string(kc_arena_t *arena, kc_value_t *v, const char *s,
                         size_t len)
{
    v->type = KC_TYPE_STRING;
    v->flags = 0;
    v->u.str.data = kc_arena_strndup(arena, s != NULL ? s : "", len);
    v->u.str.len = len;
}

void kc_value_set_string_ref(kc_value_t *v, const char *s, size_t len)
{
    v->type = KC_TYPE_STRING;
    v->flags = 0;
    v->u.str.data = s;
    v->u.str.len = len;
}

void kc_value_set_bytes(kc_arena_t *arena, kc_value_t *v, const uint8_t *data,
                        size_t len)
{
    v->type = KC_TYPE_BYTES;
    v->flags = 0;
    /* +1 keeps a non-NULL pointer for empty bytes. */
    uint8_t *copy = kc_arena_alloc(arena, len + 1);

    if (len > 0) {
        memcpy(copy, data, len);
    }
    v->u.bytes.data = copy;
    v->u.bytes.len = len;
}

int32_t kc_value_decimal_scale(const kc_schema_t *schema, const kc_value_t *v)
{
    if (v->flags & KC_VALUE_F_SCALE) {
        return v->u.bytes.scale;
    }
    return kc_schema_decimal_scale(schema);
}

void kc_value_set_decimal_scale(kc_value_t *v, int32_t scale,
                                int32_t schema_scale)
{
    if (scale == schema_scale) {
        v->flags &= ~KC_VALUE_F_SCALE;
        v->u.bytes.scale = 0;
        return;
    }
    v->flags |= KC_VALUE_F_SCALE;
    v->u.bytes.scale = scale;
}

void kc_value_set_array(kc_arena_t *arena, kc_value_t *v, size_t len)
{
    v->type = KC_TYPE_ARRAY;
    v->flags = 0;
    v->u.array.items =
        kc_arena_calloc(arena, len ? len : 1, sizeof(kc_value_t));
    v->u.array.len = len;
}

void kc_value_set_map(kc_arena_t *arena, kc_value_t *v, size_t len)
{
    v->type = KC_TYPE_MAP;
    v->flags = 0;
    v->u.map.keys = kc_arena_calloc(arena, len ? len : 1, sizeof(kc_value_t));
    v->u.map.values = kc_arena_calloc(arena, len ? len : 1, sizeof(kc_value_t));
    v->u.map.len = len;
}

void kc_value_set_struct(kc_arena_t *arena, kc_value_t *v,
                         const kc_schema_t *schema)
{
    size_t n = kc_schema_field_count(schema);

    kc_assert(kc_schema_type(schema) == KC_TYPE_STRUCT);
    v->type = KC_TYPE_STRUCT;
    v->flags = 0;
    v->u.st.schema = schema;
    v->u.st.fields = kc_arena_calloc(arena, n ? n : 1, sizeof(kc_value_t));
}

kc_value_t *kc_value_struct_get(const kc_value_t *v, const char *name)
{
    const kc_field_t *f;

    if (v->type != KC_TYPE_STRUCT) {
        return NULL;
    }
    f = kc_schema_field(v->u.st.schema, name);
    return f != NULL ? &v->u.st.fields[f->index] : NULL;
}

const kc_value_t *kc_value_map_get(const kc_value_t *v, const char *key)
{
    size_t klen = strlen(key);

    if (v->type != KC_TYPE_MAP) {
        return NULL;
    }
    for (size_t i = 0; i < v->u.map.len; i++) {
        const kc_value_t *k = &v->u.map.keys[i];

        if (k->type == KC_TYPE_STRING && k->u.str.len == klen &&
            memcmp(k->u.str.data, key, klen) == 0) {
            return &v->u.map.values[i];
        }
    }
    return NULL;
}

void kc_value_copy(kc_arena_t *arena, kc_value_t *dst, const kc_value_t *src)
{
    switch (src->type) {
    case KC_TYPE_STRING:
        kc_value_set_string(arena, dst, src->u.str.data, src->u.str.len);
        return;
    case KC_TYPE_BYTES: {
        uint32_t flags = src->flags;
        int32_t scale = src->u.bytes.scale;

        kc_value_set_bytes(arena, dst, src->u.bytes.data, src->u.bytes.len);
        /* A Decimal's own scale travels with it. */
        dst->flags = flags;
        dst->u.bytes.scale = scale;
        return;
    }
    case KC_TYPE_ARRAY: {
        size_t n = src->u.array.len;
        const kc_value_t *items = src->u.array.items;

        kc_value_set_array(arena, dst, n);
        for (size_t i = 0; i < n; i++) {
            kc_value_copy(arena, &dst->u.array.items[i], &items[i]);
        }
        return;
    }
    case KC_TYPE_MAP: {
        size_t n = src->u.map.len;
        const kc_value_t *keys = src->u.map.keys;
        const kc_value_t *values = src->u.map.values;

        uint32_t flags = src->flags;

        kc_value_set_map(arena, dst, n);
        dst->flags = flags; /* a LinkedHashMap stays one */
        for (size_t i = 0; i < n; i++) {
            kc_value_copy(arena, &dst->u.map.keys[i], &keys[i]);
            kc_value_copy(arena, &dst->u.map.values[i], &values[i]);
        }
        return;
    }
    case KC_TYPE_STRUCT: {
        const kc_schema_t *schema = src->u.st.schema;
        const kc_value_t *fields = src->u.st.fields;
        size_t n = kc_schema_field_count(schema);

        kc_value_set_struct(arena, dst, schema);
        for (size_t i = 0; i < n; i++) {
            kc_value_copy(arena, &dst->u.st.fields[i], &fields[i]);
        }
        return;
    }
    default:
        /* Scalars: the union holds no pointers. Copy via a temporary so
         * src == dst works. */
        {
            kc_value_t tmp = *src;

            *dst = tmp;
        }
        return;
    }
}

bool kc_value_equals(const kc_value_t *a, const kc_value_t *b)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case KC_TYPE_NULL:
        return true;
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        return a->u.i == b->u.i;
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64:
        if (isnan(a->u.f) || isnan(b->u.f)) {
            return isnan(a->u.f) && isnan(b->u.f);
        }
        return a->u.f == b->u.f;
    case KC_TYPE_BOOLEAN:
        return a->u.b == b->u.b;
    case KC_TYPE_STRING:
        return a->u.str.len == b->u.str.len &&
               (a->u.str.len == 0 ||
                memcmp(a->u.str.data, b->u.str.data, a->u.str.len) == 0);
    case KC_TYPE_BYTES:
        /* BigDecimal.equals: 1.5 and 1.50 differ. */
        if ((a->flags & KC_VALUE_F_SCALE) != (b->flags & KC_VALUE_F_SCALE) ||
            ((a->flags & KC_VALUE_F_SCALE) &&
             a->u.bytes.scale != b->u.bytes.scale)) {
            return false;
        }
        return a->u.bytes.len == b->u.bytes.len &&
               (a->u.bytes.len == 0 ||
                memcmp(a->u.bytes.data, b->u.bytes.data, a->u.bytes.len) == 0);
    case KC_TYPE_ARRAY:
        if (a->u.array.len != b->u.array.len) {
            return false;
        }
        for (size_t i = 0; i < a->u.array.len; i++) {
            if (!kc_value_equals(&a->u.array.items[i], &b->u.array.items[i])) {
                return false;
            }
        }
        return true;
    case KC_TYPE_MAP:
        /* Order-sensitive: both sides come from ordered sources here. */
        if (a->u.map.len != b->u.map.len) {
            return false;
        }
        if (a->u.map.keys == b->u.map.keys &&
            a->u.map.values == b->u.map.values) {
            return true; /* shared storage: a source's batch of records */
        }
        for (size_t i = 0; i < a->u.map.len; i++) {
            if (!kc_value_equals(&a->u.map.keys[i], &b->u.map.keys[i]) ||
                !kc_value_equals(&a->u.map.values[i], &b->u.map.values[i])) {
                return false;
            }
        }
        return true;
    case KC_TYPE_STRUCT: {
        size_t n;

        if (!kc_schema_equals(a->u.st.schema, b->u.st.schema)) {
            return false;
        }
        n = kc_schema_field_count(a->u.st.schema);
        for (size_t i = 0; i < n; i++) {
            if (!kc_value_equals(&a->u.st.fields[i], &b->u.st.fields[i])) {
                return false;
            }
        }
        return true;
    }
    }
    return false;
}

/* The path of the value being checked, e.g. "address.zip" or "tags[2]". */
typedef struct kc_vpath {
    char buf[256];
    size_t len;
} kc_vpath_t;

static size_t kc_vpath_push_field(kc_vpath_t *p, const char *name)
{
    size_t saved = p->len;
    int n = snprintf(p->buf + p->len, sizeof(p->buf) - p->len, "%s%s",
                     p->len ? "." : "", name);

    if (n > 0) {
        p->len += (size_t)n;
        if (p->len >= sizeof(p->buf)) {
            p->len = sizeof(p->buf) - 1;
        }
    }
    return saved;
}

static size_t kc_vpath_push_index(kc_vpath_t *p, const char *what, size_t i)
{
    size_t saved = p->len;
    int n;

    if (p->len == 0 && what[0] == '.') {
        what++;
    }
    n = snprintf(p->buf + p->len, sizeof(p->buf) - p->len, "%s[%zu]", what, i);

    if (n > 0) {
        p->len += (size_t)n;
        if (p->len >= sizeof(p->buf)) {
            p->len = sizeof(p->buf) - 1;
        }
    }
    return saved;
}

static void kc_vpath_pop(kc_vpath_t *p, size_t saved)
{
    p->len = saved;
    p->buf[saved] = '\0';
}

static kc_err_t kc_vpath_error(const kc_vpath_t *p, kc_error_t *err,
                               const char *what)
{
    if (p->len == 0) {
        return kc_error_set(err, KC_ERR_INVALID, "%s", what);
    }
    return kc_error_set(err, KC_ERR_INVALID, "field \"%s\": %s", p->buf, what);
}

static kc_err_t kc_value_validate_at(const kc_schema_t *schema,
                                     const kc_value_t *value, kc_vpath_t *p,
                                     kc_error_t *err)
{
    kc_type_t want = kc_schema_type(schema);
    char msg[160];

    if (value->type == KC_TYPE_NULL) {
        if (kc_schema_optional(schema)) {
            return KC_OK;
        }
        snprintf(msg, sizeof(msg), "null used for required field of type %s",
                 kc_type_name(want));
        return kc_vpath_error(p, err, msg);
    }
    if (value->type != want) {
        snprintf(msg, sizeof(msg), "expected %s, got %s", kc_type_name(want),
                 kc_type_name(value->type));
        return kc_vpath_error(p, err, msg);
    }
    switch (want) {
    case KC_TYPE_INT8:
        if (value->u.i < INT8_MIN || value->u.i > INT8_MAX) {
            return kc_vpath_error(p, err, "INT8 value out of range");
        }
        return KC_OK;
    case KC_TYPE_INT16:
        if (value->u.i < INT16_MIN || value->u.i > INT16_MAX) {
            return kc_vpath_error(p, err, "INT16 value out of range");
        }
        return KC_OK;
    case KC_TYPE_INT32:
        if (value->u.i < INT32_MIN || value->u.i > INT32_MAX) {
            return kc_vpath_error(p, err, "INT32 value out of range");
        }
        return KC_OK;
    case KC_TYPE_ARRAY: {
        const kc_schema_t *items = kc_schema_items(schema);

        if (items == NULL) {
            return KC_OK;
        }
        for (size_t i = 0; i < value->u.array.len; i++) {
            size_t saved = kc_vpath_push_index(p, "", i);
            kc_err_t rc =
                kc_value_validate_at(items, &value->u.array.items[i], p, err);

            kc_vpath_pop(p, saved);
            if (rc != KC_OK) {
                return rc;
            }
        }
        return KC_OK;
    }
    case KC_TYPE_MAP: {
        const kc_schema_t *ks = kc_schema_key(schema);
        const kc_schema_t *vs = kc_schema_value(schema);

        for (size_t i = 0; i < value->u.map.len; i++) {
            kc_err_t rc = KC_OK;
            size_t saved;

            if (ks != NULL) {
                saved = kc_vpath_push_index(p, ".key", i);
                rc = kc_value_validate_at(ks, &value->u.map.keys[i], p, err);
                kc_vpath_pop(p, saved);
            }
            if (rc == KC_OK && vs != NULL) {
                saved = kc_vpath_push_index(p, ".value", i);
                rc = kc_value_validate_at(vs, &value->u.map.values[i], p, err);
                kc_vpath_pop(p, saved);
            }
            if (rc != KC_OK) {
                return rc;
            }
        }
        return KC_OK;
    }
    case KC_TYPE_STRUCT: {
        size_t n = kc_schema_field_count(schema);

        if (value->u.st.schema != schema &&
            !kc_schema_equals(value->u.st.schema, schema)) {
            return kc_vpath_error(p, err, "struct schemas do not match");
        }
        for (size_t i = 0; i < n; i++) {
            const kc_field_t *f = kc_schema_field_at(schema, i);
            size_t saved = kc_vpath_push_field(p, f->name);
            kc_err_t rc =
                kc_value_validate_at(f->schema, &value->u.st.fields[i], p, err);

            kc_vpath_pop(p, saved);
            if (rc != KC_OK) {
                return rc;
            }
        }
        return KC_OK;
    }
    default:
        return KC_OK;
    }
}

kc_err_t kc_value_validate(const kc_schema_t *schema, const kc_value_t *value,
                           kc_error_t *err)
{
    kc_vpath_t p;

    if (schema == NULL) {
        return KC_OK;
    }
    p.len = 0;
    p.buf[0] = '\0';
    return kc_value_validate_at(schema, value, &p, err);
}
