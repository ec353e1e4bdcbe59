#!/bin/bash
# fetch-krl accepts exactly the KRLs sshd can read: a KRL sshd refuses makes it refuse every
# public key, and one keydrop refuses that sshd reads stops revocations from arriving. For ~35
# variants (tests/lib/krl_variants.py: serials 0, ranges, bitmaps, CA keys (a certificate, sk keys
# with a NUL in the application, mpints over 16384 bits), key IDs with NUL, section kinds,
# signatures, cut files) the judge is sshd's own reader, `ssh-keygen -Q`
# (exit 255: invalid KRL); keydrop fetch-krl over HTTPS from the test server must agree.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
need openssl python3 ssh-keygen

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
ssh-keygen -q -t ed25519 -N '' -C ca -f "$TAP_TMP/ca"
ssh-keygen -q -t ed25519 -N '' -C user -f "$TAP_TMP/user"
V=$TAP_TMP/v
mkdir -p "$V"
ssh-keygen -q -s "$TAP_TMP/ca" -I alice -n alice -z 9 "$TAP_TMP/user.pub"
python3 "$(dirname "$0")/../lib/krl_variants.py" "$V" "$TAP_TMP/ca.pub" "$TAP_TMP/user.pub" "$TAP_TMP/user-cert.pub"
ok $? "KRL variants written ($(ls "$V" | wc -l))"
echo '{"*": [{"body_dir": "'"$V"'"}]}' > "$TAP_TMP/routes.json"
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key"
ok $? "HTTPS server listening"
valid=0
for f in "$V"/*; do
	name=$(basename "$f")
	ssh-keygen -Q -f "$f" "$TAP_TMP/user.pub" >/dev/null 2>&1
	judge=$([ $? -eq 255 ] && echo refused || echo read)
	[ "$judge" = read ] && valid=$((valid + 1))
	run "$KEYDROP" fetch-krl --cacert "$P/root.pem" --retry 0 "https://localhost:$HTTPS_PORT/k/$name" \
		--output "$TAP_TMP/out.$name"
	ours=$([ "$RC" -eq 0 ] && echo read || echo refused)
	is "$ours" "$judge" "$name: sshd's reader says $judge, fetch-krl agrees"
	if [ "$ours" = refused ]; then
		[ ! -e "$TAP_TMP/out.$name" ]; ok $? "$name: refused, nothing written"
	fi
done
ok $([ "$valid" -ge 10 ] && echo 0 || echo 1) "the variants include valid KRLs ($valid)"
done_testing
