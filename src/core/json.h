/* json.h: select strings in a JSON document by a small path. Pure: jsmn (Debian's libjsmn-dev)
 * tokenizes, we walk its tokens; no printing, no I/O. Bounded: at most JSON_TOKENS_MAX tokens. */
#ifndef KEYDROP_JSON_H
#define KEYDROP_JSON_H
#include <stddef.h>

#define JSON_TOKENS_MAX 65536
#define JSON_PATH_MAX 256
/* Deepest nesting of arrays and objects accepted. Key APIs nest 2 or 3 deep; 64 leaves room for any
 * real document, and bounds jsmn's work per closing bracket (it walks parent links from the last
 * token, so a document nested d deep costs d^2 steps: 64K deep was 12 s of CPU). */
#define JSON_DEPTH_MAX 64

enum {
	JSON_OK = 0,
	JSON_E_SYNTAX = -1,   /* not valid JSON (or truncated) */
	JSON_E_TOO_BIG = -2,  /* more than JSON_TOKENS_MAX tokens */
	JSON_E_PATH = -3,     /* the path itself is malformed */
	JSON_E_NOMATCH = -4,  /* a key of the path is missing, or an object/array is not where the path says */
	JSON_E_TYPE = -5,     /* the path ends on something that is not a string (or array of strings) */
	JSON_E_STRING = -6,   /* bad escape, or a control character / line break inside a selected string */
	JSON_E_NOMEM = -7,
	JSON_E_CALLBACK = -8, /* the callback returned non-zero */
	JSON_E_DEPTH = -9     /* arrays/objects nested deeper than JSON_DEPTH_MAX */
};

const char *json_strerror(int err);

/* Called once per selected string, in document order, with its decoded UTF-8 bytes s[0..n) (also
 * NUL-terminated; s is only valid during the call). Non-zero stops the walk (JSON_E_CALLBACK). */
typedef int (*json_string_fn)(void *arg, const char *s, size_t n);

/* Selects strings in doc[0..len) by path. Work is linear in len (times the path length): the
 * nesting is checked (JSON_DEPTH_MAX) in one pass before jsmn tokenizes. Grammar: segments separated by '.'; a segment is a key
 * name (letters, digits, '_', '-', '$') optionally followed by "[]", or "[]" alone; "[]" means
 * "every element of this array". Where the path ends, a string is selected, and an array selects
 * each of its elements (which must be strings). Examples: "ssh_keys" on {"ssh_keys": ["k1","k2"]};
 * "[].key" on [{"id":1,"key":"k1"}]; "data.keys[].public" . An empty path selects the root.
 * A missing key is JSON_E_NOMATCH: a changed API shape fails loudly instead of yielding nothing.
 * Selected strings containing a control character (other than tab) are JSON_E_STRING: one key per
 * string, so one string can never smuggle in a second line. */
int json_select(const char *doc, size_t len, const char *path, json_string_fn fn, void *arg);
/* The path check json_select starts with, alone: JSON_OK or JSON_E_PATH. Lets a command refuse a
 * malformed --json-path before it fetches anything. */
int json_path_check(const char *path);

#endif
