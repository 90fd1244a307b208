/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DropHeaders: remove every header whose name is in `headers`.
 */
#include "kc_internal.h"

#include "transforms/kc_transform_util.h"
#include "transforms/kc_transforms.h"

typedef struct kc_drop_headers {
    kc_cfg_list_t headers; /* bound from the table */
} kc_drop_headers_t;

static const kc_config_def_t kc_drop_headers_defs[] = {
    {.name = "headers",
     .type = KC_CFG_LIST,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The name of the headers to be removed.",
     .flags = KC_CFG_F_REQUIRED,
     .validator = kc_tx_nonempty_list,
     KC_CFG_BIND(kc_drop_headers_t, headers)},
    {.name = NULL}};

static const kc_config_def_t *const kc_drop_headers_tables[] = {
    kc_drop_headers_defs, NULL};

static void kc_drop_headers_destroy(void *ctx)
{
    kc_drop_headers_t *t = ctx;

    if (t != NULL) {
        kc_config_bind_release(kc_drop_headers_tables, t);
        kc_free(t);
    }
}

static kc_err_t kc_drop_headers_configure(void **ctx, const kc_props_t *props,
                                          kc_error_t *err)
{
    kc_drop_headers_t *t = kc_calloc(1, sizeof(*t));

    if (kc_config_bind(kc_drop_headers_tables, props, t, err) != KC_OK) {
        kc_free(t);
        return KC_ERR_INVALID;
    }
    *ctx = t;
    return KC_OK;
}

static kc_err_t kc_drop_headers_apply(void *ctx, kc_record_t *rec,
                                      kc_arena_t *arena, bool *drop,
                                      kc_error_t *err)
{
    kc_drop_headers_t *t = ctx;
    size_t kept = 0;

    KC_UNUSED(arena);
    KC_UNUSED(drop);
    KC_UNUSED(err);
    for (size_t i = 0; i < rec->header_count; i++) {
        bool listed = false;

        for (size_t j = 0; j < t->headers.count && !listed; j++) {
            listed = strcmp(rec->headers[i].key, t->headers.items[j]) == 0;
        }
        if (!listed) {
            rec->headers[kept++] = rec->headers[i];
        }
    }
    rec->header_count = kept;
    return KC_OK;
}

const struct kc_transform_plugin kc_drop_headers_plugin = KC_TX_DESCRIPTOR(
    "DropHeaders", kc_drop_headers_defs, kc_drop_headers_configure,
    kc_drop_headers_apply, kc_drop_headers_destroy);
