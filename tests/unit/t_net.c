/* t_net.c: the deadline-bounded resolver (net_dns.c): addresses survive the trip through the child's
 * pipe (family, type, protocol, sockaddr), a passed deadline gives NET_RESOLVE_TIMEOUT, and the child
 * is always reaped. Loopback names only (no DNS: "localhost" comes from /etc/hosts). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/wait.h>

#include "deadline.h"
#include "net_conn.h"
#include "tap.h"

static int no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

int main(void)
{
	struct net_addr a[NET_ADDRS_MAX];
	int n, err, rc;

	rc = net_resolve("127.0.0.1", 443, deadline_now_ms() + 5000, a, NET_ADDRS_MAX, &n, &err);
	IS_INT(rc, 0, "127.0.0.1 resolves");
	OK(n == 1 && a[0].family == AF_INET && a[0].socktype == SOCK_STREAM && a[0].len == sizeof(struct sockaddr_in),
	   "one IPv4 stream address");
	if (n == 1) {
		const struct sockaddr_in *s4 = (const void *)&a[0].sa;
		OK(s4->sin_family == AF_INET && ntohs(s4->sin_port) == 443 && ntohl(s4->sin_addr.s_addr) == 0x7f000001,
		   "sockaddr intact: 127.0.0.1 port 443");
	}
	rc = net_resolve("::1", 8443, deadline_now_ms() + 5000, a, NET_ADDRS_MAX, &n, &err);
	IS_INT(rc, 0, "::1 resolves");
	if (rc == 0 && n >= 1) {
		const struct sockaddr_in6 *s6 = (const void *)&a[0].sa;
		OK(a[0].family == AF_INET6 && a[0].len == sizeof *s6 && ntohs(s6->sin6_port) == 8443 &&
			   IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr),
		   "sockaddr intact: ::1 port 8443");
	}
	rc = net_resolve("localhost", 80, deadline_now_ms() + 5000, a, 1, &n, &err);
	IS_INT(rc, 0, "localhost resolves (/etc/hosts)");
	IS_INT(n, 1, "at most max addresses returned");
	OK(no_children(), "the resolver child was reaped");

	rc = net_resolve("localhost", 80, deadline_now_ms() - 1, a, NET_ADDRS_MAX, &n, &err);
	IS_INT(rc, NET_RESOLVE_TIMEOUT, "a passed deadline: timeout");
	IS_INT(n, 0, "no addresses on timeout");
	OK(no_children(), "the resolver child was killed and reaped");

	return tap_done();
}
