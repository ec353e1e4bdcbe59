#!/bin/bash
# Every command reads authorized_keys lines as sshd does and agrees with the others (sync's block
# comparison, fetch's duplicate check, fingerprint's warnings), and stays linear in the number of keys.
# Timing is not asserted here (scripts/bench measures it); the timeout only guards against a hang.
source "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TMP"

for k in a b; do ssh-keygen -q -t ed25519 -N '' -C "key-$k" -f "$k"; done
fp() { ssh-keygen -lf "$1.pub" | cut -d' ' -f2; }
cat a.pub b.pub > ab.keys

# ---- sync reads its block as sshd does ----------------------------------------------------------------------
# A block line whose key data holds a VT (sshd's decoder skips it; install and list see the key) is the
# key the source gives: sync must not report it removed and added again.
H=$TAP_TMP/h; mkdir -p "$H/.ssh"; chmod 700 "$H/.ssh"; AK=$H/.ssh/authorized_keys
run "$KEYDROP" sync --home "$H" --source acct ab.keys
is "$RC" 0 "sync: block made"
python3 - "$AK" <<'PY'
import sys
p = sys.argv[1]
s = open(p, 'rb').read().split(b'\n')
l = s[1]; i = l.index(b' ') + 10
s[1] = l[:i] + b'\x0b' + l[i:]
open(p, 'wb').write(b'\n'.join(s))
PY
run "$KEYDROP" list --home "$H"
case "$OUT" in *"$(fp a)"*) ok 0 "list sees the key with a VT in its data";; *) ok 1 "list sees the key with a VT in its data";; esac
run "$KEYDROP" sync --home "$H" --source acct ab.keys
is "$RC" 0 "sync again: exit 0"
is "$OUT" "block acct: 2 keys (0 added, 0 removed)" "sync: the VT line is the same key (neither removed nor added)"

# ---- sync and fetch stay linear in the number of keys ---------------------------------------------------------
# keys x block lines parses (sync) and keys x keys comparisons (duplicate check) were seconds at a few
# thousand keys. 3 x 3,000 distinct synthetic ed25519 keys (keydrop checks the blob's shape), three sources.
python3 - <<'PY'
import base64, struct
def s(b): return struct.pack('>I', len(b)) + b
for part in range(3):
    with open('many%d.keys' % part, 'w') as f:
        for i in range(3000):
            blob = s(b'ssh-ed25519') + s(part.to_bytes(1, 'big') + i.to_bytes(8, 'big') + b'\x07' * 23)
            f.write('ssh-ed25519 %s k%d-%d\n' % (base64.b64encode(blob).decode(), part, i))
PY
M=$TAP_TMP/m; mkdir -p "$M/.ssh"; chmod 700 "$M/.ssh"
run "$KEYDROP" -q sync --home "$M" --source many many0.keys many1.keys many2.keys
is "$RC" 0 "sync of 9,000 keys: exit 0"
is "$(grep -c ^ssh-ed25519 "$M/.ssh/authorized_keys")" 9000 "... all 9,000 in the block"
run timeout 60 "$KEYDROP" sync --home "$M" --source many many0.keys many1.keys many2.keys many0.keys
is "$RC" 0 "sync again (unchanged, a source given twice): exit 0"
is "$OUT" "block many: 9000 keys (0 added, 0 removed)" "... nothing added or removed, duplicates dropped"
run timeout 60 "$KEYDROP" fetch many0.keys many1.keys many2.keys many1.keys many0.keys many2.keys
is "$RC" 0 "fetch of 6 sources: exit 0"
is "$(printf '%s\n' "$OUT" | grep -c ^ssh-ed25519)" 9000 "fetch prints each key once"

# ---- fingerprint: the warning for a skipped line does not depend on how the other key is spelled -----------
# any_key (is anything printed?) read lines differently from the loop that prints (as sshd): a key with
# a VT in its data made the warning for an unknown type vanish (exit 0, nothing said).
python3 - "$(cat a.pub)" <<'PY'
import base64, struct, sys
def s(b): return struct.pack('>I', len(b)) + b
t, b, c = sys.argv[1].split(' ', 2)
unk = 'ssh-foo@example.com ' + base64.b64encode(s(b'ssh-foo@example.com') + s(b'x' * 32)).decode() + ' unk\n'
open('fpvt', 'w').write(t + ' ' + b[:10] + '\x0b' + b[10:] + ' ' + c + '\n' + unk)
PY
run "$KEYDROP" fingerprint fpvt
is "$RC" 0 "fingerprint: a VT key and an unknown type: exit 0"
is "$OUT" "256 $(fp a) key-a (ED25519)" "... the VT key is printed (as ssh-keygen -lf)"
is "$ERR" "keydrop: fingerprint: fpvt: line 2: key type ssh-foo@example.com is not one keydrop knows: no fingerprint (skipped)" \
	"... and the unknown type is named, not silently dropped"

# list never fingerprints a type keydrop does not know (fingerprint refuses it too): for a certificate
# of an unknown type, a hash of the whole blob would be a wrong fingerprint.
python3 - <<'PY'
import base64, struct
def s(b): return struct.pack('>I', len(b)) + b
t = b'ssh-mldsa44-ed25519-cert-v01@openssh.com'
open('unk.ak', 'w').write(t.decode() + ' ' + base64.b64encode(s(t) + s(b'n' * 32) + s(b'x' * 40)).decode() + ' newcert\n')
PY
run "$KEYDROP" list --file unk.ak
is "$RC:$OUT" "0:1: 0 (no fingerprint: unknown key type) newcert (UNKNOWN)" "list: an unknown certificate type gets no fingerprint"
run "$KEYDROP" list --json --file unk.ak
like "$OUT" '"fingerprint":null,"type":"ssh-mldsa44-ed25519-cert-v01@openssh.com"' "list --json: fingerprint null"
run "$KEYDROP" fingerprint unk.ak
is "$RC" 3 "fingerprint refuses it as well"
# ---- one diagnosis: install, check, list and fingerprint name the same text with the same words ---------------
# (issue 8, "one diagnosis everywhere"). Each class is pasted into install, written as authorized_keys for check
# and list, and given to fingerprint. WORDS is install's wording; every command that names it uses those words.
ssh-keygen -q -t rsa -b 2048 -N '' -C key-r -f r
D=$TAP_TMP/diag; mkdir -p "$D"
ssh-keygen -lf a.pub | cut -d' ' -f2 > "$D/fingerprint"
printf '%s key-a\n' "$(cut -d' ' -f2 a.pub)" > "$D/notype"
printf '%s%s\n' "$(cat a.pub)" "$(cat r.pub)" > "$D/joined"
cp a "$D/private"
ssh-keygen -e -f a.pub > "$D/rfc4716"
{
	printf 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: key-a\nPublic-Lines: 2\n'
	cut -d' ' -f2 a.pub | cut -c1-64; cut -d' ' -f2 a.pub | cut -c65-
	printf 'Private-Lines: 1\nAAAAIB2nMQXKhFJ3xC0kRh7hP2oNNwBkc+I0XnoQ6Fzi8XVd\nPrivate-MAC: %s\n' "$(printf x | sha256sum | cut -c1-64)"
} > "$D/putty"
fpre() { fp "$1" | sed 's/[+]/\\+/g'; } # the fingerprint as a regex
# class        install-rc check-rc list-rc fingerprint-rc WORDS
table="fingerprint 3 4 0 3 this is a SHA256 fingerprint, not a public key
notype 3 4 0 3 key data without its key type: it holds a ssh-ed25519 key
joined 0 4 0 0 2 keys joined on one line \\(ssh-ed25519 $(fpre a), ssh-rsa $(fpre r)\\): sshd reads at most the first
putty 3 4 0 0 this is a PuTTY PRIVATE key \\(\\.ppk\\)
private 3 4 0 0 this is an OpenSSH PRIVATE key: it must never leave your machine
rfc4716 0 4 0 0 an RFC 4716 \\(SSH2\\) public key block \\(ssh-ed25519 $(fpre a)\\)"
while read -r class irc crc lrc frc words; do
	H=$TAP_TMP/dh-$class; mkdir -p "$H/.ssh"; chmod 700 "$H" "$H/.ssh"
	run "$KEYDROP" install --file "$TAP_TMP/di-$class" "file:$D/$class"
	iout=$OUT; is "$RC" "$irc" "$class: install exit $irc"
	if [ "$irc" = 3 ]; then
		like "$ERR" "^keydrop: install: file:$D/$class: (line 1: )?$words" "$class: install names it"
	else
		[ -s "$TAP_TMP/di-$class" ]; ok $? "$class: install takes it"
	fi
	cp "$D/$class" "$H/.ssh/authorized_keys"; chmod 600 "$H/.ssh/authorized_keys"
	run "$KEYDROP" check --home "$H"
	is "$RC" "$crc" "$class: check exit $crc"
	like "$OUT" "problem: lines? [0-9-]+: (sshd skips (it|them): )?$words" "$class: check names it in install's words"
	like "$OUT" "$words[^"$'\n'"]*\\(not changed by --fix\\)" "$class: ... says --fix does not repair it"
	like "$ERR" "\\(none that --fix repairs\\)$" "$class: ... and does not suggest --fix"
	[[ $OUT == *"keys: "*usable* ]]; ok $(( ! $? )) "$class: check counts no usable key"
	run "$KEYDROP" list --home "$H"
	is "$RC" "$lrc" "$class: list exit $lrc"
	like "$ERR" "^keydrop: list: $H/.ssh/authorized_keys: lines? [0-9-]+: (sshd skips (it|them): )?$words" \
		"$class: list names it in install's words"
	run "$KEYDROP" fingerprint "$D/$class"
	is "$RC" "$frc" "$class: fingerprint exit $frc"
	case $class in
	private) is "$OUT" "$(ssh-keygen -lf "$D/$class")" "$class: fingerprint prints what ssh-keygen -l prints";;
	putty) is "$OUT" "$(ssh-keygen -lf a.pub)" "$class: fingerprint prints the .ppk's public key and comment (what ssh-keygen -l prints for it)";;
	rfc4716) is "$OUT" "$(ssh-keygen -lf "$TAP_TMP/di-$class")" "$class: fingerprint prints ssh-keygen -l of the line install writes"
		is "$(cut -d' ' -f1,2 <<<"$OUT")" "$(ssh-keygen -i -f "$D/$class" | ssh-keygen -lf - | cut -d' ' -f1,2)" \
			"$class: ... the key ssh-keygen -i converts it to";;
	joined) is "$OUT" "$(ssh-keygen -lf "$D/$class")" "$class: fingerprint prints what ssh-keygen -l prints (the first key)"
		like "$ERR" "^keydrop: fingerprint: $D/$class: line 1: $words" "$class: ... and names the joined keys in install's words"
		is "$iout" "added $(ssh-keygen -lf a.pub)
added $(ssh-keygen -lf r.pub)" "$class: install adds each key, named by the same fingerprints";;
	*) like "$ERR" "^keydrop: fingerprint: $D/$class: (line 1: )?$words" "$class: fingerprint names it in install's words";;
	esac
done <<<"$table"
# Other forms install takes, fingerprint takes too: a PuTTYgen public block (quoted comment continued with \),
# a key with options, a CRLF line, a wrapped key, a quoted key.
{ echo '---- BEGIN SSH2 PUBLIC KEY ----'; echo 'Comment: "rsa-key-2024 \'; echo 'more"'; ssh-keygen -e -f r.pub | sed '1,2d'; } > "$D/puttypub"
printf 'no-pty,command="x" %s\n' "$(cat a.pub)" > "$D/opts"
printf '%s\r\n' "$(cat a.pub)" > "$D/crlf"
{ cut -d' ' -f1 a.pub | tr '\n' ' '; cut -d' ' -f2 a.pub | cut -c1-40; cut -d' ' -f2 a.pub | cut -c41-; } > "$D/wrapped"
printf '"%s",\n' "$(cat a.pub)" > "$D/quoted"
for form in puttypub opts crlf wrapped quoted; do
	run "$KEYDROP" install --file "$TAP_TMP/df-$form" "file:$D/$form"
	is "$RC" 0 "$form: install takes it"
	run "$KEYDROP" fingerprint "$D/$form"
	is "$RC:$OUT" "0:$(ssh-keygen -lf "$TAP_TMP/df-$form")" "$form: fingerprint prints ssh-keygen -l of the line install writes"
done
for form in opts crlf; do
	run "$KEYDROP" fingerprint "$D/$form"
	# (ssh-keygen prints the CR of a CRLF line raw; keydrop never prints a control character)
	is "$OUT" "$(ssh-keygen -lf "$D/$form" | tr -d '\r')" "$form: ... which is what ssh-keygen -l prints for the form itself"
done
# check --fix: only what --fix repairs is offered, and after it nothing fixable is left.
H=$TAP_TMP/dfix; mkdir -p "$H/.ssh"; chmod 700 "$H/.ssh"; chmod 775 "$H"
{ cat a.pub; cat "$D/fingerprint"; cat "$D/rfc4716"; } > "$H/.ssh/authorized_keys"; chmod 620 "$H/.ssh/authorized_keys"
run "$KEYDROP" check --home "$H"
is "$RC" 4 "check: modes and bad lines: exit 4"
is "$(grep -c '(--fix repairs it)$' <<<"$OUT")" 2 "... the two modes are offered to --fix"
like "$ERR" "4 problems \\(2 of them --fix repairs\\)$" "... and the summary counts them"
is "$(grep '^problem: line' <<<"$OUT" | grep -vc 'not changed by --fix')" 0 "... no bad line is claimed fixable"
run "$KEYDROP" check --home "$H" --fix
is "$RC:$(grep -c '^fixed:' <<<"$OUT")" "4:2" "check --fix repairs the two modes, exit 4 for the lines"
run "$KEYDROP" check --home "$H"
is "$RC" 4 "re-check: the lines remain"
is "$(grep -c '(--fix repairs it)' <<<"$OUT")" 0 "... and nothing fixable is left"
like "$ERR" "2 problems \\(none that --fix repairs\\)$" "... the summary says so"
done_testing
