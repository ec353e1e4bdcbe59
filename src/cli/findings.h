/* findings.h: what check reports, server side (cmd_check.c) and client side (cmd_check_key.c): one
 * "problem:" line per finding on stdout saying whether --fix repairs it, and one summary at the end. */
#ifndef KEYDROP_FINDINGS_H
#define KEYDROP_FINDINGS_H

struct findings {
	int fix;      /* --fix was given */
	int problems; /* problem lines printed */
	int fixed;    /* repairs made */
	int fixable;  /* problems --fix would repair (without --fix) */
};

enum { NOFIX = 0, FIXABLE = 1 };

/* One problem line: a FIXABLE one reported without --fix ends in "(--fix repairs it)"; every other one
 * says "not changed by --fix" (with the reason, when the message gives one). After --fix nothing that
 * --fix repairs is left unless the repair failed. */
void findings_problem(struct findings *f, int fixable, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The end of a check of path: with problems, one line on stderr counting them and EXIT_PROBLEMS;
 * else "ok: PATH" on stdout (unless quiet) and EXIT_OK. */
int findings_end(const struct findings *f, const char *path, int quiet);

#endif
