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
done_testing
