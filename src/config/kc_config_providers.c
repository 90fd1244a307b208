/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Config providers: `${provider:[path:]key}` references in config values,
 * resolved by the providers a worker declares, as Apache Kafka's
 * ConfigTransformer with FileConfigProvider, DirectoryConfigProvider and
 * EnvVarConfigProvider.
 *
 * Apache leaves a reference unchanged when the provider, file or key does
 * not exist. kconnect fails instead, naming the key and the reference,
 * whenever the reference names a provider declared in config.providers:
 * a password silently set to the literal text "${file:...}" is worse than
 * a clear error. A reference to a provider that is not declared is left
 * as it is, as in Apache: such text is then just text (a SQL query, a
 * regex), not a reference.
 */
#include "kc_internal.h"

#include <sys/stat.h>

#include "util/kc_java_regex.h"
#include "util/kc_str.h"

#define KC_PROVIDERS_KEY "config.providers"
/* Largest file a ${dir:...} reference reads. */
#define KC_PROVIDER_MAX_FILE (16u * 1024 * 1024)

typedef enum kc_provider_kind {
    KC_PROVIDER_FILE,
    KC_PROVIDER_DIR,
    KC_PROVIDER_ENV,
    KC_PROVIDER_UNDEFINED /* declared without a class */
} kc_provider_kind_t;

static const struct {
    const char *class_name;
    kc_provider_kind_t kind;
} kc_provider_classes[] = {
    {"org.apache.kafka.common.config.provider.FileConfigProvider",
     KC_PROVIDER_FILE},
    {"org.apache.kafka.common.config.provider.DirectoryConfigProvider",
     KC_PROVIDER_DIR},
    {"org.apache.kafka.common.config.provider.EnvVarConfigProvider",
     KC_PROVIDER_ENV},
};

typedef struct kc_provider {
    char *name;
    kc_provider_kind_t kind;
    kc_strlist_t allowed;       /* normalised allowed.paths; empty = all */
    kc_java_regex_t *allowlist; /* NULL = every variable */
} kc_provider_t;

typedef struct kc_file_cache {
    char *path;
    kc_props_t *props;
} kc_file_cache_t;

typedef struct kc_resolver {
    kc_provider_t *providers;
    size_t count;
    kc_file_cache_t *files;
    size_t nfiles;
} kc_resolver_t;

static void kc_resolver_release(kc_resolver_t *res)
{
    for (size_t i = 0; i < res->count; i++) {
        kc_free(res->providers[i].name);
        kc_strlist_release(&res->providers[i].allowed);
        kc_java_regex_destroy(res->providers[i].allowlist);
    }
    kc_free(res->providers);
    for (size_t i = 0; i < res->nfiles; i++) {
        kc_free(res->files[i].path);
        kc_props_destroy(res->files[i].props);
    }
    kc_free(res->files);
}

/*
 * Lexical normalisation as Java's Path.normalize: drop "." and empty
 * components, fold "name/..". Caller frees.
 */
static char *kc_path_normalize(const char *path)
{
    kc_strlist_t parts = {0};
    const char *p = path;
    bool absolute = path[0] == '/';
    kc_buf_t out;

    while (*p != '\0') {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);

        if (len == 0 || (len == 1 && p[0] == '.')) {
            /* nothing */
        } else if (len == 2 && p[0] == '.' && p[1] == '.' && parts.count > 0 &&
                   strcmp(parts.items[parts.count - 1], "..") != 0) {
            kc_free(parts.items[--parts.count]);
        } else if (len == 2 && p[0] == '.' && p[1] == '.' && absolute) {
            /* "/.." is "/" */
        } else {
            kc_strlist_push_take(&parts, kc_strndup(p, len));
        }
        p += len;
        if (*p == '/') {
            p++;
        }
    }
    kc_buf_init(&out, 0);
    if (absolute) {
        kc_buf_putc(&out, '/');
    }
    for (size_t i = 0; i < parts.count; i++) {
        if (i > 0) {
            kc_buf_putc(&out, '/');
        }
        kc_buf_puts(&out, parts.items[i]);
    }
    kc_strlist_release(&parts);
    return kc_buf_detach(&out, NULL);
}

/* Java's Path.startsWith: whole components. */
static bool kc_path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    if (strcmp(dir, "/") == 0) {
        return path[0] == '/';
    }
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static kc_err_t kc_provider_configure(kc_provider_t *prov,
                                      const kc_props_t *worker, kc_error_t *err)
{
    char *key = kc_asprintf(KC_PROVIDERS_KEY ".%s.param.", prov->name);
    kc_props_t *params = kc_props_with_prefix(worker, key);
    const char *allowed = kc_props_get(params, "allowed.paths");
    const char *pattern = kc_props_get(params, "allowlist.pattern");
    kc_err_t rc = KC_OK;

    kc_free(key);
    if (prov->kind != KC_PROVIDER_ENV && allowed != NULL &&
        allowed[0] != '\0') {
        kc_strlist_t dirs = {0};

        /* Apache splits on bare commas without trimming; so do we */
        for (const char *p = allowed;;) {
            const char *comma = strchr(p, ',');
            char *one =
                comma ? kc_strndup(p, (size_t)(comma - p)) : kc_strdup(p);

            kc_strlist_push_take(&dirs, one);
            if (comma == NULL) {
                break;
            }
            p = comma + 1;
        }
        for (size_t i = 0; i < dirs.count && rc == KC_OK; i++) {
            char *norm = kc_path_normalize(dirs.items[i]);
            struct stat st;

            if (norm[0] != '/') {
                rc = kc_error_set(err, KC_ERR_INVALID,
                                  "Path %s is not absolute", norm);
            } else if (stat(norm, &st) != 0) {
                rc = kc_error_set(err, KC_ERR_INVALID, "Path %s does not exist",
                                  norm);
            }
            if (rc == KC_OK) {
                kc_strlist_push_take(&prov->allowed, norm);
            } else {
                kc_free(norm);
            }
        }
        kc_strlist_release(&dirs);
    }
    if (rc == KC_OK && prov->kind == KC_PROVIDER_ENV && pattern != NULL) {
        kc_error_t rerr = {0};

        prov->allowlist = kc_java_regex_new(pattern, &rerr);
        if (prov->allowlist == NULL) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "invalid allowlist.pattern \"%s\": %s", pattern,
                              rerr.msg);
        }
    }
    if (rc != KC_OK) {
        kc_error_prefix(err, "could not configure config provider \"%s\"",
                        prov->name);
    }
    kc_props_destroy(params);
    return rc;
}

static kc_err_t kc_resolver_init(kc_resolver_t *res, const kc_props_t *worker,
                                 kc_error_t *err)
{
    const char *list = kc_props_get(worker, KC_PROVIDERS_KEY);
    kc_strlist_t names = {0};
    kc_err_t rc = KC_OK;

    memset(res, 0, sizeof(*res));
    if (list == NULL) {
        return KC_OK;
    }
    kc_str_split_comma(list, &names);
    res->providers =
        kc_calloc(names.count ? names.count : 1, sizeof(kc_provider_t));
    for (size_t i = 0; i < names.count && rc == KC_OK; i++) {
        kc_provider_t *prov;
        char *key;
        const char *cls;

        if (names.items[i][0] == '\0') {
            continue;
        }
        prov = &res->providers[res->count++];
        prov->name = kc_strdup(names.items[i]);
        prov->kind = KC_PROVIDER_UNDEFINED;
        key = kc_asprintf(KC_PROVIDERS_KEY ".%s.class", prov->name);
        cls = kc_props_get(worker, key);
        if (cls != NULL) {
            char *trimmed = kc_str_trim_dup(cls, strlen(cls));

            for (size_t c = 0; c < KC_ARRAY_LEN(kc_provider_classes); c++) {
                const char *full = kc_provider_classes[c].class_name;

                if (strcmp(trimmed, full) == 0 ||
                    strcmp(trimmed, strrchr(full, '.') + 1) == 0) {
                    prov->kind = kc_provider_classes[c].kind;
                }
            }
            if (prov->kind == KC_PROVIDER_UNDEFINED) {
                rc = kc_error_set(err, KC_ERR_INVALID,
                                  "Invalid value %s for configuration %s: "
                                  "Class %s could not be found.",
                                  cls, key, trimmed);
            }
            kc_free(trimmed);
        }
        kc_free(key);
        if (rc == KC_OK && prov->kind != KC_PROVIDER_UNDEFINED) {
            rc = kc_provider_configure(prov, worker, err);
        }
    }
    kc_strlist_release(&names);
    return rc;
}

/* ---- lookups --------------------------------------------------------- */

/* The normalised path if allowed.paths permits it; caller frees. */
static char *kc_provider_path(const kc_provider_t *prov, const char *path,
                              kc_error_t *err)
{
    char *norm = kc_path_normalize(path);

    if (prov->allowed.count == 0) {
        kc_free(norm);
        return kc_strdup(path);
    }
    for (size_t i = 0; i < prov->allowed.count; i++) {
        if (norm[0] == '/' && kc_path_under(norm, prov->allowed.items[i])) {
            return norm;
        }
    }
    kc_free(norm);
    kc_error_set(err, KC_ERR_INVALID,
                 "the path %s is not allowed to be accessed (allowed.paths)",
                 path);
    return NULL;
}

static kc_err_t kc_lookup_file(kc_resolver_t *res, const kc_provider_t *prov,
                               const char *path, const char *key, char **out,
                               kc_error_t *err)
{
    kc_props_t *props = NULL;
    char *real;
    const char *value;

    if (path == NULL || path[0] == '\0') {
        return kc_error_set(err, KC_ERR_INVALID,
                            "a path is needed: ${%s:/path/to/file:%s}",
                            prov->name, key);
    }
    real = kc_provider_path(prov, path, err);
    if (real == NULL) {
        return KC_ERR_INVALID;
    }
    for (size_t i = 0; i < res->nfiles; i++) {
        if (strcmp(res->files[i].path, real) == 0) {
            props = res->files[i].props;
        }
    }
    if (props == NULL) {
        kc_error_t ferr;

        props = kc_props_new();
        if (kc_props_load_file(props, real, &ferr) != KC_OK) {
            kc_props_destroy(props);
            kc_free(real);
            return kc_error_set(err, ferr.code,
                                "Could not read properties from file %s: %s",
                                path, ferr.msg);
        }
        res->files =
            kc_realloc(res->files, (res->nfiles + 1) * sizeof(*res->files));
        res->files[res->nfiles].path = kc_strdup(real);
        res->files[res->nfiles].props = props;
        res->nfiles++;
    }
    kc_free(real);
    value = kc_props_get(props, key);
    if (value == NULL) {
        return kc_error_set(err, KC_ERR_NOT_FOUND, "no key \"%s\" in %s", key,
                            path);
    }
    *out = kc_strdup(value);
    return KC_OK;
}

static kc_err_t kc_lookup_dir(const kc_provider_t *prov, const char *path,
                              const char *key, char **out, kc_error_t *err)
{
    char *dir;
    char *file;
    struct stat st;
    FILE *fp;
    kc_buf_t buf;
    char chunk[4096];
    size_t n;
    kc_err_t rc = KC_OK;

    if (path == NULL || path[0] == '\0') {
        return kc_error_set(err, KC_ERR_INVALID,
                            "a path is needed: ${%s:/path/to/dir:%s}",
                            prov->name, key);
    }
    /* only files directly in the folder, as Apache lists it */
    if (key[0] == '\0' || strchr(key, '/') != NULL || strcmp(key, ".") == 0 ||
        strcmp(key, "..") == 0) {
        return kc_error_set(err, KC_ERR_INVALID, "\"%s\" is not a file name",
                            key);
    }
    dir = kc_provider_path(prov, path, err);
    if (dir == NULL) {
        return KC_ERR_INVALID;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        kc_free(dir);
        return kc_error_set(err, KC_ERR_NOT_FOUND,
                            "the path %s is not a directory", path);
    }
    file = kc_asprintf("%s/%s", dir, key);
    kc_free(dir);
    if (stat(file, &st) != 0 || !S_ISREG(st.st_mode) ||
        (fp = fopen(file, "rb")) == NULL) {
        kc_free(file);
        return kc_error_set(err, KC_ERR_NOT_FOUND, "no file \"%s\" in %s", key,
                            path);
    }
    kc_buf_init(&buf, KC_PROVIDER_MAX_FILE);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && rc == KC_OK) {
        if (kc_buf_append(&buf, chunk, n) != KC_OK) {
            rc = kc_error_set(err, KC_ERR_TOO_LARGE,
                              "file %s is larger than %u bytes", file,
                              KC_PROVIDER_MAX_FILE);
        }
    }
    if (rc == KC_OK && ferror(fp)) {
        rc = kc_error_set(err, KC_ERR_IO, "Could not read file %s: %s", file,
                          strerror(errno));
    }
    fclose(fp);
    if (rc == KC_OK && memchr(buf.data, '\0', buf.len) != NULL) {
        rc = kc_error_set(err, KC_ERR_INVALID, "file %s contains a NUL byte",
                          file);
    }
    kc_free(file);
    if (rc == KC_OK) {
        *out = kc_buf_detach(&buf, NULL);
    }
    kc_buf_release(&buf);
    return rc;
}

static kc_err_t kc_lookup_env(const kc_provider_t *prov, const char *path,
                              const char *key, char **out, kc_error_t *err)
{
    const char *value;

    if (path != NULL && path[0] != '\0') {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Path is not supported for EnvVarConfigProvider, "
                            "invalid value '%s'",
                            path);
    }
    /* Java's matches() is a whole-string match */
    if (prov->allowlist != NULL &&
        kc_java_regex_matches(prov->allowlist, key, err) != KC_OK) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "environment variable %s does not match "
                            "allowlist.pattern",
                            key);
    }
    value = getenv(key);
    if (value == NULL) {
        return kc_error_set(err, KC_ERR_NOT_FOUND,
                            "environment variable %s is not set", key);
    }
    *out = kc_strdup(value);
    return KC_OK;
}

static const kc_provider_t *kc_resolver_find(const kc_resolver_t *res,
                                             const char *name)
{
    for (size_t i = 0; i < res->count; i++) {
        if (strcmp(res->providers[i].name, name) == 0) {
            return &res->providers[i];
        }
    }
    return NULL;
}

/* ---- transforming values -------------------------------------------- */

/*
 * Rewrite @p value with its references resolved. @returns KC_OK with
 * *out set (NULL when nothing changed), or an error naming @p key.
 */
static kc_err_t kc_resolve_value(kc_resolver_t *res, const char *key,
                                 const char *value, char **out, kc_error_t *err)
{
    kc_buf_t buf;
    const char *done = value; /* copied up to here */
    const char *p = value;
    bool changed = false;
    kc_err_t rc = KC_OK;

    *out = NULL;
    kc_buf_init(&buf, 0);
    while ((p = strstr(p, "${")) != NULL) {
        const char *inner = p + 2;
        const char *close = strchr(inner, '}');
        const char *colon =
            close ? memchr(inner, ':', (size_t)(close - inner)) : NULL;
        const char *second;
        const kc_provider_t *prov;
        char *name;
        char *path = NULL;
        char *var;
        char *found = NULL;
        kc_error_t lerr;

        if (colon == NULL) {
            /* not a reference; the pattern may still match further on */
            p++;
            continue;
        }
        name = kc_strndup(inner, (size_t)(colon - inner));
        prov = kc_resolver_find(res, name);
        kc_free(name);
        if (prov == NULL) {
            p = close + 1;
            continue;
        }
        second = memchr(colon + 1, ':', (size_t)(close - colon - 1));
        if (second != NULL) {
            path = kc_strndup(colon + 1, (size_t)(second - colon - 1));
            var = kc_strndup(second + 1, (size_t)(close - second - 1));
        } else {
            var = kc_strndup(colon + 1, (size_t)(close - colon - 1));
        }
        switch (prov->kind) {
        case KC_PROVIDER_FILE:
            rc = kc_lookup_file(res, prov, path, var, &found, &lerr);
            break;
        case KC_PROVIDER_DIR:
            rc = kc_lookup_dir(prov, path, var, &found, &lerr);
            break;
        case KC_PROVIDER_ENV:
            rc = kc_lookup_env(prov, path, var, &found, &lerr);
            break;
        default:
            rc = kc_error_set(&lerr, KC_ERR_INVALID,
                              "config provider \"%s\" has no class (set "
                              "config.providers.%s.class)",
                              prov->name, prov->name);
            break;
        }
        kc_free(path);
        kc_free(var);
        if (rc != KC_OK) {
            kc_error_set(err, rc, "could not resolve %.*s in \"%s\": %s",
                         (int)(close + 1 - p), p, key, lerr.msg);
            break;
        }
        kc_buf_append(&buf, done, (size_t)(p - done));
        kc_buf_puts(&buf, found);
        kc_free(found);
        changed = true;
        p = done = close + 1;
    }
    if (rc == KC_OK && changed) {
        kc_buf_puts(&buf, done);
        *out = kc_buf_detach(&buf, NULL);
    }
    kc_buf_release(&buf);
    return rc;
}

kc_err_t kc_props_resolve(kc_props_t *props, const kc_props_t *worker,
                          kc_error_t *err)
{
    kc_resolver_t res;
    size_t n = kc_props_count(props);
    char **values;
    kc_err_t rc;

    rc = kc_resolver_init(&res, worker, err);
    if (rc != KC_OK || res.count == 0) {
        kc_resolver_release(&res);
        return rc;
    }
    /* Resolve everything first: @p props changes only on success. */
    values = kc_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n && rc == KC_OK; i++) {
        rc = kc_resolve_value(&res, kc_props_key_at(props, i),
                              kc_props_value_at(props, i), &values[i], err);
    }
    for (size_t i = 0; i < n; i++) {
        if (rc == KC_OK && values[i] != NULL) {
            kc_props_set(props, kc_props_key_at(props, i), values[i]);
        }
        kc_free(values[i]);
    }
    kc_free(values);
    kc_resolver_release(&res);
    return rc;
}
