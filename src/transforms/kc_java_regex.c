/*
 * Java regexes over POSIX ERE: translate, anchor, remember which POSIX
 * group each Java group became.
 */
#include "kc_internal.h"

#include <regex.h>

#include "transforms/kc_java_regex.h"

#define KC_RE_MAX_GROUPS 64

struct kc_java_regex {
    regex_t re;
    size_t ngroups;                     /* Java capturing groups */
    size_t posix[KC_RE_MAX_GROUPS + 1]; /* Java group -> POSIX group */
    size_t nposix;                      /* POSIX groups incl. 0 */
    bool lazy;                          /* had *? +? ?? {n,m}? */
};

/* The bracket-expression body of a Java class escape, or NULL. */
static const char *kc_re_class_body(char c)
{
    switch (c) {
    case 'd':
        return "0-9";
    case 'w':
        return "A-Za-z0-9_";
    case 's':
        return "[:space:]";
    default:
        return NULL;
    }
}

static kc_err_t kc_re_translate(kc_java_regex_t *jre, const char *p,
                                kc_buf_t *out, kc_error_t *err)
{
    bool in_class = false;
    size_t depth = 0;

    /* POSIX group 1 is the wrapper; nposix is the next group's number. */
    kc_buf_puts(out, "^(");
    jre->nposix = 2;
    for (; *p != '\0'; p++) {
        char c = *p;

        if (c == '\\') {
            const char *body;

            p++;
            if (*p == '\0') {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "Unexpected internal error near index 1");
            }
            body = kc_re_class_body((char)(*p | 0x20));
            if (body != NULL) {
                bool negated = (*p & 0x20) == 0;

                if (in_class) {
                    if (negated) {
                        return kc_error_set(err, KC_ERR_INVALID,
                                            "unsupported \\%c inside a "
                                            "character class",
                                            *p);
                    }
                    kc_buf_puts(out, body);
                } else {
                    kc_buf_printf(out, "[%s%s]", negated ? "^" : "", body);
                }
            } else if (*p >= '1' && *p <= '9') {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "back-references are not supported");
            } else if (*p == 'Q' || *p == 'E' || *p == 'b' || *p == 'B' ||
                       *p == 'A' || *p == 'z' || *p == 'Z' || *p == 'p') {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "unsupported escape \\%c", *p);
            } else if (*p == 't') {
                kc_buf_putc(out, '\t');
            } else if (*p == 'n') {
                kc_buf_putc(out, '\n');
            } else if (in_class) {
                kc_buf_putc(out, *p);
            } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                       (*p >= '0' && *p <= '9')) {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "unsupported escape \\%c", *p);
            } else {
                kc_buf_putc(out, '\\');
                kc_buf_putc(out, *p);
            }
            continue;
        }
        if (in_class) {
            if (c == ']') {
                in_class = false;
            }
            kc_buf_putc(out, c);
            continue;
        }
        switch (c) {
        case '[':
            in_class = true;
            kc_buf_putc(out, c);
            if (p[1] == '^') {
                kc_buf_putc(out, *++p);
            }
            if (p[1] == ']') {
                kc_buf_putc(out, *++p);
            }
            break;
        case '(':
            if (jre->nposix == KC_RE_MAX_GROUPS + 2) {
                return kc_error_set(err, KC_ERR_INVALID, "too many groups");
            }
            if (p[1] == '?') {
                if (p[2] != ':') {
                    return kc_error_set(err, KC_ERR_INVALID,
                                        "look-around, flags and named groups "
                                        "are not supported");
                }
                p += 2;
                depth++;
            } else {
                if (jre->ngroups == KC_RE_MAX_GROUPS) {
                    return kc_error_set(err, KC_ERR_INVALID, "too many groups");
                }
                jre->posix[++jre->ngroups] = jre->nposix;
                depth++;
            }
            jre->nposix++;
            kc_buf_putc(out, '(');
            break;
        case ')':
            if (depth == 0) {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "Unmatched closing "
                                    "')'");
            }
            depth--;
            kc_buf_putc(out, ')');
            break;
        case '*':
        case '+':
        case '?':
        case '}':
            kc_buf_putc(out, c);
            if (p[1] == '+') {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "possessive quantifiers are not "
                                    "supported");
            }
            /*
             * A lazy quantifier matches the same whole strings as a greedy
             * one; only what its groups capture differs (see is_lazy).
             */
            if (p[1] == '?') {
                jre->lazy = true;
                p++;
            }
            break;
        default:
            kc_buf_putc(out, c);
            break;
        }
    }
    if (in_class) {
        return kc_error_set(err, KC_ERR_INVALID, "Unclosed character class");
    }
    if (depth != 0) {
        return kc_error_set(err, KC_ERR_INVALID, "Unclosed group");
    }
    kc_buf_puts(out, ")$");
    return KC_OK;
}

kc_java_regex_t *kc_java_regex_new(const char *pattern, kc_error_t *err)
{
    kc_java_regex_t *jre = kc_calloc(1, sizeof(*jre));
    kc_buf_t ere;
    int rc;

    kc_buf_init(&ere, 0);
    if (kc_re_translate(jre, pattern, &ere, err) != KC_OK) {
        kc_error_prefix(err, "could not compile regex \"%s\"", pattern);
        kc_buf_release(&ere);
        kc_free(jre);
        return NULL;
    }
    rc = regcomp(&jre->re, kc_buf_cstr(&ere), REG_EXTENDED);
    kc_buf_release(&ere);
    if (rc != 0) {
        char msg[256];

        regerror(rc, &jre->re, msg, sizeof(msg));
        kc_error_set(err, KC_ERR_INVALID, "could not compile regex \"%s\": %s",
                     pattern, msg);
        kc_free(jre);
        return NULL;
    }
    return jre;
}

void kc_java_regex_destroy(kc_java_regex_t *re)
{
    if (re != NULL) {
        regfree(&re->re);
        kc_free(re);
    }
}

bool kc_java_regex_is_lazy(const kc_java_regex_t *re)
{
    return re->lazy;
}

bool kc_java_regex_matches(const kc_java_regex_t *re, const char *s)
{
    return regexec(&re->re, s, 0, NULL, 0) == 0;
}

kc_err_t kc_java_regex_replace(const kc_java_regex_t *re, const char *s,
                               const char *replacement, kc_buf_t *out,
                               kc_error_t *err)
{
    regmatch_t m[KC_RE_MAX_GROUPS + 2];
    const char *r = replacement;

    if (regexec(&re->re, s, re->nposix, m, 0) != 0) {
        return KC_DECLINED;
    }
    while (*r != '\0') {
        if (*r == '\\') {
            r++;
            if (*r == '\0') {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "character to be escaped is missing");
            }
            kc_buf_putc(out, *r++);
        } else if (*r == '$') {
            size_t g;
            regmatch_t *gm;

            r++;
            if (*r < '0' || *r > '9') {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "Illegal group reference in \"%s\"",
                                    replacement);
            }
            g = (size_t)(*r++ - '0');
            /* Java takes more digits while they name an existing group. */
            while (*r >= '0' && *r <= '9' &&
                   g * 10 + (size_t)(*r - '0') <= re->ngroups) {
                g = g * 10 + (size_t)(*r++ - '0');
            }
            if (g > re->ngroups) {
                return kc_error_set(err, KC_ERR_INVALID, "No group %zu", g);
            }
            gm = &m[g == 0 ? 0 : re->posix[g]];
            if (gm->rm_so >= 0) {
                kc_buf_append(out, s + gm->rm_so,
                              (size_t)(gm->rm_eo - gm->rm_so));
            }
        } else {
            kc_buf_putc(out, *r++);
        }
    }
    return KC_OK;
}
