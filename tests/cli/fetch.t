#!/bin/bash
# keydrop fetch/sync command line: usage errors (exit 2), local sources, the embedded CA set, the
# version line, and messages that never span lines. No network beyond refused loopback ports.
source "$(dirname "$0")/../lib/tap.sh"

k1=$(ssh-keygen -q -t ed25519 -N '' -C one@test -f "$TAP_TMP/k1" && cat "$TAP_TMP/k1.pub")
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

run "$KEYDROP" fetch --help
is "$RC" 0 "fetch --help exits 0"
like "$OUT" "--json-path P" "fetch --help lists the options"
run "$KEYDROP" sync --help
is "$RC" 0 "sync --help exits 0"
like "$OUT" "--allow-empty" "sync --help lists --allow-empty"
run "$KEYDROP" help
like "$(echo "$OUT" | tr '\n' ' ')" "fetch .*sync " "help lists fetch and sync"

for args in "" "--format xml gh:a" "--json-path a gh:a" "--timeout 0 gh:a" "--retry -1 gh:a" "--max-bytes 0 gh:a" \
	"--pin md5//x gh:a" "--header nocolon gh:a" "--bogus gh:a" "--header-file /nonexistent gh:a" "ftp://x/y" "gh:" "gh:a/b" \
	"--github-url http://h gh:a" "--gitlab-url https://h/?q=1 gl:a" "--launchpad-url https://h/#f lp:a" \
	"--github-url ftp://h gh:a" "--github-url https://u@h gh:a" "--github-url https:///x gh:a" \
	"--retry-delay 0 gh:a" "--retry-delay 30001 gh:a"; do
	# shellcheck disable=SC2086
	run "$KEYDROP" fetch $args
	is "$RC" 2 "fetch $args: usage error (exit 2)"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "fetch $args: one line"
done
run "$KEYDROP" sync --file "$TAP_TMP/ak" https://localhost:1/x
is "$RC" 2 "sync without --source: exit 2"
like "$ERR" "--source NAME is required" "sync without --source: message"

# local sources go through the same validation
printf '%s\n' "$k1" > "$TAP_TMP/keys"
run "$KEYDROP" fetch "$TAP_TMP/keys"
is "$RC:$OUT" "0:$k1" "fetch FILE prints the validated key"
run env KD_KEYS="$k1" "$KEYDROP" fetch env:KD_KEYS
is "$RC:$OUT" "0:$k1" "fetch env:VAR"
printf 'not a key\n' > "$TAP_TMP/bad"
run "$KEYDROP" fetch "$TAP_TMP/keys" "$TAP_TMP/bad"
is "$RC" 3 "one bad source: exit 3"
is "$OUT" "" "nothing printed when any source fails (all or nothing)"

# no CA bundle on the machine: the embedded Mozilla set is used. The real condition: a private mount
# namespace with an empty directory bound over every bundle location keydrop knows (root only).
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	mkdir -p "$TAP_TMP/empty"; : > "$TAP_TMP/empty.pem"
	run env -u SSL_CERT_FILE unshare -m bash -c '
		set -e; e=$1 f=$2; shift 2
		for d in /etc/ssl/certs /etc/pki/tls/certs; do [ -d "$d" ] && mount --bind "$e" "$d"; done
		[ -e /etc/ssl/cert.pem ] && mount --bind "$f" /etc/ssl/cert.pem
		! ls /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt 2>/dev/null | grep -q . || exit 97
		exec "$@"' bash "$TAP_TMP/empty" "$TAP_TMP/empty.pem" "$KEYDROP" -v fetch --retry 0 "https://localhost:$dead/x"
	like "$ERR" "trust anchors: [0-9]{3} from embedded roots \(Debian ca-certificates " "no system bundle: embedded roots loaded"
else
	skip "no CA bundle: needs root and unshare -m (a private mount namespace)"
fi
run env -u SSL_CERT_FILE "$KEYDROP" -v fetch --retry 0 "https://localhost:$dead/x"
like "$ERR" "trust anchors: [0-9]{3} from /etc/ssl/certs/ca-certificates.crt" "system bundle preferred when present"
run env SSL_CERT_FILE="$TAP_TMP/keys" "$KEYDROP" fetch --retry 0 "https://localhost:$dead/x"
is "$RC" 1 "SSL_CERT_FILE without certificates: exit 1"
like "$ERR" "cannot load CA certificates from $TAP_TMP/keys: no certificate in it" "SSL_CERT_FILE without certificates: message"
run "$KEYDROP" fetch --retry 0 --cacert "$TAP_TMP/none.pem" "https://localhost:$dead/x"
like "$ERR" "cannot load CA certificates from $TAP_TMP/none.pem: No such file" "--cacert missing file: message"

# sync whose report cannot be written (stdout full) after the target was written: the keys are
# synced, one line says the report was lost, exit 0 (exit 1 would claim nothing changed)
run bash -c '"$0" sync --file "$1" --source s "$2" > /dev/full' "$KEYDROP" "$TAP_TMP/ak_full" "$TAP_TMP/keys"
is "$RC" 0 "sync > /dev/full: exit 0 (the keys were synced)"
is "$ERR" "keydrop: sync: $TAP_TMP/ak_full: keys synced (block s), but the report could not be written to stdout: No space left on device" \
	"sync > /dev/full: one line says the report was lost"
is "$(sed -n 2p "$TAP_TMP/ak_full")" "$k1" "sync > /dev/full: the key is in the file"

run "$KEYDROP" version
like "$OUT" "CA bundle: Debian ca-certificates [0-9]" "version names the embedded CA bundle"
run "$KEYDROP" fetch --retry 0 "https://localhost:$dead/x"
like "$ERR" "^keydrop: fetch: https://localhost:$dead/x: cannot connect to localhost \(127.0.0.1 port $dead\): Connection refused$" \
	"refused connection: cause, address, one line"
dead6=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0)); print(s.getsockname()[1])' 2>/dev/null)
if [ -n "$dead6" ]; then
	pin=sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
	run "$KEYDROP" fetch --retry 0 --pin $pin "https://[::1]:$dead6/x"
	is "$ERR" "keydrop: fetch: https://[::1]:$dead6/x: cannot connect to ::1 (::1 port $dead6): Connection refused" \
		"refused IPv6 connection: the address in RFC 5952 form"
	run "$KEYDROP" fetch --retry 0 --pin $pin "https://[::ffff:0:7f00:1]:$dead6/x"
	like "$ERR" "\(::ffff:0:7f00:1 port $dead6\)" "IPv6: the longest zero run compressed"
else
	skip "no IPv6 loopback"
fi
done_testing
