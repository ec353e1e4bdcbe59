/* opts.c: the permuting option parser every command goes through, and its messages. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "opts.h"

/* Puts row o at p->rows[n], keeping room for the OPTS_END_ROW after it; returns n + 1. */
static size_t rows_put(struct opts *p, size_t n, const struct option *o)
{
	if (n + 1 >= OPTS_ROWS_MAX) {
		fprintf(stderr, "keydrop: %s: too many options for OPTS_ROWS_MAX\n", p->cmd);
		abort();
	}
	p->rows[n] = *o;
	return n + 1;
}

/* Copies rows up to their OPTS_END_ROW into p->rows from index n; returns the new count. */
static size_t rows_copy(struct opts *p, size_t n, const struct option *lo)
{
	for (; lo->name; lo++)
		n = rows_put(p, n, lo);
	return n;
}

void opts_init(struct opts *p, const char *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *lo, struct globals *g, const char *const *help)
{
	static const struct option help_row = OPTS_HELP_ROW;
	const struct option *o = lo;

	memset(p, 0, sizeof *p);
	p->cmd = cmd;
	p->argc = argc;
	p->argv = argv;
	p->lo = lo;
	p->g = g;
	p->help = help;
	/* ':' first: a missing value is told apart from an unknown option (getopt returns ':'). No '+':
	 * GNU permutation, so `fetch URL --retry 0` is the same as `fetch --retry 0 URL`. */
	snprintf(p->shortopts, sizeof p->shortopts, ":%sqvh", shortopts);
	opterr = 0; /* getopt's own messages have another shape: ours are printed below */
	optind = 1;
	/* --help once: a second "help" row would make the abbreviation --he ambiguous. */
	while (o->name && strcmp(o->name, "help") != 0)
		o++;
	if (!o->name) {
		size_t n = rows_put(p, rows_copy(p, 0, lo), &help_row);
		memset(&p->rows[n], 0, sizeof p->rows[n]); /* OPTS_END_ROW */
		p->lo = p->rows;
	}
}

void opts_add(struct opts *p, const struct option *shared)
{
	size_t n = 0;

	if (p->lo == p->rows)
		while (p->rows[n].name)
			n++;
	else
		n = rows_copy(p, 0, p->lo);
	n = rows_copy(p, n, shared);
	memset(&p->rows[n], 0, sizeof p->rows[n]); /* OPTS_END_ROW */
	p->lo = p->rows;
}

/* What the user typed, bounded and printable: an argument can be pasted text (a token, a key). */
static void shown(char *out, size_t cap, const char *s, size_t n)
{
	size_t i = 0;

	for (; i < n && i + 4 < cap && s[i]; i++)
		out[i] = s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (i < n && s[i])
		memcpy(out + i, "...", 4);
	else
		out[i] = '\0';
}

/* The long option named name[0..n), exact or a unique prefix (as getopt_long matches); *nmatch
 * counts the prefix matches. NULL when none or ambiguous. */
static const struct option *long_named(const struct option *lo, const char *name, size_t n, int *nmatch)
{
	const struct option *hit = NULL;

	*nmatch = 0;
	for (; lo && lo->name; lo++) {
		if (strncmp(lo->name, name, n) != 0)
			continue;
		if (lo->name[n] == '\0') {
			*nmatch = 1;
			return lo;
		}
		hit = lo;
		(*nmatch)++;
	}
	return *nmatch == 1 ? hit : NULL;
}

/* "--retry" or "-f" for the option whose value is c and that takes a value. No command gives a
 * short letter and a long option the same value (except h), so the letter decides. */
static void option_name(const struct opts *p, int c, char *out, size_t cap)
{
	const char *s = c > 0 && c < 128 ? strchr(p->shortopts + 1, c) : NULL;

	if (s && s[1] == ':') {
		snprintf(out, cap, "-%c", c);
		return;
	}
	for (const struct option *o = p->lo; o && o->name; o++)
		if (o->val == c && o->has_arg != no_argument) {
			snprintf(out, cap, "--%s", o->name);
			return;
		}
	snprintf(out, cap, "-%c", c > 0x20 && c < 0x7f ? c : '?');
}

static int bad(const struct opts *p, int c)
{
	char name[80], typed[48];
	const char *text = optind >= 1 && optind - 1 < p->argc ? p->argv[optind - 1] : NULL;

	if (c == ':') {
		/* The long form the user typed (--type), else the letter (-t, also inside -xt). */
		if (text && strncmp(text, "--", 2) == 0 && strlen(text) < sizeof name && !strchr(text, '='))
			snprintf(name, sizeof name, "%s", text);
		else
			option_name(p, optopt, name, sizeof name);
		return msg_usage(p->cmd, "option %s needs a value", name);
	}
	/* getopt sets optopt to 0 for a long option it cannot match, to the option's value for one
	 * given a value it does not take, and to the letter for an unknown short option. */
	if (text && strncmp(text, "--", 2) == 0 && text[2]) {
		const char *eq = strchr(text, '=');
		size_t n = eq ? (size_t)(eq - text - 2) : strlen(text + 2);
		int nmatch;
		const struct option *o = long_named(p->lo, text + 2, n, &nmatch);
		shown(typed, sizeof typed, text, n + 2); /* never the value after '=': it may be a secret */
		if (optopt && o && eq && o->has_arg == no_argument && o->val == optopt)
			return msg_usage(p->cmd, "option --%s takes no value", o->name);
		if (!optopt && nmatch > 1)
			return msg_usage(p->cmd, "ambiguous option '%s'", typed);
		if (!optopt)
			return opts_unknown(p->cmd, text);
	}
	char one[2] = { (char)optopt, 0 };
	shown(typed, sizeof typed, one, 1);
	return msg_usage(p->cmd, "unknown option '-%s'", optopt ? typed : "?");
}

int opts_next(struct opts *p)
{
	for (;;) {
		int c = getopt_long(p->argc, p->argv, p->shortopts, p->lo, NULL);
		p->arg = optarg;
		switch (c) {
		case -1:
			p->ind = optind;
			return OPTS_END;
		case 'q':
			p->g->quiet = 1;
			continue;
		case 'v':
			p->g->verbose = 1;
			continue;
		case 'h': {
			/* Each text flushed at once: a failed write is seen here with its errno (stdio keeps
			 * only the error flag when it flushes on its own, as a text over its buffer makes it). */
			int bad = 0;
			errno = 0;
			for (const char *const *h = p->help; h && *h && !bad; h++)
				bad = fputs(*h, stdout) == EOF || fflush(stdout) != 0;
			if (!bad) {
				opts_help(stdout);
				bad = fflush(stdout) != 0;
			}
			p->rc = bad ? msg_fail(EXIT_FAIL, p->cmd, "cannot write output: %s", strerror(errno ? errno : EIO))
				    : EXIT_OK;
			return OPTS_EXIT;
		}
		case '?':
		case ':':
			p->rc = bad(p, c);
			return OPTS_EXIT;
		default:
			return c;
		}
	}
}

int opts_no_operands(const struct opts *p)
{
	if (p->ind < p->argc)
		return msg_usage(p->cmd, "unexpected argument '%s'", p->argv[p->ind]);
	return EXIT_OK;
}

void opts_help(FILE *f)
{
	fputs("  -q         only errors; -v  say more (both also before the command name)\n"
	      "  Options may come before or after the operands; '--' ends them (an operand may then start\n"
	      "  with '-'). 'keydrop help CMD' prints this text.\n", f);
}

int opts_unknown(const char *cmd, const char *text)
{
	char typed[48];
	const char *eq = strncmp(text, "--", 2) == 0 ? strchr(text, '=') : NULL;

	shown(typed, sizeof typed, text, eq ? (size_t)(eq - text) : strlen(text));
	return msg_usage(cmd, "unknown option '%s'", typed);
}

int opts_num(const char *s, long long lo, long long hi, long long *out)
{
	char *end;

	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}
