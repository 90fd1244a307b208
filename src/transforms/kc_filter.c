/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Filter: drop every record it is applied to; used with a predicate
 * (transforms.f.predicate=p) to drop the records that match.
 */
#include "kc_internal.h"

#include "transforms/kc_transforms.h"

static const kc_config_def_t kc_filter_defs[] = {{.name = NULL}};

static kc_err_t kc_filter_configure(void **ctx, const kc_props_t *props,
                                    kc_error_t *err)
{
    KC_UNUSED(props);
    KC_UNUSED(err);
    *ctx = NULL;
    return KC_OK;
}

static kc_err_t kc_filter_apply(void *ctx, kc_record_t *rec, kc_arena_t *arena,
                                bool *drop, kc_error_t *err)
{
    KC_UNUSED(ctx);
    KC_UNUSED(rec);
    KC_UNUSED(arena);
    KC_UNUSED(err);
    *drop = true;
    return KC_OK;
}

static void kc_filter_destroy(void *ctx)
{
    KC_UNUSED(ctx);
}

const struct kc_transform_plugin kc_filter_plugin =
    KC_TX_DESCRIPTOR("Filter", kc_filter_defs, kc_filter_configure,
                     kc_filter_apply, kc_filter_destroy);
