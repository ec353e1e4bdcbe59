#!/bin/bash
# Credentials (issue 7, "Secrets"): a bearer token given with --header/--header-file
#  - makes fetch, install and sync non-dumpable (no core file, no ptrace or /proc/PID/mem by the
#    same user) while they hold it: checked on the running process, run as an unprivileged user,
#    while the server holds its request (the files in /proc/PID are root-owned only for a
#    non-dumpable process);
#  - is part of the --cache key: a body fetched with token A is never revalidated or served for
#    token B, against a server that answers per token (with the same ETag for both).
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
need openssl python3

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
k1=$(ssh-keygen -q -t ed25519 -N '' -C tokenA@test -f "$TAP_TMP/k1" && cat "$TAP_TMP/k1.pub")
k2=$(ssh-keygen -q -t ed25519 -N '' -C tokenB@test -f "$TAP_TMP/k2" && cat "$TAP_TMP/k2.pub")
cat > "$TAP_TMP/routes.json" <<JSON
{"/private": [{"when": "Authorization: Bearer A", "headers": [["ETag", "\"same\""]], "body": "$k1\n", "conditional": true},
              {"when": "Authorization: Bearer B", "headers": [["ETag", "\"same\""]], "body": "$k2\n", "conditional": true}],
 "/slow": [{"delay": 2, "body": "$k1\n"}]}
JSON
mkfifo "$TAP_TMP/log"
exec {logfd}<>"$TAP_TMP/log"   # read-write: the server's writes never block, reads can time out
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key" --log "$TAP_TMP/log"
ok $? "HTTPS server listening"
U=https://localhost:$HTTPS_PORT
# next_request: the path of the next request the server saw (waits up to 30 s for it)
next_request() { local l=; IFS= read -r -t 30 l <&$logfd; printf '%s' "${l%%$'\t'*}"; }

# ---- the token is part of the cache key ----
C=$TAP_TMP/cache
F=(--cacert "$P/root.pem" --retry 0 --cache "$C")
run "$KEYDROP" fetch "${F[@]}" --header 'Authorization: Bearer A' "$U/private"
is "$RC:$OUT" "0:$k1" "token A: its key, stored in the cache"
r=$(next_request); is "$r" /private "token A: the server saw the request"
run "$KEYDROP" fetch "${F[@]}" --header 'Authorization: Bearer B' "$U/private"
is "$RC:$OUT" "0:$k2" "token B: B's key, never A's cached body"
IFS= read -r -t 30 line <&$logfd
[[ $line != *If-None-Match* ]]; ok $? "token B: no conditional request with A's ETag"
printf 'Authorization: Bearer C\n' > "$TAP_TMP/hdrC"
run "$KEYDROP" fetch "${F[@]}" --header-file "$TAP_TMP/hdrC" "$U/private"
is "$RC:$OUT" "1:" "token C (refused by the server): exit 1, nothing served from the cache"
like "$ERR" "HTTP 401" "token C: the server's refusal is reported"
r=$(next_request)
run "$KEYDROP" -v fetch "${F[@]}" --header 'Authorization: Bearer A' "$U/private"
is "$RC:$OUT" "0:$k1" "token A again: its own entry is still used"
like "$ERR" "not modified \(HTTP 304\)" "token A again: revalidated (304)"
IFS= read -r -t 30 line <&$logfd
like "$line" 'If-None-Match: "same"' "token A again: conditional request with its own ETag"
is "$(ls "$C" | wc -l)" 2 "one cache entry per credential (A and B; none for the refused C)"


# ---- no copy of the token is left in memory at exit ----
# gdb stops the process at exit_group and writes its memory (root may, even for a non-dumpable
# process); the token's bytes must not be in it. install with a local source reads and frees the
# --header-file buffer without any request; fetch and sync also send it over TLS.
if command -v gdb >/dev/null && [ "$(id -u)" -eq 0 ]; then
	tok=TOKEN-$RANDOM$RANDOM-7f3a9c2e
	printf 'Authorization: Bearer %s\n' "$tok" > "$TAP_TMP/hdrT"
	printf '%s\n' "$k1" > "$TAP_TMP/k1.keys"
	# left_in_memory ARGS...: occurrences of the token in keydrop's memory as it exits
	left_in_memory() {
		rm -f "$TAP_TMP/core"
		gdb -q -batch -ex 'catch syscall exit_group' -ex run -ex "generate-core-file $TAP_TMP/core" \
			--args "$KEYDROP" "$@" >"$TAP_TMP/gdb.log" 2>&1 </dev/null
		if [ -s "$TAP_TMP/core" ]; then grep -c "$tok" "$TAP_TMP/core"; else echo "no-core"; fi
	}
	: > "$TAP_TMP/ak_mem"
	is "$(left_in_memory install --file "$TAP_TMP/ak_mem" --header-file "$TAP_TMP/hdrT" "$TAP_TMP/k1.keys")" 0 \
		"install --header-file: the token is wiped before exit"
	is "$(left_in_memory fetch --cacert "$P/root.pem" --retry 0 --header-file "$TAP_TMP/hdrT" "$U/slow")" 0 \
		"fetch --header-file (sent over TLS): the token is wiped before exit"
	r=$(next_request)
	is "$(left_in_memory sync --file "$TAP_TMP/ak_mem" --source s --cacert "$P/root.pem" --retry 0 --header-file "$TAP_TMP/hdrT" "$U/slow")" 0 \
		"sync --header-file (sent over TLS): the token is wiped before exit"
	r=$(next_request)
else
	skip "token wiping: needs gdb and root"
fi

# ---- a --header token is not left in the command line ----
# /proc/PID/cmdline (what ps shows) is readable by every local user, non-dumpable or not: once the
# value is copied, keydrop overwrites its argv copy, as curl does for -u/-H.
tokc=CMDLINE-$RANDOM$RANDOM-51d0
"$KEYDROP" fetch --cacert "$P/root.pem" --retry 0 --header "Authorization: Bearer $tokc" "$U/slow" >/dev/null 2>"$TAP_TMP/cl.err" &
clpid=$!
if [ "$(next_request)" = /slow ]; then
	cl=$(tr '\0' ' ' <"/proc/$clpid/cmdline")
	[[ $cl != *"$tokc"* ]]; ok $? "fetch --header: the token is not in /proc/PID/cmdline while the request runs" ||
		diag "cmdline: $cl"
	[[ $cl == *"$U/slow"* ]]; ok $? "... the rest of the command line is still there"
else
	ok 1 "fetch --header: the server saw no request ($(cat "$TAP_TMP/cl.err"))"
fi
wait "$clpid"; is "$?" 0 "fetch --header: exit 0 (the key was fetched with the header)"

# ---- non-dumpable while holding a token ----
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	skip "non-dumpable checks: need root and setpriv (to run keydrop as nobody)"
	done_testing
fi
NB=$(id -u nobody)
# a core limit that the check can tell from 0 (as high as the hard limit allows)
ulimit -S -c "$(ulimit -H -c)"
CORE=$(ulimit -S -c)
[ "$CORE" != 0 ] || diag "the hard core limit is 0 here: only the dumpable flag can tell the cases apart"
ub=$(mktemp -d /tmp/kd-secrets.XXXXXX)
on_exit "rm -rf '$ub'"
chmod 755 "$ub"
cp "$KEYDROP" "$ub/keydrop" && cp "$P/root.pem" "$ub/root.pem" && chmod 644 "$ub/root.pem"
printf 'Authorization: Bearer A\n' > "$ub/hdr"; chmod 644 "$ub/hdr"
# dump_state ARGS...: runs keydrop ARGS as nobody against /slow (the server holds the request for
# 2 s); while it is held, prints "OWNER-OF-/proc/PID CORE-SOFT-LIMIT". Then waits for it.
dump_state() {
	local pid st
	setpriv --reuid "$NB" --regid "$(id -g nobody)" --clear-groups "$ub/keydrop" "$@" >/dev/null 2>"$TAP_TMP/dump.err" &
	pid=$!
	if [ "$(next_request)" != /slow ]; then
		echo "no-request"; kill "$pid" 2>/dev/null; wait "$pid"; return
	fi
	st="$(stat -c %u "/proc/$pid/environ") $(awk '/^Max core file size/ {print $5}' "/proc/$pid/limits")"
	wait "$pid"
	echo "$st"
}
N=(--cacert "$ub/root.pem" --retry 0)
st=$(dump_state fetch "${N[@]}" "$U/slow")
is "$st" "$NB $CORE" "fetch without credentials: an ordinary (dumpable) process (the check can tell)" ||
	diag "$(cat "$TAP_TMP/dump.err")"
st=$(dump_state fetch "${N[@]}" --header 'Authorization: Bearer A' "$U/slow")
is "$st" "0 0" "fetch --header: non-dumpable, RLIMIT_CORE 0"
st=$(dump_state fetch "${N[@]}" --header-file "$ub/hdr" "$U/slow")
is "$st" "0 0" "fetch --header-file: non-dumpable, RLIMIT_CORE 0"
st=$(dump_state install --file "$ub/ak" "${N[@]}" --header-file "$ub/hdr" "$U/slow")
is "$st" "0 0" "install --header-file: non-dumpable, RLIMIT_CORE 0"
st=$(dump_state sync --file "$ub/ak" --source s "${N[@]}" --header 'Authorization: Bearer A' "$U/slow")
is "$st" "0 0" "sync --header: non-dumpable, RLIMIT_CORE 0"
done_testing
