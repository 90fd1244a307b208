/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The 4.1 `*.plugin.version` keys (connector.plugin.version,
 * key/value/header.converter.plugin.version, transforms.<a>.plugin.version,
 * predicates.<a>.plugin.version): a version or a Maven version range the
 * plugin's version must match, checked as Apache checks it.
 */
#ifndef KC_PLUGINS_KC_PLUGIN_VERSION_H
#define KC_PLUGINS_KC_PLUGIN_VERSION_H

#include <stdbool.h>
#include <stddef.h>

/**
 * @brief Does @p version satisfy @p requirement: a plain version (which
 * Apache turns into the hard range [v,v]) or a range such as "[1.0,5.0)",
 * "[4.1,)", "(,4.0]"? Versions compare segment by segment, numerically
 * where both segments are numbers.
 */
bool kc_plugin_version_matches(const char *requirement, const char *version);

/**
 * @brief Apache's message when plugin @p cls has no version matching
 * @p requirement; @p version is listed @p copies times, as Apache lists one
 * entry per place the class was found (a converter that is also a header
 * converter: twice). NULL when it matches. Caller frees.
 */
char *kc_plugin_version_mismatch(const char *cls, const char *requirement,
                                 const char *version, size_t copies);

#endif /* KC_PLUGINS_KC_PLUGIN_VERSION_H */
