# scripts/mk/bcrypt.mk: build rules for the passphrase KDF (issue 9): Blowfish's initial state made
# at build time, and the optimisation level of the two files bcrypt spends its time in. Included
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
$(foreach d,musl host san fuzzobj,$(B)/$(d)/crypto/blowfish.o): $(B)/gen/blowfish_pi.h

# -O2 instead of the release's -Os for blowfish.c and bcrypt_pbkdf.c: `keygen -N PASS -a 16` is
# bcrypt_pbkdf (16 rounds, 48 bytes: 2 x 16 x 129 key expansions of 521 block encryptions), and
# it must not be slower than ssh-keygen's. Measured (bcrypt_pbkdf, 16 rounds, 48-byte key, median
# of 20): -Os 100 ms, -O2 47 ms, for +1.4 KiB of code; ssh-keygen -N pass -a 16: 53 ms (hyperfine).
# `private`: the flag is not passed on to these objects' prerequisites (the libraries, the stamps).
BCRYPT_OPT := -O2
$(B)/musl/crypto/blowfish.o $(B)/musl/crypto/bcrypt_pbkdf.o: private MUSL_CFLAGS += $(BCRYPT_OPT)
$(B)/musl/crypto/blowfish.o $(B)/musl/crypto/bcrypt_pbkdf.o: scripts/mk/bcrypt.mk
