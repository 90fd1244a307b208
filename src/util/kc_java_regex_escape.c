/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java regexes, the escapes: \x, \u, octal and \c characters, \p{...}
 * properties (Java's lookup of POSIX, script, binary and java* names),
 * back-references and the escapes PCRE2 reads differently (\b, \Z, \R,
 * (?U) classes). Part of the translation described in
 * kc_java_regex_translate.c.
 */
#include "util/kc_java_regex_int.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/*
 * Java's \b and \B without (?U) (Pattern.Bound): a word character is
 * [A-Za-z0-9_], or a non-spacing mark that follows a letter or digit
 * (through other marks). PCRE2 10.42 has no variable-length look-behind,
 * so up to three marks in a row are seen.
 */
#define KC_RE_BASE "[\\p{L}\\p{Nd}]"
#define KC_RE_LEFT_WORD                                                        \
    "(?<=[A-Za-z0-9_]|" KC_RE_BASE "\\p{Mn}|" KC_RE_BASE                       \
    "\\p{Mn}{2}|" KC_RE_BASE "\\p{Mn}{3})"
#define KC_RE_RIGHT_WORD                                                       \
    "(?:(?=[A-Za-z0-9_])|(?=\\p{Mn})(?<=" KC_RE_BASE "|" KC_RE_BASE            \
    "\\p{Mn}|" KC_RE_BASE "\\p{Mn}{2}))"
#define KC_RE_BOUND                                                            \
    "(?:" KC_RE_LEFT_WORD "(?!" KC_RE_RIGHT_WORD ")|(?!" KC_RE_LEFT_WORD       \
    ")" KC_RE_RIGHT_WORD ")"
#define KC_RE_NOT_BOUND                                                        \
    "(?:" KC_RE_LEFT_WORD KC_RE_RIGHT_WORD "|(?!" KC_RE_LEFT_WORD              \
    ")(?!" KC_RE_RIGHT_WORD "))"

/* Java's \w under (?U): CharPredicates.WORD(). */
#define KC_RE_UWORD                                                            \
    "\\p{Alphabetic}\\p{Mn}\\p{Me}\\p{Mc}\\p{Nd}\\p{Pc}\\x{200c}\\x{200d}"

/*
 * A Java character property (\p{name}) as PCRE2 text. One of: a PCRE2
 * property name (negated with \P), a POSIX class name (negated with
 * [:^x:]), or a class body that can only be used positively in a class.
 */
typedef struct kc_re_prop {
    char prop[80];
    const char *posix;
    const char *body;
    bool negate; /* the Java name is the complement of prop */
    bool refuse; /* known to Java, no PCRE2 form */
} kc_re_prop_t;

typedef struct kc_re_alias {
    const char *java;
    const char *pcre; /* property; "!Cn" is the complement of Cn */
    const char *posix;
    const char *body;
} kc_re_alias_t;

/* Java's CharPredicates.forProperty names (case-sensitive). */
static const kc_re_alias_t kc_re_props[] = {
    {"ASCII", NULL, "ascii", NULL},
    {"Alnum", NULL, "alnum", NULL},
    {"Alpha", NULL, "alpha", NULL},
    {"Blank", NULL, "blank", NULL},
    {"Cntrl", NULL, "cntrl", NULL},
    {"Digit", NULL, "digit", NULL},
    {"Graph", NULL, "graph", NULL},
    {"Lower", NULL, "lower", NULL},
    {"Print", NULL, "print", NULL},
    {"Punct", NULL, "punct", NULL},
    {"Space", NULL, "space", NULL},
    {"Upper", NULL, "upper", NULL},
    {"XDigit", NULL, "xdigit", NULL},
    {"all", NULL, NULL, "\\x{0}-\\x{10ffff}"},
    {"L1", NULL, NULL, "\\x{0}-\\x{ff}"},
    {"LD", NULL, NULL, "\\p{L}\\p{Nd}"},
    {"LC", "L&", NULL, NULL},
    {"javaLowerCase", "Lowercase", NULL, NULL},
    {"javaUpperCase", "Uppercase", NULL, NULL},
    {"javaTitleCase", "Lt", NULL, NULL},
    {"javaAlphabetic", "Alphabetic", NULL, NULL},
    {"javaIdeographic", "Ideographic", NULL, NULL},
    {"javaDigit", "Nd", NULL, NULL},
    {"javaLetter", "L", NULL, NULL},
    {"javaLetterOrDigit", NULL, NULL, "\\p{L}\\p{Nd}"},
    {"javaDefined", "!Cn", NULL, NULL},
    {"javaISOControl", NULL, NULL, "\\x{0}-\\x{1f}\\x{7f}-\\x{9f}"},
    {"javaSpaceChar", "Z", NULL, NULL},
    {"javaMirrored", "Bidi_Mirrored", NULL, NULL},
    /* Character.isWhitespace: separators but the no-break spaces, and the
     * ASCII controls \t-\r and \x1c-\x1f. */
    {"javaWhitespace", NULL, NULL,
     "\\x{9}-\\x{d}\\x{1c}-\\x{20}\\x{1680}\\x{2000}-\\x{2006}"
     "\\x{2008}-\\x{200a}\\x{2028}\\x{2029}\\x{205f}\\x{3000}"},
};

/* Java's UnicodeProp binary properties (\p{IsAlphabetic}), upper case. */
static const kc_re_alias_t kc_re_binary[] = {
    {"ALPHABETIC", "Alphabetic", NULL, NULL},
    {"LETTER", "L", NULL, NULL},
    {"IDEOGRAPHIC", "Ideographic", NULL, NULL},
    {"LOWERCASE", "Lowercase", NULL, NULL},
    {"UPPERCASE", "Uppercase", NULL, NULL},
    {"TITLECASE", "Lt", NULL, NULL},
    {"WHITE_SPACE", "White_Space", NULL, NULL},
    {"WHITESPACE", "White_Space", NULL, NULL},
    {"CONTROL", "Cc", NULL, NULL},
    {"PUNCTUATION", "P", NULL, NULL},
    /* Java's HEX_DIGIT is Character.isDigit or a hex letter */
    {"HEX_DIGIT", NULL, NULL, "\\p{Nd}\\p{Hex_Digit}"},
    {"HEXDIGIT", NULL, NULL, "\\p{Nd}\\p{Hex_Digit}"},
    {"JOIN_CONTROL", "Join_Control", NULL, NULL},
    {"JOINCONTROL", "Join_Control", NULL, NULL},
    {"NONCHARACTER_CODE_POINT", "Noncharacter_Code_Point", NULL, NULL},
    {"NONCHARACTERCODEPOINT", "Noncharacter_Code_Point", NULL, NULL},
    {"DIGIT", "Nd", NULL, NULL},
    {"ASSIGNED", "!Cn", NULL, NULL},
    /* Unicode GRAPH and PRINT: no PCRE2 form (refused) */
    {"GRAPH", NULL, NULL, NULL},
    {"PRINT", NULL, NULL, NULL},
    {"ALNUM", NULL, NULL, "\\p{Alphabetic}\\p{Nd}"},
    {"BLANK", NULL, NULL, "\\p{Zs}\\t"},
    {"WORD", NULL, NULL,
     "\\p{Alphabetic}\\p{Mn}\\p{Me}\\p{Mc}\\p{Nd}\\p{Pc}\\x{200c}\\x{200d}"},
    {"EMOJI", "Emoji", NULL, NULL},
    {"EMOJI_PRESENTATION", "Emoji_Presentation", NULL, NULL},
    {"EMOJI_MODIFIER", "Emoji_Modifier", NULL, NULL},
    {"EMOJI_MODIFIER_BASE", "Emoji_Modifier_Base", NULL, NULL},
    {"EMOJI_COMPONENT", "Emoji_Component", NULL, NULL},
    {"EXTENDED_PICTOGRAPHIC", "Extended_Pictographic", NULL, NULL},
};

/* Java's POSIX names under (?U) (CharPredicates.forPOSIXName). */
static const kc_re_alias_t kc_re_posix_unicode[] = {
    {"ALPHA", "Alphabetic", NULL, NULL},
    {"LOWER", "Lowercase", NULL, NULL},
    {"UPPER", "Uppercase", NULL, NULL},
    {"SPACE", "White_Space", NULL, NULL},
    {"PUNCT", "P", NULL, NULL},
    {"XDIGIT", NULL, NULL, "\\p{Nd}\\p{Hex_Digit}"},
    {"ALNUM", NULL, NULL, "\\p{Alphabetic}\\p{Nd}"},
    {"CNTRL", "Cc", NULL, NULL},
    {"DIGIT", "Nd", NULL, NULL},
    {"BLANK", NULL, NULL, "\\p{Zs}\\t"},
    {"GRAPH", NULL, NULL, NULL},
    {"PRINT", NULL, NULL, NULL},
};

/* Java's general categories; all have the same name in PCRE2. */
static const char *const kc_re_categories[] = {
    "Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Me", "Mc", "Nd",
    "Nl", "No", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cs", "Pd",
    "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf",
    "L",  "M",  "N",  "Z",  "C",  "P",  "S"};

static bool kc_re_is_category(const char *name)
{
    for (size_t i = 0; i < KC_ARRAY_LEN(kc_re_categories); i++) {
        if (strcmp(name, kc_re_categories[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool kc_re_case_property(const char *p)
{
    return strcmp(p, "Lu") == 0 || strcmp(p, "Ll") == 0 ||
           strcmp(p, "Lt") == 0 || strcmp(p, "Lowercase") == 0 ||
           strcmp(p, "Uppercase") == 0;
}

static bool kc_re_alias_find(const kc_re_alias_t *tab, size_t n,
                             const char *name, kc_re_prop_t *out)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(tab[i].java, name) == 0) {
            out->negate = tab[i].pcre != NULL && tab[i].pcre[0] == '!';
            if (tab[i].pcre != NULL) {
                snprintf(out->prop, sizeof(out->prop), "%s",
                         tab[i].pcre + (out->negate ? 1 : 0));
            }
            out->posix = tab[i].posix;
            out->body = tab[i].body;
            out->refuse = tab[i].pcre == NULL && tab[i].posix == NULL &&
                          tab[i].body == NULL;
            return true;
        }
    }
    return false;
}

/* Whether PCRE2 knows @p name as a script (it matches names loosely, as
 * Java's UnicodeScript.forName does, and knows the same aliases). */
static bool kc_re_script_name(const char *name)
{
    char probe[96];
    pcre2_code *code;
    int ecode;
    PCRE2_SIZE eoff;

    if (*name == '\0' || strlen(name) > 64) {
        return false;
    }
    for (const char *c = name; *c != '\0'; c++) {
        if (!kc_re_is_alpha((unsigned char)*c) && *c != '_' && *c != ' ') {
            return false;
        }
    }
    snprintf(probe, sizeof(probe), "\\p{sc:%s}", name);
    code = pcre2_compile((PCRE2_SPTR)probe, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
                         &ecode, &eoff, NULL);
    pcre2_code_free(code);
    return code != NULL;
}

/* @p name in ASCII upper case, as Java's Locale.ENGLISH lookups. */
static const char *kc_re_upper(const char *name, char *buf, size_t size)
{
    size_t i;

    for (i = 0; name[i] != '\0' && i + 1 < size; i++) {
        char c = name[i];

        buf[i] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
    }
    buf[i] = '\0';
    return buf;
}

/*
 * Resolve a \p name as Java's Pattern.family() does. @p at is the index
 * for messages; @p negated may be flipped (javaDefined is "not Cn").
 */
static kc_err_t kc_re_property(kc_re_tr_t *tr, const char *name, size_t at,
                               bool *negated, kc_re_prop_t *out)
{
    const char *eq = strchr(name, '=');
    bool caseins = (tr->flags & KC_RE_I) != 0;
    char upper[64];

    memset(out, 0, sizeof(*out));
    if (eq != NULL) {
        size_t klen = (size_t)(eq - name);
        const char *value = eq + 1;

        if ((klen == 2 && strncmp(name, "sc", 2) == 0) ||
            (klen == 6 && strncmp(name, "script", 6) == 0)) {
            if (!kc_re_script_name(value)) {
                return kc_re_fail(tr, at, "Unknown character script name {%s}",
                                  value);
            }
            snprintf(out->prop, sizeof(out->prop), "sc:%s", value);
            return KC_OK;
        }
        if ((klen == 2 && strncmp(name, "gc", 2) == 0) ||
            (klen == 16 && strncmp(name, "general_category", 16) == 0)) {
            if (!kc_re_is_category(value) && strcmp(value, "LC") != 0) {
                return kc_re_fail(
                    tr, at, "Unknown character property name {%s}", value);
            }
            snprintf(out->prop, sizeof(out->prop), "%s",
                     strcmp(value, "LC") == 0 ? "L&" : value);
        } else if ((klen == 3 && strncmp(name, "blk", 3) == 0) ||
                   (klen == 5 && strncmp(name, "block", 5) == 0)) {
            kc_re_refuse(tr, at, "Unicode blocks (\\p{%s})" KC_RE_UNSUPPORTED,
                         name);
            return KC_DECLINED;
        } else {
            return kc_re_fail(tr, at,
                              "Unknown Unicode property {name=<%.*s>, "
                              "value=<%s>}",
                              (int)klen, name, value);
        }
    } else if (strncmp(name, "In", 2) == 0) {
        kc_re_refuse(tr, at, "Unicode blocks (\\p{%s})" KC_RE_UNSUPPORTED,
                     name);
        return KC_DECLINED;
    } else if (strncmp(name, "Is", 2) == 0) {
        if (!kc_re_alias_find(kc_re_binary, KC_ARRAY_LEN(kc_re_binary),
                              kc_re_upper(name + 2, upper, sizeof(upper)),
                              out) &&
            !kc_re_alias_find(kc_re_props, KC_ARRAY_LEN(kc_re_props), name + 2,
                              out)) {
            if (kc_re_is_category(name + 2)) {
                snprintf(out->prop, sizeof(out->prop), "%s", name + 2);
            } else if (kc_re_script_name(name + 2)) {
                snprintf(out->prop, sizeof(out->prop), "sc:%s", name + 2);
                return KC_OK;
            } else {
                return kc_re_fail(tr, at,
                                  "Unknown character property name {%s}", name);
            }
        }
    } else if ((tr->flags & KC_RE_UC) != 0 &&
               kc_re_alias_find(kc_re_posix_unicode,
                                KC_ARRAY_LEN(kc_re_posix_unicode),
                                kc_re_upper(name, upper, sizeof(upper)), out)) {
        /* found */
    } else if (!kc_re_alias_find(kc_re_props, KC_ARRAY_LEN(kc_re_props), name,
                                 out)) {
        if (kc_re_is_category(name)) {
            snprintf(out->prop, sizeof(out->prop), "%s", name);
        } else if (strcmp(name, "javaJavaIdentifierStart") == 0 ||
                   strcmp(name, "javaJavaIdentifierPart") == 0 ||
                   strcmp(name, "javaUnicodeIdentifierStart") == 0 ||
                   strcmp(name, "javaUnicodeIdentifierPart") == 0 ||
                   strcmp(name, "javaIdentifierIgnorable") == 0) {
            kc_re_refuse(tr, at, "\\p{%s}" KC_RE_UNSUPPORTED, name);
            return KC_DECLINED;
        } else {
            return kc_re_fail(tr, at, "Unknown character property name {%s}",
                              name);
        }
    }
    if (out->refuse) {
        kc_re_refuse(tr, at, "\\p{%s}" KC_RE_UNSUPPORTED, name);
        return KC_DECLINED;
    }
    if (out->negate) {
        *negated = !*negated;
    }
    /* Java's CASE_INSENSITIVE widens the case properties to all cased
     * letters (CharPredicates.forProperty(name, caseIns)). */
    if (caseins && out->prop[0] != '\0' && kc_re_case_property(out->prop)) {
        out->prop[0] = '\0';
        out->body = "\\p{Lowercase}\\p{Uppercase}\\p{Lt}";
    } else if (caseins && out->posix != NULL &&
               (strcmp(out->posix, "lower") == 0 ||
                strcmp(out->posix, "upper") == 0)) {
        out->posix = "alpha";
    }
    return KC_OK;
}

/* \p or \P after the backslash (tr->pos at the 'p'). */
kc_err_t kc_re_emit_property(kc_re_tr_t *tr, bool in_class)
{
    size_t at = tr->pos;
    bool negated = tr->pat[tr->pos] == 'P';
    char name[64];
    kc_re_prop_t prop;
    kc_err_t rc;

    tr->pos++;
    if (kc_re_peek(tr, 0) == '{') {
        const char *close = memchr(tr->pat + tr->pos, '}', tr->len - tr->pos);
        size_t n;

        if (close == NULL) {
            return kc_re_fail(tr, tr->len, "Unclosed character family");
        }
        n = (size_t)(close - (tr->pat + tr->pos + 1));
        if (n == 0) {
            return kc_re_fail(tr, tr->pos + 1, "Empty character family");
        }
        if (n >= sizeof(name)) {
            return kc_re_fail(tr, at, "Unknown character property name {%.*s}",
                              (int)n, tr->pat + tr->pos + 1);
        }
        memcpy(name, tr->pat + tr->pos + 1, n);
        name[n] = '\0';
        at = tr->pos + n + 1; /* Java points at the '}' */
        tr->pos += n + 2;
    } else if (tr->pos < tr->len) {
        uint32_t cp;

        if (kc_re_next_cp(tr, &cp) != KC_OK) {
            return KC_ERR_INVALID;
        }
        if (cp >= 0x80) {
            return kc_re_fail(tr, at, "Unknown character property name {?}");
        }
        name[0] = (char)cp;
        name[1] = '\0';
    } else {
        return kc_re_fail(tr, tr->len, "Illegal/unsupported escape sequence");
    }
    rc = kc_re_property(tr, name, at, &negated, &prop);
    if (rc == KC_DECLINED) {
        tr->atom = true; /* refused; the rest is still read */
        return KC_OK;
    }
    if (rc != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (prop.prop[0] != '\0') {
        kc_buf_printf(tr->out, "\\%c{%s}", negated ? 'P' : 'p', prop.prop);
    } else if (prop.posix != NULL) {
        kc_buf_printf(tr->out, "%s[:%s%s:]%s", in_class ? "" : "[",
                      negated ? "^" : "", prop.posix, in_class ? "" : "]");
    } else if (!in_class) {
        kc_buf_printf(tr->out, "[%s%s]", negated ? "^" : "", prop.body);
    } else if (!negated) {
        kc_buf_puts(tr->out, prop.body);
    } else {
        /* A negated compound class: one more alternative of the class. */
        char *alt = kc_asprintf("[^%s]", prop.body);

        kc_re_class_alt(tr, alt);
        kc_free(alt);
    }
    tr->atom = true;
    return KC_OK;
}

/* Java's \0 octal escape (tr->pos after the 0). */
static kc_err_t kc_re_octal(kc_re_tr_t *tr, uint32_t *cp)
{
    int n = kc_re_peek(tr, 0);
    int m;
    int o;

    if (n < '0' || n > '7') {
        return kc_re_fail(tr, tr->pos, "Illegal octal escape sequence");
    }
    tr->pos++;
    *cp = (uint32_t)(n - '0');
    m = kc_re_peek(tr, 0);
    if (m >= '0' && m <= '7') {
        tr->pos++;
        *cp = *cp * 8 + (uint32_t)(m - '0');
        o = kc_re_peek(tr, 0);
        if (o >= '0' && o <= '7' && n <= '3') {
            tr->pos++;
            *cp = *cp * 8 + (uint32_t)(o - '0');
        }
    }
    return KC_OK;
}

static kc_err_t kc_re_hex_digits(kc_re_tr_t *tr, size_t n, uint32_t *cp)
{
    *cp = 0;
    for (size_t i = 0; i < n; i++) {
        int h = kc_re_hex(kc_re_peek(tr, 0));

        if (h < 0) {
            return KC_ERR_INVALID;
        }
        *cp = *cp * 16 + (uint32_t)h;
        tr->pos++;
    }
    return KC_OK;
}

/* \x escape (tr->pos after the x). */
static kc_err_t kc_re_hex_escape(kc_re_tr_t *tr, uint32_t *cp)
{
    size_t at = tr->pos;

    if (kc_re_peek(tr, 0) == '{') {
        uint32_t v = 0;
        size_t nd = 0;

        tr->pos++;
        while (kc_re_hex(kc_re_peek(tr, 0)) >= 0) {
            v = v * 16 + (uint32_t)kc_re_hex(kc_re_peek(tr, 0));
            if (v > 0x10FFFF) {
                return kc_re_fail(tr, tr->pos,
                                  "Hexadecimal codepoint is too big");
            }
            tr->pos++;
            nd++;
        }
        if (kc_re_peek(tr, 0) != '}') {
            return kc_re_fail(tr, tr->pos,
                              "Unclosed hexadecimal escape sequence");
        }
        if (nd == 0) {
            return kc_re_fail(tr, tr->pos,
                              "Illegal hexadecimal escape sequence");
        }
        tr->pos++;
        *cp = v;
    } else if (kc_re_hex_digits(tr, 2, cp) != KC_OK) {
        return kc_re_fail(tr, tr->pos, "Illegal hexadecimal escape sequence");
    }
    if (*cp >= 0xD800 && *cp <= 0xDFFF) {
        kc_re_refuse(tr, at, "a lone surrogate" KC_RE_UNSUPPORTED);
        *cp = 0xFFFD;
    }
    return KC_OK;
}

/* \u escape (tr->pos after the u); joins a surrogate pair as Java does. */
static kc_err_t kc_re_unicode_escape(kc_re_tr_t *tr, uint32_t *cp)
{
    size_t at = tr->pos;

    if (kc_re_hex_digits(tr, 4, cp) != KC_OK) {
        return kc_re_fail(tr, tr->pos, "Illegal Unicode escape sequence");
    }
    if (*cp >= 0xD800 && *cp <= 0xDBFF && kc_re_peek(tr, 0) == '\\' &&
        kc_re_peek(tr, 1) == 'u') {
        size_t save = tr->pos;
        uint32_t lo;

        tr->pos += 2;
        if (kc_re_hex_digits(tr, 4, &lo) == KC_OK && lo >= 0xDC00 &&
            lo <= 0xDFFF) {
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
            return KC_OK;
        }
        tr->pos = save;
    }
    if (*cp >= 0xD800 && *cp <= 0xDFFF) {
        kc_re_refuse(tr, at, "a lone surrogate" KC_RE_UNSUPPORTED);
        *cp = 0xFFFD;
    }
    return KC_OK;
}

/*
 * An escape that stands for one character (tr->pos at the letter after
 * the backslash). Returns KC_DECLINED, consuming nothing, for any other
 * escape.
 */
static kc_err_t kc_re_char_escape(kc_re_tr_t *tr, uint32_t *cp)
{
    int c = kc_re_peek(tr, 0);

    switch (c) {
    case '0':
        tr->pos++;
        return kc_re_octal(tr, cp);
    case 'x':
        tr->pos++;
        return kc_re_hex_escape(tr, cp);
    case 'u':
        tr->pos++;
        return kc_re_unicode_escape(tr, cp);
    case 'c':
        if (tr->pos + 1 >= tr->len) {
            return kc_re_fail(tr, tr->pos + 1,
                              "Illegal control escape sequence");
        }
        tr->pos++;
        if (kc_re_next_cp(tr, cp) != KC_OK) {
            return KC_ERR_INVALID;
        }
        *cp ^= 64;
        return KC_OK;
    case 't':
        *cp = '\t';
        break;
    case 'n':
        *cp = '\n';
        break;
    case 'r':
        *cp = '\r';
        break;
    case 'f':
        *cp = '\f';
        break;
    case 'a':
        *cp = 0x07;
        break;
    case 'e':
        *cp = 0x1B;
        break;
    default:
        if (c < 0x80 &&
            (kc_re_is_alpha((uint32_t)c) || kc_re_is_digit((uint32_t)c))) {
            return KC_DECLINED;
        }
        /* Any other escaped character stands for itself. */
        return kc_re_next_cp(tr, cp);
    }
    tr->pos++;
    return KC_OK;
}

/* The class body of \d, \s or \w (either case) under (?U). */
const char *kc_re_unicode_class(int c)
{
    switch (c | 0x20) {
    case 'd':
        return "\\p{Nd}";
    case 's':
        return "\\p{White_Space}";
    default:
        return KC_RE_UWORD;
    }
}

/*
 * A back-reference under (?i) without (?u): Java compares ASCII letters
 * case-insensitively and everything else exactly; PCRE2's (?i) folds
 * Unicode, so its match is checked by a callout (kc_re_callout) whose
 * number is the group's.
 */
kc_err_t kc_re_backref_ci(kc_re_tr_t *tr, size_t at, size_t group)
{
    tr->atom = true;
    if (group > 255) {
        return kc_re_refuse(tr, at,
                            "a back-reference to group %zu under (?i) without "
                            "(?u)" KC_RE_UNSUPPORTED,
                            group);
    }
    kc_buf_printf(tr->out, "(?:(?i:\\g{%zu})(?C%zu))", group, group);
    return KC_OK;
}

/* \k<name> (tr->pos after the k). */
static kc_err_t kc_re_named_backref(kc_re_tr_t *tr, size_t at)
{
    const char *name = tr->pat + tr->pos + 1;
    size_t n = 0;

    kc_re_note_backref(tr);
    if (kc_re_peek(tr, 0) != '<') {
        return kc_re_fail(tr, tr->pos,
                          "\\k is not followed by '<' for named capturing "
                          "group");
    }
    while (tr->pos + 1 + n < tr->len &&
           (kc_re_is_alpha((unsigned char)name[n]) ||
            (n > 0 && kc_re_is_digit((unsigned char)name[n])))) {
        n++;
    }
    if (tr->pos + 1 + n >= tr->len || name[n] != '>') {
        return kc_re_fail(tr, tr->pos + 1 + n,
                          "named capturing group is missing trailing '>'");
    }
    tr->pos += n + 2;
    for (size_t i = 0; i < tr->nnames; i++) {
        if (strlen(tr->names[i]) == n && strncmp(tr->names[i], name, n) == 0) {
            if (kc_re_ascii_ci(tr)) {
                return kc_re_backref_ci(tr, at, tr->name_group[i]);
            }
            kc_buf_printf(tr->out, "%s\\k<%.*s>",
                          (tr->flags & KC_RE_I) != 0 ? "(?i:" : "(?:", (int)n,
                          name);
            kc_buf_putc(tr->out, ')');
            tr->atom = true;
            return KC_OK;
        }
    }
    return kc_re_fail(tr, tr->pos - 1,
                      "named capturing group <%.*s> does not exist", (int)n,
                      name);
}

/* \1..\9 with Java's rule for more digits (tr->pos at the first digit). */
static kc_err_t kc_re_backref(kc_re_tr_t *tr, size_t at)
{
    size_t ref = (size_t)(tr->pat[tr->pos++] - '0');

    kc_re_note_backref(tr);
    while (kc_re_is_digit((uint32_t)kc_re_peek(tr, 0))) {
        size_t next = ref * 10 + (size_t)(kc_re_peek(tr, 0) - '0');

        /* Java takes another digit only if that group exists by now. */
        if (next > tr->groups) {
            break;
        }
        ref = next;
        tr->pos++;
    }
    if (ref <= tr->total_groups && kc_re_ascii_ci(tr)) {
        return kc_re_backref_ci(tr, at, ref);
    }
    if (ref > tr->total_groups) {
        /* Java compiles a reference to a group that does not exist and
         * never matches it; PCRE2 would refuse the pattern. */
        kc_buf_puts(tr->out, "(?!)");
    } else {
        kc_buf_printf(tr->out, "%s\\g{%zu})",
                      (tr->flags & KC_RE_I) != 0 ? "(?i:" : "(?:", ref);
    }
    tr->atom = true;
    return KC_OK;
}

/* An escape outside a class (tr->pos at the character after '\'). */
kc_err_t kc_re_escape(kc_re_tr_t *tr)
{
    size_t at = tr->pos;
    int c = kc_re_peek(tr, 0);
    uint32_t cp;
    kc_err_t rc;

    if (c < 0) {
        return kc_re_fail(tr, tr->len, "Unescaped trailing backslash");
    }
    rc = kc_re_char_escape(tr, &cp);
    if (rc == KC_OK) {
        kc_re_emit_char(tr, cp);
        return KC_OK;
    }
    if (rc != KC_DECLINED) {
        return rc;
    }
    if (c >= '1' && c <= '9') {
        return kc_re_backref(tr, at);
    }
    tr->pos++;
    tr->atom = true;
    switch (c) {
    case 'd':
    case 'D':
    case 's':
    case 'S':
    case 'w':
    case 'W':
        if ((tr->flags & KC_RE_UC) != 0) {
            const char *body = kc_re_unicode_class(c);

            kc_buf_printf(tr->out, "[%s%s]", c >= 'a' ? "" : "^", body);
            return KC_OK;
        }
        /* PCRE2 without UCP reads them as Java without (?U) */
        kc_buf_printf(tr->out, "\\%c", c);
        return KC_OK;
    case 'h':
    case 'H':
    case 'v':
    case 'V':
    case 'R':
    case 'X':
        kc_buf_printf(tr->out, "\\%c", c);
        return KC_OK;
    case 'b':
        if (kc_re_peek(tr, 0) == '{' && kc_re_peek(tr, 1) == 'g' &&
            kc_re_peek(tr, 2) == '}') {
            tr->pos += 3;
            return kc_re_refuse(tr, at, "\\b{g}" KC_RE_UNSUPPORTED);
        }
        kc_buf_puts(tr->out, (tr->flags & KC_RE_UC) != 0
                                 ? "(?:(?<=[" KC_RE_UWORD "])(?![" KC_RE_UWORD
                                   "])|(?<![" KC_RE_UWORD "])(?=[" KC_RE_UWORD
                                   "]))"
                                 : KC_RE_BOUND);
        return KC_OK;
    case 'B':
        kc_buf_puts(tr->out, (tr->flags & KC_RE_UC) != 0
                                 ? "(?:(?<=[" KC_RE_UWORD "])(?=[" KC_RE_UWORD
                                   "])|(?<![" KC_RE_UWORD "])(?![" KC_RE_UWORD
                                   "]))"
                                 : KC_RE_NOT_BOUND);
        return KC_OK;
    case 'A':
    case 'G':
    case 'z':
        /* in a group: Java lets a quantifier follow an anchor (\b*) */
        kc_buf_printf(tr->out, "(?:\\%c)", c);
        return KC_OK;
    case 'Z':
        kc_re_emit_dollar(tr, false);
        return KC_OK;
    case 'p':
    case 'P':
        tr->pos--;
        return kc_re_emit_property(tr, false);
    case 'k':
        return kc_re_named_backref(tr, at);
    case 'N':
        if (kc_re_peek(tr, 0) == '{') {
            const char *close =
                memchr(tr->pat + tr->pos, '}', tr->len - tr->pos);

            if (close != NULL) {
                tr->pos = (size_t)(close - tr->pat) + 1;
            }
        }
        return kc_re_refuse(tr, at, "\\N{name}" KC_RE_UNSUPPORTED);
    default:
        return kc_re_fail(tr, at, "Illegal/unsupported escape sequence");
    }
}

/* One class item that is a single character, or KC_DECLINED. */
kc_err_t kc_re_class_char(kc_re_tr_t *tr, uint32_t *cp)
{
    if (tr->pat[tr->pos] == '\\') {
        kc_err_t rc;

        tr->pos++;
        if (tr->pos >= tr->len) {
            return kc_re_fail(tr, tr->len, "Unescaped trailing backslash");
        }
        rc = kc_re_char_escape(tr, cp);
        if (rc == KC_DECLINED) {
            tr->pos--;
        }
        return rc;
    }
    return kc_re_next_cp(tr, cp);
}
