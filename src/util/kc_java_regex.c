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
#include "kc_internal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>

#include "util/kc_java_regex.h"
#include "util/kc_utf8.h"

#define KC_RE_MAX_DEPTH 256
#define KC_RE_MAX_NAMES 64

/* Java's Pattern flags that change how the pattern is read. */
#define KC_RE_I  0x1u  /* CASE_INSENSITIVE */
#define KC_RE_M  0x2u  /* MULTILINE */
#define KC_RE_S  0x4u  /* DOTALL */
#define KC_RE_X  0x8u  /* COMMENTS */
#define KC_RE_U  0x10u /* UNICODE_CASE */
#define KC_RE_D  0x20u /* UNIX_LINES */
#define KC_RE_UC 0x40u /* UNICODE_CHARACTER_CLASS, (?U) */

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

/* Java's line terminators, for `.`, `$`, `^` and \Z. */
#define KC_RE_NOT_EOL "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]"
#define KC_RE_EOL     "(?:\\r\\n|(?<!\\r)\\n|[\\r\\x{85}\\x{2028}\\x{2029}])"

struct kc_java_regex {
    pcre2_code *code;
    pcre2_match_context *mctx; /* with kc_re_callout */
    pthread_mutex_t lock;      /* guards md: config providers share a regex */
    pcre2_match_data *md;
    size_t ngroups;
};

struct kc_re_cls;

typedef struct kc_re_tr {
    struct kc_re_cls *cls; /* the class being read, or NULL */
    const char *display;   /* the pattern as written, for messages */
    const char *pat;       /* the pattern with \Q..\E rewritten */
    size_t len;
    size_t pos;
    kc_buf_t *out;
    kc_error_t *err;
    unsigned flags;
    unsigned stack[KC_RE_MAX_DEPTH];
    /* per open group: 'b' look-behind, 'a' look-ahead, 0 other; and
     * whether a look-behind holds a back-reference (Java refuses it) */
    char kind[KC_RE_MAX_DEPTH];
    bool lb_ref[KC_RE_MAX_DEPTH];
    size_t depth;
    size_t groups;       /* capturing groups opened so far */
    size_t total_groups; /* all of them (known on the second pass) */
    char *names[KC_RE_MAX_NAMES];
    size_t name_group[KC_RE_MAX_NAMES]; /* the group number of each */
    size_t nnames;
    bool atom; /* something a quantifier may follow was just emitted */
    /* The first construct refused, reported only if Java finds no error
     * in the rest of the pattern (Java's error wins). */
    char refused[512];
} kc_re_tr_t;

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

static kc_err_t kc_re_fail(kc_re_tr_t *tr, size_t at, const char *fmt, ...)
    KC_PRINTF(3, 4);
static kc_err_t kc_re_fail(kc_re_tr_t *tr, size_t at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    kc_re_format(tr, at, msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return kc_error_set(tr->err, KC_ERR_INVALID, "%s", msg);
}

/* Note a construct kconnect refuses and go on reading (see refused). */
static kc_err_t kc_re_refuse(kc_re_tr_t *tr, size_t at, const char *fmt, ...)
    KC_PRINTF(3, 4);
static kc_err_t kc_re_refuse(kc_re_tr_t *tr, size_t at, const char *fmt, ...)
{
    va_list ap;

    if (tr->refused[0] == '\0') {
        va_start(ap, fmt);
        kc_re_format(tr, at, tr->refused, sizeof(tr->refused), fmt, ap);
        va_end(ap);
    }
    return KC_OK;
}

/* A construct Java accepts but kconnect cannot match the same way. */
#define KC_RE_UNSUPPORTED " is not supported by kconnect"

static bool kc_re_ascii_ci(const kc_re_tr_t *tr)
{
    return (tr->flags & KC_RE_I) != 0 && (tr->flags & KC_RE_U) == 0;
}

static bool kc_re_is_alpha(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool kc_re_is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static int kc_re_hex(int c)
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

static int kc_re_peek(const kc_re_tr_t *tr, size_t ahead)
{
    return tr->pos + ahead < tr->len ? (unsigned char)tr->pat[tr->pos + ahead]
                                     : -1;
}

/* Java's COMMENTS mode: white space and # to the end of the line. */
static void kc_re_skip_comments(kc_re_tr_t *tr)
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
static void kc_re_emit_dollar(kc_re_tr_t *tr, bool multiline)
{
    const char *eol = (tr->flags & KC_RE_D) != 0 ? "\\n" : KC_RE_EOL;

    kc_buf_printf(tr->out, multiline ? "(?=%s|\\z)" : "(?=%s?\\z)", eol);
    tr->atom = true;
}

/* One literal character outside a class. */
static void kc_re_emit_char(kc_re_tr_t *tr, uint32_t c)
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

static void kc_re_class_bits(kc_re_tr_t *tr, kc_buf_t **saved);

/* One character (or range lo-hi) inside a class. */
static void kc_re_emit_class_range(kc_re_tr_t *tr, uint32_t lo, uint32_t hi)
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
static kc_err_t kc_re_next_cp(kc_re_tr_t *tr, uint32_t *cp)
{
    size_t n = kc_utf8_decode((const uint8_t *)tr->pat + tr->pos,
                              (const uint8_t *)tr->pat + tr->len, cp);

    if (n == 0) {
        return kc_re_fail(tr, tr->pos, "Malformed UTF-8 in pattern");
    }
    tr->pos += n;
    return KC_OK;
}

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

static void kc_re_class_alt(kc_re_tr_t *tr, const char *alt);

/* \p or \P after the backslash (tr->pos at the 'p'). */
static kc_err_t kc_re_emit_property(kc_re_tr_t *tr, bool in_class)
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
static const char *kc_re_unicode_class(int c)
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
static kc_err_t kc_re_backref_ci(kc_re_tr_t *tr, size_t at, size_t group)
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

static void kc_re_note_backref(kc_re_tr_t *tr);

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
static kc_err_t kc_re_escape(kc_re_tr_t *tr)
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
static kc_err_t kc_re_class_char(kc_re_tr_t *tr, uint32_t *cp)
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

/*
 * A character class being read: its plain items (characters, ranges,
 * escapes; the body of one PCRE2 class) and the alternatives that are not
 * plain (nested classes, intersections), each one PCRE2 construct that
 * matches one character.
 */
typedef struct kc_re_cls {
    kc_buf_t items;
    kc_buf_t alts; /* "|alt" each */
    size_t nalts;
    /* Single characters below 256: Java keeps them in one BitClass for
     * the whole class, which && does not empty (so `[ab&&[b]&c]` also
     * takes a); has_bits says some came since the last &&. */
    kc_buf_t bits;
    bool has_bits;
} kc_re_cls_t;

static void kc_re_cls_add(kc_re_cls_t *cls, const char *alt)
{
    kc_buf_printf(&cls->alts, "|%s", alt);
    cls->nalts++;
}

/* The plain items of @p cls as one PCRE2 class body. */
static void kc_re_cls_body(kc_re_cls_t *cls, kc_buf_t *out)
{
    kc_buf_puts(out, kc_buf_cstr(&cls->items));
    if (cls->has_bits) {
        kc_buf_puts(out, kc_buf_cstr(&cls->bits));
    }
}

static bool kc_re_cls_has_body(kc_re_cls_t *cls)
{
    return cls->items.len > 0 || (cls->has_bits && cls->bits.len > 0);
}

/* The union of @p cls as one construct (empty when it has nothing). */
static void kc_re_cls_union(kc_re_cls_t *cls, kc_buf_t *out)
{
    bool body = kc_re_cls_has_body(cls);

    if (cls->nalts == 0) {
        if (body) {
            kc_buf_putc(out, '[');
            kc_re_cls_body(cls, out);
            kc_buf_putc(out, ']');
        }
        return;
    }
    if (cls->nalts == 1 && !body) {
        kc_buf_puts(out, kc_buf_cstr(&cls->alts) + 1);
        return;
    }
    kc_buf_puts(out, "(?:");
    if (body) {
        kc_buf_putc(out, '[');
        kc_re_cls_body(cls, out);
        kc_buf_putc(out, ']');
        kc_buf_puts(out, kc_buf_cstr(&cls->alts));
    } else {
        kc_buf_puts(out, kc_buf_cstr(&cls->alts) + 1);
    }
    kc_buf_putc(out, ')');
}

static void kc_re_class_alt(kc_re_tr_t *tr, const char *alt)
{
    kc_re_cls_add(tr->cls, alt);
}

/* Send the next class output to the class's bits (see kc_re_cls_t). */
static void kc_re_class_bits(kc_re_tr_t *tr, kc_buf_t **saved)
{
    if (tr->cls != NULL) {
        *saved = tr->out;
        tr->out = &tr->cls->bits;
        tr->cls->has_bits = true;
    }
}

static void kc_re_cls_release(kc_re_cls_t *cls)
{
    kc_buf_release(&cls->items);
    kc_buf_release(&cls->alts);
    kc_buf_release(&cls->bits);
}

/* One plain item of a class into cls->items (tr->pos at the item). */
static kc_err_t kc_re_class_item(kc_re_tr_t *tr)
{
    uint32_t lo;
    uint32_t hi;
    kc_err_t rc;

    if (tr->pat[tr->pos] == '\\') {
        int e = kc_re_peek(tr, 1);

        if (e == 'p' || e == 'P') {
            tr->pos++;
            return kc_re_emit_property(tr, true);
        }
        if ((tr->flags & KC_RE_UC) != 0 && (e == 'd' || e == 's' || e == 'w')) {
            kc_buf_puts(tr->out, kc_re_unicode_class(e));
            tr->pos += 2;
            return KC_OK;
        }
        if ((tr->flags & KC_RE_UC) != 0 && (e == 'D' || e == 'S' || e == 'W')) {
            char *alt = kc_asprintf("[^%s]", kc_re_unicode_class(e));

            kc_re_class_alt(tr, alt);
            kc_free(alt);
            tr->pos += 2;
            return KC_OK;
        }
        if (e == 'D' || e == 'S' || e == 'W' || e == 'H' || e == 'V') {
            /* An alternative, not a class item: PCRE2 10.42 mismatches a
             * negated class holding both \p{..} and \W for characters
             * above 255 ([^\p{L}\W] took U+0301). */
            char alt[4] = {'\\', (char)e, '\0', '\0'};

            kc_re_class_alt(tr, alt);
            tr->pos += 2;
            return KC_OK;
        }
        if (e == 'd' || e == 's' || e == 'w' || e == 'h' || e == 'v') {
            kc_buf_printf(tr->out, "\\%c", e);
            tr->pos += 2;
            return KC_OK;
        }
    }
    rc = kc_re_class_char(tr, &lo);
    if (rc == KC_DECLINED) {
        return kc_re_fail(tr, tr->pos + 1,
                          "Illegal/unsupported escape sequence");
    }
    if (rc != KC_OK) {
        return rc;
    }
    hi = lo;
    if (kc_re_peek(tr, 0) == '-' && kc_re_peek(tr, 1) != ']' &&
        kc_re_peek(tr, 1) != '[' && kc_re_peek(tr, 1) >= 0) {
        size_t dash = tr->pos;

        tr->pos++;
        rc = kc_re_class_char(tr, &hi);
        if (rc == KC_DECLINED) {
            return kc_re_fail(tr, dash, "Illegal character range");
        }
        if (rc != KC_OK) {
            return rc;
        }
        if (hi < lo) {
            return kc_re_fail(tr, tr->pos - 1, "Illegal character range");
        }
    }
    kc_re_emit_class_range(tr, lo, hi);
    return KC_OK;
}

static kc_err_t kc_re_class_expr(kc_re_tr_t *tr, bool consume, kc_buf_t *out);

/*
 * The right operand of && (tr->pos after the &&): nested classes and a
 * run of items up to the class's ']', as Java's Pattern.clazz reads it.
 */
static kc_err_t kc_re_class_and(kc_re_tr_t *tr, kc_re_cls_t *cls)
{
    kc_re_cls_t right = {0};
    kc_buf_t left;
    kc_buf_t sub;
    kc_err_t rc = KC_OK;

    kc_buf_init(&left, 0);
    kc_buf_init(&sub, 0);
    kc_buf_init(&right.items, 0);
    kc_buf_init(&right.alts, 0);
    kc_buf_init(&right.bits, 0);
    kc_re_cls_union(cls, &left);
    for (;;) {
        int c;

        kc_re_skip_comments(tr);
        c = kc_re_peek(tr, 0);
        if (c < 0 || c == ']' || c == '&') {
            break;
        }
        kc_buf_reset(&sub);
        if (c == '[') {
            tr->pos++;
            rc = kc_re_class_expr(tr, true, &sub);
        } else {
            rc = kc_re_class_expr(tr, false, &sub);
        }
        if (rc != KC_OK) {
            break;
        }
        kc_re_cls_add(&right, kc_buf_cstr(&sub));
    }
    if (rc == KC_OK) {
        kc_buf_reset(&sub);
        kc_re_cls_union(&right, &sub);
        if (left.len == 0 && sub.len == 0) {
            rc = kc_re_fail(tr, tr->pos, "Bad class syntax");
        } else {
            kc_buf_reset(&cls->items);
            kc_buf_reset(&cls->alts);
            cls->nalts = 0;
            cls->has_bits = false;
            if (left.len == 0 || sub.len == 0) {
                kc_re_cls_add(cls, kc_buf_cstr(left.len > 0 ? &left : &sub));
            } else {
                kc_buf_t both;

                kc_buf_init(&both, 0);
                kc_buf_printf(&both, "(?:(?=%s)%s)", kc_buf_cstr(&left),
                              kc_buf_cstr(&sub));
                kc_re_cls_add(cls, kc_buf_cstr(&both));
                kc_buf_release(&both);
            }
        }
    }
    kc_re_cls_release(&right);
    kc_buf_release(&left);
    kc_buf_release(&sub);
    return rc;
}

/*
 * A class as one PCRE2 construct matching one character, into @p out.
 * With @p consume, tr->pos is after its '[' and the ']' is read (a '^'
 * first negates); without, it is the right operand of && and stops
 * before the ']'. Plain classes stay PCRE2 classes; Java's nested classes
 * (union) and && (intersection), which PCRE2 reads literally, become
 * alternatives and look-aheads.
 */
static kc_err_t kc_re_class_expr(kc_re_tr_t *tr, bool consume, kc_buf_t *out)
{
    size_t open = tr->pos > 0 ? tr->pos - 1 : 0;
    kc_re_cls_t cls = {0};
    kc_re_cls_t *outer = tr->cls;
    kc_buf_t *saved = tr->out;
    bool negated = false;
    bool first = consume;
    kc_err_t rc = KC_OK;

    kc_buf_init(&cls.items, 0);
    kc_buf_init(&cls.alts, 0);
    kc_buf_init(&cls.bits, 0);
    if (consume && kc_re_peek(tr, 0) == '^') {
        negated = true;
        tr->pos++;
    }
    tr->cls = &cls;
    for (;;) {
        int c;

        tr->out = &cls.items;
        kc_re_skip_comments(tr);
        c = kc_re_peek(tr, 0);
        if (c < 0) {
            rc = kc_re_fail(tr, tr->len - 1 > open ? tr->len - 1 : open,
                            "Unclosed character class");
            break;
        }
        if (c == ']' && !first) {
            if (consume) {
                tr->pos++;
            }
            break;
        }
        first = false;
        if (c == '[') {
            kc_buf_t sub;

            kc_buf_init(&sub, 0);
            tr->pos++;
            rc = kc_re_class_expr(tr, true, &sub);
            if (rc == KC_OK) {
                kc_re_cls_add(&cls, kc_buf_cstr(&sub));
            }
            kc_buf_release(&sub);
        } else if (c == '&' && kc_re_peek(tr, 1) == '&') {
            tr->pos += 2;
            rc = kc_re_class_and(tr, &cls);
        } else {
            rc = kc_re_class_item(tr);
        }
        if (rc != KC_OK) {
            break;
        }
    }
    tr->out = saved;
    tr->cls = outer;
    if (rc == KC_OK) {
        if (cls.nalts == 0) {
            kc_buf_puts(out, negated ? "[^" : "[");
            kc_re_cls_body(&cls, out);
            kc_buf_putc(out, ']');
        } else if (negated) {
            kc_buf_puts(out, "(?:(?!");
            kc_re_cls_union(&cls, out);
            kc_buf_puts(out, ")(?s:.))");
        } else {
            kc_re_cls_union(&cls, out);
        }
    }
    kc_re_cls_release(&cls);
    return rc;
}

/* A character class (tr->pos after the '['). */
static kc_err_t kc_re_class(kc_re_tr_t *tr)
{
    kc_err_t rc = kc_re_class_expr(tr, true, tr->out);

    tr->atom = true;
    return rc;
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
static void kc_re_note_backref(kc_re_tr_t *tr)
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
static kc_err_t kc_re_pass(const char *pattern, size_t total, kc_buf_t *out,
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
