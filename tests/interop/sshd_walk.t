#!/bin/bash
# End to end with a real sshd (PermitRootLogin prohibit-password, StrictModes yes): a user who links
# ~/.ssh to root's .ssh and waits for the admin's natural command
#   keydrop install --user U --file ~U/.ssh/authorized_keys KEY
# must not get a root login. Positive controls first: root's own key logs in as root, and the
# user's key, installed into the user's real .ssh, logs in as the user; so a refused login below
# means the key is not there, not that the setup is broken.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/sshd.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "sshd walk test needs root (throwaway user, privilege separation)"
	done_testing
fi
cd "$TAP_TMP"
user_create kdwlk; ok $? "throwaway user $TUSER"
U=$TUSER UH=$THOME
# sshd checks every directory up to / for a file outside the user's home: the stand-in for /root
# must not sit below /tmp (world-writable); /var/lib is root's 0755.
base=$(mktemp -d /var/lib/kd-sshd-walk.XXXXXX); chmod 755 "$base"; on_exit "rm -rf '$base'"
mkdir -m 700 "$base/root" "$base/root/.ssh"
ssh-keygen -q -t ed25519 -N '' -C host -f hostkey
ssh-keygen -q -t ed25519 -N '' -C root-key -f id_root
ssh-keygen -q -t ed25519 -N '' -C user-key -f id_user
cp id_root.pub "$base/root/.ssh/authorized_keys"; chmod 600 "$base/root/.ssh/authorized_keys"
# root's keys from the stand-in, everyone else's from their home.
sshd_start "$TAP_TMP" "$TAP_TMP/hostkey" "PermitRootLogin prohibit-password" \
	"Match User root" "AuthorizedKeysFile $base/root/.ssh/authorized_keys"
ok $? "sshd listening on 127.0.0.1:$SSHD_PORT"

ssh_login "$TAP_TMP" id_root root
is "$RC:$OUT" "0:keydrop-login-ok" "control: root's own key logs in as root"
runuser -u "$U" -- mkdir -m 700 "$UH/.ssh"
run "$KEYDROP" install --user "$U" --file "$UH/.ssh/authorized_keys" id_user.pub
is "$RC" 0 "control: install into the user's real .ssh"
ssh_login "$TAP_TMP" id_user "$U"
is "$RC:$OUT" "0:keydrop-login-ok" "control: the user's key logs in as the user"
ssh_login "$TAP_TMP" id_user root
is "$RC" 255 "control: the user's key does not log in as root"

# The attack: the user swaps ~/.ssh for a link to root's .ssh; the admin runs the natural command.
runuser -u "$U" -- rm -rf "$UH/.ssh"
runuser -u "$U" -- ln -s "$base/root/.ssh" "$UH/.ssh"
before=$(sha256sum < "$base/root/.ssh/authorized_keys")
run "$KEYDROP" install --user "$U" --file "$UH/.ssh/authorized_keys" id_user.pub
is "$RC" 1 "install --user U --file ~U/.ssh/authorized_keys through the user's link: refused"
like "$ERR" "\.ssh is a symlink in $UH, which is not root's: refusing to follow it" "... names the link"
is "$(sha256sum < "$base/root/.ssh/authorized_keys")" "$before" "... root's authorized_keys unchanged"
ssh_login "$TAP_TMP" id_user root
is "$RC" 255 "the user's key still does not log in as root"
like "$ERR" "Permission denied \(publickey\)" "... refused by sshd's key check"
done_testing
