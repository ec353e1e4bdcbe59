/* opts.h: the one command-line grammar of every command. GNU getopt_long with permutation: options
 * anywhere among the operands, `--` ends them; -q and -v in every command (before or after its
 * name); a missing value names the option; one message shape for an unknown option. */
#ifndef KEYDROP_OPTS_H
#define KEYDROP_OPTS_H
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"

/* opts_next: the options are done (operands are argv[p->ind..argc)). */
/* The rows every command's long-option table ends with. */
#define OPTS_HELP_ROW { "help", no_argument, NULL, 'h' }
#define OPTS_END_ROW { NULL, 0, NULL, 0 }

#define OPTS_END (-1)
/* opts_next: the command is done; return p->rc. --help was printed (EXIT_OK), or the usage line for
 * an unknown or ambiguous option, a missing value or a value given to a flag (EXIT_USAGE). */
#define OPTS_EXIT (-2)

/* Rows of a command's long options after opts_add: its own and the shared tables'. */
#define OPTS_ROWS_MAX 48

struct opts {
	const char *cmd;           /* for messages: "keydrop: CMD: ..." */
	int argc;
	char **argv;               /* permuted in place: operands end up after the options */
	const struct option *lo;   /* the command's long options ({ "help", ..., 'h' } among them) */
	struct option rows[OPTS_ROWS_MAX]; /* lo with the tables opts_add appended (lo then points here) */
	struct globals *g;         /* -q and -v land here */
	char shortopts[48];        /* ":" + the command's short options + "qvh" */
	const char *const *help;   /* --help: these texts, then opts_help's (NULL-terminated) */
	char *arg;                 /* the value of the option just returned (NULL when it takes none) */
	int ind;                   /* after OPTS_END: index of the first operand (getopt's optind then) */
	int rc;                    /* after OPTS_EXIT: the exit code */
};

/* Prepares parsing argv[1..argc) of cmd (argv[0] is the command name). shortopts: the command's
 * own short options in getopt syntax ("t:b:f:"), without q, v and h; lo: its long options, ending
 * with OPTS_END_ROW; OPTS_HELP_ROW ("help" -> 'h') is added unless lo has it (one copy of the
 * row in the binary, not one per command); help: the --help texts (NULL-terminated). */
void opts_init(struct opts *p, const char *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *lo, struct globals *g, const char *const *help);
/* Appends a shared table of long options (netcli_longopts, cmdt_longopts: ending with
 * OPTS_END_ROW) to the command's, before the first opts_next. One copy of a shared table in the
 * binary instead of one per command: each row is a pointer the static PIE relocates at start-up
 * (32 bytes of table + 24 of relocation). Aborts if the rows exceed OPTS_ROWS_MAX (a programming
 * error that any run of the command shows). */
void opts_add(struct opts *p, const struct option *shared);
/* The next option: its getopt_long value (>= 0) with its value in p->arg, OPTS_END or OPTS_EXIT.
 * -q, -v (into p->g) and -h/--help are handled here and never returned. Loop while >= 0. */
int opts_next(struct opts *p);
/* For a command that takes no operands: EXIT_OK, or the usage line naming the first one. */
int opts_no_operands(const struct opts *p);

/* The grammar's lines at the end of every command's --help (one copy in the binary). */
void opts_help(FILE *f);

/* "keydrop: CMD: unknown option 'TEXT' (try ...)" for what the user typed (shown bounded, without a
 * value after '='). Returns EXIT_USAGE. main uses it for options before the command name. */
int opts_unknown(const char *cmd, const char *text);

/* Decimal integer s within [lo, hi] into *out. Returns 0, or -1 (nothing printed). */
int opts_num(const char *s, long long lo, long long hi, long long *out);

#endif
