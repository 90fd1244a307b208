/*
 * StringConverter (org.apache.kafka.connect.storage.StringConverter):
 * writes the Java toString() text of any value in converter.encoding and
 * reads bytes back as an optional STRING. UTF-8 is handled here; other
 * charsets go through iconv.
 */
#include "kc_internal.h"

#include <iconv.h>

#include "converters/kc_converters.h"
#include "data/kc_value_text.h"
#include "util/kc_str.h"
#include "util/kc_utf8.h"

typedef struct kc_string_conv {
    bool utf8;
    bool utf16_bom; /* Java's "UTF-16" writes a big-endian BOM first */
    char *charset;  /* iconv name when not UTF-8 */
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
    kc_free(conv->charset);
    kc_free(conv);
}

static kc_err_t kc_string_configure(void **ctx, const kc_props_t *config,
                                    bool is_key, kc_error_t *err)
{
    const char *enc =
        config ? kc_props_get(config, "converter.encoding") : NULL;
    kc_string_conv_t *conv = kc_calloc(1, sizeof(*conv));
    char *name =
        kc_str_trim_dup(enc ? enc : "UTF-8", strlen(enc ? enc : "UTF-8"));
    iconv_t probe;

    if (kc_str_eq_nocase(name, "UTF-8") || kc_str_eq_nocase(name, "UTF8")) {
        conv->utf8 = true;
        kc_free(name);
        *ctx = conv;
        return KC_OK;
    }
    if (kc_str_eq_nocase(name, "UTF-16")) {
        conv->utf16_bom = true;
        conv->charset = kc_strdup("UTF-16BE");
        kc_free(name);
    } else {
        conv->charset = name;
    }
    probe = iconv_open(conv->charset, "UTF-8");
    if (probe == (iconv_t)-1) {
        kc_error_set(err, KC_ERR_INVALID,
                     "invalid value \"%s\" for configuration "
                     "converter.encoding: unsupported character set",
                     enc);
        kc_string_destroy(conv);
        return KC_ERR_INVALID;
    }
    iconv_close(probe);
    *ctx = conv;
    return KC_OK;
}

/* Convert with iconv; bytes it cannot convert become @p replacement. */
static kc_err_t kc_iconv_all(const char *to, const char *from,
                             const uint8_t *in, size_t len,
                             const char *replacement, size_t skip_unit,
                             kc_buf_t *out, kc_error_t *err)
{
    iconv_t cd = iconv_open(to, from);
    char *ip = (char *)in;
    size_t il = len;
    kc_err_t rc = KC_OK;

    if (cd == (iconv_t)-1) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not convert from %s to %s", from, to);
    }
    while (rc == KC_OK) {
        char *op;
        size_t ol;
        size_t r;

        rc = kc_buf_reserve(out, il * 4 + 16);
        if (rc != KC_OK) {
            break;
        }
        op = (char *)out->data + out->len;
        ol = out->cap - out->len;
        r = iconv(cd, il ? &ip : NULL, &il, &op, &ol);
        out->len = (size_t)((uint8_t *)op - out->data);
        if (r != (size_t)-1) {
            if (il == 0) {
                /* Flush shift state. */
                op = (char *)out->data + out->len;
                ol = out->cap - out->len;
                iconv(cd, NULL, NULL, &op, &ol);
                out->len = (size_t)((uint8_t *)op - out->data);
                break;
            }
            continue;
        }
        if (errno == E2BIG) {
            continue;
        }
        /* EILSEQ or EINVAL: replace the unit and go on, as Java does. */
        if (replacement != NULL) {
            rc = kc_buf_puts(out, replacement);
        }
        {
            size_t s = skip_unit < il ? skip_unit : il;

            ip += s;
            il -= s;
        }
        if (il == 0) {
            break;
        }
    }
    iconv_close(cd);
    return rc;
}

/* Length of the UTF-8 sequence at p (1 for an invalid byte). */
/* Length of the sequence at p; a malformed one counts one byte. */
static size_t kc_utf8_seq(const uint8_t *p, const uint8_t *end, bool *valid)
{
    uint32_t cp;
    size_t n = kc_utf8_decode(p, end, &cp);

    *valid = n != 0;
    return n != 0 ? n : 1;
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
        if (conv->utf8) {
            rc = kc_buf_append(out, s, len);
        } else {
            if (conv->utf16_bom) {
                rc = kc_buf_append(out, "\xFE\xFF", 2);
            }
            if (rc == KC_OK) {
                rc = kc_iconv_all(conv->charset, "UTF-8", s, len, "?", 1, out,
                                  err);
            }
        }
    }
    kc_buf_release(&text);
    if (rc != KC_OK) {
        kc_error_prefix(err, "failed to serialize to a string");
    }
    return rc;
}

static kc_err_t kc_string_to_connect(void *ctx, const char *topic,
                                     const char *header, const uint8_t *data,
                                     size_t len, kc_arena_t *arena,
                                     const kc_schema_t **schema,
                                     kc_value_t *value, kc_error_t *err)
{
    kc_string_conv_t *conv = ctx;
    const uint8_t *end = data + len;
    bool all_valid = true;
    kc_buf_t tmp;
    kc_err_t rc = KC_OK;

    *schema = kc_schema_primitive(KC_TYPE_STRING, true);
    if (data == NULL) {
        kc_value_set_null(value);
        return KC_OK;
    }
    kc_buf_init(&tmp, 0);
    if (conv->utf8) {
        const uint8_t *p = data;

        /* ASCII, the common case, is checked 8 bytes at a time. */
        while (end - p >= 8) {
            uint64_t word;

            memcpy(&word, p, sizeof(word));
            if ((word & UINT64_C(0x8080808080808080)) != 0) {
                break;
            }
            p += 8;
        }
        while (p < end) {
            bool valid;

            p += kc_utf8_seq(p, end, &valid);
            if (!valid) {
                all_valid = false;
                break;
            }
        }
        if (all_valid) {
            kc_value_set_string(arena, value, (const char *)data, len);
            return KC_OK;
        }
        /* Java decodes malformed input to U+FFFD. */
        for (p = data; rc == KC_OK && p < end;) {
            bool valid;
            size_t n = kc_utf8_seq(p, end, &valid);

            rc = valid ? kc_buf_append(&tmp, p, n)
                       : kc_buf_append(&tmp, "\xEF\xBF\xBD", 3);
            p += n;
        }
    } else {
        const char *from = conv->utf16_bom ? "UTF-16" : conv->charset;

        rc = kc_iconv_all("UTF-8", from, data, len, "\xEF\xBF\xBD", 1, &tmp,
                          err);
    }
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
