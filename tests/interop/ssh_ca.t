#!/bin/bash
# SSH certificate trust files kept by keydrop (issue 10 §4): a user CA and a certificate made by
# ssh-keygen at test time; the loopback HTTPS server serves the CA's public key and a KRL; keydrop
# writes TrustedUserCAKeys (`sync --file --source ca`) and RevokedKeys (`fetch-krl`) into a
# root-owned directory; a real sshd lets the certificate in, and refuses it once a newer KRL that
# lists it is fetched. An older KRL, a truncated one, a wrong magic, an empty body and an HTTP 500
# leave the file byte for byte unchanged.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
source "$(dirname "$0")/../lib/sshd.sh"
need openssl python3 ssh-keygen cmp

if [ "$(id -u)" -ne 0 ]; then
	skip "SSH CA test needs root (throwaway user, root-owned trust files, sshd)"
	done_testing
fi

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
user_create kdca; ok $? "throwaway user created"
K=$TAP_TMP/keys
mkdir -p "$K"
ssh-keygen -q -t ed25519 -N '' -C user-ca@test -f "$K/ca"
ssh-keygen -q -t ed25519 -N '' -C user@test -f "$K/id"
ssh-keygen -q -t ed25519 -N '' -C plain@test -f "$K/plain"
ssh-keygen -q -s "$K/ca" -I kd-cert -n "$TUSER" -z 42 -V -1d:+1d "$K/id.pub"
ok $? "ssh-keygen -s: a certificate (serial 42) for $TUSER"

# KRLs: version 1 revokes an unrelated serial, version 2 the certificate's; 3 is for the broken ones.
printf 'serial: 7\n' > "$K/v1.spec"
printf 'serial: 7\nserial: 42\n' > "$K/v2.spec"
ssh-keygen -q -k -z 1 -s "$K/ca.pub" -f "$K/krl1" "$K/v1.spec" &&
	ssh-keygen -q -k -z 2 -s "$K/ca.pub" -f "$K/krl2" "$K/v2.spec" &&
	ssh-keygen -q -k -z 3 -s "$K/ca.pub" -f "$K/krl3" "$K/v2.spec"
ok $? "ssh-keygen -k -z 1/2/3: KRLs"
# Version 2 again with a generated date 100 s later / earlier (the header's uint64 at offset 20;
# no signature covers it): the tie-break between two KRLs of the same version.
redate() { python3 -c 'import sys,struct
b=bytearray(open(sys.argv[1],"rb").read()); d=struct.unpack(">Q",b[20:28])[0]+int(sys.argv[2])
b[20:28]=struct.pack(">Q",d); sys.stdout.buffer.write(b)' "$@"; }
redate "$K/krl2" 100 > "$K/krl2-later" && redate "$K/krl2" -100 > "$K/krl2-earlier"
head -c -3 "$K/krl3" > "$K/krl3-truncated"
{ printf 'X'; tail -c +2 "$K/krl3"; } > "$K/krl3-magic"

S=$TAP_TMP/served
mkdir -p "$S"
cp "$K/ca.pub" "$S/ca.pub"
cat > "$TAP_TMP/routes.json" <<JSON
{"/ca.pub": [{"body_file": "$S/ca.pub"}], "/krl": [{"body_file": "$S/krl"}],
 "/empty": [{"body": ""}], "/fail": [{"status": 500}]}
JSON
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key"
ok $? "HTTPS server listening"
U=https://localhost:$HTTPS_PORT
NET=(--cacert "$P/root.pem" --retry 0)

# The trust files live in a root-owned 0755 directory, as /etc/ssh.
E=$TAP_TMP/etc-ssh
install -d -m 0755 -o root -g root "$E"
CA=$E/trusted_user_ca_keys
RK=$E/revoked_keys

run "$KEYDROP" sync --file "$CA" --source ca "${NET[@]}" "$U/ca.pub"
is "$RC" 0 "sync --file trusted_user_ca_keys --source ca URL: exit 0"
[ "$RC" -eq 0 ] || diag "$ERR"
grep -qxF "$(cat "$K/ca.pub")" "$CA"
ok $? "the CA key line is in the file"
is "$(stat -c %U:%G "$CA")" "root:root" "new trusted_user_ca_keys owned by root:root"
chmod 0644 "$CA"
cp "$K/plain.pub" "$S/ca.pub" # the server now names another CA: the file changes
run "$KEYDROP" sync --file "$CA" --source ca "${NET[@]}" "$U/ca.pub"
is "$RC:$(stat -c %a:%U:%G "$CA")" "0:644:root:root" "sync of an existing 0644 root file: mode and owner kept"
cp "$K/ca.pub" "$S/ca.pub"
run "$KEYDROP" sync --file "$CA" --source ca "${NET[@]}" "$U/ca.pub"
is "$RC" 0 "sync back to the user CA"
ok $(( $(grep -c '^ssh-' "$CA") != 1 )) "one CA key in the file"

cp "$K/krl1" "$S/krl"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$RK"
is "$RC" 0 "fetch-krl (version 1): exit 0"
[ "$RC" -eq 0 ] || diag "$ERR"
like "$OUT" "^$RK: KRL version 1 \(generated .* UTC\) written \([0-9]+ bytes\)$" "fetch-krl says what it wrote"
cmp -s "$RK" "$K/krl1"; ok $? "revoked_keys is the served KRL, byte for byte"
is "$(stat -c %a:%U:%G "$RK")" "644:root:root" "new revoked_keys: 0644 root:root"
ssh-keygen -Q -f "$RK" "$K/id-cert.pub" >/dev/null 2>&1
ok $? "ssh-keygen -Q: the certificate is not revoked by version 1"

mkdir -p "$TAP_TMP/hk" "$TAP_TMP/sshd"
"$KEYDROP" hostkeys -q --root "$TAP_TMP/hk" -t ed25519 >/dev/null
sshd_start "$TAP_TMP/sshd" "$TAP_TMP/hk/etc/ssh/ssh_host_ed25519_key" "TrustedUserCAKeys $CA" "RevokedKeys $RK" \
	"AuthorizedKeysFile none"
ok $? "sshd with TrustedUserCAKeys and RevokedKeys from keydrop"
ssh_login "$TAP_TMP/sshd" "$K/id" "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "the certificate logs in (CA from keydrop, KRL version 1)"
[ "$RC" -eq 0 ] && grep -q "Accepted publickey for $TUSER .*ED25519-CERT" "$TAP_TMP/sshd/sshd.log"
ok $? "... as a certificate (sshd's log)"
ssh_login "$TAP_TMP/sshd" "$K/plain" "$TUSER"
ok $(( RC == 0 )) "a plain key without a certificate is refused (control)"

# A newer KRL lists the certificate: fetched, and the same login is refused.
cp "$K/krl2" "$S/krl"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$RK"
is "$RC" 0 "fetch-krl (version 2, revoking serial 42): exit 0"
like "$OUT" "KRL version 2 " "... version 2 written"
cmp -s "$RK" "$K/krl2"; ok $? "revoked_keys is version 2"
ssh_login "$TAP_TMP/sshd" "$K/id" "$TUSER"
ok $(( RC == 0 )) "the revoked certificate no longer logs in"
like "$ERR" "Permission denied \(publickey\)" "... refused by a live sshd"
grep -q "revoked" "$TAP_TMP/sshd/sshd.log"
ok $? "... because the KRL revokes it (sshd's log)"

cp "$RK" "$TAP_TMP/saved"
m0=$(stat -c %y:%i "$RK")
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$RK"
is "$RC" 0 "the same KRL again: exit 0"
like "$OUT" "unchanged" "... says unchanged"
is "$(stat -c %y:%i "$RK")" "$m0" "... and writes nothing (mtime and inode kept)"

# Every refusal: its exit code, one line "keydrop: fetch-krl: URL: reason", the file unchanged.
refused() { # refused RC URL REGEX WHAT
	is "$RC" "$1" "$4: exit $1"
	like "$ERR" "^keydrop: fetch-krl: ${2//./\\.}: $3" "$4: the reason"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$4: one line on stderr"
	cmp -s "$RK" "$TAP_TMP/saved"; ok $? "$4: revoked_keys byte for byte unchanged"
	is "$(stat -c %y:%i "$RK")" "$m0" "$4: not rewritten"
}
cp "$K/krl1" "$S/krl"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$RK"
refused 3 "$U/krl" "KRL version 1 \(generated .*\) is older than version 2 \(generated .*\) in $RK: refusing" \
	"older KRL (-z 1 after -z 2)"
cp "$K/krl2-earlier" "$S/krl"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$RK"
refused 3 "$U/krl" "KRL version 2 \(generated .*\) is older than version 2 " "same version, earlier date"
cp "$K/krl3-truncated" "$S/krl"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$RK"
refused 3 "$U/krl" "KRL section truncated or malformed$" "truncated KRL"
cp "$K/krl3-magic" "$S/krl"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$RK"
refused 3 "$U/krl" "not an OpenSSH KRL" "wrong magic"
cp "$K/plain.pub" "$S/krl"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$RK"
refused 3 "$U/krl" "not an OpenSSH KRL" "a public key instead of a KRL"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/empty" --output "$RK"
refused 3 "$U/empty" "empty body" "empty body"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/fail" --output "$RK"
refused 1 "$U/fail" "HTTP 500" "HTTP 500"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --cache "$TAP_TMP/cache" --output "$RK"
is "$RC" 2 "--cache: a usage error"
like "$ERR" "--cache does not apply to fetch-krl" "... saying so"

# The same version with a later generated date replaces it; the mode of the file is kept.
chmod 0640 "$RK"
cp "$K/krl2-later" "$S/krl"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$RK"
is "$RC" 0 "same version, later date: exit 0"
cmp -s "$RK" "$K/krl2-later"; ok $? "... written"
is "$(stat -c %a:%U:%G "$RK")" "640:root:root" "... an existing file keeps its mode and owner"
cp "$K/krl3" "$S/krl"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$RK"
is "$RC" 0 "version 3: exit 0"
cmp -s "$RK" "$K/krl3"; ok $? "... written"
ssh_login "$TAP_TMP/sshd" "$K/id" "$TUSER"
ok $(( RC == 0 )) "version 3 still revokes the certificate"

# A symlink at the output path is refused; neither the link nor its target changes.
ln -s revoked_keys "$E/link"
cp "$K/krl1" "$TAP_TMP/saved3"
cp "$K/krl1" "$E/revoked_keys"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$E/link"
is "$RC" 1 "--output a symlink: exit 1"
like "$ERR" "^keydrop: fetch-krl: .*link is a symlink" "... refused as a symlink"
is "$(readlink "$E/link")" "revoked_keys" "the link is untouched"
cmp -s "$E/revoked_keys" "$TAP_TMP/saved3"; ok $? "its target is untouched"

# A file that is no KRL is replaced (the server's KRL is valid, the file is not).
printf 'garbage\n' > "$RK"
run "$KEYDROP" fetch-krl "${NET[@]}" "$U/krl" --output "$RK"
is "$RC" 0 "a file holding no KRL is replaced: exit 0"
like "$ERR" "warning: $RK holds no valid KRL" "... with a warning"
cmp -s "$RK" "$K/krl3"; ok $? "... by the served KRL"
done_testing
