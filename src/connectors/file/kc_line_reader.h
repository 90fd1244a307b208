/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Splits a byte stream (a file or stdin) into lines the way Apache's
 * FileStreamSourceTask does: a line ends at "\n", "\r\n" or "\r"; a "\r"
 * at the end of the data read so far is held until the next byte shows
 * whether "\n" follows; a last line without terminator is held until it is
 * completed. Reads go into one growing buffer; lines are handed out as
 * borrowed slices of it, so no memory is allocated per line.
 */
#ifndef KC_CONNECTORS_FILE_KC_LINE_READER_H
#define KC_CONNECTORS_FILE_KC_LINE_READER_H

#include <kconnect/common.h>

typedef struct kc_line_reader kc_line_reader_t;

/**
 * @brief New reader. A line longer than @p max_line bytes is an error
 * (0 = a default of 256 MiB).
 */
kc_line_reader_t *kc_line_reader_new(size_t max_line);
/** @brief NULL is a no-op. */
void kc_line_reader_destroy(kc_line_reader_t *lr);

/**
 * @brief One read(2) of @p fd into the buffer. *@p nread is the number of
 * bytes read, 0 at end of file.
 * @returns KC_OK; KC_AGAIN if the read would block or was interrupted;
 * KC_ERR_TOO_LARGE if a line outgrew the maximum; KC_ERR_IO on a read
 * error. @p what names the stream in messages.
 */
kc_err_t kc_line_reader_fill(kc_line_reader_t *lr, int fd, const char *what,
                             size_t *nread, kc_error_t *err);
/** @brief Append @p len bytes as if read (for tests and stdin pipes). */
kc_err_t kc_line_reader_feed(kc_line_reader_t *lr, const void *data, size_t len,
                             kc_error_t *err);

/**
 * @brief The next complete line, without its terminator. @p line stays
 * valid until the next fill or feed. *@p consumed is the number of bytes
 * of the stream the line used, terminator included.
 * @returns KC_OK, or KC_AGAIN when no complete line is buffered.
 */
kc_err_t kc_line_reader_next(kc_line_reader_t *lr, const char **line,
                             size_t *len, size_t *consumed);
/** @brief Bytes buffered that belong to no complete line yet. */
size_t kc_line_reader_pending(const kc_line_reader_t *lr);

/**
 * @brief Copy @p len bytes into @p arena as UTF-8 text, NUL-terminated:
 * valid UTF-8 unchanged; ill-formed bytes replaced by U+FFFD exactly as
 * Java's UTF-8 decoder replaces them for FileStreamSourceTask.
 * @returns the copy; its length in *@p out_len.
 */
char *kc_line_to_utf8(kc_arena_t *arena, const char *data, size_t len,
                      size_t *out_len);

#endif /* KC_CONNECTORS_FILE_KC_LINE_READER_H */
