/* source.c: SOURCE -> bytes for file, file:PATH, -, env:VAR; network kinds go to netsrc_fetch. The
 * context a command reads its sources under (source.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "osutil.h"
#include "secret.h"
#include "source.h"

void source_ctx_init(struct source_ctx *c, const struct netsrc_opts *o)
{
	memset(c, 0, sizeof *c);
	c->o = o;
	c->deadline_ms = deadline_now_ms() + (o->wait_network_s > 0 ? o->wait_network_s * 1000 : o->timeout_ms);
}

void source_ctx_free(struct source_ctx *c)
{
	if (c->anchors_loaded)
		tls_anchors_free(&c->anchors);
	c->anchors_loaded = 0;
}

void source_keep(struct source_ctx *c, struct source_text *t)
{
	if (t->keep && c->o->cache_dir)
		netsrc_keep(c, t->keep);
	netsrc_keep_free(t->keep);
	t->keep = NULL;
}

void source_text_free(struct source_text *t)
{
	if (t->p)
		secret_wipe(t->p, t->len);
	free(t->p);
	netsrc_keep_free(t->keep);
	memset(t, 0, sizeof *t);
}

enum source_kind source_kind(const char *spec)
{
	if (!spec || !*spec)
		return SRC_BAD;
	if (strcmp(spec, "-") == 0)
		return SRC_STDIN;
	if (strncmp(spec, "env:", 4) == 0)
		return SRC_ENV;
	if (strncmp(spec, "file:", 5) == 0)
		return SRC_FILE;
	if (strncmp(spec, "gh:", 3) == 0 || strncmp(spec, "gl:", 3) == 0 || strncmp(spec, "lp:", 3) == 0 ||
	    strncmp(spec, "https://", 8) == 0 || strncmp(spec, "http://", 7) == 0)
		return SRC_NET;
	if (strstr(spec, "://"))
		return SRC_BAD;
	return SRC_FILE;
}

static int env_name_ok(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

int source_read(struct source_ctx *c, const char *spec, struct source_text *t, char *err, size_t errcap)
{
	memset(t, 0, sizeof *t);
	switch (source_kind(spec)) {
	case SRC_BAD:
		snprintf(err, errcap, "unknown kind of source (use a path, file:PATH, -, env:VAR, gh:USER, gl:USER, "
				      "lp:USER or https://...)");
		return SRCE_USAGE;
	case SRC_NET:
		return netsrc_fetch(c, spec, t, err, errcap);
	case SRC_ENV: {
		const char *name = spec + 4, *v;
		if (!env_name_ok(name)) {
			snprintf(err, errcap, "not a valid variable name");
			return SRCE_USAGE;
		}
		if (!(v = getenv(name))) {
			snprintf(err, errcap, "variable %s is not set", name);
			return SRCE_REJECT;
		}
		size_t n = strlen(v);
		if (n > SOURCE_MAX) {
			snprintf(err, errcap, "value is larger than %u bytes", SOURCE_MAX);
			return SRCE_REJECT;
		}
		if (!(t->p = malloc(n + 1))) {
			snprintf(err, errcap, "out of memory");
			return SRCE_IO;
		}
		memcpy(t->p, v, n + 1);
		t->len = n;
		return SRCE_OK;
	}
	case SRC_STDIN:
	case SRC_FILE: {
		const char *path = strncmp(spec, "file:", 5) == 0 ? spec + 5 : spec;
		if (!*path) {
			snprintf(err, errcap, "empty path");
			return SRCE_USAGE;
		}
		if (osutil_slurp(path, SOURCE_MAX, &t->p, &t->len) < 0) {
			snprintf(err, errcap, "%s", errno == EFBIG ? "larger than 1 MiB" : osutil_strerror(errno));
			memset(t, 0, sizeof *t); /* osutil_slurp frees what it read on failure */
			return SRCE_IO;
		}
		return SRCE_OK;
	}
	}
	return SRCE_USAGE;
}
