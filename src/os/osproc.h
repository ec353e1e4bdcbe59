/* osproc.h: the running binary, judged the way sshd judges an AuthorizedKeysCommand (the programs
 * sshd-config runs go through subproc.h). */
#ifndef KEYDROP_OSPROC_H
#define KEYDROP_OSPROC_H
#include <stddef.h>

/* The running binary's path (/proc/self/exe) into path[cap], checked as sshd checks an
 * AuthorizedKeysCommand before running it (misc.c safe_path): the file and every directory up to "/"
 * owned by root and not writable by group or others, reached without a symlink. Returns 0, or -1
 * with why[whycap] naming the first offender (path is filled whenever it could be read). */
int osproc_self_exe(char *path, size_t cap, char *why, size_t whycap);

#endif
