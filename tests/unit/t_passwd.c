/* t_passwd.c: strict passwd(5) parsing for --root: numbers that wrap, signs, blanks, short lines. */
#include <string.h>

#include "passwd.h"
#include "tap.h"

static int find(const char *text, const char *name, struct passwd_entry *e)
{
	return passwd_find(text, strlen(text), name, e);
}

int main(void)
{
	struct passwd_entry e;
	uint32_t v;

	IS_INT(find("root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1001:A:/home/alice:/bin/sh\n", "alice", &e), PWD_FOUND,
	       "alice found");
	IS_INT((int)e.uid, 1000, "uid");
	IS_INT((int)e.gid, 1001, "gid");
	IS_STR(e.home, "/home/alice", "home");
	IS_INT(find("root:x:0:0:root:/root:/bin/sh\n", "alice", &e), PWD_NOENT, "absent user");
	IS_INT(find("alice:x:4294967296:1000::/home/alice:/bin/sh\n", "alice", &e), PWD_BADNUM, "2^32 refused (no wrap to 0)");
	IS_INT(find("alice:x:4294967295:1000::/home/alice:/bin/sh\n", "alice", &e), PWD_BADNUM, "(uid_t)-1 refused");
	IS_INT(find("alice:x:-1:1000::/home/alice:/bin/sh\n", "alice", &e), PWD_BADNUM, "-1 refused");
	IS_INT(find("alice:x: 1000:1000::/home/alice:/bin/sh\n", "alice", &e), PWD_BADNUM, "leading blank refused");
	IS_INT(find("alice:x:+1000:1000::/home/alice:/bin/sh\n", "alice", &e), PWD_BADNUM, "'+' refused");
	IS_INT(find("alice:x:0x10:1000::/home/alice:/bin/sh\n", "alice", &e), PWD_BADNUM, "hex refused");
	IS_INT(find("alice:x::1000::/home/alice:/bin/sh\n", "alice", &e), PWD_BADNUM, "empty uid refused");
	IS_INT(find("alice:x:1000:1000:::/bin/sh\n", "alice", &e), PWD_BADHOME, "empty home refused");
	IS_INT(find("alice:x:1000:1000::/home/alice\n", "alice", &e), PWD_NOENT, "6 fields: not an entry (as getpwnam)");
	IS_INT(find("alicex:x:1:1::/a:/bin/sh\nalic:x:2:2::/b:/bin/sh\n", "alice", &e), PWD_NOENT, "prefixes do not match");
	IS_INT(find("alice:x:7:8::/h:/bin/sh", "alice", &e), PWD_FOUND, "last line without newline");
	IS_INT((int)e.uid, 7, "... its uid");
	static const char nul[] = "bob:x:1:1::/b:/bin/sh\n\0alice:x:2:2::/a:/bin/sh\n";
	IS_INT(passwd_find(nul, sizeof nul - 1, "alice", &e), PWD_NOENT, "a NUL byte ends the text");
	IS_INT(passwd_number("4294967294", 10, &v), 0, "largest uid accepted");
	OK(v == 4294967294u, "... its value");
	IS_INT(passwd_number("00000000001", 11, &v), -1, "more than 10 digits refused");
	return tap_done();
}
