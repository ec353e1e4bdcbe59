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
# The user must be able to run the binary: the checkout (or $TAP_TMP) may sit below a 0700 directory.
user_binary
run setpriv --reuid "$U" --regid "$(id -g "$U")" --clear-groups env HOME="$UH" "$UBIN" install /tmp/kd-self-$$.pub
is "$RC" 0 "the user installs into their own authorized_keys (not root)"
is "$(stat -c '%a %U' "$UH/.ssh/authorized_keys")" "600 $U" "... still 0600 and theirs"
is "$(wc -l < "$UH/.ssh/authorized_keys")" 2 "... two keys now"
run setpriv --reuid "$U" --regid "$(id -g "$U")" --clear-groups "$UBIN" install --home "$OH" --key "$K"
is "$RC" 1 "a user cannot write into another user's home"
like "$ERR" "^keydrop: install: .*(home $OH is owned by uid $(id -u "$O"), not uid $(id -u "$U")|Permission denied)" "... says why (keydrop's own message)"

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
# ---- check --fix and remove against a hostile home ---------------------------------------------------
# A file of another user's that the target user hard-links as their authorized_keys: check --fix must
# neither chown nor chmod it (it is the other user's file), and remove must not write through it.
echo "other's notes" > "$OH/shared.txt"; chown "$O" "$OH/shared.txt"; chmod 666 "$OH/shared.txt"
fresh; ln "$OH/shared.txt" "$UH/.ssh/authorized_keys"
before=$(snap)
run "$KEYDROP" check --fix --user "$U"
is "$RC" 4 "check --fix on a hard-linked file: exit 4"
like "$OUT" "has 2 hard links \(keydrop refuses to write it; not changed by --fix\)" "... reports the hard link"
like "$OUT" "group or world writable \(mode 0666\).*not changed by --fix \(hard-linked\)" "... and leaves its mode"
is "$(stat -c '%U %a %h' "$OH/shared.txt")" "$O 666 2" "... the other user's file keeps owner and mode"
is "$(snap)" "$before" "... nothing changed anywhere"
run "$KEYDROP" remove --user "$U" --comment attack
is "$RC" 1 "remove on a hard-linked file: exit 1"
like "$ERR" "has 2 hard links: refusing" "... says why"
is "$(snap)" "$before" "... nothing changed anywhere"

# The same file with one link that belongs to the other user: reported, never taken over or copied.
fresh; echo "# secret of $O" > "$UH/.ssh/authorized_keys"; chown "$O" "$UH/.ssh/authorized_keys"
chmod 660 "$UH/.ssh/authorized_keys"
before=$(snap)
run "$KEYDROP" check --fix --user "$U"
is "$RC" 4 "check --fix on a file owned by another user: exit 4"
like "$OUT" "owned by uid $(id -u "$O"), not $U or root: .*not changed by --fix" "... reported, not fixed"
is "$(snap)" "$before" "... nothing changed"

# A .ssh that belongs to another user: neither chown'ed nor chmod'ed by check --fix; remove refuses it.
fresh; cp k.pub "$UH/.ssh/authorized_keys"; chown "$U" "$UH/.ssh/authorized_keys"; chmod 600 "$UH/.ssh/authorized_keys"
chown "$O" "$UH/.ssh"; chmod 777 "$UH/.ssh"
before=$(snap)
run "$KEYDROP" check --fix --user "$U"
is "$RC" 4 "check --fix with a foreign-owned .ssh: exit 4"
like "$OUT" "\.ssh is owned by uid $(id -u "$O"), not $U or root: sshd refuses it \(StrictModes\); not changed by --fix" \
	"... reported and left alone"
is "$(stat -c '%U %a' "$UH/.ssh")" "$O 777" "... .ssh keeps its owner and mode"
is "$(snap)" "$before" "... nothing changed"
chmod 666 "$UH/.ssh/authorized_keys"
before=$(snap)
run "$KEYDROP" check --fix --user "$U"
is "$RC" 4 "check --fix, user's 0666 file in a foreign-owned .ssh: exit 4"
like "$OUT" "mode 0666\): .*not changed by --fix \(its directory belongs to another user\)" "... the file is not replaced there"
is "$(snap)" "$before" "... nothing changed (no lock or temp file created in it)"
run "$KEYDROP" remove --user "$U" --comment attack
is "$RC" 1 "remove with a foreign-owned .ssh: exit 1"
like "$ERR" "\.ssh is owned by uid $(id -u "$O"), not $U: refusing" "... says why"
is "$(snap)" "$before" "... nothing changed"
chmod 700 "$UH/.ssh"

# The good case: a root-owned, world-writable file is repaired by replacement (a new inode owned by
# the user, 0600, same bytes), never by fchown/fchmod on whatever the name pointed at.
fresh; cp k.pub "$UH/.ssh/authorized_keys"; chmod 666 "$UH/.ssh/authorized_keys"
ino=$(stat -c %i "$UH/.ssh/authorized_keys"); sum=$(sha256sum < "$UH/.ssh/authorized_keys")
run "$KEYDROP" check --fix --user "$U"
is "$RC" 0 "check --fix repairs a root-owned 0666 file"
like "$OUT" "fixed: $UH/.ssh/authorized_keys mode 0666 -> 0600" "... says so"
is "$(stat -c '%U %a %h' "$UH/.ssh/authorized_keys")" "$U 600 1" "... now the user's, 0600"
is "$(sha256sum < "$UH/.ssh/authorized_keys")" "$sum" "... same bytes"
[ "$(stat -c %i "$UH/.ssh/authorized_keys")" != "$ino" ]; ok $? "... by replacement (new inode)"
ls -A "$UH/.ssh" | grep -q keydrop-tmp; ok $(( ! $? )) "... no temp file left behind"

# ---- the lock file ----------------------------------------------------------------------------------------
# An existing lock file is never chown'ed or chmod'ed, whoever owns it and however many names it has.
echo "lock bait" > "$OH/lockbait"; chown "$O" "$OH/lockbait"; chmod 644 "$OH/lockbait"
fresh; ln "$OH/lockbait" "$UH/.ssh/.keydrop.lock"
before=$(tree_hash "$OH")
run "$KEYDROP" install --user "$U" --key "$K"
is "$RC" 0 "hard-linked lock file: install still works (flock on a read-only descriptor)"
is "$(stat -c '%U %a' "$OH/lockbait")" "$O 644" "... the linked file keeps owner and mode"
is "$(tree_hash "$OH")" "$before" "... the other home is unchanged"
fresh; rm -f "$OH/lockbait"; echo x > "$UH/.ssh/.keydrop.lock"; chown "$O" "$UH/.ssh/.keydrop.lock"; chmod 640 "$UH/.ssh/.keydrop.lock"
run "$KEYDROP" install --user "$U" --key "$K"
is "$RC" 0 "foreign-owned existing lock file: install works"
is "$(stat -c '%U %a' "$UH/.ssh/.keydrop.lock")" "$O 640" "... and never chown's it"
fresh
run "$KEYDROP" install --user "$U" --key "$K"
[ ! -e "$UH/.ssh/.keydrop.lock" ]; ok $? "no lock file is left behind in the user's .ssh"

# ---- --root escapes ------------------------------------------------------------------------------------
# The image's own symlinks and '..' must never lead outside DIR: every component below DIR is opened
# with O_NOFOLLOW. The victim (under $TAP_TMP) belongs to the image user (so no owner check saves it)
# and is world-writable bait for a chmod.
vic=$TAP_TMP/victim
mkdir -p "$vic/.ssh"; echo "victim data" > "$vic/.ssh/authorized_keys"; echo "pw" > "$vic/passwd"
chown -R 4242:4343 "$vic"; chmod 777 "$vic" "$vic/.ssh"; chmod 666 "$vic/.ssh/authorized_keys"
vsnap() { echo "$(tree_hash "$vic") $(stat -c '%a.%u' "$vic")"; }
# escape DESC REGEX CMD...: expect exit 1, the message, and the victim unchanged.
escape() {
	local desc=$1 re=$2 before; shift 2
	before=$(vsnap)
	run "$@"
	is "$RC" 1 "$desc: exit 1"
	like "$ERR" "$re" "$desc: says why"
	is "$(vsnap)" "$before" "$desc: nothing outside the image changed"
}
esc=$TAP_TMP/esc
mkdir -p "$esc/etc" "$esc/home"
printf 'link:x:4242:4343::/home/link:/bin/sh\ndots:x:4242:4343::/home/../../../../../../..%s:/bin/sh\n' "$vic" > "$esc/etc/passwd"
ln -s "$vic" "$esc/home/link"
# An absolute link in the image is read inside the image, as the machine will see it when it boots:
# the walk finds ESC/VICTIM (missing here), never VICTIM itself.
escape "install --root, home an absolute symlink in the image" "$esc/tmp: No such file or directory" \
	"$KEYDROP" install --root "$esc" --user link --key "$K"
escape "remove --root, home an absolute symlink in the image" "$esc/tmp: No such file or directory" \
	"$KEYDROP" remove --root "$esc" --user link --comment attack
before=$(vsnap)
run "$KEYDROP" check --fix --root "$esc" --user link
is "$RC" 4 "check --fix --root, home an absolute symlink in the image: a problem (exit 4)"
like "$OUT" "home $esc/home/link: $esc/tmp: No such file or directory" "... about the home inside the image"
is "$(vsnap)" "$before" "... nothing outside the image changed"
ln -s ../../../../../../../../..$vic "$esc/home/up"
printf 'up:x:4242:4343::/home/up:/bin/sh\n' >> "$esc/etc/passwd"
escape "install --root, home a relative symlink climbing out of the image" "'\.\.' would leave --root $esc: refusing" \
	"$KEYDROP" install --root "$esc" --user up --key "$K"
escape "install --root, '..' in the passwd home" "'\.\.' would leave --root $esc: refusing" \
	"$KEYDROP" install --root "$esc" --user dots --key "$K"
escape "check --fix --root, '..' in the passwd home" "'\.\.' would leave --root $esc: refusing" \
	"$KEYDROP" check --fix --root "$esc" --user dots
escape "install --root --home with '..'" "'\.\.' would leave --root" \
	"$KEYDROP" install --root "$esc" --home "/home/../..$vic" --key "$K"
ln -s "$vic" "$esc/etc/dropbear"
escape "install --root --file through an absolute symlink in the image" "$esc/tmp: No such file or directory" \
	"$KEYDROP" install --root "$esc" --file /etc/dropbear/authorized_keys --key "$K"
# The ostree/CoreOS layout (home -> var/home, root's link in root's directory) is followed inside the image.
img4=$TAP_TMP/img4
mkdir -p "$img4/etc" "$img4/var/home/core"; chown 4242:4343 "$img4/var/home/core"; ln -s var/home "$img4/home"
echo "core:x:4242:4343::/home/core:/bin/sh" > "$img4/etc/passwd"
run "$KEYDROP" install --root "$img4" --user core --key "$K"
is "$RC:$(cat "$img4/var/home/core/.ssh/authorized_keys" 2>&1)" "0:$K" "--root with home -> var/home (ostree layout): installed through the image's own link"
escape "install --root --file with '..'" "'\.\.' would leave --root" \
	"$KEYDROP" install --root "$esc" --file "/etc/../..$vic/.ssh/authorized_keys" --key "$K"
# An image without etc/passwd still works with --home (the owner is the home's), contained as well.
img3=$TAP_TMP/img3
mkdir -p "$img3/home/ghost"; chown 4242:4343 "$img3/home/ghost"
run "$KEYDROP" install --root "$img3" --user ghost --home /home/ghost --key "$K"
is "$RC:$(stat -c %u "$img3/home/ghost/.ssh/authorized_keys")" "0:4242" "--root without etc/passwd, --user with --home: works"
run "$KEYDROP" install --root "$img3" --user ghost --key "$K"
is "$RC:$ERR" "1:keydrop: install: no user 'ghost' in $img3/etc/passwd (give --home DIR)" "... and without --home says why"
esc2=$TAP_TMP/esc2
mkdir -p "$esc2/etc" "$esc2/home/link"
ln -s "$vic/passwd" "$esc2/etc/passwd"
escape "--root whose etc/passwd is a symlink" "etc/passwd: a symlink inside --root: refusing" \
	"$KEYDROP" install --root "$esc2" --user link --key "$K"
done_testing
