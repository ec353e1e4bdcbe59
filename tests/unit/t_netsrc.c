/* t_netsrc.c: the pure parts of the network sources: --github-url and friends (netsrc_base_url,
 * netsrc_url), --header-file splitting (netheaders), the --cache entry name and format. */
#include <stdlib.h>
#include <string.h>

#include "netcache.h"
#include "netheaders.h"
#include "netsrc.h"
#include "tap.h"

static int base_ok(const char *in, int allow_http, const char *want)
{
	char out[NETSRC_BASE_MAX];
	int r = netsrc_base_url(in, allow_http, out, sizeof out);
	return want ? r == 0 && strcmp(out, want) == 0 : r == -1 && out[0] == 0;
}

int main(void)
{
	struct netsrc_opts o;
	char url[600], n1[NETCACHE_NAME_MAX], n2[NETCACHE_NAME_MAX], *acc = NULL;
	unsigned bad;

	/* base URLs: trailing slashes dropped, https only unless allow_http, no query/fragment/userinfo */
	OK(base_ok("https://ghe.example.com", 0, "https://ghe.example.com"), "plain host");
	OK(base_ok("https://ghe.example.com/", 0, "https://ghe.example.com"), "trailing slash dropped");
	OK(base_ok("https://h.example:8443/gitlab///", 0, "https://h.example:8443/gitlab"), "port, path, slashes");
	OK(base_ok("https://[::1]:8443", 0, "https://[::1]:8443"), "IPv6 literal");
	OK(base_ok("http://h.example", 0, NULL), "http refused without allow_http");
	OK(base_ok("http://h.example/", 1, "http://h.example"), "http with allow_http");
	OK(base_ok("https://h.example/?x=1", 0, NULL), "query refused");
	OK(base_ok("https://h.example/#f", 0, NULL), "fragment refused");
	OK(base_ok("https://u:p@h.example", 0, NULL), "user info refused");
	OK(base_ok("https://h.example/a b", 0, NULL), "blank refused");
	OK(base_ok("https://h.example/a\tb", 0, NULL), "control character refused");
	OK(base_ok("ftp://h.example", 1, NULL), "other scheme refused");
	OK(base_ok("https://", 0, NULL), "no host refused");
	OK(base_ok("/", 0, NULL), "only a slash refused");
	OK(base_ok("", 0, NULL), "empty refused");

	netsrc_defaults(&o);
	IS_INT(netsrc_url("gh:alice", &o, url, sizeof url), 0, "gh: default");
	IS_STR(url, "https://github.com/alice.keys", "gh: -> github.com");
	IS_INT(netsrc_url("lp:alice", &o, url, sizeof url), 0, "lp: default");
	IS_STR(url, "https://launchpad.net/~alice/+sshkeys", "lp: -> launchpad.net");
	strcpy(o.base_url[NETSRC_GITHUB], "https://ghe.example");
	strcpy(o.base_url[NETSRC_GITLAB], "https://git.example/gitlab");
	strcpy(o.base_url[NETSRC_LAUNCHPAD], "https://lp.example");
	netsrc_url("gh:alice", &o, url, sizeof url);
	IS_STR(url, "https://ghe.example/alice.keys", "--github-url");
	netsrc_url("gl:alice", &o, url, sizeof url);
	IS_STR(url, "https://git.example/gitlab/alice.keys", "--gitlab-url with a path");
	netsrc_url("lp:alice", &o, url, sizeof url);
	IS_STR(url, "https://lp.example/~alice/+sshkeys", "--launchpad-url");
	IS_INT(netsrc_url("gh:a/../b", &o, url, sizeof url), -1, "user with a slash refused");
	IS_INT(netsrc_url("gh:alice", &o, url, 20), -1, "too long for the buffer refused");

	/* --header-file splitting */
	const char f1[] = "Authorization: Bearer t\r\n# c\n\nX-A: 1";
	IS_INT(netheaders_add_text(&acc, f1, sizeof f1 - 1, &bad), 0, "header file: ok");
	IS_STR(acc, "Authorization: Bearer t\r\nX-A: 1\r\n", "header file: CRLF, comments, blank, no final newline");
	netheaders_free(&acc);
	OK(acc == NULL, "netheaders_free clears the pointer");
	const char f2[] = "X-A: 1\nX-B: 2\rX-C: 3\n";
	IS_INT(netheaders_add_text(&acc, f2, sizeof f2 - 1, &bad), -1, "bare CR inside a line refused");
	IS_INT((int)bad, 2, "... on line 2");
	IS_STR(acc, "X-A: 1\r\n", "... the lines before it kept");
	netheaders_free(&acc);
	const char f3[] = "X-A: 1\nX-B: \0x\n";
	IS_INT(netheaders_add_text(&acc, f3, sizeof f3 - 1, &bad), -1, "NUL inside a line refused");
	IS_INT((int)bad, 2, "... on line 2");
	netheaders_free(&acc);
	IS_INT(netheaders_add(&acc, "no colon"), -1, "no colon refused");
	OK(acc == NULL, "... nothing kept");

	/* cache names: the credentials are part of the key */
	netcache_name("https://h/k", NULL, NULL, n1);
	netcache_name("https://h/k", NULL, "Authorization: Bearer A\r\n", n2);
	OK(strcmp(n1, n2) != 0, "cache name: with and without credentials differ");
	netcache_name("https://h/k", NULL, "Authorization: Bearer B\r\n", n1);
	OK(strcmp(n1, n2) != 0, "cache name: token A and token B differ");
	netcache_name("https://h/k", NULL, "Authorization: Bearer A\r\n", n1);
	IS_STR(n1, n2, "cache name: same URL and token, same entry");
	OK(strlen(n1) == 46 && strcmp(n1 + 40, ".cache") == 0, "cache name: 40 hex digits + .cache");
	netcache_name("https://h/k", "a", NULL, n1);
	netcache_name("https://h/k", "b", NULL, n2);
	OK(strcmp(n1, n2) != 0, "cache name: JSON paths differ");

	/* cache entries */
	struct netcache_entry e;
	const char c1[] = "keydrop-cache 1\netag: \"v1\"\nlast-modified: Tue, 01 Dec 2026 10:00:00 GMT\n\nbody\n";
	IS_INT(netcache_parse(c1, sizeof c1 - 1, &e), 0, "entry parsed");
	IS_STR(e.etag, "\"v1\"", "entry: etag");
	IS_STR(e.last_modified, "Tue, 01 Dec 2026 10:00:00 GMT", "entry: last-modified");
	OK(e.len == 5 && strcmp(e.body, "body\n") == 0, "entry: body");
	free(e.body);
	const char c2[] = "keydrop-cache 1\netag: \"v\x01\"\n\nbody\n";
	IS_INT(netcache_parse(c2, sizeof c2 - 1, &e), -1, "control character in a validator refused");
	OK(e.body == NULL, "... nothing allocated");
	const char c3[] = "keydrop-cache 1\netag: \"v1\"\n";
	IS_INT(netcache_parse(c3, sizeof c3 - 1, &e), -1, "no empty line (truncated) refused");
	IS_INT(netcache_parse("keydrop-cache 2\n\n", 17, &e), -1, "other version refused");
	OK(e.negative == 0, "a plain entry is not negative");
	const char c4[] = "keydrop-cache 1\nstatus: 404\n\n";
	IS_INT(netcache_parse(c4, sizeof c4 - 1, &e), 0, "negative entry (a remembered 404) parsed");
	OK(e.negative == 1 && e.len == 0, "negative entry: marked, no body");
	free(e.body);
	const char c5[] = "keydrop-cache 1\nstatus: 404\n\nssh-ed25519 AAAA\n";
	IS_INT(netcache_parse(c5, sizeof c5 - 1, &e), -1, "negative entry with keys refused");
	return tap_done();
}
