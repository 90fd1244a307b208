/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include "connectors/file/kc_file_connectors.h"

kc_err_t kc_file_connectors_register(kc_registry_t *reg, kc_error_t *err)
{
    kc_err_t rc =
        kc_registry_add(reg, KC_PLUGIN_SOURCE, &kc_file_source_connector, err);

    if (rc == KC_OK) {
        rc = kc_registry_add(reg, KC_PLUGIN_SINK, &kc_file_sink_connector, err);
    }
    return rc;
}
