/* SPDX-License-Identifier: Apache-2.0 */
/* Signed requests to the leader (kc_leader_client.h). */
#include "kc_internal.h"

#include "distributed/kc_leader_client.h"
#include "distributed/kc_request_sig.h"
#include "util/kc_str.h"

/* "<leader>/connectors/<connector, escaped>/<what>" */
static char *kc_leader_url(const char *leader, const char *connector,
                           const char *what)
{
    size_t n = strlen(leader);
    kc_buf_t buf;

    while (n > 0 && leader[n - 1] == '/') {
        n--;
    }
    kc_buf_init(&buf, 0);
    kc_buf_append(&buf, leader, n);
    kc_buf_puts(&buf, "/connectors/");
    kc_str_pct_encode(&buf, connector, NULL);
    kc_buf_printf(&buf, "/%s", what);
    return kc_buf_detach(&buf, NULL);
}

static kc_err_t kc_leader_call(kc_rest_client_t *client, const char *method,
                               const char *url, const char *body,
                               const kc_leader_signer_t *signer,
                               int64_t timeout_ms, kc_error_t *err)
{
    char *hdrs[2] = {NULL, NULL};
    size_t nhdrs = 0;
    kc_rest_reply_t reply;
    kc_err_t rc;

    if (signer != NULL && signer->key != NULL) {
        /* Apache signs the serialised body, or nothing for no body. */
        rc = kc_request_sig_headers(signer->algorithm, signer->key,
                                    signer->key_len, body,
                                    body != NULL ? strlen(body) : 0, hdrs, err);
        if (rc != KC_OK) {
            return rc;
        }
        nhdrs = 2;
    }
    rc = kc_rest_client_call(
        client, method, url, body, body != NULL ? strlen(body) : 0,
        (const char *const *)hdrs, nhdrs, timeout_ms, &reply, err);
    kc_free(hdrs[0]);
    kc_free(hdrs[1]);
    if (rc != KC_OK) {
        kc_rest_reply_release(&reply);
        return rc;
    }
    if (reply.status < 200 || reply.status >= 300) {
        json_t *b = json_loadb(reply.body, reply.body_len, 0, NULL);
        const char *msg = json_string_value(json_object_get(b, "message"));

        rc = kc_error_set(err,
                          reply.status == 404   ? KC_ERR_NOT_FOUND
                          : reply.status == 409 ? KC_ERR_CONFLICT
                          : reply.status < 500  ? KC_ERR_INVALID
                                                : KC_ERR,
                          "%s %s: the leader answered %d%s%s", method, url,
                          reply.status, msg != NULL ? ": " : "",
                          msg != NULL ? msg : "");
        json_decref(b);
    }
    kc_rest_reply_release(&reply);
    return rc;
}

kc_err_t kc_leader_put_task_configs(kc_rest_client_t *client,
                                    const char *leader_url,
                                    const char *connector, json_t *tasks,
                                    const kc_leader_signer_t *signer,
                                    int64_t timeout_ms, kc_error_t *err)
{
    char *url;
    char *body;
    kc_err_t rc;

    if (leader_url == NULL || *leader_url == '\0') {
        return kc_error_set(err, KC_ERR,
                            "Request to leader to reconfigure connector "
                            "tasks failed because the URL of the leader's "
                            "REST interface is empty!");
    }
    body = json_dumps(tasks, JSON_COMPACT | JSON_ENCODE_ANY);
    if (body == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not serialise the task configs of %s",
                            connector);
    }
    url = kc_leader_url(leader_url, connector, "tasks");
    rc = kc_leader_call(client, "POST", url, body, signer, timeout_ms, err);
    kc_free(url);
    free(body); /* allocated by jansson */
    return rc;
}

kc_err_t kc_leader_fence_zombies(kc_rest_client_t *client,
                                 const char *leader_url, const char *connector,
                                 const kc_leader_signer_t *signer,
                                 int64_t timeout_ms, kc_error_t *err)
{
    char *url;
    kc_err_t rc;

    if (leader_url == NULL || *leader_url == '\0') {
        return kc_error_set(err, KC_ERR,
                            "the URL of the leader's REST interface is "
                            "empty");
    }
    url = kc_leader_url(leader_url, connector, "fence");
    rc = kc_leader_call(client, "PUT", url, NULL, signer, timeout_ms, err);
    kc_free(url);
    return rc;
}
