/* die.c: one-line messages on stderr, "keydrop: cmd: cause (hint)". */
#include <stdarg.h>
#include <stdio.h>

#include "die.h"

static void vmsg(const char *cmd, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof line, fmt, ap);
	/* One line, always: a message never spans lines even if it embeds user text. */
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (cmd)
		fprintf(stderr, "keydrop: %s: %s\n", cmd, line);
	else
		fprintf(stderr, "keydrop: %s\n", line);
}

void msg_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
}

int msg_fail(int code, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	return code;
}

int msg_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char line[900];

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (cmd)
		msg_err(cmd, "%s (try 'keydrop %s --help')", line, cmd);
	else
		msg_err(NULL, "%s (try 'keydrop help')", line);
	return EXIT_USAGE;
}
