#!/bin/bash
# A real sshd on 127.0.0.1 whose host key comes from `keydrop hostkeys`; a `keydrop keygen` user key
# logs in with BatchMode, and the client checks the host key against a known_hosts line built from
# our .pub.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/sshd.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "sshd login test needs root (throwaway user, privilege separation)"
	done_testing
fi

root=$TAP_TMP/root
mkdir -p "$root"
run "$KEYDROP" hostkeys --root "$root" -t ed25519,ecdsa,rsa
is "$RC" 0 "hostkeys exits 0"
for t in ed25519 ecdsa rsa; do
	[ -f "$root/etc/ssh/ssh_host_${t}_key" ] && [ -f "$root/etc/ssh/ssh_host_${t}_key.pub" ]
	ok $? "host key pair $t exists"
done

user_create kdlogin; ok $? "throwaway user created"
run "$KEYDROP" keygen -q -f "$TAP_TMP/id_user" -C "user@test"
is "$RC" 0 "keygen for the user key"
install -d -m 0700 -o "$TUSER" "$THOME/.ssh"
install -m 0600 -o "$TUSER" "$TAP_TMP/id_user.pub" "$THOME/.ssh/authorized_keys"

for t in ed25519 ecdsa rsa; do
	case $t in
	ed25519) alg=ssh-ed25519 ;;
	ecdsa) alg=ecdsa-sha2-nistp256 ;;
	rsa) alg=rsa-sha2-512 ;;
	esac
	d=$TAP_TMP/sshd-$t
	mkdir -p "$d"
	sshd_start "$d" "$root/etc/ssh/ssh_host_${t}_key" "HostKeyAlgorithms $alg"
	ok $? "sshd ($t host key) listening on 127.0.0.1:$SSHD_PORT"
	echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$root/etc/ssh/ssh_host_${t}_key.pub")" > "$d/known_hosts"
	ssh_login "$d" "$TAP_TMP/id_user" "$TUSER" "$d/known_hosts"
	is "$RC" 0 "ssh login with a keydrop key, host key ($t) verified from our .pub"
	is "$OUT" "keydrop-login-ok" "the remote command ran"
	[ "$RC" -eq 0 ] || { echo "$ERR" | sed 's/^/#   /'; tail -5 "$d/sshd.log" | sed 's/^/#   /'; }

	# The negative control: a known_hosts line for another key must make the login fail.
	"$KEYDROP" keygen -q -f "$d/other" -C other
	echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$d/other.pub")" > "$d/wrong_hosts"
	ssh_login "$d" "$TAP_TMP/id_user" "$TUSER" "$d/wrong_hosts"
	ok $(( RC == 0 )) "login refused when known_hosts holds another host key ($t)"
	like "$ERR" "Host key verification failed" "... refused because of the host key, not a dead sshd ($t)"
	kill "$SSHD_PID"; wait "$SSHD_PID" 2>/dev/null
done

# A user key of every type keydrop writes logs in.
d=$TAP_TMP/sshd-types
mkdir -p "$d"
sshd_start "$d" "$root/etc/ssh/ssh_host_ed25519_key"
for spec in "ecdsa 256" "ecdsa 384" "ecdsa 521" "rsa 2048" "rsa 4096"; do
	set -- $spec
	"$KEYDROP" keygen -q -t "$1" -b "$2" -f "$d/id_$1_$2" -C "$1-$2"
	cat "$d/id_$1_$2.pub" > "$THOME/.ssh/authorized_keys"
	ssh_login "$d" "$d/id_$1_$2" "$TUSER"
	is "$RC" 0 "ssh login with a keydrop $1-$2 user key"
done
# And a key not in authorized_keys does not.
"$KEYDROP" keygen -q -f "$d/stranger" -C stranger
ssh_login "$d" "$d/stranger" "$TUSER"
ok $(( RC == 0 )) "a key not in authorized_keys is refused"
like "$ERR" "Permission denied \(publickey\)" "... by sshd's public key check"
done_testing
