/* SPDX-License-Identifier: Apache-2.0 */
/*
 * InsertHeader: add header `header` to every record, its value
 * `value.literal` typed as Connect's Values.parseString types it (the same
 * parsing as SimpleHeaderConverter: "42" is an INT8, "true" a BOOLEAN,
 * "[1,2]" an ARRAY, anything else a STRING).
 */
#include "kc_internal.h"

#include "converters/kc_converters.h"
#include "transforms/kc_transforms.h"

typedef struct kc_insert_header {
    char *header;
    kc_arena_t *arena; /* holds the parsed literal */
    const kc_schema_t *schema;
    kc_value_t value;
} kc_insert_header_t;

/* ConfigDef.NonNullValidator: only an explicit null fails, never text. */
static const kc_config_def_t kc_insert_header_defs[] = {
    {.name = "header",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The name of the header.",
     .flags = KC_CFG_F_REQUIRED},
    {.name = "value.literal",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The literal value that is to be set as the header value on all "
            "records.",
     .flags = KC_CFG_F_REQUIRED},
    {.name = NULL}};

static void kc_insert_header_destroy(void *ctx)
{
    kc_insert_header_t *t = ctx;

    if (t != NULL) {
        kc_free(t->header);
        kc_arena_destroy(t->arena);
        kc_free(t);
    }
}

static kc_err_t kc_insert_header_configure(void **ctx, const kc_props_t *props,
                                           kc_error_t *err)
{
    const struct kc_converter_plugin *shc = &kc_simple_header_converter_plugin;
    const kc_config_def_t *const tables[] = {kc_insert_header_defs, NULL};
    kc_config_t *config = kc_config_new(tables, props, err);
    kc_insert_header_t *t;
    const char *literal;
    void *shc_ctx = NULL;
    kc_props_t *none;
    kc_err_t rc;

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    t = kc_calloc(1, sizeof(*t));
    t->header = kc_strdup(kc_config_string(config, "header"));
    t->arena = kc_arena_new(0);
    literal = kc_config_string(config, "value.literal");
    none = kc_props_new();
    rc = shc->configure(&shc_ctx, none, false, err);
    if (rc == KC_OK) {
        rc = shc->to_connect(shc_ctx, NULL, t->header, (const uint8_t *)literal,
                             strlen(literal), t->arena, &t->schema, &t->value,
                             err);
        shc->destroy(shc_ctx);
    }
    kc_props_destroy(none);
    kc_config_destroy(config);
    if (rc != KC_OK) {
        kc_error_prefix(err, "could not parse value.literal");
        kc_insert_header_destroy(t);
        return rc;
    }
    *ctx = t;
    return KC_OK;
}

static kc_err_t kc_insert_header_apply(void *ctx, kc_record_t *rec,
                                       kc_arena_t *arena, bool *drop,
                                       kc_error_t *err)
{
    kc_insert_header_t *t = ctx;
    kc_value_t copy;

    KC_UNUSED(drop);
    KC_UNUSED(err);
    /* The record may outlive this transform: give it its own copies. */
    if (t->schema != NULL) {
        kc_arena_on_reset(arena, kc_schema_unref_cb, kc_schema_ref(t->schema));
    }
    kc_value_copy(arena, &copy, &t->value);
    kc_record_add_header(arena, rec, t->header, t->schema, &copy);
    return KC_OK;
}

const struct kc_transform_plugin kc_insert_header_plugin = KC_TX_DESCRIPTOR(
    "InsertHeader", kc_insert_header_defs, kc_insert_header_configure,
    kc_insert_header_apply, kc_insert_header_destroy);
