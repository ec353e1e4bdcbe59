/* hoststate.h: a container's sshd host keys, kept in a state directory (a volume) across restarts
 * and published into /etc/ssh, where sshd's default HostKey paths look (no sshd config to change),
 * and sshd's privilege separation directory /run/sshd. The host side of `keydrop entrypoint`. */
#ifndef KEYDROP_HOSTSTATE_H
#define KEYDROP_HOSTSTATE_H
#include "keygen.h"

/* Host keys of the types asked[0..nasked) made once in state (NULL: in /etc/ssh itself) and copied
 * into /etc/ssh when they differ there; with a state, every standard type /etc/ssh already holds
 * too (an image's own keys: sshd presents none of them). One bad key, or a state directory refused,
 * costs only that: /etc/ssh still gets a key of every type. Prints the keys sshd will present in
 * cloud-init's console blocks. Returns 0, or -1 when anything failed (said). */
int hoststate_keys(const char *state, const enum keygen_type *asked, int nasked, int quiet);

/* Makes /run (and /run/sshd) root's and 0755 as sshd requires, or says why not. Returns 0 or -1. */
int hoststate_run_sshd(void);

#endif
