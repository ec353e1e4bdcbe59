/* t_sshdconf.c: sshd_config text as sshd reads it: directives, the quoting that survives sshd's
 * argument split (cmdline_split), Include globs, command comparison. The real sshd checks the same
 * quoting end to end in tests/interop/sshd_config.t. */
#include <string.h>

#include "cmdline.h"
#include "sshdconf.h"
#include "tap.h"

/* Quotes arg and splits it back: 1 if exactly arg comes back as one argument. */
static int round_trip(const char *arg)
{
	char q[512];
	struct cmdline cl = { 0 };
	int ok = sshdconf_quote(arg, 0, q, sizeof q) >= 0 && cmdline_split(q, &cl) == CMDLINE_OK && cl.n == 1 &&
		 strcmp(cl.v[0], arg) == 0;

	cmdline_free(&cl);
	return ok;
}

int main(void)
{
	static const char text[] = "# comment\n\n  Include  /etc/ssh/sshd_config.d/*.conf other\r\n"
				   "AuthorizedKeysCommand=/bin/x \"a b\"  \t\nmatch user bob\n";
	struct sshdconf_line l;
	size_t pos = 0;
	unsigned ln = 0;
	char q[64];

	IS_INT(sshdconf_next(text, sizeof text - 1, &pos, &ln, &l), 1, "first directive");
	OK(sshdconf_is(&l, "include") && !sshdconf_is(&l, "includ"), "keyword compared without case, whole");
	IS_INT((int)l.lineno, 3, "... on line 3 (comment and blank lines skipped)");
	OK(l.restlen == 35 && memcmp(l.rest, "/etc/ssh/sshd_config.d/*.conf other", 35) == 0, "... its value, CR dropped");
	IS_INT(sshdconf_next(text, sizeof text - 1, &pos, &ln, &l), 1, "keyword=value");
	OK(sshdconf_is(&l, "AUTHORIZEDKEYSCOMMAND"), "... keyword before '='");
	OK(l.restlen == 12 && memcmp(l.rest, "/bin/x \"a b\"", 12) == 0, "... raw value, trailing blanks dropped");
	IS_INT(sshdconf_next(text, sizeof text - 1, &pos, &ln, &l), 1, "match line");
	IS_INT(sshdconf_next(text, sizeof text - 1, &pos, &ln, &l), 0, "end");

	IS_INT((int)sshdconf_quote("gh:%u", 1, q, sizeof q), 6, "percent doubled");
	IS_STR(q, "gh:%%u", "... unquoted");
	IS_INT((int)sshdconf_quote("a \"b\\", 0, q, sizeof q), 9, "blank, quote, backslash");
	IS_STR(q, "\"a \\\"b\\\\\"", "... double-quoted and escaped");
	IS_INT((int)sshdconf_quote("a\nb", 0, q, sizeof q), -1, "a line break is refused");
	IS_INT((int)sshdconf_quote("a\tb", 0, q, sizeof q), -1, "... any control character (a tab too)");
	IS_INT((int)sshdconf_quote("abcdef", 0, q, 8), -1, "no room for the worst case is refused");
	static const char *const rt[] = { "", " ", "a b", "'", "\"", "\\", "\\\\\"", "#x", "a#b", "it's \"q\" \\ x",
					  "%u %%", "ünï" };
	for (size_t k = 0; k < sizeof rt / sizeof *rt; k++)
		OK(round_trip(rt[k]), "round trip of [%s]", rt[k]);

	OK(sshdconf_glob("*.conf", "00-keydrop.conf"), "*.conf matches");
	OK(sshdconf_glob("*", "00-keydrop.conf") && sshdconf_glob("0?-*.c*f", "00-keydrop.conf"), "* and ?");
	OK(!sshdconf_glob("*.cfg", "00-keydrop.conf") && !sshdconf_glob("[0]*", "00-keydrop.conf"),
	   "no match; a bracket never matches");
	OK(!sshdconf_glob("", "x") && sshdconf_glob("", "") && sshdconf_glob("**a", "aaa"), "edges");

	OK(sshdconf_same_command(" /a  b\t", 7, "/a b", 4), "blank runs and ends ignored");
	OK(!sshdconf_same_command("/a b", 4, "/ab", 3), "a blank still separates");
	OK(!sshdconf_same_command("/a b", 4, "/a bc", 5), "prefix is not the same");
	return tap_done();
}
