/* t_cmdline.c: sshd's argument split (OpenSSH's argv_split rules), %-tokens, the --config file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "tap.h"

/* cl's arguments joined by '|' (then cl is freed). */
static const char *joined(struct cmdline *cl)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < cl->n; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "|" : "", cl->v[i]);
	cmdline_free(cl);
	return buf;
}

static const char *split(const char *s, int *r)
{
	struct cmdline cl = { 0 };
	*r = cmdline_split(s, &cl);
	return joined(&cl);
}

static const char *conf(const char *s, int *r, unsigned *bad)
{
	struct cmdline cl = { 0 };
	*r = cmdline_conf(s, strlen(s), &cl, bad);
	return joined(&cl);
}

int main(void)
{
	int r;
	unsigned bad;
	char *x;

	IS_STR(split("/usr/bin/x %u  --flag\tv", &r), "/usr/bin/x|%u|--flag|v", "blanks and tabs separate");
	IS_STR(split("/bin/x \"a b\" 'c d'", &r), "/bin/x|a b|c d", "double and single quotes group");
	IS_STR(split("/bin/x a\\ b \"q\\\"x\" 'it\\'s' \\\\", &r), "/bin/x|a b|q\"x|it's|\\",
	       "backslash escapes a blank, quotes and itself");
	IS_STR(split("/bin/x a\\nb \"a\\ b\"", &r), "/bin/x|a\\nb|a\\ b", "other escapes are kept as written (as sshd)");
	IS_STR(split("/bin/x \"\" ''", &r), "/bin/x||", "empty quoted arguments are arguments");
	IS_STR(split("/bin/x ab\"c d\"e", &r), "/bin/x|abc de", "quotes inside an argument join");
	split("/bin/x \"open", &r);
	IS_INT(r, CMDLINE_QUOTE, "unclosed quote refused");
	IS_STR(split("   ", &r), "", "blanks only: no argument");
	{
		char big[70 * 3 + 1];
		for (int i = 0; i < 70; i++)
			memcpy(big + 3 * i, "ab ", 3);
		big[sizeof big - 1] = 0;
		split(big, &r);
		IS_INT(r, CMDLINE_TOOMANY, "more than 64 arguments refused");
	}

	IS_INT(cmdline_expand("https://k/%u.keys?x=%%", "alice", NULL, NULL, &x), CMDLINE_OK, "expand %%u %%%%");
	IS_STR(x, "https://k/alice.keys?x=%", "expanded");
	free(x);
	IS_INT(cmdline_expand("%t:%k:%u", "u", "ssh-ed25519", "AAAA", &x), CMDLINE_OK, "expand %%t %%k");
	IS_STR(x, "ssh-ed25519:AAAA:u", "expanded type and key");
	free(x);
	IS_INT(cmdline_expand("%k", "u", NULL, NULL, &x), CMDLINE_TOKEN, "%%k without a key refused");
	IS_INT(cmdline_expand("%h", "u", NULL, NULL, &x), CMDLINE_TOKEN, "%%h refused (sshd's home token: not ours)");
	IS_INT(cmdline_expand("a%", "u", NULL, NULL, &x), CMDLINE_TOKEN, "a lone %% at the end refused");
	OK(x == NULL, "nothing allocated on refusal");

	IS_STR(conf("# c\n\n  ttl 30 \nsource gh:%u\nchain /usr/bin/x %u --y\nno-cache\r\n", &r, &bad),
	       "--ttl=30|gh:%u|--chain=/usr/bin/x %u --y|--no-cache", "config lines -> arguments");
	IS_INT(r, CMDLINE_OK, "config parsed");
	conf("ttl 30\nTTL 3\n", &r, &bad);
	OK(r == CMDLINE_SYNTAX && bad == 2, "upper-case name refused, line 2");
	conf("source -x\n", &r, &bad);
	OK(r == CMDLINE_SYNTAX && bad == 1, "a source starting with '-' refused");
	conf("source\n", &r, &bad);
	OK(r == CMDLINE_SYNTAX && bad == 1, "a source without a value refused");
	conf("ttl=30\n", &r, &bad);
	OK(r == CMDLINE_SYNTAX, "name=value refused (name value expected)");
	IS_STR(conf("ttl 1", &r, &bad), "--ttl=1", "no final newline");
	return tap_done();
}
