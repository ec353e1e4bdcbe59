/* cliconf.h: a command's --config FILE (authorized-keys, sync): option lines read before the
 * command line is parsed, so that getopt sees them as if typed first (command-line options after
 * them win). The file decides who logs in or whose keys are replaced, so it must be owned by root
 * or the caller, a regular file not writable by group or others, at most 64 KiB, and it may not
 * name another --config. Format: src/core/cmdline.h cmdline_conf ("name value" lines). */
#ifndef KEYDROP_CLICONF_H
#define KEYDROP_CLICONF_H
#include "cmdline.h"

struct cliconf {
	struct cmdline cl; /* the file's arguments */
	char **av;         /* argv with them after argv[0]: argv itself when there is no --config */
	int ac;
	char **argv;       /* the caller's, to know whether av was allocated */
};

/* Finds the one --config FILE (or --config=FILE) among argv[1..] before "--" and reads it. On
 * return cf->av/ac are the arguments to parse (always set, also on failure: then argv). Returns 0,
 * or EXIT_USAGE / EXIT_FAIL after printing "keydrop: CMD: ..." (nothing was changed). */
int cliconf_load(struct cliconf *cf, int argc, char **argv, const char *cmd);
/* Called when getopt (parsing av, ac) returns the command's --config option: 0 when it is spelled
 * in full (cliconf_load read it), else EXIT_USAGE after saying so (getopt accepts "--conf", which
 * cliconf_load did not read: refused rather than silently ignored). */
int cliconf_seen(int ac, char **av, const char *cmd);
void cliconf_free(struct cliconf *cf);

#define CLICONF_HELP                                                                                   \
	"  --config FILE            more options, one per line ('timeout 10', 'source gh:alice'); owned\n" \
	"                           by root or the caller, not writable by others; options given\n"         \
	"                           again on the command line win\n"

#endif
