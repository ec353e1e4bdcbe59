/* cliconf.c: --config FILE for authorized-keys and sync (see cliconf.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cliconf.h"
#include "die.h"
#include "fsx.h"
#include "osutil.h"

#define CLICONF_MAX 65536

/* Its lines as arguments in cl. The checks are made on the open descriptor (no race with a
 * rename in between); O_NONBLOCK so a FIFO named as the file cannot hang the command. */
static int read_config(const char *path, struct cmdline *cl, const char *cmd)
{
	char buf[CLICONF_MAX + 2]; /* one byte more than allowed tells "larger" */
	struct stat st;
	long n;
	size_t len = 0;
	unsigned bad;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), r;

	if (fd < 0)
		return msg_fail(EXIT_USAGE, cmd, "--config %s: %s", path, osutil_strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return msg_fail(EXIT_USAGE, cmd, "--config %s: not a regular file owned by root (or you) and "
						 "writable only by its owner", path);
	}
	n = fsx_read_all(fd, buf, CLICONF_MAX + 1);
	close(fd);
	len = n > 0 ? (size_t)n : 0;
	if (n < 0 || len > CLICONF_MAX)
		return msg_fail(EXIT_USAGE, cmd, "--config %s: %s", path, n < 0 ? osutil_strerror(errno) : "larger than 64 KiB");
	r = cmdline_conf(buf, len, cl, &bad);
	if (r != CMDLINE_OK)
		return msg_fail(EXIT_USAGE, cmd, "--config %s: line %u: %s", path, bad, cmdline_strerror(r));
	for (int i = 0; i < cl->n; i++) { /* nor an abbreviation getopt would take for it ("conf X") */
		size_t k = strcspn(cl->v[i], "=");
		if (k >= 5 && strncmp(cl->v[i], "--config", k < 8 ? k : 8) == 0 && k <= 8)
			return msg_fail(EXIT_USAGE, cmd, "--config %s: no config line in a config file", path);
	}
	return 0;
}

/* Whether argv[1..] (before "--") spells --config in full. */
static int prescanned(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--config") == 0 || strncmp(argv[i], "--config=", 9) == 0)
			return 1;
	return 0;
}

int cliconf_load(struct cliconf *cf, int argc, char **argv, const char *cmd)
{
	const char *path = NULL;
	char **v;
	int r, n = 0;

	memset(&cf->cl, 0, sizeof cf->cl);
	cf->av = cf->argv = argv;
	cf->ac = argc;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc && ++n)
			path = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0 && ++n)
			path = argv[i] + 9;
	}
	if (n > 1)
		return msg_usage(cmd, "one --config only");
	if (!path)
		return 0;
	if ((r = read_config(path, &cf->cl, cmd)) != 0)
		return r;
	if (!(v = malloc(((size_t)argc + (size_t)cf->cl.n + 1) * sizeof *v)))
		return msg_fail(EXIT_FAIL, cmd, "out of memory");
	v[0] = argv[0];
	memcpy(v + 1, cf->cl.v, (size_t)cf->cl.n * sizeof *v);
	memcpy(v + 1 + cf->cl.n, argv + 1, (size_t)argc * sizeof *v); /* argv[argc] == NULL comes along */
	cf->av = v;
	cf->ac = argc + cf->cl.n;
	return 0;
}

int cliconf_seen(int ac, char **av, const char *cmd)
{
	if (prescanned(ac, av))
		return 0;
	return msg_usage(cmd, "write --config FILE in full (it is read before the other options)");
}

void cliconf_free(struct cliconf *cf)
{
	if (cf->av != cf->argv)
		free(cf->av);
	cf->av = cf->argv;
	cmdline_free(&cf->cl);
}
