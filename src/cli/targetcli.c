/* targetcli.c: TARGET options and opening the target for the authorized_keys commands. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "targetcli.h"
#include "authkeys.h"
#include "die.h"
#include "fsx.h"
#include "fingerprint.h"
#include "keyblob.h"
#include "textsafe.h"

const struct option cmdt_longopts[] = { CMDT_LONGOPTS, { NULL, 0, NULL, 0 } };

const char cmdt_usage[] =
	"  TARGET: --user NAME (home from passwd) | --home DIR | --file PATH; --root DIR prefixes paths.\n"
	"          Default: the invoking user's ~/.ssh/authorized_keys; --fragment NAME: its .d/NAME.\n";

int cmdt_target_opt(int c, const char *arg, struct target_spec *s)
{
	switch (c) {
	case 'U':
		s->user = arg;
		return 1;
	case 'H':
		s->home = arg;
		return 1;
	case 'F':
		s->file = arg;
		return 1;
	case 'R':
		s->root = arg;
		return 1;
	case 'G':
		s->fragment = arg;
		return 1;
	}
	return 0;
}

int cmdt_spec_check(const struct target_spec *s, const char *cmd)
{
	if (s->file && s->home)
		return msg_usage(cmd, "%s and %s cannot be combined", "--file", "--home");
	if (s->fragment && s->file)
		return msg_usage(cmd, "%s and %s cannot be combined", "--fragment", "--file");
	/* A block name: no '/', and no leading '.' (not ".", "..", nor keydrop's own temp and lock files;
	 * sshd's glob skips dot files too). */
	if (s->fragment && (!authkeys_name_ok(s->fragment, strlen(s->fragment)) || s->fragment[0] == '.'))
		return msg_usage(cmd, "--fragment NAME: a block name, not starting with '.'");
	return EXIT_OK;
}

int cmdt_fragment_source(const struct target_spec *s, const char *source, const char *cmd)
{
	if (s->fragment && source)
		return msg_usage(cmd, "%s and %s cannot be combined", "--fragment", "--source");
	return EXIT_OK;
}

int cmdt_resolve(struct target *t, const struct target_spec *s, const char *cmd)
{
	char err[TARGET_PATH_MAX + 200];

	if (cmdt_spec_check(s, cmd) != EXIT_OK) {
		memset(t, 0, sizeof *t);
		t->homefd = t->dirfd = t->lockfd = -1;
		return EXIT_USAGE;
	}
	if (target_resolve(t, s, err, sizeof err) < 0)
		return msg_fail(EXIT_FAIL, cmd, "%s", err);
	return EXIT_OK;
}

int cmdt_open(struct target *t, const struct target_spec *s, const char *cmd, int create, int lock)
{
	char err[TARGET_PATH_MAX + 200];
	int rc = cmdt_resolve(t, s, cmd);

	if (rc != EXIT_OK)
		return rc;
	/* The file is checked once before the lock file is created (a refused target gets nothing new
	 * in its directory), and read again under the lock. */
	if (target_open_home(t, err, sizeof err) < 0 ||
	    target_open_dir(t, create, err, sizeof err) < 0 || (lock && target_check(t, err, sizeof err) < 0))
		goto fail;
	if (lock && t->dirfd >= 0) {
		/* A long wait says what it waits for (a silent wait looks like a hang). */
		int total = target_lock_timeout(), first = total > 1000 ? 1000 : total;
		int r = target_lock(t, first, err, sizeof err);
		if (r == -2 && total > first) {
			msg_err(cmd, "waiting up to %d ms for the lock on %s (another keydrop is writing it)", total, t->path);
			r = target_lock(t, total - first, err, sizeof err);
			if (r == -2)
				snprintf(err, sizeof err, "%s is locked by another keydrop (waited %d ms)", t->path, total);
		}
		if (r < 0)
			goto fail;
	}
	if (target_read(t, err, sizeof err) < 0)
		goto fail;
	/* A writer that was killed left its temp file: every writer cleans up, write or not. */
	if (lock && t->dirfd >= 0)
		fsx_clean_stale(t->dirfd);
	return EXIT_OK;
fail:
	msg_err(cmd, "%s", err);
	return EXIT_FAIL;
}

void cmdt_describe(FILE *f, const uint8_t *blob, size_t n, const char *comment, size_t clen)
{
	struct keyblob_info info;
	char fp[FINGERPRINT_MAX];

	keyblob_inspect(blob, n, &info);
	/* Never a fingerprint by guesswork: for a type keydrop does not know it cannot tell which bytes
	 * are the key (a certificate's are not the whole blob). */
	if (info.family == KF_UNKNOWN)
		snprintf(fp, sizeof fp, "(no fingerprint: unknown key type)");
	else
		fingerprint_format(blob, n, FP_SHA256, fp);
	fprintf(f, "%u %s ", info.bits, fp);
	if (comment && clen)
		cmdt_put_safe(f, comment, clen);
	else
		fputs("no comment", f);
	fprintf(f, " (%s)", info.label ? info.label : "UNKNOWN");
}

static void put_safe(FILE *f, const char *s, size_t n, int keep_tab)
{
	enum textsafe_kind k;

	for (size_t i = 0, len; i < n; i += len) {
		len = textsafe_char(s, n, i, &k);
		if (k == TS_PRINT || k == TS_INVALID || (k == TS_TAB && keep_tab))
			fwrite(s + i, 1, len, f);
		else
			fputc('?', f); /* one '?' per control character, whatever its length */
	}
}

void cmdt_put_safe(FILE *f, const char *s, size_t n)
{
	put_safe(f, s, n, 0);
}

void cmdt_put_line(FILE *f, const char *s, size_t n)
{
	put_safe(f, s, n, 1);
}

void cmdt_warn_modes(const struct target *t, const char *cmd)
{
	struct stat st;

	if (t->homefd >= 0 && fstat(t->homefd, &st) == 0 && (st.st_mode & 022))
		msg_err(cmd, "warning: %s is group or world writable: sshd (StrictModes) will ignore %s; "
			     "'keydrop check --fix' repairs it", t->home, t->path);
	if (t->dirfd >= 0 && !t->is_file && fstat(t->dirfd, &st) == 0 && (st.st_mode & 022))
		msg_err(cmd, "warning: %s is group or world writable: sshd (StrictModes) will ignore %s; "
			     "'keydrop check --fix' repairs it", t->dir, t->path);
}

int cmdt_write(struct target *t, const char *data, size_t len, const char *cmd)
{
	char err[TARGET_PATH_MAX + 200];

	if (target_write(t, data, len, err, sizeof err) < 0)
		return msg_fail(EXIT_FAIL, cmd, "%s", err);
	return EXIT_OK;
}
