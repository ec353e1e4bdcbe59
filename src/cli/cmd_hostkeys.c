/* cmd_hostkeys.c: keydrop hostkeys, like ssh-keygen -A: create only the missing host keys; with
 * --format dropbear or tinyssh, the same host identity for the server of an initramfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "die.h"
#include "hostkeydir.h"
#include "hostkeyfmt.h"
#include "opts.h"
#include "osutil.h"

static const char usage[] =
	"usage: keydrop hostkeys [--root DIR] [-t ed25519,ecdsa,rsa] [-A] [--console] [--no-fix]\n"
	"                        [--format openssh|dropbear|tinyssh] [--dir KEYDIR] [--separate] [--show]\n"
	"  Creates the missing sshd host keys DIR/etc/ssh/ssh_host_TYPE_key{,.pub} (and DIR/etc/ssh, 0755),\n"
	"  repairs a .pub that does not match and a private key mode sshd refuses, then prints the\n"
	"  fingerprint and randomart of every host key in DIR/etc/ssh.\n"
	"  -t LIST    key types to ensure (default: ed25519; add ecdsa and rsa as needed)\n"
	"  -A         all three types, as ssh-keygen -A (unless -t is given)\n"
	"  --root DIR prefix for building an image offline (keys made there are shared by every\n"
	"             machine started from the image: make them at first boot instead)\n"
	"  --format F openssh (default), dropbear (DIR/etc/dropbear) or tinyssh (DIR/etc/tinyssh/sshkeydir,\n"
	"             ed25519 only): the OpenSSH host keys present (or the -t/-A types, made when missing)\n"
	"             converted to that server's files: one host identity\n"
	"  --dir KEYDIR  that key directory instead (not under --root)\n"
	"  --separate keys of their own: the missing -t types made, existing ones kept\n"
	"  --show     change nothing: print the format's host keys (exit 1: none, or a private key\n"
	"             mode the server would refuse, reported and not repaired)\n"
	"  --console  print cloud-init's blocks for the console (-----BEGIN SSH HOST KEY FINGERPRINTS-----\n"
	"             and -----BEGIN SSH HOST KEY KEYS-----) instead of the randomart\n"
	"  --no-fix   leave a private key's mode as it is (exit 1 when the server would refuse it)\n"
	"  exit: 0 ok, 1 failure, 2 usage, 3 a host key the server cannot use\n";

struct hk_opts {
	const char *root, *list, *dir;
	int every, console, fix, separate, show;
	enum hostkey_format format;
};

/* The OpenSSH keys to convert into s->dirfd: the -t/-A types (made when missing), else those
 * present. Returns the count (0: none, said), or -1 (said). */
static int sources(const struct hk_opts *o, struct hostkeydir *s, enum keygen_type *types, int ntypes)
{
	char err[4400];
	int n = 0;

	if (o->list || o->every) {
		if ((s->dirfd = hostkeydir_open_sshdir(o->root, err, sizeof err)) < 0)
			return msg_fail(EXIT_FAIL, s->cmd, "%s", err), -1;
		return hostkeydir_make(s, types, ntypes) == EXIT_OK || s->created ? ntypes : -1;
	}
	/* Nothing is made in etc/ssh here: the initramfs hooks run this at every image update. */
	if ((s->dirfd = hostkeydir_open_dir(o->root, "/etc/ssh", 0, err, sizeof err)) < 0 && errno != ENOENT)
		return msg_fail(EXIT_FAIL, s->cmd, "%s", err), -1;
	for (int t = KT_ED25519; s->dirfd >= 0 && t <= KT_RSA; t++)
		if ((o->format != HKF_TINYSSH || t == KT_ED25519) && hostkeydir_has(s->dirfd, (enum keygen_type)t))
			types[n++] = (enum keygen_type)t;
	if (n == 0)
		msg_err(s->cmd, "no OpenSSH host key in %s to convert (make them first, or --separate)", s->shown);
	return n;
}

/* Removes the key directory d->dirfd (named path) when this run made it and it is still empty: a
 * run that wrote no key leaves no trace. Only the directory the descriptor is, never a name swapped
 * in meanwhile; a directory holding anything is kept (rmdir refuses it). */
static void unmake_dir(const struct hostkeydir *d, const char *path)
{
	char base[256];
	size_t l = strlen(path);
	struct stat mine, now;
	int pfd;

	while (l > 1 && path[l - 1] == '/')
		l--;
	const char *b = path + l;
	while (b > path && b[-1] != '/')
		b--;
	if ((size_t)(path + l - b) >= sizeof base || b == path + l)
		return;
	snprintf(base, sizeof base, "%.*s", (int)(path + l - b), b);
	if ((pfd = openat(d->dirfd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	if (fstat(d->dirfd, &mine) == 0 && fstatat(pfd, base, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    mine.st_dev == now.st_dev && mine.st_ino == now.st_ino)
		unlinkat(pfd, base, AT_REMOVEDIR);
	close(pfd);
}

static int run(const struct hk_opts *o, struct hostkeydir *d, enum keygen_type *types, int ntypes, const struct globals *g)
{
	static const char *const paths[] = { "/etc/ssh", "/etc/dropbear", "/etc/tinyssh/sshkeydir" };
	char err[4400], keydir[4200], sshshown[4200];
	const char *rootp = strcmp(o->root, "/") == 0 ? "" : o->root, *path = o->dir ? o->dir : paths[o->format];
	const char *droot = o->dir ? "/" : o->root;
	struct hostkeydir *s = NULL;
	int ret = EXIT_OK, r, n = ntypes, ssh = o->format == HKF_OPENSSH, made_dir = 0;

	snprintf(sshshown, sizeof sshshown, "%s/etc/ssh", rootp);
	snprintf(keydir, sizeof keydir, "%s%s", o->dir ? "" : rootp, path);
	d->shown = keydir;
	/* The key directory first: a run that cannot write there makes nothing, not even the OpenSSH keys
	 * of -t. Made when its parent exists (and removed again when no key lands in it). */
	if (ssh)
		d->dirfd = o->show ? hostkeydir_open_dir(o->root, path, 0, err, sizeof err)
				   : hostkeydir_open_sshdir(o->root, err, sizeof err);
	else if ((d->dirfd = hostkeydir_open_dir(droot, path, 0, err, sizeof err)) < 0 && errno == ENOENT && !o->show)
		made_dir = (d->dirfd = hostkeydir_open_dir(droot, path, 1, err, sizeof err)) >= 0;
	if (d->dirfd < 0)
		return o->show && errno == ENOENT ? msg_fail(EXIT_FAIL, d->cmd, "no host key in %s", keydir)
						  : msg_fail(EXIT_FAIL, d->cmd, "%s%s", err,
							     errno == EACCES || errno == EPERM ? " (run as root, or use --root DIR)" : "");
	if (!ssh && !o->show && !o->separate) {
		if (!(s = malloc(sizeof *s))) {
			ret = msg_fail(EXIT_FAIL, d->cmd, "out of memory");
			goto out;
		}
		*s = *d;
		s->dirfd = -1;
		s->shown = sshshown;
		s->format = HKF_OPENSSH; /* the OpenSSH keys converted (made with -t) */
		s->refuser = NULL;
		if ((n = sources(o, s, types, ntypes)) <= 0) {
			ret = EXIT_FAIL;
			goto out;
		}
	}
	if (!o->show)
		ret = ssh || o->separate ? hostkeydir_make(d, types, ntypes) : hostkeyfmt_convert(d, s->dirfd, sshshown, types, n);
	/* Every host key the server will present is checked and shown, not only the types asked for:
	 * that is what a user compares on first connect. */
	if (ret == EXIT_OK || d->created || !ssh)
		if ((r = ssh ? hostkeydir_scan(d) : hostkeyfmt_scan(d)) != EXIT_OK)
			ret = r;
	if ((d->created || (s && s->created)) && *rootp && !g->quiet)
		msg_err(d->cmd, "note: keys made under --root are shared by every machine started from the image; "
			"make them at first boot instead (keydrop-hostkeys.service, or keydrop entrypoint)");
	hostkeydir_print(d, o->console);
	if (o->show && ret == EXIT_OK && d->n == 0)
		ret = msg_fail(EXIT_FAIL, d->cmd, "no host key in %s", keydir);
out:
	if (made_dir && d->n == 0)
		unmake_dir(d, path);
	close(d->dirfd);
	if (s && s->dirfd >= 0)
		close(s->dirfd);
	free(s);
	return ret;
}

int cmd_hostkeys(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	struct opts op;
	enum { OPT_CONSOLE = 300, OPT_NOFIX, OPT_FORMAT, OPT_DIR, OPT_SEPARATE, OPT_SHOW };
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },	 { "console", no_argument, NULL, OPT_CONSOLE },
		{ "no-fix", no_argument, NULL, OPT_NOFIX },	 { "format", required_argument, NULL, OPT_FORMAT },
		{ "dir", required_argument, NULL, OPT_DIR },	 { "separate", no_argument, NULL, OPT_SEPARATE },
		{ "show", no_argument, NULL, OPT_SHOW },	 OPTS_HELP_ROW,
		OPTS_END_ROW,
	};
	static const char *const help[] = { usage, NULL };
	static const char *const formats[] = { "openssh", "dropbear", "tinyssh" };
	struct hk_opts o = { .root = "/", .fix = 1 };
	const char *fmt = "openssh";
	int c, ret, ntypes;
	enum keygen_type types[3];
	char comment[300];
	struct hostkeydir *d;

	opts_init(&op, "hostkeys", argc, argv, "t:A", longopts, g, help);
	while ((c = opts_next(&op)) >= 0) {
		switch (c) {
		case 'r':
			o.root = op.arg;
			break;
		case 't':
			o.list = op.arg;
			break;
		case 'A': /* ssh-keygen -A: every type it makes by default */
			o.every = 1;
			break;
		case OPT_CONSOLE:
			o.console = 1;
			break;
		case OPT_NOFIX:
			o.fix = 0;
			break;
		case OPT_FORMAT:
			fmt = op.arg;
			break;
		case OPT_DIR:
			o.dir = op.arg;
			break;
		case OPT_SEPARATE:
			o.separate = 1;
			break;
		case OPT_SHOW:
			o.show = 1;
			break;
		}
	}
	if (c == OPTS_EXIT || (op.rc = opts_no_operands(&op)) != EXIT_OK)
		return op.rc;
	for (o.format = HKF_OPENSSH; o.format <= HKF_TINYSSH && strcmp(fmt, formats[o.format]) != 0; o.format++)
		;
	if (o.format > HKF_TINYSSH)
		return msg_usage("hostkeys", "unknown --format '%s' (openssh, dropbear, tinyssh)", fmt);
	if (o.format == HKF_OPENSSH && (o.dir || o.separate))
		return msg_usage("hostkeys", "%s goes with --format dropbear or tinyssh", o.dir ? "--dir" : "--separate");
	if (o.dir && !*o.dir)
		return msg_usage("hostkeys", "--dir needs a directory");
	const char *want = o.list ? o.list : o.every && o.format != HKF_TINYSSH ? "ed25519,ecdsa,rsa" : "ed25519";
	if (!(ntypes = hostkeydir_types("hostkeys", want, types)))
		return EXIT_USAGE;
	if (o.format == HKF_TINYSSH && (ntypes != 1 || types[0] != KT_ED25519))
		return msg_usage("hostkeys", "tinyssh takes only ed25519 keys");
	if (!(d = calloc(1, sizeof *d)))
		return msg_fail(EXIT_FAIL, "hostkeys", "out of memory");
	osutil_protect_secrets();
	hostkeydir_comment(comment, sizeof comment);
	*d = (struct hostkeydir){ .dirfd = -1, .cmd = "hostkeys", .comment = comment, .quiet = g->quiet,
				  .fix = o.fix && !o.show, .show = o.show, .format = o.format,
				  .refuser = o.format == HKF_OPENSSH ? NULL : "others can read the private host key" };
	ret = run(&o, d, types, ntypes, g);
	free(d);
	return ret;
}
