#!/bin/bash
# keydrop hostkeys: only missing keys are created, existing ones are left byte-for-byte alone,
# a lost .pub is repaired, symlinks are refused, and kill -9 never leaves a partial key.
source "$(dirname "$0")/../lib/tap.sh"
vec=$(cd "$(dirname "$0")/../vectors" && pwd)
cd "$TAP_TMP"

r=$TAP_TMP/r1
mkdir -p "$r"
run "$KEYDROP" hostkeys --root "$r"
is "$RC" 0 "hostkeys on an empty root"
[ -f "$r/etc/ssh/ssh_host_ed25519_key" ] && [ -f "$r/etc/ssh/ssh_host_ed25519_key.pub" ]; ok $? "ed25519 host key pair created"
[ ! -e "$r/etc/ssh/ssh_host_rsa_key" ] && [ ! -e "$r/etc/ssh/ssh_host_ecdsa_key" ]; ok $? "default set is ed25519 only"
is "$(stat -c %a "$r/etc/ssh/ssh_host_ed25519_key")" 600 "host private key 0600"
is "$(stat -c %a "$r/etc/ssh/ssh_host_ed25519_key.pub")" 644 "host public key 0644"
want=$(ssh-keygen -lv -f "$r/etc/ssh/ssh_host_ed25519_key.pub")
[[ $OUT == *"$want"* ]]; ok $? "prints the fingerprint and randomart ssh-keygen -lv shows"

h=$(tree_hash "$r")
mt=$(stat -c %Y.%y "$r/etc/ssh/ssh_host_ed25519_key")
run "$KEYDROP" hostkeys --root "$r"
is "$RC" 0 "second run exits 0"
is "$(tree_hash "$r")" "$h" "second run changes nothing"
[[ $OUT == *"$want"* ]]; ok $? "second run still prints the existing key's fingerprint"
[[ $OUT != *"generating"* ]]; ok $? "second run generates nothing"

ed_before=$(sha256sum < "$r/etc/ssh/ssh_host_ed25519_key")
run "$KEYDROP" hostkeys --root "$r" -t ed25519,ecdsa,rsa
is "$RC" 0 "adding ecdsa and rsa"
for t in ecdsa rsa; do
	is "$(ssh-keygen -y -f "$r/etc/ssh/ssh_host_${t}_key" | cut -d' ' -f1,2)" "$(cut -d' ' -f1,2 "$r/etc/ssh/ssh_host_${t}_key.pub")" "$t host key valid for ssh-keygen"
done
is "$(ssh-keygen -l -f "$r/etc/ssh/ssh_host_ecdsa_key.pub" | cut -d' ' -f1)" 256 "ecdsa host key is 256 bits (ssh-keygen -A default)"
is "$(ssh-keygen -l -f "$r/etc/ssh/ssh_host_rsa_key.pub" | cut -d' ' -f1)" 3072 "rsa host key is 3072 bits (ssh-keygen -A default)"
is "$(sha256sum < "$r/etc/ssh/ssh_host_ed25519_key")" "$ed_before" "existing ed25519 key kept byte for byte when adding types"

# A lost or stale .pub is rebuilt from the private key.
rm "$r/etc/ssh/ssh_host_ed25519_key.pub"
run "$KEYDROP" hostkeys --root "$r"
is "$(cut -d' ' -f1,2 "$r/etc/ssh/ssh_host_ed25519_key.pub")" "$(ssh-keygen -y -f "$r/etc/ssh/ssh_host_ed25519_key" | cut -d' ' -f1,2)" "missing .pub repaired from the private key"
cp "$r/etc/ssh/ssh_host_ecdsa_key.pub" "$r/etc/ssh/ssh_host_ed25519_key.pub"
run "$KEYDROP" hostkeys --root "$r"
is "$(cut -d' ' -f1,2 "$r/etc/ssh/ssh_host_ed25519_key.pub")" "$(ssh-keygen -y -f "$r/etc/ssh/ssh_host_ed25519_key" | cut -d' ' -f1,2)" "stale .pub of another key repaired"

# Symlinked host key: refused, target untouched.
r2=$TAP_TMP/r2
mkdir -p "$r2/etc/ssh"
echo secret > "$TAP_TMP/target"
ln -s "$TAP_TMP/target" "$r2/etc/ssh/ssh_host_ed25519_key"
run "$KEYDROP" hostkeys --root "$r2"
is "$RC" 1 "symlinked host key: exit 1"
like "$ERR" "symbolic link" "symlinked host key: says why"
is "$(cat "$TAP_TMP/target")" secret "symlink target untouched"
run "$KEYDROP" hostkeys --root "$r2" -t dsa
is "$RC" 2 "unknown type: exit 2"
run "$KEYDROP" hostkeys --root "$TAP_TMP/missing-root"
is "$RC" 1 "missing root: exit 1"

# A corrupt existing key: a clear error and exit 3 (key text refused, as pubkey -f), the file is not replaced, and the other types
# are still created.
r3=$TAP_TMP/r3
mkdir -p "$r3/etc/ssh"
echo "not a key" > "$r3/etc/ssh/ssh_host_ed25519_key"
run "$KEYDROP" hostkeys --root "$r3" -t ed25519,ecdsa
is "$RC" 3 "corrupt host key: exit 3 (as pubkey -f on the same file)"
like "$ERR" "not a private key" "corrupt host key: says so"
is "$(cat "$r3/etc/ssh/ssh_host_ed25519_key")" "not a key" "corrupt host key left as it was"
[ -f "$r3/etc/ssh/ssh_host_ecdsa_key" ]; ok $? "the other type is still created"

# A PEM host key (as older OpenSSH and ssh-keygen -m PEM write it): read like an OpenSSH one. With
# its .pub: nothing to do, its fingerprint shown; without: the .pub is made from it, as ssh-keygen -y.
r4=$TAP_TMP/r4
mkdir -p "$r4/etc/ssh"
cp "$vec/sshkeygen-pem-rsa" "$r4/etc/ssh/ssh_host_rsa_key"
cp "$vec/sshkeygen-pem-rsa.pub" "$r4/etc/ssh/ssh_host_rsa_key.pub"
chmod 600 "$r4/etc/ssh/ssh_host_rsa_key" # as ssh-keygen writes it (the copy has the checkout's mode)
h4=$(tree_hash "$r4")
run "$KEYDROP" hostkeys --root "$r4" -t rsa
is "$RC:$ERR" "0:" "PEM host key with its .pub: exit 0, no warning"
is "$(tree_hash "$r4")" "$h4" "PEM host key and its .pub untouched"
[[ $OUT == *"$(ssh-keygen -l -f "$r4/etc/ssh/ssh_host_rsa_key.pub" | cut -d' ' -f2)"* ]]; ok $? "PEM host key: its fingerprint shown"
rm "$r4/etc/ssh/ssh_host_rsa_key"
ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C pemhost -f "$r4/etc/ssh/ssh_host_rsa_key"
head -1 "$r4/etc/ssh/ssh_host_rsa_key" | grep -q 'BEGIN RSA PRIVATE KEY'; ok $? "ssh-keygen -m PEM wrote a PEM host key"
rm "$r4/etc/ssh/ssh_host_rsa_key.pub"
run "$KEYDROP" hostkeys --root "$r4" -t rsa
is "$RC" 0 "PEM host key without its .pub: exit 0"
like "$OUT" "repaired .*ssh_host_rsa_key.pub from its private key" "... says it made the .pub"
is "$(cut -d' ' -f1,2 "$r4/etc/ssh/ssh_host_rsa_key.pub")" "$(ssh-keygen -y -f "$r4/etc/ssh/ssh_host_rsa_key" | cut -d' ' -f1,2)" \
	"... the .pub made from a PEM host key equals ssh-keygen -y"
is "$(stat -c %a "$r4/etc/ssh/ssh_host_rsa_key.pub")" 644 "... mode 0644"

# kill -9 at random moments: every key file that exists is complete and every .pub that exists
# matches its private key; the next run completes the set and leaves no temp files.
check_tree() { # check_tree DIR -> 0 when every existing key is whole and pairs agree
	local d=$1/etc/ssh f
	for f in "$d"/ssh_host_*_key; do
		[ -e "$f" ] || continue
		ssh-keygen -y -f "$f" > "$TAP_TMP/derived" 2>/dev/null || { echo "# partial private key $f"; return 1; }
		if [ -e "$f.pub" ]; then
			[ "$(cut -d' ' -f1,2 "$f.pub")" = "$(cut -d' ' -f1,2 "$TAP_TMP/derived")" ] || { echo "# .pub does not match $f"; return 1; }
		fi
	done
	for f in "$d"/ssh_host_*_key.pub; do
		[ -e "$f" ] || continue
		[ -e "${f%.pub}" ] || { echo "# orphan $f"; return 1; }
	done
	return 0
}
iter=${KILL_ITERATIONS:-60}
bad=0 partial_runs=0
for i in $(seq 1 "$iter"); do
	k=$TAP_TMP/kill$i
	mkdir -p "$k"
	types=ed25519,ecdsa
	[ $((i % 10)) -eq 0 ] && types=ed25519,ecdsa,rsa
	"$KEYDROP" hostkeys -q --root "$k" -t "$types" &
	pid=$!
	# The kill lands at a different moment each time (0-9 ms): the assertion holds for any moment.
	sleep "0.00$((i % 10))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ "$(ls "$k/etc/ssh" 2>/dev/null | grep -c '^ssh_host_.*_key$')" -lt 2 ] && partial_runs=$((partial_runs + 1))
	check_tree "$k" || bad=$((bad + 1))
	"$KEYDROP" hostkeys -q --root "$k" -t "$types" || bad=$((bad + 1))
	check_tree "$k" || bad=$((bad + 1))
	ls -a "$k/etc/ssh" | grep -q keydrop-tmp && { echo "# temp file left in run $i"; bad=$((bad + 1)); }
	rm -rf "$k"
done
is "$bad" 0 "kill -9 during hostkeys ($iter runs, $partial_runs interrupted before both keys): never a partial key"
[ "$partial_runs" -gt 0 ]; ok $? "the kill loop did interrupt runs (else it proved nothing)"
# Every host key sshd presents is shown, not only the -t types; "ed25519, rsa" with a blank works.
hk=$TAP_TMP/hk-all; mkdir "$hk"
run "$KEYDROP" hostkeys -q --root "$hk" -t 'ed25519, rsa'
is "$RC:$(ls "$hk/etc/ssh" | tr '\n' ' ')" "0:ssh_host_ed25519_key ssh_host_ed25519_key.pub ssh_host_rsa_key ssh_host_rsa_key.pub " \
	"-t 'ed25519, rsa' (blank after the comma) makes both"
run "$KEYDROP" hostkeys --root "$hk"
is "$(grep -c '^[0-9]* SHA256:' <<< "$OUT")" 2 "hostkeys (default -t ed25519) prints both host keys' fingerprints"
like "$OUT" "\(RSA\)" "... the RSA one included"
[ ! -e "$hk/etc/ssh/.keydrop.lock" ]; ok $? "... and leaves no lock file in etc/ssh"

# A private host key others can read: sshd refuses it ("UNPROTECTED PRIVATE KEY FILE") and every
# login loses that host key. hostkeys repairs the mode on the file itself; --no-fix only says so.
# The real sshd judges before and after.
hm=$TAP_TMP/hk-mode; mkdir -p "$hm/etc/ssh"
ssh-keygen -q -t ed25519 -N '' -C 'root@image' -f "$hm/etc/ssh/ssh_host_ed25519_key"
chmod 644 "$hm/etc/ssh/ssh_host_ed25519_key"
sshd_judge() { /usr/sbin/sshd -t -f /dev/null -o "PidFile none" -h "$1" 2>&1; }
like "$(sshd_judge "$hm/etc/ssh/ssh_host_ed25519_key")" "UNPROTECTED PRIVATE KEY FILE" "sshd itself refuses a 0644 host key"
h5=$(tree_hash "$hm")
run "$KEYDROP" hostkeys --root "$hm" --no-fix
is "$RC" 1 "--no-fix: a host key sshd refuses is exit 1"
like "$ERR" "mode 0644: sshd refuses it" "... says why"
is "$(tree_hash "$hm")" "$h5" "... and changes nothing"
run "$KEYDROP" hostkeys --root "$hm"
is "$RC:$(stat -c %a "$hm/etc/ssh/ssh_host_ed25519_key")" "0:600" "hostkeys repairs it to 0600"
like "$OUT" "repaired the mode of .*ssh_host_ed25519_key: 0644 -> 0600" "... and says so"
is "$(sshd_judge "$hm/etc/ssh/ssh_host_ed25519_key")" "" "sshd takes the repaired key"
ln -s /etc/shadow "$hm/etc/ssh/ssh_host_rsa_key"
run "$KEYDROP" hostkeys --root "$hm" -t ed25519
is "$RC:$(stat -c %a /etc/shadow)" "1:$(stat -c %a /etc/shadow)" "a symlinked host key: exit 1, its target's mode untouched"
rm "$hm/etc/ssh/ssh_host_rsa_key"

# --console: cloud-init's machine-readable blocks, which tools read from a console log: each line
# of the first is ssh-keygen -l of a host key, the second holds the .pub lines.
run "$KEYDROP" hostkeys --root "$hk" --console
want=$(for f in "$hk"/etc/ssh/ssh_host_*_key.pub; do ssh-keygen -l -f "$f"; done)
is "$(sed -n '/^-----BEGIN SSH HOST KEY FINGERPRINTS-----$/,/^-----END SSH HOST KEY FINGERPRINTS-----$/p' <<< "$OUT" | sed '1d;$d')" \
	"$want" "--console: the fingerprints block holds ssh-keygen -l of every host key"
is "$(sed -n '/^-----BEGIN SSH HOST KEY KEYS-----$/,/^-----END SSH HOST KEY KEYS-----$/p' <<< "$OUT" | sed '1d;$d')" \
	"$(cat "$hk"/etc/ssh/ssh_host_*_key.pub)" "--console: the keys block holds every .pub line"
[[ $OUT != *"+---["* ]]; ok $? "--console: no randomart"

# --root builds an image: keys made there are shared by every machine started from it.
hn=$TAP_TMP/hk-note; mkdir "$hn"
run "$KEYDROP" hostkeys --root "$hn"
like "$ERR" "shared by every machine started from the image.*first boot" "--root: a key made in an image gets the shared-identity note"
run "$KEYDROP" hostkeys --root "$hn"
is "$ERR" "" "... only when a key was made"
done_testing
