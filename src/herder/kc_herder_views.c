/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The herder core's JSON views (see kc_herder_core.h): a connector's info,
 * config and tasks, and the list with its expansions, read from the config
 * and status stores.
 */
#include "kc_internal.h"

#include "herder/kc_herder_autorestart.h"
#include "herder/kc_herder_core.h"

/* ---- JSON views ------------------------------------------------------- */

/*
 * The views read the config store, as Apache's herders answer from their
 * config snapshot: in distributed mode it is the truth, not the cache.
 */
json_t *kc_hconn_config_json(kc_herder_t *h, const kc_hconn_t *c)
{
    kc_props_t *config = NULL;
    json_t *o;

    if (kc_config_store_config(h->configs, c->name, &config) != KC_OK) {
        return json_object();
    }
    o = kc_props_json(config);
    kc_props_destroy(config);
    return o;
}

json_t *kc_hconn_info(kc_herder_t *h, const kc_hconn_t *c)
{
    json_t *o = json_object();
    json_t *tasks = json_array();
    kc_props_t **cfgs = NULL;
    size_t n = 0;

    kc_config_store_tasks(h->configs, c->name, &cfgs, &n);
    kc_tasks_free(cfgs, n);
    for (size_t i = 0; i < n; i++) {
        json_t *id = json_object();

        json_object_set_new(id, "connector", json_string(c->name));
        json_object_set_new(id, "task", json_integer((json_int_t)i));
        json_array_append_new(tasks, id);
    }
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "config", kc_hconn_config_json(h, c));
    json_object_set_new(o, "tasks", tasks);
    json_object_set_new(o, "type", json_string(kc_kind_type(c->kind)));
    return o;
}

json_t *kc_hconn_tasks(kc_herder_t *h, const kc_hconn_t *c)
{
    json_t *arr = json_array();
    kc_props_t **cfgs = NULL;
    size_t n = 0;

    kc_config_store_tasks(h->configs, c->name, &cfgs, &n);
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_object();
        json_t *id = json_object();

        json_object_set_new(id, "connector", json_string(c->name));
        json_object_set_new(id, "task", json_integer((json_int_t)i));
        json_object_set_new(t, "id", id);
        json_object_set_new(t, "config", kc_props_json(cfgs[i]));
        json_array_append_new(arr, t);
    }
    kc_tasks_free(cfgs, n);
    return arr;
}

static int kc_name_cmp(const void *a, const void *b)
{
    return strcmp((*(kc_hconn_t *const *)a)->name,
                  (*(kc_hconn_t *const *)b)->name);
}

kc_err_t kc_op_list(kc_herder_t *h, kc_op_t *op)
{
    if (h->nconns > 1) {
        qsort(h->conns, h->nconns, sizeof(*h->conns), kc_name_cmp);
    }
    if (op->flags == 0) {
        op->out = json_array();
        for (size_t i = 0; i < h->nconns; i++) {
            json_array_append_new(op->out, json_string(h->conns[i]->name));
        }
        return KC_OK;
    }
    op->out = json_object();
    for (size_t i = 0; i < h->nconns; i++) {
        kc_hconn_t *c = h->conns[i];
        json_t *entry = json_object();

        if (op->flags & KC_HERDER_EXPAND_STATUS) {
            json_t *st = NULL;

            if (kc_status_store_connector_json(h->status, c->name, &st, NULL) !=
                KC_OK) {
                /* As Apache: a connector without status is left out. */
                json_decref(entry);
                continue;
            }
            kc_autorestart_decorate(h, c->name, st);
            json_object_set_new(entry, "status", st);
        }
        if (op->flags & KC_HERDER_EXPAND_INFO) {
            json_object_set_new(entry, "info", kc_hconn_info(h, c));
        }
        json_object_set_new(op->out, c->name, entry);
    }
    return KC_OK;
}
