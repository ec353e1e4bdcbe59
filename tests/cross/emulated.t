#!/bin/bash
# make check-aarch64: the aarch64 release binary (KEYDROP_ELF) is what it says, runs under qemu-user
# (KEYDROP: a script running it under qemu-aarch64-static), writes keys the host's real ssh-keygen
# reads, and fetches over HTTPS from the test server on 127.0.0.1 (qemu-user makes the guest's
# socket calls on the host's network stack): BearSSL, the embedded roots and the TLS code for aarch64.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
need file readelf ssh-keygen openssl python3
elf=${KEYDROP_ELF:?KEYDROP_ELF names the aarch64 binary (make check-aarch64)}
arch=${KEYDROP_ARCH:-aarch64}

like "$(file -b "$elf")" '^ELF 64-bit LSB pie executable, ARM aarch64, .*static-pie linked' "file: aarch64, static PIE"
like "$(readelf -h "$elf")" 'Machine: +AArch64' "readelf: machine AArch64"
ok "$(readelf -lW "$elf" | grep -qE '^ +INTERP '; echo $((!$?)))" "readelf: no INTERP (no dynamic loader)"
ok "$(readelf -dW "$elf" | grep -q '(NEEDED)'; echo $((!$?)))" "readelf: no shared library"
size=$(stat -c %s "$elf")
ok "$(( size <= 524288 ? 0 : 1 ))" "size $size bytes, under the 524288-byte ceiling"
diag "aarch64 binary: $size bytes"

run "$KEYDROP" version
is "$RC" 0 "qemu-aarch64-static runs it (keydrop version)"
like "$OUT" $'\narchitecture '"$arch"' ' "version names $arch"

# keys written by the aarch64 binary, read by the host's ssh-keygen (every type; RSA: BearSSL's
# big-integer code for aarch64)
for t in ed25519 ecdsa rsa; do
	run "$KEYDROP" keygen -q -t "$t" -N '' -f "$TAP_TMP/id_$t" -C "emu-$t"
	is "$RC" 0 "keygen -t $t under emulation"
	is "$(ssh-keygen -y -f "$TAP_TMP/id_$t" 2>&1)" "$(cat "$TAP_TMP/id_$t.pub")" "ssh-keygen -y reads the $t private key: same public key"
	like "$(ssh-keygen -l -f "$TAP_TMP/id_$t.pub" 2>&1)" " emu-$t \(" "ssh-keygen -l reads the $t public key"
done
# a passphrase-protected key (bcrypt_pbkdf + aes256-ctr for aarch64), opened by ssh-keygen
run "$KEYDROP" keygen -q -t ed25519 -N 'correct horse' -a 4 -f "$TAP_TMP/id_pass" -C emu-pass
is "$RC" 0 "keygen -N (encrypted) under emulation"
is "$(ssh-keygen -y -P 'correct horse' -f "$TAP_TMP/id_pass" 2>&1)" "$(cat "$TAP_TMP/id_pass.pub")" \
	"ssh-keygen opens the encrypted key with the passphrase"
# and the other way: fingerprints of keys ssh-keygen made agree
ssh-keygen -q -t rsa -b 3072 -N '' -C host-rsa -f "$TAP_TMP/host_rsa"
run "$KEYDROP" fingerprint "$TAP_TMP/host_rsa.pub"
is "$OUT" "$(ssh-keygen -l -f "$TAP_TMP/host_rsa.pub")" "fingerprint of an ssh-keygen RSA key: ssh-keygen -l's line"

# HTTPS from the aarch64 binary to the test server on 127.0.0.1
P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
k1=$(cat "$TAP_TMP/id_ed25519.pub")
K1="$k1" python3 -c 'import json, os, sys; json.dump({"/keys": [{"body": os.environ["K1"] + "\n"}]}, open(sys.argv[1], "w"))' "$TAP_TMP/routes.json"
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key"
ok $? "HTTPS server listening on 127.0.0.1:$HTTPS_PORT"
run "$KEYDROP" fetch --cacert "$P/root.pem" --retry 0 "https://localhost:$HTTPS_PORT/keys"
is "$RC:$OUT" "0:$k1" "fetch over HTTPS from the aarch64 binary: the key"
run "$KEYDROP" fetch --retry 0 "https://localhost:$HTTPS_PORT/keys"
is "$RC" 1 "fetch without the test root: refused (exit 1)"
like "$ERR" "^keydrop: fetch: https://localhost:$HTTPS_PORT/keys: .*(certificate|issuer)" "... the certificate is the cause"
ak=$TAP_TMP/ak
run "$KEYDROP" install --file "$ak" --from "https://localhost:$HTTPS_PORT/keys" --cacert "$P/root.pem" 2>/dev/null
if [ "$RC" -eq 2 ]; then
	# install takes keys from a fetch on stdin in this version
	run bash -c '"$1" fetch --cacert "$2" --retry 0 "$3" | "$1" install --file "$4" -' _ "$KEYDROP" "$P/root.pem" "https://localhost:$HTTPS_PORT/keys" "$ak"
fi
is "$RC" 0 "the fetched key installed into an authorized_keys file"
like "$(cat "$ak" 2>/dev/null)" "${k1%% *} " "authorized_keys holds the key"
net_stop "$HTTPS_PID"
done_testing
