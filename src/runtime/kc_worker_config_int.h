/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the worker's config table (kc_worker_config.c) and the connector's
 * (kc_connector_config.c) share. Private to those two files.
 */
#ifndef KC_RUNTIME_KC_WORKER_CONFIG_INT_H
#define KC_RUNTIME_KC_WORKER_CONFIG_INT_H

#include "kc_internal.h"

#include "runtime/kc_worker_config.h"

#define HIGH   KC_IMPORTANCE_HIGH
#define MEDIUM KC_IMPORTANCE_MEDIUM
#define LOW    KC_IMPORTANCE_LOW

/* Apache's NonEmptyStringWithoutControlChars, the validator of "name". */
kc_err_t kc_worker_config_check_name(const kc_config_def_t *def,
                                     const char *value, kc_error_t *err);

/* @p s is NULL, empty or only white space. */
bool kc_worker_config_is_blank(const char *s);

#endif /* KC_RUNTIME_KC_WORKER_CONFIG_INT_H */
