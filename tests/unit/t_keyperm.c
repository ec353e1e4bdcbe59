/* t_keyperm.c: ssh's rule for private key files (OpenSSH authfile.c sshkey_perm_ok: refused when
 * owned by the user and any of 077 is set; not checked when owned by someone else), the modes --fix
 * gives, and the .pub comparison. */
#include <stdint.h>
#include <string.h>

#include "keyperm.h"
#include "pubkey.h"
#include "tap.h"

static const char ed_a[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE3O8PzAzPgCmPVJTXKA9Fe/lvJ7ZqCJMmIKrkpcbEp7 a@x\n";
static const char ed_b[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwbDlAAKxTH8uD0/CAbhYc9e82VUi+jjcX5d0RTd4mA b@x\n";

int main(void)
{
	/* Every mode with any of 077 set is refused for the user's own key; none else. */
	int wrong = 0;
	for (uint32_t m = 0; m < 01000; m++) {
		unsigned f = keyperm_private(0100000 | m, 1000, 1000);
		if (!!(f & KP_UNPROTECTED) != !!(m & 077) || (f & KP_FOREIGN))
			wrong++;
		if (keyperm_private(0100000 | keyperm_private_fixed(m), 1000, 1000) != 0)
			wrong++;
	}
	IS_INT(wrong, 0, "own key: refused exactly when mode & 077, and the fixed mode is never refused");
	IS_INT(keyperm_private(0100644, 0, 1000), KP_FOREIGN | KP_OPEN, "root's 0644 key for uid 1000: foreign and open, not ssh's refusal");
	IS_INT(keyperm_private(0100600, 1001, 1000), KP_FOREIGN, "another user's 0600 key: foreign only");
	IS_INT(keyperm_private(0100400, 0, 0), 0, "root's own 0400 key: fine");
	IS_INT(keyperm_private_fixed(0644), 0600, "0644 -> 0600");
	IS_INT(keyperm_private_fixed(0640), 0600, "0640 -> 0600");
	IS_INT(keyperm_private_fixed(0444), 0400, "0444 -> 0400 (no write bit added)");
	IS_INT(keyperm_private_fixed(0755), 0600, "0755 -> 0600 (no execute)");
	IS_INT(keyperm_private_fixed(0044), 0400, "0044 -> 0400 (the owner must read it)");

	IS_INT(keyperm_pub(0100644, 1000, 1000), 0, ".pub 0644: fine");
	IS_INT(keyperm_pub(0100664, 1000, 1000), KP_WRITABLE, ".pub 0664: writable");
	IS_INT(keyperm_pub(0100644, 0, 1000), KP_FOREIGN, ".pub of root for a user: foreign");
	IS_INT(keyperm_pub_fixed(0666), 0644, ".pub fixed: 0644");

	IS_INT(keyperm_dir(040700, 1000, 1000, ".ssh"), 0, ".ssh 0700: fine");
	IS_INT(keyperm_dir(040755, 1000, 1000, ".ssh"), KP_NOT_0700, ".ssh 0755: a note");
	IS_INT(keyperm_dir(040755, 1000, 1000, "keys"), 0, "another directory 0755: fine");
	IS_INT(keyperm_dir(040770, 1000, 1000, ".ssh"), KP_WRITABLE, ".ssh 0770: writable");
	IS_INT(keyperm_dir(040755, 1001, 1000, ".ssh"), KP_FOREIGN | KP_NOT_0700, ".ssh of another user: foreign");
	IS_INT(keyperm_dir(040755, 0, 1000, "ssh"), 0, "root's directory: fine");
	IS_INT(keyperm_dir(041777, 0, 1000, "tmp"), KP_WRITABLE | KP_SHARED, "/tmp: writable and shared");
	IS_INT(keyperm_dir_fixed(040775, "keys"), 0755, "directory fixed: go-w");
	IS_INT(keyperm_dir_fixed(040775, ".ssh"), 0700, ".ssh fixed: 0700");

	uint8_t buf[PUBKEY_BLOB_MAX], pub[PUBKEY_BLOB_MAX];
	struct pubkey pk;
	OK(keyperm_first_key(ed_a, sizeof ed_a - 1, pub, sizeof pub, &pk) == PKL_OK, "first key of a .pub");
	size_t publen = pk.bloblen;
	char text[512];
	snprintf(text, sizeof text, "\n# comment\n%s", ed_a);
	IS_INT(keyperm_pub_match(text, strlen(text), pub, publen, buf, sizeof buf, &pk), KPM_MATCH, "blank and comment lines skipped: match");
	IS_INT(keyperm_pub_match(ed_b, sizeof ed_b - 1, pub, publen, buf, sizeof buf, &pk), KPM_DIFFERENT, "another key: different");
	IS_INT(keyperm_pub_match(ed_a, sizeof ed_a - 1, pub, publen - 1, buf, sizeof buf, &pk), KPM_DIFFERENT, "a shorter blob: different");
	snprintf(text, sizeof text, "command=\"x\" %s", ed_a);
	IS_INT(keyperm_pub_match(text, strlen(text), pub, publen, buf, sizeof buf, &pk), PKL_NOKEY, "a line with options is no .pub");
	IS_INT(keyperm_pub_match("", 0, pub, publen, buf, sizeof buf, &pk), PKL_EMPTY, "empty: no key");
	IS_INT(keyperm_pub_match("hello world\n", 12, pub, publen, buf, sizeof buf, &pk) < 0, 1, "junk: an error");
	return tap_done();
}
