#!/bin/bash
# Odd bytes in authorized_keys lines: keydrop sees a key exactly when a real sshd (StrictModes yes,
# 127.0.0.1) lets it log in. For each odd byte at each position of a line, the table records what
# sshd does, then asserts: `list` shows the key exactly when sshd accepted it; `check` counts it and
# calls the line suspicious, or says sshd skips it; and after `remove FP` the whole physical line
# is gone (the other line kept byte for byte) and sshd refuses the key.
# One sshd serves every case: only the file is rewritten between logins.
source "$(dirname "$0")/../lib/tap.sh"
export LC_ALL=C # bytes, not characters, in the patterns below
source "$(dirname "$0")/../lib/sshd.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "sshd odd-byte table needs root (throwaway user, privilege separation)"
	done_testing
fi
cd "$TAP_TMP"
user_create kdodd; ok $? "throwaway user $TUSER"
ssh-keygen -q -t ed25519 -N '' -C host -f hostkey
ssh-keygen -q -t ed25519 -N '' -C "user@test" -f id_user
ssh-keygen -q -t ed25519 -N '' -C "other@test" -f id_other
mkdir -p "$THOME/.ssh"; chown "$TUSER" "$THOME/.ssh"; chmod 700 "$THOME/.ssh"
AK=$THOME/.ssh/authorized_keys
sshd_start "$TAP_TMP" "$TAP_TMP/hostkey"
ok $? "sshd listening on 127.0.0.1:$SSHD_PORT"

T=$(cut -d' ' -f1 id_user.pub)
B=$(cut -d' ' -f2 id_user.pub)
FP=$(ssh-keygen -lf id_user.pub | cut -d' ' -f2)
OTHER=$(cat id_other.pub)

# put PRE ESC POST: the file is OTHER's line, then PRE, the byte ESC (printf octal), POST, newline.
put() {
	{ printf '%s\n' "$OTHER"; printf '%s' "$1"; printf "$2"; printf '%s\n' "$3"; } > "$AK"
	chown "$TUSER" "$AK"; chmod 600 "$AK"
}
login() { # sets LOGIN to ok or refused (anything else fails the case)
	ssh_login "$TAP_TMP" "$KEYF" "$TUSER"
	if [ "$RC" -eq 0 ] && [ "$OUT" = keydrop-login-ok ]; then LOGIN=ok
	elif [ "$RC" -eq 255 ] && [[ $ERR == *"Permission denied (publickey)"* ]]; then LOGIN=refused
	else LOGIN="rc $RC: $OUT $ERR"; fi
}

# The positions: PRE and POST around the byte.
CMD='command="echo keydrop-login-ok #'
positions=(
	"lead||$T $B user"
	"after-type|$T| $B user"
	"b64-start|$T |$B user"
	"b64-mid|$T ${B:0:30}|${B:30} user"
	"b64-end|$T $B| user"
	"comment|$T $B us|er"
	"after-option|no-pty|,no-X11-forwarding $T $B user"
	"option-value|$CMD|\" $T $B user"
)
bytes=("NUL:\\000" "VT:\\013" "FF:\\014" "CR:\\015" "TAB:\\011" "DEL:\\177" "0x80:\\200" "0xff:\\377")

accepted=0 refused=0 table=""
KEYF=id_user
# one_case WHAT PRE ESC POST: the line PRE ESC POST (key KEYF, fingerprint FP) against sshd and keydrop.
one_case() {
	local what=$1 bname=${1%% *} listed
	put "$2" "$3" "$4"
	cp "$AK" before
	login
	table+="$(printf '%-40s sshd: %s' "$what" "$LOGIN")"$'\n'
	run "$KEYDROP" list --user "$TUSER"
	listed=no
	[[ $OUT == *"$FP"* ]] && listed=yes
	run "$KEYDROP" check --user "$TUSER"
	CHECK_OUT=$OUT CHECK_RC=$RC
	case $LOGIN in
	ok)
		accepted=$((accepted + 1))
		is "$listed" yes "$what: sshd accepts the key, keydrop list shows it"
		like "$CHECK_OUT" "keys: 2 usable" "$what: check counts it"
		if [ "$bname" = TAB ] || [ "$bname" = 0x80 ] || [ "$bname" = 0xff ]; then
			# A tab separates fields; a high byte (UTF-8 in a comment or command) hides nothing.
			is "$CHECK_RC" 0 "$what: nothing hidden: check is happy"
		else
			like "$CHECK_OUT" "problem: line 2: suspicious" "$what: check calls line 2 suspicious"
		fi
		run "$KEYDROP" remove --user "$TUSER" "$FP"
		like "$RC:$OUT" "^0:removed .*\(line 2\)" "$what: remove FP removes line 2"
		is "$(cat "$AK")" "$OTHER" "$what: the whole physical line is gone, the other line kept"
		login
		is "$LOGIN" refused "$what: after remove, sshd refuses the key"
		;;
	refused)
		refused=$((refused + 1))
		is "$listed" no "$what: sshd refuses the line, keydrop list does not show the key"
		like "$CHECK_RC:$CHECK_OUT" "^4:.*problem: line 2: sshd skips it" "$what: check says sshd skips line 2"
		# remove drops a line that holds the key even when sshd skips it for its options (the user
		# wants that key gone); otherwise it finds nothing, writes nothing and exits 1.
		run "$KEYDROP" remove --user "$TUSER" "$FP"
		if [[ $OUT == removed* ]]; then
			like "$RC:$OUT" "^0:removed .*\(line 2\)" "$what: remove FP drops the line holding the key"
			is "$(cat "$AK")" "$OTHER" "$what: ... the whole physical line, the other line kept"
		else
			is "$RC:$OUT" "1:" "$what: remove FP finds nothing to remove (exit 1)"
			[[ $ERR == *"no key $FP (nothing removed"* ]]; ok $? "$what: ... and says so on stderr"
			cmp -s before "$AK"; ok $? "$what: ... and leaves the file byte for byte"
		fi
		;;
	*)
		ok 1 "$what: login neither worked nor was refused: $LOGIN"
		;;
	esac
}
for pos in "${positions[@]}"; do
	IFS='|' read -r pname pre post <<<"$pos"
	for b in "${bytes[@]}"; do
		one_case "${b%%:*} $pname" "$pre" "${b#*:}" "$post"
	done
done

# Around the base64 padding (a 136-byte ECDSA P-384 blob ends in "=="): the decoder skips VT
# between and after the '=' signs, and nothing else may follow them.
ssh-keygen -q -t ecdsa -b 384 -N '' -C "ecdsa@test" -f id_ecdsa
KEYF=id_ecdsa
FP=$(ssh-keygen -lf id_ecdsa.pub | cut -d' ' -f2)
E=$(cut -d' ' -f1,2 id_ecdsa.pub)
E=${E%==}
one_case "VT between-pads" "$E=" '\013' "= user"
one_case "VT after-pads" "$E==" '\013\015' " user"
one_case "VT before-pads" "$E" '\013' "== user"
one_case "VT then-data-after-pads" "$E==" '\013' "A user"
printf '%s' "$table" | sed 's/^/# /'
# The table must exercise both outcomes (else it proves nothing about the difference).
ok $(( accepted < 10 || refused < 10 )) "both outcomes seen: $accepted accepted, $refused refused"
done_testing
