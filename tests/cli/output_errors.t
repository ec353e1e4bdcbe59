#!/bin/bash
# stdout that cannot be written (issue 7, "stdout errors"): a full disk (/dev/full), a closed stdout.
# Every command that prints exits 1 with one line "keydrop: CMD: cannot write output: CAUSE", instead
# of exit 0 with a short or empty file; keygen finds it before writing any key.
source "$(dirname "$0")/../lib/tap.sh"

ssh-keygen -q -t ed25519 -N '' -C one@test -f "$TAP_TMP/k" || exit 1
full_msg() { echo "keydrop: $1: cannot write output: No space left on device"; }

# out_full NAME ARGS...: runs keydrop ARGS with stdout on /dev/full and checks exit 1 + one line.
out_full() {
	local name=$1; shift
	run bash -c '"$@" > /dev/full' _ "$KEYDROP" "$@"
	is "$RC" 1 "$* > /dev/full: exit 1"
	is "$ERR" "$(full_msg "$name")" "$* > /dev/full: one line naming the cause"
}

out_full pubkey pubkey -f "$TAP_TMP/k"
out_full fingerprint fingerprint "$TAP_TMP/k.pub"
out_full fingerprint fingerprint -v "$TAP_TMP/k"
out_full version version
out_full version --version
out_full fetch fetch "file:$TAP_TMP/k.pub"
out_full fetch fetch "$TAP_TMP/k.pub"
cp "$TAP_TMP/k.pub" "$TAP_TMP/ak_list"
out_full list list --file "$TAP_TMP/ak_list"
out_full list list --json --file "$TAP_TMP/ak_list"

# larger than stdio's buffer: the error happens in the middle, the final flush must still see it
for i in $(seq 1 40); do ssh-keygen -q -t ed25519 -N '' -C "key-$i-$(printf '%040d' 0)" -f "$TAP_TMP/m$i" && cat "$TAP_TMP/m$i.pub"; done > "$TAP_TMP/many"
[ "$(stat -c %s "$TAP_TMP/many")" -gt 4096 ]; ok $? "the many-key file is larger than a stdio buffer"
out_full fetch fetch "$TAP_TMP/many"
out_full list list --file "$TAP_TMP/many"

# keygen: the fingerprint report is output too; the failure is found before any key is written
mkdir -m 700 "$TAP_TMP/kg"
out_full keygen keygen -f "$TAP_TMP/kg/id" -C me
[ ! -e "$TAP_TMP/kg/id" ] && [ ! -e "$TAP_TMP/kg/id.pub" ]; ok $? "keygen > /dev/full: no key written (a failure changes nothing)"
run bash -c '"$0" keygen -q -f "$1" -C me > /dev/full' "$KEYDROP" "$TAP_TMP/kg/q"
is "$RC:$ERR" "0:" "keygen -q > /dev/full prints nothing, so nothing fails"
[ -s "$TAP_TMP/kg/q" ] && [ -s "$TAP_TMP/kg/q.pub" ]; ok $? "keygen -q > /dev/full: the key was written"

# --help output goes through the same check
out_full pubkey pubkey --help
# Every command's --help (some are over 2 KiB, more than stdio's buffer) names the cause too.
for c in keygen hostkeys pubkey passphrase fingerprint install remove list check fetch sync version; do
	run bash -c '"$0" "$1" --help > /dev/full' "$KEYDROP" "$c"
	is "$RC:$ERR" "1:$(full_msg "$c")" "$c --help > /dev/full: exit 1, one line naming the cause"
done
run bash -c '"$0" help > /dev/full' "$KEYDROP"
is "$RC:$ERR" "1:keydrop: cannot write output: No space left on device" "keydrop help > /dev/full: exit 1, one line"

# a failure that the command reports itself keeps its own exit code and its one line
run bash -c '"$0" pubkey -f "$1" > /dev/full' "$KEYDROP" "$TAP_TMP/none"
is "$RC" 1 "pubkey of a missing file > /dev/full: exit 1"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "pubkey of a missing file > /dev/full: one line only"
like "$ERR" "No such file" "pubkey of a missing file > /dev/full: the first cause is the one said"

# closed stdout: writes fail with EBADF; a file opened meanwhile must not take descriptor 1
run bash -c '"$0" pubkey -f "$1" >&-' "$KEYDROP" "$TAP_TMP/k"
is "$RC:$ERR" "1:keydrop: pubkey: cannot write output: Bad file descriptor" "pubkey with stdout closed: exit 1, one line"
mkdir -m 700 "$TAP_TMP/kc"
run bash -c '"$0" keygen -f "$1" -C me >&-' "$KEYDROP" "$TAP_TMP/kc/id"
is "$RC" 1 "keygen with stdout closed: exit 1"
if [ -e "$TAP_TMP/kc/id" ]; then
	grep -q "Generating" "$TAP_TMP/kc/id" "$TAP_TMP/kc/id.pub"
	ok $((!$?)) "keygen with stdout closed: the report did not land in a key file"
else
	ok 0 "keygen with stdout closed: no key written"
fi

# a good stdout still works, and sync keeps its own policy (tested in fetch.t)
run "$KEYDROP" pubkey -f "$TAP_TMP/k"
is "$RC:$OUT" "0:$(cut -d' ' -f1,2 "$TAP_TMP/k.pub") one@test" "pubkey to a good stdout: exit 0, the line"

done_testing
