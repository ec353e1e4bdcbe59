/* sshdcfg.h: the state of `keydrop sshd-config` (cmd_sshd_config.c) and its system side (sshdcfg.c):
 * what sshd runs now (sshd -T), the drop-in directory, and the checked write with its undo. */
#ifndef KEYDROP_SSHDCFG_H
#define KEYDROP_SSHDCFG_H
#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>

#include "akcopts.h"
#include "netsrc.h"

#define SSHDCFG_DROPIN "00-keydrop.conf" /* sshd reads drop-ins in glob order and keeps the first AKC */
#define SSHDCFG_HEADER "# Written by keydrop sshd-config; run it again to change this file.\n"
#define SSHDCFG_FILE_DEFAULT "/etc/ssh/sshd_config"
#define SSHDCFG_USER_DEFAULT "keydrop"
#define SSHDCFG_SSHD "/usr/sbin/sshd"
#define SSHDCFG_OUT_MAX 16384
#define SSHDCFG_FWD_MAX 128
#define SSHDCFG_WHY 768

struct sshdcfg {
	const char *file, *user;       /* --sshd-config, --user-akc */
	int create, write;             /* --create-user, --write */
	struct netsrc_opts net;
	struct akc_opts akc;
	const char *fwd[SSHDCFG_FWD_MAX]; /* forwarded options: name, value (NULL for a flag), ... */
	int nfwd;
	char **src;
	int nsrc;
	char exe[PATH_MAX];            /* this binary, as sshd will run it */
	char dir[PATH_MAX];            /* the drop-in directory FILE's Include names */
	unsigned include_line;
	char *main_text;               /* FILE */
	size_t main_len;
	char eff_cmd[SSHDCFG_OUT_MAX / 2], eff_user[256]; /* sshd -T: authorizedkeyscommand{,user} */
	int dirfd, lockfd, lock_made;  /* the drop-in directory (-1 when missing), the writers' lock */
	int takes;                     /* the drop-in chains the command in force, under another user */
	int old_exists, ours;          /* a drop-in of our name exists; it carries our header */
	char old[SSHDCFG_OUT_MAX];     /* its bytes, put back when the new one fails */
	size_t oldlen;
	struct stat oldst;
	char old_akc[SSHDCFG_OUT_MAX / 2]; /* its AuthorizedKeysCommand value */
	char out[SSHDCFG_OUT_MAX];     /* the new drop-in */
	size_t outlen;
	char akcline[SSHDCFG_OUT_MAX / 2]; /* its AuthorizedKeysCommand value */
	char tout[1 << 16];            /* sshd -T's output */
};

/* Runs sshd -T -f FILE into eff_cmd/eff_user. Returns 0, or EXIT_FAIL with the message printed. */
int sshdcfg_effective(struct sshdcfg *s);
/* Opens the drop-in directory through the safe walk (created with --write), takes the writers' lock
 * (--write) and reads the drop-in of our name; one keydrop did not write is refused. Returns 0 or
 * the exit code (message printed). */
int sshdcfg_open(struct sshdcfg *s);
/* --write: the AKC user (--create-user), the cache directory, the drop-in; then sshd -t and sshd -T
 * must accept it, else the old drop-in (or none) is put back. Returns the exit code. */
int sshdcfg_install(struct sshdcfg *s, int quiet);
/* Releases the lock and the directory. */
void sshdcfg_close(struct sshdcfg *s);

#endif
