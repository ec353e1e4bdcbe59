/* note.c: see note.h. */
#include <stdarg.h>
#include <stdio.h>

#include "note.h"

void net_note(const struct netsrc_opts *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	o->note(o->note_arg, o->cmd, line);
}
