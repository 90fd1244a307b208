/*
 * The config reference of every registered plugin as Markdown (part of
 * the generated docs/CONFIGURATION.md).
 */
#ifndef KC_PLUGINS_KC_REGISTRY_DOC_H
#define KC_PLUGINS_KC_REGISTRY_DOC_H

#include <kconnect/kconnect.h>

#include "plugins/kc_registry.h"

/**
 * @brief Append to @p out one `## <kind> plugins` heading per plugin kind
 * that has plugins and, under it, a `### <name>` section per plugin (class
 * name, aliases, version, then its config table), in registration order.
 */
kc_err_t kc_registry_doc_markdown(const kc_registry_t *reg, kc_buf_t *out);

#endif /* KC_PLUGINS_KC_REGISTRY_DOC_H */
