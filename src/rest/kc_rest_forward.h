/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Distributed mode: a request only the leader may serve, sent on to it
 * (Apache's HerderRequestHandler.completeOrForwardRequest).
 */
#ifndef KC_REST_KC_REST_FORWARD_H
#define KC_REST_KC_REST_FORWARD_H

#include "rest/kc_rest_routes.h"

/* How long a forwarded request may take: Apache's REST request timeout. */
#define KC_REST_FORWARD_TIMEOUT_MS 90000

/**
 * @brief Answer a KC_REST_FORWARD route whose herder call failed with
 * @p rc / @p err, when the failure says the request belongs elsewhere:
 *  - KC_HERDER_F_NOT_LEADER: send the same method, path and body (with
 *    the Authorization header) to kc_herder_leader_url with forward=true
 *    when the request had no forward parameter, forward=false when it had
 *    forward=true, and answer what the leader answered; a request that
 *    came with forward=false, or no known leader, gets Apache's 409;
 *  - KC_HERDER_F_NOT_ASSIGNED: the same, to the URL of the worker that
 *    runs the task (kc_herder_owner_url) instead of the leader;
 *  - KC_HERDER_F_REBALANCING: Apache's 409 for a stale configuration.
 * Only a URL the group announced is ever contacted; the client's input
 * chooses the path and query, never the host.
 * @returns true when @p ctx->resp was filled, false when the failure is
 * an ordinary one (the caller answers it).
 */
bool kc_rest_forward(kc_rest_ctx_t *ctx, kc_err_t rc, const kc_error_t *err);

/**
 * @brief The URL a request for @p path (percent-encoded, from the
 * request line) is forwarded to: @p leader (any trailing '/' dropped),
 * @p path with bytes outside RFC 3986's path characters escaped, then
 * "?forward=<forward>" and @p query (already encoded, may be NULL or "").
 * Caller frees.
 */
char *kc_rest_forward_url(const char *leader, const char *path, bool forward,
                          const char *query);

#endif /* KC_REST_KC_REST_FORWARD_H */
