/* cmd.h: subcommand entry points (one file each) and the options main owns. */
#ifndef KEYDROP_CMD_H
#define KEYDROP_CMD_H

struct globals {
	int quiet;   /* -q: only errors */
	int verbose; /* -v: say more */
};

typedef int (*cmd_fn)(int argc, char **argv, const struct globals *g);

int cmd_keygen(int argc, char **argv, const struct globals *g);
int cmd_hostkeys(int argc, char **argv, const struct globals *g);
int cmd_pubkey(int argc, char **argv, const struct globals *g);
int cmd_fingerprint(int argc, char **argv, const struct globals *g);
int cmd_passphrase(int argc, char **argv, const struct globals *g);
int cmd_version(int argc, char **argv, const struct globals *g);
int cmd_install(int argc, char **argv, const struct globals *g);
int cmd_remove(int argc, char **argv, const struct globals *g);
int cmd_list(int argc, char **argv, const struct globals *g);
int cmd_check(int argc, char **argv, const struct globals *g);
int cmd_fetch(int argc, char **argv, const struct globals *g);
int cmd_sync(int argc, char **argv, const struct globals *g);
int cmd_entrypoint(int argc, char **argv, const struct globals *g);
int cmd_authorized_keys(int argc, char **argv, const struct globals *g);
int cmd_fetch_krl(int argc, char **argv, const struct globals *g);
int cmd_sshd_config(int argc, char **argv, const struct globals *g);


#endif
