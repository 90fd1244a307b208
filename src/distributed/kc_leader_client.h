/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a distributed worker sends the leader itself (not a forwarded
 * client request): its connectors' new task configs, signed with the
 * session key under connect.protocol=sessioned, and zombie fencing
 * requests (Apache's DistributedHerder.reconfigureConnector and
 * fenceZombieSourceTasks through RestClient). Blocking: call it off the
 * herder's thread, as Apache does on its forwardRequestExecutor.
 */
#ifndef KC_DISTRIBUTED_KC_LEADER_CLIENT_H
#define KC_DISTRIBUTED_KC_LEADER_CLIENT_H

#include <kconnect/common.h>

#include <jansson.h>

#include "rest/kc_rest_client.h"

/* How a request to the leader is signed; key NULL: not signed (the
 * eager/compatible protocols have no session key). Borrowed. */
typedef struct kc_leader_signer {
    const char *algorithm; /* inter.worker.signature.algorithm */
    const uint8_t *key;
    size_t key_len;
} kc_leader_signer_t;

/**
 * @brief POST @p tasks (a JSON array of string maps, borrowed) to
 * @p leader_url's /connectors/<connector>/tasks, signed by @p signer
 * (may be NULL), waiting at most @p timeout_ms. KC_OK for a 2xx answer;
 * else an error naming the leader's status and message (its error body),
 * or why it could not be reached, never the key. An empty @p leader_url
 * fails with Apache's "Request to leader to reconfigure connector tasks
 * failed because the URL of the leader's REST interface is empty!".
 */
kc_err_t kc_leader_put_task_configs(kc_rest_client_t *client,
                                    const char *leader_url,
                                    const char *connector, json_t *tasks,
                                    const kc_leader_signer_t *signer,
                                    int64_t timeout_ms, kc_error_t *err);

/**
 * @brief PUT @p leader_url's /connectors/<connector>/fence with no body,
 * signed by @p signer (may be NULL); as kc_leader_put_task_configs.
 */
kc_err_t kc_leader_fence_zombies(kc_rest_client_t *client,
                                 const char *leader_url, const char *connector,
                                 const kc_leader_signer_t *signer,
                                 int64_t timeout_ms, kc_error_t *err);

#endif /* KC_DISTRIBUTED_KC_LEADER_CLIENT_H */
