#!/bin/bash
# Named input files that are not regular files (issue 7, "FIFO source"): a FIFO without a writer
# used to block forever at open(). Every place a user names a file to read (SOURCE as a path or
# file:PATH, --header-file, --cacert, SSL_CERT_FILE, fingerprint FILE, pubkey -f) refuses it at
# once with one line; a pipe on stdin ("-") still works. `timeout` is only a guard: exit 124 means
# keydrop hung.
source "$(dirname "$0")/../lib/tap.sh"

ssh-keygen -q -t ed25519 -N '' -C one@test -f "$TAP_TMP/k" || exit 1
k=$(cat "$TAP_TMP/k.pub")
mkfifo "$TAP_TMP/fifo" || exit 1
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
notreg="not a regular file (a FIFO or device; use - to read a pipe from stdin)"
printf '%s\n' "$k" > "$TAP_TMP/ak"
before=$(sha256sum < "$TAP_TMP/ak")

# guarded CODE NAME ARGS...: keydrop ARGS under `timeout 10`, then exit code CODE and one line
# that names the FIFO as not a regular file.
guarded() {
	local code=$1 name=$2; shift 2
	run timeout 10 "$KEYDROP" "$@"
	[ "$RC" -ne 124 ]; ok $? "$name: returns instead of blocking"
	is "$RC" "$code" "$name: exit $code"
	local tail='' # install and sync read every source before the file: they say it was not touched
	case $1 in install | sync) tail=' \(nothing changed\)' ;; esac
	like "$ERR" "^keydrop: [a-z]+: .*$TAP_TMP/fifo: $(printf '%s' "$notreg" | sed 's/[().]/\\&/g')$tail$" "$name: one line says why"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$name: one line only"
}

guarded 1 "install file:FIFO" install --file "$TAP_TMP/ak" "file:$TAP_TMP/fifo"
is "$(sha256sum < "$TAP_TMP/ak")" "$before" "install file:FIFO: target unchanged"
guarded 1 "install FIFO (a path)" install --file "$TAP_TMP/ak" "$TAP_TMP/fifo"
is "$(sha256sum < "$TAP_TMP/ak")" "$before" "install FIFO: target unchanged"
guarded 1 "sync FIFO" sync --source s --file "$TAP_TMP/ak" "$TAP_TMP/fifo"
is "$(sha256sum < "$TAP_TMP/ak")" "$before" "sync FIFO: target unchanged"
guarded 1 "fetch file:FIFO" fetch "file:$TAP_TMP/fifo"
guarded 1 "fingerprint FIFO" fingerprint "$TAP_TMP/fifo"
guarded 1 "pubkey -f FIFO" pubkey -f "$TAP_TMP/fifo"
guarded 2 "fetch --header-file FIFO" fetch --header-file "$TAP_TMP/fifo" "https://127.0.0.1:$dead/x"
# --cacert is checked with the other options, before any source is read: a usage error as --header-file
guarded 2 "fetch --cacert FIFO" fetch --retry 0 --cacert "$TAP_TMP/fifo" "https://localhost:$dead/x"
run timeout 10 env SSL_CERT_FILE="$TAP_TMP/fifo" "$KEYDROP" fetch --retry 0 "https://localhost:$dead/x"
[ "$RC" -ne 124 ]; ok $? "SSL_CERT_FILE=FIFO: returns instead of blocking"
is "$RC" 1 "SSL_CERT_FILE=FIFO: exit 1"
like "$ERR" "cannot load CA certificates from $TAP_TMP/fifo: not a regular file" "SSL_CERT_FILE=FIFO: says why"

# a directory is named as such
run timeout 10 "$KEYDROP" fetch "file:$TAP_TMP"
is "$RC:$ERR" "1:keydrop: fetch: file:$TAP_TMP: Is a directory" "fetch file:DIR: exit 1, 'Is a directory'"

# a terminal or other character device is refused as well (it could block); /dev/null is "empty"
run timeout 10 "$KEYDROP" fetch file:/dev/zero
is "$RC" 1 "fetch file:/dev/zero: exit 1"
like "$ERR" "not a regular file" "fetch file:/dev/zero: says why"
run timeout 10 "$KEYDROP" fetch file:/dev/null
is "$RC" 3 "fetch file:/dev/null: read as empty (exit 3, no key in it)"

# stdin stays allowed, pipe included, and a FIFO can be read through it
run bash -c 'printf "%s\n" "$1" | timeout 10 "$0" fetch -' "$KEYDROP" "$k"
is "$RC:$OUT" "0:$k" "fetch - from a pipe: the key"
run bash -c '(printf "%s\n" "$1" > "$2" &) ; timeout 10 "$0" fetch - < "$2"' "$KEYDROP" "$k" "$TAP_TMP/fifo"
is "$RC:$OUT" "0:$k" "fetch - < FIFO: the key (the user chose to wait for it)"
run bash -c 'printf "%s\n" "$1" | timeout 10 "$0" install --file "$2" -' "$KEYDROP" "$k" "$TAP_TMP/ak2"
is "$RC" 0 "install - from a pipe: exit 0"
is "$(cat "$TAP_TMP/ak2")" "$k" "install - from a pipe: the key is installed"

done_testing
