/* t_collect.c: the source layer's context and the one key collection (source_collect):
 * local sources validated once, repeats dropped, refusals named, warnings to the note sink only;
 * two contexts in one process share nothing (trust anchors, once-only warnings, deadline). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect.h"
#include "deadline.h"
#include "netcache.h"
#include "source.h"
#include "tap.h"

#define KA "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"
#define KB "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O"
#define UNK "ssh-foo@example.com AAAAE3NzaC1mb29AZXhhbXBsZS5jb21qdW5r future"

/* The note sink: counts lines and keeps the last one. */
struct sink {
	int n;
	char last[1024];
};

static void note(void *arg, const char *cmd, const char *line)
{
	struct sink *s = arg;
	(void)cmd;
	s->n++;
	snprintf(s->last, sizeof s->last, "%s", line);
}

static void opts(struct netsrc_opts *o, struct sink *s)
{
	netsrc_defaults(o);
	o->cmd = "t";
	o->note = note;
	o->note_arg = s;
}

static int collect(struct source_ctx *c, int flags, const char *block, char *const *specs, size_t n,
		   struct keyset *ks, char *err)
{
	struct collect_opts co = { flags, block };
	memset(ks, 0, sizeof *ks);
	err[0] = 0;
	return source_collect(c, &co, specs, n, ks, err, 1024);
}

static void test_collect(void)
{
	struct sink s = { 0 };
	struct netsrc_opts o;
	struct source_ctx c;
	struct keyset ks;
	char err[1024];

	opts(&o, &s);
	source_ctx_init(&c, &o);

	setenv("KD_A", KA " first\n" KB " b", 1);
	setenv("KD_B", KA " again\n", 1);
	char *two[] = { "env:KD_A", "env:KD_B" };
	IS_INT(collect(&c, 0, NULL, two, 2, &ks, err), SRCE_OK, "two sources");
	IS_INT(ks.n, 2, "... the repeated key once");
	IS_STR(ks.k[0]->line, KA " first", "... the first occurrence keeps its place and comment");
	IS_STR(ks.k[1]->line, KB " b", "... then the next key");
	IS_INT(keyset_find(&ks, &KB[12], strlen(KB) - 12), 1, "keyset_find: by key data");
	IS_INT(keyset_find(&ks, &KB[12], strlen(KB) - 13), -1, "keyset_find: a prefix is not the key");
	IS_INT(s.n, 0, "... no note");
	keyset_free(&ks);

	setenv("KD_EMPTY", "# only a comment\n", 1);
	char *empty[] = { "env:KD_A", "env:KD_EMPTY" };
	IS_INT(collect(&c, 0, NULL, empty, 2, &ks, err), SRCE_REJECT, "an empty source is refused");
	IS_STR(err, "env:KD_EMPTY: no public key in it (empty, or only comments)", "... named, with the paste diagnosis");
	keyset_free(&ks);
	IS_INT(collect(&c, 0, "team", empty, 2, &ks, err), SRCE_REJECT, "... also for a block");
	IS_STR(err, "env:KD_EMPTY: no public key in it (empty, or only comments); refusing to remove keys of block 'team' (--allow-empty to allow)",
	       "... saying what it protects");
	keyset_free(&ks);
	IS_INT(collect(&c, COLLECT_ALLOW_EMPTY, "team", empty, 2, &ks, err), SRCE_OK, "COLLECT_ALLOW_EMPTY takes it");
	IS_INT(ks.n, 2, "... with the other source's keys");
	keyset_free(&ks);

	setenv("KD_BAD", KA " ok\nSHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n", 1);
	char *bad[] = { "env:KD_BAD" };
	IS_INT(collect(&c, 0, NULL, bad, 1, &ks, err), SRCE_REJECT, "one bad line refuses the source");
	OK(strncmp(err, "env:KD_BAD: line 2: ", 20) == 0, "... naming the source and line (%s)", err);
	IS_INT(ks.n, 0, "... no key kept");
	keyset_free(&ks);
	s.n = 0;
	IS_INT(collect(&c, COLLECT_SKIP_INVALID, NULL, bad, 1, &ks, err), SRCE_OK, "COLLECT_SKIP_INVALID");
	IS_INT(ks.n, 1, "... keeps the good key");
	IS_INT(s.n, 1, "... and reports the skipped line to the note sink");
	OK(strncmp(s.last, "env:KD_BAD: line 2: skipped: ", 29) == 0, "... as '%s'", s.last);
	keyset_free(&ks);

	setenv("KD_UNK", UNK "\n" KB "\n", 1);
	char *unk[] = { "env:KD_UNK" };
	s.n = 0;
	IS_INT(collect(&c, 0, NULL, unk, 1, &ks, err), SRCE_OK, "an unknown key type next to a known key");
	IS_INT(ks.n, 1, "... the known key kept");
	IS_INT(s.n, 1, "... the unknown one reported to the sink");
	IS_STR(s.last, "env:KD_UNK: line 1: warning: skipped a ssh-foo@example.com key: keydrop does not know this key type",
	       "... with its type and line");
	keyset_free(&ks);

	setenv("KD_OLD", "expiry-time=\"20000101\" " KA "\n", 1);
	char *old[] = { "env:KD_OLD" };
	IS_INT(collect(&c, 0, NULL, old, 1, &ks, err), SRCE_REJECT, "an expired entry is refused");
	OK(strstr(err, "env:KD_OLD: line 1: expiry-time is already past") == err, "... named (%s)", err);
	keyset_free(&ks);

	char *usage[] = { "env:KD_A", "ftp://x" };
	IS_INT(collect(&c, 0, NULL, usage, 2, &ks, err), SRCE_USAGE, "a bad SOURCE: usage");
	OK(strncmp(err, "ftp://x: unknown kind of source", 31) == 0, "... named (%s)", err);
	keyset_free(&ks);
	unsetenv("KD_NOPE");
	char *unset[] = { "env:KD_NOPE" };
	IS_INT(collect(&c, 0, NULL, unset, 1, &ks, err), SRCE_REJECT, "an unset variable: rejected");
	IS_STR(err, "env:KD_NOPE: variable KD_NOPE is not set", "... named");
	keyset_free(&ks);

	/* install's --key values go through the same validation, then the SOURCEs */
	struct collect_opts co = { 0, NULL };
	int valid = 0;
	memset(&ks, 0, sizeof ks);
	IS_INT(keyset_add_text(&ks, &c, &co, "--key", 0, KB " k", strlen(KB " k"), &valid, err, sizeof err), SRCE_OK,
	       "keyset_add_text: --key");
	OK(valid, "... valid as a whole");
	IS_INT(source_collect(&c, &co, two, 2, &ks, err, sizeof err), SRCE_OK, "... then the sources");
	IS_INT(ks.n, 2, "... the --key's key first, repeats dropped");
	IS_STR(ks.k[0]->line, KB " k", "... with the --key's comment");
	keyset_free(&ks);
	IS_INT(keyset_add_text(&ks, &c, &co, "--key", 0, "", 0, &valid, err, sizeof err), SRCE_REJECT, "empty --key refused");
	IS_STR(err, "--key: no public key in it (empty, or only comments)", "... as install always said");
	keyset_free(&ks);
	source_ctx_free(&c);
}

/* Two commands' contexts in one process: nothing leaks from one into the other. */
static void test_two_contexts(void)
{
	struct sink s1 = { 0 }, s2 = { 0 };
	struct netsrc_opts o1, o2;
	struct source_ctx c1, c2;
	char err[512], dir[] = "/tmp/kd-t-collect.XXXXXX";

	opts(&o1, &s1);
	opts(&o2, &s2);
	o1.cacert = "tests/vectors/anchors-one.pem";
	o2.cacert = "tests/vectors/anchors-two.pem";
	o1.timeout_ms = 1000;
	o2.timeout_ms = 600000;
	source_ctx_init(&c1, &o1);
	source_ctx_init(&c2, &o2);
	OK(c2.deadline_ms - c1.deadline_ms >= 590000, "each context has its own deadline (--timeout)");
	OK(c1.deadline_ms > deadline_now_ms(), "... started at source_ctx_init");

	OK(!c1.anchors_loaded && !c2.anchors_loaded, "anchors: not loaded before the first https:// source");
	IS_INT(netsrc_anchors(&c1, err, sizeof err), 0, "anchors: context 1 loads its --cacert");
	IS_INT(netsrc_anchors(&c2, err, sizeof err), 0, "anchors: context 2 loads its --cacert");
	IS_INT(c1.anchors.n, 1, "... context 1: the one certificate of its file");
	IS_INT(c2.anchors.n, 2, "... context 2: the two of its own file, not context 1's");
	IS_STR(c2.anchors.source, "tests/vectors/anchors-two.pem", "... named by its own file");
	IS_INT(netsrc_anchors(&c1, err, sizeof err), 0, "anchors: a second call");
	IS_INT(c1.anchors.n, 1, "... keeps what was loaded (once per context)");

	/* the "cache not used" warning: once per context, each to its own sink */
	if (!mkdtemp(dir) || chmod(dir, 0777) != 0) {
		OK(0, "mkdtemp %s", dir);
		return;
	}
	struct netcache_entry e;
	o1.cache_dir = o2.cache_dir = dir;
	IS_INT(netcache_load(&c1, "https://h.example/k", &e), -1, "cache writable by others: not used (context 1)");
	IS_INT(netcache_load(&c1, "https://h.example/k2", &e), -1, "... again");
	IS_INT(s1.n, 1, "... one warning for context 1");
	OK(strstr(s1.last, "not used: writable by group or others") != NULL, "... saying why (%s)", s1.last);
	IS_INT(netcache_load(&c2, "https://h.example/k", &e), -1, "cache writable by others: not used (context 2)");
	IS_INT(s2.n, 1, "... context 2 warns too: context 1's warning is not its own");
	IS_INT(s1.n, 1, "... and nothing reaches context 1's sink");
	rmdir(dir);
	source_ctx_free(&c1);
	source_ctx_free(&c2);
	OK(!c1.anchors_loaded && !c2.anchors_loaded, "source_ctx_free releases the anchors");
}

int main(void)
{
	test_collect();
	test_two_contexts();
	return tap_done();
}
