/* SPDX-License-Identifier: Apache-2.0 */
/*
 * InsertField$Key / $Value: add fields from the record's metadata (topic,
 * partition, offset, timestamp) or a static string. A name suffixed `!`
 * makes the field required in the derived schema, `?` (the default)
 * optional.
 */
#include "kc_internal.h"

#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"

#define KC_PURPOSE "field insertion"

enum {
    KC_INS_TOPIC,
    KC_INS_PARTITION,
    KC_INS_OFFSET,
    KC_INS_TIMESTAMP,
    KC_INS_STATIC,
    KC_INS_COUNT
};

typedef struct kc_insert_spec {
    char *name; /* NULL: not inserted */
    bool optional;
} kc_insert_spec_t;

typedef struct kc_insert_field {
    kc_tx_side_t side;
    kc_config_t *config;
    kc_insert_spec_t spec[KC_INS_COUNT];
    const char *static_value;
    bool with_default;
    kc_tx_schema_cache_t cache;
} kc_insert_field_t;

static const char *const kc_insert_keys[KC_INS_COUNT] = {
    "topic.field", "partition.field", "offset.field", "timestamp.field",
    "static.field"};

#define KC_OPTIONALITY_DOC                                                     \
    " Suffix with <code>!</code> to make this a required field, or "           \
    "<code>?</code> to keep it optional (the default)."

static const kc_config_def_t kc_insert_field_defs[] = {
    {.name = "topic.field",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Field name for Kafka topic." KC_OPTIONALITY_DOC},
    {.name = "partition.field",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Field name for Kafka partition." KC_OPTIONALITY_DOC},
    {.name = "offset.field",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Field name for Kafka offset - only applicable to sink "
            "connectors.<br/>" KC_OPTIONALITY_DOC},
    {.name = "timestamp.field",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Field name for record timestamp." KC_OPTIONALITY_DOC},
    {.name = "static.field",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Field name for static data field." KC_OPTIONALITY_DOC},
    {.name = "static.value",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Static field value, if field name configured."},
    KC_TX_DEF_REPLACE_NULL,
    {.name = NULL}};

static void kc_insert_field_destroy(void *ctx)
{
    kc_insert_field_t *t = ctx;

    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < KC_INS_COUNT; i++) {
        kc_free(t->spec[i].name);
    }
    kc_tx_cache_release(&t->cache);
    kc_config_destroy(t->config);
    kc_free(t);
}

/* InsertionSpec.parse */
static void kc_insert_parse(const char *text, kc_insert_spec_t *spec)
{
    size_t n;

    if (text == NULL) {
        return;
    }
    n = strlen(text);
    spec->optional = true;
    if (n > 0 && (text[n - 1] == '?' || text[n - 1] == '!')) {
        spec->optional = text[n - 1] == '?';
        n--;
    }
    spec->name = kc_strndup(text, n);
}

static kc_err_t kc_insert_field_configure(void **ctx, const kc_props_t *props,
                                          kc_tx_side_t side, kc_error_t *err)
{
    kc_insert_field_t *t;
    kc_config_t *config = kc_tx_config(kc_insert_field_defs, props, err);
    bool any = false;

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    t = kc_calloc(1, sizeof(*t));
    t->side = side;
    t->config = config;
    for (size_t i = 0; i < KC_INS_COUNT; i++) {
        kc_insert_parse(kc_config_string(config, kc_insert_keys[i]),
                        &t->spec[i]);
        any = any || t->spec[i].name != NULL;
    }
    t->static_value = kc_config_string(config, "static.value");
    t->with_default = kc_config_bool(config, "replace.null.with.default");
    if (!any) {
        kc_insert_field_destroy(t);
        return kc_error_set(err, KC_ERR_INVALID,
                            "No field insertion configured");
    }
    if (t->spec[KC_INS_STATIC].name != NULL && t->static_value == NULL) {
        kc_error_set(err, KC_ERR_INVALID,
                     "Invalid value null for configuration static.value: No "
                     "value specified for static field: %s",
                     kc_config_string(config, "static.field"));
        kc_insert_field_destroy(t);
        return KC_ERR_INVALID;
    }
    *ctx = t;
    return KC_OK;
}

static const kc_schema_t *
kc_insert_schema(kc_insert_field_t *t, const kc_schema_t *in, kc_error_t *err)
{
    const kc_schema_t *out = kc_tx_cache_get(&t->cache, in);
    kc_schema_t *b;
    kc_err_t rc = KC_OK;

    if (out != NULL) {
        return out;
    }
    b = kc_tx_struct_copy_basics(in);
    for (size_t i = 0; i < kc_schema_field_count(in) && rc == KC_OK; i++) {
        const kc_field_t *f = kc_schema_field_at(in, i);

        rc = kc_tx_add_field(b, f->name, f->schema, err);
    }
    for (size_t i = 0; i < KC_INS_COUNT && rc == KC_OK; i++) {
        const kc_insert_spec_t *spec = &t->spec[i];
        kc_schema_t *fs;

        if (spec->name == NULL) {
            continue;
        }
        switch (i) {
        case KC_INS_PARTITION:
            fs = kc_schema_ref(
                kc_schema_primitive(KC_TYPE_INT32, spec->optional));
            break;
        case KC_INS_OFFSET:
            fs = kc_schema_ref(
                kc_schema_primitive(KC_TYPE_INT64, spec->optional));
            break;
        case KC_INS_TIMESTAMP:
            fs = kc_schema_timestamp_new();
            kc_schema_set_optional(fs, spec->optional);
            break;
        default:
            fs = kc_schema_ref(
                kc_schema_primitive(KC_TYPE_STRING, spec->optional));
            break;
        }
        rc = kc_tx_add_field(b, spec->name, fs, err);
        kc_schema_unref(fs);
    }
    if (rc != KC_OK) {
        kc_schema_unref(b);
        return NULL;
    }
    return kc_tx_cache_put_take(&t->cache, in, b);
}

/* The inserted values, null where the record has none. */
static kc_err_t kc_insert_values(const kc_insert_field_t *t,
                                 const kc_record_t *rec, bool with_schema,
                                 kc_value_t vals[KC_INS_COUNT], kc_error_t *err)
{
    memset(vals, 0, sizeof(kc_value_t) * KC_INS_COUNT);
    if (t->spec[KC_INS_TOPIC].name != NULL && rec->topic != NULL) {
        kc_value_set_string_ref(&vals[KC_INS_TOPIC], rec->topic,
                                strlen(rec->topic));
    }
    if (t->spec[KC_INS_PARTITION].name != NULL && rec->partition >= 0) {
        kc_value_set_int(&vals[KC_INS_PARTITION], KC_TYPE_INT32,
                         rec->partition);
    }
    if (t->spec[KC_INS_OFFSET].name != NULL) {
        if (rec->offset < 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Only SinkRecord supported for [%s], found: "
                                "org.apache.kafka.connect.source.SourceRecord",
                                KC_PURPOSE);
        }
        kc_value_set_int(&vals[KC_INS_OFFSET], KC_TYPE_INT64, rec->offset);
    }
    if (t->spec[KC_INS_TIMESTAMP].name != NULL && rec->timestamp >= 0) {
        /* With a schema the field is a Timestamp (a java.util.Date). */
        KC_UNUSED(with_schema);
        kc_value_set_int(&vals[KC_INS_TIMESTAMP], KC_TYPE_INT64,
                         rec->timestamp);
    }
    if (t->spec[KC_INS_STATIC].name != NULL) {
        kc_value_set_string_ref(&vals[KC_INS_STATIC], t->static_value,
                                strlen(t->static_value));
    }
    return KC_OK;
}

static kc_err_t kc_insert_field_apply(void *ctx, kc_record_t *rec,
                                      kc_arena_t *arena, bool *drop,
                                      kc_error_t *err)
{
    kc_insert_field_t *t = ctx;
    const kc_schema_t **schema = kc_tx_schema_slot(rec, t->side);
    kc_value_t *value = kc_tx_value_slot(rec, t->side);
    kc_value_t vals[KC_INS_COUNT];
    kc_value_t out;

    KC_UNUSED(drop);
    if (value->type == KC_TYPE_NULL) {
        return KC_OK;
    }
    if (*schema == NULL) {
        kc_tx_map_t map;

        if (kc_tx_require_map(value, KC_PURPOSE, err) != KC_OK ||
            kc_insert_values(t, rec, false, vals, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        kc_tx_map_init(arena, &map, value->u.map.len + KC_INS_COUNT);
        kc_tx_map_copy(arena, &map, value);
        for (size_t i = 0; i < KC_INS_COUNT; i++) {
            /* Absent metadata is not inserted at all without a schema. */
            if (t->spec[i].name != NULL && vals[i].type != KC_TYPE_NULL) {
                kc_tx_map_put(arena, &map, t->spec[i].name, &vals[i]);
            }
        }
        /* Apache: new HashMap<>(value), then the puts. */
        kc_tx_map_finish_hashmap(
            arena, &map, kc_java_hashmap_copy_table(value->u.map.len), &out);
        *value = out;
        return KC_OK;
    } else {
        const kc_schema_t *in;
        const kc_schema_t *ns;
        size_t n;

        if (kc_tx_require_struct(value, KC_PURPOSE, err) != KC_OK ||
            kc_insert_values(t, rec, true, vals, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        in = value->u.st.schema;
        ns = kc_insert_schema(t, in, err);
        if (ns == NULL) {
            return KC_ERR_INVALID;
        }
        kc_tx_pin_schema(arena, ns);
        kc_value_set_struct(arena, &out, ns);
        n = kc_schema_field_count(in);
        for (size_t i = 0; i < n; i++) {
            out.u.st.fields[i] = *kc_tx_struct_get(value, i, t->with_default);
        }
        for (size_t i = 0; i < KC_INS_COUNT; i++) {
            if (t->spec[i].name != NULL) {
                *kc_value_struct_get(&out, t->spec[i].name) = vals[i];
            }
        }
        *schema = ns;
        *value = out;
        return KC_OK;
    }
}

KC_TX_KEY_VALUE_PLUGINS(kc_insert_field, "InsertField", kc_insert_field_defs,
                        kc_insert_field_configure, kc_insert_field_apply,
                        kc_insert_field_destroy);
