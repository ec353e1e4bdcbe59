#!/bin/bash
# TLS chain cases (tests/tls/cases.tsv) against a real TLS server on loopback: every case checks the
# exit code, the exact failure sentence, and that a target file stays byte-for-byte unchanged when
# the same source is given to `install`.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)

need openssl python3
P=$TAP_TMP/pki
mkdir -p "$P"
pki_root "$P" rootrsa rsa && pki_root "$P" rootec ec && pki_root "$P" other ec || { ok 1 "test PKI created"; done_testing; }
pki_sign "$P" rootrsa intrsa rsa ca DNS:unused
pki_sign "$P" intrsa leafrsa rsa leaf
pki_sign "$P" rootec intec ec ca DNS:unused
pki_sign "$P" intec leafec ec leaf
pki_sign "$P" intec expired ec leaf DNS:localhost "-20 days" "-2 days"
pki_sign "$P" intec notyet ec leaf DNS:localhost "+3 days" "+20 days"
pki_sign "$P" intec wronghost ec leaf DNS:other.example
pki_sign "$P" intec ed25519 ed25519 leaf
pki_sign "$P" intrsa pss rsa leaf DNS:localhost "-1 day" "+10 days" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
# clock floor: the real condition "the system clock is before the build date" is a binary built with
# a SOURCE_DATE_EPOCH in the future (`make build/keydrop-future`, FUTURE_DAYS after its build) and
# the real clock. Rows of build "future" run it. "floor" is a root and leaf valid only from a day
# before to a day after that build date: not yet valid by the real clock, valid by the floor.
: "${KEYDROP_FUTURE:=$root/build/keydrop-future}"
built=$("$KEYDROP_FUTURE" version 2>/dev/null | sed -n 's/^built //p')
BUILD=$(date -u -d "$built" +%s 2>/dev/null) || BUILD=0
ok $(( BUILD > $(date +%s) + 3 * 86400 ? 0 : 1 )) "$KEYDROP_FUTURE is built at least 3 days ahead ('$built'; make build/keydrop-future)"
pki_root "$P" rootfloor ec "@$((BUILD - 86400))" "@$((BUILD + 30 * 86400))"
pki_sign "$P" rootfloor floor ec leaf DNS:localhost "@$((BUILD - 86400))" "@$((BUILD + 86400))"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$P/selfsigned.key" \
	-out "$P/selfsigned.pem" -days 5 -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null
ok $? "test PKI created (roots, intermediates, leaves)"
source "$root/tests/tls/depth_pki.sh"
depth_pki "$P"
ok $? "TLS depth PKI created (tests/tls/depth_pki.sh)"

# chain NAME -> "CHAINFILE KEYFILE ROOT"
chain() {
	case $1 in
	rsa) cat "$P/leafrsa.pem" "$P/intrsa.pem" > "$P/c_rsa.pem"; echo "$P/c_rsa.pem $P/leafrsa.key $P/rootrsa.pem" ;;
	ec) cat "$P/leafec.pem" "$P/intec.pem" > "$P/c_ec.pem"; echo "$P/c_ec.pem $P/leafec.key $P/rootec.pem" ;;
	leafonly) echo "$P/leafec.pem $P/leafec.key $P/rootec.pem" ;;
	floor) echo "$P/floor.pem $P/floor.key $P/rootfloor.pem" ;;
	selfsigned) echo "$P/selfsigned.pem $P/selfsigned.key $P/rootec.pem" ;;
	pss) cat "$P/pss.pem" "$P/intrsa.pem" > "$P/c_pss.pem"; echo "$P/c_pss.pem $P/pss.key $P/rootrsa.pem" ;;
	*) cat "$P/$1.pem" "$P/intec.pem" > "$P/c_$1.pem"; echo "$P/c_$1.pem $P/$1.key $P/rootec.pem" ;;
	esac
}

PIN_EC=$(pki_spki_pin "$P/leafec.pem")
PIN_RSA=$(pki_spki_pin "$P/leafrsa.pem")
key=$(ssh-keygen -q -t ed25519 -N '' -C tls@test -f "$TAP_TMP/k" && cat "$TAP_TMP/k.pub")
printf '{"/alice.keys": [{"status": 200, "body": "%s\\n"}]}\n' "$key" > "$TAP_TMP/routes.json"
mkdir -p "$TAP_TMP/home/.ssh"
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExistingKeyExistingKeyExistingKeyExistin existing\n' > "$TAP_TMP/ak_orig"

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

while IFS='|' read -r name ch srv cli build rc msg; do
	name=$(trim "$name")
	[[ -z $name || $name == \#* ]] && continue
	ch=$(trim "$ch"); srv=$(trim "$srv"); cli=$(trim "$cli"); build=$(trim "$build"); rc=$(trim "$rc"); msg=$(trim "$msg")
	bin=$KEYDROP
	[ "$build" = future ] && bin=$KEYDROP_FUTURE
	read -r cfile kfile troot <<<"$(chain "$ch")"
	pypath=; [[ $srv == *@SECLEVEL0@* ]] && pypath=$root/tests/tls/seclevel0 && srv=$(trim "${srv//@SECLEVEL0@/}") && srv=${srv:--}
	sargs=(); [ "$srv" != - ] && read -r -a sargs <<<"$srv"
	cargs=(--cacert "$troot" --retry 0 --timeout 10)
	host=localhost
	[[ $cli == *@V6@* ]] && host='[::1]'
	ns=()
	if [[ $cli =~ @HOST:([^@]+)@ ]]; then
		host=${BASH_REMATCH[1]} cli=${cli//"${BASH_REMATCH[0]}"/}
		ns=(unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$P/hosts")
	fi
	cli=${cli//@V6@/}
	cli=$(trim "$cli")
	if [ "$cli" != - ] && [ -n "$cli" ]; then
		cli=${cli//@PIN_EC@/$PIN_EC}; cli=${cli//@PIN_RSA@/$PIN_RSA}; cli=${cli//@OTHER_ROOT@/$P/other.pem}
		read -r -a extra <<<"$cli"; cargs+=("${extra[@]}")
	fi
	if ! PYTHONPATH=$pypath https_start "$TAP_TMP/routes.json" "$cfile" "$kfile" "${sargs[@]}"; then
		ok 1 "$name: server started"; continue
	fi
	run "${ns[@]}" "$bin" fetch "${cargs[@]}" "https://$host:$HTTPS_PORT/alice.keys"
	is "$RC" "$rc" "$name: exit $rc"
	like "$ERR" "$msg" "$name: message"
	[ "$rc" = 0 ] && is "$OUT" "$key" "$name: the key is printed"
	# the same failure through install (which takes no TLS options: only rows without client options)
	if [ "$rc" != 0 ] && [ "$cli" = - ]; then
		# (the future build says first, on a line of its own, that it checks as of its build date)
		[ "$build" = future ] || is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$name: one line on stderr"
		cp "$TAP_TMP/ak_orig" "$TAP_TMP/ak"
		run env SSL_CERT_FILE="$troot" "$bin" install --file "$TAP_TMP/ak" "https://localhost:$HTTPS_PORT/alice.keys"
		ok $((RC == 0)) "$name: install fails too (exit $RC)"
		cmp -s "$TAP_TMP/ak" "$TAP_TMP/ak_orig"; ok $? "$name: target unchanged"
	fi
	net_stop "$HTTPS_PID"
done < "$root/tests/tls/cases.tsv"

# Trust-anchor sources: SSL_CERT_FILE, and a damaged certificate in a bundle is skipped, not fatal.
read -r cfile kfile troot <<<"$(chain ec)"
https_start "$TAP_TMP/routes.json" "$cfile" "$kfile" || ok 1 "server started"
{ printf -- '-----BEGIN CERTIFICATE-----\nMIIBroken/notbase64!!\n-----END CERTIFICATE-----\n'; cat "$P/other.pem" "$troot"; } > "$TAP_TMP/bundle.pem"
run env SSL_CERT_FILE="$TAP_TMP/bundle.pem" "$KEYDROP" fetch --retry 0 "https://localhost:$HTTPS_PORT/alice.keys"
is "$RC" 0 "SSL_CERT_FILE bundle with a damaged certificate: accepted (bad one skipped)"
is "$OUT" "$key" "key fetched through the bundle"
run env SSL_CERT_FILE="$TAP_TMP/bundle.pem" "$KEYDROP" -v fetch --retry 0 "https://localhost:$HTTPS_PORT/alice.keys"
like "$ERR" "trust anchors: 2 from $TAP_TMP/bundle.pem \(1 skipped\)" "-v reports anchors and the skipped certificate"
run env SSL_CERT_FILE="$P/other.pem" "$KEYDROP" fetch --retry 0 "https://localhost:$HTTPS_PORT/alice.keys"
like "$ERR" "unknown issuer .*anchors: $P/other.pem" "SSL_CERT_FILE is used (wrong root: unknown issuer)"
run env SSL_CERT_FILE="$TAP_TMP/nonexistent.pem" "$KEYDROP" fetch --retry 0 "https://localhost:$HTTPS_PORT/alice.keys"
is "$RC" 1 "unreadable SSL_CERT_FILE: exit 1"
like "$ERR" "cannot load CA certificates from $TAP_TMP/nonexistent.pem" "unreadable SSL_CERT_FILE: message"
net_stop "$HTTPS_PID"
done_testing
