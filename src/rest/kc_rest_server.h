/* SPDX-License-Identifier: Apache-2.0 */
/* The REST API server (libmicrohttpd) in front of a herder. */
#ifndef KC_REST_KC_REST_SERVER_H
#define KC_REST_KC_REST_SERVER_H

#include <kconnect/config.h>

#include "herder/kc_herder.h"
#include "rest/kc_rest_routes.h"

typedef struct kc_rest_server kc_rest_server_t;

/**
 * @brief Listen on the worker's `listeners` (default http://:8083; port 0
 * picks a free port) and serve the Connect REST API from @p h (borrowed).
 */
kc_rest_server_t *kc_rest_server_new(kc_herder_t *h,
                                     const kc_config_t *worker_config,
                                     kc_error_t *err);
/** @brief The port actually bound (useful with port 0). */
int kc_rest_server_port(const kc_rest_server_t *srv);
/** @brief The advertised URL, e.g. "http://127.0.0.1:8083/". */
const char *kc_rest_server_url(const kc_rest_server_t *srv);
/**
 * @brief Serve @p row (copied; its strings and opaque are borrowed and must
 * outlive @p srv) on the listeners its access selects, beside the built-in
 * table. Safe while requests are served. KC_ERR_INVALID for a malformed
 * or overlapping row (see kc_rest_mounts_add).
 */
kc_err_t kc_rest_server_mount(kc_rest_server_t *srv,
                              const kc_rest_route_def_t *row, kc_error_t *err);
/** @brief Stop listening and free; NULL is a no-op. */
void kc_rest_server_destroy(kc_rest_server_t *srv);

#endif /* KC_REST_KC_REST_SERVER_H */
