/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connector config files of `kconnect standalone`.
 */
#include "kc_internal.h"

#include "cli/kc_connector_file.h"

/*
 * Jackson reads JSON scalars into a Map<String,String> as their text; an
 * object or array value means the file is not a flat config.
 */
static json_t *flat_strings(json_t *obj)
{
    json_t *out = json_object();
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v)
    {
        char num[64];

        if (json_is_string(v)) {
            json_object_set_new(out, key, json_string(json_string_value(v)));
        } else if (json_is_integer(v)) {
            snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                     json_integer_value(v));
            json_object_set_new(out, key, json_string(num));
        } else if (json_is_real(v)) {
            snprintf(num, sizeof(num), "%.17g", json_real_value(v));
            json_object_set_new(out, key, json_string(num));
        } else if (json_is_boolean(v)) {
            json_object_set_new(
                out, key, json_string(json_is_true(v) ? "true" : "false"));
        } else if (json_is_null(v)) {
            continue; /* an unset key */
        } else {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static kc_err_t missing_name(const char *path, kc_error_t *err)
{
    return kc_error_set(err, KC_ERR_INVALID,
                        "Connector configuration at '%s' is missing the "
                        "mandatory 'name' configuration",
                        path);
}

static kc_err_t from_request(const char *path, json_t *doc,
                             kc_connector_file_t *out, kc_error_t *err)
{
    json_t *name = json_object_get(doc, "name");
    json_t *config = json_object_get(doc, "config");
    json_t *state = json_object_get(doc, "initial_state");
    json_t *flat;
    json_t *cname;

    if (!json_is_object(config)) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not parse connector configuration file "
                            "'%s': expected a JSON object of strings or "
                            "{\"name\": ..., \"config\": {...}}",
                            path);
    }
    flat = flat_strings(config);
    if (flat == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not parse connector configuration file "
                            "'%s': \"config\" values must be strings",
                            path);
    }
    cname = json_object_get(flat, "name");
    if (!json_is_string(name) && !json_is_string(cname)) {
        json_decref(flat);
        return missing_name(path, err);
    }
    if (json_is_string(name) && json_is_string(cname) &&
        strcmp(json_string_value(name), json_string_value(cname)) != 0) {
        json_decref(flat);
        return kc_error_set(err, KC_ERR_INVALID,
                            "Connector name configuration in 'config' "
                            "doesn't match the one specified in 'name' at "
                            "'%s'",
                            path);
    }
    if (json_is_string(state)) {
        const char *s = json_string_value(state);

        if (strcmp(s, "RUNNING") != 0 && strcmp(s, "PAUSED") != 0 &&
            strcmp(s, "STOPPED") != 0) {
            json_decref(flat);
            return kc_error_set(err, KC_ERR_INVALID,
                                "invalid initial_state \"%s\" in '%s': "
                                "expected RUNNING, PAUSED or STOPPED",
                                s, path);
        }
        out->initial_state = kc_strdup(s);
    }
    if (!json_is_string(cname)) {
        json_object_set_new(flat, "name", json_string(json_string_value(name)));
    }
    out->name = kc_strdup(json_string_value(json_object_get(flat, "name")));
    out->config = flat;
    return KC_OK;
}

static kc_err_t from_properties(const char *path, kc_connector_file_t *out,
                                kc_error_t *err)
{
    kc_props_t *props = kc_props_new();
    const char *name;

    if (kc_props_load_file(props, path, err) != KC_OK) {
        kc_props_destroy(props);
        return err->code;
    }
    name = kc_props_get(props, "name");
    if (name == NULL) {
        kc_props_destroy(props);
        return missing_name(path, err);
    }
    out->name = kc_strdup(name);
    out->config = json_object();
    for (size_t i = 0; i < kc_props_count(props); i++) {
        json_object_set_new(out->config, kc_props_key_at(props, i),
                            json_string(kc_props_value_at(props, i)));
    }
    kc_props_destroy(props);
    return KC_OK;
}

kc_err_t kc_connector_file_load(const char *path, kc_connector_file_t *out,
                                kc_error_t *err)
{
    json_error_t jerr;
    json_t *doc;
    kc_err_t rc;

    memset(out, 0, sizeof(*out));
    doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL && jerr.line == -1 && jerr.position == 0) {
        /* Could not open it at all. */
        return kc_error_set(err, KC_ERR_NOT_FOUND,
                            "could not read connector configuration file "
                            "'%s': %s",
                            path, jerr.text);
    }
    if (json_is_object(doc)) {
        json_t *flat = flat_strings(doc);

        if (flat != NULL) {
            json_decref(doc);
            if (!json_is_string(json_object_get(flat, "name"))) {
                json_decref(flat);
                return missing_name(path, err);
            }
            out->name =
                kc_strdup(json_string_value(json_object_get(flat, "name")));
            out->config = flat;
            return KC_OK;
        }
        rc = from_request(path, doc, out, err);
        json_decref(doc);
        return rc;
    }
    json_decref(doc);
    return from_properties(path, out, err);
}

void kc_connector_file_release(kc_connector_file_t *cf)
{
    kc_free(cf->name);
    json_decref(cf->config);
    kc_free(cf->initial_state);
    memset(cf, 0, sizeof(*cf));
}
