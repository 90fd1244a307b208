/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include "rest/kc_rest_headers.h"

#include <ctype.h>
#include <fnmatch.h>
#include <strings.h>
#include <time.h>

/* Jetty CrossOriginFilter's defaults, which Apache keeps. */
#define KC_CORS_DEFAULT_METHODS "GET,POST,HEAD"
#define KC_CORS_ALLOWED_HEADERS "X-Requested-With,Content-Type,Accept,Origin"
#define KC_CORS_MAX_AGE         "1800"

typedef enum kc_rule_action {
    KC_RULE_SET,
    KC_RULE_ADD,
    KC_RULE_SET_DATE,
    KC_RULE_ADD_DATE
} kc_rule_action_t;

typedef struct kc_rule {
    kc_rule_action_t action;
    char *name;
    char *value;
} kc_rule_t;

struct kc_rest_headers {
    char **origins; /* patterns; NULL when CORS is off */
    size_t norigins;
    char *methods;
    kc_rule_t *rules;
    size_t nrules;
};

static bool kc_blank(const char *s)
{
    if (s == NULL) {
        return true;
    }
    while (isspace((unsigned char)*s)) {
        s++;
    }
    return *s == '\0';
}

/* A copy of [s, e) without surrounding white space. */
static char *kc_trimmed(const char *s, const char *e)
{
    while (s < e && isspace((unsigned char)*s)) {
        s++;
    }
    while (e > s && isspace((unsigned char)e[-1])) {
        e--;
    }
    return kc_strndup(s, (size_t)(e - s));
}

static kc_err_t kc_rule_parse(kc_rest_headers_t *hdrs, char *text,
                              kc_error_t *err)
{
    static const char *const actions[] = {"set", "add", "setDate", "addDate"};
    char *sp;
    char *colon;
    kc_rule_t rule;
    size_t a;

    sp = text;
    while (*sp != '\0' && !isspace((unsigned char)*sp)) {
        sp++;
    }
    colon = strchr(sp, ':');
    for (a = 0; a < KC_ARRAY_LEN(actions); a++) {
        if (strlen(actions[a]) == (size_t)(sp - text) &&
            strncasecmp(text, actions[a], (size_t)(sp - text)) == 0) {
            break;
        }
    }
    if (a == KC_ARRAY_LEN(actions) || colon == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Invalid format of header config '%s'. Expected: "
                            "'[action] [header name]:[header value]' with "
                            "action set, add, setDate or addDate",
                            text);
    }
    rule.action = (kc_rule_action_t)a;
    rule.name = kc_trimmed(sp, colon);
    rule.value = kc_trimmed(colon + 1, colon + strlen(colon));
    if (rule.name[0] == '\0' || strpbrk(rule.name, " \t") != NULL) {
        kc_error_set(err, KC_ERR_INVALID,
                     "Invalid header name '%s'. The '[header name]' cannot "
                     "contain whitespace",
                     rule.name);
        kc_free(rule.name);
        kc_free(rule.value);
        return KC_ERR_INVALID;
    }
    hdrs->rules =
        kc_realloc(hdrs->rules, (hdrs->nrules + 1) * sizeof(*hdrs->rules));
    hdrs->rules[hdrs->nrules++] = rule;
    return KC_OK;
}

/* Split on commas outside double quotes; quotes are dropped. */
static kc_err_t kc_rules_parse(kc_rest_headers_t *hdrs, const char *rules,
                               kc_error_t *err)
{
    kc_buf_t cur;
    bool quoted = false;
    kc_err_t rc = KC_OK;

    kc_buf_init(&cur, 0);
    for (const char *p = rules;; p++) {
        if (*p == '"') {
            quoted = !quoted;
            continue;
        }
        if (*p == '\0' || (*p == ',' && !quoted)) {
            char *item =
                kc_trimmed(kc_buf_cstr(&cur), kc_buf_cstr(&cur) + cur.len);

            if (item[0] != '\0') {
                rc = kc_rule_parse(hdrs, item, err);
            }
            kc_free(item);
            kc_buf_reset(&cur);
            if (rc != KC_OK || *p == '\0') {
                break;
            }
            continue;
        }
        kc_buf_putc(&cur, *p);
    }
    kc_buf_release(&cur);
    if (rc == KC_OK && quoted) {
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "Invalid header config '%s': unbalanced double "
                          "quotes",
                          rules);
    }
    return rc;
}

kc_rest_headers_t *kc_rest_headers_new(const char *allow_origin,
                                       const char *allow_methods,
                                       const char *rules, kc_error_t *err)
{
    kc_rest_headers_t *hdrs = kc_calloc(1, sizeof(*hdrs));

    if (!kc_blank(allow_origin)) {
        const char *p = allow_origin;

        while (*p != '\0') {
            const char *end = strchr(p, ',');
            char *item = kc_trimmed(p, end != NULL ? end : p + strlen(p));

            if (item[0] != '\0') {
                hdrs->origins =
                    kc_realloc(hdrs->origins,
                               (hdrs->norigins + 1) * sizeof(*hdrs->origins));
                hdrs->origins[hdrs->norigins++] = item;
            } else {
                kc_free(item);
            }
            if (end == NULL) {
                break;
            }
            p = end + 1;
        }
        hdrs->methods = kc_strdup(
            kc_blank(allow_methods) ? KC_CORS_DEFAULT_METHODS : allow_methods);
    }
    if (!kc_blank(rules) && kc_rules_parse(hdrs, rules, err) != KC_OK) {
        kc_rest_headers_destroy(hdrs);
        return NULL;
    }
    return hdrs;
}

void kc_rest_headers_destroy(kc_rest_headers_t *hdrs)
{
    if (hdrs == NULL) {
        return;
    }
    for (size_t i = 0; i < hdrs->norigins; i++) {
        kc_free(hdrs->origins[i]);
    }
    for (size_t i = 0; i < hdrs->nrules; i++) {
        kc_free(hdrs->rules[i].name);
        kc_free(hdrs->rules[i].value);
    }
    kc_free(hdrs->origins);
    kc_free(hdrs->rules);
    kc_free(hdrs->methods);
    kc_free(hdrs);
}

static bool kc_origin_allowed(const kc_rest_headers_t *hdrs, const char *origin)
{
    if (origin == NULL || hdrs->norigins == 0) {
        return false;
    }
    for (size_t i = 0; i < hdrs->norigins; i++) {
        /* "*" allows all; other patterns are shell wildcards, as Jetty
         * accepts an origin such as https:// + "*.example.com". */
        if (strcmp(hdrs->origins[i], "*") == 0 ||
            fnmatch(hdrs->origins[i], origin, 0) == 0) {
            return true;
        }
    }
    return false;
}

bool kc_rest_headers_is_preflight(const kc_rest_headers_t *hdrs,
                                  const char *method, const char *origin,
                                  const char *request_method)
{
    return hdrs != NULL && hdrs->norigins > 0 &&
           strcmp(method, "OPTIONS") == 0 && origin != NULL &&
           request_method != NULL;
}

/* An HTTP date @p ms from now, as Jetty's setDate/addDate rules. */
static void kc_http_date(const char *ms, char *out, size_t size)
{
    time_t t = time(NULL) + (time_t)(strtoll(ms, NULL, 10) / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

void kc_rest_headers_apply(const kc_rest_headers_t *hdrs, const char *origin,
                           bool preflight, kc_rest_header_fn fn, void *opaque)
{
    if (hdrs == NULL) {
        return;
    }
    if (kc_origin_allowed(hdrs, origin)) {
        fn(opaque, "Access-Control-Allow-Origin", origin, true);
        fn(opaque, "Access-Control-Allow-Credentials", "true", true);
        fn(opaque, "Vary", "Origin", false);
        if (preflight) {
            fn(opaque, "Access-Control-Allow-Methods", hdrs->methods, true);
            fn(opaque, "Access-Control-Allow-Headers", KC_CORS_ALLOWED_HEADERS,
               true);
            fn(opaque, "Access-Control-Max-Age", KC_CORS_MAX_AGE, true);
        }
    }
    for (size_t i = 0; i < hdrs->nrules; i++) {
        const kc_rule_t *r = &hdrs->rules[i];
        char date[64];

        switch (r->action) {
        case KC_RULE_SET:
        case KC_RULE_ADD:
            fn(opaque, r->name, r->value, r->action == KC_RULE_SET);
            break;
        case KC_RULE_SET_DATE:
        case KC_RULE_ADD_DATE:
            kc_http_date(r->value, date, sizeof(date));
            fn(opaque, r->name, date, r->action == KC_RULE_SET_DATE);
            break;
        }
    }
}
