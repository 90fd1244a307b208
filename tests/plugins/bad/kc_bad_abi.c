/* SPDX-License-Identifier: Apache-2.0 */
/* A plugin built for another ABI: the loader must refuse it. */
#include <kconnect/kconnect.h>

static kc_err_t kc_bad_configure(void **ctx, const kc_props_t *config,
                                 kc_error_t *err)
{
    (void)ctx;
    (void)config;
    (void)err;
    return KC_OK;
}

static kc_err_t kc_bad_test(void *ctx, const kc_record_t *rec, bool *result,
                            kc_error_t *err)
{
    (void)ctx;
    (void)rec;
    (void)err;
    *result = true;
    return KC_OK;
}

static void kc_bad_destroy(void *ctx)
{
    (void)ctx;
}

static const struct kc_predicate_plugin kc_bad_predicate = {
    .abi_version = KC_ABI_VERSION + 98,
    .struct_size = sizeof(struct kc_predicate_plugin),
    .name = "FromTheFuture",
    .configure = kc_bad_configure,
    .test = kc_bad_test,
    .destroy = kc_bad_destroy,
};

KC_EXPORT kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err);

kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err)
{
    return kc_registry_add(reg, KC_PLUGIN_PREDICATE, &kc_bad_predicate, err);
}
