/* findings.c */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "die.h"
#include "findings.h"

void findings_problem(struct findings *f, int fixable, const char *fmt, ...)
{
	char msg[16384];
	va_list ap;

	f->problems++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (fixable && !f->fix) {
		f->fixable++;
		printf("problem: %s (--fix repairs it)\n", msg);
	} else {
		printf("problem: %s%s\n", msg, strstr(msg, "not changed by --fix") ? "" : " (not changed by --fix)");
	}
}

int findings_end(const struct findings *f, const char *path, int quiet)
{
	fflush(stdout);
	if (f->problems) {
		const char *s = f->problems == 1 ? "" : "s";
		if (f->fix)
			msg_err("check", "%s: %d problem%s", path, f->problems, f->problems == 1 ? " remains" : "s remain");
		else if (f->fixable)
			msg_err("check", "%s: %d problem%s (%d of them --fix repairs)", path, f->problems, s, f->fixable);
		else
			msg_err("check", "%s: %d problem%s (none that --fix repairs)", path, f->problems, s);
		return EXIT_PROBLEMS;
	}
	if (!quiet)
		printf("ok: %s%s\n", path, f->fixed ? " (after fixes)" : "");
	return EXIT_OK;
}
