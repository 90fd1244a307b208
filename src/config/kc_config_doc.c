/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include "config/kc_config_doc.h"
#include "config/kc_config_parse.h"

static const char *const kc_importance_names[] = {
    [KC_IMPORTANCE_HIGH] = "high",
    [KC_IMPORTANCE_MEDIUM] = "medium",
    [KC_IMPORTANCE_LOW] = "low",
};

/* A number as Apache prints the Range bound (an Integer or a Double). */
static void kc_doc_bound(const kc_config_def_t *def, double v, kc_buf_t *out)
{
    char text[64];

    if (def->type == KC_CFG_DOUBLE) {
        kc_cfg_format_double(v, text, sizeof(text));
    } else {
        snprintf(text, sizeof(text), "%.0f", v);
    }
    kc_buf_puts(out, text);
}

void kc_config_doc_valid_values(const kc_config_def_t *def, kc_buf_t *out)
{
    bool has_min = def->flags & KC_CFG_F_MIN;
    bool has_max = def->flags & KC_CFG_F_MAX;

    if (has_min || has_max) {
        kc_buf_putc(out, '[');
        if (has_min) {
            kc_doc_bound(def, def->min, out);
            kc_buf_puts(out, ",...");
        } else {
            kc_buf_puts(out, "...");
        }
        if (has_max) {
            kc_buf_putc(out, ',');
            kc_doc_bound(def, def->max, out);
        }
        kc_buf_putc(out, ']');
    } else if (def->valid_values != NULL) {
        if (def->flags & KC_CFG_F_NOCASE) {
            kc_buf_puts(out, "(case insensitive) ");
        }
        kc_buf_putc(out, '[');
        for (size_t i = 0; def->valid_values[i] != NULL; i++) {
            kc_buf_printf(out, "%s%s", i ? ", " : "", def->valid_values[i]);
        }
        kc_buf_putc(out, ']');
    } else if (def->flags & KC_CFG_F_NONEMPTY) {
        kc_buf_puts(out, "non-empty string");
    }
}

/* Table cells: a '|' or a line break would end the cell or the row. */
static void kc_doc_cell(kc_buf_t *out, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (*s == '|') {
            kc_buf_puts(out, "\\|");
        } else if (*s == '\n') {
            kc_buf_puts(out, "<br>");
        } else if (*s != '\r') {
            kc_buf_putc(out, *s);
        }
    }
}

kc_err_t kc_config_doc_markdown(const char *title, const kc_config_def_t *defs,
                                kc_buf_t *out)
{
    kc_buf_t valid;

    if (title != NULL) {
        kc_buf_printf(out, "## %s\n\n", title);
    }
    kc_buf_puts(out, "| Name | Description | Type | Default | Valid Values "
                     "| Importance |\n"
                     "| --- | --- | --- | --- | --- | --- |\n");
    kc_buf_init(&valid, 0);
    for (int imp = KC_IMPORTANCE_HIGH; imp <= KC_IMPORTANCE_LOW; imp++) {
        for (const kc_config_def_t *def = defs; def->name != NULL; def++) {
            if ((int)def->importance != imp) {
                continue;
            }
            kc_buf_puts(out, "| `");
            kc_doc_cell(out, def->name);
            kc_buf_puts(out, "` | ");
            kc_doc_cell(out, def->doc);
            kc_buf_printf(out, " | %s | ", kc_cfg_type_name(def->type));
            if (def->flags & KC_CFG_F_REQUIRED) {
                /* Apache shows nothing for a key without a default */
            } else if (def->default_value == NULL) {
                kc_buf_puts(out, "null");
            } else if (kc_config_def_is_secret(def)) {
                kc_buf_puts(out, KC_CONFIG_HIDDEN);
            } else if (def->default_value[0] == '\0') {
                kc_buf_puts(out, "\"\"");
            } else {
                kc_doc_cell(out, def->default_value);
            }
            kc_buf_puts(out, " | ");
            kc_buf_reset(&valid);
            kc_config_doc_valid_values(def, &valid);
            kc_doc_cell(out, kc_buf_cstr(&valid));
            kc_buf_printf(out, " | %s |\n", kc_importance_names[imp]);
        }
    }
    kc_buf_release(&valid);
    kc_buf_putc(out, '\n');
    return out->max != 0 && out->len >= out->max ? KC_ERR_TOO_LARGE : KC_OK;
}
