# tests/lib/tap.sh: TAP helpers for shell tests. Source it; every test script is run by prove.
# KEYDROP is the binary under test (exported by the Makefile; default build/keydrop).
set -u
# Every test file runs in a session of its own with stdin from /dev/null: keydrop asks for a
# passphrase where ssh-keygen does (on the terminal when /dev/tty opens, else from stdin), and a
# test run from a developer's terminal must never stop at a prompt. Tests that want a terminal make
# their own (tests/cli/prompt.t).
if [ -z "${TAP_DETACHED:-}" ] && command -v setsid >/dev/null; then
	export TAP_DETACHED=1
	exec setsid -w bash "$0" "$@" </dev/null
fi
: "${KEYDROP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/keydrop}"
export KEYDROP
TAP_N=0
TAP_FAILED=0
TAP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/keydrop-test.XXXXXX")
TAP_CLEANUPS=()
tap_cleanup() {
	local c
	for c in "${TAP_CLEANUPS[@]+"${TAP_CLEANUPS[@]}"}"; do eval "$c" || true; done
	rm -rf "$TAP_TMP"
}
trap tap_cleanup EXIT
on_exit() { TAP_CLEANUPS+=("$1"); }

# user_binary: sets UBIN to a copy of $KEYDROP that another uid can run (the checkout may sit below a
# 0700 directory, e.g. a clone in mktemp -d); removed on exit.
user_binary() {
	local d
	d=$(mktemp -d /tmp/kd-bin.XXXXXX) && chmod 755 "$d" && install -m 755 "$KEYDROP" "$d/keydrop" || return 1
	on_exit "rm -rf '$d'"
	UBIN=$d/keydrop
}

ok() { # ok COND-EXIT-STATUS DESCRIPTION
	local st=$1; shift
	TAP_N=$((TAP_N + 1))
	if [ "$st" -eq 0 ]; then echo "ok $TAP_N - $*"; else echo "not ok $TAP_N - $*"; TAP_FAILED=$((TAP_FAILED + 1)); fi
}
is() { # is GOT WANT DESCRIPTION
	local got=$1 want=$2; shift 2
	if [ "$got" == "$want" ]; then ok 0 "$*"; else ok 1 "$*"; printf '#   got:  %s\n#   want: %s\n' "$got" "$want" | head -20; fi
}
like() { # like GOT REGEX DESCRIPTION
	local got=$1 re=$2; shift 2
	if [[ $got =~ $re ]]; then ok 0 "$*"; else ok 1 "$*"; printf '#   got:  %s\n#   want match: %s\n' "$got" "$re" | head -20; fi
}
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N # SKIP $*"; }
# need CMD...: the commands a test file runs. make check's bootstrap installs them, so a missing one
# is a broken setup: one failing assertion and the end of the file, never a skip counted as a pass.
need() {
	local c missing=
	for c in "$@"; do command -v "$c" >/dev/null || missing+="$c "; done
	[ -z "$missing" ] && return 0
	ok 1 "installed: ${missing}(bash scripts/bootstrap.sh test installs them)"
	done_testing
}
# rm_unless_mounted DIR: removes a scratch root (a debootstrap, an unpacked image) unless a mount is
# still inside it (then it is left in place and said: rm -rf would descend into the mount).
rm_unless_mounted() {
	if awk -v r="$1/" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
		diag "mounts remain under $1: left in place"
	else
		rm -rf "$1"
	fi
}
diag() { echo "# $*"; }
done_testing() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; exit $?; }

# run CMD...: runs it, capturing $OUT, $ERR and $RC (never aborts the script).
run() {
	OUT=$("$@" 2>"$TAP_TMP/.stderr") && RC=0 || RC=$?
	ERR=$(cat "$TAP_TMP/.stderr")
}
# tree_hash DIR: one hash over every path, mode, owner and content below DIR (symlinks not followed).
tree_hash() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do
		stat -c '%n %a %u %g %F' -- "$f"
		if [ -f "$f" ] && [ ! -L "$f" ]; then sha256sum < "$f"; fi
		if [ -L "$f" ]; then readlink -- "$f"; fi
	done) | sha256sum | cut -d' ' -f1
}
