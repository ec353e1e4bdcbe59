# scripts/mk/bcrypt.mk: build rules for the passphrase KDF (issue 9): Blowfish's initial state made
# at build time, and why the two files bcrypt spends its time in keep the release flags. Included
# once from the Makefile.
#
# Blowfish starts from 1042 words of pi's hexadecimal digits. A host tool computes them exactly
# (scripts/mk/blowfish_pi.c, Machin's formula, ~0.1 s) into build/gen/blowfish_pi.h (generated,
# never committed); blowfish.c includes it. tests/unit/t_bcrypt.c's Blowfish vectors check it.
BLOWFISH_PI_TOOL := $(B)/host/blowfish_pi
$(BLOWFISH_PI_TOOL): scripts/mk/blowfish_pi.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) -std=c11 -O2 $(WARN) -o $@ $<
$(B)/gen/blowfish_pi.h: $(BLOWFISH_PI_TOOL)
	@mkdir -p $(@D)
	@echo "  GEN     $@ (pi's hexadecimal digits)"
	@$(BLOWFISH_PI_TOOL) > $@.tmp
	@mv $@.tmp $@
$(TB)/musl/crypto/blowfish.o $(TB)/xobj/crypto/blowfish.o $(foreach d,host san fuzzobj,$(B)/$(d)/crypto/blowfish.o): $(B)/gen/blowfish_pi.h

# No -O2 for blowfish.c / bcrypt_pbkdf.c (tried, as issue 9 allows): `keygen -N PASS -a 16` is
# bcrypt_pbkdf with 16 rounds and a 48-byte key, i.e. 2 x 16 x 129 key expansions of 521 block
# encryptions, bound by the latency of the S-box lookups, not by the code the compiler emits; what
# pays is computing the two 32-byte output blocks together (blowfish_expand0state2: 121 -> 74 ms).
# Measured (bcrypt_pbkdf, 16 rounds, 48-byte key, 16-byte salt, median of 3 x 31 calls, musl):
# -Os 76-79 ms, -O2 77-80 ms, -O3 76-79 ms; the objects of this build: 71-74 ms. Same machine, same
# minutes: ssh-keygen -q -t ed25519 -N pass -a 16: 138 ms +- 6 (hyperfine, 30 runs).
# blowfish.c keeps one unrolled copy of the rounds (blowfish_expand0state's); the cold callers use
# the looped blowfish_encipher (2.9 KiB less). Same measurement, 3 x 31 calls: 32-byte key 60-63 ms
# before and after, 48-byte key 76-77 vs 77-78 ms; keygen -N pass -a 16: 75-77 ms user CPU both.
