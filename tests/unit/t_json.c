/* t_json.c: path selection, recorded API documents, malformed and hostile JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "json.h"
#include "tap.h"

struct acc {
	char buf[8192];
	size_t len;
	int count;
};

static int collect(void *arg, const char *s, size_t n)
{
	struct acc *a = arg;
	if (a->len + n + 2 > sizeof a->buf)
		return 1;
	memcpy(a->buf + a->len, s, n);
	a->len += n;
	a->buf[a->len++] = '|';
	a->buf[a->len] = 0;
	a->count++;
	return 0;
}

static int sel(const char *doc, const char *path, struct acc *a)
{
	memset(a, 0, sizeof *a);
	return json_select(doc, strlen(doc), path, collect, a);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	if (!f)
		return NULL;
	buf = malloc(1 << 20);
	*n = fread(buf, 1, (1 << 20) - 1, f);
	buf[*n] = 0;
	fclose(f);
	return buf;
}

static void test_paths(void)
{
	struct acc a;

	IS_INT(sel("{\"ssh_keys\": [\"k1\", \"k2\"]}", "ssh_keys", &a), JSON_OK, "Equinix shape");
	IS_STR(a.buf, "k1|k2|", "both strings in order");
	IS_INT(sel("[{\"id\":1,\"key\":\"k1\"},{\"key\":\"k2\",\"id\":2}]", "[].key", &a), JSON_OK, "GitHub API shape");
	IS_STR(a.buf, "k1|k2|", "keys of each element");
	IS_INT(sel("{\"data\":{\"keys\":[{\"public\":\"a\"},{\"public\":\"b\"}]}}", "data.keys[].public", &a), JSON_OK,
	       "nested path");
	IS_STR(a.buf, "a|b|", "nested values");
	IS_INT(sel("\"only\"", "", &a), JSON_OK, "root string with empty path");
	IS_STR(a.buf, "only|", "root string");
	IS_INT(sel("[\"x\",\"y\"]", "", &a), JSON_OK, "root array of strings");
	IS_INT(a.count, 2, "two strings");
	IS_INT(sel("{\"ssh_keys\": []}", "ssh_keys", &a), JSON_OK, "empty array is fine (caller decides)");
	IS_INT(a.count, 0, "nothing selected");
	IS_INT(sel("{\"a\":{\"skip\":[1,2,{\"x\":[3]}]},\"k\":\"v\"}", "k", &a), JSON_OK, "skips nested siblings");
	IS_STR(a.buf, "v|", "value after nested sibling");
	IS_INT(sel("{\"k\\u0065y\":\"v\"}", "key", &a), JSON_OK, "escaped key name matches");
	IS_INT(sel("{\"k\":\"a\\u00e9\\ud83d\\ude00\\/\\\"\"}", "k", &a), JSON_OK, "escapes decode");
	IS_STR(a.buf, "a\xc3\xa9\xf0\x9f\x98\x80/\"|", "UTF-8 from \\u escapes and surrogate pair");

	IS_INT(sel("{\"other\":[]}", "ssh_keys", &a), JSON_E_NOMATCH, "missing key fails loudly");
	IS_INT(sel("[{\"id\":1}]", "[].key", &a), JSON_E_NOMATCH, "element without the key");
	IS_INT(sel("{\"ssh_keys\": [\"k1\", 5]}", "ssh_keys", &a), JSON_E_TYPE, "number in the array");
	IS_INT(sel("{\"ssh_keys\": {\"a\":\"b\"}}", "ssh_keys", &a), JSON_E_TYPE, "object where strings expected");
	IS_INT(sel("[1]", "a", &a), JSON_E_NOMATCH, "key on an array");
	IS_INT(sel("{\"a\":1}", "[]", &a), JSON_E_NOMATCH, "iteration on an object");
	IS_INT(sel("{\"k\":\"line1\\nline2\"}", "k", &a), JSON_E_STRING, "line break inside a key string refused");
	OK(sel("{\"k\":\"bad\\x\"}", "k", &a) < 0, "bad escape refused");
	IS_INT(sel("{\"k\":\"\\ud83d\"}", "k", &a), JSON_E_STRING, "lone surrogate refused");

	IS_INT(sel("{\"a\":1}", "a..b", &a), JSON_E_PATH, "empty segment");
	IS_INT(sel("{\"a\":1}", "a[", &a), JSON_E_PATH, "unterminated []");
	IS_INT(sel("{\"a\":1}", "a b", &a), JSON_E_PATH, "space in path");
	IS_INT(sel("{\"a\":1}", ".a", &a), JSON_E_PATH, "leading dot");
	/* the early check commands run on --json-path agrees with the selection */
	IS_INT(json_path_check("a..b"), JSON_E_PATH, "path check: empty segment");
	IS_INT(json_path_check("a["), JSON_E_PATH, "path check: unterminated []");
	IS_INT(json_path_check(".a"), JSON_E_PATH, "path check: leading dot");
	IS_INT(json_path_check("[].key"), JSON_OK, "path check: [].key");
	IS_INT(json_path_check("data.keys[].public"), JSON_OK, "path check: data.keys[].public");
	IS_INT(json_path_check(""), JSON_OK, "path check: empty path (the root)");
}

static void test_malformed(void)
{
	struct acc a;
	static const char *bad[] = { "", "{", "[\"a\"", "{\"a\" \"b\"}", "{\"a\":}", "[1,]x", "[\"a\"] [\"b\"]",
				     "{\"a\":\"b\"} trailing", "nul\x01", "<html><body>Sign in</body></html>", "[\"unterminated" };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int r = sel(bad[i], "", &a);
		OK(r != JSON_OK, "malformed #%zu refused (%d)", i, r);
	}
}

static void test_hostile(void)
{
	struct acc a;
	size_t n = 200000;
	char *doc = malloc(n * 2 + 100);

	/* deep nesting: refused by the depth bound before jsmn sees it (jsmn's closing-bracket walk is
	 * quadratic in the depth: this 60000-deep document cost 4.5 s of CPU before the bound) */
	for (size_t i = 0; i < n; i++)
		doc[i] = '[';
	for (size_t i = 0; i < n; i++)
		doc[n + i] = ']';
	doc[2 * n] = 0;
	IS_INT(json_select(doc, 2 * n, "a", collect, &a), JSON_E_DEPTH, "200000-deep nesting: too deep");
	doc[0] = 0;
	n = 60000;
	for (size_t i = 0; i < n; i++)
		doc[i] = '[';
	for (size_t i = 0; i < n; i++)
		doc[n + i] = ']';
	doc[2 * n] = 0;
	IS_INT(json_select(doc, 2 * n, "a", collect, &a), JSON_E_DEPTH, "60000-deep nesting: too deep");
	free(doc);

	/* a 900 KB string: selected in one piece, the callback decides */
	n = 900000;
	doc = malloc(n + 20);
	memcpy(doc, "{\"k\":\"", 6);
	memset(doc + 6, 'A', n);
	memcpy(doc + 6 + n, "\"}", 3);
	memset(&a, 0, sizeof a);
	IS_INT(json_select(doc, n + 8, "k", collect, &a), JSON_E_CALLBACK, "huge string reaches the callback, which refuses");
	free(doc);
}

/* CPU seconds of this process (the work, not the machine's load). */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* d arrays nested, then "k" as the innermost element: depth exactly d. */
static size_t nest(char *doc, int d, const char *open, const char *close)
{
	size_t o = 0;
	for (int i = 0; i < d; i++)
		doc[o++] = open[i % 2];
	memcpy(doc + o, "\"k\"", 3);
	o += 3;
	for (int i = d - 1; i >= 0; i--)
		doc[o++] = close[i % 2];
	doc[o] = 0;
	return o;
}

static void test_depth(void)
{
	char doc[512];
	struct acc a;
	size_t n;

	n = nest(doc, JSON_DEPTH_MAX, "[[", "]]");
	memset(&a, 0, sizeof a);
	IS_INT(json_select(doc, n, "", collect, &a), JSON_E_TYPE, "64 deep: accepted (the path ends on an array)");
	n = nest(doc, JSON_DEPTH_MAX + 1, "[[", "]]");
	IS_INT(json_select(doc, n, "", collect, &a), JSON_E_DEPTH, "65 deep: refused");
	IS_STR(json_strerror(JSON_E_DEPTH), "JSON document nested too deeply (more than 64 levels)", "depth message names the limit");
	/* brackets inside strings are text, not nesting; an escaped quote does not end the string */
	n = (size_t)snprintf(doc, sizeof doc, "{\"k\": \"%.*s\\\"[[\"}", 100, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
	memset(&a, 0, sizeof a);
	IS_INT(json_select(doc, n, "k", collect, &a), JSON_OK, "100 brackets inside a string: not nesting");
}

/* 128 KiB adversarial bodies (what a hostile key server can send within the default limits): each
 * must be decided in well under a second of CPU. The numbers are printed for the record. */
static void test_cpu(void)
{
	const size_t cap = 128 << 10;
	char *doc = malloc(cap + 64);
	struct acc a;
	size_t n;
	double t0, dt;

	/* 1: 64K-deep nesting (the reported 12-14 s case) */
	n = cap / 2;
	memset(doc, '[', n);
	memset(doc + n, ']', n);
	t0 = cpu_now();
	IS_INT(json_select(doc, 2 * n, "[]", collect, &a), JSON_E_DEPTH, "128 KiB nested 64K deep: refused");
	dt = cpu_now() - t0;
	printf("# 128 KiB, 65536 deep: %.6f s CPU\n", dt);
	OK(dt < 0.25, "128 KiB deep nesting decided in under 0.25 s CPU (%.6f s)", dt);

	/* 2: the deepest allowed nesting, repeated side by side until 128 KiB: every closing bracket
	 * costs jsmn up to 64 steps, and the walk skips each subtree */
	n = 0;
	doc[n++] = '[';
	while (n + 2 * JSON_DEPTH_MAX + 8 < cap) {
		for (int i = 0; i < JSON_DEPTH_MAX - 1; i++)
			doc[n++] = '[';
		for (int i = 0; i < JSON_DEPTH_MAX - 1; i++)
			doc[n++] = ']';
		doc[n++] = ',';
	}
	doc[n - 1] = ']';
	t0 = cpu_now();
	memset(&a, 0, sizeof a);
	IS_INT(json_select(doc, n, "[][][]", collect, &a), JSON_E_TYPE, "128 KiB of 63-deep arrays side by side: walked");
	dt = cpu_now() - t0;
	printf("# 128 KiB, 64 deep x %zu: %.6f s CPU\n", n / (2 * JSON_DEPTH_MAX), dt);
	OK(dt < 0.25, "128 KiB of maximal nesting decided in under 0.25 s CPU (%.6f s)", dt);

	/* 3: 64K tokens in one object, the path's key last: every member is compared once */
	n = 0;
	doc[n++] = '{';
	while (n + 16 < cap)
		n += (size_t)sprintf(doc + n, "\"x\":0,");
	n += (size_t)sprintf(doc + n, "\"k\":\"v\"}");
	t0 = cpu_now();
	memset(&a, 0, sizeof a);
	int r = json_select(doc, n, "k", collect, &a);
	dt = cpu_now() - t0;
	OK(r == JSON_OK || r == JSON_E_TOO_BIG, "128 KiB wide object: decided (%d)", r);
	printf("# 128 KiB wide object: %.6f s CPU\n", dt);
	OK(dt < 0.25, "128 KiB wide object decided in under 0.25 s CPU (%.6f s)", dt);
	free(doc);
}

static void test_vectors(void)
{
	struct acc a;
	size_t n;
	char *doc = slurp("tests/vectors/github-api-keys.json", &n);

	OK(doc != NULL, "recorded GitHub API document present");
	if (doc) {
		memset(&a, 0, sizeof a);
		IS_INT(json_select(doc, n, "[].key", collect, &a), JSON_OK, "GitHub API: [].key");
		IS_INT(a.count, 2, "two keys");
		OK(strncmp(a.buf, "ssh-ed25519 AAAA", 16) == 0, "first is an ed25519 key");
		free(doc);
	}
	doc = slurp("tests/vectors/equinix-metadata.json", &n);
	OK(doc != NULL, "recorded Equinix metadata document present");
	if (doc) {
		memset(&a, 0, sizeof a);
		IS_INT(json_select(doc, n, "ssh_keys", collect, &a), JSON_OK, "Equinix: ssh_keys");
		IS_INT(a.count, 2, "two keys");
		free(doc);
	}
}

int main(void)
{
	test_paths();
	test_malformed();
	test_hostile();
	test_depth();
	test_cpu();
	test_vectors();
	return tap_done();
}
