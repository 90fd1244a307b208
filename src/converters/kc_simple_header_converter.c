/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SimpleHeaderConverter (org.apache.kafka.connect.storage.
 * SimpleHeaderConverter): header values as text, as Connect's
 * Values.convertToString writes them; on read the text's type is inferred
 * as Values.parseString does (kc_values_parse.c).
 */
#include "kc_internal.h"

#include <math.h>
#include <time.h>

#include "converters/kc_converters.h"
#include "converters/kc_values_parse.h"
#include "data/kc_base64.h"
#include "data/kc_decimal.h"
#include "data/kc_java_number.h"
#include "data/kc_value_text.h"
#include "transforms/kc_java_date_format.h"

static kc_err_t kc_shc_configure(void **ctx, const kc_props_t *config,
                                 bool is_key, kc_error_t *err)
{
    static int kc_shc_ctx;

    *ctx = &kc_shc_ctx;
    return KC_OK;
}

static void kc_shc_destroy(void *ctx)
{
}

/* Values.dateFormatFor in UTC, in Java's calendar. */
static kc_err_t kc_shc_append_date(kc_buf_t *out, int64_t ms)
{
    return kc_java_date_format_values(ms, out);
}

static kc_err_t kc_shc_append(kc_buf_t *out, const kc_schema_t *schema,
                              const kc_value_t *v, bool embedded);

static kc_err_t kc_shc_append_str(kc_buf_t *out, const char *s, size_t len,
                                  bool embedded)
{
    kc_err_t rc = KC_OK;

    if (!embedded) {
        return kc_buf_append(out, s, len);
    }
    /* Values.escape: backslashes doubled, quotes escaped. */
    rc = kc_buf_putc(out, '"');
    for (size_t i = 0; rc == KC_OK && i < len; i++) {
        if (s[i] == '\\' || s[i] == '"') {
            rc = kc_buf_putc(out, '\\');
        }
        if (rc == KC_OK) {
            rc = kc_buf_putc(out, s[i]);
        }
    }
    if (rc == KC_OK) {
        rc = kc_buf_putc(out, '"');
    }
    return rc;
}

static kc_err_t kc_shc_append(kc_buf_t *out, const kc_schema_t *schema,
                              const kc_value_t *v, bool embedded)
{
    kc_logical_t logical = schema ? kc_schema_logical(schema) : KC_LOGICAL_NONE;
    char num[KC_JAVA_NUMBER_MAX];
    kc_err_t rc = KC_OK;

    switch (v->type) {
    case KC_TYPE_NULL:
        return kc_buf_puts(out, "null");
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        if (logical == KC_LOGICAL_DATE) {
            return kc_shc_append_date(out, v->u.i * KC_MS_PER_DAY);
        }
        if (logical == KC_LOGICAL_TIME || logical == KC_LOGICAL_TIMESTAMP ||
            (v->flags & KC_VALUE_F_DATE)) {
            return kc_shc_append_date(out, v->u.i);
        }
        return kc_buf_printf(out, "%lld", (long long)v->u.i);
    case KC_TYPE_FLOAT32:
        kc_java_float_to_string((float)v->u.f, num);
        return kc_buf_puts(out, num);
    case KC_TYPE_FLOAT64:
        kc_java_double_to_string(v->u.f, num);
        return kc_buf_puts(out, num);
    case KC_TYPE_BOOLEAN:
        return kc_buf_puts(out, v->u.b ? "true" : "false");
    case KC_TYPE_STRING:
        return kc_shc_append_str(out, v->u.str.data, v->u.str.len, embedded);
    case KC_TYPE_BYTES:
        if (logical == KC_LOGICAL_DECIMAL) {
            return kc_decimal_to_java_string(v->u.bytes.data, v->u.bytes.len,
                                             kc_value_decimal_scale(schema, v),
                                             out);
        }
        if (embedded) {
            rc = kc_buf_putc(out, '"');
        }
        if (rc == KC_OK) {
            rc = kc_base64_encode(v->u.bytes.data, v->u.bytes.len, out);
        }
        if (rc == KC_OK && embedded) {
            rc = kc_buf_putc(out, '"');
        }
        return rc;
    case KC_TYPE_ARRAY: {
        const kc_schema_t *items = schema ? kc_schema_items(schema) : NULL;

        rc = kc_buf_putc(out, '[');
        for (size_t i = 0; rc == KC_OK && i < v->u.array.len; i++) {
            if (i > 0) {
                rc = kc_buf_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_shc_append(out, items, &v->u.array.items[i], true);
            }
        }
        return rc == KC_OK ? kc_buf_putc(out, ']') : rc;
    }
    case KC_TYPE_MAP: {
        const kc_schema_t *ks = schema ? kc_schema_key(schema) : NULL;
        const kc_schema_t *vs = schema ? kc_schema_value(schema) : NULL;
        /* Values.convertToString iterates the Java map: a HashMap in
         * hash order, a LinkedHashMap in its own. */
        kc_map_order_scratch_t *scratch = kc_map_order_thread_scratch();
        const size_t *order = kc_map_order_push(scratch, ks, v);

        rc = kc_buf_putc(out, '{');
        for (size_t j = 0; rc == KC_OK && j < v->u.map.len; j++) {
            size_t i = order != NULL ? order[j] : j;

            if (j > 0) {
                rc = kc_buf_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_shc_append(out, ks, &v->u.map.keys[i], true);
            }
            if (rc == KC_OK) {
                rc = kc_buf_putc(out, ':');
            }
            if (rc == KC_OK) {
                rc = kc_shc_append(out, vs, &v->u.map.values[i], true);
            }
        }
        kc_map_order_pop(scratch);
        return rc == KC_OK ? kc_buf_putc(out, '}') : rc;
    }
    case KC_TYPE_STRUCT: {
        const kc_schema_t *ss = v->u.st.schema;
        size_t n = kc_schema_field_count(ss);

        rc = kc_buf_putc(out, '{');
        for (size_t i = 0; rc == KC_OK && i < n; i++) {
            const kc_field_t *f = kc_schema_field_at(ss, i);

            if (i > 0) {
                rc = kc_buf_putc(out, ',');
            }
            if (rc == KC_OK) {
                rc = kc_shc_append_str(out, f->name, strlen(f->name), true);
            }
            if (rc == KC_OK) {
                rc = kc_buf_putc(out, ':');
            }
            if (rc == KC_OK) {
                /* Struct.get: a null field reads as its default. */
                const kc_value_t *fv = &v->u.st.fields[i];

                if (fv->type == KC_TYPE_NULL &&
                    kc_schema_default(f->schema) != NULL) {
                    fv = kc_schema_default(f->schema);
                }
                rc = kc_shc_append(out, f->schema, fv, true);
            }
        }
        return rc == KC_OK ? kc_buf_putc(out, '}') : rc;
    }
    }
    return KC_ERR_INVALID;
}

static kc_err_t kc_shc_from_connect(void *ctx, const char *topic,
                                    const char *header,
                                    const kc_schema_t *schema,
                                    const kc_value_t *value, kc_buf_t *out,
                                    bool *is_null, kc_error_t *err)
{
    size_t start = out->len;
    kc_err_t rc;

    *is_null = false;
    if (value == NULL || value->type == KC_TYPE_NULL) {
        *is_null = true;
        return KC_OK;
    }
    rc = kc_shc_append(out, schema, value, false);
    if (rc != KC_OK) {
        out->len = start;
        return kc_error_set(err, rc,
                            "could not convert header \"%s\" to "
                            "text",
                            header ? header : "");
    }
    return KC_OK;
}

static kc_err_t kc_shc_to_connect(void *ctx, const char *topic,
                                  const char *header, const uint8_t *data,
                                  size_t len, kc_arena_t *arena,
                                  const kc_schema_t **schema, kc_value_t *value,
                                  kc_error_t *err)
{
    *schema = NULL;
    kc_value_set_null(value);
    if (data == NULL) {
        return KC_OK;
    }
    kc_values_parse_string(arena, (const char *)data, len, schema, value);
    return KC_OK;
}

/* Apache's SimpleHeaderConverter has no settings. */
static const kc_config_def_t kc_shc_config[] = {{.name = NULL}};

const struct kc_converter_plugin kc_simple_header_converter_plugin = {
    KC_PLUGIN_INIT(struct kc_converter_plugin),
    .name = "SimpleHeaderConverter",
    .class_name = "org.apache.kafka.connect.storage.SimpleHeaderConverter",
    .aliases = NULL,
    .version = KC_APACHE_VERSION,
    .config_def = kc_shc_config,
    .configure = kc_shc_configure,
    .from_connect = kc_shc_from_connect,
    .to_connect = kc_shc_to_connect,
    .destroy = kc_shc_destroy,
};
