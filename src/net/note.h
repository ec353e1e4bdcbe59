/* note.h: how the source layer says something (a retry, the clock floor, a cache not used, a
 * skipped key): one line handed to the command's sink (netsrc_opts.note). Nothing below cli/ prints. */
#ifndef KEYDROP_NOTE_H
#define KEYDROP_NOTE_H

#include "netsrc.h"

/* Formats one note and hands it to o->note (dropped when there is no sink). */
void net_note(const struct netsrc_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
