/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registration of the built-in transforms and predicates.
 */
#include "kc_internal.h"

#include "transforms/kc_transforms.h"

kc_err_t kc_transforms_register(kc_registry_t *reg, kc_error_t *err)
{
    static const struct kc_transform_plugin *const transforms[] = {
        &kc_value_to_key_plugin,
        &kc_extract_field_key_plugin,
        &kc_extract_field_value_plugin,
        &kc_insert_field_key_plugin,
        &kc_insert_field_value_plugin,
        &kc_replace_field_key_plugin,
        &kc_replace_field_value_plugin,
        &kc_mask_field_key_plugin,
        &kc_mask_field_value_plugin,
        &kc_hoist_field_key_plugin,
        &kc_hoist_field_value_plugin,
        &kc_cast_key_plugin,
        &kc_cast_value_plugin,
        &kc_regex_router_plugin,
        &kc_timestamp_router_plugin,
        &kc_filter_plugin,
        &kc_drop_headers_plugin,
        &kc_insert_header_plugin,
        &kc_set_schema_metadata_key_plugin,
        &kc_set_schema_metadata_value_plugin,
        &kc_flatten_key_plugin,
        &kc_flatten_value_plugin,
        &kc_header_from_key_plugin,
        &kc_header_from_value_plugin,
        &kc_timestamp_converter_key_plugin,
        &kc_timestamp_converter_value_plugin,
    };
    static const struct kc_predicate_plugin *const predicates[] = {
        &kc_topic_name_matches_plugin,
        &kc_has_header_key_plugin,
        &kc_record_is_tombstone_plugin,
    };

    for (size_t i = 0; i < KC_ARRAY_LEN(transforms); i++) {
        kc_err_t rc =
            kc_registry_add(reg, KC_PLUGIN_TRANSFORM, transforms[i], err);

        if (rc != KC_OK) {
            return rc;
        }
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(predicates); i++) {
        kc_err_t rc =
            kc_registry_add(reg, KC_PLUGIN_PREDICATE, predicates[i], err);

        if (rc != KC_OK) {
            return rc;
        }
    }
    return KC_OK;
}
