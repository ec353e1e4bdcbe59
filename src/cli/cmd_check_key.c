/* cmd_check_key.c: keydrop check --key KEY [--fix], the client side of check: what ssh refuses about
 * a private key file, and what makes logins with it fail. The rules are keyperm's (core): ssh's own
 * refusal (sshkey_perm_ok), the .pub ssh offers, the directory anyone could replace the key in.
 * Every check works on descriptors: the key and its .pub are opened with O_NOFOLLOW (a symlink is
 * reported and read through, never changed), --fix is fchmod on what was opened and fstat'ed, only
 * on files the invoking user owns, never chown; after each change the mode is read back. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_check_key.h"
#include "die.h"
#include "findings.h"
#include "fingerprint.h"
#include "fsx.h"
#include "keyblob.h"
#include "keyload.h"
#include "keyperm.h"
#include "keyprint.h"
#include "osutil.h"
#include "pubkey.h"
#include "secret.h"

#define KEY_FILE_MAX (1u << 20) /* OpenSSH's MAX_KEY_FILE_SIZE */
#define PATH_CAP 4200

struct kcheck {
	const char *path; /* KEY as given */
	uid_t uid;        /* the real uid: ssh's getuid() */
	struct findings f;
	int quiet, verbose;
};

static unsigned mode4(const struct stat *st)
{
	return (unsigned)(st->st_mode & 07777);
}

/* fchmod fd (an fstat'ed file of the user's) to want and read the mode back. Prints "fixed: ..."
 * and returns 0 when the file now has that mode, else -1 (nothing printed). */
static int fix_mode(struct kcheck *k, int fd, const char *what, const struct stat *was, mode_t want)
{
	struct stat now;

	if (fchmod(fd, want) < 0 || fstat(fd, &now) < 0 || (now.st_mode & 07777) != want)
		return -1;
	printf("fixed: %s mode %04o -> %04o\n", what, mode4(was), (unsigned)want);
	k->f.fixed++;
	return 0;
}

/* The private key's owner and mode: ssh's refusal, or another user's hold on it. */
static void private_modes(struct kcheck *k, int fd, const struct stat *st, const char *link)
{
	unsigned f = keyperm_private((uint32_t)st->st_mode, (uint32_t)st->st_uid, (uint32_t)k->uid);

	if (f & KP_FOREIGN)
		findings_problem(&k->f, NOFIX, "%s is owned by uid %u, not you (uid %u): that user can read and replace your key%s; "
			"not changed by --fix (it belongs to another user)", k->path, (unsigned)st->st_uid,
			(unsigned)k->uid, (f & KP_OPEN) ? ", and its mode lets group or others read it too (ssh checks "
			"the mode only of keys you own)" : "");
	if (!(f & KP_UNPROTECTED))
		return;
	mode_t want = (mode_t)keyperm_private_fixed((uint32_t)st->st_mode);
	const char *why = "";
	if (link)
		why = "; not changed by --fix (a symlink: check what it points to with --key on that path)";
	else if (fd < 0)
		why = "; not changed by --fix (keydrop could not open it)";
	else if (k->f.fix && fix_mode(k, fd, k->path, st, want) == 0)
		return;
	findings_problem(&k->f, *why ? NOFIX : FIXABLE, "%s: UNPROTECTED PRIVATE KEY FILE: mode %04o lets group or others read or "
		"write it, so ssh ignores this key (\"This private key will be ignored\"; chmod %o)%s", k->path, mode4(st),
		(unsigned)want, why);
}

/* Opens name in dirfd for reading without following a symlink; a symlink's target goes to
 * link[cap] and the file it points to is opened for reading (reported, never changed). Returns the
 * fd or -1 (errno). */
static int open_nofollow(int dirfd, const char *name, char *link, size_t cap, int *is_link)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	*is_link = 0;
	if (fd >= 0 || (errno != ELOOP && errno != EACCES))
		return fd;
	int saved = errno;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode)) {
		errno = saved;
		return -1;
	}
	ssize_t n = readlinkat(dirfd, name, link, cap - 1);
	link[n < 0 ? 0 : n] = '\0';
	*is_link = 1;
	return openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

/* Reads a regular file's fd into a malloc'ed buffer of at most max bytes. Returns 0, or -1 (errno:
 * EFBIG when larger). */
static int read_fd(int fd, size_t max, char **out, size_t *len)
{
	char *buf = malloc(max + 1);
	long n;

	if (!buf)
		return -1;
	if ((n = fsx_read_all(fd, buf, max + 1)) < 0 || (size_t)n > max) {
		int e = n < 0 ? errno : EFBIG;
		secret_wipe(buf, max + 1);
		free(buf);
		errno = e;
		return -1;
	}
	*out = buf;
	*len = (size_t)n;
	return 0;
}

/* KEY.pub: missing (a note), not the public half of KEY (ssh offers the wrong key), or a mode or
 * owner that lets others replace it. Sets *comment and *clen to what ssh-keygen -l shows for the key
 * when the .pub matches (its comment, else its own path), in cbuf[PATH_CAP]. */
static void check_pub(struct kcheck *k, int dirfd, const char *base, const struct keyload *kl, char *cbuf,
		      const char **comment, size_t *clen)
{
	char name[FSX_NAME_MAX + 8], pubpath[PATH_CAP], link[PATH_CAP], *text = NULL;
	uint8_t *buf = NULL;
	struct pubkey pk;
	struct stat st;
	size_t len;
	int fd, is_link, r;

	snprintf(pubpath, sizeof pubpath, "%s.pub", k->path);
	if ((size_t)snprintf(name, sizeof name, "%s.pub", base) >= sizeof name)
		return;
	if ((fd = open_nofollow(dirfd, name, link, sizeof link, &is_link)) < 0) {
		if (errno == ENOENT && !is_link)
			printf("note: %s does not exist: ssh does not need it (keydrop pubkey -f %s > %s writes it)\n",
			       pubpath, k->path, pubpath);
		else
			findings_problem(&k->f, NOFIX, "%s%s%s: %s", pubpath, is_link ? " -> " : "", is_link ? link : "", strerror(errno));
		return;
	}
	if (is_link)
		printf("note: %s is a symlink to %s: checked where it points, never changed by --fix\n", pubpath, link);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		findings_problem(&k->f, NOFIX, "%s is not a regular file: ssh cannot read the public key from it", pubpath);
		goto out;
	}
	if (read_fd(fd, 256u << 10, &text, &len) < 0 || !(buf = malloc(PUBKEY_BLOB_MAX))) {
		findings_problem(&k->f, NOFIX, "%s: %s", pubpath, strerror(errno));
		goto out;
	}
	r = keyperm_pub_match(text, len, kl->pair.pub, kl->pair.publen, buf, PUBKEY_BLOB_MAX, &pk);
	if (r == KPM_MATCH) {
		const char *c = pk.comment ? pk.comment : pubpath;
		*clen = pk.comment ? pk.commentlen : strlen(pubpath);
		if (*clen >= PATH_CAP)
			*clen = PATH_CAP - 1;
		memcpy(cbuf, c, *clen);
		*comment = cbuf;
	} else if (r == KPM_DIFFERENT) {
		char fpub[FINGERPRINT_MAX], fkey[FINGERPRINT_MAX];
		fingerprint_format(pk.blob, pk.bloblen, FP_SHA256, fpub);
		fingerprint_format(kl->pair.pub, kl->pair.publen, FP_SHA256, fkey);
		findings_problem(&k->f, NOFIX, "%s does not match %s: it holds %s, the private key is %s: ssh offers the key in the "
			".pub, so logins with %s fail (replace it: keydrop pubkey -f %s > %s)", pubpath, k->path, fpub, fkey,
			k->path, k->path, pubpath);
	} else {
		findings_problem(&k->f, NOFIX, "%s is not a public key line: %s (replace it: keydrop pubkey -f %s > %s)", pubpath,
			r == PKL_EMPTY ? "no key in it" : pubkey_strerror(r), k->path, pubpath);
	}
	unsigned f = keyperm_pub((uint32_t)st.st_mode, (uint32_t)st.st_uid, (uint32_t)k->uid);
	if (f & KP_FOREIGN)
		findings_problem(&k->f, NOFIX, "%s is owned by uid %u, not you: that user can replace the key ssh offers; not changed "
			"by --fix (it belongs to another user)", pubpath, (unsigned)st.st_uid);
	if (f & KP_WRITABLE) {
		mode_t want = (mode_t)keyperm_pub_fixed((uint32_t)st.st_mode);
		const char *why = is_link ? "; not changed by --fix (a symlink)" :
				  (f & KP_FOREIGN) ? "; not changed by --fix (it belongs to another user)" : "";
		if (!*why && k->f.fix && fix_mode(k, fd, pubpath, &st, want) == 0)
			goto out;
		findings_problem(&k->f, *why ? NOFIX : FIXABLE, "%s is group or world writable (mode %04o): others can replace the key "
			"ssh offers%s", pubpath, mode4(&st), why);
	}
out:
	free(text);
	free(buf);
	close(fd);
}

/* The directory holding the key: ssh does not refuse it, but whoever can write there can replace the
 * key (and its .pub). dir: the path it was opened by. */
static void check_dir(struct kcheck *k, int dirfd, const char *dir, int dir_link)
{
	char real[PATH_MAX], what[PATH_CAP + 32];
	const char *name = dir;
	struct stat st;

	if (fstat(dirfd, &st) < 0) {
		findings_problem(&k->f, NOFIX, "%s: %s", dir, strerror(errno));
		return;
	}
	if (realpath(dir, real)) /* only to name it: is it a .ssh? */
		name = real;
	const char *slash = strrchr(name, '/');
	name = slash ? slash + 1 : name;
	snprintf(what, sizeof what, "%s (the key's directory)", dir);
	unsigned f = keyperm_dir((uint32_t)st.st_mode, (uint32_t)st.st_uid, (uint32_t)k->uid, name);
	mode_t want = (mode_t)keyperm_dir_fixed((uint32_t)st.st_mode, name);
	/* A symlinked directory is checked where it points and never changed, as a symlinked key. */
	int ours = st.st_uid == k->uid && !dir_link;
	const char *notours = dir_link ? "it is reached through a symlink" : "it belongs to another user";

	if (dir_link && !k->quiet)
		printf("note: %s is a symlink: its target is checked, never changed by --fix\n", dir);
	if (f & KP_FOREIGN)
		findings_problem(&k->f, NOFIX, "%s is owned by uid %u, neither you nor root: that user can replace your key; not "
			"changed by --fix (it belongs to another user)", what, (unsigned)st.st_uid);
	if (f & KP_SHARED) {
		/* The sticky bit keeps others from renaming or removing the user's files: not a problem
		 * for the key, but worth saying (they can create a missing KEY.pub there). */
		printf("note: %s is a shared directory (mode %04o, sticky): others cannot replace your key, but can "
		       "create files beside it (a missing .pub); keep keys in ~/.ssh\n", what, mode4(&st));
	} else if (f & KP_WRITABLE) {
		if (ours && k->f.fix && fix_mode(k, dirfd, dir, &st, want) == 0)
			return;
		findings_problem(&k->f, ours ? FIXABLE : NOFIX, "%s is group or world writable (mode %04o): ssh does not refuse "
			"it, but anyone who can write there can replace your key%s%s%s", what, mode4(&st),
			ours ? "" : "; not changed by --fix (", ours ? "" : notours, ours ? "" : ")");
	} else if (f & KP_NOT_0700) {
		if (ours && k->f.fix && fix_mode(k, dirfd, dir, &st, want) == 0)
			return;
		printf("note: %s is mode %04o: .ssh should be 0700, not accessible by others (%s%s)\n", dir, mode4(&st),
		       !ours ? "not changed by --fix: " : "", !ours ? notours : k->f.fix ? "fchmod failed" : "--fix sets it");
	}
}

/* What the private key is, from its text (no passphrase asked): its public half for the .pub and
 * the fingerprint, whether a passphrase protects it, and what ssh cannot use. */
static void describe(struct kcheck *k, const struct keyload *kl, int r, const char *comment, size_t clen)
{
	if (r == PK_DSA)
		findings_problem(&k->f, NOFIX, "%s is a DSA (ssh-dss) key: OpenSSH 7.0 and later refuse it by default, and builds "
			"without DSA cannot load it at all (make a new key: keydrop keygen)", k->path);
	if (kl->fmt == KL_PPK2 || kl->fmt == KL_PPK3)
		findings_problem(&k->f, NOFIX, "%s is a PuTTY .ppk file: ssh cannot use it (export it in OpenSSH format with "
			"PuTTYgen: Conversions, Export OpenSSH key)", k->path);
	if (k->quiet)
		return;
	if (!comment && kl->have_comment) {
		comment = kl->comment;
		clen = strlen(kl->comment);
	}
	fputs("fingerprint: ", stdout);
	cmd_print_key(kl->pair.pub, kl->pair.publen, comment, clen, FP_SHA256, 0);
	if (k->verbose) {
		fputs("fingerprint: ", stdout);
		cmd_print_key(kl->pair.pub, kl->pair.publen, comment, clen, FP_MD5, 0);
	}
	if (kl->encrypted && kl->fmt == KL_OPENSSH)
		printf("passphrase: yes (%s, %u bcrypt rounds)\n", kl->cipher, (unsigned)kl->rounds);
	else
		printf("passphrase: %s\n", kl->encrypted ? "yes" : "none");
}

/* Is text a public key (a .pub or an RFC 4716 block) rather than a private key? */
static int is_public(const char *text, size_t len)
{
	uint8_t *buf = malloc(PUBKEY_BLOB_MAX);
	struct pubkey pk;
	int r = buf ? keyperm_first_key(text, len, buf, PUBKEY_BLOB_MAX, &pk) : PKL_EMPTY;

	free(buf);
	return r == PKL_OK || (len >= 31 && memcmp(text, "---- BEGIN SSH2 PUBLIC KEY ----", 31) == 0);
}

int cmd_check_key(const char *path, int fix, const struct globals *g)
{
	struct kcheck k = { path, getuid(), { fix, 0, 0, 0 }, g->quiet, g->verbose };
	char dir[PATH_CAP], link[PATH_CAP], cbuf[PATH_CAP], *text = NULL;
	const char *base, *comment = NULL;
	struct keyload *kl = NULL;
	struct stat st;
	size_t len = 0, clen = 0;
	int dirfd = -1, fd = -1, is_link = 0, r = PK_NOT_KEY, ret = EXIT_FAIL;

	if (strlen(path) >= sizeof dir - 8)
		return msg_fail(EXIT_USAGE, "check", "--key: path too long");
	base = fsx_split(path, dir, sizeof dir);
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return msg_fail(EXIT_REJECT, "check", "%s: a directory (give the private key file)", path);
	int dir_link = 0;
	struct stat lst;
	/* O_DIRECTORY|O_NOFOLLOW on a symlink fails with ENOTDIR (Linux) or ELOOP */
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0 &&
	    (errno == ELOOP || errno == ENOTDIR) && lstat(dir, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		dir_link = 1; /* read through it for the report, never fixed (check_dir) */
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (dirfd < 0)
		return msg_fail(EXIT_FAIL, "check", "%s: %s", dir, strerror(errno));
	/* The key bytes live in this process while it runs: no core dump may hold them. */
	if (osutil_protect_secrets() < 0 || !(kl = calloc(1, sizeof *kl))) {
		ret = msg_fail(EXIT_FAIL, "check", "cannot protect the key's memory: %s", strerror(errno));
		goto out;
	}
	fd = open_nofollow(dirfd, base, link, sizeof link, &is_link);
	if (fd < 0 && errno != EACCES) {
		ret = msg_fail(EXIT_FAIL, "check", "%s%s%s: %s", path, is_link ? " -> " : "", is_link ? link : "",
			       strerror(errno));
		goto out;
	}
	if ((fd >= 0 ? fstat(fd, &st) : fstatat(dirfd, base, &st, 0)) < 0) {
		ret = msg_fail(EXIT_FAIL, "check", "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = msg_fail(EXIT_REJECT, "check", "%s: not a regular file (give the private key file)", path);
		goto out;
	}
	if (fd >= 0 && read_fd(fd, KEY_FILE_MAX, &text, &len) < 0) {
		ret = msg_fail(EXIT_FAIL, "check", "%s: %s", path, errno == EFBIG ? "larger than 1 MiB: not a key" :
			       strerror(errno));
		goto out;
	}
	if (text && (r = keyload_parse(text, len, NULL, 0, kl)) == PK_NOT_KEY && is_public(text, len)) {
		size_t pl = strlen(path);
		int dotpub = pl > 4 && strcmp(path + pl - 4, ".pub") == 0;
		ret = msg_fail(EXIT_REJECT, "check", "%s: that is the public key; give the private key file%s%.*s%s", path,
			       dotpub ? " (" : "", dotpub ? (int)(pl - 4) : 0, path, dotpub ? "?)" : "");
		goto out;
	}
	if (text)
		secret_wipe(text, len);

	if (is_link)
		printf("note: %s is a symlink to %s: checked where it points, never changed by --fix\n", path, link);
	if (fd < 0)
		findings_problem(&k.f, NOFIX, "%s: you cannot read it (owner uid %u, mode %04o): ssh cannot load it", path,
			(unsigned)st.st_uid, mode4(&st));
	private_modes(&k, is_link ? -1 : fd, &st, is_link ? link : NULL);
	if (text) {
		if (r == PK_OK || r == PK_ENCRYPTED || r == PK_DSA || r == PK_CIPHER || r == PK_ROUNDS) {
			char why[512];
			/* ssh reads every cipher ssh-keygen writes; only the rounds make it unusable too */
			if (r == PK_ROUNDS)
				findings_problem(&k.f, NOFIX, "%s: %s: ssh would take as long to unlock it", path,
						 cmd_key_error(kl, r, why, sizeof why));
			else if (r == PK_CIPHER && !k.quiet)
				printf("note: %s: %s; ssh can use it\n", path, cmd_key_error(kl, r, why, sizeof why));
			check_pub(&k, dirfd, base, kl, cbuf, &comment, &clen);
			describe(&k, kl, r, comment, clen);
		} else {
			findings_problem(&k.f, NOFIX, "%s: not a private key keydrop can read: %s", path, privkey_strerror(r));
		}
	}
	check_dir(&k, dirfd, dir, dir_link);

	ret = findings_end(&k.f, path, k.quiet);
out:
	if (text) {
		secret_wipe(text, len);
		free(text);
	}
	if (kl) {
		keyload_wipe(kl);
		free(kl);
	}
	if (fd >= 0)
		close(fd);
	close(dirfd);
	return ret;
}
