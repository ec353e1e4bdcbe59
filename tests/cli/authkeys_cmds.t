#!/bin/bash
# keydrop install --source (managed blocks), list (--json), remove (fingerprint, comment, block),
# check (StrictModes problems, lines sshd skips, --fix by descriptor).
source "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TMP"

for k in a b c; do ssh-keygen -q -t ed25519 -N '' -C "key-$k" -f "$k"; done
ssh-keygen -q -t rsa -b 2048 -N '' -C "rsa key" -f r
fp() { ssh-keygen -lf "$1.pub" | cut -d' ' -f2; }
H=$TAP_TMP/h
mkdir -p "$H/.ssh"; chmod 700 "$H/.ssh"
AK=$H/.ssh/authorized_keys
printf '# hand-written\n%s\n' "$(cat c.pub)" > "$AK"; chmod 600 "$AK"

# ---- managed blocks ---------------------------------------------------------------------------------------
run "$KEYDROP" install --home "$H" --source account a.pub
is "$RC" 0 "install --source account"
is "$OUT" "added 256 $(fp a) key-a (ED25519) [account]" "... says what was added"
is "$(cat "$AK")" "# hand-written
$(cat c.pub)
# keydrop:begin account
$(cat a.pub)
# keydrop:end account" "a new block is appended after the user's lines"
run "$KEYDROP" install --home "$H" --key "$(cat r.pub)"
run "$KEYDROP" install --home "$H" --source account b.pub
is "$(sed -n 4,6p "$AK")" "$(cat a.pub)
$(cat b.pub)
# keydrop:end account" "a second key goes inside the existing block, before its end"
is "$(tail -1 "$AK")" "$(cat r.pub)" "the key without --source stays outside, at the end"

# A key present only on a line sshd skips (bad options) is not "present": it is added again.
W=$TAP_TMP/w
mkdir -p "$W/.ssh"; echo "no-ptyx $(cat a.pub)" > "$W/.ssh/authorized_keys"
run "$KEYDROP" install --home "$W" a.pub
is "$RC" 0 "a key whose only line sshd skips..."
is "$OUT" "added 256 $(fp a) key-a (ED25519)" "... is added, not reported present"
# A home sshd would refuse: the install works and warns.
chmod 777 "$W"
run "$KEYDROP" install --home "$W" b.pub
is "$RC" 0 "install into a world-writable home succeeds"
like "$ERR" "warning: $W is group or world writable: sshd \(StrictModes\) will ignore" "... and warns"
run "$KEYDROP" -q install --home "$W" c.pub
is "$ERR" "" "... not with -q"
chmod 755 "$W"

# ---- list -------------------------------------------------------------------------------------------------
run "$KEYDROP" list --home "$H"
is "$RC" 0 "list exits 0"
is "$OUT" "2: 256 $(fp c) key-c (ED25519)
4: 256 $(fp a) key-a (ED25519) [block account]
5: 256 $(fp b) key-b (ED25519) [block account]
7: 2048 $(fp r) rsa key (RSA)" "list: line, bits, fingerprint, comment, type, block"
run "$KEYDROP" list --home "$H" --json
is "$RC" 0 "list --json exits 0"
printf '%s' "$OUT" > list.json
python3 - list.json "$(fp a)" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 4, d
a = d[1]
assert a == {"line": 4, "fingerprint": sys.argv[2], "type": "ssh-ed25519", "bits": 256, "comment": "key-a",
             "options": None, "source": "account", "denied": False}, a
assert d[3]["bits"] == 2048 and d[3]["type"] == "ssh-rsa" and d[3]["source"] is None
EOF
ok $? "list --json is valid JSON with the expected fields"
printf 'no-pty,command="echo \\"hi\\"" %s evil\033[31m\xff\n' "$(cut -d' ' -f1,2 a.pub)" > "$H/odd"
mkdir -p "$TAP_TMP/h3/.ssh"; cp "$H/odd" "$TAP_TMP/h3/.ssh/authorized_keys"
run "$KEYDROP" list --home "$TAP_TMP/h3" --json
printf '%s' "$OUT" > odd.json
python3 -c '
import json,sys
d=json.load(open("odd.json"))
assert d[0]["options"] == "no-pty,command=\"echo \\\"hi\\\"\"", d
assert d[0]["comment"] == "evil\x1b[31m\ufffd", d' ; ok $? "list --json escapes quotes, control bytes and invalid UTF-8"
run "$KEYDROP" list --home "$TAP_TMP/h3"
[[ $OUT != *$'\033'* ]] && [[ $OUT == *"evil?[31m"* ]]; ok $? "list shows control characters as '?'"
run "$KEYDROP" list --home "$TAP_TMP/nohome"
is "$RC" 1 "list on a missing home: exit 1"

# ---- remove -----------------------------------------------------------------------------------------------
cp "$AK" before
run "$KEYDROP" remove --home "$H" "$(fp b)"
is "$RC" 0 "remove by SHA256 fingerprint"
is "$OUT" "removed 256 $(fp b) key-b (ED25519) from block account (line 5); sync will not bring it back (install it to allow it again)" \
	"... says which line and which block"
diff <(sed "s|^$(cat b.pub)\$|# keydrop:denied $(fp b)|" before) "$AK" > /dev/null; ok $? "... only that line changed: it is the block's denial now"
run "$KEYDROP" remove --home "$H" "$(ssh-keygen -E md5 -lf r.pub | cut -d' ' -f2)"
is "$RC:$(grep -c ssh-rsa "$AK")" "0:0" "remove by MD5 fingerprint"
touch -d '2001-01-01' "$AK"; m0=$(stat -c %Y "$AK")
run "$KEYDROP" remove --home "$H" "$(fp b)"
is "$RC" 0 "removing a block's key again: exit 0 (it is denied: removed before)"
is "$OUT" "already removed $(fp b) (denied in block account)" "... says so"
is "$(stat -c %Y "$AK")" "$m0" "... and does not write"
run "$KEYDROP" remove --home "$H" "$(fp r)" "$(fp c)"
is "$RC:$OUT" "1:" "a fingerprint that matches no key (and no denial): exit 1"
is "$ERR" "keydrop: remove: $AK: no key $(fp r) (nothing removed; 'keydrop list' shows the keys)" "... says which, on stderr"
is "$(stat -c %Y "$AK"):$(grep -c key-c "$AK")" "$m0:1" "... and removes nothing else either (all or nothing)"
run "$KEYDROP" remove --home "$H" --comment key-c
is "$RC:$(grep -c key-c "$AK")" "0:0" "remove --comment (the user's own key, outside blocks)"
run "$KEYDROP" install --home "$H" c.pub
run "$KEYDROP" remove --home "$H" --source account
is "$RC" 0 "remove --source account"
is "$(cat "$AK")" "# hand-written
$(cat c.pub)" "... the whole block is gone, the rest kept"
run "$KEYDROP" remove --home "$H" not-a-fingerprint
is "$RC" 2 "remove with a bad fingerprint: exit 2"
like "$ERR" "'not-a-fingerprint' is not a fingerprint" "... says so"
run "$KEYDROP" remove --home "$H" -- "$(fp a)" "$(cat a)"
is "$RC:$ERR" "2:keydrop: remove: argument 2 is not a fingerprint (SHA256:... or MD5:xx:...) (try 'keydrop remove --help')" \
	"remove with a private key as argument: exit 2, not echoed"
run "$KEYDROP" remove --home "$H" --comment x "$(fp a)"
is "$RC" 2 "remove with two selectors: exit 2"
# what a user trips over: the prefix in lower case, a whole `ssh-keygen -l` line, a source, a
# key or a .pub path where a fingerprint goes (each gets a hint), and what --source removed
run "$KEYDROP" install --home "$H" --source acct a.pub b.pub
cp "$AK" "$TAP_TMP/ak.before"
run "$KEYDROP" remove --home "$H" "sha256:$(fp a | cut -d: -f2)"
is "$RC:$OUT" "0:removed $(ssh-keygen -lf a.pub | cut -d' ' -f1-3) (ED25519) from block acct (line $(grep -n "$(cut -d' ' -f2 a.pub)" "$TAP_TMP/ak.before" | cut -d: -f1)); sync will not bring it back (install it to allow it again)" \
	"remove takes the prefix in lower case (sha256:...)"
cp "$TAP_TMP/ak.before" "$AK"
run "$KEYDROP" remove --home "$H" -- "$(ssh-keygen -lf b.pub)"
like "$RC:$ERR" "^2:.*give only its SHA256:... word, not the whole line" "a whole ssh-keygen -l line: the hint says which word"
run "$KEYDROP" remove --home "$H" gh:alice
like "$RC:$ERR" "^2:.*that is a key source; to remove the keys it installed into a block, give --source NAME" \
	"a source where a fingerprint goes: the hint names --source"
run "$KEYDROP" remove --home "$H" "$(cut -d' ' -f1,2 b.pub)"
like "$RC:$ERR" "^2:.*that is a key; 'keydrop fingerprint -' prints its fingerprint" "a key where a fingerprint goes: a hint"
run "$KEYDROP" remove --home "$H" b.pub
like "$RC:$ERR" "^2:.*that is a file; 'keydrop fingerprint FILE' prints the fingerprints of its keys" "a .pub path: a hint"
cmp -s "$AK" "$TAP_TMP/ak.before"; ok $? "... none of them changed the file"
run "$KEYDROP" remove --home "$H" --source acct
is "$RC" 0 "remove --source acct"
is "$OUT" "removed $(ssh-keygen -lf a.pub | cut -d' ' -f1-3) (ED25519) (line $(grep -n "$(cut -d' ' -f2 a.pub)" "$TAP_TMP/ak.before" | cut -d: -f1))
removed $(ssh-keygen -lf b.pub | cut -d' ' -f1-3) (ED25519) (line $(grep -n "$(cut -d' ' -f2 b.pub)" "$TAP_TMP/ak.before" | cut -d: -f1))
removed block acct (4 lines)" "... lists the keys it removed, then the block"
: > "$TAP_TMP/empty_ak"
run "$KEYDROP" list --file "$TAP_TMP/empty_ak"
is "$RC:$OUT:$ERR" "0::keydrop: list: $TAP_TMP/empty_ak: no keys" "list of an empty file says 'no keys' (stderr; stdout stays empty)"
run "$KEYDROP" -q list --file "$TAP_TMP/empty_ak"
is "$RC:$OUT:$ERR" "0::" "... and nothing with -q"

# ---- check ------------------------------------------------------------------------------------------------
C=$TAP_TMP/ch
mkdir -p "$C/.ssh"
cp a.pub "$C/.ssh/authorized_keys"
chmod 755 "$C"; chmod 700 "$C/.ssh"; chmod 600 "$C/.ssh/authorized_keys"
run "$KEYDROP" check --home "$C"
is "$RC" 0 "check: a good home exits 0"
like "$OUT" "ok: $C/.ssh/authorized_keys" "... says ok"
# a file too large to read (sparse: 65 MiB) is still checked for its links and mode
B=$TAP_TMP/big
mkdir -p "$B/.ssh"; chmod 755 "$B"; chmod 700 "$B/.ssh"
cp a.pub "$B/.ssh/authorized_keys"; truncate -s 65M "$B/.ssh/authorized_keys"; chmod 666 "$B/.ssh/authorized_keys"
ln "$B/.ssh/authorized_keys" "$B/.ssh/other-name"
run "$KEYDROP" check --home "$B"
is "$RC" 4 "check of a 65 MiB file: problems (exit 4)"
like "$OUT" "larger than 64 MiB: its lines are not checked" "... says its lines are not checked"
like "$OUT" "has 2 hard links" "... and still reports its hard link"
like "$OUT" "group or world writable \(mode 0666\)" "... and its mode"
rm -rf "$B"
chmod 775 "$C"; chmod 770 "$C/.ssh"; chmod 666 "$C/.ssh/authorized_keys"
{ cat a.pub; echo "garbage line"; echo "ssh-ed25519 AAAA truncated"; echo "no-ptyx $(cat b.pub)"; echo "ssh-rsa $(cut -d' ' -f2 a.pub) mismatch"; } > "$C/.ssh/authorized_keys"
run "$KEYDROP" check --home "$C"
is "$RC" 4 "check: problems -> exit 4"
like "$OUT" "problem: $C is group or world writable \(mode 0775\)" "... home writable"
like "$OUT" "problem: $C/.ssh is group or world writable \(mode 0770\)" "... .ssh writable"
like "$OUT" "problem: $C/.ssh/authorized_keys is group or world writable \(mode 0666\)" "... file writable"
like "$OUT" "problem: line 2: sshd skips it" "... garbage line"
like "$OUT" "problem: line 3: sshd skips it: key data is truncated" "... truncated key"
like "$OUT" "problem: line 4: sshd skips it: bad options: unknown key option at 'no-ptyx'" "... bad options, which one"
like "$OUT" "problem: line 5: sshd skips it: key type does not match" "... type mismatch"
like "$ERR" "^keydrop: check: $C/.ssh/authorized_keys: 7 problems" "... one summary line on stderr"
run "$KEYDROP" check --home "$C" --fix
is "$RC" 4 "check --fix: the bad lines remain, so exit 4"
like "$OUT" "fixed: $C mode 0775 -> 0755" "... home mode fixed"
like "$OUT" "fixed: $C/.ssh mode 0770 -> 0700" "... .ssh mode fixed"
like "$OUT" "fixed: $C/.ssh/authorized_keys mode 0666 -> 0600" "... file mode fixed"
is "$(stat -c %a "$C" "$C/.ssh" "$C/.ssh/authorized_keys" | tr '\n' ' ')" "755 700 600 " "modes really changed"
is "$(sed -n 2p "$C/.ssh/authorized_keys")" "garbage line" "--fix does not touch the content"
cp a.pub "$C/.ssh/authorized_keys"
run "$KEYDROP" check --home "$C"
is "$RC" 0 "after fixing the lines by hand: exit 0"
rm -rf "$C/.ssh"; ln -s "$H/.ssh" "$C/.ssh"
run "$KEYDROP" check --home "$C" --fix
is "$RC" 4 "check: symlinked .ssh is a problem"
like "$OUT" "\.ssh is a symlink \(keydrop refuses to follow it; not changed by --fix\)" "... that --fix leaves alone"
is "$(stat -c %a "$H/.ssh")" 700 "... and the symlink target was not touched"
rm -f "$C/.ssh"
run "$KEYDROP" check --home "$C"
is "$RC" 4 "check: missing .ssh is a problem"
if [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$C/.ssh"; cp a.pub "$C/.ssh/authorized_keys"; chown -R 4321 "$C/.ssh"; chown 0 "$C"
	run "$KEYDROP" check --home "$C" --user root
	like "$OUT" "\.ssh is owned by uid 4321, not root or root" "check: foreign owner reported"
	run "$KEYDROP" check --home "$C" --user root --fix
	is "$RC" 4 "check --fix does not take over a .ssh and file that belong to another user"
	like "$OUT" "\.ssh is owned by uid 4321, not root or root: sshd refuses it \(StrictModes\); not changed by --fix" \
		"... says .ssh is left alone"
	like "$OUT" "authorized_keys is owned by uid 4321, not root or root: .*not changed by --fix" "... and the file too"
	is "$(stat -c %u "$C/.ssh" "$C/.ssh/authorized_keys" | tr '\n' ' ')" "4321 4321 " "... owners really unchanged"
else
	skip "ownership checks need root"
fi
F=$TAP_TMP/dropbear/authorized_keys
mkdir -p "${F%/*}"; cp a.pub "$F"; chmod 620 "$F"
chmod 777 "${F%/*}"
anc=$(stat -c %a "$TAP_TMP/.." "$TAP_TMP")
run "$KEYDROP" check --file "$F" --fix
like "$OUT" "fixed: $F mode 0620 -> 0600" "check --file --fix on a group-writable file"
is "$(stat -c %a "$F")" 600 "... now 0600"
is "$RC" 4 "... but the directory above stays a problem"
like "$OUT" "problem: ${F%/*} is group or world writable \(mode 0777\): sshd refuses it \(StrictModes\); not changed by --fix" \
	"... reported, not changed: directories above a --file target are never chmod'ed"
is "$(stat -c %a "${F%/*}")" 777 "... its mode really unchanged"
is "$(stat -c %a "$TAP_TMP/.." "$TAP_TMP")" "$anc" "... nor any directory above it"
# --file (dropbear-initramfs style): an existing file keeps its mode (minus group/world write).
D=$TAP_TMP/etc/dropbear-initramfs
mkdir -p "$D"; cp c.pub "$D/authorized_keys"; chmod 664 "$D/authorized_keys"
run "$KEYDROP" install --file "$D/authorized_keys" a.pub
is "$RC" 0 "install --file into an existing file"
is "$(stat -c %a "$D/authorized_keys"):$(wc -l < "$D/authorized_keys")" "644:2" "... mode kept minus group write, key appended"
run "$KEYDROP" install --root "$TAP_TMP" --file /etc/dropbear-initramfs/new_keys b.pub
is "$RC" 0 "install --root DIR --file PATH creates the file under DIR"
is "$(stat -c %a "$D/new_keys"):$(cat "$D/new_keys")" "600:$(cat b.pub)" "... 0600 with the key"
run "$KEYDROP" install --file "$TAP_TMP/no/such/dir/ak" a.pub
is "$RC" 1 "install --file into a missing directory: exit 1"
run "$KEYDROP" install --file "$D/" a.pub
is "$RC" 1 "install --file DIR/: exit 1"
like "$ERR" "--file needs a file path" "... says why"
# The same mistakes give the same exit code and message from every command (one shared path).
for cmd in install remove list check; do
	args=(); [ "$cmd" = install ] && args=(a.pub); [ "$cmd" = remove ] && args=(--comment x)
	before=$(sha256sum < "$D/authorized_keys")
	run "$KEYDROP" "$cmd" --file "$D/authorized_keys" --home "$H" "${args[@]}"
	is "$RC" 2 "$cmd --file with --home: usage error (exit 2)"
	like "$ERR" "^keydrop: $cmd: --file and --home cannot be combined" "... says why"
	is "$(sha256sum < "$D/authorized_keys")" "$before" "... nothing written"
	run "$KEYDROP" "$cmd" --user no-such-user-kd "${args[@]}"
	is "$RC:$ERR" "1:keydrop: $cmd: no such user 'no-such-user-kd' (give --home DIR)" \
		"$cmd --user with an unknown user: exit 1, one clear line"
done
# "1 problem remains" (singular) after --fix.
G=$TAP_TMP/g1
mkdir -p "$G/.ssh"; chmod 755 "$G"; chmod 700 "$G/.ssh"
{ cat a.pub; echo "garbage"; } > "$G/.ssh/authorized_keys"; chmod 666 "$G/.ssh/authorized_keys"
run "$KEYDROP" check --home "$G" --fix
is "$RC" 4 "check --fix with one problem left: exit 4"
is "$ERR" "keydrop: check: $G/.ssh/authorized_keys: 1 problem remains" "... '1 problem remains'"
run "$KEYDROP" check --bogus
is "$RC" 2 "check with a bad option: exit 2"
# A scratch container: no HOME and no passwd entry for the uid. The hint must not lead in a circle
# (--user would fail the same way): it names --home and --file.
if [ "$(id -u)" -eq 0 ]; then
	user_binary
	run env -u HOME setpriv --reuid 54321 --regid 54321 --clear-groups "$UBIN" list
	is "$RC:$ERR" "1:keydrop: list: cannot tell the home directory: no HOME and no passwd entry for uid 54321 (give --home DIR or --file PATH)" \
		"no HOME, no passwd entry: the hint names --home and --file"
	run "$KEYDROP" list --home "$TAP_TMP/no-such-home"
	like "$ERR" "no-such-home: No such file or directory \(the home directory .*: create it first, or give --home DIR\)" \
		"a missing home says to create it"
fi
# ---- a present key given with other options (install --replace-options) ----------------------------------
O=$TAP_TMP/opts
mkdir -p "$O/.ssh"; chmod 700 "$O/.ssh"
KA=$(cut -d' ' -f1,2 a.pub) KB=$(cut -d' ' -f1,2 b.pub)
printf '# mine\n  %s file-comment-a\n# keydrop:begin acct\nno-agent-forwarding\t%s file-comment-b\r\n# keydrop:end acct\n' \
	"$KA" "$KB" > "$O/.ssh/authorized_keys"
chmod 600 "$O/.ssh/authorized_keys"
cp "$O/.ssh/authorized_keys" opts.orig
touch -d '2001-01-01 00:00:00' "$O/.ssh/authorized_keys"
run "$KEYDROP" install --home "$O" --key "no-pty $KA new-comment"
is "$RC" 0 "a present key with new options: exit 0"
is "$OUT" "present 256 $(fp a) file-comment-a (ED25519) (line 2, other options)" \
	"... 'present' with the file's comment, and says the options differ"
is "$ERR" "keydrop: install: warning: line 2 keeps its options (none), not the given 'no-pty' (add --replace-options to apply them)" \
	"... a warning names both option sets"
cmp -s opts.orig "$O/.ssh/authorized_keys"; ok $? "... the file is not changed"
is "$(stat -c %Y "$O/.ssh/authorized_keys")" "$(date -d '2001-01-01 00:00:00' +%s)" "... nor rewritten"
run "$KEYDROP" -q install --home "$O" --key "no-pty $KA new-comment"
like "$ERR" "warning: line 2 keeps its options" "... the warning survives -q (restrictions not applied)"
run "$KEYDROP" install --home "$O" --key "$KA new-comment"
is "$OUT:$ERR" "present 256 $(fp a) file-comment-a (ED25519) (line 2):" "same options: present, no warning"

run "$KEYDROP" install --home "$O" --replace-options --key "no-pty $KA new" --key "no-pty,from=\"10.0.0.1\" $KB new" c.pub
is "$RC" 0 "install --replace-options: exit 0"
is "$OUT" "added 256 $(fp c) key-c (ED25519)
options replaced 256 $(fp a) file-comment-a (ED25519) (line 2: (none) -> 'no-pty')
options replaced 256 $(fp b) file-comment-b (ED25519) (line 4: 'no-agent-forwarding' -> 'no-pty,from=\"10.0.0.1\"')" \
	"... says what it replaced, naming both, and what it added"
printf '# mine\n  no-pty %s file-comment-a\n# keydrop:begin acct\nno-pty,from="10.0.0.1"\t%s file-comment-b\r\n# keydrop:end acct\n%s\n' \
	"$KA" "$KB" "$(cat c.pub)" > opts.want
cmp -s opts.want "$O/.ssh/authorized_keys"; st=$?
ok $st "... lines rewritten in place (blanks, tab, CR, comments, block kept)"
[ $st -eq 0 ] || diff <(cat -A opts.want) <(cat -A "$O/.ssh/authorized_keys") | sed 's/^/#   /'
run "$KEYDROP" install --home "$O" --replace-options --key "$KB x"
is "$OUT" "options replaced 256 $(fp b) file-comment-b (ED25519) (line 4: 'no-pty,from=\"10.0.0.1\"' -> (none))" \
	"--replace-options with no options drops them"
is "$(sed -n 4p "$O/.ssh/authorized_keys")" "$(printf '%s file-comment-b\r' "$KB")" "... and the blanks before the key"
cp "$O/.ssh/authorized_keys" opts.before
run "$KEYDROP" install --home "$O" --replace-options --key "$KB x"
is "$OUT:$ERR" "present 256 $(fp b) file-comment-b (ED25519) (line 4):" "same options again: present"
cmp -s opts.before "$O/.ssh/authorized_keys"; ok $? "... nothing written"
# sync refuses an already expired entry like install (sshd: "entry expired"); --skip-invalid skips
# just that line.
ssh-keygen -q -t ed25519 -N '' -C exp1 -f "$TAP_TMP/exp1"; ssh-keygen -q -t ed25519 -N '' -C exp2 -f "$TAP_TMP/exp2"
{ echo "expiry-time=\"20000101\" $(cat "$TAP_TMP/exp1.pub")"; cat "$TAP_TMP/exp2.pub"; } > "$TAP_TMP/exp.keys"
mkdir -p -m 700 "$TAP_TMP/eh/.ssh"; echo "# mine" > "$TAP_TMP/eh/.ssh/authorized_keys"; chmod 600 "$TAP_TMP/eh/.ssh/authorized_keys"
before=$(tree_hash "$TAP_TMP/eh")
run "$KEYDROP" sync --home "$TAP_TMP/eh" --source acct "$TAP_TMP/exp.keys"
is "$RC" 3 "sync with an expired expiry-time: refused (exit 3)"
like "$ERR" "line 1: expiry-time is already past: sshd refuses the key" "... says why"
is "$(tree_hash "$TAP_TMP/eh")" "$before" "... every file byte-for-byte unchanged"
run "$KEYDROP" sync --home "$TAP_TMP/eh" --source acct --skip-invalid "$TAP_TMP/exp.keys"
is "$RC" 0 "sync --skip-invalid: the other key is taken"
like "$ERR" "line 1: skipped: expiry-time is already past" "... the expired line reported"
is "$(grep -c exp1 "$TAP_TMP/eh/.ssh/authorized_keys"):$(grep -c exp2 "$TAP_TMP/eh/.ssh/authorized_keys")" "0:1" "... only the live key written"
# fingerprint reads an authorized_keys file as sshd and ssh-keygen -lf do: a VT inside the key data
# and a NUL after the key hide nothing.
ssh-keygen -q -t ed25519 -N '' -C oddfp -f "$TAP_TMP/oddfp"
read -r ty b64 cm < "$TAP_TMP/oddfp.pub"
printf '%s %s\v%s %s\n%s\0trailing\n' "$ty" "${b64:0:20}" "${b64:20}" "$cm" "$(cat "$TAP_TMP/exp2.pub")" > "$TAP_TMP/odd.ak"
run "$KEYDROP" fingerprint "$TAP_TMP/odd.ak"
is "$RC:$OUT" "0:$(ssh-keygen -lf "$TAP_TMP/odd.ak")" "fingerprint of odd-byte lines: exactly ssh-keygen -lf's output"
done_testing
