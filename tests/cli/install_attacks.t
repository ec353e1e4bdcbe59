#!/bin/bash
# keydrop install as root into a user's home, against a hostile home: symlinked .ssh or file, hard
# links, wrong owners at every level, odd file types. Each attack is refused with exit 1 and one
# line, and nothing outside (another user's home, a shadow-like file) nor the target changes.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/sshd.sh"
cd "$TAP_TMP"

if [ "$(id -u)" -ne 0 ]; then
	skip "attack tests need root (throwaway users, chown)"
	done_testing
fi
user_create kdvict; ok $? "throwaway user (victim) $TUSER"
U=$TUSER UH=$THOME
user_create kdother; ok $? "throwaway user (other) $TUSER"
O=$TUSER OH=$THOME
ssh-keygen -q -t ed25519 -N '' -C attack -f k
K=$(cat k.pub)
printf 'root:$6$secret$hash:19000:0:99999:7:::\n' > shadow; chmod 640 shadow
install -d -m 700 -o "$O" "$OH/.ssh"
echo "# other's keys" > "$OH/.ssh/authorized_keys"; chown "$O" "$OH/.ssh/authorized_keys"

snap() { echo "$(tree_hash "$UH") $(tree_hash "$OH") $(sha256sum < shadow) $(stat -c %a.%u shadow)"; }
fresh() { rm -rf "$UH/.ssh"; install -d -m 700 -o "$U" "$UH/.ssh"; }
# attack DESC REGEX: run install --user U; expect exit 1, message, and no change anywhere.
attack() {
	local desc=$1 re=$2 before
	before=$(snap)
	run "$KEYDROP" install --user "$U" --key "$K"
	is "$RC" 1 "$desc: exit 1"
	like "$ERR" "$re" "$desc: says why"
	is "$(snap)" "$before" "$desc: nothing written anywhere"
}

fresh; rm -rf "$UH/.ssh"; ln -s "$OH/.ssh" "$UH/.ssh"
attack ".ssh symlinked to another user's .ssh" "\.ssh is a symlink: refusing to follow it"
rm -f "$UH/.ssh"

fresh; ln -s "$TAP_TMP/shadow" "$UH/.ssh/authorized_keys"
attack "authorized_keys symlinked to a shadow-like file" "authorized_keys is a symlink: refusing"

fresh; ln "$TAP_TMP/shadow" "$UH/.ssh/authorized_keys"
attack "authorized_keys hard-linked to a shadow-like file" "has 2 hard links: refusing"

fresh; echo "# mine" > "$UH/.ssh/authorized_keys"; chown "$O" "$UH/.ssh/authorized_keys"
attack "authorized_keys owned by another user" "authorized_keys is owned by uid $(id -u "$O"), not $U: refusing"

fresh; chown "$O" "$UH/.ssh"
attack ".ssh owned by another user" "\.ssh is owned by uid $(id -u "$O"), not $U: refusing"

fresh; chown "$O" "$UH"
attack "home owned by another user" "home $UH is owned by uid $(id -u "$O"), not $U: refusing"
chown "$U" "$UH"

fresh; rm -rf "$UH/.ssh"; echo x > "$UH/.ssh"; chown "$U" "$UH/.ssh"
attack ".ssh is a regular file" "\.ssh is not a directory"
rm -f "$UH/.ssh"

fresh; mkfifo "$UH/.ssh/authorized_keys"; chown "$U" "$UH/.ssh/authorized_keys"
attack "authorized_keys is a FIFO (no hang)" "is not a regular file: refusing"

fresh; mkdir "$UH/.ssh/authorized_keys"
attack "authorized_keys is a directory" "is not a regular file: refusing"

fresh; ln -s "$TAP_TMP/shadow" "$UH/.ssh/.keydrop.lock"
attack "lock file symlinked to a shadow-like file" "\.keydrop\.lock is a symlink: refusing"

# A stale temp name that is a symlink: cleaned up (unlinked), never followed or written through.
# (The name carries the pid of a writer that is gone: only those are cleaned.)
true & dead=$!; wait "$dead"
stale=$UH/.ssh/.keydrop-tmp.authorized_keys.$dead.1
fresh; ln -s "$TAP_TMP/shadow" "$stale"
before=$(sha256sum < shadow)
run "$KEYDROP" install --user "$U" --key "$K"
is "$RC" 0 "stale temp symlink: install succeeds"
is "$(sha256sum < shadow)" "$before" "... the file it pointed to is unchanged"
[ ! -e "$stale" ] && [ ! -L "$stale" ]
ok $? "... and the stale symlink is gone"

# The good case: root writes into a user's home; the result belongs to the user.
rm -rf "$UH/.ssh"
run "$KEYDROP" install --user "$U" --key "$K"
is "$RC" 0 "root installs for $U (no .ssh yet)"
is "$(stat -c '%a %U' "$UH/.ssh")" "700 $U" ".ssh created 0700, owned by $U"
is "$(stat -c '%a %U' "$UH/.ssh/authorized_keys")" "600 $U" "authorized_keys 0600, owned by $U"
is "$(cat "$UH/.ssh/authorized_keys")" "$K" "... holding the key"
ls -A "$UH/.ssh" | grep -q keydrop-tmp; ok $(( ! $? )) "no temp file left behind"

# The user installs into their own home, without root.
ssh-keygen -q -t ed25519 -N '' -C self -f k2
cp k2.pub /tmp/kd-self-$$.pub; chmod 644 /tmp/kd-self-$$.pub; on_exit "rm -f /tmp/kd-self-$$.pub"
run setpriv --reuid "$U" --regid "$(id -g "$U")" --clear-groups env HOME="$UH" "$KEYDROP" install /tmp/kd-self-$$.pub
is "$RC" 0 "the user installs into their own authorized_keys (not root)"
is "$(stat -c '%a %U' "$UH/.ssh/authorized_keys")" "600 $U" "... still 0600 and theirs"
is "$(wc -l < "$UH/.ssh/authorized_keys")" 2 "... two keys now"
run setpriv --reuid "$U" --regid "$(id -g "$U")" --clear-groups "$KEYDROP" install --home "$OH" --key "$K"
is "$RC" 1 "a user cannot write into another user's home"
like "$ERR" "home $OH is owned by uid $(id -u "$O"), not uid $(id -u "$U")|Permission denied" "... says why"

# --home for a user with no passwd entry (the owner is the home's owner); --root for an image.
img=$TAP_TMP/img
mkdir -p "$img/etc" "$img/home/ghost"
echo "ghost:x:4242:4343:Ghost:/home/ghost:/bin/sh" > "$img/etc/passwd"
run "$KEYDROP" install --root "$img" --user ghost --key "$K"
is "$RC" 0 "--root DIR --user NAME: user from DIR/etc/passwd"
is "$(stat -c '%a %u:%g' "$img/home/ghost/.ssh" "$img/home/ghost/.ssh/authorized_keys" | tr '\n' ' ')" \
	"700 4242:4343 600 4242:4343 " "... .ssh and file owned by the image's uid/gid"
run "$KEYDROP" install --root "$img" --user nobody-here --key "$K"
is "$RC" 1 "--root with an unknown user fails"
like "$ERR" "no user 'nobody-here' in $img/etc/passwd \(give --home DIR\)" "... and suggests --home"
mkdir -p "$TAP_TMP/h2"; chown 5151:5252 "$TAP_TMP/h2"
run "$KEYDROP" install --user no-such-user-kd --home "$TAP_TMP/h2" --key "$K"
is "$RC" 0 "--user unknown to passwd but --home given"
is "$(stat -c '%u:%g' "$TAP_TMP/h2/.ssh/authorized_keys")" "5151:5252" "... owner taken from the home"
done_testing
