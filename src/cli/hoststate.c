/* hoststate.c: a container's sshd host keys, kept in a state directory across restarts and
 * published into /etc/ssh; sshd's /run/sshd (see hoststate.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "fsx.h"
#include "hostkeydir.h"
#include "hoststate.h"
#include "pathwalk.h"
#include "secret.h"

static const char cmd[] = "entrypoint";

/* Copies name (0600) or name.pub (0644) from the state into /etc/ssh when the bytes there differ,
 * atomically. Returns 1 when written, 0 when equal, -1 (said). */
static int copy_one(const struct hostkeydir *st, int etc, const char *name, mode_t mode, char *a, char *b)
{
	size_t na, nb;
	struct stat sa, sb;
	int same;

	if (fsx_read_at(st->dirfd, name, a, PRIVKEY_TEXT_MAX, &na, &sa) < 0)
		return msg_err(cmd, "%s/%s: %s", st->shown, name, strerror(errno)), -1;
	/* Ours alone: a file another uid owns, or that has another name too (a hard link made by
	 * someone who could change it there), is no identity to give sshd. */
	if (sa.st_uid != geteuid() || sa.st_nlink != 1)
		return msg_err(cmd, "%s/%s: owned by uid %u with %u links: not this machine's own key; not used", st->shown,
			       name, (unsigned)sa.st_uid, (unsigned)sa.st_nlink), -1;
	same = fsx_read_at(etc, name, b, PRIVKEY_TEXT_MAX, &nb, &sb) == 0 && na == nb && memcmp(a, b, na) == 0 &&
	       (sb.st_mode & 07777) == mode && sb.st_uid == geteuid();
	if (same)
		return 0;
	if (fsx_write_atomic(etc, name, a, na, mode, (uid_t)-1, (gid_t)-1, 1) < 0)
		return msg_err(cmd, "/etc/ssh/%s: %s", name, strerror(errno)), -1;
	return 1;
}

/* The state's keys into /etc/ssh (private key first, then its .pub, as keyfile_write_pair), under
 * the writers' lock there. Returns 0 or -1 (said). */
static int copy_keys(const struct hostkeydir *st, int etc)
{
	char *a = malloc(PRIVKEY_TEXT_MAX + 1), *b = malloc(PRIVKEY_TEXT_MAX + 1), pub[80];
	int lk = -1, made = 0, ret = -1, r;

	if (!a || !b || (lk = fsx_lock_file(etc, FSX_LOCK_NAME, 10000, &made)) < 0) {
		msg_err(cmd, "/etc/ssh: %s", !a || !b ? "out of memory" : strerror(errno));
		goto out;
	}
	ret = 0;
	for (size_t i = 0; i < st->n; i++) { /* each key on its own: one bad key costs only itself */
		if (!st->k[i].usable)
			continue;
		snprintf(pub, sizeof pub, "%s.pub", st->k[i].name);
		int r1 = r = copy_one(st, etc, st->k[i].name, 0600, a, b);
		if (r >= 0 && ((r = copy_one(st, etc, pub, 0644, a, b)) > 0 || r1 > 0) && !st->quiet)
			printf("installed %s/%s as /etc/ssh/%s\n", st->shown, st->k[i].name, st->k[i].name);
		if (r < 0)
			ret = -1;
	}
out:
	fsx_unlock_file(etc, FSX_LOCK_NAME, lk, made);
	if (a)
		secret_wipe(a, PRIVKEY_TEXT_MAX + 1);
	if (b)
		secret_wipe(b, PRIVKEY_TEXT_MAX + 1);
	free(a);
	free(b);
	return ret;
}

/* Opens (or makes, 0700) the --state directory: it must be this uid's and closed to others, as a
 * directory of private keys (a bind mount of another user's directory would let that user choose
 * the machine's identity). A mode open to others on our own directory is closed. Returns the fd,
 * or -1 with err. */
static int state_dir(const char *state, char *err, size_t errcap)
{
	uid_t me = geteuid();
	struct pathwalk w = { .root = "", .uid = me, .mkdir_mode = 0700, .mk_uid = me, .mk_gid = getegid() };
	struct stat st;
	int fd;

	if (pathwalk_open_dir(&w, state, &fd, err, errcap) != PW_OK)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_uid != me) {
		snprintf(err, errcap, "owned by uid %u: another user could choose this machine's host keys (chown it to uid %u)",
			 (unsigned)st.st_uid, (unsigned)me);
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) && fchmod(fd, 0700) != 0) {
		snprintf(err, errcap, "mode %04o, and it cannot be closed to others: %s", (unsigned)(st.st_mode & 07777),
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Host keys: generated once into --state DIR and copied into /etc/ssh when they differ there (sshd
 * reads its default HostKey paths; no config to change), or made in /etc/ssh itself. Every
 * standard type /etc/ssh already has (the image's openssh-server made them at build time, shared by
 * every container of the image) gets its own key in the state too, so sshd presents none of the
 * image's. Prints the keys sshd will present, in cloud-init's console blocks. Returns 0 or -1. */
int hoststate_keys(const char *state, const enum keygen_type *asked, int nasked, int quiet)
{
	struct hostkeydir *d = calloc(1, sizeof *d), *e = NULL;
	enum keygen_type types[3];
	char err[4400], comment[300];
	int etc, ntypes = 0, ret = -1;

	if (!d)
		return msg_err(cmd, "out of memory"), -1;
	if ((etc = hostkeydir_open_sshdir("/", err, sizeof err)) < 0) {
		msg_err(cmd, "%s", err);
		free(d);
		return -1;
	}
	hostkeydir_comment(comment, sizeof comment);
	for (int i = 0; i < nasked; i++)
		types[ntypes++] = asked[i];
	for (enum keygen_type t = KT_ED25519; state && t <= KT_RSA; t++) {
		int have = 0;
		for (int i = 0; i < ntypes; i++)
			have |= types[i] == t;
		if (!have && hostkeydir_has(etc, t))
			types[ntypes++] = t;
	}
	*d = (struct hostkeydir){ .dirfd = etc, .shown = "/etc/ssh", .cmd = cmd, .comment = comment, .quiet = quiet, .fix = 1 };
	ret = 0;
	if (state && (e = calloc(1, sizeof *e)) != NULL) {
		*e = *d;
		e->shown = state;
		if ((e->dirfd = state_dir(state, err, sizeof err)) < 0) {
			msg_err(cmd, "--state %s: %s; host keys made in /etc/ssh instead (a new identity when the container is "
				"recreated)", state, err);
			ret = -1;
		} else {
			ret |= hostkeydir_make(e, types, ntypes) != EXIT_OK;
			ret |= hostkeydir_scan(e) != EXIT_OK;
			ret |= copy_keys(e, etc) < 0;
		}
	} else if (state) {
		ret = -1;
	}
	/* Whatever the state gave: sshd gets a key of every type in /etc/ssh itself. */
	ret |= hostkeydir_make(d, types, ntypes) != EXIT_OK;
	ret |= hostkeydir_scan(d) != EXIT_OK;
	hostkeydir_print(d, 1);
	ret = ret ? -1 : 0;
	if (e && e->dirfd >= 0)
		close(e->dirfd);
	free(e);
	close(etc);
	free(d);
	return ret;
}

/* /run/sshd, sshd's privilege separation directory (Debian's unit makes it with RuntimeDirectory;
 * a container has no unit): root's, 0755, as sshd requires. Returns 0 or -1 (said). */
int hoststate_run_sshd(void)
{
	uid_t me = geteuid();
	struct pathwalk w = { .root = "", .uid = me, .mkdir_mode = 0755, .mk_uid = me, .mk_gid = getegid() };
	struct stat st;
	char err[512];
	int fd;

	if (pathwalk_open_dir(&w, "/run", &fd, err, sizeof err) != PW_OK ||
	    (close(fd), pathwalk_open_dir(&w, "/run/sshd", &fd, err, sizeof err)) != PW_OK)
		return msg_err(cmd, "%s", err), -1;
	/* sshd refuses one that is not root's or that others can write: said now, or repaired when ours */
	if (fstat(fd, &st) == 0 && (st.st_uid != 0 || (st.st_mode & 022)) &&
	    (st.st_uid != me || fchmod(fd, 0755) != 0)) {
		close(fd);
		return msg_err(cmd, "/run/sshd is owned by uid %u with mode %04o: sshd refuses it (it must be root's, "
			       "not writable by others)", (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777)), -1;
	}
	close(fd);
	return 0;
}
