/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The herder core's offsets and topics ops (GET/PATCH/DELETE
 * .../offsets, GET/PUT .../topics): split from kc_herder_core.c to keep
 * each file readable; the reads run in the worker.
 */
#include "kc_internal.h"

#include "herder/kc_herder_core.h"

kc_err_t kc_op_topics(kc_herder_t *h, kc_op_t *op)
{
    json_t *entry;

    if (!kc_worker_conf(h->w)->topic_tracking_enable) {
        return kc_error_set(&op->err, KC_ERR_UNSUPPORTED,
                            "Topic tracking is disabled.");
    }
    if (kc_herder_find(h, op->name) != NULL) {
        return kc_worker_topics(h->w, op->name, &op->out, &op->err);
    }
    /* As Apache: an unknown connector has no active topics. */
    op->out = json_object();
    entry = json_object();
    json_object_set_new(entry, "topics", json_array());
    json_object_set_new(op->out, op->name, entry);
    return KC_OK;
}

kc_err_t kc_op_topics_reset(kc_herder_t *h, kc_op_t *op)
{
    if (!kc_worker_conf(h->w)->topic_tracking_enable) {
        return kc_error_set(&op->err, KC_ERR_UNSUPPORTED,
                            "Topic tracking is disabled.");
    }
    if (!kc_worker_conf(h->w)->topic_tracking_allow_reset) {
        return kc_error_set(&op->err, KC_ERR_UNSUPPORTED,
                            "Topic tracking reset is disabled.");
    }
    if (kc_herder_find(h, op->name) != NULL) {
        kc_worker_topics_reset(h->w, op->name);
    }
    return KC_OK;
}

static json_t *kc_message(const char *text)
{
    json_t *o = json_object();

    json_object_set_new(o, "message", json_string(text));
    return o;
}

kc_err_t kc_op_offsets(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    kc_err_t rc;

    if (c == NULL) {
        return kc_not_found(op);
    }
    if (op->type == KC_OP_OFFSETS) {
        /* Only the lookup runs here; kc_herder_offsets reads. */
        op->out = kc_hconn_config_json(h, c);
        return KC_OK;
    }
    if (op->type == KC_OP_ALTER_OFFSETS) {
        json_t *list = json_object_get(op->in, "offsets");

        if (!json_is_array(list) || json_array_size(list) == 0) {
            return kc_error_set(&op->err, KC_ERR_INVALID,
                                "Partitions / offsets need to be provided "
                                "for an alter offsets request");
        }
    }
    if (c->target != KC_TARGET_STOPPED || c->ntasks != 0) {
        return kc_error_set(
            &op->err, KC_ERR_INVALID,
            "Connectors must be in the STOPPED state before their offsets "
            "can be modified. This can be done for the specified connector "
            "by issuing a 'PUT' request to the '/connectors/%s/stop' "
            "endpoint",
            c->name);
    }
    if (op->type == KC_OP_ALTER_OFFSETS) {
        rc =
            kc_worker_alter_offsets(h->w, c->name, c->config, op->in, &op->err);
        if (rc == KC_OK) {
            op->out = kc_message("The offsets for this connector have been "
                                 "altered successfully");
        }
    } else {
        rc = kc_worker_reset_offsets(h->w, c->name, c->config, &op->err);
        if (rc == KC_OK) {
            op->out = kc_message("The offsets for this connector have been "
                                 "reset successfully");
        }
    }
    return rc;
}
