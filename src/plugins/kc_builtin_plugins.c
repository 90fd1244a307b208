/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in plugins. Each area registers its descriptors through one
 * function; add a row here when an area gains one.
 */
#include "kc_internal.h"

#include "plugins/kc_registry.h"
#include "connectors/file/kc_file_connectors.h"
#include "connectors/jdbc/kc_jdbc_connectors.h"
#include "connectors/verifiable/kc_verifiable_connectors.h"
#include "converters/kc_converters.h"
#include "transforms/kc_transforms.h"

typedef kc_err_t (*kc_register_fn)(kc_registry_t *reg, kc_error_t *err);

static const kc_register_fn kc_builtin_areas[] = {
    kc_file_connectors_register,
    kc_jdbc_connectors_register,
    kc_verifiable_connectors_register,
    kc_converters_register,
    kc_transforms_register,
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
