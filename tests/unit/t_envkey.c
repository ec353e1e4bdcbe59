/* t_envkey.c: keys from PUBLIC_KEY / SSH_PUBLIC_KEY as providers deliver them. */
#include <stdio.h>
#include <string.h>

#include "envkey.h"
#include "tap.h"

static const char *norm(const char *in, int *r)
{
	static char out[512];
	size_t n;
	*r = envkey_normalise(in, strlen(in), out, &n);
	out[n] = 0;
	return out;
}

int main(void)
{
	int r;
	const char *k1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl a@b";

	IS_STR(norm(k1, &r), k1, "a plain key is unchanged");
	OK(r == ENVKEY_OK, "... OK");
	IS_STR(norm("  \"ssh-ed25519 AAAA a@b\"\n", &r), "ssh-ed25519 AAAA a@b", "double quotes around the value go");
	IS_STR(norm("'ssh-ed25519 AAAA a@b'", &r), "ssh-ed25519 AAAA a@b", "single quotes around the value go");
	IS_STR(norm("\"ssh-ed25519 AAAA a@b'", &r), "\"ssh-ed25519 AAAA a@b'", "quotes that do not match stay");
	IS_STR(norm("ssh-ed25519 AAAA a\\nssh-rsa BBBB b", &r), "ssh-ed25519 AAAA a\nssh-rsa BBBB b",
	       "a literal \\n between two keys is a line break");
	IS_STR(norm("ssh-ed25519 AAAA a\\r\\nssh-rsa BBBB b", &r), "ssh-ed25519 AAAA a\nssh-rsa BBBB b",
	       "a literal \\r\\n too");
	IS_STR(norm("command=\"echo a\\nb\" ssh-ed25519 AAAA a\\nssh-rsa BBBB", &r),
	       "command=\"echo a\\nb\" ssh-ed25519 AAAA a\nssh-rsa BBBB", "a \\n inside an option's quotes stays");
	IS_STR(norm("command=\"say \\\"x\\\" \\n\" ssh-ed25519 AAAA\\nssh-rsa B", &r),
	       "command=\"say \\\"x\\\" \\n\" ssh-ed25519 AAAA\nssh-rsa B", "escaped quotes do not end the option");
	IS_STR(norm("\"ssh-ed25519 AAAA a\"\\n\"ssh-rsa BBBB b\"", &r), "\"ssh-ed25519 AAAA a\"\n\"ssh-rsa BBBB b\"",
	       "two quoted keys joined by \\n: split (each line's quotes are the paste layer's)");
	IS_STR(norm("ssh-ed25519 AAAA\\", &r), "ssh-ed25519 AAAA\\", "a backslash at the end stays");
	IS_STR(norm("ssh-ed25519 AAAA a\\\\nssh-rsa BBBB b", &r), "ssh-ed25519 AAAA a\nssh-rsa BBBB b",
	       "a \\\\n (a JSON string escaped twice) is a line break too");
	IS_STR(norm("\"---- BEGIN SSH2 PUBLIC KEY ----\\nComment: \\\"me\\\"\\nAAAA\\n---- END SSH2 PUBLIC KEY ----\"", &r),
	       "---- BEGIN SSH2 PUBLIC KEY ----\nComment: \\\"me\\\"\nAAAA\n---- END SSH2 PUBLIC KEY ----",
	       "an RFC 4716 block in quotes: the quotes go, its \\n are breaks though its Comment: has quotes");
	IS_STR(norm("---- BEGIN SSH2 PUBLIC KEY ----\\nComment: \"me\\nAAAA\\n---- END SSH2 PUBLIC KEY ----", &r),
	       "---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"me\nAAAA\n---- END SSH2 PUBLIC KEY ----",
	       "an RFC 4716 block with an odd quote in its Comment: every \\n a break");
	norm("", &r);
	OK(r == ENVKEY_EMPTY, "empty: ENVKEY_EMPTY");
	norm(" \"\" ", &r);
	OK(r == ENVKEY_EMPTY, "empty quotes: ENVKEY_EMPTY");
	norm("null", &r);
	OK(r == ENVKEY_NULL, "null: ENVKEY_NULL");
	norm("\"NULL\"", &r);
	OK(r == ENVKEY_NULL, "\"NULL\": ENVKEY_NULL");
	norm("None", &r);
	OK(r == ENVKEY_NULL, "None: ENVKEY_NULL");
	norm("undefined\n", &r);
	OK(r == ENVKEY_NULL, "undefined: ENVKEY_NULL");
	norm(" \\n\\n ", &r);
	OK(r == ENVKEY_EMPTY, "only literal \\n: ENVKEY_EMPTY");
	norm("nullx", &r);
	OK(r == ENVKEY_OK, "nullx is text (the paste layer refuses it)");
	return tap_done();
}
