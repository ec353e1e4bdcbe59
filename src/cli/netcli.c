/* netcli.c: parsing of the shared network options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "die.h"
#include "netcli.h"
#include "netheaders.h"
#include "osutil.h"
#include "secret.h"

static int parse_num(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

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
		if (parse_num(arg, 1, 86400, &v) != 0)
			return msg_usage(cmd, "--timeout wants seconds (1..86400)");
		o->timeout_ms = v * 1000;
		return 0;
	case NETOPT_RETRY:
		if (parse_num(arg, 0, 100, &v) != 0)
			return msg_usage(cmd, "--retry wants a count (0..100)");
		o->retries = (int)v;
		return 0;
	case NETOPT_WAIT:
		if (parse_num(arg, 0, 86400, &v) != 0)
			return msg_usage(cmd, "--wait-network wants seconds (0..86400)");
		o->wait_network_s = v;
		return 0;
	case NETOPT_PROXY:
		o->proxy = arg;
		return 0;
	case NETOPT_MAX_BYTES:
		if (parse_num(arg, 1, 64LL << 20, &v) != 0)
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
		if (parse_num(arg, 1, 30000, &v) != 0)
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
	if (o->format == NETSRC_JSON && !o->json_path)
		o->json_path = "";
	return 0;
}

void netcli_free(struct netsrc_opts *o)
{
	netheaders_free(&o->headers);
}

#include "paste.h"
#include "source.h"

void netkeys_free(struct netkeys *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->lines[i]);
		free(k->b64[i]);
	}
	free(k->lines);
	free(k->b64);
	free(k->ix);
	memset(k, 0, sizeof *k);
}

/* Appends a key; duplicates are dropped once all sources are read (netkeys_index), not by a scan of
 * the keys so far on every add (keys x keys: seconds for a few thousand keys). */
static int keys_add(struct netkeys *k, const struct paste_key *pk)
{
	if (k->n == k->cap) {
		size_t nc = k->cap ? k->cap * 2 : 16;
		char **a = realloc(k->lines, nc * sizeof *a);
		if (!a)
			return -1;
		k->lines = a;
		char **b = realloc(k->b64, nc * sizeof *b);
		if (!b)
			return -1;
		k->b64 = b;
		k->cap = nc;
	}
	k->lines[k->n] = strndup(pk->line, pk->len);
	k->b64[k->n] = strndup(pk->b64, pk->b64len);
	if (!k->lines[k->n] || !k->b64[k->n]) {
		free(k->lines[k->n]);
		free(k->b64[k->n]);
		return -1;
	}
	k->n++;
	return 0;
}

/* Validates text; appends its keys. Returns EXIT_OK or an exit code (message printed). */
static int take_keys(const char *cmd, const char *spec, const char *text, size_t len, int skip_invalid,
		     int allow_empty, const char *block, struct netkeys *out)
{
	struct paste_result pr;
	int r = paste_parse(text, len, &pr);
	size_t valid = 0; /* this source's valid keys (even if an earlier source gave them too) */
	time_t now = time(NULL);
	long gmtoff = osutil_gmtoff(now), x = -1;
	static const char expired[] = "expiry-time is already past: sshd refuses the key (\"entry expired\")";

	/* An entry sshd refuses as expired is refused like any other key sshd cannot use. */
	if (r == PASTE_OK && (x = paste_first_expired(&pr, (long long)now, gmtoff)) >= 0 && !skip_invalid) {
		int rc = msg_fail(EXIT_REJECT, cmd, "%s: line %u: %s", spec, pr.keys[x].srcline, expired);
		paste_free(&pr);
		return rc;
	}
	if (r == PASTE_OK && x >= 0)
		r = PASTE_BADKEY; /* --skip-invalid: take the lines one by one below */

	for (size_t i = 0; r == PASTE_OK && i < pr.nskipped; i++) /* left out, never silently */
		msg_err(cmd, "%s: line %u: warning: skipped a %s key: keydrop does not know this key type", spec,
			pr.skipped[i].srcline, pr.skipped[i].type);
	if (r == PASTE_OK) {
		for (size_t i = 0; i < pr.n; i++)
			if (keys_add(out, &pr.keys[i]) != 0) {
				paste_free(&pr);
				return msg_fail(EXIT_FAIL, cmd, "%s: out of memory", spec);
			}
		paste_free(&pr);
		return EXIT_OK;
	}
	if (r == PASTE_EMPTY) {
		paste_free(&pr);
		if (allow_empty)
			return EXIT_OK;
		return block ? msg_fail(EXIT_REJECT, cmd, "%s: no keys in the response (empty); refusing to remove keys of block '%s' (--allow-empty to allow)",
					spec, block)
			     : msg_fail(EXIT_REJECT, cmd, "%s: no keys in the response (empty)", spec);
	}
	if (!skip_invalid) {
		int rc = pr.line ? msg_fail(EXIT_REJECT, cmd, "%s: line %u: %s", spec, pr.line, pr.detail)
				 : msg_fail(EXIT_REJECT, cmd, "%s: %s", spec, pr.detail);
		paste_free(&pr);
		return rc;
	}
	paste_free(&pr);
	/* --skip-invalid: each line on its own; every skipped one is reported. */
	unsigned lineno = 0;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		r = paste_parse(p, n, &pr);
		if (r == PASTE_OK && paste_first_expired(&pr, (long long)now, gmtoff) >= 0) {
			msg_err(cmd, "%s: line %u: skipped: %s", spec, lineno, expired);
			paste_free(&pr);
			p += n + (nl ? 1 : 0);
			continue;
		}
		for (size_t i = 0; r == PASTE_OK && i < pr.nskipped; i++)
			msg_err(cmd, "%s: line %u: warning: skipped a %s key: keydrop does not know this key type", spec,
				lineno, pr.skipped[i].type);
		if (r == PASTE_OK) {
			valid += pr.n;
			for (size_t i = 0; i < pr.n; i++)
				if (keys_add(out, &pr.keys[i]) != 0) {
					paste_free(&pr);
					return msg_fail(EXIT_FAIL, cmd, "%s: out of memory", spec);
				}
		} else if (r != PASTE_EMPTY) {
			msg_err(cmd, "%s: line %u: skipped: %s", spec, lineno, pr.detail);
		}
		paste_free(&pr);
		p += n + (nl ? 1 : 0);
	}
	if (valid == 0 && !allow_empty)
		return block ? msg_fail(EXIT_REJECT, cmd, "%s: no valid key in the response; refusing to remove keys of block '%s' (--allow-empty to allow)",
					spec, block)
			     : msg_fail(EXIT_REJECT, cmd, "%s: no valid key in the response", spec);
	return EXIT_OK;
}

static int ixcmp(const void *a, const void *b)
{
	const struct netkeys_ix *x = a, *y = b;
	int c = strcmp(x->b64, y->b64);
	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

static int ix_build(struct netkeys *k)
{
	free(k->ix);
	if (!(k->ix = malloc((k->n ? k->n : 1) * sizeof *k->ix)))
		return -1;
	for (size_t i = 0; i < k->n; i++) {
		k->ix[i].b64 = k->b64[i];
		k->ix[i].i = i;
	}
	qsort(k->ix, k->n, sizeof *k->ix, ixcmp);
	return 0;
}

/* Drops every key given before (same key data; the first keeps its place) and indexes the rest:
 * O(n log n). */
static int netkeys_index(struct netkeys *k)
{
	uint8_t *dup;
	size_t m = 0;

	if (ix_build(k) != 0 || !(dup = calloc(k->n + 1, 1)))
		return -1;
	for (size_t j = 1; j < k->n; j++)
		if (strcmp(k->ix[j].b64, k->ix[j - 1].b64) == 0)
			dup[k->ix[j].i] = 1; /* sorted by index among equals: the first occurrence stays */
	for (size_t i = 0; i < k->n; i++) {
		if (dup[i]) {
			free(k->lines[i]);
			free(k->b64[i]);
			continue;
		}
		k->lines[m] = k->lines[i];
		k->b64[m++] = k->b64[i];
	}
	k->n = m;
	free(dup);
	return ix_build(k);
}

long netkeys_find(const struct netkeys *k, const char *b64, size_t n)
{
	size_t lo = 0, hi = k->ix ? k->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *s = k->ix[mid].b64;
		int c = strncmp(s, b64, n);
		if (c == 0 && s[n] != '\0')
			c = 1; /* s is longer: after b64 */
		if (c == 0)
			return (long)k->ix[mid].i;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int netcli_collect(const char *cmd, char *const *specs, int nspecs, int skip_invalid, int allow_empty,
		   const char *block, struct netkeys *out)
{
	for (int i = 0; i < nspecs; i++) {
		char *buf = NULL, err[600] = "";
		size_t len = 0;
		int r = source_read(specs[i], &buf, &len, err, sizeof err);
		if (r != SRCE_OK) {
			free(buf);
			return msg_fail(r == SRCE_USAGE ? EXIT_USAGE : r == SRCE_REJECT ? EXIT_REJECT : EXIT_FAIL, cmd,
					"%s: %s", specs[i], err);
		}
		r = take_keys(cmd, specs[i], buf, len, skip_invalid, allow_empty, block, out);
		explicit_bzero(buf, len);
		free(buf);
		if (r != EXIT_OK)
			return r;
	}
	if (netkeys_index(out) != 0)
		return msg_fail(EXIT_FAIL, cmd, "out of memory");
	return EXIT_OK;
}

void netcli_note(void *arg, const char *cmd, const char *line)
{
	(void)arg;
	msg_err(cmd, "%s", line);
}
