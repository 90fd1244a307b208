/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HasHeaderKey: true when the record has at least one header named `name`.
 */
#include "kc_internal.h"

#include "transforms/kc_transforms.h"

typedef struct kc_has_header_key {
    char *name;
} kc_has_header_key_t;

static const kc_config_def_t kc_has_header_key_defs[] = {
    {.name = "name",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "The header name.",
     .flags = KC_CFG_F_REQUIRED | KC_CFG_F_NONEMPTY,
     KC_CFG_BIND(kc_has_header_key_t, name)},
    {.name = NULL}};

static const kc_config_def_t *const kc_has_header_key_tables[] = {
    kc_has_header_key_defs, NULL};

static kc_err_t kc_has_header_key_configure(void **ctx, const kc_props_t *props,
                                            kc_error_t *err)
{
    kc_has_header_key_t *p = kc_calloc(1, sizeof(*p));

    if (kc_config_bind(kc_has_header_key_tables, props, p, err) != KC_OK) {
        kc_free(p);
        return KC_ERR_INVALID;
    }
    *ctx = p;
    return KC_OK;
}

static kc_err_t kc_has_header_key_test(void *ctx, const kc_record_t *rec,
                                       bool *result, kc_error_t *err)
{
    const kc_has_header_key_t *p = ctx;

    KC_UNUSED(err);
    *result = false;
    for (size_t i = 0; i < rec->header_count; i++) {
        if (strcmp(rec->headers[i].key, p->name) == 0) {
            *result = true;
            break;
        }
    }
    return KC_OK;
}

static void kc_has_header_key_destroy(void *ctx)
{
    kc_has_header_key_t *p = ctx;

    if (p != NULL) {
        kc_free(p->name);
        kc_free(p);
    }
}

const struct kc_predicate_plugin kc_has_header_key_plugin = {
    KC_PLUGIN_INIT(struct kc_predicate_plugin),
    .name = "HasHeaderKey",
    .class_name = KC_PRED_PKG "HasHeaderKey",
    .version = KC_APACHE_VERSION,
    .config_def = kc_has_header_key_defs,
    .configure = kc_has_header_key_configure,
    .test = kc_has_header_key_test,
    .destroy = kc_has_header_key_destroy,
};
