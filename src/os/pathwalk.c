/* pathwalk.c: reach a directory component by component without following a link anyone else could
 * have planted (see pathwalk.h for the rule). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsx.h"
#include "pathwalk.h"

#define PW_PATH 4096
#define PW_RESTARTS 256 /* links and ".." each restart the walk; bounds the work on a hostile tree */

struct walk_state {
	const struct pathwalk *w;
	char want[PW_PATH];  /* the logical path still to walk, absolute (inside the root) */
	char done[PW_PATH];  /* the logical path of dfd: "" for the start, else "/a/b" (no links in it) */
	int dfd;
	struct stat cur;     /* dfd's status */
	uid_t euid;
	/* The first directory of this pass owned by neither root nor the writer, or "" : below it, what
	 * a name holds is its owner's choice (she renames any directory of hers, a root-owned one too,
	 * into place), so a link there is never followed, whoever owns the link. */
	char foreign[PW_PATH + 300];
	uid_t foreign_uid;
	char *err;
	size_t errcap;
};

static int say(struct walk_state *s, int ret, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(struct walk_state *s, int ret, const char *fmt, ...)
{
	va_list ap;
	int e = errno;
	va_start(ap, fmt);
	vsnprintf(s->err, s->errcap, fmt, ap);
	va_end(ap);
	errno = e;
	return ret;
}

static const char *root_of(const struct pathwalk *w)
{
	return w->root && *w->root ? w->root : "";
}

/* The full path of "done/comp" for messages ("/" alone for the start). */
static const char *shown(const struct walk_state *s, const char *comp, char *buf, size_t cap)
{
	const char *r = root_of(s->w);
	size_t rl = strlen(r);
	while (rl > 1 && r[rl - 1] == '/')
		rl--;
	if (comp)
		snprintf(buf, cap, "%.*s%s/%s", (int)rl, r, s->done, comp);
	else
		snprintf(buf, cap, "%.*s%s", (int)rl, r, *s->done || rl ? s->done : "/");
	return buf;
}

/* want = a + b + c, with '/' between non-empty parts; -1 if it does not fit. */
static int set_want(struct walk_state *s, const char *a, const char *b, const char *c)
{
	char tmp[PW_PATH];
	int n = snprintf(tmp, sizeof tmp, "%s/%s/%s", a, b, c);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(s->want, tmp, (size_t)n + 1);
	return 0;
}

static int start(struct walk_state *s)
{
	const char *r = root_of(s->w);
	if (s->dfd >= 0)
		close(s->dfd);
	s->done[0] = '\0';
	s->foreign[0] = '\0';
	/* The start itself (/ or the --root the admin named) is taken as given; an open --root is reused,
	 * so every walk of one command sees the same image even if the name is swapped meanwhile. */
	if (*r && s->w->use_rootfd)
		s->dfd = openat(s->w->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else
		s->dfd = open(*r ? r : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dfd < 0)
		return say(s, PW_ERRNO, "%s%s: %s", *r ? "--root " : "", *r ? r : "/", strerror(errno));
	if (fstat(s->dfd, &s->cur) < 0)
		return say(s, PW_ERRNO, "%s: %s", *r ? r : "/", strerror(errno));
	return PW_OK;
}

/* May a link in the directory described by dir, itself described by lnk, be followed? Only one that
 * nobody but root (or this very process's user) could have made or could replace. */
static int link_trusted(const struct walk_state *s, const struct stat *dir, const struct stat *lnk)
{
	return (dir->st_uid == 0 || dir->st_uid == s->euid) && !(dir->st_mode & 022) &&
	       (lnk->st_uid == 0 || lnk->st_uid == s->euid);
}

static int follow(struct walk_state *s, const char *comp, const char *rest, int *links)
{
	char target[PW_PATH], buf[PW_PATH + 300], d[PW_PATH + 300];
	struct stat lst;
	ssize_t n;

	if (fstatat(s->dfd, comp, &lst, AT_SYMLINK_NOFOLLOW) < 0)
		return say(s, PW_ERRNO, "%s: %s", shown(s, comp, buf, sizeof buf), strerror(errno));
	if (!link_trusted(s, &s->cur, &lst))
		return say(s, PW_UNSAFE,
			   "%s is a symlink in %s, which %s: refusing to follow it",
			   shown(s, comp, buf, sizeof buf), shown(s, NULL, d, sizeof d),
			   s->cur.st_mode & 022 ? "others can write" : "is not root's");
	if (*s->foreign)
		return say(s, PW_UNSAFE,
			   "%s is a symlink in %s, which lies below %s (owned by uid %u, who chooses what is there): "
			   "refusing to follow it",
			   shown(s, comp, buf, sizeof buf), shown(s, NULL, d, sizeof d),
			   s->foreign, (unsigned)s->foreign_uid);
	if (++*links > PATHWALK_LINKS_MAX)
		return say(s, PW_UNSAFE, "%s: more than %d symlinks: refusing", shown(s, comp, buf, sizeof buf),
			   PATHWALK_LINKS_MAX);
	n = readlinkat(s->dfd, comp, target, sizeof target - 1);
	if (n < 0)
		return say(s, PW_ERRNO, "%s: %s", shown(s, comp, buf, sizeof buf), strerror(errno));
	if (n == 0 || (size_t)n >= sizeof target - 1) {
		errno = n == 0 ? ENOENT : ENAMETOOLONG;
		return say(s, PW_ERRNO, "%s: %s", shown(s, comp, buf, sizeof buf), strerror(errno));
	}
	target[n] = '\0';
	/* s->done holds no link (each was replaced by its target), so "done/target/rest" is the path. */
	char done[PW_PATH];
	memcpy(done, s->done, sizeof done);
	if (set_want(s, *target == '/' ? "" : done, target, rest) < 0)
		return say(s, PW_ERRNO, "%s: %s", shown(s, comp, buf, sizeof buf), strerror(errno));
	return PW_OK;
}

/* ".." textually: done has no links, so its parent is its dirname. */
static int dotdot(struct walk_state *s, const char *rest)
{
	char parent[PW_PATH], buf[PW_PATH + 300];
	if (!*s->done) {
		if (!*root_of(s->w))
			return 1; /* "/.." is "/": stay */
		return say(s, PW_UNSAFE, "%s: '..' would leave --root %s: refusing", shown(s, "..", buf, sizeof buf),
			   root_of(s->w));
	}
	memcpy(parent, s->done, sizeof parent);
	*strrchr(parent, '/') = '\0';
	if (set_want(s, parent, "", rest) < 0)
		return say(s, PW_ERRNO, "%s: %s", shown(s, "..", buf, sizeof buf), strerror(errno));
	return PW_OK;
}

/* Directories on the way to the last one: sshd's secure_path owner and mode rule. */
static int check_level(struct walk_state *s, const char *comp, const struct stat *st, uid_t *anc_owner,
		       int *anc_set)
{
	char buf[PW_PATH + 300];
	const struct pathwalk *w = s->w;

	if (st->st_uid != 0) {
		if (!w->uid_unknown && st->st_uid != w->uid)
			return say(s, PW_UNSAFE, "%s is owned by uid %u, not the user (uid %u) or root: refusing to write below it",
				   shown(s, comp, buf, sizeof buf), (unsigned)st->st_uid, (unsigned)w->uid);
		if (w->uid_unknown) {
			if (*anc_set && *anc_owner != st->st_uid)
				return say(s, PW_UNSAFE, "%s is owned by uid %u, not uid %u or root: refusing to write below it",
					   shown(s, comp, buf, sizeof buf), (unsigned)st->st_uid, (unsigned)*anc_owner);
			*anc_owner = st->st_uid;
			*anc_set = 1;
		}
	}
	if ((st->st_mode & 022) && !(st->st_mode & S_ISVTX))
		return say(s, PW_UNSAFE,
			   "%s is group or world writable (mode %04o): refusing to write below it (anyone who can write "
			   "it can swap what lies below)",
			   shown(s, comp, buf, sizeof buf), (unsigned)(st->st_mode & 07777));
	return PW_OK;
}

static int walk(struct walk_state *s)
{
	const struct pathwalk *w = s->w;
	int links = 0, restarts = 0, r;
	uid_t anc_owner = 0;
	int anc_set = 0;
	char buf[PW_PATH + 300];

again:
	if (++restarts > PW_RESTARTS)
		return say(s, PW_UNSAFE, "%s: too many symlinks or '..': refusing", s->want);
	if ((r = start(s)) != PW_OK)
		return r;
	anc_set = 0;
	for (const char *p = s->want;;) {
		char comp[256];
		size_t n;
		int nfd, last, made = 0;
		struct stat st;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		n = strcspn(p, "/");
		if (n >= sizeof comp) {
			errno = ENAMETOOLONG;
			return say(s, PW_ERRNO, "%s: %s", s->want, strerror(errno));
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		last = !p[strspn(p, "/")];
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if ((r = dotdot(s, p)) == 1)
				continue;
			if (r != PW_OK)
				return r;
			goto again;
		}
		nfd = openat(s->dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && last && w->mkdir_mode) {
			if (mkdirat(s->dfd, comp, w->mkdir_mode) == 0)
				made = 1;
			else if (errno != EEXIST)
				return say(s, PW_ERRNO, "cannot create %s: %s", shown(s, comp, buf, sizeof buf), strerror(errno));
			nfd = openat(s->dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd < 0) {
			struct stat lst;
			int e = errno;
			if ((e == ELOOP || e == ENOTDIR) && fstatat(s->dfd, comp, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(lst.st_mode)) {
				if ((r = follow(s, comp, p, &links)) != PW_OK)
					return r;
				goto again;
			}
			errno = e;
			if (e == ENOTDIR)
				return say(s, PW_ERRNO, "%s is not a directory", shown(s, comp, buf, sizeof buf));
			return say(s, PW_ERRNO, "%s: %s", shown(s, comp, buf, sizeof buf), strerror(e));
		}
		if (fstat(nfd, &st) < 0) {
			int e = errno;
			close(nfd);
			errno = e;
			return say(s, PW_ERRNO, "%s: %s", shown(s, comp, buf, sizeof buf), strerror(e));
		}
		/* Set up only what this run made: a directory renamed into the name between mkdirat and
		 * openat (by whoever can write here) is not ours to chown; it is checked as found. */
		if (made && !fsx_dir_fresh(nfd, s->euid))
			made = 0;
		if (made) {
			/* By descriptor: the directory just made, whatever happens to the name meanwhile. */
			if ((s->euid == 0 && fchown(nfd, w->mk_uid, w->mk_gid) < 0) || fchmod(nfd, w->mkdir_mode) < 0 ||
			    fsync(nfd) < 0 || fsync(s->dfd) < 0 || fstat(nfd, &st) < 0) {
				int e = errno;
				close(nfd);
				errno = e;
				return say(s, PW_ERRNO, "cannot set up %s: %s", shown(s, comp, buf, sizeof buf), strerror(e));
			}
		}
		if (!last && !w->links_only && (r = check_level(s, comp, &st, &anc_owner, &anc_set)) != PW_OK) {
			close(nfd);
			return r;
		}
		size_t dl = strlen(s->done);
		if (dl + 1 + n + 1 > sizeof s->done) {
			close(nfd);
			errno = ENAMETOOLONG;
			return say(s, PW_ERRNO, "%s: %s", s->want, strerror(errno));
		}
		if (!*s->foreign && st.st_uid != 0 && st.st_uid != s->euid) {
			shown(s, comp, s->foreign, sizeof s->foreign);
			s->foreign_uid = st.st_uid;
		}
		s->done[dl] = '/';
		memcpy(s->done + dl + 1, comp, n + 1);
		close(s->dfd);
		s->dfd = nfd;
		s->cur = st;
	}
	if (w->uid_unknown) {
		/* The user is the last directory's owner; nothing on the way may belong to someone else. */
		/* A root-owned last directory below the user's own does not make the user root. */
		if (anc_set && s->cur.st_uid != anc_owner)
			return say(s, PW_UNSAFE, "%s is owned by uid %u, but a directory above it by uid %u: refusing",
				   shown(s, NULL, buf, sizeof buf), (unsigned)s->cur.st_uid, (unsigned)anc_owner);
	}
	return PW_OK;
}

int pathwalk_open_dir(const struct pathwalk *w, const char *path, int *fd, char *err, size_t errcap)
{
	struct walk_state s;
	int r;

	memset(&s, 0, sizeof s);
	s.w = w;
	s.dfd = -1;
	s.euid = geteuid();
	s.err = err;
	s.errcap = errcap;
	*fd = -1;
	if (*path == '/' || *root_of(w)) {
		r = set_want(&s, "", path, "");
	} else {
		char cwd[PW_PATH];
		if (!getcwd(cwd, sizeof cwd))
			return say(&s, PW_ERRNO, "cannot tell the working directory: %s", strerror(errno));
		r = set_want(&s, cwd, path, "");
	}
	if (r < 0)
		return say(&s, PW_ERRNO, "%s: %s", path, strerror(errno));
	r = walk(&s);
	if (r != PW_OK) {
		if (s.dfd >= 0) {
			int e = errno;
			close(s.dfd);
			errno = e;
		}
		return r;
	}
	*fd = s.dfd;
	return PW_OK;
}
