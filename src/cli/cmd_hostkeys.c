/* cmd_hostkeys.c: keydrop hostkeys, like ssh-keygen -A: create only the missing host keys. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "die.h"
#include "hostkeydir.h"
#include "opts.h"
#include "osutil.h"

static const char usage[] =
	"usage: keydrop hostkeys [--root DIR] [-t ed25519,ecdsa,rsa] [-A] [--console] [--no-fix]\n"
	"  Creates the missing sshd host keys DIR/etc/ssh/ssh_host_TYPE_key{,.pub} (and DIR/etc/ssh, 0755),\n"
	"  repairs a .pub that does not match and a private key mode sshd refuses, then prints the\n"
	"  fingerprint and randomart of every host key in DIR/etc/ssh.\n"
	"  -t LIST    key types to ensure (default: ed25519; add ecdsa and rsa as needed)\n"
	"  -A         all three types, as ssh-keygen -A (unless -t is given)\n"
	"  --root DIR prefix for building an image offline (keys made there are shared by every\n"
	"             machine started from the image: make them at first boot instead)\n"
	"  --console  print cloud-init's blocks for the console (-----BEGIN SSH HOST KEY FINGERPRINTS-----\n"
	"             and -----BEGIN SSH HOST KEY KEYS-----) instead of the randomart\n"
	"  --no-fix   leave a private key's mode as it is (exit 1 when sshd would refuse it)\n"
	"  exit: 0 ok, 1 failure, 2 usage, 3 a host key sshd cannot use\n";

int cmd_hostkeys(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	struct opts op;
	enum { OPT_CONSOLE = 300, OPT_NOFIX };
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' }, { "console", no_argument, NULL, OPT_CONSOLE },
		{ "no-fix", no_argument, NULL, OPT_NOFIX }, OPTS_HELP_ROW, OPTS_END_ROW,
	};
	static const char *const help[] = { usage, NULL };
	const char *root = "/", *list = NULL;
	int c, ret, r, every = 0, console = 0, fix = 1, ntypes;
	enum keygen_type types[3];
	char err[4400], comment[300], shown[4200];
	struct hostkeydir *d;

	opts_init(&op, "hostkeys", argc, argv, "t:A", longopts, g, help);
	while ((c = opts_next(&op)) >= 0) {
		switch (c) {
		case 'r':
			root = op.arg;
			break;
		case 't':
			list = op.arg;
			break;
		case 'A': /* ssh-keygen -A: every type it makes by default */
			every = 1;
			break;
		case OPT_CONSOLE:
			console = 1;
			break;
		case OPT_NOFIX:
			fix = 0;
			break;
		}
	}
	if (c == OPTS_EXIT || (op.rc = opts_no_operands(&op)) != EXIT_OK)
		return op.rc;
	if (!(ntypes = hostkeydir_types("hostkeys", list ? list : every ? "ed25519,ecdsa,rsa" : "ed25519", types)))
		return EXIT_USAGE;
	if (!(d = calloc(1, sizeof *d)))
		return msg_fail(EXIT_FAIL, "hostkeys", "out of memory");
	if ((d->dirfd = hostkeydir_open_sshdir(root, err, sizeof err)) < 0) {
		free(d);
		return msg_fail(EXIT_FAIL, "hostkeys", "%s%s", err,
				errno == EACCES || errno == EPERM ? " (run as root, or use --root DIR)" : "");
	}
	osutil_protect_secrets();
	hostkeydir_comment(comment, sizeof comment);
	snprintf(shown, sizeof shown, "%s/etc/ssh", strcmp(root, "/") == 0 ? "" : root);
	*d = (struct hostkeydir){ .dirfd = d->dirfd, .shown = shown, .cmd = "hostkeys", .comment = comment,
				  .quiet = g->quiet, .fix = fix };
	ret = hostkeydir_make(d, types, ntypes);
	/* Every host key sshd will present is checked and shown, not only the types asked for: that is
	 * what a user compares on first connect. */
	if (ret == EXIT_OK || d->created)
		if ((r = hostkeydir_scan(d)) != EXIT_OK)
			ret = r;
	if (d->created && strcmp(root, "/") != 0 && !g->quiet)
		msg_err("hostkeys", "note: keys made under --root are shared by every machine started from the image; "
			"make them at first boot instead (keydrop-hostkeys.service, or keydrop entrypoint)");
	hostkeydir_print(d, console);
	close(d->dirfd);
	free(d);
	return ret;
}
