#include "kc_internal.h"

#include "config/kc_config_doc.h"
#include "plugins/kc_registry_doc.h"

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
