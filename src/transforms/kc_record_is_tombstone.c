/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RecordIsTombstone: true when the record's value is null.
 */
#include "kc_internal.h"

#include "transforms/kc_transforms.h"

static const kc_config_def_t kc_record_is_tombstone_defs[] = {{.name = NULL}};

static kc_err_t kc_record_is_tombstone_configure(void **ctx,
                                                 const kc_props_t *props,
                                                 kc_error_t *err)
{
    KC_UNUSED(props);
    KC_UNUSED(err);
    *ctx = NULL;
    return KC_OK;
}

static kc_err_t kc_record_is_tombstone_test(void *ctx, const kc_record_t *rec,
                                            bool *result, kc_error_t *err)
{
    KC_UNUSED(ctx);
    KC_UNUSED(err);
    *result = rec->value.type == KC_TYPE_NULL;
    return KC_OK;
}

static void kc_record_is_tombstone_destroy(void *ctx)
{
    KC_UNUSED(ctx);
}

const struct kc_predicate_plugin kc_record_is_tombstone_plugin = {
    KC_PLUGIN_INIT(struct kc_predicate_plugin),
    .name = "RecordIsTombstone",
    .class_name = KC_PRED_PKG "RecordIsTombstone",
    .version = KC_APACHE_VERSION,
    .config_def = kc_record_is_tombstone_defs,
    .configure = kc_record_is_tombstone_configure,
    .test = kc_record_is_tombstone_test,
    .destroy = kc_record_is_tombstone_destroy,
};
