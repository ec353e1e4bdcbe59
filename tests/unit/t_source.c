/* t_source.c: SOURCE classification and the local kinds (env:VAR, file:PATH, paths). */
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "tap.h"

int main(void)
{
	static const struct {
		const char *spec;
		enum source_kind kind;
	} t[] = {
		{ "-", SRC_STDIN },	      { "env:PUBLIC_KEY", SRC_ENV },     { "file:/x", SRC_FILE },
		{ "/root/.ssh/id.pub", SRC_FILE }, { "id.pub", SRC_FILE },	 { "gh:alice", SRC_NET },
		{ "gl:bob", SRC_NET },	      { "lp:carol", SRC_NET },	 { "https://a.example/k", SRC_NET },
		{ "http://a.example/k", SRC_NET }, { "ftp://a.example/k", SRC_BAD }, { "", SRC_BAD },
		{ "c:keys", SRC_FILE },
	};
	struct netsrc_opts o;
	struct source_ctx c;
	struct source_text st;
	char err[256];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		IS_INT(source_kind(t[i].spec), t[i].kind, "kind of '%s'", t[i].spec);
	netsrc_defaults(&o);
	source_ctx_init(&c, &o);
	setenv("KD_T_KEY", "ssh-ed25519 AAAA x", 1);
	IS_INT(source_read(&c, "env:KD_T_KEY", &st, err, sizeof err), SRCE_OK, "env: set variable");
	OK(st.len == 18 && strcmp(st.p, "ssh-ed25519 AAAA x") == 0, "... its value");
	OK(st.keep == NULL, "... nothing for the cache (a local source)");
	source_text_free(&st);
	OK(st.p == NULL && st.len == 0, "source_text_free empties it");
	unsetenv("KD_T_UNSET");
	IS_INT(source_read(&c, "env:KD_T_UNSET", &st, err, sizeof err), SRCE_REJECT, "env: unset variable");
	IS_STR(err, "variable KD_T_UNSET is not set", "... message");
	IS_INT(source_read(&c, "env:1BAD", &st, err, sizeof err), SRCE_USAGE, "env: bad name");
	IS_INT(source_read(&c, "env:", &st, err, sizeof err), SRCE_USAGE, "env: empty name");
	IS_INT(source_read(&c, "file:", &st, err, sizeof err), SRCE_USAGE, "file: empty path");
	IS_INT(source_read(&c, "file:/nonexistent/kd", &st, err, sizeof err), SRCE_IO, "file: missing");
	IS_STR(err, "No such file or directory", "... message");
	IS_INT(source_read(&c, "tests/vectors/sshkeygen-ed25519.pub", &st, err, sizeof err), SRCE_OK, "a path");
	OK(st.len > 80 && strncmp(st.p, "ssh-ed25519 ", 12) == 0, "... its contents");
	source_text_free(&st);
	IS_INT(source_read(&c, "ftp://x", &st, err, sizeof err), SRCE_USAGE, "unknown scheme");
	OK(st.p == NULL, "... nothing returned");
	/* network kinds go straight to netsrc_fetch (no weak hook, no "not built in" fallback) */
	IS_INT(source_read(&c, "gh:a/b", &st, err, sizeof err), SRCE_USAGE, "network: bad user refused by netsrc");
	OK(strncmp(err, "bad network source", 18) == 0, "... with netsrc's reason (%s)", err);
	IS_INT(source_read(&c, "http://127.0.0.1:1/k", &st, err, sizeof err), SRCE_USAGE, "network: http:// without --allow-http");
	source_ctx_free(&c);
	return tap_done();
}
