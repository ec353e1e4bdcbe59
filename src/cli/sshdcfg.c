/* sshdcfg.c: the system side of `keydrop sshd-config` (sshdcfg.h): sshd -T, the drop-in directory,
 * the AKC user and its cache, and the write that sshd must accept or that is undone. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "fsx.h"
#include "pathwalk.h"
#include "sshdcfg.h"
#include "sshdconf.h"
#include "subproc.h"
#include "deadline.h"

/* sshd -t/-T and useradd: a minute at most (they take milliseconds; a hung one must not hang us) */
#define SSHDCFG_RUN_MS 60000

/* The first line of a program's output (its reason), for a message. */
static const char *first_line(char *err)
{
	err[strcspn(err, "\n")] = 0;
	return err[0] ? err : "no message";
}

/* Runs sshd MODE -f FILE; out gets its output. Returns 0, or -1 with the reason in why[SSHDCFG_WHY]. */
static int run_sshd(struct sshdcfg *s, const char *mode, char *out, size_t ocap, char *why)
{
	char *av[] = { (char *)SSHDCFG_SSHD, (char *)mode, (char *)"-f", (char *)s->file, NULL };
	int st = subproc_run(av, SUBPROC_STDERR | SUBPROC_SYSENV, out, ocap, deadline_now_ms() + SSHDCFG_RUN_MS);

	if (st != 0)
		snprintf(why, SSHDCFG_WHY, "%s %s -f %s: %s", SSHDCFG_SSHD, mode, s->file,
			 st < 0 ? strerror(errno) : st == 127 && !out[0] ? "cannot run it" : first_line(out));
	return st == 0 ? 0 : -1;
}

/* The value of keyword kw in text (first occurrence) into dst[cap] (left alone when absent). */
static void value_of(const char *text, size_t len, const char *kw, char *dst, size_t cap)
{
	struct sshdconf_line l;
	size_t pos = 0;
	unsigned ln = 0;

	while (sshdconf_next(text, len, &pos, &ln, &l))
		if (sshdconf_is(&l, kw) && l.restlen < cap) {
			memcpy(dst, l.rest, l.restlen);
			dst[l.restlen] = 0;
			return;
		}
}

int sshdcfg_effective(struct sshdcfg *s)
{
	char why[SSHDCFG_WHY];

	s->eff_cmd[0] = s->eff_user[0] = 0;
	/* Match blocks need a connection: -T without -C shows what applies to every login */
	if (run_sshd(s, "-T", s->tout, sizeof s->tout, why) != 0)
		return msg_fail(EXIT_FAIL, "sshd-config", "%s", why);
	value_of(s->tout, strlen(s->tout), "authorizedkeyscommand", s->eff_cmd, sizeof s->eff_cmd);
	value_of(s->tout, strlen(s->tout), "authorizedkeyscommanduser", s->eff_user, sizeof s->eff_user);
	return 0;
}

int sshdcfg_open(struct sshdcfg *s)
{
	struct pathwalk w = { .uid = 0, .mkdir_mode = s->write ? 0755 : 0 };
	char err[512];
	struct stat st;

	s->dirfd = s->lockfd = -1;
	if (pathwalk_open_dir(&w, s->dir, &s->dirfd, err, sizeof err) != PW_OK) {
		if (!s->write && errno == ENOENT)
			return 0; /* nothing there yet */
		return msg_fail(EXIT_FAIL, "sshd-config", "%s", err);
	}
	if (fstat(s->dirfd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022))
		return msg_fail(EXIT_FAIL, "sshd-config", "%s: not root's, or writable by others", s->dir);
	if (s->write && (s->lockfd = fsx_lock_file(s->dirfd, FSX_LOCK_NAME, 10000, &s->lock_made)) < 0)
		return msg_fail(EXIT_FAIL, "sshd-config", "%s: cannot lock: %s", s->dir, strerror(errno));
	if (fsx_read_at(s->dirfd, SSHDCFG_DROPIN, s->old, sizeof s->old - 1, &s->oldlen, &s->oldst) < 0) {
		if (errno == ENOENT)
			return 0;
		return msg_fail(EXIT_FAIL, "sshd-config", "%s/%s: %s", s->dir, SSHDCFG_DROPIN,
				errno == ELOOP ? "a symlink" : strerror(errno));
	}
	s->old_exists = 1;
	s->old[s->oldlen] = 0;
	if (strncmp(s->old, SSHDCFG_HEADER, strlen(SSHDCFG_HEADER)) != 0)
		return msg_fail(EXIT_FAIL, "sshd-config", "%s/%s: not written by keydrop (move it away)", s->dir,
				SSHDCFG_DROPIN);
	s->ours = 1;
	value_of(s->old, s->oldlen, "authorizedkeyscommand", s->old_akc, sizeof s->old_akc);
	return 0;
}

void sshdcfg_close(struct sshdcfg *s)
{
	if (s->lockfd >= 0)
		fsx_unlock_file(s->dirfd, FSX_LOCK_NAME, s->lockfd, s->lock_made);
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->lockfd = s->dirfd = -1;
}

/* The AKC user: there, or made with useradd (--create-user). Returns 0 or EXIT_FAIL. */
static int akc_user(struct sshdcfg *s, int quiet, struct passwd *pw)
{
	char *av[] = { "/usr/sbin/useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
		       "--shell", "/usr/sbin/nologin", (char *)s->user, NULL };
	char out[512];
	struct passwd *p = getpwnam(s->user);

	if (!p) {
		int st = subproc_run(av, SUBPROC_STDERR | SUBPROC_SYSENV, out, sizeof out, deadline_now_ms() + SSHDCFG_RUN_MS);
		if (st != 0)
			return msg_fail(EXIT_FAIL, "sshd-config", "%s %s: %s", av[0], s->user,
					st < 0 ? strerror(errno) : first_line(out));
		if (!(p = getpwnam(s->user)))
			return msg_fail(EXIT_FAIL, "sshd-config", "%s: no user %s", av[0], s->user);
		if (!quiet)
			msg_err("sshd-config", "created system user %s (no home, no login shell)", s->user);
	}
	*pw = *p;
	return 0;
}

/* The cache directory: the AKC user's, 0700, reached by the safe walk, never through a symlink;
 * made now, or the user's already (its mode set right by descriptor). Returns 0 or EXIT_FAIL. */
static int cache_dir(struct sshdcfg *s, int quiet, const struct passwd *pw)
{
	const char *path = s->net.cache_dir ? s->net.cache_dir : AKC_CACHE_DEFAULT;
	char parent[PATH_MAX], err[512];
	const char *base = fsx_split(path, parent, sizeof parent);
	struct pathwalk w = { .uid = 0 };
	struct stat st;
	int pfd = -1, fd = -1, rc = EXIT_FAIL, made;

	if (s->akc.no_cache)
		return 0;
	if (!base || !*base || pathwalk_open_dir(&w, parent, &pfd, err, sizeof err) != PW_OK) {
		msg_err("sshd-config", "cache %s: %s", path, base && *base ? err : "bad path");
		return EXIT_FAIL;
	}
	made = mkdirat(pfd, base, 0700) == 0;
	if ((fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		msg_err("sshd-config", "cache %s: %s", path, errno == ELOOP || errno == ENOTDIR ?
			"a symlink or not a directory" : strerror(errno));
		goto out;
	}
	/* Only a directory made now, or the user's already, is given to the user: an existing one of
	 * root's may be anything (--cache /etc would hand /etc to the AKC user). */
	if (!made && st.st_uid != pw->pw_uid) {
		msg_err("sshd-config", "cache %s: owned by uid %u, not %s (give another --cache, or chown it yourself)",
			path, (unsigned)st.st_uid, s->user);
		goto out;
	}
	if (((st.st_uid != pw->pw_uid || st.st_gid != pw->pw_gid) && fchown(fd, pw->pw_uid, pw->pw_gid) < 0) ||
	    ((st.st_mode & 07777) != 0700 && fchmod(fd, 0700) < 0)) {
		msg_err("sshd-config", "cache %s: %s", path, strerror(errno));
		goto out;
	}
	if (!quiet && (made || st.st_uid != pw->pw_uid || (st.st_mode & 07777) != 0700))
		msg_err("sshd-config", "cache %s: %s, owned by %s, mode 0700", path,
			made ? "created" : "set", s->user);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	close(pfd);
	return rc;
}

/* Before useradd: an existing --cache directory must already be the AKC user's (cache_dir refuses
 * any other), so a user about to be created cannot own it. Returns 0 or EXIT_FAIL (said). */
static int cache_precheck(struct sshdcfg *s)
{
	const char *path = s->net.cache_dir ? s->net.cache_dir : AKC_CACHE_DEFAULT;
	struct passwd *p;
	struct stat st;

	if (s->akc.no_cache || lstat(path, &st) != 0)
		return 0; /* missing: made later by cache_dir, through the safe walk */
	p = getpwnam(s->user);
	if (p && S_ISDIR(st.st_mode) && st.st_uid == p->pw_uid)
		return 0;
	msg_err("sshd-config", "cache %s: owned by uid %u, not %s (give another --cache, or chown it yourself)", path,
		(unsigned)st.st_uid, s->user);
	return EXIT_FAIL;
}

/* Puts the old drop-in back (or removes ours). Returns 0 or -1. */
static int undo(struct sshdcfg *s)
{
	if (s->old_exists)
		return fsx_write_atomic(s->dirfd, SSHDCFG_DROPIN, s->old, s->oldlen, s->oldst.st_mode & 07777,
					s->oldst.st_uid, s->oldst.st_gid, 1);
	if (unlinkat(s->dirfd, SSHDCFG_DROPIN, 0) < 0)
		return -1;
	return fsx_fsync_dir(s->dirfd);
}

/* After the write sshd shows another AKC (user): says where it is set, undoes, returns EXIT_FAIL. */
static int lost(struct sshdcfg *s)
{
	struct sshdconf_line l;
	size_t pos = 0;
	unsigned ln = 0, at = 0;

	while (!at && sshdconf_next(s->main_text, s->main_len, &pos, &ln, &l) && l.lineno < s->include_line)
		if (sshdconf_is(&l, "authorizedkeyscommand") || sshdconf_is(&l, "authorizedkeyscommanduser"))
			at = l.lineno;
	char where[PATH_MAX + 40];
	snprintf(where, sizeof where, at ? "%s line %u, before its Include" : "a drop-in sorting before ours", s->file, at);
	int u = undo(s);
	return msg_fail(EXIT_FAIL, "sshd-config", "sshd still uses AuthorizedKeysCommand '%s' (user %s) from %s, "
			"the first it reads; %s", s->eff_cmd, s->eff_user, where,
			u ? "the new drop-in could not be taken back" : "nothing changed");
}

int sshdcfg_install(struct sshdcfg *s, int quiet)
{
	char why[SSHDCFG_WHY];
	struct passwd pw = { 0 };
	int rc;

	if (s->old_exists && s->oldlen == s->outlen && memcmp(s->old, s->out, s->outlen) == 0) {
		if ((rc = akc_user(s, quiet, &pw)) != 0 || (rc = cache_dir(s, quiet, &pw)) != 0)
			return rc;
		if (!quiet)
			msg_err("sshd-config", "%s/%s unchanged", s->dir, SSHDCFG_DROPIN);
		return EXIT_OK;
	}
	fsx_clean_stale(s->dirfd);
	if (fsx_write_atomic(s->dirfd, SSHDCFG_DROPIN, s->out, s->outlen, 0644, 0, 0, 1) < 0)
		return msg_fail(EXIT_FAIL, "sshd-config", "%s/%s: %s", s->dir, SSHDCFG_DROPIN, strerror(errno));
	if (run_sshd(s, "-t", s->tout, sizeof s->tout, why) != 0) {
		int u = undo(s);
		return msg_fail(EXIT_FAIL, "sshd-config", "%s (%s)", why, u ? "the new drop-in could not be "
				"taken back" : "the old drop-in is back");
	}
	if ((rc = sshdcfg_effective(s)) != 0) {
		(void)undo(s);
		return rc;
	}
	if (strcmp(s->eff_cmd, s->akcline) != 0 || strcmp(s->eff_user, "root") != 0)
		return lost(s);
	/* The user and the cache only once sshd has taken the drop-in: a refusal leaves nothing made.
	 * An existing cache directory can only be a user's who exists already: checked before useradd. */
	if ((rc = cache_precheck(s)) != 0 || (rc = akc_user(s, quiet, &pw)) != 0 ||
	    (rc = cache_dir(s, quiet, &pw)) != 0) {
		if (undo(s) != 0)
			msg_err("sshd-config", "%s/%s: the new drop-in could not be taken back", s->dir, SSHDCFG_DROPIN);
		return rc;
	}
	if (!quiet)
		msg_err("sshd-config", "wrote %s/%s; sshd -t accepts it (reload sshd to use it)",
			s->dir, SSHDCFG_DROPIN);
	return EXIT_OK;
}
