/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JDBC URLs: jdbc:<subprotocol>:<rest>. The server databases use
 * //host[:port]/database?k=v&k2=v2 (pgjdbc also takes the short forms
 * jdbc:postgresql:database and jdbc:postgresql:/); SQLite takes a file
 * name, ":memory:" or "file:..." with optional ?k=v parameters, as
 * sqlite-jdbc. Parameter values are percent-decoded.
 */
#include "kc_internal.h"

#include "connectors/jdbc/dialects/kc_jdbc_dialect.h"
#include "util/kc_str.h"

static int kc_jdbc_hex(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Percent-decode s[0..len) into a new string; NULL when an escape is bad. */
static char *kc_jdbc_url_decode(const char *s, size_t len)
{
    char *out = kc_malloc(len + 1);
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < len ? kc_jdbc_hex(s[i + 1]) : -1;
            int lo = hi >= 0 ? kc_jdbc_hex(s[i + 2]) : -1;

            if (hi < 0 || lo < 0) {
                kc_free(out);
                return NULL;
            }
            out[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    return out;
}

static kc_err_t kc_jdbc_url_params(const char *q, kc_props_t *params,
                                   kc_error_t *err)
{
    while (*q != '\0') {
        const char *amp = strchr(q, '&');
        size_t len = amp != NULL ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', len);
        char *key;
        char *value;

        if (len > 0) {
            size_t klen = eq != NULL ? (size_t)(eq - q) : len;

            key = kc_jdbc_url_decode(q, klen);
            value = eq != NULL ? kc_jdbc_url_decode(eq + 1, len - klen - 1)
                               : kc_strdup("");
            if (key == NULL || value == NULL || *key == '\0') {
                kc_free(key);
                kc_free(value);
                /* the key only: the value may be a password */
                return kc_error_set(err, KC_ERR_INVALID,
                                    "could not parse connection.url: bad "
                                    "escape in parameter \"%.*s\"",
                                    (int)(klen > 64 ? 64 : klen), q);
            }
            kc_props_set(params, key, value);
            kc_free(key);
            kc_free(value);
        }
        q += len;
        if (*q == '&') {
            q++;
        }
    }
    return KC_OK;
}

/* //host[:port][/database] of a server URL, up to '?' (not included). */
static kc_err_t kc_jdbc_url_authority(const char *rest, size_t len,
                                      kc_jdbc_url_t *url, kc_error_t *err)
{
    const char *end = rest + len;
    const char *slash = memchr(rest, '/', len);
    const char *hend = slash != NULL ? slash : end;
    const char *colon = NULL;
    const char *h = rest;

    if (memchr(rest, ',', (size_t)(hend - rest)) != NULL) {
        return kc_error_set(err, KC_ERR_UNSUPPORTED,
                            "could not use connection.url: several hosts "
                            "are not supported");
    }
    if (memchr(rest, '@', (size_t)(hend - rest)) != NULL) {
        return kc_error_set(err, KC_ERR_UNSUPPORTED,
                            "could not use connection.url: credentials in "
                            "the host part are not supported (use "
                            "connection.user and connection.password)");
    }
    if (h < hend && *h == '[') {
        const char *rb = memchr(h, ']', (size_t)(hend - h));

        if (rb == NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not parse connection.url: unclosed "
                                "'[' in the host");
        }
        url->host = kc_strndup(h + 1, (size_t)(rb - h - 1));
        if (rb + 1 < hend) {
            if (rb[1] != ':') {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "could not parse connection.url: "
                                    "garbage after the host");
            }
            colon = rb + 1;
        }
    } else {
        colon = memchr(h, ':', (size_t)(hend - h));
        url->host = kc_strndup(h, (size_t)((colon != NULL ? colon : hend) - h));
    }
    if (colon != NULL) {
        char *p = kc_strndup(colon + 1, (size_t)(hend - colon - 1));
        int64_t port = 0;

        if (kc_str_to_i64(p, 1, 65535, &port) != KC_OK) {
            kc_error_set(err, KC_ERR_INVALID,
                         "could not parse connection.url: bad port \"%s\"", p);
            kc_free(p);
            return KC_ERR_INVALID;
        }
        kc_free(p);
        url->port = (int)port;
    }
    if (slash != NULL && slash + 1 < end) {
        url->database =
            kc_jdbc_url_decode(slash + 1, (size_t)(end - slash - 1));
        if (url->database == NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not parse connection.url: bad escape "
                                "in the database name");
        }
    }
    return KC_OK;
}

kc_err_t kc_jdbc_url_parse(const char *text, kc_jdbc_url_t *out,
                           kc_error_t *err)
{
    kc_jdbc_url_t url = {0};
    const char *colon;
    const char *rest;
    const char *q;
    kc_err_t rc = KC_OK;

    if (text == NULL || !kc_str_starts_with(text, "jdbc:")) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not parse connection.url: a JDBC URL "
                            "starts with \"jdbc:\"");
    }
    colon = strchr(text + 5, ':');
    if (colon == NULL || colon == text + 5) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not parse connection.url: no "
                            "subprotocol (jdbc:<subprotocol>:...)");
    }
    url.subprotocol = kc_strndup(text + 5, (size_t)(colon - text - 5));
    url.params = kc_props_new();
    rest = colon + 1;
    q = strchr(rest, '?');
    if (q != NULL) {
        rc = kc_jdbc_url_params(q + 1, url.params, err);
    }
    if (rc == KC_OK) {
        size_t len = q != NULL ? (size_t)(q - rest) : strlen(rest);

        if (strcmp(url.subprotocol, "sqlite") == 0) {
            url.database = kc_strndup(rest, len);
        } else if (len >= 2 && rest[0] == '/' && rest[1] == '/') {
            rc = kc_jdbc_url_authority(rest + 2, len - 2, &url, err);
        } else if (strcmp(url.subprotocol, "postgresql") == 0) {
            /* jdbc:postgresql:db and jdbc:postgresql:/ mean localhost. */
            url.host = kc_strdup("localhost");
            if (len > 0 && rest[0] != '/') {
                url.database = kc_strndup(rest, len);
            }
        } else {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "could not parse connection.url: expected "
                              "jdbc:%s://host[:port]/database",
                              url.subprotocol);
        }
    }
    if (rc != KC_OK) {
        kc_jdbc_url_release(&url);
        return rc;
    }
    *out = url;
    return KC_OK;
}

void kc_jdbc_url_release(kc_jdbc_url_t *url)
{
    kc_free(url->subprotocol);
    kc_free(url->host);
    kc_free(url->database);
    kc_props_destroy(url->params);
    memset(url, 0, sizeof(*url));
}

kc_err_t kc_jdbc_url_check_params(const kc_jdbc_url_t *url,
                                  const char *const *known, kc_error_t *err)
{
    for (size_t i = 0; i < kc_props_count(url->params); i++) {
        const char *key = kc_props_key_at(url->params, i);
        bool ok = false;

        for (size_t k = 0; known[k] != NULL && !ok; k++) {
            ok = strcmp(known[k], key) == 0;
        }
        if (!ok) {
            return kc_error_set(err, KC_ERR_UNSUPPORTED,
                                "could not use connection.url: parameter "
                                "\"%s\" is not supported for %s",
                                key, url->subprotocol);
        }
    }
    return KC_OK;
}
