/*
 * The built-in plugins. Each area registers its descriptors through one
 * function; add a row here when an area gains one.
 */
#include "kc_internal.h"

#include "plugins/kc_registry.h"

typedef kc_err_t (*kc_register_fn)(kc_registry_t *reg, kc_error_t *err);

static const kc_register_fn kc_builtin_areas[] = {
    NULL /* keep last */
};

kc_err_t kc_registry_add_builtins(kc_registry_t *reg, kc_error_t *err)
{
    for (size_t i = 0; kc_builtin_areas[i] != NULL; i++) {
        kc_err_t rc = kc_builtin_areas[i](reg, err);

        if (rc != KC_OK) {
            return rc;
        }
    }
    return KC_OK;
}
