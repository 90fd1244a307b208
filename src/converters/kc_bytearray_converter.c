/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ByteArrayConverter (org.apache.kafka.connect.converters.
 * ByteArrayConverter): passes BYTES through unchanged.
 */
#include "kc_internal.h"

#include "data/kc_value_text.h"

#include "converters/kc_converters.h"

static kc_err_t kc_bytearray_configure(void **ctx, const kc_props_t *config,
                                       bool is_key, kc_error_t *err)
{
    /* Stateless; a non-NULL context keeps "configured" distinguishable. */
    static int kc_bytearray_ctx;

    *ctx = &kc_bytearray_ctx;
    return KC_OK;
}

static kc_err_t
kc_bytearray_from_connect(void *ctx, const char *topic, const char *header,
                          const kc_schema_t *schema, const kc_value_t *value,
                          kc_buf_t *out, bool *is_null, kc_error_t *err)
{
    *is_null = false;
    if (schema != NULL && kc_schema_type(schema) != KC_TYPE_BYTES) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Invalid schema type for ByteArrayConverter: %s",
                            kc_type_name(kc_schema_type(schema)));
    }
    if (value == NULL || value->type == KC_TYPE_NULL) {
        *is_null = true;
        return KC_OK;
    }
    if (value->type != KC_TYPE_BYTES) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "ByteArrayConverter is not compatible with "
                            "objects of type class %s",
                            kc_value_java_class(value));
    }
    return kc_buf_append(out, value->u.bytes.data, value->u.bytes.len);
}

static kc_err_t kc_bytearray_to_connect(void *ctx, const char *topic,
                                        const char *header, const uint8_t *data,
                                        size_t len, kc_arena_t *arena,
                                        const kc_schema_t **schema,
                                        kc_value_t *value, kc_error_t *err)
{
    *schema = kc_schema_primitive(KC_TYPE_BYTES, true);
    if (data == NULL) {
        kc_value_set_null(value);
        return KC_OK;
    }
    /* Borrowing would be faster, but the message may be freed before the
     * batch's arena; one copy per record keeps the contract simple. */
    kc_value_set_bytes(arena, value, data, len);
    return KC_OK;
}

static void kc_bytearray_destroy(void *ctx)
{
}

static const kc_config_def_t kc_bytearray_config[] = {KC_CONVERTER_TYPE_ROW,
                                                      {.name = NULL}};

const struct kc_converter_plugin kc_bytearray_converter_plugin = {
    KC_PLUGIN_INIT(struct kc_converter_plugin),
    .name = "ByteArrayConverter",
    .class_name = "org.apache.kafka.connect.converters.ByteArrayConverter",
    .aliases = NULL,
    .version = KC_APACHE_VERSION,
    .config_def = kc_bytearray_config,
    .configure = kc_bytearray_configure,
    .from_connect = kc_bytearray_from_connect,
    .to_connect = kc_bytearray_to_connect,
    .destroy = kc_bytearray_destroy,
};
