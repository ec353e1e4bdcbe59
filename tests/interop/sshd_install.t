#!/bin/bash
# A real sshd (StrictModes yes) on 127.0.0.1 agrees with keydrop: after `keydrop install --user`
# the key logs in; after `keydrop remove` it does not; a home with broken modes refuses the login
# until `keydrop check --fix` repairs it.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/sshd.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "sshd install test needs root (throwaway user, privilege separation)"
	done_testing
fi
cd "$TAP_TMP"
user_create kdinst; ok $? "throwaway user $TUSER"
ssh-keygen -q -t ed25519 -N '' -C host -f hostkey
"$KEYDROP" keygen -q -f id_user -C "user@test"
"$KEYDROP" keygen -q -t rsa -b 2048 -f id_other -C "other@test"
rm -rf "$THOME/.ssh"
sshd_start "$TAP_TMP" "$TAP_TMP/hostkey"
ok $? "sshd listening on 127.0.0.1:$SSHD_PORT (StrictModes yes)"

ssh_login "$TAP_TMP" id_user "$TUSER"
ok $(( RC == 0 )) "before install: login refused"

run "$KEYDROP" install --user "$TUSER" id_user.pub
is "$RC" 0 "keydrop install --user $TUSER"
ssh_login "$TAP_TMP" id_user "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "after install: login with the key works"
[ "$RC" -eq 0 ] || { echo "$ERR" | sed 's/^/#   /'; tail -5 sshd.log | sed 's/^/#   /'; }

run "$KEYDROP" install --user "$TUSER" --source account --key "no-pty,from=\"127.0.0.1\" $(cat id_other.pub)"
is "$RC" 0 "a second key with options, in a managed block"
ssh_login "$TAP_TMP" id_other "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "... logs in (from=127.0.0.1 matches)"
ssh_login "$TAP_TMP" id_user "$TUSER"
is "$RC" 0 "... and the first key still does"

run "$KEYDROP" remove --user "$TUSER" "$("$KEYDROP" fingerprint id_user.pub | cut -d' ' -f2)"
is "$RC" 0 "keydrop remove by fingerprint"
ssh_login "$TAP_TMP" id_user "$TUSER"
ok $(( RC == 0 )) "after remove: login with that key refused"
ssh_login "$TAP_TMP" id_other "$TUSER"
is "$RC" 0 "... the other key still logs in"

run "$KEYDROP" remove --user "$TUSER" --source account
ssh_login "$TAP_TMP" id_other "$TUSER"
ok $(( RC == 0 )) "after remove --source: the block's key is refused"

# Broken modes: sshd's StrictModes refuses, check explains, --fix repairs by descriptor.
run "$KEYDROP" install --user "$TUSER" id_user.pub
chmod 0777 "$THOME"; chmod 0775 "$THOME/.ssh"; chmod 0666 "$THOME/.ssh/authorized_keys"
ssh_login "$TAP_TMP" id_user "$TUSER"
ok $(( RC == 0 )) "broken modes: sshd refuses the login"
grep -q "bad ownership or modes" sshd.log; ok $? "... sshd logs 'bad ownership or modes'"
run "$KEYDROP" check --user "$TUSER"
is "$RC" 4 "keydrop check reports problems (exit 4)"
like "$OUT" "problem: $THOME is group or world writable \(mode 0777\)" "... the home"
like "$OUT" "problem: $THOME/.ssh is group or world writable" "... .ssh"
run "$KEYDROP" check --user "$TUSER" --fix
is "$RC" 0 "keydrop check --fix repairs it (exit 0)"
ssh_login "$TAP_TMP" id_user "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "after check --fix: login works"
[ "$RC" -eq 0 ] || { echo "$ERR" | sed 's/^/#   /'; tail -5 sshd.log | sed 's/^/#   /'; }
# Ownership: .ssh given to another user; --fix chowns it back.
chown -R nobody "$THOME/.ssh"
ssh_login "$TAP_TMP" id_user "$TUSER"
ok $(( RC == 0 )) "a .ssh owned by another user: sshd refuses"
run "$KEYDROP" check --user "$TUSER" --fix
is "$RC" 0 "check --fix chowns .ssh and the file back"
ssh_login "$TAP_TMP" id_user "$TUSER"
is "$RC" 0 "... and the login works again"
done_testing
