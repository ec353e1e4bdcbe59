#!/bin/bash
# One command-line grammar for every command (issue 8, item 5), tested as a table: every command x
# (option before the operands, option after them, `--` and an operand named -x, a missing value
# for every option that takes one, an unknown option, `help CMD` = `CMD --help`, -q/-v before and
# after the command name); every option validated before any file or network access (strace shows
# no connect and no open of the sources); the same refused input gets the same exit code everywhere.
source "$(dirname "$0")/../lib/tap.sh"

command -v strace > /dev/null || { echo "1..0 # SKIP strace not installed"; exit 0; }
T=$TAP_TMP
cd "$T" || exit 1
ssh-keygen -q -t ed25519 -N '' -C one@test -f "$T/k1" || exit 1
ssh-keygen -q -t ed25519 -N '' -C two@test -f "$T/k2" || exit 1
k1=$(cat "$T/k1.pub")
k2=$(cat "$T/k2.pub")
fp1=$(ssh-keygen -lf "$T/k1.pub" | cut -d' ' -f2)
md5=$(ssh-keygen -E md5 -lf "$T/k1.pub" | cut -d' ' -f2)
cp "$T/k1.pub" "$T/-x"   # a source / file named like an option: reachable after --
cp "$T/k1" "$T/-p"       # a private key named like an option
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
K=$KEYDROP
# usage LINE for CMD: the one line of every usage error
hint() { printf "(try 'keydrop %s --help')" "$1"; }

# ---- 1. the table of options that take a value: a missing value names the option -------------
NET="--format --json-path --header --header-file --cacert --pin --timeout --retry --wait-network --proxy
     --max-bytes --cache --retry-delay --github-url --gitlab-url --launchpad-url"
TGT="--user --home --file --root"
declare -A VALUED=(
	[keygen]="-t -b -f -C -N -a --type --bits --file --comment --rounds --passphrase-file"
	[hostkeys]="-t --root"
	[pubkey]="-f -P --file --passphrase-file"
	[passphrase]="-f -P -N -a --file --rounds --old-passphrase-file --new-passphrase-file"
	[fingerprint]="-E -f"
	[install]="$TGT --source --key $NET"
	[remove]="$TGT --comment --source"
	[list]="$TGT"
	[check]="$TGT --key"
	[fetch]="$NET"
	[sync]="$TGT --source $NET"
	[sshd-config]="--sshd-config --user-akc $NET --ttl --max-stale --chain --chain-timeout"
	[version]=""
)
CMDS="keygen hostkeys pubkey passphrase fingerprint install remove list check fetch sync sshd-config version"
for c in $CMDS; do
	for o in ${VALUED[$c]}; do
		run "$K" "$c" "$o"
		is "$RC:$ERR" "2:keydrop: $c: option $o needs a value $(hint "$c")" "$c $o (no value): exit 2, names the option"
	done
done
# a value missing after an operand (the option last, after the operand) is said the same way
run "$K" fetch "https://127.0.0.1:$dead/x" --retry
is "$RC:$ERR" "2:keydrop: fetch: option --retry needs a value $(hint fetch)" "fetch URL --retry: names --retry"
run "$K" keygen -f
like "$ERR" "option -f needs a value" "keygen -f: names -f (was '(null)')"

# ---- 2. unknown options: one message shape in every command, and before the command name ------
for c in $CMDS; do
	run "$K" "$c" --bogus
	is "$RC:$ERR" "2:keydrop: $c: unknown option '--bogus' $(hint "$c")" "$c --bogus: exit 2, one shape"
	run "$K" "$c" -Z
	is "$RC:$ERR" "2:keydrop: $c: unknown option '-Z' $(hint "$c")" "$c -Z: exit 2, one shape"
done
run "$K" --bogus fetch
is "$RC:$ERR" "2:keydrop: unknown option '--bogus' (try 'keydrop help')" "keydrop --bogus: the same shape"
run "$K" fetch --hdr=Authorization:secret-token x
is "$RC:$ERR" "2:keydrop: fetch: unknown option '--hdr' $(hint fetch)" "an unknown --opt=VALUE: the value is never echoed"
run "$K" fetch --re 1 x
is "$RC:$ERR" "2:keydrop: fetch: ambiguous option '--re' $(hint fetch)" "an ambiguous prefix says so"
run "$K" fetch --allow-http=1 x
is "$RC:$ERR" "2:keydrop: fetch: option --allow-http takes no value $(hint fetch)" "a flag given a value says so"

# ---- 3. help CMD = CMD --help, same bytes, exit 0 ---------------------------------------------
for c in $CMDS; do
	run "$K" "$c" --help
	a="$RC:$OUT"
	run "$K" help "$c"
	is "$RC:$OUT" "$a" "help $c = $c --help (same bytes, exit 0)"
	like "$OUT" "^usage: keydrop $c" "help $c: the usage of $c"
done
run "$K" -q -- fetch "$T/k1.pub"
is "$RC:$OUT" "0:$k1" "keydrop -q -- fetch: -- ends keydrop's own options too"
run "$K" help nosuch
is "$RC:$ERR" "2:keydrop: unknown command 'nosuch' (try 'keydrop help')" "help nosuch: usage error"
run "$K" help install fetch
is "$RC" 2 "help with two commands: usage error"
run "$K" help
is "$RC" 0 "help alone: exit 0"
like "$OUT" "before or after operands" "help alone: says options may follow operands"

# ---- 4. options before and after the operands, `--`, and -q/-v anywhere, per command -----------
# keygen (no operands): -q before/after the name silences it; `--` makes -f an operand
run "$K" -q keygen -f "$T/g1" -C c1
is "$RC:$OUT" "0:" "keydrop -q keygen: quiet"
run "$K" keygen -f "$T/g2" -C c2 -q
is "$RC:$OUT" "0:" "keygen ... -q: quiet"
run "$K" keygen -v -C c3 -f "$T/g3"
is "$RC" 0 "keygen -v: accepted"
like "$OUT" "SHA256:" "keygen -v: prints the fingerprint"
run "$K" keygen -f "$T/g4" -- -C c4
is "$RC:$ERR" "2:keydrop: keygen: unexpected argument '-C' $(hint keygen)" "keygen -- -C: -C is an operand after --"
[ ! -e "$T/g4" ]; ok $? "keygen -- -C: no key written"

# hostkeys: -t after --root, -q after the name
mkdir -p "$T/r1/etc/ssh" "$T/r2/etc/ssh"
run "$K" hostkeys --root "$T/r1" -q -t ecdsa
is "$RC:$OUT" "0:" "hostkeys ... -q -t ecdsa: quiet"
[ -e "$T/r1/etc/ssh/ssh_host_ecdsa_key" ] && [ ! -e "$T/r1/etc/ssh/ssh_host_ed25519_key" ]; ok $? "hostkeys -t ecdsa (after other options): took effect"
run "$K" -v hostkeys -t ed25519 --root "$T/r2"
is "$RC" 0 "keydrop -v hostkeys: accepted"
run "$K" hostkeys --root "$T/r2" -- extra
is "$RC:$ERR" "2:keydrop: hostkeys: unexpected argument 'extra' $(hint hostkeys)" "hostkeys -- extra: an operand"

# pubkey: FILE then an option; `--` and a key file named -p
run "$K" pubkey "$T/k1" -v
is "$RC:$OUT" "0:$k1" "pubkey FILE -v: -v after the operand"
run "$K" pubkey -q -- -p
is "$RC:$OUT" "0:$k1" "pubkey -- -p: a key file named -p"

# fingerprint: the hash option after the operand takes effect; `--` and a file named -x
run "$K" fingerprint "$T/k1.pub" -E md5
like "$OUT" "^256 $md5 one@test \(ED25519\)$" "fingerprint FILE -E md5: MD5 (option after the operand took effect)"
run "$K" fingerprint "$T/k1.pub" -v
like "$OUT" "\[ED25519 256\]" "fingerprint FILE -v: randomart (option after the operand)"
run "$K" -v fingerprint "$T/k1.pub"
like "$OUT" "\[ED25519 256\]" "keydrop -v fingerprint: randomart"
run "$K" fingerprint -- -x
is "$RC:$OUT" "0:256 $fp1 one@test (ED25519)" "fingerprint -- -x: a file named -x"

# install: the target option after the source; `--` and a source named -x; -q after the operands
run "$K" install "$T/k1.pub" --file "$T/ak1"
is "$RC:$(cat "$T/ak1")" "0:$k1" "install SOURCE --file AK: --file after the source took effect"
run "$K" install --file "$T/ak2" -- -x
is "$RC:$(cat "$T/ak2")" "0:$k1" "install --file AK -- -x: a source named -x"
run "$K" install "$T/k2.pub" --file "$T/ak1" -q
is "$RC:$OUT" "0:" "install ... -q (after the operands): quiet"
is "$(cat "$T/ak1")" "$k1"$'\n'"$k2" "install ... -q: the key was added"
run "$K" install "$T/k2.pub" --source blk --file "$T/ak3"
is "$RC:$(sed -n 1p "$T/ak3")" "0:# keydrop:begin blk" "install SOURCE --source NAME: the block option after the source"

# remove: the fingerprint first, the target after it
cp "$T/ak1" "$T/ak4"
run "$K" remove "$fp1" --file "$T/ak4"
is "$RC:$(cat "$T/ak4")" "0:$k2" "remove FP --file AK: --file after the fingerprint took effect"
cp "$T/ak1" "$T/ak4"
run "$K" remove --file "$T/ak4" -q -- "$fp1"
is "$RC:$OUT" "0:" "remove -q -- FP: quiet, FP after --"
run "$K" remove --file "$T/ak4" -- -x
is "$RC" 2 "remove -- -x: -x is an operand (not a fingerprint): usage error"
like "$ERR" "'-x' is not a fingerprint" "remove -- -x: the operand is named"

# list and check: no operands; options in any order; -q after the name
run "$K" list --json --file "$T/ak1"
like "$RC:$OUT" "^0:\[" "list --json --file: both options"
run "$K" list --file "$T/ak1" -- --json
is "$RC:$ERR" "2:keydrop: list: unexpected argument '--json' $(hint list)" "list -- --json: an operand after --"
chmod 600 "$T/ak1"
run "$K" check --file "$T/ak1"
like "$OUT" "keys: 2 usable" "check --file AK: the summary line (control)"
run "$K" check --file "$T/ak1" -q
[[ $OUT != *usable* ]]; ok $? "check --file AK -q: -q after the options took effect (no summary)"
run "$K" check -- --fix
is "$RC:$ERR" "2:keydrop: check: unexpected argument '--fix' $(hint check)" "check -- --fix: an operand after --"

# fetch: an option after the first source takes effect (it used to become a source)
run "$K" fetch "https://localhost:$dead/x" --retry-delay 1 --retry 0
is "$RC" 1 "fetch URL --retry 0 (dead port): exit 1"
is "$(printf '%s\n' "$ERR" | grep -c 'Connection refused')" 1 "fetch URL --retry 0: exactly one attempt"
run "$K" fetch "https://localhost:$dead/x" --retry-delay 1 --retry 1
is "$(printf '%s\n' "$ERR" | grep -c 'Connection refused')" 2 "fetch URL --retry 1: exactly two attempts"
printf '%s\nnot a key\n' "$k1" > "$T/mixed"
run "$K" fetch "$T/mixed" --skip-invalid
is "$RC:$OUT" "0:$k1" "fetch FILE --skip-invalid: the flag after the source took effect"
run "$K" fetch -- -x
is "$RC:$OUT" "0:$k1" "fetch -- -x: a source named -x"
run "$K" fetch "$T/k1.pub" -q
is "$RC:$OUT" "0:$k1" "fetch FILE -q: accepted after the source"

# sync: --allow-empty at the end works (it used to repeat the error that asks for it)
printf '%s\n' "$k1" > "$T/ak5"
: > "$T/empty"
run "$K" sync --source s --file "$T/ak5" "$T/k2.pub"
is "$RC" 0 "sync: a block with k2"
run "$K" sync --source s --file "$T/ak5" "$T/empty" --allow-empty
is "$RC" 0 "sync ... SOURCE --allow-empty: exit 0"
is "$(grep -c ssh- "$T/ak5"):$(sed -n 1p "$T/ak5")" "1:$k1" "sync ... --allow-empty (after the source): the block emptied, the rest kept"
run "$K" sync "$T/k2.pub" --file "$T/ak5" --source s -q
is "$RC:$OUT" "0:" "sync SOURCE --file --source -q: every option after the source"
like "$(cat "$T/ak5")" "# keydrop:begin s" "sync SOURCE --source NAME: the block written"
run "$K" sync --source s --file "$T/ak5" -- -x
is "$RC" 0 "sync -- -x: a source named -x"

# version
run "$K" version -q
like "$RC:$OUT" "^0:keydrop " "version -q: accepted"
run "$K" version extra
is "$RC:$ERR" "2:keydrop: version: unexpected argument 'extra' $(hint version)" "version extra: usage error"

# ---- 5. every option validated before any file or network access --------------------------------
# strace logs every connect and every open: a refused option must leave no trace of either.
# traced NAME CODE MSG-REGEX ARGS...: exit CODE, one line matching MSG, no connect, no open of $T.
traced() {
	local name=$1 code=$2 re=$3; shift 3
	run strace -f -qq -o "$T/trace" -e trace=connect,open,openat "$K" "$@"
	is "$RC" "$code" "$name: exit $code"
	like "$ERR" "$re" "$name: says why"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$name: one line"
	is "$(grep -c 'connect(' "$T/trace")" 0 "$name: no connection attempted"
	is "$(grep -c "\"$T/k1.pub\"\|\"$T/ak6\"" "$T/trace")" 0 "$name: no source and no target opened"
}
U="http://127.0.0.1:$dead/x"
printf '%s\n' "$k2" > "$T/ak6"
before=$(sha256sum < "$T/ak6")
traced "fetch --format json (no --json-path)" 2 "--format json needs --json-path" fetch --allow-http --format json "$U"
traced "fetch URL --format json (after the source)" 2 "--format json needs --json-path" fetch --allow-http "$U" --format json
traced "fetch bad JSON path" 2 "--json-path: bad JSON path" fetch --allow-http --format json --json-path 'a..b' "$U"
traced "sync bad JSON path" 2 "--json-path: bad JSON path" sync --source s --file "$T/ak6" --allow-http "$T/k1.pub" "$U" --format json --json-path '[x'
traced "install bad JSON path" 2 "--json-path: bad JSON path" install --file "$T/ak6" "$T/k1.pub" --allow-http --format json --json-path '.a' "$U"
traced "fetch --cacert missing" 2 "--cacert: cannot load CA certificates from $T/none.pem" fetch "$T/k1.pub" "https://localhost:$dead/x" --cacert "$T/none.pem"
traced "fetch --retry 101 after the sources" 2 "--retry wants a count" fetch --allow-http "$T/k1.pub" "$U" --retry 101
traced "sync --timeout 0 after the sources" 2 "--timeout wants seconds" sync --source s --file "$T/ak6" "$T/k1.pub" "$U" --timeout 0
traced "fetch --proxy https://" 2 "--proxy: unusable proxy URL" fetch --allow-http "$U" --proxy "https://127.0.0.1:$dead"
traced "sync --file with --home" 2 "--file and --home cannot be combined" sync --source s --file "$T/ak6" --home "$T" "$T/k1.pub"
traced "install --file with --home" 2 "--file and --home cannot be combined" install --file "$T/ak6" "$T/k1.pub" --home "$T"
traced "remove --file with --home" 2 "--file and --home cannot be combined" remove --file "$T/ak6" --home "$T" "$fp1"
is "$(sha256sum < "$T/ak6")" "$before" "the target never changed"

# ---- 6. the same refused input, the same exit code --------------------------------------------
printf 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: 1\nAAAA\n' > "$T/putty.ppk"
ssh-keygen -q -t ed25519 -N 'pass phrase' -C enc -f "$T/enc" || exit 1
echo "not a key" > "$T/notkey"
for f in putty.ppk notkey; do
	for c in "pubkey -f" fingerprint "install --file $T/ak7" fetch "sync --source s --file $T/ak7"; do
		# shellcheck disable=SC2086
		run "$K" $c "$T/$f"
		is "$RC" 3 "$c $f: exit 3 (input rejected)"
	done
done
run "$K" pubkey -f "$T/enc"
is "$RC" 3 "pubkey of a passphrase-protected key: exit 3, as every refused key format"
for c in "install --file $T/ak7" fetch; do
	# shellcheck disable=SC2086
	run "$K" $c "$T/enc"
	is "$RC" 3 "$c passphrase-protected private key: exit 3"
done
mkdir -p "$T/r3/etc/ssh"
cp "$T/notkey" "$T/r3/etc/ssh/ssh_host_ed25519_key"
run "$K" hostkeys --root "$T/r3" -q
is "$RC" 3 "hostkeys over a host key file that is not a key: exit 3 (as pubkey -f on it)"
[ ! -e "$T/ak7" ]; ok $? "no refused input wrote a target"

done_testing
