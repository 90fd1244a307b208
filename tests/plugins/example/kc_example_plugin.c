/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An example out-of-tree plugin: a transform that prefixes the topic of
 * each record, e.g. for mirroring into a namespaced cluster. It includes
 * only <kconnect/kconnect.h> and exports only kc_plugin_init.
 *
 *   transforms=prefix
 *   transforms.prefix.type=io.kconnect.example.TopicPrefix
 *   transforms.prefix.prefix=mirror.
 */
#include <kconnect/kconnect.h>

#define KC_EXAMPLE_PREFIX "prefix"

static const kc_config_def_t kc_example_config[] = {
    {.name = KC_EXAMPLE_PREFIX,
     .type = KC_CFG_STRING,
     .flags = KC_CFG_F_REQUIRED | KC_CFG_F_NONEMPTY,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Text put before the topic name of every record."},
    {.name = NULL},
};

static kc_err_t kc_example_configure(void **ctx, const kc_props_t *config,
                                     kc_error_t *err)
{
    const char *prefix = kc_props_get(config, KC_EXAMPLE_PREFIX);

    if (prefix == NULL || prefix[0] == '\0') {
        return kc_error_set(err, KC_ERR_INVALID,
                            "missing required configuration \"%s\"",
                            KC_EXAMPLE_PREFIX);
    }
    *ctx = kc_strdup(prefix);
    return KC_OK;
}

static kc_err_t kc_example_apply(void *ctx, kc_record_t *rec, kc_arena_t *arena,
                                 bool *drop, kc_error_t *err)
{
    const char *prefix = ctx;

    (void)err;
    *drop = false;
    rec->topic =
        kc_arena_sprintf(arena, "%s%s", prefix, rec->topic ? rec->topic : "");
    return KC_OK;
}

static void kc_example_destroy(void *ctx)
{
    kc_free(ctx);
}

static const char *const kc_example_aliases[] = {"PrefixTopic", NULL};

static const struct kc_transform_plugin kc_example_transform = {
    KC_PLUGIN_INIT(struct kc_transform_plugin),
    .name = "TopicPrefix",
    .class_name = "io.kconnect.example.TopicPrefix",
    .aliases = kc_example_aliases,
    .version = "1.0.0",
    .config_def = kc_example_config,
    .configure = kc_example_configure,
    .apply = kc_example_apply,
    .destroy = kc_example_destroy,
};

KC_EXPORT kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err);

kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err)
{
    return kc_registry_add(reg, KC_PLUGIN_TRANSFORM, &kc_example_transform,
                           err);
}
