#!/bin/bash
# Removals that stick (issue 10 §2): a key removed from a managed block is denied in that block, so
# the next sync does not bring it back; list shows the denial; install allows the key again; remove
# --source drops the denials with the block. Fragments (§3): --fragment NAME works on
# ~/.ssh/authorized_keys.d/NAME through the same walk, with the same modes and refusals.
source "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TMP"

for k in a b c; do ssh-keygen -q -t ed25519 -N '' -C "key-$k" -f "$k"; done
fp() { ssh-keygen -lf "$1.pub" | cut -d' ' -f2; }
H=$TAP_TMP/h
mkdir -p "$H/.ssh"; chmod 700 "$H/.ssh"
AK=$H/.ssh/authorized_keys
cat c.pub > "$AK"; chmod 600 "$AK"
cat a.pub b.pub > src.keys

# ---- removals that stick ----------------------------------------------------------------------------------
run "$KEYDROP" sync --home "$H" --source acct "file:$TAP_TMP/src.keys"
is "$RC:$(grep -c key- "$AK")" "0:3" "sync: both keys of the source are in block acct"
run "$KEYDROP" remove --home "$H" "$(fp a)"
is "$RC" 0 "remove a key of the block"
is "$OUT" "removed 256 $(fp a) key-a (ED25519) from block acct (line 3); sync will not bring it back (install it to allow it again)" \
	"... says which block it was in and that sync will not bring it back"
is "$(cat "$AK")" "$(cat c.pub)
# keydrop:begin acct
# keydrop:denied $(fp a)
$(cat b.pub)
# keydrop:end acct" "... its line became the block's denial"
run "$KEYDROP" sync --home "$H" --source acct "file:$TAP_TMP/src.keys"
is "$RC" 0 "sync again: exit 0 (a denied key is not an error)"
grep -qF "$(cut -d' ' -f2 a.pub)" "$AK"; ok $(( ! $? )) "... the removed key is still absent from the file"
is "$ERR" "keydrop: sync: $(fp a) is denied in block acct: not added (install allows it)" \
	"... says so once, on stderr"
is "$OUT" "block acct: 1 key (0 added, 0 removed, 1 denied)" "... and counts it"
grep -qxF "# keydrop:denied $(fp a)" "$AK"; ok $? "... the denial is kept"
touch -d '2001-01-01' "$AK"; m0=$(stat -c %Y "$AK")
run "$KEYDROP" -q sync --home "$H" --source acct "file:$TAP_TMP/src.keys"
is "$RC:$OUT:$ERR:$(stat -c %Y "$AK")" "0:::$m0" "a third sync: nothing to write, nothing said with -q"
run "$KEYDROP" list --home "$H"
is "$OUT" "1: 256 $(fp c) key-c (ED25519)
3: denied $(fp a) [block acct]
4: 256 $(fp b) key-b (ED25519) [block acct]" "list shows the denied key with its block"
run "$KEYDROP" list --home "$H" --json
printf '%s' "$OUT" > l.json
python3 - l.json "$(fp a)" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d[1] == {"line": 3, "fingerprint": sys.argv[2], "type": None, "bits": None, "comment": None, "options": None,
                "source": "acct", "denied": True}, d[1]
assert [e["denied"] for e in d] == [False, True, False], d
EOF
ok $? "list --json: the denial has \"denied\": true and its block as source"
run "$KEYDROP" remove --home "$H" "$(fp a)"
is "$RC:$OUT:$(stat -c %Y "$AK")" "0:already removed $(fp a) (denied in block acct):$m0" \
	"remove of the denied key again: exit 0, said, not written (idempotent)"
run "$KEYDROP" remove --home "$H" "$(fp a)" "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
is "$RC:$OUT:$(stat -c %Y "$AK")" "1::$m0" "a fingerprint that matches nothing: exit 1, nothing written"
like "$ERR" "no key SHA256:AAAA.*nothing removed" "... names it"
run "$KEYDROP" install --home "$H" --source acct a.pub
is "$RC" 0 "install of the denied key"
is "$OUT" "allowed again 256 $(fp a) key-a (ED25519) (no longer denied in block acct)
added 256 $(fp a) key-a (ED25519) [acct]" "... says the denial is lifted and the key added"
grep -q "keydrop:denied" "$AK"; ok $(( ! $? )) "... the denial line is gone"
run "$KEYDROP" sync --home "$H" --source acct "file:$TAP_TMP/src.keys"
is "$RC:$ERR:$(grep -c key-a "$AK")" "0::1" "sync after install: the key stays, once, nothing denied"
# A removal by --comment of a block key denies it too; remove --source drops block and denials.
run "$KEYDROP" remove --home "$H" --comment key-b
is "$RC:$(grep -c "keydrop:denied $(fp b)" "$AK")" "0:1" "remove --comment of a block key denies it as well"
run "$KEYDROP" remove --home "$H" --source acct
is "$RC" 0 "remove --source acct"
is "$OUT" "removed 256 $(fp a) key-a (ED25519) (line 3)
dropped denial $(fp b) (line 4)
removed block acct (4 lines)" "... lists the keys and denials it removed, then the block"
is "$(cat "$AK")" "$(cat c.pub)" "... only the user's own line is left"
# A key outside any block is removed as before: no denial.
run "$KEYDROP" remove --home "$H" "$(fp c)"
is "$RC:$OUT:$(wc -c < "$AK")" "0:removed 256 $(fp c) key-c (ED25519) (line 1):0" "a key outside blocks: removed, no denial"
# A hand-written look-alike outside a block, or a malformed one inside, is a comment (the user's, kept;
# the block's, replaced by sync like any other line of the block).
printf '# keydrop:denied %s\n# keydrop:begin acct\n# keydrop:denied %s trailing\n# keydrop:end acct\n' "$(fp a)" "$(fp a)" > "$AK"
cp "$AK" look.before
run "$KEYDROP" sync --home "$H" --source acct "file:$TAP_TMP/src.keys"
is "$RC:$ERR:$(grep -c key-a "$AK")" "0::1" "look-alike denial lines deny nothing"
is "$(head -1 "$AK")" "$(head -1 look.before)" "... the one outside the block is kept byte for byte"

# ---- fragments --------------------------------------------------------------------------------------------
F=$TAP_TMP/f
mkdir -p "$F"
FR=$F/.ssh/authorized_keys.d/team
run "$KEYDROP" install --home "$F" --fragment team a.pub
is "$RC:$OUT" "0:added 256 $(fp a) key-a (ED25519)" "install --fragment team"
is "$(stat -c %a "$F/.ssh"):$(stat -c %a "$F/.ssh/authorized_keys.d"):$(stat -c %a "$FR")" "700:700:600" \
	"... .ssh and authorized_keys.d made 0700, the fragment 0600"
is "$(cat "$FR")" "$(cat a.pub)" "... the fragment holds the key"
[ ! -e "$F/.ssh/authorized_keys" ]; ok $? "... authorized_keys itself is not touched"
run "$KEYDROP" sync --home "$F" --fragment team "file:$TAP_TMP/src.keys"
is "$RC" 0 "sync --fragment team"
is "$(cat "$FR")" "$(cat a.pub)
# keydrop:begin team
$(cat a.pub)
$(cat b.pub)
# keydrop:end team" "... manages block team inside the fragment; the installed line stays"
run "$KEYDROP" remove --home "$F" --fragment team "$(fp b)"
is "$RC:$(grep -c "keydrop:denied $(fp b)" "$FR")" "0:1" "remove --fragment: the block key is denied in the fragment"
run "$KEYDROP" sync --home "$F" --fragment team "file:$TAP_TMP/src.keys"
grep -qF "$(cut -d' ' -f2 b.pub)" "$FR"; ok $(( ! $? )) "... and the next sync --fragment does not bring it back"
run "$KEYDROP" list --home "$F" --fragment team
is "$OUT" "1: 256 $(fp a) key-a (ED25519)
3: denied $(fp b) [block team]
4: 256 $(fp a) key-a (ED25519) [block team]" "list --fragment"
run "$KEYDROP" check --home "$F" --fragment team
is "$RC" 0 "check --fragment: no problem"
run "$KEYDROP" list --home "$F" --fragment other
is "$RC" 1 "list of a fragment that does not exist: exit 1"
chmod 775 "$F/.ssh/authorized_keys.d"
run "$KEYDROP" check --home "$F" --fragment team
is "$RC" 4 "check --fragment: a group-writable authorized_keys.d is a problem"
chmod 700 "$F/.ssh/authorized_keys.d"
# Usage: contradictions and names.
for args in "--file $TAP_TMP/x --fragment team" "--fragment team --source team" "--fragment ../x" "--fragment .team" \
	"--fragment a/b" "--fragment ."; do
	run "$KEYDROP" install --home "$F" $args a.pub
	is "$RC" 2 "install $args: usage error"
done
run "$KEYDROP" sync --home "$F" --fragment team --source x "file:$TAP_TMP/src.keys"
like "$RC:$ERR" "^2:.*--fragment and --source cannot be combined" "sync --fragment with --source: usage error, said"
# The walk: a symlinked authorized_keys.d, or a symlinked fragment, is refused and nothing is written.
S=$TAP_TMP/s
mkdir -p "$S/.ssh" "$TAP_TMP/elsewhere"; chmod 700 "$S/.ssh" "$TAP_TMP/elsewhere"
ln -s "$TAP_TMP/elsewhere" "$S/.ssh/authorized_keys.d"
run "$KEYDROP" install --home "$S" --fragment team a.pub
like "$RC:$ERR" "^1:keydrop: install: .*authorized_keys.d is a symlink: refusing to follow it" "a symlinked authorized_keys.d is refused"
is "$(ls -A "$TAP_TMP/elsewhere")" "" "... nothing written where it points"
rm "$S/.ssh/authorized_keys.d"; mkdir -m 700 "$S/.ssh/authorized_keys.d"
ln -s "$TAP_TMP/src.keys" "$S/.ssh/authorized_keys.d/team"
cp src.keys src.before
run "$KEYDROP" install --home "$S" --fragment team c.pub
like "$RC:$ERR" "^1:keydrop: install: .*team is a symlink" "a symlinked fragment is refused"
cmp -s src.keys src.before; ok $? "... its target unchanged"
# --root with the image's own passwd: the new directory and fragment belong to the user.
if [ "$(id -u)" -eq 0 ]; then
	R=$TAP_TMP/img
	mkdir -p "$R/etc" "$R/home/u"; chown 4242:4242 "$R/home/u"
	echo "u:x:4242:4242::/home/u:/bin/sh" > "$R/etc/passwd"
	run "$KEYDROP" install --root "$R" --user u --fragment team a.pub
	is "$RC" 0 "install --root --user --fragment"
	is "$(stat -c '%u:%g %a' "$R/home/u/.ssh" "$R/home/u/.ssh/authorized_keys.d" "$R/home/u/.ssh/authorized_keys.d/team")" \
		"4242:4242 700
4242:4242 700
4242:4242 600" "... .ssh, authorized_keys.d and the fragment owned by the user, 0700/0700/0600"
else
	skip "owners under --root need root"
fi

# ---- two blocks of one name (a hand edit): a removal in the second one sticks too (review) -------
H2=$TAP_TMP/h2
mkdir -p "$H2/.ssh"; chmod 700 "$H2/.ssh"
printf '# keydrop:begin dup\n%s\n# keydrop:end dup\n# keydrop:begin dup\n%s\n# keydrop:end dup\n' \
	"$(cat b.pub)" "$(cat a.pub)" > "$H2/.ssh/authorized_keys"
chmod 600 "$H2/.ssh/authorized_keys"
run "$KEYDROP" remove --home "$H2" "$(fp a)"
like "$RC:$OUT" "^0:removed .* from block dup" "remove a key of the second block named dup"
run "$KEYDROP" sync --home "$H2" --source dup "file:$TAP_TMP/src.keys"
is "$RC:$(grep -c "key-a" "$H2/.ssh/authorized_keys")" "0:0" "sync dup: the key denied in the second block is not brought back"

done_testing
