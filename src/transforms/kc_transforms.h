/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in single message transforms and predicates, registered under
 * Apache's class names (org.apache.kafka.connect.transforms.InsertField$Value,
 * ...predicates.TopicNameMatches) and short names (InsertField$Value,
 * TopicNameMatches).
 */
#ifndef KC_TRANSFORMS_KC_TRANSFORMS_H
#define KC_TRANSFORMS_KC_TRANSFORMS_H

#include <kconnect/plugin.h>

/* Apache's package for the bundled transforms and predicates. */
#define KC_TX_PKG   "org.apache.kafka.connect.transforms."
#define KC_PRED_PKG "org.apache.kafka.connect.transforms.predicates."

/* A transform descriptor; `cfg` picks the side for $Key/$Value variants. */
#define KC_TX_DESCRIPTOR(short_name, defs, cfg, app, dstr)                     \
    {                                                                          \
        KC_PLUGIN_INIT(struct kc_transform_plugin),                            \
            .name = short_name, .class_name = KC_TX_PKG short_name,            \
            .version = KC_APACHE_VERSION, .config_def = (defs),                \
            .configure = (cfg), .apply = (app), .destroy = (dstr)              \
    }

/*
 * The $Key and $Value plugins of a transform Apache ships as one class
 * with a Key and a Value subclass: both share the config definitions,
 * apply and destroy, and differ only in the side their configure hands
 * to @p cfg (a kc_err_t (void **, const kc_props_t *, kc_tx_side_t,
 * kc_error_t *)). Defines <prefix>_key_plugin and <prefix>_value_plugin;
 * used where kc_transform_util.h (kc_tx_side_t) is included.
 */
#define KC_TX_KEY_VALUE_PLUGINS(prefix, short_name, defs, cfg, app, dstr)      \
    static kc_err_t prefix##_configure_key(                                    \
        void **ctx, const kc_props_t *props, kc_error_t *err)                  \
    {                                                                          \
        return cfg(ctx, props, KC_TX_KEY, err);                                \
    }                                                                          \
    static kc_err_t prefix##_configure_value(                                  \
        void **ctx, const kc_props_t *props, kc_error_t *err)                  \
    {                                                                          \
        return cfg(ctx, props, KC_TX_VALUE, err);                              \
    }                                                                          \
    const struct kc_transform_plugin prefix##_key_plugin = KC_TX_DESCRIPTOR(   \
        short_name "$Key", defs, prefix##_configure_key, app, dstr);           \
    const struct kc_transform_plugin prefix##_value_plugin = KC_TX_DESCRIPTOR( \
        short_name "$Value", defs, prefix##_configure_value, app, dstr)

extern const struct kc_transform_plugin kc_value_to_key_plugin;
extern const struct kc_transform_plugin kc_extract_field_key_plugin;
extern const struct kc_transform_plugin kc_extract_field_value_plugin;
extern const struct kc_transform_plugin kc_insert_field_key_plugin;
extern const struct kc_transform_plugin kc_insert_field_value_plugin;
extern const struct kc_transform_plugin kc_replace_field_key_plugin;
extern const struct kc_transform_plugin kc_replace_field_value_plugin;
extern const struct kc_transform_plugin kc_mask_field_key_plugin;
extern const struct kc_transform_plugin kc_mask_field_value_plugin;
extern const struct kc_transform_plugin kc_hoist_field_key_plugin;
extern const struct kc_transform_plugin kc_hoist_field_value_plugin;
extern const struct kc_transform_plugin kc_cast_key_plugin;
extern const struct kc_transform_plugin kc_cast_value_plugin;
extern const struct kc_transform_plugin kc_regex_router_plugin;
extern const struct kc_transform_plugin kc_timestamp_router_plugin;
extern const struct kc_transform_plugin kc_filter_plugin;
extern const struct kc_transform_plugin kc_drop_headers_plugin;
extern const struct kc_transform_plugin kc_insert_header_plugin;
extern const struct kc_transform_plugin kc_set_schema_metadata_key_plugin;
extern const struct kc_transform_plugin kc_set_schema_metadata_value_plugin;
extern const struct kc_transform_plugin kc_flatten_key_plugin;
extern const struct kc_transform_plugin kc_flatten_value_plugin;
extern const struct kc_transform_plugin kc_header_from_key_plugin;
extern const struct kc_transform_plugin kc_header_from_value_plugin;
extern const struct kc_transform_plugin kc_timestamp_converter_key_plugin;
extern const struct kc_transform_plugin kc_timestamp_converter_value_plugin;

extern const struct kc_predicate_plugin kc_topic_name_matches_plugin;
extern const struct kc_predicate_plugin kc_has_header_key_plugin;
extern const struct kc_predicate_plugin kc_record_is_tombstone_plugin;

/** @brief Register every built-in transform and predicate. */
kc_err_t kc_transforms_register(kc_registry_t *reg, kc_error_t *err);

#endif /* KC_TRANSFORMS_KC_TRANSFORMS_H */
