/* net_dns.c: getaddrinfo bounded by a deadline. getaddrinfo has no timeout of its own (musl's
 * resolver waits resolv.conf's timeout x attempts, 10 s by default, whatever --timeout says), so it
 * runs in a child process that writes the addresses to a pipe; the parent polls the pipe until the
 * deadline and kills and reaps the child when it passes. */
#include <errno.h>
#include <poll.h>
#include <netdb.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "net_conn.h"

/* What the child writes, then closes: the result and n addresses (under 2.5 KiB: one pipe write
 * that never blocks). */
struct dns_msg {
	int rc;      /* getaddrinfo's return value */
	int err;     /* errno for EAI_SYSTEM */
	int n;
	struct net_addr a[NET_ADDRS_MAX];
};

static void gai(const char *host, const char *port, int flags, struct dns_msg *m)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = flags };
	struct addrinfo *res = NULL;

	m->n = 0;
	m->rc = getaddrinfo(host, port, &hints, &res);
	if ((m->rc == EAI_NONAME || m->rc == EAI_ADDRFAMILY) && (flags & AI_ADDRCONFIG)) {
		/* AI_ADDRCONFIG hides loopback-only families on hosts without a route; retry without */
		hints.ai_flags = flags & ~AI_ADDRCONFIG;
		m->rc = getaddrinfo(host, port, &hints, &res);
	}
	m->err = m->rc == EAI_SYSTEM ? errno : 0;
	if (m->rc != 0)
		return;
	for (struct addrinfo *ai = res; ai && m->n < NET_ADDRS_MAX; ai = ai->ai_next) {
		struct net_addr *a = &m->a[m->n];
		if (ai->ai_addrlen > sizeof a->sa)
			continue;
		a->family = ai->ai_family;
		a->socktype = ai->ai_socktype;
		a->protocol = ai->ai_protocol;
		a->len = ai->ai_addrlen;
		memcpy(&a->sa, ai->ai_addr, ai->ai_addrlen);
		m->n++;
	}
	freeaddrinfo(res);
}

int net_resolve(const char *host, uint16_t port, int64_t deadline, struct net_addr *out, int max, int *n,
		int *err)
{
	struct dns_msg m; /* 2.3 KiB; the child writes it in one pipe write */
	char portstr[8];
	int pfd[2], status, rc = NET_RESOLVE_TIMEOUT;
	size_t got = 0;
	pid_t pid;

	snprintf(portstr, sizeof portstr, "%u", (unsigned)port);
	*n = 0;
	*err = 0;
	memset(&m, 0, sizeof m);
	/* _Fork: fork without the atfork machinery, which a single-threaded process does not need
	 * (smaller). The pipe needs no O_CLOEXEC: nothing is ever exec'ed. */
	if (pipe(pfd) != 0)
		return *err = errno, EAI_SYSTEM;
	if ((pid = _Fork()) < 0) {
		*err = errno;
		close(pfd[0]);
		close(pfd[1]);
		return EAI_SYSTEM;
	}
	if (pid == 0) {
		close(pfd[0]);
		gai(host, portstr, AI_ADDRCONFIG | AI_NUMERICSERV, &m);
		size_t len = offsetof(struct dns_msg, a) + (size_t)m.n * sizeof m.a[0];
		_exit(write(pfd[1], &m, len) == (ssize_t)len ? 0 : 1);
	}
	close(pfd[1]);
	/* read the whole answer (until EOF), or give up at the deadline */
	for (;;) {
		int w = deadline_poll(pfd[0], POLLIN, deadline);
		if (w == 0)
			break;
		ssize_t r = w < 0 ? -1 : read(pfd[0], (char *)&m + got, sizeof m - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		/* EOF: a complete message, or the child died */
		rc = got >= offsetof(struct dns_msg, a) && m.n >= 0 && m.n <= NET_ADDRS_MAX &&
		     got == offsetof(struct dns_msg, a) + (size_t)m.n * sizeof m.a[0] ? 0 : EAI_FAIL;
		break;
	}
	close(pfd[0]);
	kill(pid, SIGKILL); /* still resolving at the deadline (or already a zombie: harmless) */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc != 0)
		return rc;
	if (m.rc != 0)
		return *err = m.err, m.rc;
	for (int i = 0; i < m.n && *n < max; i++)
		if (m.a[i].len <= sizeof m.a[i].sa && (m.a[i].family == AF_INET || m.a[i].family == AF_INET6))
			out[(*n)++] = m.a[i]; /* never trust a length we did not check */
	return *n > 0 ? 0 : EAI_FAIL;
}
