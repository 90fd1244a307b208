/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /admin/loggers, as Apache's LoggingResource: list known loggers, read
 * one, set a level for a logger and every known logger below it.
 */
#ifndef KC_REST_KC_REST_LOGGERS_H
#define KC_REST_KC_REST_LOGGERS_H

#include "rest/kc_rest_routes.h"

/**
 * @brief Make kconnect's loggers known under their Apache class names (once;
 * the handlers call it first, so they are listed before they log).
 */
void kc_rest_loggers_init(void);
/** @brief GET /admin/loggers: {"name":{"level","last_modified"}, ...}. */
void kc_rest_loggers_list(kc_rest_response_t *resp);
/** @brief GET /admin/loggers/{logger}; 404 for an unknown logger. */
void kc_rest_loggers_get(const char *logger, kc_rest_response_t *resp);
/**
 * @brief PUT /admin/loggers/{logger} with body {"level": "DEBUG"}. @p scope
 * (may be NULL) is "worker" (200 and the sorted list of affected loggers)
 * or "cluster" (204; standalone: this worker is the cluster).
 */
void kc_rest_loggers_put(const char *logger, json_t *body, const char *scope,
                         kc_rest_response_t *resp);

#endif /* KC_REST_KC_REST_LOGGERS_H */
