#!/bin/bash
# keygen's default comment (issue 7, "$USER with a newline"): a uid without a passwd entry takes the
# name from $USER, which anyone who sets the environment controls. A newline in it must not put a
# second key line into the .pub; control bytes become '?'. An explicit -C with a newline is refused.
# Runs as root and drops to a uid that has no passwd entry (setpriv), the real condition.
source "$(dirname "$0")/../lib/tap.sh"

uid=54321
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	skip "needs root and setpriv to run as a uid without a passwd entry"
	done_testing
fi
getent passwd "$uid" >/dev/null
ok $((!$?)) "uid $uid has no passwd entry (the condition under test)"

ssh-keygen -q -t ed25519 -N '' -C attacker@evil -f "$TAP_TMP/att" || exit 1
attacker=$(cat "$TAP_TMP/att.pub")
chmod 755 "$TAP_TMP" # the uid walks down to its home (pathwalk opens each directory)
home=$TAP_TMP/home
mkdir -m 700 "$home" && chown "$uid:$uid" "$home"
host=$(hostname)

user_binary # the uid must be able to run the binary wherever the checkout is
as_user() { setpriv --reuid="$uid" --regid="$uid" --clear-groups env -i HOME="$home" "$@"; }

run as_user USER=$'evil\n'"$attacker" "$UBIN" keygen -q -f "$home/id"
is "$RC:$ERR" "0:" "keygen with a newline in \$USER: exit 0"
is "$(wc -l < "$home/id.pub")" 1 ".pub is one line"
is "$(ssh-keygen -lf "$home/id.pub" | wc -l)" 1 "ssh-keygen -lf reads exactly one key from the .pub"
like "$(cat "$home/id.pub")" "^ssh-ed25519 [A-Za-z0-9+/]+ evil\?ssh-ed25519 [A-Za-z0-9+/]+ attacker@evil@$host\$" \
	"the newline became '?' in the comment"
run ssh-keygen -y -f "$home/id"
like "$OUT" "^ssh-ed25519 [A-Za-z0-9+/]+ evil\?ssh-ed25519 " "the private key's comment is the same one line"

run as_user USER=$'a\tb\rc\x1bd\x7fe' "$UBIN" keygen -q -f "$home/id2"
is "$RC" 0 "keygen with other control bytes in \$USER: exit 0"
is "$(cut -d' ' -f3- "$home/id2.pub")" "a?b?c?d?e@$host" "every control byte became '?'"

# the default when $USER is unset too
run as_user "$UBIN" keygen -q -f "$home/id3"
is "$RC:$(cut -d' ' -f3- "$home/id3.pub")" "0:user@$host" "no passwd entry, no \$USER: 'user@host'"

# an explicit comment with a newline is refused, nothing written
run "$KEYDROP" keygen -q -f "$TAP_TMP/c1" -C $'me\n'"$attacker"
is "$RC" 2 "-C with a newline: usage error (exit 2)"
[ ! -e "$TAP_TMP/c1" ] && [ ! -e "$TAP_TMP/c1.pub" ]; ok $? "-C with a newline: no key written"
run "$KEYDROP" keygen -q -f "$TAP_TMP/c2" -C $'me\rx'
is "$RC" 2 "-C with a CR: usage error (exit 2)"

done_testing
