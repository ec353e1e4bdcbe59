/* netheaders.h: the extra request headers of --header and --header-file, which usually carry a
 * bearer token. Pure: no I/O, no printing. Every buffer that held header text is wiped before it
 * is freed (growing the list copies and wipes instead of realloc, which could leave a copy). */
#ifndef KEYDROP_NETHEADERS_H
#define KEYDROP_NETHEADERS_H
#include <stddef.h>

#define NETHEADERS_LINE_MAX 4096   /* one "Name: value" line */
#define NETHEADERS_TOTAL_MAX 16384 /* all of them together */

/* Appends line ("Name: value", NUL-terminated) as "Name: value\r\n" to *acc (malloc'ed, NULL at
 * first). Returns 0, or -1 if the line is not a safe header (http_header_valid), too long, the
 * total would pass NETHEADERS_TOTAL_MAX, or memory ran out; *acc is unchanged then. */
int netheaders_add(char **acc, const char *line);

/* Splits the text of a --header-file (text[0..len), not NUL-terminated) into lines on LF, drops
 * one trailing CR per line, skips empty lines and lines starting with '#', and appends each other
 * line with netheaders_add. Returns 0, or -1 at the first bad line (a NUL byte in it, or refused by
 * netheaders_add): *badline is then its 1-based number, and *acc holds the lines before it. */
int netheaders_add_text(char **acc, const char *text, size_t len, unsigned *badline);

/* Wipes and frees *acc (NULL is fine); sets it to NULL. */
void netheaders_free(char **acc);

#endif
