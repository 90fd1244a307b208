/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Apache's primitive converters (org.apache.kafka.connect.converters.
 * {Boolean,Short,Integer,Long,Float,Double}Converter): the byte formats of
 * the Kafka client serializers (big-endian two's complement, IEEE 754 bit
 * patterns, one byte 0/1 for booleans), null both ways, and Apache's
 * DataException texts. Usable as key, value and header converters.
 */
#include "kc_internal.h"

#include "converters/kc_converters.h"

typedef struct kc_number_kind {
    kc_type_t type;
    size_t size;
    const char *type_name;    /* NumberConverter's typeName */
    const char *deserializer; /* named in Apache's size message */
} kc_number_kind_t;

/*
 * The deserializer names are what the client's byte[] paths print: Double
 * and Float say plain "Deserializer" there.
 */
static const kc_number_kind_t kc_number_kinds[] = {
    {KC_TYPE_INT16, 2, "short", "ShortDeserializer"},
    {KC_TYPE_INT32, 4, "integer", "IntegerDeserializer"},
    {KC_TYPE_INT64, 8, "long", "LongDeserializer"},
    {KC_TYPE_FLOAT32, 4, "float", "Deserializer"},
    {KC_TYPE_FLOAT64, 8, "double", "Deserializer"},
    {KC_TYPE_BOOLEAN, 1, "boolean", "BooleanDeserializer"},
};

static const kc_config_def_t kc_number_converter_config[] = {
    KC_CONVERTER_TYPE_ROW, {.name = NULL}};

/*
 * The Java class of the value Apache's runtime would hand the converter,
 * for its ClassCastException texts.
 */
static const char *kc_number_java_class(const kc_schema_t *schema,
                                        const kc_value_t *value)
{
    const char *name = schema != NULL ? kc_schema_name(schema) : NULL;

    if (name != NULL) {
        if (strcmp(name, KC_LOGICAL_DECIMAL_NAME) == 0) {
            return "java.math.BigDecimal";
        }
        if (strcmp(name, KC_LOGICAL_DATE_NAME) == 0 ||
            strcmp(name, KC_LOGICAL_TIME_NAME) == 0 ||
            strcmp(name, KC_LOGICAL_TIMESTAMP_NAME) == 0) {
            return "java.util.Date";
        }
    }
    switch (value->type) {
    case KC_TYPE_INT8:
        return "java.lang.Byte";
    case KC_TYPE_INT16:
        return "java.lang.Short";
    case KC_TYPE_INT32:
        return "java.lang.Integer";
    case KC_TYPE_INT64:
        return "java.lang.Long";
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
    case KC_TYPE_NULL:
        break;
    }
    return "java.lang.Object";
}

static bool kc_number_is_logical(const kc_schema_t *schema)
{
    const char *name = schema != NULL ? kc_schema_name(schema) : NULL;

    return name != NULL && (strcmp(name, KC_LOGICAL_DECIMAL_NAME) == 0 ||
                            strcmp(name, KC_LOGICAL_DATE_NAME) == 0 ||
                            strcmp(name, KC_LOGICAL_TIME_NAME) == 0 ||
                            strcmp(name, KC_LOGICAL_TIMESTAMP_NAME) == 0);
}

static kc_err_t kc_number_configure(void **ctx, const kc_props_t *config,
                                    bool is_key, kc_error_t *err)
{
    KC_UNUSED(config);
    KC_UNUSED(is_key);
    KC_UNUSED(err);
    /* The serializers have no settings; the context only says which kind. */
    kc_assert(*ctx != NULL);
    return KC_OK;
}

static void kc_put_be(kc_buf_t *out, uint64_t bits, size_t size, kc_err_t *rc)
{
    uint8_t b[8];

    for (size_t i = 0; i < size; i++) {
        b[i] = (uint8_t)(bits >> (8 * (size - 1 - i)));
    }
    *rc = kc_buf_append(out, b, size);
}

static kc_err_t kc_number_from_connect(const kc_number_kind_t *kind,
                                       const kc_schema_t *schema,
                                       const kc_value_t *value, kc_buf_t *out,
                                       bool *is_null, kc_error_t *err)
{
    kc_err_t rc = KC_OK;
    uint64_t bits;

    *is_null = false;
    if (kind->type == KC_TYPE_BOOLEAN && schema != NULL &&
        kc_schema_type(schema) != KC_TYPE_BOOLEAN) {
        /* Only BooleanConverter looks at the schema. */
        return kc_error_set(err, KC_ERR_INVALID,
                            "Invalid schema type for BooleanConverter: %s",
                            kc_type_name(kc_schema_type(schema)));
    }
    if (value == NULL || value->type == KC_TYPE_NULL) {
        *is_null = true;
        return KC_OK;
    }
    if (value->type != kind->type || kc_number_is_logical(schema)) {
        if (kind->type == KC_TYPE_BOOLEAN) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "BooleanConverter is not compatible with "
                                "objects of type class %s",
                                kc_number_java_class(schema, value));
        }
        return kc_error_set(
            err, KC_ERR_INVALID,
            "Failed to serialize to %s (was class %s): ", kind->type_name,
            kc_number_java_class(schema, value));
    }
    switch (kind->type) {
    case KC_TYPE_BOOLEAN:
        bits = value->u.b ? 1 : 0;
        break;
    case KC_TYPE_FLOAT32: {
        float f = (float)value->u.f;
        uint32_t b32;

        memcpy(&b32, &f, sizeof(b32));
        bits = b32;
        break;
    }
    case KC_TYPE_FLOAT64:
        memcpy(&bits, &value->u.f, sizeof(bits));
        break;
    default:
        bits = (uint64_t)value->u.i;
        break;
    }
    kc_put_be(out, bits, kind->size, &rc);
    return rc;
}

static kc_err_t kc_number_to_connect(const kc_number_kind_t *kind,
                                     const uint8_t *data, size_t len,
                                     const kc_schema_t **schema,
                                     kc_value_t *value, kc_error_t *err)
{
    uint64_t bits = 0;
    const char *what =
        kind->type == KC_TYPE_BOOLEAN ? "boolean" : kind->type_name;

    *schema = kc_schema_primitive(kind->type, true);
    if (data == NULL) {
        kc_value_set_null(value);
        return KC_OK;
    }
    /*
     * Apache's DataException ends in ": " and carries the serializer's
     * exception as its cause; the cause's text follows here so the one
     * message says what was wrong.
     */
    if (len != kind->size) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Failed to deserialize %s: Size of data received "
                            "by %s is not %zu",
                            what, kind->deserializer, kind->size);
    }
    for (size_t i = 0; i < len; i++) {
        bits = (bits << 8) | data[i];
    }
    switch (kind->type) {
    case KC_TYPE_BOOLEAN:
        if (bits > 1) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Failed to deserialize boolean: Unexpected "
                                "byte received by BooleanDeserializer: %d",
                                (int)(int8_t)data[0]);
        }
        kc_value_set_bool(value, bits == 1);
        break;
    case KC_TYPE_FLOAT32: {
        uint32_t b32 = (uint32_t)bits;
        float f;

        memcpy(&f, &b32, sizeof(f));
        kc_value_set_float(value, KC_TYPE_FLOAT32, f);
        break;
    }
    case KC_TYPE_FLOAT64: {
        double d;

        memcpy(&d, &bits, sizeof(d));
        kc_value_set_float(value, KC_TYPE_FLOAT64, d);
        break;
    }
    case KC_TYPE_INT16:
        kc_value_set_int(value, kind->type, (int16_t)(uint16_t)bits);
        break;
    case KC_TYPE_INT32:
        kc_value_set_int(value, kind->type, (int32_t)(uint32_t)bits);
        break;
    default:
        kc_value_set_int(value, kind->type, (int64_t)bits);
        break;
    }
    return KC_OK;
}

static void kc_number_destroy(void *ctx)
{
    KC_UNUSED(ctx);
}

/* One configure/from/to triple per kind; the context is the kind's row. */
#define KC_NUMBER_CONVERTER(var, idx, java)                                    \
    static kc_err_t var##_configure(void **ctx, const kc_props_t *config,      \
                                    bool is_key, kc_error_t *err)              \
    {                                                                          \
        *ctx = (void *)&kc_number_kinds[idx];                                  \
        return kc_number_configure(ctx, config, is_key, err);                  \
    }                                                                          \
    static kc_err_t var##_from(void *ctx, const char *topic,                   \
                               const char *header, const kc_schema_t *schema,  \
                               const kc_value_t *value, kc_buf_t *out,         \
                               bool *is_null, kc_error_t *err)                 \
    {                                                                          \
        KC_UNUSED(topic);                                                      \
        KC_UNUSED(header);                                                     \
        return kc_number_from_connect(ctx, schema, value, out, is_null, err);  \
    }                                                                          \
    static kc_err_t var##_to(void *ctx, const char *topic, const char *header, \
                             const uint8_t *data, size_t len,                  \
                             kc_arena_t *arena, const kc_schema_t **schema,    \
                             kc_value_t *value, kc_error_t *err)               \
    {                                                                          \
        KC_UNUSED(topic);                                                      \
        KC_UNUSED(header);                                                     \
        KC_UNUSED(arena);                                                      \
        return kc_number_to_connect(ctx, data, len, schema, value, err);       \
    }                                                                          \
    const struct kc_converter_plugin var = {                                   \
        KC_PLUGIN_INIT(struct kc_converter_plugin),                            \
        .name = java,                                                          \
        .class_name = "org.apache.kafka.connect.converters." java,             \
        .aliases = NULL,                                                       \
        .version = KC_APACHE_VERSION,                                          \
        .config_def = kc_number_converter_config,                              \
        .configure = var##_configure,                                          \
        .from_connect = var##_from,                                            \
        .to_connect = var##_to,                                                \
        .destroy = kc_number_destroy,                                          \
    }

KC_NUMBER_CONVERTER(kc_short_converter_plugin, 0, "ShortConverter");
KC_NUMBER_CONVERTER(kc_integer_converter_plugin, 1, "IntegerConverter");
KC_NUMBER_CONVERTER(kc_long_converter_plugin, 2, "LongConverter");
KC_NUMBER_CONVERTER(kc_float_converter_plugin, 3, "FloatConverter");
KC_NUMBER_CONVERTER(kc_double_converter_plugin, 4, "DoubleConverter");
KC_NUMBER_CONVERTER(kc_boolean_converter_plugin, 5, "BooleanConverter");
