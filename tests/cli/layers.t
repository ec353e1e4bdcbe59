#!/bin/bash
# The layers of src/ are enforced by the build, and this proves the enforcement works (issue 8):
# - a file of layer L compiles with only the include paths of the layers L may use: every header
#   of an allowed layer compiles with L's flags, every header of any other layer is "not found";
# - no include circle between our files (tsort finds none in the "#include" graph);
# - core/ does no I/O and nothing below cli/ prints: the objects' undefined symbols (nm) name no
#   system call wrapper or stdio printer.
source "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1

cc=$(command -v clang || command -v gcc)
layers=$(make -s --no-print-directory print-layers) || { ok 1 "make print-layers"; done_testing; }
libs=$(sed -n 's/^libs: //p' <<<"$layers")
[ -n "$libs" ]; ok $? "make print-layers names the libraries' include flags"

# 1. include paths. Header names are unique across src/, so a header of a layer missing from L's
# path cannot be found under another name: one compile per (layer, other layer) proves the rule.
is "$(ls src/*/*.h | xargs -n1 basename | sort | uniq -d | tr '\n' ' ')" "" "header names are unique across src/"
while IFS=': ' read -r layer uses; do
	[ "$layer" = libs ] && continue
	flags=
	for u in $uses; do flags+=" -Isrc/$u"; done
	bad=
	for hl in $(sed -n 's/^\([a-z]*\): .*/\1/p' <<<"$layers" | grep -vx libs); do
		: > "$TAP_TMP/t.c"
		for h in src/"$hl"/*.h; do printf '#include "%s"\n' "$(basename "$h")" >> "$TAP_TMP/t.c"; done
		# shellcheck disable=SC2086
		if "$cc" -std=c11 -D_GNU_SOURCE -fsyntax-only $flags $libs "$TAP_TMP/t.c" 2>"$TAP_TMP/err"; then
			got=yes
		elif grep -q "file not found\|No such file" "$TAP_TMP/err"; then
			got=no
		else
			got="error: $(head -1 "$TAP_TMP/err")"
		fi
		case " $uses " in *" $hl "*) want=yes ;; *) want=no ;; esac
		[ "$got" = "$want" ] || bad+="$hl($got) "
	done
	is "$bad" "" "$layer/ sees exactly the headers of: $uses"
done <<<"$layers"

# a forbidden include is a compile error through the Makefile's own compile rule for net/ (its
# command for src/net/netsrc.c, run on a probe file that includes target.h)
rule=$(make -s -B -n build/host/net/netsrc.o 2>/dev/null | grep -- '-c src/net/netsrc.c' | head -1)
[ -n "$rule" ]; ok $? "make shows its compile command for a net/ file"
printf '#include "target.h"\nint layers_probe(void);\nint layers_probe(void) { return 0; }\n' > "$TAP_TMP/probe.c"
rule=${rule#@}
rule=${rule//src\/net\/netsrc.c/$TAP_TMP/probe.c}
rule=${rule//build\/host\/net\/netsrc.o/$TAP_TMP/probe.o}
out=$(eval "$rule" 2>&1); rc=$?
[ $rc -ne 0 ]; ok $? "net/'s compile command refuses code that includes target.h (exit $rc)"
like "$out" "target.h" "the compiler names the header"
rule=${rule//probe.c/probe_ok.c}
printf '#include "netsrc.h"\nint layers_probe(void);\nint layers_probe(void) { return 0; }\n' > "$TAP_TMP/probe_ok.c"
out=$(eval "$rule" 2>&1); ok $? "the same command compiles a net/ file that includes netsrc.h"

# 2. no include circles
for f in src/*/*.[ch]; do
	b=$(basename "$f")
	sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
		[ -e "$(ls src/*/"$inc" 2>/dev/null | head -1)" ] && echo "$b $inc"
	done
	echo "$b $b"
done > "$TAP_TMP/graph"
[ -s "$TAP_TMP/graph" ]; ok $? "the include graph has edges"
tsort "$TAP_TMP/graph" >/dev/null 2>"$TAP_TMP/tsort"
is "$(cat "$TAP_TMP/tsort")" "" "no include circle between src/ files"
# the check can fail: a circle is found when there is one
printf 'a.h b.h\nb.h a.h\n' | tsort >/dev/null 2>&1
[ $? -ne 0 ]; ok $? "tsort reports a circle when there is one"

# 3. what the layers' objects call (host objects: built by make check-unit)
make -s $(for l in core crypto os targets net; do ls src/$l/*.c; done | sed 's|^src/\(.*\)\.c$|build/host/\1.o|') >/dev/null 2>&1
io='open|openat|read|write|close|fopen|socket|connect|getrandom|syscall|stat|fstat|lstat|fstatat|time|clock_gettime|getenv|unlinkat|renameat|mkdirat|getpid|geteuid'
print='printf|fprintf|vfprintf|dprintf|puts|fputs|putchar|fputc|fwrite|perror|stdout|stderr|warn|warnx|err|errx'
undef() { for o in "$@"; do nm -u "$o"; done | awk '{print $2}' | sort -u; }
is "$(undef build/host/core/*.o | grep -Ex "$io|$print" | tr '\n' ' ')" "" "core/ objects call no I/O and no printer"
below=$(for l in crypto os targets net; do ls build/host/$l/*.o; done)
# shellcheck disable=SC2086
is "$(undef $below | grep -Ex "$print" | tr '\n' ' ')" "" "nothing below cli/ prints"
# the probe can fail: cli/ does print
make -s build/musl/cli/die.o >/dev/null 2>&1
[ "$(undef build/musl/cli/die.o | grep -Ecx "$print")" -gt 0 ]; ok $? "the printer check finds cli/die.o's printing"
done_testing
