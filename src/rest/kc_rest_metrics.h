/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET /metrics: the worker's metrics in the Prometheus text format, on
 * every listener (main and admin.listeners).
 */
#ifndef KC_REST_KC_REST_METRICS_H
#define KC_REST_KC_REST_METRICS_H

#include "kc_internal.h"

#include "metrics/kc_metrics.h"
#include "rest/kc_rest_server.h"

/**
 * @brief Mount GET /metrics on @p srv, reading @p m (borrowed; it must
 * outlive @p srv).
 */
kc_err_t kc_rest_metrics_mount(kc_rest_server_t *srv, kc_metrics_t *m,
                               kc_error_t *err);

#endif /* KC_REST_KC_REST_METRICS_H */
