#!/bin/bash
# ssh-keygen muscle memory: what the GPU clouds' guides type works with keydrop, and no hint tells
# the user to run ssh-keygen (these machines have none).
source "$(dirname "$0")/../lib/tap.sh"
need ssh-keygen
cd "$TAP_TMP" || exit 1

# -t in any case, -o accepted, long forms.
run "$KEYDROP" keygen -q -t ED25519 -o -f up -N '' -C up
is "$RC" 0 "keygen -t ED25519 -o: exit 0"
like "$(cat up.pub)" "^ssh-ed25519 " "-t ED25519 makes an ed25519 key"
run "$KEYDROP" keygen -q --type ecdsa --bits 384 --file long --comment "long form" -N ''
is "$RC" 0 "keygen --type --bits --file --comment: exit 0"
like "$(cat long.pub)" "^ecdsa-sha2-nistp384 .* long form$" "long forms give type, size and comment"
# -b with ed25519: ignored with a note, as ssh-keygen ignores it.
run "$KEYDROP" keygen -t ed25519 -b 4096 -f edb -N ''
is "$RC" 0 "keygen -t ed25519 -b 4096: exit 0"
like "$ERR" "-b is ignored for Ed25519" "... with a note"
like "$(cat edb.pub)" "^ssh-ed25519 " "... and an ed25519 key"

# keygen -y / -l / -p run pubkey / fingerprint / passphrase, clusters too.
ssh-keygen -q -t ed25519 -N old -f sk -C "sk comment"
run "$KEYDROP" keygen -y -P old -f sk
is "$OUT" "$(cat sk.pub)" "keygen -y -P -f = ssh-keygen -y"
run "$KEYDROP" keygen -lf sk.pub
is "$OUT" "$(ssh-keygen -lf sk.pub)" "keygen -lf = ssh-keygen -lf"
run "$KEYDROP" keygen -lvf sk.pub
is "$OUT" "$(ssh-keygen -lvf sk.pub)" "keygen -lvf = ssh-keygen -lvf (randomart)"
run "$KEYDROP" keygen -l -E md5 -f sk.pub
is "$OUT" "$(ssh-keygen -l -E md5 -f sk.pub)" "keygen -l -E md5 -f"
run "$KEYDROP" keygen -p -f sk -P old -N new
is "$RC" 0 "keygen -p -P -N changes the passphrase"
is "$(ssh-keygen -y -P new -f sk)" "$(cat sk.pub)" "... and ssh-keygen opens it with the new one"
run "$KEYDROP" keygen -p -o -f sk -P new -N newer
is "$RC" 0 "keygen -p -o -f (the guides' 'convert to the new format'): exit 0"
is "$(ssh-keygen -y -P newer -f sk)" "$(cat sk.pub)" "... the passphrase changed"
run "$KEYDROP" keygen -q -N '' -f -y
is "$RC" 0 "keygen -f -y: '-y' is the value of -f (a key file), as for ssh-keygen"
[ -s ./-y.pub ]; ok $? "... and the key was written there"

# hostkeys -A: every type ssh-keygen -A makes.
mkdir -p "$TAP_TMP/img"
run "$KEYDROP" hostkeys -q -A --root "$TAP_TMP/img"
is "$RC" 0 "hostkeys -A: exit 0"
for t in ed25519 ecdsa rsa; do
	[ -s "$TAP_TMP/img/etc/ssh/ssh_host_${t}_key.pub" ]; ok $? "hostkeys -A made the $t key"
done

# RSA of 8192 bits or more: one line saying the prime search may take a while. (The key itself is
# slow; -b 8192 with a refused comment stops before the search but after the note would print,
# so use the real thing once.)
run "$KEYDROP" keygen -t rsa -b 8192 -f big -N ''
is "$RC" 0 "keygen -t rsa -b 8192: exit 0"
like "$ERR" "may take a while" "... says the prime search may take a while"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "... in one line"

# No hint tells the user to run ssh-keygen: every message the binary holds that names it must be a
# comparison ("as ssh-keygen ..."), never an instruction.
strings -n 8 "$KEYDROP" | grep -E "ssh-keygen -[a-zA-Z]" | grep -vE "as ssh-keygen|ssh-keygen's|ssh-keygen -[ylp] (run|typed)|ssh-keygen -[a-zA-Z]+ (writes|does|makes)" > hints
is "$(cat hints)" "" "no message tells the user to run ssh-keygen"
done_testing
