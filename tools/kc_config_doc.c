/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_config_doc: print docs/CONFIGURATION.md, generated from the config
 * tables (`make config-doc` writes it, `make config-doc-check` compares).
 *
 * With --man it prints the same reference as roff sections for help2man's
 * --include file: the man page kconnect(1) is help2man's rendering of
 * `kconnect --help` plus this, so neither the usage text nor the tables
 * have a second copy that could drift.
 */
#include "kc_internal.h"

#include "plugins/kc_registry_doc.h"

/* Roff text for @p len bytes of Markdown inline text: `code` in bold. */
static void kc_man_text(kc_buf_t *out, const char *s, size_t len)
{
    bool code = false;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (c == '\\' && i + 1 < len && s[i + 1] == '|') {
            continue; /* a table cell's escaped pipe */
        }
        if (c == '`') {
            kc_buf_puts(out, code ? "\\fR" : "\\fB");
            code = !code;
        } else if (c == '\\') {
            kc_buf_puts(out, "\\e");
        } else if (c == '-') {
            kc_buf_puts(out, "\\-");
        } else {
            kc_buf_putc(out, c);
        }
    }
    if (code) {
        kc_buf_puts(out, "\\fR");
    }
}

/* One text line; a leading . or ' would be read as a roff request. */
static void kc_man_line(kc_buf_t *out, const char *s, size_t len)
{
    if (len > 0 && (s[0] == '.' || s[0] == '\'')) {
        kc_buf_puts(out, "\\&");
    }
    kc_man_text(out, s, len);
    kc_buf_putc(out, '\n');
}

/* Split a `| a | b |` row into cells (trimmed; `\|` does not split). */
static size_t kc_man_cells(const char *line, size_t len, const char **cell,
                           size_t *cell_len, size_t max)
{
    size_t n = 0;
    size_t i = 1; /* past the leading '|' */

    while (i < len && n < max) {
        size_t start = i;
        size_t end;

        while (i < len && !(line[i] == '|' && line[i - 1] != '\\')) {
            i++;
        }
        if (i >= len) {
            break; /* text after the last '|' */
        }
        end = i;
        while (start < end && line[start] == ' ') {
            start++;
        }
        while (end > start && line[end - 1] == ' ') {
            end--;
        }
        cell[n] = line + start;
        cell_len[n] = end - start;
        n++;
        i++;
    }
    return n;
}

/*
 * The Markdown kc_configuration_doc_markdown writes (headings, paragraphs,
 * tables of Name | Description | Type | Default | Valid Values |
 * Importance) as help2man include sections.
 */
static void kc_man_from_markdown(kc_buf_t *out, const char *md, size_t len)
{
    static const char *const labels[] = {
        NULL, NULL, "type", "default", "valid values", "importance"};
    size_t pos = 0;

    kc_buf_puts(out, "[CONFIGURATION]\n"
                     "The keys of the worker's properties file and of "
                     "connector configurations, generated from the same "
                     "tables as CONFIGURATION.md in the documentation.\n");
    while (pos < len) {
        const char *line = md + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - line) : len - pos;

        pos += n + 1;
        if (n == 0 || (n >= 2 && line[0] == '#' && line[1] == ' ') ||
            (n >= 4 && strncmp(line, "<!--", 4) == 0)) {
            continue; /* blank, the page title, the generated-file note */
        }
        if (n > 3 && strncmp(line, "## ", 3) == 0) {
            kc_buf_puts(out, ".SS \"");
            kc_man_text(out, line + 3, n - 3);
            kc_buf_puts(out, "\"\n");
        } else if (n > 4 && strncmp(line, "### ", 4) == 0) {
            kc_buf_puts(out, ".PP\n.B \"");
            kc_man_text(out, line + 4, n - 4);
            kc_buf_puts(out, "\"\n.br\n");
        } else if (line[0] == '|') {
            const char *cell[6];
            size_t cell_len[6];
            size_t cells = kc_man_cells(line, n, cell, cell_len, 6);
            bool first = true;

            if (cells < 2 ||
                (cell_len[0] == 4 && !memcmp(cell[0], "Name", 4)) ||
                (cell_len[0] == 3 && !memcmp(cell[0], "---", 3))) {
                continue; /* the header row and the rule under it */
            }
            kc_buf_puts(out, ".TP\n");
            kc_man_line(out, cell[0], cell_len[0]);
            kc_man_line(out, cell[1], cell_len[1]);
            for (size_t i = 2; i < cells; i++) {
                if (cell_len[i] == 0) {
                    continue;
                }
                kc_buf_puts(out, first ? ".br\n" : "; ");
                kc_buf_printf(out, "%s: ", labels[i]);
                kc_man_text(out, cell[i], cell_len[i]);
                first = false;
            }
            if (!first) {
                kc_buf_putc(out, '\n');
            }
        } else {
            kc_buf_puts(out, ".PP\n");
            kc_man_line(out, line, n);
        }
    }
}

int main(int argc, char **argv)
{
    kc_buf_t md;
    kc_buf_t man;
    kc_buf_t *out = &md;
    kc_error_t err;
    int status = 0;
    bool want_man = argc == 2 && strcmp(argv[1], "--man") == 0;

    if (argc > 1 && !want_man) {
        fprintf(stderr, "usage: kc_config_doc [--man]\n");
        return 2;
    }
    kc_buf_init(&md, 0);
    kc_buf_init(&man, 0);
    if (kc_configuration_doc_markdown(&md, &err) != KC_OK) {
        fprintf(stderr, "kc_config_doc: %s\n", err.msg);
        status = 1;
        goto out;
    }
    if (want_man) {
        kc_man_from_markdown(&man, (const char *)md.data, md.len);
        out = &man;
    }
    if (fwrite(out->data, 1, out->len, stdout) != out->len ||
        fflush(stdout) != 0) {
        fprintf(stderr, "kc_config_doc: could not write output: %s\n",
                strerror(errno));
        status = 1;
    }
out:
    kc_buf_release(&md);
    kc_buf_release(&man);
    return status;
}
