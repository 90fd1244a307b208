/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ExtractField$Key / $Value: replace the key or value with one of its
 * fields. `field.syntax.version=V2` allows dotted paths into nested
 * structs and maps, a segment in backticks may hold dots (KIP-821).
 */
#include "kc_internal.h"

#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"
#include "util/kc_str.h"

#define KC_PURPOSE "field extraction"

typedef struct kc_extract_field {
    kc_tx_side_t side;
    kc_config_t *config;
    const char *original; /* the configured path, for messages */
    kc_strlist_t path;    /* one segment in V1 */
    bool with_default;
} kc_extract_field_t;

static const char *const kc_syntax_versions[] = {"V1", "V2", NULL};

static const kc_config_def_t kc_extract_field_defs[] = {
    {.name = "field",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Field name to extract.",
     .flags = KC_CFG_F_REQUIRED},
    KC_TX_DEF_REPLACE_NULL,
    {.name = "field.syntax.version",
     .type = KC_CFG_STRING,
     .default_value = "V1",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Defines the version of the syntax to access fields. If set to "
            "`V1`, then the field paths are limited to access the elements "
            "at the root level of the struct or map. If set to `V2`, the "
            "syntax will support accessing nested elements.",
     .flags = KC_CFG_F_NOCASE,
     .valid_values = kc_syntax_versions},
    {.name = NULL}};

static void kc_extract_field_destroy(void *ctx)
{
    kc_extract_field_t *t = ctx;

    if (t == NULL) {
        return;
    }
    kc_strlist_release(&t->path);
    kc_config_destroy(t->config);
    kc_free(t);
}

/*
 * Split a V2 path on dots; a segment wrapped in backticks keeps its dots
 * ("`a.b`.c" is "a.b" then "c").
 */
static void kc_extract_split_v2(const char *s, kc_strlist_t *out)
{
    const char *p = s;

    for (;;) {
        const char *end;

        if (*p == '`') {
            const char *close = strstr(p + 1, "`.");

            if (close == NULL && p[strlen(p) - 1] == '`' && strlen(p) > 1) {
                close = p + strlen(p) - 1;
            }
            if (close != NULL) {
                kc_strlist_push_take(
                    out, kc_strndup(p + 1, (size_t)(close - p - 1)));
                p = close + 1;
                if (*p == '\0') {
                    return;
                }
                p++;
                continue;
            }
        }
        end = strchr(p, '.');
        if (end == NULL) {
            kc_strlist_push(out, p);
            return;
        }
        kc_strlist_push_take(out, kc_strndup(p, (size_t)(end - p)));
        p = end + 1;
    }
}

static kc_err_t kc_extract_field_configure(void **ctx, const kc_props_t *props,
                                           kc_tx_side_t side, kc_error_t *err)
{
    kc_extract_field_t *t;
    kc_config_t *config = kc_tx_config(kc_extract_field_defs, props, err);

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    t = kc_calloc(1, sizeof(*t));
    t->side = side;
    t->config = config;
    t->original = kc_config_string(config, "field");
    t->with_default = kc_config_bool(config, "replace.null.with.default");
    if (kc_str_eq_nocase(kc_config_string(config, "field.syntax.version"),
                         "V2")) {
        kc_extract_split_v2(t->original, &t->path);
    } else {
        kc_strlist_push(&t->path, t->original);
    }
    *ctx = t;
    return KC_OK;
}

/* SingleFieldPath.fieldFrom: the schema at the path, or NULL. */
static const kc_schema_t *kc_extract_schema(const kc_extract_field_t *t,
                                            const kc_schema_t *schema)
{
    for (size_t i = 0; i < t->path.count; i++) {
        const kc_field_t *f;

        if (schema == NULL || kc_schema_type(schema) != KC_TYPE_STRUCT) {
            return NULL;
        }
        f = kc_schema_field(schema, t->path.items[i]);
        if (f == NULL) {
            return NULL;
        }
        schema = f->schema;
    }
    return schema;
}

static kc_err_t kc_extract_field_apply(void *ctx, kc_record_t *rec,
                                       kc_arena_t *arena, bool *drop,
                                       kc_error_t *err)
{
    kc_extract_field_t *t = ctx;
    const kc_schema_t **schema = kc_tx_schema_slot(rec, t->side);
    kc_value_t *value = kc_tx_value_slot(rec, t->side);
    kc_value_t out = {.type = KC_TYPE_NULL};

    KC_UNUSED(arena);
    KC_UNUSED(drop);
    if (*schema == NULL) {
        const kc_value_t *cur = value;

        if (value->type != KC_TYPE_NULL &&
            kc_tx_require_map(value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        for (size_t i = 0; i < t->path.count && cur != NULL; i++) {
            long at;

            if (cur->type != KC_TYPE_MAP) {
                cur = NULL;
                break;
            }
            at = kc_tx_map_find(cur, t->path.items[i]);
            cur = at >= 0 ? &cur->u.map.values[at] : NULL;
        }
        if (cur != NULL) {
            out = *cur;
        }
        *value = out;
        return KC_OK;
    } else {
        const kc_schema_t *fs;
        const kc_value_t *cur = value;

        if (value->type != KC_TYPE_NULL &&
            kc_tx_require_struct(value, KC_PURPOSE, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        fs = kc_extract_schema(t, *schema);
        if (fs == NULL) {
            /* Apache's Schema.field lookup: not a DataException. */
            kc_error_set(err, KC_ERR_INVALID, "Unknown field: %s", t->original);
            kc_error_set_java_exception(err,
                                        "java.lang.IllegalArgumentException");
            return KC_ERR_INVALID;
        }
        for (size_t i = 0; i < t->path.count && cur != NULL; i++) {
            const kc_field_t *f;

            if (cur->type != KC_TYPE_STRUCT) {
                cur = NULL;
                break;
            }
            f = kc_schema_field(cur->u.st.schema, t->path.items[i]);
            cur = f != NULL
                      ? kc_tx_struct_get(cur, (size_t)f->index, t->with_default)
                      : NULL;
        }
        if (cur != NULL) {
            out = *cur;
        }
        *schema = fs;
        *value = out;
        return KC_OK;
    }
}

KC_TX_KEY_VALUE_PLUGINS(kc_extract_field, "ExtractField", kc_extract_field_defs,
                        kc_extract_field_configure, kc_extract_field_apply,
                        kc_extract_field_destroy);
