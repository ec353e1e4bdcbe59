/* osproc.h: running a system program (sshd -T, useradd) and judging the running binary the way sshd
 * judges an AuthorizedKeysCommand. */
#ifndef KEYDROP_OSPROC_H
#define KEYDROP_OSPROC_H
#include <stddef.h>

/* Runs argv[0] (an absolute path) with argv, stdin /dev/null and a fixed environment (PATH of the
 * system directories, LC_ALL=C), collecting its stdout and stderr together into out[0..cap)
 * (NUL-terminated; more is read and dropped). Returns the exit status (0..255; 127 when the program
 * could not be run), 256 + the signal number if it was killed, or -1 with errno. */
int osproc_run(char *const argv[], char *out, size_t cap);

/* The running binary's path (/proc/self/exe) into path[cap], checked as sshd checks an
 * AuthorizedKeysCommand before running it (misc.c safe_path): the file and every directory up to "/"
 * owned by root and not writable by group or others, reached without a symlink. Returns 0, or -1
 * with why[whycap] naming the first offender (path is filled whenever it could be read). */
int osproc_self_exe(char *path, size_t cap, char *why, size_t whycap);

#endif
