/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A transform without its mandatory apply callback, registered by an init
 * that ignores kc_registry_add's result: the loader must still fail.
 */
#include <kconnect/kconnect.h>

static kc_err_t kc_bad_configure(void **ctx, const kc_props_t *config,
                                 kc_error_t *err)
{
    (void)ctx;
    (void)config;
    (void)err;
    return KC_OK;
}

static void kc_bad_destroy(void *ctx)
{
    (void)ctx;
}

static const struct kc_transform_plugin kc_bad_transform = {
    KC_PLUGIN_INIT(struct kc_transform_plugin),
    .name = "NoApply",
    .configure = kc_bad_configure,
    .destroy = kc_bad_destroy,
};

KC_EXPORT kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err);

kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err)
{
    (void)err;
    kc_registry_add(reg, KC_PLUGIN_TRANSFORM, &kc_bad_transform, NULL);
    return KC_OK;
}
