/* cmd_check.c: keydrop check — what sshd would refuse, and why.
 * StrictModes (auth.c auth_secure_path): the file must be a regular file, and the file and every
 * directory up to the home must be owned by root or the user and not group or world writable.
 * The parser (auth2-pubkeyfile.c): every line sshd skips, with its reason, in install's words where
 * the paste diagnosis knows the text (paste_diagnose: a fingerprint, a private key, a block...).
 * The walk, the read and the write are target's (the ones install and remove use). --fix repairs
 * directory modes by descriptor (fchmod on what the walk opened) and the file by replacement through
 * target_write under the lock (same bytes, owned by the user, 0600), and nothing else: every problem
 * says whether --fix repairs it. Nothing that belongs to another user (owner, or a hard-linked file)
 * is ever changed. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "authkeys.h"
#include "cmd.h"
#include "opts.h"
#include "targetcli.h"
#include "die.h"
#include "findings.h"
#include "osutil.h"
#include "fingerprint.h"
#include "diagcli.h"
#include "paste.h"
#include "cmd_check_key.h"

static const char usage[] =
	"usage: keydrop check [TARGET] [--fix]\n"
	"       keydrop check --key KEY [--fix]\n"
	"  Reports what sshd (StrictModes yes) would refuse: the file not regular, an owner other than\n"
	"  the user or root, a group/world-writable file, .ssh or home; and every line sshd skips.\n"
	"  --fix repairs modes (by descriptor, never by path; the file by replacing it, owned by the\n"
	"  user, 0600) and nothing else; what belongs to another user or is hard-linked is only reported.\n";
static const char usage2[] =
	"  --key KEY: the client side instead: what ssh refuses about the private key KEY (readable by\n"
	"  others: \"UNPROTECTED PRIVATE KEY FILE\"; another owner), a KEY.pub that is not its public half,\n"
	"  a directory others can write; prints its fingerprint (-v: also MD5) and whether a passphrase\n"
	"  protects it. --fix: KEY 0600, KEY.pub 0644, the directory go-w (.ssh: 0700), by descriptor, only\n"
	"  what you own; a symlink is reported, never followed for a change. Not with a TARGET.\n"
	"  Exit: 0 no problems, 1 failure, 2 usage, 3 --key given a public key, 4 problems remain.\n";

struct checker {
	const struct target *t;
	struct findings f;
	int quiet;
};

/* Owner and mode of one directory level (fd open on it). want_mode is what --fix sets when mode & 022.
 * --fix changes the mode only if chmod_ok (never the owner), and never touches a directory that
 * belongs to someone other than the user or root: that one is only reported. */
static void level(struct checker *k, int fd, const char *what, mode_t want_mode, int chmod_ok)
{
	struct stat st;
	const struct target *t = k->t;
	int foreign;

	if (fstat(fd, &st) < 0) {
		findings_problem(&k->f, NOFIX, "%s: %s", what, strerror(errno));
		return;
	}
	foreign = st.st_uid != t->uid && st.st_uid != 0;
	if (foreign)
		findings_problem(&k->f, NOFIX, "%s is owned by uid %u, not %s or root: sshd refuses it (StrictModes); not changed by --fix%s",
			what, (unsigned)st.st_uid, t->user, chmod_ok ? " (it belongs to another user)" : "");
	if (st.st_mode & 022) {
		mode_t m = want_mode ? want_mode : (st.st_mode & 07777 & ~(mode_t)022);
		if (k->f.fix && chmod_ok && !foreign && fchmod(fd, m) == 0) {
			printf("fixed: %s mode %04o -> %04o\n", what, (unsigned)(st.st_mode & 07777), (unsigned)m);
			k->f.fixed++;
		} else {
			findings_problem(&k->f, chmod_ok && !foreign ? FIXABLE : NOFIX,
				"%s is group or world writable (mode %04o): sshd refuses it (StrictModes)%s", what,
				(unsigned)(st.st_mode & 07777), chmod_ok && !foreign ? "" : "; not changed by --fix");
		}
	}
}

/* --fix on the file: never in place (a hard link or a race could make that someone else's file) but
 * through the one write path install uses: under the lock, read again (target_read refuses a hard
 * link, a foreign owner, a file the user cannot read), and only if it is still the file inspected,
 * byte for byte, written back by target_write (owned by the user, 0600; --file: its owner, mode minus
 * group/world write). Returns NULL when done, else why not ("; not changed by --fix (...)"). */
static const char *rewrite(struct target *t)
{
	char err[TARGET_PATH_MAX + 200];
	struct stat was = t->st, now;
	char *before = t->data;
	size_t blen = t->len;
	const char *why = NULL;

	if (fstat(t->dirfd, &now) < 0 || (now.st_uid != t->uid && now.st_uid != 0))
		return "; not changed by --fix (its directory belongs to another user)";
	if (target_lock(t, target_lock_timeout(), err, sizeof err) < 0)
		return "; not changed by --fix (cannot lock it)";
	t->data = NULL;
	if (target_read(t, err, sizeof err) < 0 || !t->exists || t->st.st_dev != was.st_dev || t->st.st_ino != was.st_ino ||
	    t->len != blen || memcmp(t->data, before, blen) != 0 || t->st.st_mtim.tv_sec != was.st_mtim.tv_sec ||
	    t->st.st_mtim.tv_nsec != was.st_mtim.tv_nsec) {
		why = "; not changed by --fix (it changed while checking: run again)";
	} else if (target_write(t, t->data, t->len, err, sizeof err) < 0) {
		msg_err("check", "%s", err);
		why = "; not changed by --fix (write failed)";
	}
	free(t->data);
	t->data = before;
	t->len = blen;
	t->st = was;
	return why;
}

/* The file itself (t->st its status, its bytes in t->data): owner, links and mode. */
static void file_level(struct checker *k, struct target *t)
{
	const struct stat *st = &t->st;
	int foreign = st->st_uid != t->uid && st->st_uid != 0, bad_mode = (st->st_mode & 022) != 0;
	const char *why = NULL;
	struct stat after;

	if (st->st_nlink > 1)
		findings_problem(&k->f, NOFIX, "%s has %lu hard links (keydrop refuses to write it; not changed by --fix)", t->path,
			(unsigned long)st->st_nlink);
	if (foreign)
		findings_problem(&k->f, NOFIX, "%s is owned by uid %u, not %s or root: sshd refuses it (StrictModes); not changed by --fix "
			"(it belongs to another user)", t->path, (unsigned)st->st_uid, t->user);
	if (!foreign && !target_user_can_read(t, st)) {
		/* sshd reads the file as the user; --fix would hand its bytes to the user. */
		findings_problem(&k->f, NOFIX, "%s is owned by uid %u with mode %04o: %s cannot read it, so sshd ignores it; "
			"not changed by --fix (its bytes are not the user's to read)", t->path,
			(unsigned)st->st_uid, (unsigned)(st->st_mode & 07777), t->user);
		if (bad_mode)
			findings_problem(&k->f, NOFIX, "%s is group or world writable (mode %04o): sshd refuses it (StrictModes); "
				"not changed by --fix", t->path, (unsigned)(st->st_mode & 07777));
		return;
	}
	if (!bad_mode)
		return;
	if (st->st_nlink > 1)
		why = "; not changed by --fix (hard-linked)";
	else if (foreign)
		why = "; not changed by --fix (it belongs to another user)";
	if (!why && !k->f.fix) {
		findings_problem(&k->f, FIXABLE, "%s is group or world writable (mode %04o): sshd refuses it (StrictModes)", t->path,
			(unsigned)(st->st_mode & 07777));
		return;
	}
	if (!why && !(why = rewrite(t))) {
		printf("fixed: %s mode %04o -> ", t->path, (unsigned)(st->st_mode & 07777));
		if (fstatat(t->dirfd, t->name, &after, AT_SYMLINK_NOFOLLOW) == 0) {
			printf("%04o\n", (unsigned)(after.st_mode & 07777));
			if (after.st_uid != st->st_uid)
				printf("fixed: %s now owned by %s (was uid %u)\n", t->path, t->user, (unsigned)st->st_uid);
		} else {
			printf("replaced\n");
		}
		k->f.fixed++;
		return;
	}
	findings_problem(&k->f, NOFIX, "%s is group or world writable (mode %04o): sshd refuses it (StrictModes)%s", t->path,
		(unsigned)(st->st_mode & 07777), why);
}

/* The name of the directory depth levels above dir, which fd is open on: dir's textual parent when
 * that path still leads to fd (no link was followed on the way), else "directory N levels above". The
 * path is looked up only to name it; every check works on fd. */
static void name_parent(char *out, size_t cap, const char *dir, int depth, int fd)
{
	char p[TARGET_PATH_MAX];
	struct stat byname, byfd;
	int i;

	snprintf(p, sizeof p, "%s", dir);
	for (i = 0; i < depth; i++) {
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		slash[slash == p] = '\0'; /* "/a" -> "/" */
		if (slash == p && i + 1 < depth)
			break;
	}
	if (i == depth && stat(p, &byname) == 0 && fstat(fd, &byfd) == 0 && byname.st_dev == byfd.st_dev &&
	    byname.st_ino == byfd.st_ino)
		snprintf(out, cap, "%s", p);
	else
		snprintf(out, cap, "directory %d level%s above %s", depth, depth == 1 ? "" : "s", dir);
}

/* --file targets: every directory up to '/', through ".." descriptors. */
static void parents(struct checker *k, int dirfd)
{
	int fd = dup(dirfd);
	for (int depth = 0; fd >= 0 && depth < 64; depth++) {
		struct stat st, up;
		char what[TARGET_PATH_MAX + 64];
		if (depth == 0)
			snprintf(what, sizeof what, "%s", k->t->dir);
		else
			name_parent(what, sizeof what, k->t->dir, depth, fd);
		/* Directories above a --file target are system directories: reported, never changed. */
		level(k, fd, what, 0, 0);
		int pfd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0 || fstat(fd, &st) < 0 || fstat(pfd, &up) < 0 || (st.st_ino == up.st_ino && st.st_dev == up.st_dev)) {
			if (pfd >= 0)
				close(pfd);
			break;
		}
		close(fd);
		fd = pfd;
	}
	if (fd >= 0)
		close(fd);
}

/* " (odd byte NUL at column 12)" for line i, or "" (see authkeys_line_odd). */
static const char *odd_note(const struct authkeys *ak, size_t i, char *buf, size_t cap)
{
	static const char *const names[] = { [0] = "NUL", [0x0b] = "VT", [0x0c] = "FF", [0x0d] = "CR", [0x1b] = "ESC" };
	long at = authkeys_line_odd(ak, i);
	char hex[8];

	if (at < 0)
		return "";
	unsigned char c = (unsigned char)ak->buf[ak->lines[i].off + (size_t)at];
	const char *name = c < sizeof names / sizeof *names && names[c] ? names[c] : c == 0x7f ? "DEL" : NULL;
	if (!name) {
		snprintf(hex, sizeof hex, "0x%02x", c);
		name = hex;
	}
	snprintf(buf, cap, " (odd byte %s at column %ld)", name, at + 1);
	return buf;
}

static void lines(struct checker *k, const struct target *t)
{
	struct authkeys ak;
	uint8_t *work = malloc(PUBKEY_BLOB_MAX);
	size_t nkeys = 0;
	time_t now = time(NULL);
	long gmtoff = osutil_gmtoff(now);

	int r = work ? authkeys_parse(&ak, t->data, t->len) : AK_NOMEM;
	if (r != AK_OK) {
		findings_problem(&k->f, NOFIX, "%s: %s", t->path, authkeys_strerror(r));
		free(work);
		return;
	}
	for (size_t i = 0; i < ak.nlines; i++) {
		struct pubkey pk;
		struct paste_diag d;
		const char *why, *odd;
		char oddbuf[64], where[64];
		if (ak.lines[i].kind != AKL_OTHER)
			continue;
		r = authkeys_line_key(&ak, i, work, PUBKEY_BLOB_MAX, &pk, &why);
		odd = odd_note(&ak, i, oddbuf, sizeof oddbuf);
		/* A key sshd reads from a line with odd bytes may be hidden from whoever reads the file. */
		if (r == PKL_OK && *odd) {
			char fp[FINGERPRINT_MAX];
			fingerprint_format(pk.blob, pk.bloblen, FP_SHA256, fp);
			findings_problem(&k->f, NOFIX, "line %zu: suspicious%s: sshd reads the key %s on it (keydrop remove %s, if not yours)",
				i + 1, odd, fp, fp);
		}
		if (diag_authline(&ak, i, r, &pk, work, &d)) {
			/* Install's words for the same text: a fingerprint, a missing type, a private key, a
			 * block, joined keys (sshd takes at most the first of those: not counted as usable). */
			diag_where(where, sizeof where, i, &d);
			if (r == PKL_OK)
				findings_problem(&k->f, NOFIX, "%s: %s", where, d.detail);
			else
				findings_problem(&k->f, NOFIX, "%s: sshd skips %s: %s%s", where, d.nlines > 1 ? "them" : "it", d.detail, odd);
			i += d.nlines - 1;
			continue;
		}
		if (r == PKL_OK) {
			unsigned f = pk.opts ? authkeys_opts_flags(pk.opts, pk.optslen) : 0;
			if ((f & AKO_PRINCIPALS) && !(f & AKO_CERT_AUTHORITY) && !pk.info.cert) {
				findings_problem(&k->f, NOFIX, "line %zu: sshd skips it: principals= without cert-authority", i + 1);
				continue;
			}
			if (pk.info.cert) {
				findings_problem(&k->f, NOFIX, "line %zu: sshd never accepts a certificate as an authorized key (install the plain key, "
					   "or the CA's key with cert-authority)", i + 1);
				continue;
			}
			if (authkeys_opts_expired(pk.opts, pk.optslen, (long long)now, gmtoff)) {
				findings_problem(&k->f, NOFIX, "line %zu: sshd refuses it: expiry-time is past (\"entry expired\")", i + 1);
				continue;
			}
			if (pk.info.family == KF_UNKNOWN) {
				printf("note: line %zu: key type %s is not known to keydrop: it cannot tell whether sshd accepts it\n",
				       i + 1, pk.info.type);
				continue;
			}
			if (f & AKO_CERT_AUTHORITY)
				printf("note: line %zu: a CA key (cert-authority): it admits certificates it signed, not itself\n",
				       i + 1);
			nkeys++;
			if (pk.info.family == KF_DSA)
				printf("note: line %zu: ssh-dss (DSA) keys are refused by OpenSSH 7.0 and later by default\n", i + 1);
		} else if (r == AKO_BAD) {
			char opt[41];
			size_t at, rest, j;
			authkeys_opts_check_at(pk.opts, pk.optslen, &why, &at);
			rest = authkeys_opt_len(pk.opts, pk.optslen, at);
			for (j = 0; j < rest && j < sizeof opt - 1; j++) {
				unsigned char ch = (unsigned char)pk.opts[at + j];
				opt[j] = (char)(ch < 0x20 || ch == 0x7f ? '?' : ch);
			}
			opt[j] = '\0';
			findings_problem(&k->f, NOFIX, "line %zu: sshd skips it: bad options: %s at '%s%s'%s", i + 1, why, opt,
				rest > j ? "..." : "", odd);
		} else if (r == PKL_BLOB) {
			findings_problem(&k->f, NOFIX, "line %zu: sshd skips it: %s%s", i + 1, keyblob_strerror(pk.blob_err), odd);
		} else {
			findings_problem(&k->f, NOFIX, "line %zu: sshd skips it: %s%s", i + 1, pubkey_strerror(r), odd);
		}
	}
	if (ak.unterminated)
		printf("note: line %zu: '# keydrop:begin' without its end marker (keydrop treats it as a comment)\n",
		       ak.unterminated);
	if (ak.stray)
		printf("note: line %zu: keydrop marker out of place (treated as a comment)\n", ak.stray);
	if (nkeys == 0)
		findings_problem(&k->f, NOFIX, "%s holds no usable key", t->path);
	else if (!k->quiet)
		printf("keys: %zu usable\n", nkeys);
	authkeys_free(&ak);
	free(work);
}

int cmd_check(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	static const struct option longopts[] = { /* and cmdt_longopts */
						   { "fix", no_argument, NULL, 'x' },
						   { "key", required_argument, NULL, 'k' },
						   OPTS_END_ROW };
	struct target_spec spec = { 0 };
	struct target t;
	struct checker k = { &t, { 0, 0, 0, 0 }, g->quiet };
	char err[TARGET_PATH_MAX + 200];
	int c, r;
	struct opts op;
	const char *key = NULL, *tgt = NULL;

	static const char *const help[] = { usage, cmdt_usage, usage2, NULL };
	opts_init(&op, "check", argc, argv, "", longopts, g, help);
	opts_add(&op, cmdt_longopts);
	while ((c = opts_next(&op)) >= 0)
		if (c == 'x')
			k.f.fix = 1;
		else if (c == 'k')
			key = op.arg;
		else if (cmdt_target_opt(c, op.arg, &spec) && !tgt)
			tgt = c == 'U' ? "--user" : c == 'H' ? "--home" : c == 'F' ? "--file" : c == 'G' ? "--fragment" : "--root";
	if (c == OPTS_EXIT || (op.rc = opts_no_operands(&op)) != EXIT_OK)
		return op.rc;
	if (key && tgt)
		return msg_usage("check", "--key cannot be combined with %s (--key checks a private key here, a TARGET "
				 "an authorized_keys file)", tgt);
	if (key)
		return cmd_check_key(key, k.f.fix, g);
	k.quiet = g->quiet;
	if ((c = cmdt_resolve(&t, &spec, "check")) != EXIT_OK)
		return c;

	/* The walk install and remove take (target.h); check reports where they would refuse, and
	 * stops only where the walk itself is unsafe. */
	if (!t.is_file) {
		r = target_open_home(&t, err, sizeof err);
		if (r == -2)
			goto fatal;
		if (t.homefd < 0) {
			findings_problem(&k.f, NOFIX, "home %s: %s", t.home, err);
			goto done;
		}
		/* The home's owner is not ours to change; its mode is (sshd refuses a writable home). */
		level(&k, t.homefd, t.home, 0, 1);
	}
	r = target_open_dir(&t, 0, err, sizeof err);
	if (r == -2)
		goto fatal;
	if (t.dirfd < 0) {
		struct stat st;
		if (r == 0)
			findings_problem(&k.f, NOFIX, "%s does not exist", t.dir);
		else if (!t.is_file && fstatat(t.homefd, ".ssh", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			findings_problem(&k.f, NOFIX, "%s is a symlink (keydrop refuses to follow it; not changed by --fix)", t.dir);
		else
			findings_problem(&k.f, NOFIX, "%s", err);
		goto done;
	}
	/* A foreign owner of .ssh or of --file's directory is reported by level / parents. */
	if (t.is_file)
		parents(&k, t.dirfd);
	else
		level(&k, t.dirfd, t.dir, 0700, 1);
	r = target_inspect(&t, err, sizeof err);
	if (r < 0)
		findings_problem(&k.f, NOFIX, "%s", err);
	else if (!t.exists)
		findings_problem(&k.f, NOFIX, "%s does not exist", t.path);
	if (r < 0 || !t.exists)
		goto done;
	file_level(&k, &t);
	if (r == 2) /* too large to read: its mode, owner and links are still reported above */
		findings_problem(&k.f, NOFIX, "%s: its lines are not checked", err);
	else
		lines(&k, &t);
done:
	target_close(&t);
	return findings_end(&k.f, t.path, g->quiet);
fatal:
	target_close(&t);
	return msg_fail(EXIT_FAIL, "check", "%s", err);
}
