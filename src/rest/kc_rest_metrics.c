/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET /metrics (see kc_rest_metrics.h). The scrape holds the registry's
 * lock while it reads, never a task's lock across a batch.
 */
#include "kc_internal.h"

#include "rest/kc_rest_metrics.h"

#include "rest/kc_rest_routes.h"

/* Prometheus 3 refuses a scrape whose content type it cannot parse. */
#define KC_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

static void kc_h_metrics(kc_rest_ctx_t *ctx)
{
    size_t len = 0;
    char *text = kc_metrics_render(ctx->opaque, &len);

    kc_rest_response_set_data(ctx->resp, 200, KC_PROM_CONTENT_TYPE, text, len);
    kc_free(text);
}

kc_err_t kc_rest_metrics_mount(kc_rest_server_t *srv, kc_metrics_t *m,
                               kc_error_t *err)
{
    kc_rest_route_def_t row = {.method = "GET",
                               .pattern = "/metrics",
                               .handler = kc_h_metrics,
                               .access = KC_REST_EVERYWHERE,
                               .opaque = m};

    return kc_rest_server_mount(srv, &row, err);
}
