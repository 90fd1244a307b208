/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include "config/kc_config_doc.h"
#include "plugins/kc_registry_doc.h"
#include "distributed/kc_distributed_config.h"
#include "runtime/kc_worker_config.h"

static const char *const kc_kind_titles[KC_PLUGIN_KIND_COUNT] = {
    [KC_PLUGIN_SOURCE] = "Source connectors",
    [KC_PLUGIN_SINK] = "Sink connectors",
    [KC_PLUGIN_CONVERTER] = "Converters",
    [KC_PLUGIN_HEADER_CONVERTER] = "Header converters",
    [KC_PLUGIN_TRANSFORM] = "Transformations",
    [KC_PLUGIN_PREDICATE] = "Predicates",
};

kc_err_t kc_registry_doc_markdown(const kc_registry_t *reg, kc_buf_t *out)
{
    for (int k = 0; k < KC_PLUGIN_KIND_COUNT; k++) {
        size_t n = kc_registry_count(reg, (kc_plugin_kind_t)k);

        if (n == 0) {
            continue;
        }
        kc_buf_printf(out, "## %s\n\n", kc_kind_titles[k]);
        for (size_t i = 0; i < n; i++) {
            const kc_plugin_head_t *head =
                kc_registry_at(reg, (kc_plugin_kind_t)k, i);
            size_t mark;

            kc_buf_printf(out, "### %s\n\n", head->name);
            mark = out->len;
            if (head->class_name != NULL) {
                kc_buf_printf(out, "Class: `%s`", head->class_name);
            }
            for (size_t a = 0; head->aliases && head->aliases[a]; a++) {
                kc_buf_printf(
                    out, "%s`%s`",
                    a ? ", " : (out->len > mark ? "; aliases: " : "Aliases: "),
                    head->aliases[a]);
            }
            if (head->version != NULL) {
                kc_buf_printf(out, "%s",
                              out->len > mark ? "; version " : "Version ");
                kc_buf_puts(out, head->version);
            }
            if (out->len > mark) {
                kc_buf_puts(out, "\n\n");
            }
            if (head->config_def != NULL && head->config_def[0].name) {
                kc_err_t rc =
                    kc_config_doc_markdown(NULL, head->config_def, out);

                if (rc != KC_OK) {
                    return rc;
                }
            } else {
                kc_buf_puts(out, "No configuration of its own.\n\n");
            }
        }
    }
    return out->max != 0 && out->len >= out->max ? KC_ERR_TOO_LARGE : KC_OK;
}

kc_err_t kc_configuration_doc_markdown(kc_buf_t *out, kc_error_t *err)
{
    static const struct {
        const char *title;
        const char *intro;
    } parts[] = {
        {"Worker", "Keys of the worker's properties file (`kconnect standalone "
                   "WORKER.properties ...`). Keys starting with `producer.`, "
                   "`consumer.` and `admin.` go to the Kafka clients."},
        {"Standalone worker", "Keys only a standalone worker reads."},
        {"Distributed worker",
         "Keys only a distributed worker reads (`kconnect distributed "
         "WORKER.properties`, Apache's DistributedConfig). What distributed "
         "mode does not do yet is listed in docs/compat.md."},
        {"All connectors", "Keys every connector takes, beside its own."},
        {"All source connectors", "Keys every source connector takes."},
        {"All sink connectors", "Keys every sink connector takes."},
    };
    const kc_config_def_t *tables[6];
    kc_registry_t *reg;
    kc_err_t rc = KC_OK;

    tables[0] = kc_worker_common_config_def();
    tables[1] = kc_standalone_config_def();
    tables[2] = kc_distributed_config_def();
    tables[3] = kc_connector_common_def();
    tables[4] = kc_source_connector_def();
    tables[5] = kc_sink_connector_def();
    kc_buf_puts(out,
                "# Configuration reference\n\n"
                "<!-- Generated from the config tables by build/kc_config_doc "
                "(make config-doc); do not edit. -->\n\n");
    for (size_t i = 0; i < KC_ARRAY_LEN(parts) && rc == KC_OK; i++) {
        kc_buf_printf(out, "## %s\n\n%s\n\n", parts[i].title, parts[i].intro);
        rc = kc_config_doc_markdown(NULL, tables[i], out);
    }
    if (rc != KC_OK) {
        return kc_error_set(err, rc, "could not document config: too large");
    }
    reg = kc_registry_new();
    rc = kc_registry_add_builtins(reg, err);
    if (rc == KC_OK) {
        rc = kc_registry_doc_markdown(reg, out);
        if (rc != KC_OK) {
            kc_error_set(err, rc, "could not document plugins: too large");
        }
    }
    kc_registry_destroy(reg);
    return rc;
}
