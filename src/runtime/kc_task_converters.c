/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Converter selection and configuration for a task.
 */
#include "kc_internal.h"

#include "runtime/kc_task_converters.h"

#include "plugins/kc_registry.h"
#include "util/kc_str.h"

#define LOGGER "org.apache.kafka.connect.runtime.Worker"

/*
 * Make one converter from the config that names it: @p connector when it
 * sets @p key, else @p worker. @p optional: a missing default is not an
 * error (the header converter falls back to raw bytes).
 */
static kc_err_t make_one(const kc_registry_t *reg, const kc_props_t *worker,
                         const kc_props_t *connector, const char *key,
                         bool is_key, bool header,
                         const struct kc_converter_plugin **plugin, void **ctx,
                         kc_error_t *err)
{
    const kc_props_t *src = connector;
    const char *cls = kc_props_get(connector, key);
    char *prefix;
    kc_props_t *sub;
    kc_err_t rc;
    const struct kc_converter_plugin *p = NULL;

    if (cls == NULL || *cls == '\0') {
        src = worker;
        cls = kc_props_get(worker, key);
    }
    if (cls == NULL || *cls == '\0') {
        if (header) {
            cls = "org.apache.kafka.connect.storage.SimpleHeaderConverter";
        } else {
            return kc_error_set(err, KC_ERR_INVALID,
                                "missing required configuration \"%s\" "
                                "which has no default value",
                                key);
        }
    }
    if (header) {
        p = kc_registry_find(reg, KC_PLUGIN_HEADER_CONVERTER, cls);
    }
    if (p == NULL) {
        p = kc_registry_find(reg, KC_PLUGIN_CONVERTER, cls);
    }
    if (p == NULL) {
        if (header && src == worker && kc_props_get(worker, key) == NULL) {
            kc_log_warn(LOGGER,
                        "header converter %s is not available: headers are "
                        "written as raw string/bytes",
                        cls);
            *plugin = NULL;
            return KC_OK;
        }
        return kc_error_set(err, KC_ERR_NOT_FOUND,
                            "invalid value %s for configuration %s: class "
                            "%s could not be found",
                            cls, key, cls);
    }
    prefix = kc_asprintf("%s.", key);
    sub = kc_props_with_prefix(src, prefix);
    kc_free(prefix);
    /* Apache tells the converter which role it plays. */
    if (kc_props_get(sub, "converter.type") == NULL) {
        kc_props_set(sub, "converter.type",
                     header ? "header" : (is_key ? "key" : "value"));
    }
    *ctx = NULL;
    rc = p->configure(ctx, sub, is_key, err);
    kc_props_destroy(sub);
    if (rc != KC_OK) {
        kc_error_prefix(err, "could not configure %s %s", key, cls);
        return rc;
    }
    *plugin = p;
    return KC_OK;
}

kc_err_t kc_task_converters_init(kc_task_converters_t *conv,
                                 const kc_registry_t *reg,
                                 const kc_props_t *worker,
                                 const kc_props_t *connector, kc_error_t *err)
{
    memset(conv, 0, sizeof(*conv));
    if (make_one(reg, worker, connector, "key.converter", true, false,
                 &conv->key, &conv->key_ctx, err) != KC_OK ||
        make_one(reg, worker, connector, "value.converter", false, false,
                 &conv->value, &conv->value_ctx, err) != KC_OK ||
        make_one(reg, worker, connector, "header.converter", false, true,
                 &conv->header, &conv->header_ctx, err) != KC_OK) {
        kc_task_converters_release(conv);
        return err != NULL ? err->code : KC_ERR;
    }
    return KC_OK;
}

void kc_task_converters_release(kc_task_converters_t *conv)
{
    if (conv->key != NULL && conv->key->destroy != NULL) {
        conv->key->destroy(conv->key_ctx);
    }
    if (conv->value != NULL && conv->value->destroy != NULL) {
        conv->value->destroy(conv->value_ctx);
    }
    if (conv->header != NULL && conv->header->destroy != NULL) {
        conv->header->destroy(conv->header_ctx);
    }
    memset(conv, 0, sizeof(*conv));
}

kc_err_t kc_task_converters_header_out(kc_task_converters_t *conv,
                                       const char *topic,
                                       const kc_header_t *hdr, kc_buf_t *out,
                                       bool *is_null, kc_error_t *err)
{
    *is_null = false;
    if (conv->header != NULL) {
        return conv->header->from_connect(conv->header_ctx, topic, hdr->key,
                                          hdr->schema, &hdr->value, out,
                                          is_null, err);
    }
    switch (hdr->value.type) {
    case KC_TYPE_NULL:
        *is_null = true;
        return KC_OK;
    case KC_TYPE_STRING:
        return kc_buf_append(out, hdr->value.u.str.data, hdr->value.u.str.len);
    case KC_TYPE_BYTES:
        return kc_buf_append(out, hdr->value.u.bytes.data,
                             hdr->value.u.bytes.len);
    default:
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not convert header \"%s\": no header "
                            "converter for %s values",
                            hdr->key, kc_type_name(hdr->value.type));
    }
}

kc_err_t kc_task_converters_header_in(kc_task_converters_t *conv,
                                      const char *topic, const char *key,
                                      const uint8_t *data, size_t len,
                                      kc_arena_t *arena,
                                      const kc_schema_t **schema,
                                      kc_value_t *value, kc_error_t *err)
{
    if (conv->header != NULL) {
        return conv->header->to_connect(conv->header_ctx, topic, key, data, len,
                                        arena, schema, value, err);
    }
    *schema = NULL;
    if (data == NULL) {
        kc_value_set_null(value);
    } else {
        kc_value_set_string(arena, value, (const char *)data, len);
    }
    return KC_OK;
}
