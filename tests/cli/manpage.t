#!/bin/bash
# doc/keydrop.1 renders without a warning and documents what the binary offers: every command that
# `keydrop --help` lists has a section (`.SS NAME` under COMMANDS), and every option (--long or -x)
# in that command's --help appears in its section, or in a shared section the command's section
# names (TARGET OPTIONS, NETWORK OPTIONS) or in GLOBAL OPTIONS (every command). The command list
# comes from the binary, so a new command or option without documentation fails here. Every
# variable the sources read with getenv() is in ENVIRONMENT.
# MANPAGE may name another page (to see this test fail on a page with an option deleted).
source "$(dirname "$0")/../lib/tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PAGE=${MANPAGE:-$ROOT/doc/keydrop.1}
need groff man perl

# ---- it renders, without warnings ------------------------------------------------------------------
run groff -ww -man -Tutf8 "$PAGE"
is "$RC" 0 "groff -ww -man -Tutf8: exit 0"
is "$ERR" "" "groff -ww -man -Tutf8: no warning on stderr"
# man-db as a user runs it: its own preprocessing and groff with every warning enabled
run env MANPAGER=cat PAGER=cat MANWIDTH=80 man --warnings=w -l "$PAGE"
is "$RC" 0 "man -l: exit 0"
is "$ERR" "" "man -l --warnings=w: no warning on stderr"
like "$OUT" "KEYDROP\(1\).*NAME.*keydrop - " "man -l: the page renders (title, NAME line)"

# ---- the rendered text, split into sections ----------------------------------------------------------
# Plain text at the default width (what a terminal shows), no bold/underline. .SH headings are at
# column 0, .SS headings at column 3; everything else is indented further.
groff -man -Tascii -P-cbou "$PAGE" 2>/dev/null >"$TAP_TMP/page.txt"
# section NAME: the text of .SH NAME (whole section, .SS included), on one line
section() {
	awk -v want="$1" '/^[A-Z][A-Z ]*[A-Z]$/ { on = ($0 == want); next } on' "$TAP_TMP/page.txt" | tr -s ' \n' '  '
}
# command NAME: the text of .SS NAME under COMMANDS, on one line ("" when there is none)
command_section() {
	awk -v want="$1" '
		/^[A-Z][A-Z ]*[A-Z]$/ { incmds = ($0 == "COMMANDS"); on = 0; next }
		incmds && /^   [^ ]/ { h = $0; sub(/^ +/, "", h); sub(/ +$/, "", h); on = (h == want); next }
		on' "$TAP_TMP/page.txt" | tr -s ' \n' '  '
}
# options TEXT...: the options named in TEXT, one per line, sorted: --long-name, or -x standing alone
# (not inside a word such as go-w or A-Za-z, not the dashes of -----BEGIN)
options() {
	printf '%s\n' "$*" | perl -ne 'while (/(?<![A-Za-z0-9_-])(--[a-z0-9][a-z0-9-]*[a-z0-9]|-[A-Za-z](?![A-Za-z0-9_-]))/g) { print "$1\n" }' |
		LC_ALL=C sort -u
}

for s in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS "TARGET OPTIONS" "NETWORK OPTIONS" "EXIT STATUS" \
	ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
	t=$(section "$s")
	[ -n "${t// /}" ]
	ok $? "section $s is there and not empty"
done
global=$(section "GLOBAL OPTIONS")
target=$(section "TARGET OPTIONS")
network=$(section "NETWORK OPTIONS")

# ---- every command, every option ---------------------------------------------------------------------
run "$KEYDROP" --help
is "$RC" 0 "keydrop --help: exit 0"
commands=$(printf '%s\n' "$OUT" | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }')
[ "$(printf '%s\n' "$commands" | wc -l)" -ge 15 ]
ok $? "keydrop --help lists the commands ($(printf '%s' "$commands" | tr '\n' ' '))"
missing=$(comm -23 <(options "$(printf '%s\n' "$OUT" | grep '^usage:')") <(options "$global") | tr '\n' ' ')
is "$missing" "" "the options of keydrop's usage line (before COMMAND) are in GLOBAL OPTIONS"

for cmd in $commands; do
	run "$KEYDROP" "$cmd" --help
	is "$RC" 0 "keydrop $cmd --help: exit 0"
	help_opts=$(options "$OUT")
	[ -n "$help_opts" ]
	ok $? "keydrop $cmd --help names options (at least -q, -v)"
	sec=$(command_section "$cmd")
	[ -n "${sec// /}" ]
	ok $? "$cmd: a section '.SS $cmd' under COMMANDS" || continue
	doc="$sec $global"
	case "$sec" in *"TARGET OPTIONS"*) doc+=" $target" ;; esac
	case "$sec" in *"NETWORK OPTIONS"*) doc+=" $network" ;; esac
	missing=$(comm -23 <(printf '%s\n' "$help_opts") <(options "$doc") | tr '\n' ' ')
	is "$missing" "" "$cmd: every option of its --help is documented in its section"
done

# ---- exit codes, environment, see also ----------------------------------------------------------------
exits=$(awk '/^[A-Z][A-Z ]*[A-Z]$/ { on = ($0 == "EXIT STATUS"); next } on && /^       [0-9]( |$)/ { print $1 }' "$TAP_TMP/page.txt" | tr '\n' ' ')
is "$exits" "0 1 2 3 4 " "EXIT STATUS: codes 0 to 4, each its own entry"
env=$(section ENVIRONMENT)
exit_text=$(section "EXIT STATUS")
like "$exit_text" "authorized-keys exits 0 on every runtime failure" "EXIT STATUS: authorized-keys exits 0 on runtime failures"
vars=$(grep -rhoE '\bgetenv\("[A-Za-z_][A-Za-z0-9_]*"\)' "$ROOT/src" | sed -E 's/getenv\("(.*)"\)/\1/' | LC_ALL=C sort -u)
[ -n "$vars" ]
ok $? "the sources read environment variables ($(printf '%s' "$vars" | tr '\n' ' '))"
for v in $vars PUBLIC_KEY SSH_PUBLIC_KEY KEYDROP_SOURCES; do
	case " $env " in *" $v "* | *" $v,"*) ok 0 "ENVIRONMENT: $v" ;; *) ok 1 "ENVIRONMENT: $v" ;; esac
done
also=$(section "SEE ALSO")
for p in "ssh-keygen(1)" "sshd(8)" "sshd_config(5)"; do
	case "$also" in *"$p"*) ok 0 "SEE ALSO: $p" ;; *) ok 1 "SEE ALSO: $p" ;; esac
done
done_testing
