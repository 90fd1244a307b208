/* SPDX-License-Identifier: Apache-2.0 */
/*
 * StringConverter (org.apache.kafka.connect.storage.StringConverter):
 * writes the Java toString() text of any value in converter.encoding and
 * reads bytes back as an optional STRING. Charsets are Java's, by any of
 * Java's names (kc_java_charset.h); UTF-8 reads valid input in place.
 */
#include "kc_internal.h"

#include "converters/kc_converters.h"
#include "converters/kc_java_charset.h"
#include "data/kc_value_text.h"
#include "util/kc_str.h"
#include "util/kc_utf8.h"

typedef struct kc_string_conv {
    kc_java_charset_t *cs;
    bool utf8;
} kc_string_conv_t;

static const kc_config_def_t kc_string_converter_config[] = {
    KC_CONVERTER_TYPE_ROW,
    {.name = "converter.encoding",
     .type = KC_CFG_STRING,
     .default_value = "UTF-8",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The name of the Java character set to use for encoding strings "
            "as byte arrays.",
     .display_name = "Encoding",
     .flags = KC_CFG_F_WIDTH_MEDIUM},
    {.name = NULL}};

static void kc_string_destroy(void *ctx)
{
    kc_string_conv_t *conv = ctx;

    if (conv == NULL) {
        return;
    }
    kc_java_charset_close(conv->cs);
    kc_free(conv);
}

static kc_err_t kc_string_configure(void **ctx, const kc_props_t *config,
                                    bool is_key, kc_error_t *err)
{
    const char *enc =
        config ? kc_props_get(config, "converter.encoding") : NULL;
    /* ConfigDef trims string values */
    char *name =
        kc_str_trim_dup(enc ? enc : "UTF-8", strlen(enc ? enc : "UTF-8"));
    kc_java_charset_t *cs = kc_java_charset_open(name, err);
    kc_string_conv_t *conv;

    kc_free(name);
    if (cs == NULL) {
        return KC_ERR_INVALID;
    }
    conv = kc_calloc(1, sizeof(*conv));
    conv->cs = cs;
    conv->utf8 = strcmp(kc_java_charset_name(cs), "UTF-8") == 0;
    *ctx = conv;
    return KC_OK;
}

static kc_err_t kc_string_from_connect(void *ctx, const char *topic,
                                       const char *header,
                                       const kc_schema_t *schema,
                                       const kc_value_t *value, kc_buf_t *out,
                                       bool *is_null, kc_error_t *err)
{
    kc_string_conv_t *conv = ctx;
    kc_buf_t text;
    const uint8_t *s;
    size_t len;
    kc_err_t rc = KC_OK;

    *is_null = false;
    if (value == NULL || value->type == KC_TYPE_NULL) {
        *is_null = true;
        return KC_OK;
    }
    kc_buf_init(&text, 0);
    if (value->type == KC_TYPE_STRING) {
        s = (const uint8_t *)value->u.str.data;
        len = value->u.str.len;
    } else {
        /* Java's value.toString(). */
        rc = kc_value_text_append(&text, schema, value);
        s = text.data;
        len = text.len;
    }
    if (rc == KC_OK) {
        rc = kc_java_charset_encode(conv->cs, s, len, out, err);
    }
    kc_buf_release(&text);
    if (rc != KC_OK) {
        kc_error_prefix(err, "failed to serialize to a string");
    }
    return rc;
}

/* Well-formed UTF-8? ASCII, the common case, 8 bytes at a time. */
static bool kc_string_is_utf8(const uint8_t *p, size_t len)
{
    const uint8_t *end = p + len;

    while (end - p >= 8) {
        uint64_t word;

        memcpy(&word, p, sizeof(word));
        if ((word & UINT64_C(0x8080808080808080)) != 0) {
            break;
        }
        p += 8;
    }
    return kc_utf8_valid((const char *)p, (size_t)(end - p));
}

static kc_err_t kc_string_to_connect(void *ctx, const char *topic,
                                     const char *header, const uint8_t *data,
                                     size_t len, kc_arena_t *arena,
                                     const kc_schema_t **schema,
                                     kc_value_t *value, kc_error_t *err)
{
    kc_string_conv_t *conv = ctx;
    kc_buf_t tmp;
    kc_err_t rc = KC_OK;

    *schema = kc_schema_primitive(KC_TYPE_STRING, true);
    if (data == NULL) {
        kc_value_set_null(value);
        return KC_OK;
    }
    /* UTF-8, the default, is read in place when it is well-formed */
    if (conv->utf8 && kc_string_is_utf8(data, len)) {
        kc_value_set_string(arena, value, (const char *)data, len);
        return KC_OK;
    }
    kc_buf_init(&tmp, 0);
    rc = kc_java_charset_decode(conv->cs, data, len, &tmp, err);
    if (rc == KC_OK) {
        kc_value_set_string(arena, value, (const char *)tmp.data, tmp.len);
    } else {
        kc_error_prefix(err, "failed to deserialize string");
    }
    kc_buf_release(&tmp);
    return rc;
}

const struct kc_converter_plugin kc_string_converter_plugin = {
    KC_PLUGIN_INIT(struct kc_converter_plugin),
    .name = "StringConverter",
    .class_name = "org.apache.kafka.connect.storage.StringConverter",
    .aliases = NULL,
    .version = KC_APACHE_VERSION,
    .config_def = kc_string_converter_config,
    .configure = kc_string_configure,
    .from_connect = kc_string_from_connect,
    .to_connect = kc_string_to_connect,
    .destroy = kc_string_destroy,
};
