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
like "$ERR" "Permission denied \(publickey\)" "... refused by a live sshd's key check"

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
like "$ERR" "Permission denied \(publickey\)" "... refused by a live sshd's key check"
ssh_login "$TAP_TMP" id_other "$TUSER"
is "$RC" 0 "... the other key still logs in"

run "$KEYDROP" remove --user "$TUSER" --source account
ssh_login "$TAP_TMP" id_other "$TUSER"
ok $(( RC == 0 )) "after remove --source: the block's key is refused"
like "$ERR" "Permission denied \(publickey\)" "... refused by a live sshd's key check"

# keydrop's line grammar agrees with sshd's: each line below is written alone; sshd logs in with
# it exactly when keydrop check finds no problem with it.
K=$(cut -d' ' -f1,2 id_user.pub)
B64=$(cut -d' ' -f2 id_user.pub)
agree() { # agree WANT(ok|skip) LINE
	local want=$1 line=$2 login check
	printf '%s\n' "$line" > "$THOME/.ssh/authorized_keys"
	chown "$TUSER" "$THOME/.ssh/authorized_keys"; chmod 600 "$THOME/.ssh/authorized_keys"
	ssh_login "$TAP_TMP" id_user "$TUSER"; login=$RC
	run "$KEYDROP" check --user "$TUSER"; check=$RC
	if [ "$want" = ok ]; then
		is "$login:$check" "0:0" "sshd accepts and check is happy: ${line:0:60}"
	else
		is "$login:$check" "255:4" "sshd skips it and check says so: ${line:0:60}"
		like "$OUT" "problem: line 1: sshd skips it" "... check names the line"
	fi
}
agree ok "$K user"
agree ok "  	$K leading blanks"
agree ok "$(printf '%s crlf\r' "$K")"
agree ok "restrict $K"
agree ok "RESTRICT,PTY $K"
agree ok "no-pty,no-agent-forwarding,no-port-forwarding,no-X11-forwarding,no-user-rc $K"
agree ok "command=\"echo keydrop-login-ok\",no-pty $K"
agree ok "from=\"127.0.0.1,::1\",expiry-time=\"20991231\" $K"
agree ok "environment=\"A_B=1\",permitopen=\"localhost:22\",permitlisten=\"8080\",tunnel=\"1\" $K"
agree ok "tunnel=\"any\",expiry-time=\"209912312359\",command=\"echo \\\"keydrop-login-ok\\\"\" $K"
agree ok "no-pty,,no-agent-forwarding $K"
agree ok ",no-pty $K"
agree ok "permitopen=\":22\",permitopen=\"localhost/22\",permitopen=\"[::1]:ssh\" $K"
agree ok "tunnel=\"1\",tunnel=\"2\" $K"
agree skip "principals=\"a,b\" $K"
agree skip "frobnicate,no-pty $K"
agree skip "environment=\"=x\" $K"
agree skip "permitopen=\"[::1]\" $K"
agree skip "tunnel=\"2147483646\" $K"
agree skip "no-restrict $K"
agree skip "cert-authorityx $K"
agree skip "ptyx $K"
agree skip "from=\"127.0.0.1 $K"
agree skip "no-ptyx $K"
agree skip "frobnicate $K"
agree ok "no-pty, $K"
agree skip "command=echo $K"
agree skip "command=\"a\",command=\"b\" $K"
agree skip "expiry-time=\"2099\" $K"
agree skip "tunnel=\"x\" $K"
agree skip "permitopen=\"localhost\" $K"
agree skip "environment=\"NOEQUALS\" $K"
agree skip "ssh-rsa $B64 mismatch"
agree skip "ssh-ed25519 ${B64:0:40} truncated"

# Dedupe agrees with sshd: a line that holds the key but does not let it log in by itself (a CA line,
# principals= without cert-authority, an expired expiry-time) does not make it "already present":
# install adds the plain line and the login then works.
for line in "cert-authority $K ca" "principals=\"$TUSER\" $K" "expiry-time=\"20200101\" $K"; do
	printf '%s\n' "$line" > "$THOME/.ssh/authorized_keys"
	chown "$TUSER" "$THOME/.ssh/authorized_keys"; chmod 600 "$THOME/.ssh/authorized_keys"
	ssh_login "$TAP_TMP" id_user "$TUSER"
	ok $(( RC == 0 )) "only '${line:0:24}...': sshd refuses the key"
	like "$ERR" "Permission denied \(publickey\)" "... refused by a live sshd's key check"
	run "$KEYDROP" install --user "$TUSER" id_user.pub
	is "$RC:$(wc -l < "$THOME/.ssh/authorized_keys")" "0:2" "... install adds the plain line (not 'present')"
	like "$OUT" "added" "... and says added"
	ssh_login "$TAP_TMP" id_user "$TUSER"
	is "$RC:$OUT" "0:keydrop-login-ok" "... and the login works"
done

# Broken modes: sshd's StrictModes refuses, check explains, --fix repairs by descriptor.
rm -f "$THOME/.ssh/authorized_keys"
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
# Ownership: .ssh given to another user. --fix never takes over another user's .ssh or file (it
# could be that user's own): reported, left as it is, and sshd keeps refusing.
chown -R nobody "$THOME/.ssh"
ssh_login "$TAP_TMP" id_user "$TUSER"
ok $(( RC == 0 )) "a .ssh owned by another user: sshd refuses"
run "$KEYDROP" check --user "$TUSER" --fix
is "$RC" 4 "check --fix reports it (exit 4)"
like "$OUT" "\.ssh is owned by uid $(id -u nobody), not $TUSER or root: .*not changed by --fix" "... and leaves it"
is "$(stat -c %U "$THOME/.ssh" "$THOME/.ssh/authorized_keys" | tr '\n' ' ')" "nobody nobody " "... owners unchanged"
ssh_login "$TAP_TMP" id_user "$TUSER"
ok $(( RC == 0 )) "... and sshd still refuses"
done_testing
