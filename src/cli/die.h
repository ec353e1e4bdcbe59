/* die.h: the one place messages are formatted. Only main.c and cmd_*.c call these. */
#ifndef KEYDROP_DIE_H
#define KEYDROP_DIE_H

/* Exit codes (README, "Use"): the same refusal is the same code in every command. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,     /* operational failure: I/O, network, TLS, lock timeout */
	EXIT_USAGE = 2,    /* usage error */
	EXIT_REJECT = 3,   /* input rejected: bad key text, bad response body */
	EXIT_PROBLEMS = 4  /* check found problems */
};

/* Prints "keydrop: CMD: message\n" to stderr (CMD may be NULL). Returns nothing. */
void msg_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same as msg_err, then returns code: `return msg_fail(EXIT_FAIL, "keygen", "...")`. */
int msg_fail(int code, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Usage error: prints the message and "try 'keydrop CMD --help'", returns EXIT_USAGE. */
int msg_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
