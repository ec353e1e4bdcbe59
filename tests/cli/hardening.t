#!/bin/bash
# The release binary's hardening (issue 8), read from its ELF headers: a static PIE (ASLR, no dynamic
# linker), a non-executable stack, no segment both writable and executable, constants (.rodata) in a
# read-only segment apart from the code, relocated data read-only after start-up (RELRO + BIND_NOW),
# stack canaries; and that such a binary runs. build/keydrop-future is linked the same way.
source "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TAP_TMP"
command -v readelf >/dev/null && command -v objdump >/dev/null || { echo "1..0 # SKIP needs binutils (readelf, objdump)"; exit 0; }

# check_elf NAME BINARY
check_elf() {
	local name=$1 bin=$2 hdr loads rodata_seg seg_flags canaries
	hdr=$(readelf -lhdW "$bin")
	like "$hdr" $'Type: +DYN \\(Position-Independent Executable file\\)' "$name: ELF type DYN (position-independent)"
	ok "$(grep -qE '^ +INTERP ' <<<"$hdr"; echo $((!$?)))" "$name: no INTERP segment (static PIE: no dynamic linker)"
	ok "$(grep -qE '\(NEEDED\)' <<<"$hdr"; echo $((!$?)))" "$name: no shared library needed"
	like "$(grep -E '^ +GNU_STACK ' <<<"$hdr")" ' RW +0x' "$name: GNU_STACK is RW, not executable"
	loads=$(grep -E '^ +LOAD ' <<<"$hdr")
	ok "$(grep -qE ' RWE +0x' <<<"$loads"; echo $((!$?)))" "$name: no LOAD segment both writable and executable"
	# which segment holds .rodata (section to segment mapping), and its flags
	rodata_seg=$(awk '/Section to Segment mapping/ { m = 1; next } m && / \.rodata( |$)/ { print $1 + 0; exit }' <<<"$hdr")
	seg_flags=$(grep -E '^ +[A-Z_]+ +0x' <<<"$hdr" | awk -v i="${rodata_seg:--1}" 'NR == i + 1 { f = ""; for (k = 7; k < NF; k++) f = f $k; print $1, f }')
	is "$seg_flags" "LOAD R" "$name: .rodata in a read-only, non-executable LOAD segment (got: ${seg_flags:-none})"
	ok "$(awk '/Section to Segment mapping/ { m = 1; next } m && / \.rodata( |$)/ && / \.text( |$)/ { f = 1 } END { exit f }' <<<"$hdr"; echo $?)" \
		"$name: .rodata and .text in different segments"
	like "$(grep -E '^ +GNU_RELRO ' <<<"$hdr")" 'GNU_RELRO' "$name: a RELRO segment"
	like "$hdr" 'FLAGS_1\) +Flags: NOW PIE' "$name: BIND_NOW and PIE flags"
	ok "$(grep -q TEXTREL <<<"$hdr"; echo $((!$?)))" "$name: no relocations in code (TEXTREL)"
	# -fstack-protector-strong: on x86_64 functions load the canary from %fs:0x28. The binary is
	# stripped (no __stack_chk_fail symbol to find); plain -fstack-protector protected ~150
	# functions, -strong over BearSSL, libsodium and our code ~310. On aarch64 the canary is musl's
	# global __stack_chk_guard, compared at each protected function's end by a `subs` whose result
	# register is cleared at once (`mov xN, #0x0`: gcc leaves no copy of the canary behind).
	if [ "$arch" = aarch64 ]; then
		canaries=$($objdump -d --no-show-raw-insn "$bin" | awk '/\tsubs\tx[0-9]+, x[0-9]+, x[0-9]+$/ { s = 1; next }
			s && /\tmov\tx[0-9]+, #0x0([ \t]|$)/ { n++ } { s = 0 } END { print n + 0 }')
	else
		canaries=$($objdump -d --no-show-raw-insn "$bin" | grep -c 'mov *%fs:0x28,')
	fi
	ok "$(( canaries >= 250 ? 0 : 1 ))" "$name: stack protector in $canaries functions (>= 250: -strong, everywhere)"
}

# The architecture the binary is for (KEYDROP may name an aarch64 binary run under qemu-aarch64-static,
# or a script that runs it: KEYDROP_ELF then names the binary itself), from its ELF header.
elf=${KEYDROP_ELF:-$KEYDROP}
case $(readelf -h "$elf" | sed -n 's/^ *Machine: *//p') in
AArch64) arch=aarch64 objdump=aarch64-linux-gnu-objdump ;;
Advanced\ Micro\ Devices\ X86-64) arch=x86_64 objdump=objdump ;;
*) arch=unknown objdump=objdump ;;
esac
ok "$([ "$arch" != unknown ]; echo $?)" "the binary is for x86_64 or aarch64 (got $arch)"
command -v "$objdump" >/dev/null || { ok 1 "$objdump is installed"; done_testing; }
check_elf keydrop "$elf"
run "$KEYDROP" version
is "$RC" 0 "keydrop version runs"
like "$OUT" '^keydrop [0-9]' "... and prints its version"
like "$OUT" "architecture $arch \\(linux, static\\)" "... names the architecture of its ELF header ($arch)"
musl=$(awk '$1 == "package" { print $3 }' "$root/vendor/musl.pin")
like "$OUT" "musl ${musl//+/\\+} \\(Debian source\\)" "... and the pinned musl ($musl)"
run "$KEYDROP" keygen -q -t ed25519 -f "$TAP_TMP/k" -C hardened
is "$RC" 0 "keygen -t ed25519 runs"
like "$(ssh-keygen -l -f "$TAP_TMP/k.pub" 2>&1)" '^256 SHA256:.* hardened \(ED25519\)$' "... and ssh-keygen reads the key"
run "$KEYDROP" keygen -q -t ecdsa -f "$TAP_TMP/e" -C hardened
is "$RC" 0 "keygen -t ecdsa runs (BearSSL in the PIE)"
like "$(ssh-keygen -y -f "$TAP_TMP/e" 2>&1)" '^ecdsa-sha2-nistp256 ' "... and ssh-keygen reads the private key"

FUT=${KEYDROP_FUTURE:-$(dirname "$elf")/keydrop-future}
if [ -x "$FUT" ]; then
	check_elf keydrop-future "${KEYDROP_FUTURE_ELF:-$FUT}"
	run "$FUT" version
	is "$RC" 0 "keydrop-future version runs"
else
	skip "no $FUT (make build/keydrop-future)"
fi
done_testing
