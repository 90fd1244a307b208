/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java regexes on PCRE2: compiling (a pattern translated by
 * kc_java_regex_translate.c), matching, and Java's replaceFirst
 * expansion ($n, ${name}, \x).
 */
#include "util/kc_java_regex_int.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>

#include "util/kc_java_regex.h"

struct kc_java_regex {
    pcre2_code *code;
    pcre2_match_context *mctx; /* with kc_re_callout */
    pthread_mutex_t lock;      /* guards md: config providers share a regex */
    pcre2_match_data *md;
    size_t ngroups;
};

/*
 * Callout n follows a case-insensitive \g{n} (kc_re_backref_ci): accept
 * the text just matched only if it equals group n with ASCII letters
 * folded and every other character identical, as Java's CIBackRef.
 * Returns 0 to go on, 1 to make PCRE2 backtrack.
 */
static int kc_re_callout(pcre2_callout_block *cb, void *data)
{
    uint32_t g = cb->callout_number;
    PCRE2_SIZE start;
    PCRE2_SIZE len;
    const PCRE2_UCHAR *a;
    const PCRE2_UCHAR *b;

    KC_UNUSED(data);
    if (g >= cb->capture_top || cb->offset_vector[2 * g] == PCRE2_UNSET) {
        return 1;
    }
    start = cb->offset_vector[2 * g];
    len = cb->offset_vector[2 * g + 1] - start;
    if (cb->current_position < len) {
        return 1;
    }
    a = cb->subject + start;
    b = cb->subject + cb->current_position - len;
    for (PCRE2_SIZE i = 0; i < len; i++) {
        if (a[i] != b[i] && !(kc_re_is_alpha(a[i]) && kc_re_is_alpha(b[i]) &&
                              (a[i] | 0x20) == (b[i] | 0x20))) {
            return 1;
        }
    }
    return 0;
}

kc_java_regex_t *kc_java_regex_new(const char *pattern, kc_error_t *err)
{
    kc_buf_t out;
    size_t total = 0;
    size_t groups;
    kc_java_regex_t *re;
    pcre2_compile_context *cctx;
    int code;
    PCRE2_SIZE offset;

    kc_buf_init(&out, 0);
    if (kc_re_pass(pattern, SIZE_MAX, &out, &total, err) != KC_OK) {
        kc_buf_release(&out);
        return NULL;
    }
    kc_buf_reset(&out);
    if (kc_re_pass(pattern, total, &out, &groups, err) != KC_OK) {
        kc_buf_release(&out);
        return NULL;
    }
    re = kc_calloc(1, sizeof(*re));
    cctx = pcre2_compile_context_create(NULL);
    pcre2_set_bsr(cctx, PCRE2_BSR_UNICODE);
    pcre2_set_newline(cctx, PCRE2_NEWLINE_LF);
    re->code = pcre2_compile((PCRE2_SPTR)kc_buf_cstr(&out), out.len,
                             PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
                                 PCRE2_NEVER_BACKSLASH_C |
                                 /* 10.42 made \R*?\s possessive and
                                  * missed "\n" (found by the differential
                                  * run; see test_java_regex) */
                                 PCRE2_NO_AUTO_POSSESS,
                             &code, &offset, cctx);
    pcre2_compile_context_free(cctx);
    kc_buf_release(&out);
    if (re->code == NULL) {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(code, msg, sizeof(msg));
        kc_error_set(err, KC_ERR_INVALID,
                     "%s (PCRE2, which kconnect uses for Java regexes)\n%s",
                     (const char *)msg, pattern);
        kc_free(re);
        return NULL;
    }
    re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
    re->mctx = pcre2_match_context_create(NULL);
    pcre2_set_callout(re->mctx, kc_re_callout, NULL);
    pthread_mutex_init(&re->lock, NULL);
    re->ngroups = groups;
    return re;
}

void kc_java_regex_destroy(kc_java_regex_t *re)
{
    if (re != NULL) {
        pthread_mutex_destroy(&re->lock);
        pcre2_match_data_free(re->md);
        pcre2_match_context_free(re->mctx);
        pcre2_code_free(re->code);
        kc_free(re);
    }
}

size_t kc_java_regex_groups(const kc_java_regex_t *re)
{
    return re->ngroups;
}

static kc_err_t kc_re_run(kc_java_regex_t *re, const char *s, uint32_t opts,
                          kc_error_t *err)
{
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, strlen(s), 0, opts, re->md,
                         re->mctx);

    if (rc >= 0) {
        return KC_OK;
    }
    if (rc == PCRE2_ERROR_NOMATCH) {
        return KC_DECLINED;
    }
    {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(rc, msg, sizeof(msg));
        return kc_error_set(err, KC_ERR_INVALID, "could not match regex: %s",
                            (const char *)msg);
    }
}

kc_err_t kc_java_regex_matches(kc_java_regex_t *re, const char *s,
                               kc_error_t *err)
{
    kc_err_t rc;

    pthread_mutex_lock(&re->lock);
    rc = kc_re_run(re, s, PCRE2_ANCHORED | PCRE2_ENDANCHORED, err);
    pthread_mutex_unlock(&re->lock);
    return rc;
}

kc_err_t kc_java_regex_find(kc_java_regex_t *re, const char *s, kc_error_t *err)
{
    kc_err_t rc;

    pthread_mutex_lock(&re->lock);
    rc = kc_re_run(re, s, 0, err);
    pthread_mutex_unlock(&re->lock);
    return rc;
}

/* ${name} in a replacement (*r after the '{'); Java's checks and texts. */
static kc_err_t kc_re_group_by_name(kc_java_regex_t *re, const char **r,
                                    size_t *group, kc_error_t *err)
{
    const char *name = *r;
    size_t n = 0;
    char buf[128];
    int num;

    while (kc_re_is_alpha((unsigned char)name[n]) ||
           kc_re_is_digit((unsigned char)name[n])) {
        n++;
    }
    if (n == 0) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "named capturing group has 0 length name");
    }
    if (name[n] != '}') {
        return kc_error_set(err, KC_ERR_INVALID,
                            "named capturing group is missing trailing '}'");
    }
    if (kc_re_is_digit((unsigned char)name[0])) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "capturing group name {%.*s} starts with digit "
                            "character",
                            (int)n, name);
    }
    num = n < sizeof(buf)
              ? (memcpy(buf, name, n), buf[n] = '\0',
                 pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)buf))
              : -1;
    if (num < 0) {
        return kc_error_set(err, KC_ERR_INVALID, "No group with name {%.*s}",
                            (int)n, name);
    }
    *group = (size_t)num;
    *r = name + n + 1;
    return KC_OK;
}

/* Matcher.appendExpandedReplacement, for the match in re->md. */
static kc_err_t kc_re_expand(kc_java_regex_t *re, const char *s,
                             const char *replacement, kc_buf_t *out,
                             kc_error_t *err)
{
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
    const char *r = replacement;

    while (*r != '\0') {
        if (*r == '\\') {
            size_t n;

            r++;
            if (*r == '\0') {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "character to be escaped is missing");
            }
            /* The whole character, not only its first byte. */
            n = 1;
            while ((r[n] & 0xC0) == 0x80) {
                n++;
            }
            kc_buf_append(out, r, n);
            r += n;
        } else if (*r == '$') {
            size_t g = 0;

            r++;
            if (*r == '\0') {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "Illegal group reference: group index "
                                    "is missing");
            }
            if (*r == '{') {
                r++;
                if (kc_re_group_by_name(re, &r, &g, err) != KC_OK) {
                    return KC_ERR_INVALID;
                }
            } else {
                if (!kc_re_is_digit((unsigned char)*r)) {
                    return kc_error_set(err, KC_ERR_INVALID,
                                        "Illegal group reference");
                }
                g = (size_t)(*r++ - '0');
                /* Java takes more digits while they name an existing
                 * group. */
                while (kc_re_is_digit((unsigned char)*r) &&
                       g * 10 + (size_t)(*r - '0') <= re->ngroups) {
                    g = g * 10 + (size_t)(*r++ - '0');
                }
                if (g > re->ngroups) {
                    return kc_error_set(err, KC_ERR_INVALID, "No group %zu", g);
                }
            }
            if (ov[2 * g] != PCRE2_UNSET) {
                kc_buf_append(out, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
            }
        } else {
            kc_buf_putc(out, *r++);
        }
    }
    return KC_OK;
}

kc_err_t kc_java_regex_replace_first(kc_java_regex_t *re, const char *s,
                                     const char *replacement, kc_buf_t *out,
                                     kc_error_t *err)
{
    kc_err_t rc;
    const PCRE2_SIZE *ov;

    pthread_mutex_lock(&re->lock);
    rc = kc_re_run(re, s, 0, err);
    if (rc == KC_DECLINED) {
        kc_buf_puts(out, s);
        rc = KC_OK;
    } else if (rc == KC_OK) {
        ov = pcre2_get_ovector_pointer(re->md);
        kc_buf_append(out, s, ov[0]);
        rc = kc_re_expand(re, s, replacement, out, err);
        if (rc == KC_OK) {
            kc_buf_puts(out, s + ov[1]);
        }
    }
    pthread_mutex_unlock(&re->lock);
    return rc;
}
