/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JsonConverter (org.apache.kafka.connect.json.JsonConverter): Connect
 * data <-> JSON, with or without the {"schema":..,"payload":..} envelope.
 * This file holds its settings and lifecycle; the writer is
 * kc_json_writer.c, the reader kc_json_reader.c (kc_json_converter_int.h).
 *
 * Schema JSON is cached per schema (schemas are immutable; the cache holds
 * a reference); parsed schemas are cached per schema text.
 */
#include "kc_internal.h"

#include "converters/kc_json_converter_int.h"

#include "util/kc_str.h"

/* ---- lifecycle ------------------------------------------------------ */

/* In the order Apache's validation message lists them. */
static const char *const kc_json_decimal_formats[] = {"NUMERIC", "BASE64",
                                                      NULL};

/* The converter's settings, bound from its table (kc_config_bind). */
typedef struct kc_json_conf {
    bool schemas_enable;
    int32_t schemas_cache_size;
    char *decimal_format; /* BASE64 or NUMERIC, any case */
    bool replace_null_with_default;
} kc_json_conf_t;

static const kc_config_def_t kc_json_converter_config[] = {
    KC_CONVERTER_TYPE_ROW,
    {.name = "schemas.enable",
     .type = KC_CFG_BOOLEAN,
     .default_value = "true",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Include schemas within each of the serialized values and keys.",
     .group = "Schemas",
     .display_name = "Enable Schemas",
     .flags = KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(0),
     KC_CFG_BIND(kc_json_conf_t, schemas_enable)},
    {.name = "schemas.cache.size",
     .type = KC_CFG_INT,
     .default_value = "1000",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The maximum number of schemas that can be cached in this "
            "converter instance.",
     .group = "Schemas",
     .display_name = "Schema Cache Size",
     .flags = KC_CFG_F_MIN | KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(1),
     .min = 0,
     KC_CFG_BIND(kc_json_conf_t, schemas_cache_size)},
    {.name = "decimal.format",
     .type = KC_CFG_STRING,
     .default_value = "BASE64",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Controls which format this converter will serialize decimals "
            "in. This value is case insensitive and can be either 'BASE64' "
            "(default) or 'NUMERIC'",
     .group = "Serialization",
     .display_name = "Decimal Format",
     .flags = KC_CFG_F_NOCASE | KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(0),
     .valid_values = kc_json_decimal_formats,
     KC_CFG_BIND(kc_json_conf_t, decimal_format)},
    {.name = "replace.null.with.default",
     .type = KC_CFG_BOOLEAN,
     .default_value = "true",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Whether to replace fields that have a default value and that "
            "are null to the default value. When set to true, the default "
            "value is used, otherwise null is used.",
     .group = "Serialization",
     .display_name = "Replace null with default",
     .flags = KC_CFG_F_WIDTH_MEDIUM | KC_CFG_ORDER(1),
     KC_CFG_BIND(kc_json_conf_t, replace_null_with_default)},
    {.name = NULL}};

static void kc_json_destroy(void *ctx)
{
    kc_json_conv_t *conv = ctx;

    if (conv == NULL) {
        return;
    }
    for (size_t i = 0; i < conv->slots; i++) {
        kc_schema_unref(conv->out_cache[i].schema);
        kc_free(conv->out_cache[i].json);
        kc_free(conv->out_cache[i].keys);
        kc_free(conv->out_cache[i].key_end);
        kc_schema_unref(conv->in_cache[i].schema);
        kc_free(conv->in_cache[i].text);
    }
    kc_free(conv->out_cache);
    kc_free(conv->in_cache);
    pthread_mutex_destroy(&conv->lock);
    kc_free(conv);
}

static kc_err_t kc_json_configure(void **ctx, const kc_props_t *config,
                                  bool is_key, kc_error_t *err)
{
    static const kc_config_def_t *const defs[] = {kc_json_converter_config,
                                                  NULL};
    kc_json_conv_t *conv;
    kc_json_conf_t conf = {0};
    kc_props_t *none = config == NULL ? kc_props_new() : NULL;
    kc_err_t rc;

    /* The table checks every key (Apache's messages) and applies the
     * defaults; nothing here parses a value again. */
    rc = kc_config_bind(defs, config != NULL ? config : none, &conf, err);
    kc_props_destroy(none);
    if (rc != KC_OK) {
        kc_config_bind_release(defs, &conf);
        return rc;
    }
    conv = kc_calloc(1, sizeof(*conv));
    conv->is_key = is_key;
    pthread_mutex_init(&conv->lock, NULL);
    conv->schemas_enable = conf.schemas_enable;
    conv->cache_size = (size_t)conf.schemas_cache_size;
    conv->replace_null = conf.replace_null_with_default;
    conv->decimal_numeric = conf.decimal_format != NULL &&
                            kc_str_eq_nocase(conf.decimal_format, "NUMERIC");
    kc_config_bind_release(defs, &conf);
    /* Direct-mapped caches, bounded by schemas.cache.size as Apache's LRU
     * is, without its bookkeeping; a record stream has few schemas, so 256
     * slots keep a converter small. A collision only costs a rebuild. */
    conv->slots = conv->cache_size < 256 ? conv->cache_size : 256;
    if (conv->slots > 0) {
        conv->out_cache = kc_calloc(conv->slots, sizeof(kc_jsc_out_t));
        conv->in_cache = kc_calloc(conv->slots, sizeof(kc_jsc_in_t));
    }
    *ctx = conv;
    return KC_OK;
}

const struct kc_converter_plugin kc_json_converter_plugin = {
    KC_PLUGIN_INIT(struct kc_converter_plugin),
    .name = "JsonConverter",
    .class_name = "org.apache.kafka.connect.json.JsonConverter",
    .aliases = NULL,
    .version = KC_APACHE_VERSION,
    .config_def = kc_json_converter_config,
    .configure = kc_json_configure,
    .from_connect = kc_json_from_connect,
    .to_connect = kc_json_to_connect,
    .destroy = kc_json_destroy,
};
