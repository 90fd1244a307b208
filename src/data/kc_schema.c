/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connect schemas: a tree of refcounted, immutable-once-shared nodes. The
 * primitive singletons are static and ignore ref/unref, so hot paths can
 * use them without touching a shared counter.
 */
#include "kc_internal.h"

#include <stdatomic.h>

typedef struct kc_schema_param {
    char *key;
    char *value;
} kc_schema_param_t;

struct kc_schema {
    atomic_int refcount;
    bool is_static; /* a primitive singleton: never freed */
    kc_type_t type;
    bool optional;
    bool has_version;
    int32_t version;
    char *name;
    char *doc;
    kc_schema_param_t *params;
    size_t param_count;
    kc_value_t *default_value; /* in default_arena, or NULL */
    kc_arena_t *default_arena;
    kc_field_t *fields;
    size_t field_count;
    size_t field_cap;
    kc_schema_t *items;
    kc_schema_t *key;
    kc_schema_t *value;
};

#define KC_STATIC_SCHEMA(t, opt)                                               \
    {                                                                          \
        .refcount = 1, .is_static = true, .type = (t), .optional = (opt)       \
    }

/* Indexed by kc_type_t; [0] is NULL type, never handed out. */
static struct kc_schema kc_schema_required[] = {
    KC_STATIC_SCHEMA(KC_TYPE_NULL, false),
    KC_STATIC_SCHEMA(KC_TYPE_INT8, false),
    KC_STATIC_SCHEMA(KC_TYPE_INT16, false),
    KC_STATIC_SCHEMA(KC_TYPE_INT32, false),
    KC_STATIC_SCHEMA(KC_TYPE_INT64, false),
    KC_STATIC_SCHEMA(KC_TYPE_FLOAT32, false),
    KC_STATIC_SCHEMA(KC_TYPE_FLOAT64, false),
    KC_STATIC_SCHEMA(KC_TYPE_BOOLEAN, false),
    KC_STATIC_SCHEMA(KC_TYPE_STRING, false),
    KC_STATIC_SCHEMA(KC_TYPE_BYTES, false),
};

static struct kc_schema kc_schema_optionals[] = {
    KC_STATIC_SCHEMA(KC_TYPE_NULL, true),
    KC_STATIC_SCHEMA(KC_TYPE_INT8, true),
    KC_STATIC_SCHEMA(KC_TYPE_INT16, true),
    KC_STATIC_SCHEMA(KC_TYPE_INT32, true),
    KC_STATIC_SCHEMA(KC_TYPE_INT64, true),
    KC_STATIC_SCHEMA(KC_TYPE_FLOAT32, true),
    KC_STATIC_SCHEMA(KC_TYPE_FLOAT64, true),
    KC_STATIC_SCHEMA(KC_TYPE_BOOLEAN, true),
    KC_STATIC_SCHEMA(KC_TYPE_STRING, true),
    KC_STATIC_SCHEMA(KC_TYPE_BYTES, true),
};

static const char *const kc_type_names[] = {
    "NULL",    "INT8",   "INT16", "INT32", "INT64", "FLOAT32", "FLOAT64",
    "BOOLEAN", "STRING", "BYTES", "ARRAY", "MAP",   "STRUCT",
};

const char *kc_type_name(kc_type_t type)
{
    if ((unsigned)type >= KC_ARRAY_LEN(kc_type_names)) {
        return "UNKNOWN";
    }
    return kc_type_names[type];
}

bool kc_type_is_primitive(kc_type_t type)
{
    return type >= KC_TYPE_INT8 && type <= KC_TYPE_BYTES;
}

kc_schema_t *kc_schema_new(kc_type_t type)
{
    kc_schema_t *schema = kc_calloc(1, sizeof(*schema));

    kc_assert(type != KC_TYPE_NULL);
    atomic_init(&schema->refcount, 1);
    schema->type = type;
    return schema;
}

kc_schema_t *kc_schema_ref(const kc_schema_t *schema)
{
    kc_schema_t *s = (kc_schema_t *)schema;

    if (s != NULL && !s->is_static) {
        atomic_fetch_add_explicit(&s->refcount, 1, memory_order_relaxed);
    }
    return s;
}

static void kc_schema_free(kc_schema_t *s)
{
    for (size_t i = 0; i < s->param_count; i++) {
        kc_free(s->params[i].key);
        kc_free(s->params[i].value);
    }
    kc_free(s->params);
    for (size_t i = 0; i < s->field_count; i++) {
        kc_free((char *)s->fields[i].name);
        kc_schema_unref(s->fields[i].schema);
    }
    kc_free(s->fields);
    kc_schema_unref(s->items);
    kc_schema_unref(s->key);
    kc_schema_unref(s->value);
    kc_arena_destroy(s->default_arena);
    kc_free(s->name);
    kc_free(s->doc);
    kc_free(s);
}

void kc_schema_unref(const kc_schema_t *schema)
{
    kc_schema_t *s = (kc_schema_t *)schema;

    if (s == NULL || s->is_static) {
        return;
    }
    /* acq_rel: the freeing thread must see every other thread's reads. */
    if (atomic_fetch_sub_explicit(&s->refcount, 1, memory_order_acq_rel) == 1) {
        kc_schema_free(s);
    }
}

void kc_schema_unref_cb(void *schema)
{
    kc_schema_unref(schema);
}

const kc_schema_t *kc_schema_primitive(kc_type_t type, bool optional)
{
    if (!kc_type_is_primitive(type)) {
        return NULL;
    }
    return optional ? &kc_schema_optionals[type] : &kc_schema_required[type];
}

kc_schema_t *kc_schema_decimal_new(int32_t scale)
{
    kc_schema_t *s = kc_schema_new(KC_TYPE_BYTES);
    char buf[16];

    snprintf(buf, sizeof(buf), "%d", (int)scale);
    kc_schema_set_name(s, KC_LOGICAL_DECIMAL_NAME);
    kc_schema_set_param(s, KC_DECIMAL_SCALE_PARAM, buf);
    kc_schema_set_version(s, 1);
    return s;
}

kc_schema_t *kc_schema_date_new(void)
{
    kc_schema_t *s = kc_schema_new(KC_TYPE_INT32);

    kc_schema_set_name(s, KC_LOGICAL_DATE_NAME);
    kc_schema_set_version(s, 1);
    return s;
}

kc_schema_t *kc_schema_time_new(void)
{
    kc_schema_t *s = kc_schema_new(KC_TYPE_INT32);

    kc_schema_set_name(s, KC_LOGICAL_TIME_NAME);
    kc_schema_set_version(s, 1);
    return s;
}

kc_schema_t *kc_schema_timestamp_new(void)
{
    kc_schema_t *s = kc_schema_new(KC_TYPE_INT64);

    kc_schema_set_name(s, KC_LOGICAL_TIMESTAMP_NAME);
    kc_schema_set_version(s, 1);
    return s;
}

void kc_schema_set_optional(kc_schema_t *schema, bool optional)
{
    kc_assert(!schema->is_static);
    schema->optional = optional;
}

void kc_schema_set_name(kc_schema_t *schema, const char *name)
{
    kc_assert(!schema->is_static);
    kc_free(schema->name);
    schema->name = name != NULL ? kc_strdup(name) : NULL;
}

void kc_schema_set_version(kc_schema_t *schema, int32_t version)
{
    kc_assert(!schema->is_static);
    schema->has_version = true;
    schema->version = version;
}

void kc_schema_set_doc(kc_schema_t *schema, const char *doc)
{
    kc_assert(!schema->is_static);
    kc_free(schema->doc);
    schema->doc = doc != NULL ? kc_strdup(doc) : NULL;
}

void kc_schema_set_param(kc_schema_t *schema, const char *key,
                         const char *value)
{
    kc_assert(!schema->is_static);
    for (size_t i = 0; i < schema->param_count; i++) {
        if (strcmp(schema->params[i].key, key) == 0) {
            kc_free(schema->params[i].value);
            schema->params[i].value = kc_strdup(value);
            return;
        }
    }
    schema->params = kc_realloc(schema->params, (schema->param_count + 1) *
                                                    sizeof(*schema->params));
    schema->params[schema->param_count].key = kc_strdup(key);
    schema->params[schema->param_count].value = kc_strdup(value);
    schema->param_count++;
}

kc_err_t kc_schema_set_default(kc_schema_t *schema, const kc_value_t *value,
                               kc_error_t *err)
{
    kc_err_t rc;

    kc_assert(!schema->is_static);
    if (value == NULL || value->type == KC_TYPE_NULL) {
        kc_arena_destroy(schema->default_arena);
        schema->default_arena = NULL;
        schema->default_value = NULL;
        return KC_OK;
    }
    rc = kc_value_validate(schema, value, err);
    if (rc != KC_OK) {
        kc_error_prefix(err, "invalid default value");
        return rc;
    }
    kc_arena_destroy(schema->default_arena);
    schema->default_arena = kc_arena_new(512);
    schema->default_value = kc_value_new(schema->default_arena);
    kc_value_copy(schema->default_arena, schema->default_value, value);
    return KC_OK;
}

kc_err_t kc_schema_add_field_take(kc_schema_t *schema, const char *name,
                                  kc_schema_t *field_schema, kc_error_t *err)
{
    kc_assert(schema->type == KC_TYPE_STRUCT);
    if (kc_schema_field(schema, name) != NULL) {
        return kc_error_set(err, KC_ERR_CONFLICT,
                            "cannot add field \"%s\": a field of that name "
                            "already exists",
                            name);
    }
    if (schema->field_count == schema->field_cap) {
        schema->field_cap = schema->field_cap ? schema->field_cap * 2 : 4;
        schema->fields =
            kc_realloc(schema->fields, schema->field_cap * sizeof(kc_field_t));
    }
    schema->fields[schema->field_count].name = kc_strdup(name);
    schema->fields[schema->field_count].index = (int)schema->field_count;
    schema->fields[schema->field_count].schema = field_schema;
    schema->field_count++;
    return KC_OK;
}

void kc_schema_set_items_take(kc_schema_t *schema, kc_schema_t *items)
{
    kc_assert(schema->type == KC_TYPE_ARRAY);
    kc_schema_unref(schema->items);
    schema->items = items;
}

void kc_schema_set_map_take(kc_schema_t *schema, kc_schema_t *key,
                            kc_schema_t *value)
{
    kc_assert(schema->type == KC_TYPE_MAP);
    kc_schema_unref(schema->key);
    kc_schema_unref(schema->value);
    schema->key = key;
    schema->value = value;
}

kc_type_t kc_schema_type(const kc_schema_t *schema)
{
    return schema->type;
}

bool kc_schema_optional(const kc_schema_t *schema)
{
    return schema->optional;
}

const char *kc_schema_name(const kc_schema_t *schema)
{
    return schema->name;
}

bool kc_schema_has_version(const kc_schema_t *schema)
{
    return schema->has_version;
}

int32_t kc_schema_version(const kc_schema_t *schema)
{
    return schema->version;
}

const char *kc_schema_doc(const kc_schema_t *schema)
{
    return schema->doc;
}

const char *kc_schema_param(const kc_schema_t *schema, const char *key)
{
    for (size_t i = 0; i < schema->param_count; i++) {
        if (strcmp(schema->params[i].key, key) == 0) {
            return schema->params[i].value;
        }
    }
    return NULL;
}

size_t kc_schema_param_count(const kc_schema_t *schema)
{
    return schema->param_count;
}

void kc_schema_param_at(const kc_schema_t *schema, size_t i, const char **key,
                        const char **value)
{
    kc_assert(i < schema->param_count);
    *key = schema->params[i].key;
    *value = schema->params[i].value;
}

const kc_value_t *kc_schema_default(const kc_schema_t *schema)
{
    return schema->default_value;
}

kc_logical_t kc_schema_logical(const kc_schema_t *schema)
{
    const char *name = schema->name;

    if (name == NULL) {
        return KC_LOGICAL_NONE;
    }
    if (schema->type == KC_TYPE_BYTES &&
        strcmp(name, KC_LOGICAL_DECIMAL_NAME) == 0) {
        return KC_LOGICAL_DECIMAL;
    }
    if (schema->type == KC_TYPE_INT32 &&
        strcmp(name, KC_LOGICAL_DATE_NAME) == 0) {
        return KC_LOGICAL_DATE;
    }
    if (schema->type == KC_TYPE_INT32 &&
        strcmp(name, KC_LOGICAL_TIME_NAME) == 0) {
        return KC_LOGICAL_TIME;
    }
    if (schema->type == KC_TYPE_INT64 &&
        strcmp(name, KC_LOGICAL_TIMESTAMP_NAME) == 0) {
        return KC_LOGICAL_TIMESTAMP;
    }
    return KC_LOGICAL_NONE;
}

int32_t kc_schema_decimal_scale(const kc_schema_t *schema)
{
    const char *s = kc_schema_param(schema, KC_DECIMAL_SCALE_PARAM);

    if (s == NULL) {
        return 0;
    }
    return (int32_t)strtol(s, NULL, 10);
}

size_t kc_schema_field_count(const kc_schema_t *schema)
{
    return schema->field_count;
}

const kc_field_t *kc_schema_field_at(const kc_schema_t *schema, size_t i)
{
    return i < schema->field_count ? &schema->fields[i] : NULL;
}

const kc_field_t *kc_schema_field(const kc_schema_t *schema, const char *name)
{
    for (size_t i = 0; i < schema->field_count; i++) {
        if (strcmp(schema->fields[i].name, name) == 0) {
            return &schema->fields[i];
        }
    }
    return NULL;
}

const kc_schema_t *kc_schema_items(const kc_schema_t *schema)
{
    return schema->items;
}

const kc_schema_t *kc_schema_key(const kc_schema_t *schema)
{
    return schema->key;
}

const kc_schema_t *kc_schema_value(const kc_schema_t *schema)
{
    return schema->value;
}

static bool kc_str_eq_null(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return strcmp(a, b) == 0;
}

static bool kc_schema_params_equal(const kc_schema_t *a, const kc_schema_t *b)
{
    /* Java compares the maps: order does not matter. */
    if (a->param_count != b->param_count) {
        return false;
    }
    for (size_t i = 0; i < a->param_count; i++) {
        const char *v = kc_schema_param(b, a->params[i].key);

        if (v == NULL || strcmp(v, a->params[i].value) != 0) {
            return false;
        }
    }
    return true;
}

bool kc_schema_equals(const kc_schema_t *a, const kc_schema_t *b)
{
    if (a == b) {
        return true;
    }
    if (a == NULL || b == NULL) {
        return false;
    }
    if (a->type != b->type || a->optional != b->optional ||
        a->has_version != b->has_version ||
        (a->has_version && a->version != b->version) ||
        !kc_str_eq_null(a->name, b->name) || !kc_str_eq_null(a->doc, b->doc) ||
        !kc_schema_params_equal(a, b)) {
        return false;
    }
    if ((a->default_value == NULL) != (b->default_value == NULL)) {
        return false;
    }
    if (a->default_value != NULL &&
        !kc_value_equals(a->default_value, b->default_value)) {
        return false;
    }
    if (a->field_count != b->field_count) {
        return false;
    }
    for (size_t i = 0; i < a->field_count; i++) {
        if (strcmp(a->fields[i].name, b->fields[i].name) != 0 ||
            !kc_schema_equals(a->fields[i].schema, b->fields[i].schema)) {
            return false;
        }
    }
    return kc_schema_equals(a->items, b->items) &&
           kc_schema_equals(a->key, b->key) &&
           kc_schema_equals(a->value, b->value);
}
