#!/bin/bash
# check --key KEY [--fix]: the client side of check. Keys come from the real ssh-keygen; the real ssh
# proves the refusal keydrop reports: with a 0644 key it prints "UNPROTECTED PRIVATE KEY FILE" and a
# login to a real sshd on 127.0.0.1 fails, after `check --key --fix` the same login works.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/sshd.sh"
need ssh-keygen ssh

S=$TAP_TMP/home/.ssh
mkdir -p "$S" && chmod 700 "$TAP_TMP/home" "$S"
ssh-keygen -q -t ed25519 -N '' -C 'ck@test' -f "$S/id"
ssh-keygen -q -t ed25519 -N '' -C 'other@test' -f "$S/other"
mode() { stat -c %a "$1"; }
has() { # has GOT LITERAL DESCRIPTION (fingerprints hold regex characters)
	local got=$1 want=$2; shift 2
	if [[ $got == *"$want"* ]]; then ok 0 "$*"; else ok 1 "$*"; printf '#   got:  %s\n#   want substring: %s\n' "$got" "$want"; fi
}
fp_line() { sed -n 's/^fingerprint: //p' <<<"$1" | head -1; }

# ---- a good key ------------------------------------------------------------------------------------
run "$KEYDROP" check --key "$S/id"
is "$RC" 0 "0600 key with its .pub: exit 0"
is "$(fp_line "$OUT")" "$(ssh-keygen -l -f "$S/id")" "... the fingerprint line is ssh-keygen -l's"
like "$OUT" $'passphrase: none' "... says it has no passphrase"
like "$OUT" "ok: $S/id" "... ok line"
is "$ERR" "" "... nothing on stderr"
run "$KEYDROP" -v check --key "$S/id"
is "$(sed -n 's/^fingerprint: //p' <<<"$OUT" | sed -n 2p)" "$(ssh-keygen -l -E md5 -f "$S/id")" "-v: the MD5 fingerprint too, as ssh-keygen -l -E md5"

# ---- 0644 and 0640: ssh's refusal ---------------------------------------------------------------------
sshd_ok=0
if [ "$(id -u)" -eq 0 ]; then
	hk=$TAP_TMP/hostkey
	ssh-keygen -q -t ed25519 -N '' -f "$hk"
	user_create kdck; ok $? "throwaway user for the login"
	install -d -m 0700 -o "$TUSER" "$THOME/.ssh"
	install -m 0600 -o "$TUSER" "$S/id.pub" "$THOME/.ssh/authorized_keys"
	mkdir -p "$TAP_TMP/sshd"
	sshd_start "$TAP_TMP/sshd" "$hk"; ok $? "sshd listening on 127.0.0.1"
	sshd_ok=1
	ssh_login "$TAP_TMP/sshd" "$S/id" "$TUSER"
	is "$RC" 0 "ssh logs in with the 0600 key"
else
	skip "real ssh login needs root (throwaway user, sshd)"
fi

for m in 644 640; do
	chmod "$m" "$S/id"
	if [ $sshd_ok = 1 ]; then
		ssh_login "$TAP_TMP/sshd" "$S/id" "$TUSER"
		like "$ERR" "UNPROTECTED PRIVATE KEY FILE" "0$m: ssh itself refuses the key: UNPROTECTED PRIVATE KEY FILE"
		ok $((RC == 0)) "... and the login fails"
	fi
	h=$(tree_hash "$TAP_TMP/home")
	run "$KEYDROP" check --key "$S/id"
	is "$RC" 4 "0$m key: exit 4"
	like "$OUT" "problem: $S/id: UNPROTECTED PRIVATE KEY FILE: mode 0$m .*ssh ignores this key.*\(--fix repairs it\)" \
		"... in ssh's words, and --fix repairs it"
	like "$ERR" "^keydrop: check: $S/id: 1 problem \(1 of them --fix repairs\)$" "... one summary line on stderr"
	is "$(tree_hash "$TAP_TMP/home")" "$h" "... nothing changed without --fix"
	run "$KEYDROP" check --key "$S/id" --fix
	is "$RC" 0 "0$m key --fix: exit 0"
	like "$OUT" "fixed: $S/id mode 0$m -> 0600" "... says what it fixed"
	is "$(mode "$S/id")" 600 "... the key is 0600 now"
	if [ $sshd_ok = 1 ]; then
		ssh_login "$TAP_TMP/sshd" "$S/id" "$TUSER"
		is "$RC" 0 "... and ssh logs in with it again"
		ok $([[ $ERR != *UNPROTECTED* ]]; echo $?) "... without complaining about its permissions"
	fi
done

# ---- the .pub -----------------------------------------------------------------------------------------
cp "$S/id.pub" "$TAP_TMP/id.pub.good"
cp "$S/other.pub" "$S/id.pub"
h=$(tree_hash "$TAP_TMP/home")
run "$KEYDROP" check --key "$S/id" --fix
is "$RC" 4 "a .pub of another key: exit 4 (even with --fix)"
has "$OUT" "problem: $S/id.pub does not match $S/id: it holds $(ssh-keygen -l -f "$S/other" | cut -d' ' -f2)" \
	"... does not match, naming the key it holds"
has "$OUT" "keydrop pubkey -f $S/id > $S/id.pub" "... and how to write the right one"
is "$(tree_hash "$TAP_TMP/home")" "$h" "... --fix changed nothing"
rm "$S/id.pub"
run "$KEYDROP" check --key "$S/id"
is "$RC" 0 "no .pub: exit 0"
like "$OUT" "note: $S/id.pub does not exist" "... with a note"
cp "$TAP_TMP/id.pub.good" "$S/id.pub"
chmod 664 "$S/id.pub"
run "$KEYDROP" check --key "$S/id"
is "$RC" 4 "group-writable .pub: exit 4"
like "$OUT" "problem: $S/id.pub is group or world writable \(mode 0664\)" "... reported"
run "$KEYDROP" check --key "$S/id" --fix
is "$RC:$(mode "$S/id.pub")" "0:644" "--fix: the .pub is 0644, exit 0"

# ---- passphrase-protected ----------------------------------------------------------------------------
ssh-keygen -q -t ed25519 -N 'pass phrase' -C 'enc@test' -f "$S/enc"
run timeout 20 "$KEYDROP" check --key "$S/enc" </dev/null
is "$RC" 0 "encrypted key: exit 0, no passphrase asked"
like "$OUT" "passphrase: yes \(aes256-ctr, 16 bcrypt rounds\)" "... reported as passphrase-protected"
is "$(fp_line "$OUT")" "$(ssh-keygen -l -f "$S/enc")" "... fingerprint as ssh-keygen -l"
is "$ERR" "" "... no prompt, nothing on stderr"
rm "$S/enc.pub"
run timeout 20 "$KEYDROP" check --key "$S/enc" </dev/null
is "$RC:$(fp_line "$OUT")" "0:$(ssh-keygen -l -f "$S/enc")" "... without its .pub too (the public half is in clear)"

# ---- symlinks -----------------------------------------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -f "$TAP_TMP/elsewhere"
chmod 644 "$TAP_TMP/elsewhere"
ln -s "$TAP_TMP/elsewhere" "$S/linked"
run "$KEYDROP" check --key "$S/linked"
is "$RC" 4 "symlinked 0644 key: exit 4"
like "$OUT" "note: $S/linked is a symlink to $TAP_TMP/elsewhere" "... the link and what it points to"
like "$OUT" "UNPROTECTED PRIVATE KEY FILE.*not changed by --fix \(a symlink" "... the target's mode, not fixable here"
before=$(stat -c '%a %i %Y' "$TAP_TMP/elsewhere")
run "$KEYDROP" check --key "$S/linked" --fix
is "$RC" 4 "--fix on the symlink: exit 4"
is "$(stat -c '%a %i %Y' "$TAP_TMP/elsewhere")" "$before" "... the link's target keeps its mode"
ok $([ -L "$S/linked" ]; echo $?) "... the link is still a link"
ok $([[ $OUT != *fixed:* ]]; echo $?) "... nothing claimed fixed"
chmod 600 "$TAP_TMP/elsewhere"
run "$KEYDROP" check --key "$S/linked"
is "$RC" 0 "symlink to a 0600 key: exit 0 (ssh follows it)"
like "$OUT" "note: $S/linked is a symlink" "... still noted"

# ---- the directory ------------------------------------------------------------------------------------
chmod 770 "$S"
run "$KEYDROP" check --key "$S/id"
is "$RC" 4 "group-writable .ssh: exit 4"
like "$OUT" "problem: $S \(the key's directory\) is group or world writable \(mode 0770\).*can replace your key" "... reported"
run "$KEYDROP" check --key "$S/id" --fix
is "$RC:$(mode "$S")" "0:700" "--fix: .ssh is 0700, exit 0"
chmod 755 "$S"
run "$KEYDROP" check --key "$S/id"
is "$RC" 0 ".ssh 0755: exit 0"
like "$OUT" "note: $S is mode 0755: .ssh should be 0700" "... with a note"
run "$KEYDROP" check --key "$S/id" --fix
is "$RC:$(mode "$S")" "0:700" "--fix: .ssh 0755 -> 0700"

# ---- wrong input --------------------------------------------------------------------------------------
h=$(tree_hash "$TAP_TMP/home")
run "$KEYDROP" check --key "$S/id.pub" --fix
is "$RC" 3 "a .pub given as KEY: exit 3"
is "$ERR" "keydrop: check: $S/id.pub: that is the public key; give the private key file ($S/id?)" "... with the hint"
is "$OUT" "" "... nothing on stdout"
is "$(tree_hash "$TAP_TMP/home")" "$h" "... nothing changed"
for t in --user=root --home=/root --file=/tmp/x --root=/; do
	run "$KEYDROP" check --key "$S/id" "$t"
	is "$RC" 2 "--key with ${t%%=*}: usage error"
	like "$ERR" "--key cannot be combined with ${t%%=*}" "... naming the conflict"
done
run "$KEYDROP" check --key "$S/nonexistent"
is "$RC" 1 "a missing key: exit 1"
echo "not a key" > "$S/junk"
chmod 600 "$S/junk"
run "$KEYDROP" check --key "$S/junk"
is "$RC" 4 "a file that is no key: exit 4"
like "$OUT" "problem: $S/junk: not a private key keydrop can read: " "... says so"

# ---- another user's key -------------------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
	user_binary
	U=54321
	D=$(mktemp -d /tmp/kd-ck.XXXXXX) && chmod 755 "$D"
	on_exit "rm -rf '$D'"
	ssh-keygen -q -t ed25519 -N '' -f "$D/rootkey" && chmod 644 "$D/rootkey"
	run setpriv --reuid $U --regid $U --clear-groups "$UBIN" check --key "$D/rootkey" --fix
	is "$RC" 4 "uid $U checking root's 0644 key: exit 4"
	like "$OUT" "problem: $D/rootkey is owned by uid 0, not you \(uid $U\).*not changed by --fix \(it belongs to another user\)" \
		"... reported as another user's"
	is "$(stat -c '%a %u' "$D/rootkey")" "644 0" "... --fix left it alone"
	ok $([[ $OUT != *fixed:* ]]; echo $?) "... nothing claimed fixed"
	ssh-keygen -q -t ed25519 -N '' -f "$D/mine" && chmod 640 "$D/mine" && chown $U:$U "$D/mine" "$D/mine.pub"
	run setpriv --reuid $U --regid $U --clear-groups "$UBIN" check --key "$D/mine" --fix
	is "$RC:$(stat -c '%a %u' "$D/mine")" "0:600 $U" "uid $U --fix on its own 0640 key: 0600, exit 0"
else
	skip "another user's key needs root (setpriv)"
fi

# A shared sticky directory (/tmp-like): others cannot replace the key there, so it is a note (exit
# 0), not a problem; --fix leaves the directory alone.
SH=$TAP_TMP/sharedtmp; mkdir -p "$SH" && chmod 1777 "$SH"
ssh-keygen -q -t ed25519 -N '' -f "$SH/k"
run "$KEYDROP" check --key "$SH/k" --fix
is "$RC" 0 "a key in a sticky world-writable directory: exit 0"
like "$OUT" "note: .*shared directory.*sticky" "... a note saying why"
is "$(stat -c %a "$SH")" 1777 "... --fix left the shared directory as it was"

# A symlinked key directory (~/.ssh -> elsewhere): checked where it points, never changed by --fix.
mkdir -p "$TAP_TMP/real" && chmod 775 "$TAP_TMP/real"
ln -s "$TAP_TMP/real" "$TAP_TMP/linkdir"
ssh-keygen -q -t ed25519 -N '' -f "$TAP_TMP/real/k"
run "$KEYDROP" check --key "$TAP_TMP/linkdir/k" --fix
is "$RC" 4 "a key in a symlinked group-writable directory: exit 4 (reported)"
like "$OUT" "is a symlink: its target is checked, never changed" "... says the directory is a symlink"
is "$(stat -c %a "$TAP_TMP/real")" 775 "... --fix left the link's target alone"

run "$KEYDROP" check --help
like "$OUT" "keydrop check --key KEY \[--fix\]" "check --help documents --key"
like "$(sed -n '/^keydrop check --key/p' "$(dirname "$0")/../../README.md")" "check --key" "README's command list has check --key"

done_testing
