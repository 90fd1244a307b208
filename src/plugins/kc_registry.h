/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin registry: built-in descriptors plus those loaded from shared
 * objects under plugin.path. Lookup by short name, Java class name or alias.
 */
#ifndef KC_PLUGINS_KC_REGISTRY_H
#define KC_PLUGINS_KC_REGISTRY_H

#include <kconnect/plugin.h>

/** @brief An empty registry. */
kc_registry_t *kc_registry_new(void);
/** @brief Unloads shared objects; NULL is a no-op. */
void kc_registry_destroy(kc_registry_t *reg);
/** @brief Register every built-in plugin (src/plugins/kc_builtin_plugins.c). */
kc_err_t kc_registry_add_builtins(kc_registry_t *reg, kc_error_t *err);
/**
 * @brief Load every shared object (*.so) in the comma-separated folders of
 * @p plugin_path (a folder, or a folder of plugin folders, as Apache) and
 * call its kc_plugin_init. Errors name the file and what is wrong.
 */
kc_err_t kc_registry_load_path(kc_registry_t *reg, const char *plugin_path,
                               kc_error_t *err);
/** @brief Load one shared object. */
kc_err_t kc_registry_load_file(kc_registry_t *reg, const char *path,
                               kc_error_t *err);
/**
 * @brief Find a descriptor of @p kind by name, class name or alias (exact,
 * then case-insensitive on the short name; Apache also accepts the class's
 * simple name, e.g. "FileStreamSourceConnector"). NULL if none.
 * For connectors, KC_PLUGIN_SOURCE and KC_PLUGIN_SINK are searched as
 * asked; use kc_registry_find_connector for either.
 */
const void *kc_registry_find(const kc_registry_t *reg, kc_plugin_kind_t kind,
                             const char *name);
/** @brief A source or sink connector; @p kind (may be NULL) says which. */
const struct kc_connector_plugin *
kc_registry_find_connector(const kc_registry_t *reg, const char *name,
                           kc_plugin_kind_t *kind);
/** @brief Number of plugins of @p kind and the i-th (registration order). */
size_t kc_registry_count(const kc_registry_t *reg, kc_plugin_kind_t kind);
const kc_plugin_head_t *kc_registry_at(const kc_registry_t *reg,
                                       kc_plugin_kind_t kind, size_t i);

#endif /* KC_PLUGINS_KC_REGISTRY_H */
