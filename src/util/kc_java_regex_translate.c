/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java regexes on PCRE2. PCRE2 reads most of Java's syntax the same way;
 * the translation below rewrites what it reads differently and refuses
 * what it cannot express:
 *
 * - `.`, `$`, `^` under (?m) and `\Z` use Java's line terminators
 *   (\n, \r, \r\n, U+0085, U+2028, U+2029), which no PCRE2 newline
 *   convention matches exactly, so they become explicit classes and
 *   look-arounds;
 * - (?i) without (?u) folds ASCII letters only in Java, Unicode letters in
 *   PCRE2: ASCII letters become [aA] and PCRE2 never sees the flag;
 *   (?x) comments are removed here because Java also ignores white space
 *   and # comments inside character classes;
 * - octal, \x, \u, \c escapes and literal characters are emitted as
 *   \x{...}, so PCRE2 never reads its own meaning into them;
 * - \p{...} names follow Java's lookup (POSIX classes are ASCII, IsLatin
 *   is a script, javaLowerCase is Character.isLowerCase);
 * - \Q..\E is read first, as Java does; class unions [a[b]] and
 *   intersections [a&&[b]] become alternatives and look-aheads; (?U) and
 *   Java's \b (which counts a combining mark after a letter as a word
 *   character) are written out as properties and look-arounds;
 * - what Java rejects and PCRE2 would accept ((?#...), (*VERB), \K, a{x})
 *   is rejected with Java's message; what Java accepts and kconnect
 *   cannot express is refused with a message naming it (docs/compat.md),
 *   unless Java finds an error further on.
 * The tests are the golden data of tests/golden/regex and its
 * differential run against the JDK.
 */
#include "util/kc_java_regex_int.h"

#include "util/kc_utf8.h"

/* Java's line terminators, for `.`, `$`, `^` and \Z. */
#define KC_RE_NOT_EOL "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]"
#define KC_RE_EOL     "(?:\\r\\n|(?<!\\r)\\n|[\\r\\x{85}\\x{2028}\\x{2029}])"

/* Java's index: UTF-16 units of @p s before byte offset @p at. */
static size_t kc_re_units(const char *s, size_t at)
{
    size_t idx = 0;

    for (size_t i = 0; i < at && s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c & 0xC0) != 0x80) {
            idx += c >= 0xF0 ? 2 : 1;
        }
    }
    return idx;
}

/* PatternSyntaxException.getMessage(): description, index, pattern, caret. */
static void kc_re_format(const kc_re_tr_t *tr, size_t at, char *buf,
                         size_t size, const char *fmt, va_list ap)
{
    char desc[256];
    /* As Java: the index counts in the rewritten pattern (\Q..\E
     * expanded), the message shows the pattern as written. */
    size_t idx = kc_re_units(tr->pat, at);
    size_t plen = kc_re_units(tr->display, SIZE_MAX);

    vsnprintf(desc, sizeof(desc), fmt, ap);
    if (idx < plen) {
        snprintf(buf, size, "%s near index %zu\n%s\n%*s^", desc, idx,
                 tr->display, (int)idx, "");
    } else {
        snprintf(buf, size, "%s near index %zu\n%s", desc, idx, tr->display);
    }
}

kc_err_t kc_re_fail(kc_re_tr_t *tr, size_t at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    kc_re_format(tr, at, msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return kc_error_set(tr->err, KC_ERR_INVALID, "%s", msg);
}

/* Note a construct kconnect refuses and go on reading (see refused). */
kc_err_t kc_re_refuse(kc_re_tr_t *tr, size_t at, const char *fmt, ...)
{
    va_list ap;

    if (tr->refused[0] == '\0') {
        va_start(ap, fmt);
        kc_re_format(tr, at, tr->refused, sizeof(tr->refused), fmt, ap);
        va_end(ap);
    }
    return KC_OK;
}

bool kc_re_ascii_ci(const kc_re_tr_t *tr)
{
    return (tr->flags & KC_RE_I) != 0 && (tr->flags & KC_RE_U) == 0;
}

bool kc_re_is_alpha(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool kc_re_is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

int kc_re_hex(int c)
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

int kc_re_peek(const kc_re_tr_t *tr, size_t ahead)
{
    return tr->pos + ahead < tr->len ? (unsigned char)tr->pat[tr->pos + ahead]
                                     : -1;
}

/* Java's COMMENTS mode: white space and # to the end of the line. */
void kc_re_skip_comments(kc_re_tr_t *tr)
{
    if ((tr->flags & KC_RE_X) == 0) {
        return;
    }
    while (tr->pos < tr->len) {
        char c = tr->pat[tr->pos];

        if (c == ' ' || c == '\t' || c == '\n' || c == '\x0b' || c == '\f' ||
            c == '\r') {
            tr->pos++;
        } else if (c == '#') {
            while (tr->pos < tr->len && tr->pat[tr->pos] != '\n' &&
                   tr->pat[tr->pos] != '\r' &&
                   strncmp(tr->pat + tr->pos, "\xc2\x85", 2) != 0 &&
                   strncmp(tr->pat + tr->pos, "\xe2\x80\xa8", 3) != 0 &&
                   strncmp(tr->pat + tr->pos, "\xe2\x80\xa9", 3) != 0) {
                tr->pos++;
            }
        } else {
            break;
        }
    }
}

/* `.`: any character but Java's line terminators (only \n under (?d)). */
static void kc_re_emit_dot(kc_re_tr_t *tr)
{
    if ((tr->flags & KC_RE_S) != 0) {
        kc_buf_puts(tr->out, "(?s:.)");
    } else {
        kc_buf_puts(tr->out,
                    (tr->flags & KC_RE_D) != 0 ? "[^\\n]" : KC_RE_NOT_EOL);
    }
    tr->atom = true;
}

/* `^`: Java's multi-line ^ never matches at the end of the input, nor
 * between \r and \n. */
static void kc_re_emit_caret(kc_re_tr_t *tr)
{
    if ((tr->flags & KC_RE_M) == 0) {
        /* a group, so that a quantifier may follow as in Java (^*) */
        kc_buf_puts(tr->out, "(?:\\A)");
    } else if ((tr->flags & KC_RE_D) != 0) {
        /* one group: a quantifier after ^ takes all of it */
        kc_buf_puts(tr->out, "(?:(?:\\A|(?<=\\n))(?!\\z))");
    } else {
        kc_buf_puts(tr->out, "(?:(?:\\A|(?<=[\\n\\r\\x{85}\\x{2028}\\x{2029}])"
                             "(?!(?<=\\r)\\n))(?!\\z))");
    }
    tr->atom = true;
}

/* `$` (@p multiline) and \Z (never multi-line), with Java's terminators. */
void kc_re_emit_dollar(kc_re_tr_t *tr, bool multiline)
{
    const char *eol = (tr->flags & KC_RE_D) != 0 ? "\\n" : KC_RE_EOL;

    kc_buf_printf(tr->out, multiline ? "(?=%s|\\z)" : "(?=%s?\\z)", eol);
    tr->atom = true;
}

/* One literal character outside a class. */
void kc_re_emit_char(kc_re_tr_t *tr, uint32_t c)
{
    if (kc_re_ascii_ci(tr) && kc_re_is_alpha(c)) {
        kc_buf_printf(tr->out, "[%c%c]", (char)c, (char)(c ^ 0x20));
    } else if (kc_re_is_alpha(c) || kc_re_is_digit(c)) {
        kc_buf_putc(tr->out, (char)c);
    } else {
        kc_buf_printf(tr->out, "\\x{%x}", (unsigned)c);
    }
    tr->atom = true;
}

/* One character (or range lo-hi) inside a class. */
void kc_re_emit_class_range(kc_re_tr_t *tr, uint32_t lo, uint32_t hi)
{
    kc_buf_t *saved = NULL;

    if (lo == hi && lo < 256) {
        kc_re_class_bits(tr, &saved);
    }
    if (lo == hi) {
        kc_buf_printf(tr->out, "\\x{%x}", (unsigned)lo);
    } else {
        kc_buf_printf(tr->out, "\\x{%x}-\\x{%x}", (unsigned)lo, (unsigned)hi);
    }
    if (kc_re_ascii_ci(tr)) {
        for (uint32_t c = lo; c <= hi && c < 0x80; c++) {
            if (kc_re_is_alpha(c)) {
                kc_buf_printf(tr->out, "\\x{%x}", (unsigned)(c ^ 0x20));
            }
        }
    }
    if (saved != NULL) {
        tr->out = saved;
    }
}

/* Decode the UTF-8 character at tr->pos. */
kc_err_t kc_re_next_cp(kc_re_tr_t *tr, uint32_t *cp)
{
    size_t n = kc_utf8_decode((const uint8_t *)tr->pat + tr->pos,
                              (const uint8_t *)tr->pat + tr->len, cp);

    if (n == 0) {
        return kc_re_fail(tr, tr->pos, "Malformed UTF-8 in pattern");
    }
    tr->pos += n;
    return KC_OK;
}

/* Emit PCRE2's (?i) state for the Java flags in effect. */
static const char *kc_re_pcre_case(unsigned flags)
{
    bool on = (flags & KC_RE_I) != 0 && (flags & KC_RE_U) != 0;

    return on ? "i" : "-i";
}

/* Inline flags after "(?" (tr->pos at the first flag character). */
static kc_err_t kc_re_flags(kc_re_tr_t *tr, unsigned *flags)
{
    bool minus = false;

    for (;;) {
        int c = kc_re_peek(tr, 0);
        unsigned bit;

        switch (c) {
        case 'i':
            bit = KC_RE_I;
            break;
        case 'm':
            bit = KC_RE_M;
            break;
        case 's':
            bit = KC_RE_S;
            break;
        case 'x':
            bit = KC_RE_X;
            break;
        case 'u':
            bit = KC_RE_U;
            break;
        case 'd':
            bit = KC_RE_D;
            break;
        case 'U':
            /* UNICODE_CHARACTER_CLASS implies UNICODE_CASE */
            bit = minus ? KC_RE_UC : KC_RE_UC | KC_RE_U;
            break;
        case 'c':
            /* CANON_EQ: no-op for its negation only. */
            if (minus) {
                tr->pos++;
                continue;
            }
            kc_re_refuse(tr, tr->pos, "(?c) (CANON_EQ)" KC_RE_UNSUPPORTED);
            tr->pos++;
            continue;
        case '-':
            if (minus) {
                return KC_OK; /* Java: "Unknown inline modifier" */
            }
            minus = true;
            tr->pos++;
            continue;
        default:
            return KC_OK;
        }
        if (minus) {
            *flags &= ~bit;
        } else {
            *flags |= bit;
        }
        tr->pos++;
    }
}

static kc_err_t kc_re_push(kc_re_tr_t *tr)
{
    if (tr->depth == KC_RE_MAX_DEPTH) {
        return kc_re_fail(tr, tr->pos,
                          "groups nested deeper than %d" KC_RE_UNSUPPORTED,
                          KC_RE_MAX_DEPTH);
    }
    tr->kind[tr->depth] = 0;
    tr->lb_ref[tr->depth] = false;
    tr->stack[tr->depth++] = tr->flags;
    tr->atom = false;
    return KC_OK;
}

/* A group opened with kind @p kind (see kc_re_tr_t.kind). */
static kc_err_t kc_re_push_kind(kc_re_tr_t *tr, char kind)
{
    kc_err_t rc = kc_re_push(tr);

    if (rc == KC_OK) {
        tr->kind[tr->depth - 1] = kind;
    }
    return rc;
}

/* A back-reference: the innermost look-behind around it (not through a
 * look-ahead, which has no length) gets no obvious maximum length, which
 * Java refuses. */
void kc_re_note_backref(kc_re_tr_t *tr)
{
    for (size_t d = tr->depth; d > 0; d--) {
        if (tr->kind[d - 1] == 'a') {
            return;
        }
        if (tr->kind[d - 1] == 'b') {
            tr->lb_ref[d - 1] = true;
            return;
        }
    }
}

/* (?<name> (tr->pos after the '<'). */
static kc_err_t kc_re_named_group(kc_re_tr_t *tr)
{
    const char *name = tr->pat + tr->pos;
    size_t n = 0;

    if (!kc_re_is_alpha((unsigned char)name[0]) || tr->pos >= tr->len) {
        return kc_re_fail(tr, tr->pos,
                          "capturing group name does not start with a Latin "
                          "letter");
    }
    while (tr->pos + n < tr->len && (kc_re_is_alpha((unsigned char)name[n]) ||
                                     kc_re_is_digit((unsigned char)name[n]))) {
        n++;
    }
    if (tr->pos + n >= tr->len || name[n] != '>') {
        return kc_re_fail(tr, tr->pos + n,
                          "named capturing group is missing trailing '>'");
    }
    for (size_t i = 0; i < tr->nnames; i++) {
        if (strlen(tr->names[i]) == n && strncmp(tr->names[i], name, n) == 0) {
            return kc_re_fail(tr, tr->pos + n,
                              "Named capturing group <%.*s> is already "
                              "defined",
                              (int)n, name);
        }
    }
    if (tr->nnames == KC_RE_MAX_NAMES) {
        return kc_re_fail(tr, tr->pos,
                          "more than %d named groups" KC_RE_UNSUPPORTED,
                          KC_RE_MAX_NAMES);
    }
    tr->names[tr->nnames] = kc_strndup(name, n);
    tr->pos += n + 1;
    tr->groups++;
    tr->name_group[tr->nnames++] = tr->groups;
    kc_buf_printf(tr->out, "(?<%.*s>", (int)n, name);
    return kc_re_push(tr);
}

/* A group (tr->pos after the '('). */
static kc_err_t kc_re_group(kc_re_tr_t *tr)
{
    size_t at = tr->pos - 1;
    int c = kc_re_peek(tr, 0);
    unsigned flags;

    if (c == '*') {
        return kc_re_fail(tr, tr->pos, "Dangling meta character '*'");
    }
    if (c != '?') {
        tr->groups++;
        kc_buf_putc(tr->out, '(');
        return kc_re_push(tr);
    }
    tr->pos++;
    c = kc_re_peek(tr, 0);
    if (c == ':' || c == '=' || c == '!' || c == '>') {
        kc_buf_printf(tr->out, "(?%c", c);
        tr->pos++;
        return kc_re_push_kind(tr, c == '=' || c == '!' ? 'a' : 0);
    }
    if (c == '<') {
        int d = kc_re_peek(tr, 1);

        if (d == '=' || d == '!') {
            kc_buf_printf(tr->out, "(?<%c", d);
            tr->pos += 2;
            return kc_re_push_kind(tr, 'b');
        }
        tr->pos++;
        return kc_re_named_group(tr);
    }
    flags = tr->flags;
    if (kc_re_flags(tr, &flags) != KC_OK) {
        return KC_ERR_INVALID;
    }
    c = kc_re_peek(tr, 0);
    if (c == ')') {
        /* Flags for the rest of the enclosing group, as in PCRE2. */
        tr->pos++;
        tr->flags = flags;
        kc_buf_printf(tr->out, "(?%s)", kc_re_pcre_case(flags));
        tr->atom = false;
        return KC_OK;
    }
    if (c == ':') {
        tr->pos++;
        if (kc_re_push(tr) != KC_OK) {
            return KC_ERR_INVALID;
        }
        tr->flags = flags;
        kc_buf_printf(tr->out, "(?%s:", kc_re_pcre_case(flags));
        return KC_OK;
    }
    KC_UNUSED(at);
    return kc_re_fail(tr, tr->pos, "Unknown inline modifier");
}

/* {n}, {n,}, {n,m} (tr->pos after the '{'). */
static kc_err_t kc_re_repeat(kc_re_tr_t *tr)
{
    size_t start = tr->pos - 1;
    unsigned long lo = 0;
    unsigned long hi = 0;
    bool has_hi = false;

    if (!kc_re_is_digit((uint32_t)kc_re_peek(tr, 0))) {
        return kc_re_fail(tr, start + 1, "Illegal repetition");
    }
    while (kc_re_is_digit((uint32_t)kc_re_peek(tr, 0))) {
        lo = lo * 10 + (unsigned long)(tr->pat[tr->pos++] - '0');
        if (lo > 65535) {
            return kc_re_fail(tr, start,
                              "a repeat count above 65535" KC_RE_UNSUPPORTED);
        }
    }
    if (kc_re_peek(tr, 0) == ',') {
        tr->pos++;
        while (kc_re_is_digit((uint32_t)kc_re_peek(tr, 0))) {
            has_hi = true;
            hi = hi * 10 + (unsigned long)(tr->pat[tr->pos++] - '0');
            if (hi > 65535) {
                return kc_re_fail(
                    tr, start, "a repeat count above 65535" KC_RE_UNSUPPORTED);
            }
        }
        if (has_hi && hi < lo) {
            return kc_re_fail(tr, tr->pos, "Illegal repetition range");
        }
    }
    if (kc_re_peek(tr, 0) != '}') {
        return kc_re_fail(tr, tr->pos, "Unclosed counted closure");
    }
    tr->pos++;
    kc_buf_append(tr->out, tr->pat + start, tr->pos - start);
    return KC_OK;
}

static kc_err_t kc_re_translate(kc_re_tr_t *tr)
{
    while (tr->pos < tr->len) {
        int c;

        kc_re_skip_comments(tr);
        if (tr->pos >= tr->len) {
            break;
        }
        c = (unsigned char)tr->pat[tr->pos++];
        switch (c) {
        case '\\':
            if (kc_re_escape(tr) != KC_OK) {
                return KC_ERR_INVALID;
            }
            break;
        case '[':
            if (kc_re_class(tr) != KC_OK) {
                return KC_ERR_INVALID;
            }
            break;
        case '(':
            if (kc_re_group(tr) != KC_OK) {
                return KC_ERR_INVALID;
            }
            break;
        case ')':
            if (tr->depth == 0) {
                /* Java's index is one before the ')' */
                return kc_re_fail(tr, tr->pos >= 2 ? tr->pos - 2 : 0,
                                  "Unmatched closing ')'");
            }
            if (tr->lb_ref[tr->depth - 1]) {
                return kc_re_fail(tr, tr->pos - 2,
                                  "Look-behind group does not have an "
                                  "obvious maximum length");
            }
            tr->flags = tr->stack[--tr->depth];
            kc_buf_putc(tr->out, ')');
            tr->atom = true;
            break;
        case '|':
            kc_buf_putc(tr->out, '|');
            tr->atom = false;
            break;
        case '.':
            kc_re_emit_dot(tr);
            break;
        case '^':
            kc_re_emit_caret(tr);
            break;
        case '$':
            kc_re_emit_dollar(tr, (tr->flags & KC_RE_M) != 0);
            break;
        case '*':
        case '+':
        case '?':
        case '{': {
            /* Java repeats the empty string with a {n,m} that follows no
             * atom (`{2}a`, `a{1}{2}`): it matches nothing, so it is
             * checked and dropped. */
            bool empty = !tr->atom;
            size_t mark = tr->out->len;

            if (!tr->atom && c != '{') {
                return kc_re_fail(tr, tr->pos - 1,
                                  "Dangling meta character '%c'", c);
            }
            if (c == '{') {
                if (kc_re_repeat(tr) != KC_OK) {
                    return KC_ERR_INVALID;
                }
            } else {
                kc_buf_putc(tr->out, (char)c);
            }
            /* Java skips (?x) white space before a lazy/possessive mark */
            kc_re_skip_comments(tr);
            if (kc_re_peek(tr, 0) == '?' || kc_re_peek(tr, 0) == '+') {
                kc_buf_putc(tr->out, tr->pat[tr->pos++]);
            }
            if (empty) {
                tr->out->len = mark;
            }
            tr->atom = false;
            break;
        }
        default: {
            uint32_t cp;

            tr->pos--;
            if (kc_re_next_cp(tr, &cp) != KC_OK) {
                return KC_ERR_INVALID;
            }
            kc_re_emit_char(tr, cp);
            break;
        }
        }
    }
    if (tr->depth != 0) {
        return kc_re_fail(tr, tr->len, "Unclosed group");
    }
    return KC_OK;
}

static void kc_re_tr_release(kc_re_tr_t *tr)
{
    for (size_t i = 0; i < tr->nnames; i++) {
        kc_free(tr->names[i]);
    }
    tr->nnames = 0;
}

/*
 * Java reads \Q..\E before anything else: each quoted character becomes
 * itself escaped (letters and non-ASCII as they are, digits as \x3N so
 * they cannot extend an escape before them, anything else behind a
 * backslash), so in a class a quoted character can end a range.
 */
static char *kc_re_unquote(const char *pattern)
{
    kc_buf_t out;
    const char *p = pattern;

    kc_buf_init(&out, 0);
    while (*p != '\0') {
        if (p[0] != '\\') {
            kc_buf_putc(&out, *p++);
            continue;
        }
        if (p[1] != 'Q') {
            kc_buf_putc(&out, *p++);
            if (*p != '\0') {
                kc_buf_putc(&out, *p++);
            }
            continue;
        }
        p += 2;
        while (*p != '\0' && !(p[0] == '\\' && p[1] == 'E')) {
            unsigned char c = (unsigned char)*p++;

            if (c >= 0x80 || kc_re_is_alpha(c)) {
                kc_buf_putc(&out, (char)c);
            } else if (kc_re_is_digit(c)) {
                kc_buf_printf(&out, "\\x3%c", c);
            } else {
                kc_buf_putc(&out, '\\');
                kc_buf_putc(&out, (char)c);
            }
        }
        if (*p != '\0') {
            p += 2;
        }
    }
    return kc_buf_detach(&out, NULL);
}

/* One translation pass; the first only counts groups. */
kc_err_t kc_re_pass(const char *pattern, size_t total, kc_buf_t *out,
                    size_t *groups, kc_error_t *err)
{
    char *unquoted = kc_re_unquote(pattern);
    kc_re_tr_t tr = {.display = pattern,
                     .pat = unquoted,
                     .len = strlen(unquoted),
                     .out = out,
                     .err = err,
                     .total_groups = total};
    kc_err_t rc = kc_re_translate(&tr);

    if (rc == KC_OK && tr.refused[0] != '\0') {
        rc = kc_error_set(err, KC_ERR_INVALID, "%s", tr.refused);
    }
    *groups = tr.groups;
    kc_re_tr_release(&tr);
    kc_free(unquoted);
    return rc;
}
