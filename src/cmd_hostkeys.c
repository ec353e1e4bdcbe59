/* cmd_hostkeys.c: keydrop hostkeys, like ssh-keygen -A: create only the missing host keys. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "die.h"
#include "fingerprint.h"
#include "fsx.h"
#include "keyblob.h"
#include "keyfile.h"
#include "keygen.h"
#include "osutil.h"
#include "privkey.h"
#include "pubkey.h"
#include "rand.h"
#include "secret.h"

static const char usage[] =
	"usage: keydrop hostkeys [--root DIR] [-t ed25519,ecdsa,rsa] [-q]\n"
	"  Creates the missing sshd host keys DIR/etc/ssh/ssh_host_TYPE_key{,.pub} (DIR default /),\n"
	"  then prints every host key's fingerprint and randomart.\n"
	"  -t LIST    key types to ensure (default: ed25519; add ecdsa and rsa as needed)\n"
	"  --root DIR prefix for building an image offline\n";

/* Opens DIR/etc/ssh, creating etc and etc/ssh (0755) when missing. */
static int open_sshdir(const char *root)
{
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), etc = -1, ssh = -1;

	if (rootfd < 0)
		return -1;
	if (mkdirat(rootfd, "etc", 0755) < 0 && errno != EEXIST)
		goto out;
	if ((etc = openat(rootfd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		goto out;
	if (mkdirat(etc, "ssh", 0755) < 0 && errno != EEXIST)
		goto out;
	ssh = openat(etc, "ssh", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
out:
	if (etc >= 0)
		close(etc);
	close(rootfd);
	return ssh;
}

/* For an existing private key: make sure its .pub exists and matches (a crash between the two
 * renames, or a stale .pub, is repaired from the private key). Prints the fingerprint. */
static int check_existing(int dirfd, const char *name, const char *shown, int quiet)
{
	char *text = NULL, pubname[FSX_NAME_MAX], line[PRIVKEY_BLOB_MAX];
	uint8_t *work = NULL, pbuf[PUBKEY_BLOB_MAX];
	size_t len;
	struct stat st;
	struct privkey_parts parts;
	int ret = EXIT_FAIL, r;

	text = malloc(PRIVKEY_TEXT_MAX + 1);
	work = malloc(PRIVKEY_BLOB_MAX);
	if (!text || !work) {
		ret = msg_fail(EXIT_FAIL, "hostkeys", "out of memory");
		goto out;
	}
	if (fsx_read_at(dirfd, name, text, PRIVKEY_TEXT_MAX, &len, &st) < 0) {
		ret = msg_fail(EXIT_FAIL, "hostkeys", "%s: %s", shown, errno == ELOOP ? "is a symbolic link" : strerror(errno));
		goto out;
	}
	if ((r = privkey_decode(text, len, work, PRIVKEY_BLOB_MAX, &parts)) != PK_OK) {
		ret = msg_fail(EXIT_FAIL, "hostkeys", "%s: %s", shown, privkey_strerror(r));
		goto out;
	}
	char comment[PRIVKEY_COMMENT_MAX + 1];
	size_t cl = parts.commentlen > PRIVKEY_COMMENT_MAX ? PRIVKEY_COMMENT_MAX : parts.commentlen;
	memcpy(comment, parts.comment, cl);
	comment[cl] = '\0';

	snprintf(pubname, sizeof pubname, "%s.pub", name);
	char cur[PRIVKEY_BLOB_MAX];
	size_t clen;
	struct pubkey pk;
	int ok = fsx_read_at(dirfd, pubname, cur, sizeof cur - 1, &clen, &st) == 0 &&
		 pubkey_parse_line(cur, clen, pbuf, sizeof pbuf, &pk) == PKL_OK && pk.bloblen == parts.publen &&
		 memcmp(pk.blob, parts.pub, parts.publen) == 0;
	if (!ok) {
		long l = keyfile_pub_line(parts.pub, parts.publen, comment, line, sizeof line);
		if (l < 0 || fsx_lock(dirfd, 10000) < 0 ||
		    fsx_write_atomic(dirfd, pubname, line, (size_t)l, 0644, (uid_t)-1, (gid_t)-1, 1) < 0) {
			ret = msg_fail(EXIT_FAIL, "hostkeys", "%s.pub: %s", shown, strerror(errno));
			flock(dirfd, LOCK_UN);
			goto out;
		}
		flock(dirfd, LOCK_UN);
		if (!quiet)
			printf("repaired %s.pub from its private key\n", shown);
	}
	struct keyblob_info info;
	char fp[FINGERPRINT_MAX], art[RANDOMART_MAX];
	keyblob_inspect(parts.pub, parts.publen, &info);
	fingerprint_format(parts.pub, parts.publen, FP_SHA256, fp);
	fingerprint_randomart(parts.pub, parts.publen, FP_SHA256, info.label, info.bits, art);
	if (!quiet)
		printf("%u %s %s (%s)\n%s\n", info.bits, fp, *comment ? comment : "no comment", info.label, art);
	ret = EXIT_OK;
out:
	if (text) {
		secret_wipe(text, PRIVKEY_TEXT_MAX + 1);
		free(text);
	}
	if (work) {
		secret_wipe(work, PRIVKEY_BLOB_MAX);
		free(work);
	}
	return ret;
}

int cmd_hostkeys(int argc, char **argv, const struct globals *g)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = "/", *list = "ed25519";
	int quiet = g->quiet, c, dirfd = -1, ret = EXIT_OK;
	enum keygen_type types[3];
	int ntypes = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 't':
			list = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		default:
			return msg_usage("hostkeys", "unknown option or missing argument: '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return msg_usage("hostkeys", "unexpected argument '%s'", argv[optind]);
	char lbuf[64];
	if (strlen(list) >= sizeof lbuf)
		return msg_usage("hostkeys", "bad type list '%s'", list);
	snprintf(lbuf, sizeof lbuf, "%s", list);
	for (char *save = NULL, *t = strtok_r(lbuf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		enum keygen_type kt;
		if (keygen_type_parse(t, &kt) < 0)
			return msg_usage("hostkeys", "unknown key type '%s' (ed25519, ecdsa, rsa)", t);
		int dup = 0;
		for (int i = 0; i < ntypes; i++)
			dup |= types[i] == kt;
		if (!dup)
			types[ntypes++] = kt;
	}
	if (ntypes == 0)
		return msg_usage("hostkeys", "no key types given");

	if ((dirfd = open_sshdir(root)) < 0)
		return msg_fail(EXIT_FAIL, "hostkeys", "%s/etc/ssh: %s", strcmp(root, "/") ? root : "", strerror(errno));
	secret_protect();

	char comment[300];
	osutil_user_at_host(comment, sizeof comment);
	if (getuid() == 0) {
		char *at = strchr(comment, '@');
		char host[256];
		snprintf(host, sizeof host, "%s", at ? at + 1 : "localhost");
		snprintf(comment, sizeof comment, "root@%s", host);
	}
	const char *prefix = strcmp(root, "/") == 0 ? "" : root;
	for (int i = 0; i < ntypes; i++) {
		char name[64], shown[4200];
		int lnk;
		snprintf(name, sizeof name, "ssh_host_%s_key", keygen_type_name(types[i]));
		snprintf(shown, sizeof shown, "%s/etc/ssh/%s", prefix, name);
		if (!fsx_exists(dirfd, name, &lnk)) {
			struct keygen_pair *pair = malloc(sizeof *pair);
			int rerr, r;
			if (!pair) {
				ret = msg_fail(EXIT_FAIL, "hostkeys", "out of memory");
				break;
			}
			if (!quiet)
				printf("generating new host key: %s\n", shown);
			fflush(stdout);
			r = keygen_generate(types[i], 0, pair, cmd_entropy_wait, "hostkeys", &rerr);
			if (r != KG_OK) {
				ret = msg_fail(EXIT_FAIL, "hostkeys", "%s: %s", shown,
					       r == KG_RAND ? rand_strerror(rerr) : keygen_strerror(r));
			} else if ((r = keyfile_write_pair(dirfd, name, pair, comment, 0)) != KFE_OK &&
				   r != KFE_EXISTS) {
				ret = msg_fail(EXIT_FAIL, "hostkeys", "%s%s %s", shown, r == KFE_IO ? ":" : "",
					       keyfile_strerror(r));
			}
			keygen_wipe(pair);
			free(pair);
			if (ret != EXIT_OK)
				break;
		} else if (lnk) {
			ret = msg_fail(EXIT_FAIL, "hostkeys", "%s %s", shown, keyfile_strerror(KFE_SYMLINK));
			break;
		}
		if ((ret = check_existing(dirfd, name, shown, quiet)) != EXIT_OK)
			break;
	}
	close(dirfd);
	return ret;
}
