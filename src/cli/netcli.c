/* netcli.c: parsing of the shared network options. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "die.h"
#include "http.h"
#include "json.h"
#include "netcli.h"
#include "netheaders.h"
#include "opts.h"
#include "osutil.h"
#include "secret.h"

const struct option netcli_longopts[] = { NETCLI_LONGOPTS, { NULL, 0, NULL, 0 } };


static const char *base_name(int i)
{
	return i == NETSRC_GITHUB ? "github" : i == NETSRC_GITLAB ? "gitlab" : "launchpad";
}

int netcli_option(int c, char *arg, struct netsrc_opts *o, const char *cmd)
{
	long long v;

	switch (c) {
	case NETOPT_FORMAT:
		if (strcmp(arg, "lines") == 0)
			o->format = NETSRC_LINES;
		else if (strcmp(arg, "json") == 0)
			o->format = NETSRC_JSON;
		else
			return msg_usage(cmd, "--format must be lines or json");
		return 0;
	case NETOPT_JSON_PATH:
		o->json_path = arg;
		return 0;
	case NETOPT_HEADER: {
		/* a header is usually a bearer token: no core dump, no ptrace by the same uid from now on */
		(void)osutil_protect_secrets();
		int r = netheaders_add(&o->headers, arg);
		/* argv is what ps and /proc/PID/cmdline show every local user: blank the copy there (as
		 * curl does), the token lives on only in the wiped header buffer. */
		explicit_bzero(arg, strlen(arg));
		if (r != 0)
			return msg_usage(cmd, "bad --header (want 'Name: value' on one line)");
		return 0;
	}
	case NETOPT_HEADER_FILE: {
		char *buf = NULL;
		size_t len;
		unsigned bad;
		int r;
		(void)osutil_protect_secrets();
		if (osutil_slurp(arg, 65536, &buf, &len) != 0)
			return msg_fail(EXIT_USAGE, cmd, "--header-file %s: %s", arg, osutil_strerror(errno));
		r = netheaders_add_text(&o->headers, buf, len, &bad);
		secret_wipe(buf, len);
		free(buf);
		if (r != 0)
			return msg_usage(cmd, "--header-file %s: line %u is not 'Name: value'", arg, bad);
		return 0;
	}
	case NETOPT_CACERT:
		o->cacert = arg;
		return 0;
	case NETOPT_PIN: {
		int n = tls_parse_pins(arg, o->pins + o->npins, TLS_PINS_MAX - o->npins);
		if (n < 0)
			return msg_usage(cmd, "bad --pin (want sha256//BASE64 of the server's SubjectPublicKeyInfo)");
		o->npins += n;
		return 0;
	}
	case NETOPT_TIMEOUT:
		if (opts_num(arg, 1, 86400, &v) != 0)
			return msg_usage(cmd, "--timeout wants seconds (1..86400)");
		o->timeout_ms = v * 1000;
		return 0;
	case NETOPT_RETRY:
		if (opts_num(arg, 0, 100, &v) != 0)
			return msg_usage(cmd, "--retry wants a count (0..100)");
		o->retries = (int)v;
		return 0;
	case NETOPT_WAIT:
		if (opts_num(arg, 0, 86400, &v) != 0)
			return msg_usage(cmd, "--wait-network wants seconds (0..86400)");
		o->wait_network_s = v;
		return 0;
	case NETOPT_PROXY:
		o->proxy = arg;
		return 0;
	case NETOPT_MAX_BYTES:
		if (opts_num(arg, 1, 64LL << 20, &v) != 0)
			return msg_usage(cmd, "--max-bytes wants a size in bytes (1..67108864)");
		o->max_bytes = (size_t)v;
		return 0;
	case NETOPT_ALLOW_HTTP:
		o->allow_http = 1;
		return 0;
	case NETOPT_CACHE:
		o->cache_dir = arg;
		return 0;
	case NETOPT_RETRY_DELAY:
		if (opts_num(arg, 1, 30000, &v) != 0)
			return msg_usage(cmd, "--retry-delay wants milliseconds (1..30000)");
		o->retry_delay_ms = v;
		return 0;
	case NETOPT_GITHUB_URL:
	case NETOPT_GITLAB_URL:
	case NETOPT_LAUNCHPAD_URL: {
		/* kept as given; checked in netcli_finish, when --allow-http is known */
		char *dst = o->base_url[c - NETOPT_GITHUB_URL];
		if (strlen(arg) >= NETSRC_BASE_MAX || !*arg)
			return msg_usage(cmd, "--%s-url: want a URL of 1..%d bytes", base_name(c - NETOPT_GITHUB_URL),
					 NETSRC_BASE_MAX - 1);
		memcpy(dst, arg, strlen(arg) + 1);
		return 0;
	}
	}
	return msg_usage(cmd, "unknown option");
}

int netcli_finish(struct netsrc_opts *o, const char *cmd)
{
	for (int i = 0; i < NETSRC_NSERVICES; i++) {
		char raw[NETSRC_BASE_MAX];
		if (!o->base_url[i][0])
			continue;
		memcpy(raw, o->base_url[i], sizeof raw);
		if (netsrc_base_url(raw, o->allow_http, o->base_url[i], sizeof o->base_url[i]) != 0)
			return msg_usage(cmd, "--%s-url: want https://HOST[:PORT][/PATH] without ?query or #fragment%s",
					 base_name(i), o->allow_http ? "" : " (http:// only with --allow-http)");
	}
	if (o->json_path && o->format != NETSRC_JSON)
		return msg_usage(cmd, "--json-path needs --format json");
	/* Found now, not after a download: which strings to take, and whether the path can mean anything. */
	if (o->format == NETSRC_JSON && !o->json_path)
		return msg_usage(cmd, "--format json needs --json-path P (the strings to take, e.g. [].key; '' for the whole document)");
	if (o->json_path && json_path_check(o->json_path) != JSON_OK)
		return msg_usage(cmd, "--json-path: bad JSON path (names of A-Z a-z 0-9 _ - $, joined by '.', [] for every element; e.g. ssh_keys or [].key)");
	if (o->proxy && *o->proxy) {
		struct http_url u;
		if (http_parse_url(o->proxy, &u) != HTTP_OK || u.https)
			return msg_usage(cmd, "--proxy: unusable proxy URL (only http://HOST:PORT is supported)");
	}
	if (o->cacert) {
		/* Readable and a regular file, checked without reading (a FIFO would block open()
		 * without O_NONBLOCK): the anchors are loaded when the first source needs them. */
		int fd = open(o->cacert, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), e = errno;
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode))
			e = S_ISDIR(st.st_mode) ? EISDIR : OSUTIL_ENOTREG;
		else if (fd >= 0)
			e = 0;
		if (fd >= 0)
			close(fd);
		if (e)
			return msg_fail(EXIT_USAGE, cmd, "--cacert: cannot load CA certificates from %s: %s", o->cacert,
					osutil_strerror(e));
	}
	return 0;
}

void netcli_free(struct netsrc_opts *o)
{
	netheaders_free(&o->headers);
}

int netcli_exit(int srce)
{
	return srce == SRCE_OK ? EXIT_OK : srce == SRCE_USAGE ? EXIT_USAGE : srce == SRCE_REJECT ? EXIT_REJECT : EXIT_FAIL;
}

int netcli_collect(struct source_ctx *c, const char *cmd, const struct collect_opts *co, char *const *specs,
		   size_t nspecs, struct keyset *ks)
{
	char err[1024];
	int r = source_collect(c, co, specs, nspecs, ks, err, sizeof err);

	/* install and sync read every source before touching the file: say that it was not touched */
	return r == SRCE_OK ? EXIT_OK
			    : msg_fail(netcli_exit(r), cmd, "%s%s", err, strcmp(cmd, "fetch") != 0 ? " (nothing changed)" : "");
}

void netcli_note(void *arg, const char *cmd, const char *line)
{
	(void)arg;
	msg_err(cmd, "%s", line);
}

void netcli_init(struct netsrc_opts *o, const char *cmd)
{
	netsrc_defaults(o);
	o->note = netcli_note;
	o->cmd = cmd;
}

void netcli_quiet(struct netsrc_opts *o, const struct globals *g)
{
	o->quiet = g->quiet;
	o->verbose = g->verbose;
}
