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
	char *out, err[256];
	size_t len;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		IS_INT(source_kind(t[i].spec), t[i].kind, "kind of '%s'", t[i].spec);
	setenv("KD_T_KEY", "ssh-ed25519 AAAA x", 1);
	IS_INT(source_read("env:KD_T_KEY", &out, &len, err, sizeof err), SRCE_OK, "env: set variable");
	OK(len == 18 && strcmp(out, "ssh-ed25519 AAAA x") == 0, "... its value");
	free(out);
	unsetenv("KD_T_UNSET");
	IS_INT(source_read("env:KD_T_UNSET", &out, &len, err, sizeof err), SRCE_REJECT, "env: unset variable");
	IS_STR(err, "variable KD_T_UNSET is not set", "... message");
	IS_INT(source_read("env:1BAD", &out, &len, err, sizeof err), SRCE_USAGE, "env: bad name");
	IS_INT(source_read("env:", &out, &len, err, sizeof err), SRCE_USAGE, "env: empty name");
	IS_INT(source_read("file:", &out, &len, err, sizeof err), SRCE_USAGE, "file: empty path");
	IS_INT(source_read("file:/nonexistent/kd", &out, &len, err, sizeof err), SRCE_IO, "file: missing");
	IS_STR(err, "No such file or directory", "... message");
	IS_INT(source_read("tests/vectors/sshkeygen-ed25519.pub", &out, &len, err, sizeof err), SRCE_OK, "a path");
	OK(len > 80 && strncmp(out, "ssh-ed25519 ", 12) == 0, "... its contents");
	free(out);
	IS_INT(source_read("ftp://x", &out, &len, err, sizeof err), SRCE_USAGE, "unknown scheme");
	return tap_done();
}
