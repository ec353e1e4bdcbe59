#!/bin/bash
# Lines sshd 9.2 never lets log in (issue 7), proven against a real sshd on 127.0.0.1: each line alone
# in authorized_keys, the login with the matching private key is refused (and, where no private key
# can exist, sshd's own debug log shows it skipped the line); keydrop install refuses the same line
# (exit 3, the reason named, nothing written) and keydrop check reports it. A plain key line is the
# control: sshd takes it and so does keydrop.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/sshd.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "sshd test needs root (throwaway user, privilege separation)"
	done_testing
fi
VEC=$(cd "$(dirname "$0")/../vectors" && pwd)
cd "$TAP_TMP"
# sshd takes -o over its config file: DEBUG2 makes the running sshd log each authorized_keys line it
# skips (the config check, sshd -t, stays quiet).
printf '#!/bin/sh\ncase " $* " in *" -D "*) exec /usr/sbin/sshd -o LogLevel=DEBUG2 "$@";; esac\nexec /usr/sbin/sshd "$@"\n' > sshd-debug
chmod 755 sshd-debug
SSHD_BIN=$TAP_TMP/sshd-debug
user_create kdunus; ok $? "throwaway user $TUSER"
ssh-keygen -q -t ed25519 -N '' -C host -f hostkey
ssh-keygen -q -t ed25519 -N '' -C user -f id_user
ssh-keygen -q -t ecdsa -b 256 -N '' -C ec -f id_ec
ssh-keygen -q -t ed25519 -N '' -C ca -f ca
ssh-keygen -q -s ca -I kd -n "$TUSER" id_user.pub 2>/dev/null
mkdir -p -m 700 "$THOME/.ssh" && chown "$TUSER" "$THOME/.ssh"
sshd_start "$TAP_TMP" "$TAP_TMP/hostkey"
ok $? "sshd listening on 127.0.0.1:$SSHD_PORT"

# flip FILE: the first two fields of the .pub with the last byte of the key data changed.
flip() {
	python3 -c '
import base64, sys
t, b = open(sys.argv[1]).read().split()[:2]
raw = bytearray(base64.b64decode(b)); raw[-1] ^= 1
print(t, base64.b64encode(bytes(raw)).decode())' "$1"
}
OFFCURVE=$(flip id_ec.pub)
BADSIG="$(flip id_user-cert.pub) badsig"
SMALLX=$(cut -d' ' -f1,2 "$VEC/keycheck-p256-smallx.pub")
UNKNOWN="ssh-foo@example.com $(printf '\0\0\0\023ssh-foo@example.com\0\0\0\040%032d' 0 | base64 -w0) future"
K=$(cut -d' ' -f1,2 id_user.pub)

put() { # put LINE: authorized_keys holds exactly LINE, owned by the user, 0600
	printf '%s\n' "$1" > "$THOME/.ssh/authorized_keys"
	chown "$TUSER" "$THOME/.ssh/authorized_keys"; chmod 600 "$THOME/.ssh/authorized_keys"
}

# never DESC LINE KEY SSHD-LOG-REGEX KEYDROP-REGEX: sshd refuses the login with KEY (and logs the
# regex, if given); install refuses the line with the reason; check reports it.
never() {
	local desc=$1 line=$2 key=$3 logre=$4 kdre=$5 mark
	put "$line"
	mark=$(wc -l < sshd.log)
	ssh_login "$TAP_TMP" "$key" "$TUSER"
	ok $(( RC == 0 )) "$desc: sshd refuses the login"
	like "$ERR" "Permission denied \(publickey\)" "... refused by the key check"
	if [ -n "$logre" ]; then
		tail -n +"$((mark + 1))" sshd.log | grep -qE "$logre"
		ok $? "... sshd's log says it skipped the line: $logre"
	fi
	run "$KEYDROP" check --user "$TUSER"
	is "$RC" 4 "... keydrop check reports a problem (exit 4)"
	rm -f "$THOME/.ssh/authorized_keys"
	run "$KEYDROP" install --user "$TUSER" --key "$line"
	is "$RC" 3 "... keydrop install refuses it (exit 3)"
	like "$ERR" "$kdre" "... naming why"
	[ ! -e "$THOME/.ssh/authorized_keys" ]; ok $? "... and writes nothing"
}

put "$K plain"
ssh_login "$TAP_TMP" id_user "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "control: the plain key line logs in"
rm -f "$THOME/.ssh/authorized_keys"
run "$KEYDROP" install --user "$TUSER" id_user.pub
is "$RC" 0 "control: keydrop installs it"

never "an ECDSA point off the curve (a real key, one bit flipped)" "$OFFCURVE off" id_ec \
	"advance: 'AAAA.* off" "not a point sshd accepts"
never "an ECDSA point on the curve with x = 5" "$SMALLX smallx" id_ec "advance: 'AAAA.* smallx" "not a point sshd accepts"
never "the user's own certificate as an authorized key" "$(cat id_user-cert.pub)" id_user "advance: 'AAAA.* user" \
	"sshd never accepts a certificate as an authorized key"
never "a certificate whose CA signature is wrong" "$BADSIG" id_user "advance: 'AAAA.* badsig" "certificate signature is invalid"
never "expiry-time in the past" "expiry-time=\"20200101\" $K" id_user "entry expired" "expiry-time is already past"
never "principals= without cert-authority" "principals=\"$TUSER\" $K" id_user "" "principals= without cert-authority"
never "a key type keydrop (and this sshd) does not know" "$UNKNOWN" id_user "advance: 'AAAA.* future" \
	"key type ssh-foo@example.com is not one keydrop knows"

# A source that mixes a known key with an unknown type: the known key is installed and logs in, the
# unknown one is named in a warning.
rm -f "$THOME/.ssh/authorized_keys"
printf '%s\n%s\n' "$UNKNOWN" "$K mixed" > mixed.keys
run "$KEYDROP" install --user "$TUSER" "$TAP_TMP/mixed.keys"
is "$RC" 0 "a source with an unknown type and a known key: install succeeds"
like "$ERR" "warning: skipped a ssh-foo@example.com key" "... warning about the unknown one"
ssh_login "$TAP_TMP" id_user "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "... and the known key logs in"
done_testing
