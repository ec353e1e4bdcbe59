#!/bin/bash
# Issue 7: fingerprint refuses what it cannot honestly fingerprint, with install's specific reason;
# comments are escaped as ssh-keygen escapes them; list, install and fetch never pass C1 or bidi
# controls from a comment to the terminal. Keys and certificates come from ssh-keygen.
source "$(dirname "$0")/../lib/tap.sh"
VEC=$(cd "$(dirname "$0")/../vectors" && pwd)
cd "$TAP_TMP"
export LC_ALL=C.UTF-8 # ssh-keygen's escaping depends on the locale; keydrop's does not

ssh-keygen -q -t ed25519 -N '' -C user -f u
ssh-keygen -q -t ed25519 -N '' -C ca -f ca
ssh-keygen -q -s ca -I id -n alice u.pub 2>/dev/null
ssh-keygen -q -t rsa -b 1024 -N '' -C small -f r1024
flip() { # flip FILE: its key line with the last byte of the key data changed
	python3 -c '
import base64, sys
t, b = open(sys.argv[1]).read().split()[:2]
raw = bytearray(base64.b64decode(b)); raw[-1] ^= 1
print(t, base64.b64encode(bytes(raw)).decode(), "flipped")' "$1"
}
blob() { # blob TYPE REST-HEX: base64 of string(TYPE) || REST
	python3 -c 'import base64,struct,sys; t=sys.argv[1].encode(); print(base64.b64encode(struct.pack(">I",len(t))+t+bytes.fromhex(sys.argv[2])).decode())' "$1" "$2"
}

# refused DESC FILE REGEX: fingerprint exits 3, prints nothing, one stderr line matching REGEX
refused() {
	run "$KEYDROP" fingerprint "$2"
	local lines; lines=$(printf '%s' "$ERR" | grep -c '')
	if [ "$RC" = 3 ] && [ -z "$OUT" ] && [ "$lines" = 1 ] && [[ $ERR =~ $3 ]]; then
		ok 0 "fingerprint refuses $1"
	else
		ok 1 "fingerprint refuses $1: exit 3, '$3'"
		printf '#   rc=%s out=%s\n#   err=%s\n' "$RC" "$OUT" "$ERR"
	fi
}

# ---- fingerprint: never a guess, always the reason ------------------------------------------------------------
echo "ssh-mldsa44-ed25519-cert-v01@openssh.com $(blob ssh-mldsa44-ed25519-cert-v01@openssh.com "$(printf '%0128x' 7)") pq" > mldsa.pub
refused "an unknown certificate type (no fingerprint of the whole blob)" mldsa.pub \
	"line 1: key type ssh-mldsa44-ed25519-cert-v01@openssh.com is not one keydrop knows: no fingerprint"
echo "ssh-foo@example.com $(blob ssh-foo@example.com 6a756e6b) x" > foo.pub
refused "an unknown plain type" foo.pub "key type ssh-foo@example.com is not one keydrop knows"
echo "ssh-rsa $(blob ssh-rsa "00000003010001""00000041""00$(printf 'c5%.0s' $(seq 64))") small" > r512.pub
refused "RSA under 1024 bits" r512.pub "RSA key size is outside 1024..16384 bits"
printf '1024 65537 %s old@host\n' "$(printf '7%.0s' $(seq 300))" > ssh1.pub
refused "an SSH1 key" ssh1.pub "SSH1 \(RSA1\) public key"
# An RFC 4716 (SSH.com) block is a form install takes: fingerprint takes it too (issue 8, "one
# diagnosis"), and agrees with ssh-keygen on the converted key (ssh-keygen -i drops the comment).
ssh-keygen -e -f u.pub > u.rfc
run "$KEYDROP" fingerprint u.rfc
is "$RC:$(cut -d' ' -f1,2 <<<"$OUT")" "0:$(ssh-keygen -i -f u.rfc | ssh-keygen -lf - | cut -d' ' -f1,2)" \
	"fingerprint reads an RFC 4716 block as ssh-keygen -i | ssh-keygen -lf does"
ssh-keygen -lf u.pub | cut -d' ' -f2 > fp.txt
refused "a pasted fingerprint" fp.txt "this is a SHA256 fingerprint, not a public key"
cut -d' ' -f2 u.pub > bare.txt
refused "bare base64" bare.txt "key data without its key type: it holds a ssh-ed25519 key"
head -c 50 u.pub > trunc.pub
refused "a truncated key" trunc.pub "key data is truncated"
flip "$VEC/keycheck-e256.pub" > offcurve.pub
refused "an ECDSA point off the curve" offcurve.pub "not a point sshd accepts"
flip u-cert.pub > badsig.pub
refused "a certificate whose CA signature is wrong" badsig.pub "certificate signature is invalid"
ssh-keygen -lf badsig.pub >/dev/null 2>&1; ok $(( $? == 0 )) "... ssh-keygen refuses it too"

run "$KEYDROP" fingerprint u-cert.pub
is "$RC:$OUT" "0:$(ssh-keygen -lf u-cert.pub)" "a valid certificate fingerprints as ssh-keygen -l"
run "$KEYDROP" fingerprint r1024.pub
is "$RC:$OUT" "0:$(ssh-keygen -lf r1024.pub)" "RSA 1024 is still fine"
cat foo.pub u.pub mldsa.pub > mixed.pub
run "$KEYDROP" fingerprint mixed.pub
is "$RC:$OUT" "0:$(ssh-keygen -lf u.pub)" "a file with unknown types and a known key: the known key is printed"
like "$ERR" "line 1: key type ssh-foo@example.com .*\(skipped\).*line 3: key type ssh-mldsa44" "... each unknown one named on stderr"

# ---- fingerprint escapes comments as ssh-keygen does ----------------------------------------------------------
K=$(cut -d' ' -f1,2 u.pub)
printf '%s a\001b\033[31mred\tt\\back\302\233c\233d\177e\303\251f\n' "$K" > ctrl.pub
run "$KEYDROP" fingerprint ctrl.pub
is "$OUT" "$(ssh-keygen -lf ctrl.pub)" "C0, ESC, tab, backslash, C1 (UTF-8 and raw), DEL, UTF-8: as ssh-keygen -l prints them"
printf '%s evil\342\200\256txt.exe\n' "$K" > bidi.pub
run "$KEYDROP" fingerprint bidi.pub
like "$OUT" ' evil\\342\\200\\256txt\.exe \(ED25519\)$' "a bidi override is escaped too (ssh-keygen prints it as is)"

# ---- list, install, fetch: C1 and bidi controls never reach the terminal ----------------------------------------
H=$TAP_TMP/h
mkdir -p -m 700 "$H/.ssh"
FP=$(ssh-keygen -lf u.pub | cut -d' ' -f2)
printf '%s x\302\2332J\342\200\256y\233z\342\201\246w\303\251\n' "$K" > term.pub
run "$KEYDROP" install --home "$H" term.pub
is "$RC:$OUT" "0:added 256 $FP x?2J?y?z?wé (ED25519)" "install shows C1, raw 0x9b and bidi controls as '?'"
cmp -s term.pub "$H/.ssh/authorized_keys"; ok $? "... while the file keeps the comment byte for byte"
run "$KEYDROP" list --home "$H"
is "$OUT" "1: 256 $FP x?2J?y?z?wé (ED25519)" "list shows them as '?'"
run "$KEYDROP" list --home "$H" --json
like "$OUT" '"comment":"x\\u009b2J\\u202ey\\ufffdz\\u2066wé"' "list --json escapes them (\\u009b, \\u202e, \\u2066)"
run "$KEYDROP" fetch term.pub
is "$OUT" "$K x?2J?y?z?wé" "fetch prints them as '?'"
printf '%s no-pty\tcomment\n' "$K" > tab.pub
run "$KEYDROP" fetch tab.pub
is "$OUT" "$(cat tab.pub)" "fetch keeps a tab inside the comment"

# ---- check: what sshd never accepts is a problem, an unknown type is not "usable" -------------------------------
printf '%s\n%s\n' "$(cat foo.pub)" "$(cat u-cert.pub)" > "$H/.ssh/authorized_keys"
chmod 600 "$H/.ssh/authorized_keys"
run "$KEYDROP" check --home "$H"
is "$RC" 4 "check: a certificate and an unknown type only: problems (exit 4)"
like "$OUT" "note: line 1: key type ssh-foo@example.com is not known to keydrop" "... the unknown type is a note"
like "$OUT" "problem: line 2: sshd never accepts a certificate as an authorized key" "... the certificate a problem"
like "$OUT" "holds no usable key" "... and neither counts as usable"
done_testing
