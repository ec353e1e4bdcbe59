/* hostkeydir.h: the sshd host keys of one directory (/etc/ssh, an image's etc/ssh, or entrypoint's
 * --state DIR): make the missing types, check and repair the existing keys (a .pub that does not
 * match its private key, a private key mode sshd refuses), and print them, as ssh-keygen -lv shows
 * them or in cloud-init's console blocks. Shared by hostkeys and entrypoint. */
#ifndef KEYDROP_HOSTKEYDIR_H
#define KEYDROP_HOSTKEYDIR_H
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "keygen.h"
#include "privkey.h"
#include "pubkey.h"

#define HOSTKEYS_MAX 8 /* ssh_host_*_key files looked at in one directory */

struct hostkey {
	char name[64]; /* ssh_host_TYPE_key */
	uint8_t blob[PUBKEY_BLOB_MAX];
	size_t len;    /* 0: a key keydrop cannot read (left alone) with no valid .pub either */
	int usable;    /* a private key keydrop read and checked (its .pub matches, its mode is one sshd takes) */
	char comment[PRIVKEY_COMMENT_MAX + 1];
};

enum hostkey_format { HKF_OPENSSH, HKF_DROPBEAR, HKF_TINYSSH };

struct hostkeydir {
	int dirfd;
	const char *shown;   /* the directory as messages name it: "/etc/ssh", "IMAGE/etc/ssh", "/state" */
	const char *cmd;     /* the command, for messages */
	const char *comment; /* of new keys: root@HOST */
	int quiet;
	int fix;             /* repair a private key mode sshd refuses (default on; hostkeys --no-fix) */
	int show;            /* change nothing at all: no .pub repair, no leftover cleanup (hostkeys --show) */
	enum hostkey_format format;
	const char *refuser; /* why a group/other-readable private key is a problem (NULL: sshd's words) */
	int created;         /* out: keys made by hostkeydir_make */
	unsigned refused;    /* out: 1 << type of the targets whose write failed (said): not scanned again */
	size_t n;            /* out: hostkeydir_scan's keys, by name */
	struct hostkey k[HOSTKEYS_MAX];
};

/* Opens ROOT/PATH (PATH as the image sees it; ROOT "/" for the machine itself) through the safe
 * walk, creating its last component (0755) when create is set and it is missing; refuses a
 * directory owned by another uid than root or this one, or writable by group or others. Returns
 * the fd, or -1 with errno (ENOENT: missing) and a message in err. */
int hostkeydir_open_dir(const char *root, const char *path, int create, char *err, size_t errcap);

/* Opens ROOT/etc/ssh (ROOT "/" for the machine itself) through the safe walk, creating etc and
 * etc/ssh (0755) when missing; refuses an etc/ssh others can write. Returns the fd, or -1 with
 * errno and a message in err. */
int hostkeydir_open_sshdir(const char *root, char *err, size_t errcap);

/* Parses a -t list ("ed25519,rsa", blanks around names allowed) into types[3], each once. Returns
 * the count, or 0 with a message printed (exit 2). */
int hostkeydir_types(const char *cmd, const char *list, enum keygen_type types[3]);

/* The comment of new host keys: "root@HOST" when run as root (as ssh-keygen -A; whatever passwd
 * says, or without one), else USER@HOST. */
void hostkeydir_comment(char *comment, size_t cap);

/* Makes the missing keys of types[0..n) (ssh_host_TYPE_key{,.pub}, 0600/0644; in d->format's files
 * for dropbear and tinyssh). Returns EXIT_OK or
 * the exit code of a failure (printed); a type that fails does not stop the others, except a
 * randomness failure. */
int hostkeydir_make(struct hostkeydir *d, const enum keygen_type *types, int n);

/* Looks at every ssh_host_*_key in the directory: repairs a missing or stale .pub and (with fix) a
 * private key mode sshd refuses, and records each key in d->k. Returns EXIT_OK or the exit code of
 * the worst problem (printed). */
int hostkeydir_scan(struct hostkeydir *d);

/* A private key file name in d->dirfd whose fstat is st: with group or other bits, repaired with
 * fchmod on its own descriptor (d->fix) or reported (exit 1). Returns EXIT_OK or the exit code. */
int hostkeydir_check_mode(const struct hostkeydir *d, const char *name, const struct stat *st);

/* The file name of a TYPE key in d's format (d NULL: OpenSSH): ssh_host_TYPE_key,
 * dropbear_TYPE_host_key, or tinyssh's .ed25519.sk. */
void hostkeydir_name(const struct hostkeydir *d, enum keygen_type t, char name[64]);

/* 1 when the directory holds ssh_host_TYPE_key (a file or anything else by that name). */
int hostkeydir_has(int dirfd, enum keygen_type t);

/* Prints d->k: each as ssh-keygen -lv does, or with console the blocks cloud-init writes to the
 * console (-----BEGIN SSH HOST KEY FINGERPRINTS----- ... and -----BEGIN SSH HOST KEY KEYS----- ...)
 * that tools read from a machine's console log. */
void hostkeydir_print(const struct hostkeydir *d, int console);

#endif
