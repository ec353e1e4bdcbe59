/* source.h: a SOURCE argument -> the bytes it holds (DESIGN.md, CLI contract).
 * Local kinds are here: an existing path, file:PATH, - (stdin), env:VAR. Network kinds (gh:USER,
 * gl:USER, lp:USER, https://..., http://...) are classified here and fetched by source_net_fetch,
 * which the network layer (issue 4) defines; until it is linked in, they fail with "not built in". */
#ifndef KEYDROP_SOURCE_H
#define KEYDROP_SOURCE_H
#include <stddef.h>

#define SOURCE_MAX (1u << 20) /* bytes read from one source */

enum source_kind {
	SRC_FILE = 0, /* a path or file:PATH */
	SRC_STDIN,    /* - */
	SRC_ENV,      /* env:VAR */
	SRC_NET,      /* gh: gl: lp: https:// http:// */
	SRC_BAD       /* empty, or a scheme we do not know ("ftp://", "foo:bar" is still a path) */
};

/* Result codes of source_read; the command maps them to exit codes. */
enum source_err {
	SRCE_OK = 0,
	SRCE_IO = -1,     /* could not read (exit 1): no such file, permission, network */
	SRCE_USAGE = -2,  /* the SOURCE itself is wrong (exit 2) */
	SRCE_REJECT = -3  /* read, but the content is refused (exit 3): empty, unset variable */
};

enum source_kind source_kind(const char *spec);

/* Reads spec into a malloc'ed, NUL-terminated buffer (*out, *len, at most SOURCE_MAX bytes).
 * On failure returns a source_err with a one-line reason in err[errcap] (not including spec).
 * The caller frees *out (and wipes it: a source may hold a pasted private key by mistake). */
int source_read(const char *spec, char **out, size_t *len, char *err, size_t errcap);

/* The network hook. Contract for issue 4: fetch spec (kind SRC_NET) and return the response body
 * (the key text, already extracted from JSON where the source is an API) in a malloc'ed
 * NUL-terminated buffer; return a source_err and a one-line reason like source_read. Declared weak:
 * when no object defines it, source_read reports "network sources are not built in yet". */
int source_net_fetch(const char *spec, char **out, size_t *len, char *err, size_t errcap) __attribute__((weak));

#endif
