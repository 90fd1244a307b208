/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A converter that only a plugin.path provides: the record's bytes as a
 * schemaless BYTES value and back (what Apache's ByteArrayConverter does,
 * under a class name no built-in has). The e2e tests name it as a
 * worker's converter to see that the worker file check loads plugin.path
 * first (test_worker_cli.py).
 */
#include <kconnect/kconnect.h>

static kc_err_t kc_raw_configure(void **ctx, const kc_props_t *config,
                                 bool is_key, kc_error_t *err)
{
    (void)config;
    (void)is_key;
    (void)err;
    *ctx = NULL;
    return KC_OK;
}

static kc_err_t kc_raw_from_connect(void *ctx, const char *topic,
                                    const char *header,
                                    const kc_schema_t *schema,
                                    const kc_value_t *value, kc_buf_t *out,
                                    bool *is_null, kc_error_t *err)
{
    (void)ctx;
    (void)topic;
    (void)header;
    (void)schema;
    *is_null = value == NULL || value->type == KC_TYPE_NULL;
    if (*is_null) {
        return KC_OK;
    }
    if (value->type != KC_TYPE_BYTES) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "RawBytesConverter writes only bytes, not %s",
                            kc_type_name(value->type));
    }
    return kc_buf_append(out, value->u.bytes.data, value->u.bytes.len);
}

static kc_err_t kc_raw_to_connect(void *ctx, const char *topic,
                                  const char *header, const uint8_t *data,
                                  size_t len, kc_arena_t *arena,
                                  const kc_schema_t **schema, kc_value_t *value,
                                  kc_error_t *err)
{
    (void)ctx;
    (void)topic;
    (void)header;
    (void)err;
    *schema = NULL;
    if (data == NULL) {
        kc_value_set_null(value);
    } else {
        kc_value_set_bytes(arena, value, data, len);
    }
    return KC_OK;
}

static void kc_raw_destroy(void *ctx)
{
    (void)ctx;
}

static const struct kc_converter_plugin kc_raw_converter = {
    KC_PLUGIN_INIT(struct kc_converter_plugin),
    .name = "RawBytesConverter",
    .class_name = "io.kconnect.test.RawBytesConverter",
    .version = "1.0.0",
    .configure = kc_raw_configure,
    .from_connect = kc_raw_from_connect,
    .to_connect = kc_raw_to_connect,
    .destroy = kc_raw_destroy,
};

KC_EXPORT kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err);

kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err)
{
    return kc_registry_add(reg, KC_PLUGIN_CONVERTER, &kc_raw_converter, err);
}
