# keydrop — one plain Makefile. `make` fetches, verifies and builds everything; `make check` tests it.
# Targets: all (default), check, install, deb, demo, sanitize, fuzz, repro, bench, clean, distclean,
# cross (ARCH=aarch64), dist, check-aarch64.

# ---- two passes: bootstrap first, then the build ------------------------------------------------
# make decides what exists (wildcards, $(shell dpkg-query/sha256sum), "no rule to make target
# /usr/include/jsmn.h") while it reads the makefiles, before any recipe runs. So the outer pass
# reads nothing of the system: it runs scripts/bootstrap.sh (apt installs what the goals need) and
# then make again with KEYDROP_INNER=1, which reads the rest of this file on a complete machine.
# That is what makes the first `make` on a fresh Debian work. Goals pass through unchanged.
ifeq ($(KEYDROP_INNER),)
SHELL       := /bin/bash
OUTER_GOALS := $(or $(MAKECMDGOALS),all)
# Which bootstrap groups the goals need (scripts/bootstrap.sh: build, test, bench, ci, boot); none to clean.
BOOT_GROUPS := $(sort $(if $(filter-out clean distclean,$(OUTER_GOALS)),build) \
                 $(if $(filter check check-% sanitize fuzz build/san/% build/fuzz/% build/fuzzobj/% build/host/tests/%,$(OUTER_GOALS)),test) \
                 $(if $(filter bench,$(OUTER_GOALS)),bench) $(if $(filter check-fresh,$(OUTER_GOALS)),ci) \
                 $(if $(filter cross dist check-aarch64 build/aarch64/%,$(OUTER_GOALS))$(filter aarch64,$(ARCH)),cross) \
                 $(if $(filter check-boot,$(OUTER_GOALS)),boot))
.DEFAULT_GOAL := all
.PHONY: $(OUTER_GOALS) keydrop-outer
keydrop-outer:
	@$(if $(BOOT_GROUPS),bash scripts/bootstrap.sh $(BOOT_GROUPS))
	@$(MAKE) --no-print-directory KEYDROP_INNER=1 $(MAKECMDGOALS)
# Every goal waits for the one outer recipe (it runs once, whatever the number of goals).
$(OUTER_GOALS): keydrop-outer
	@:
else
# ---- the build (inner pass: the bootstrap has run) ----------------------------------------------

VERSION     := 0.1.0
B           := build
SHELL       := /bin/bash

# Reproducible: the build date comes from SOURCE_DATE_EPOCH, else the last commit, else a constant.
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 1767225600)
endif
export SOURCE_DATE_EPOCH

BEARSSL_VER   := $(shell awk '$$1=="package"{print $$3}' vendor/bearssl.pin)
LIBSODIUM_VER := $(shell awk '$$1=="package"{print $$3}' vendor/libsodium.pin)
MUSL_VER      := $(shell awk '$$1=="package"{print $$3}' vendor/musl.pin)

# ---- target architecture ----------------------------------------------------------------------------
# ARCH: the architecture of the release binary, the host's by default (build/keydrop); another one
# (make ARCH=aarch64, make cross) builds build/ARCH/keydrop with a cross compiler, its own musl,
# BearSSL and libsodium objects under build/ARCH/. Host tools run at build time (the generators in
# scripts/mk/, brssl) and the host test builds stay in build/host whatever ARCH is.
HOST_ARCH   := $(shell uname -m)
ARCH        ?= $(HOST_ARCH)
CROSS_ARCHS := aarch64
ifeq ($(ARCH),$(HOST_ARCH))
TB          := $(B)
TARGET_GCC  := gcc
else ifeq ($(ARCH),aarch64)
TB          := $(B)/aarch64
TARGET_GCC  := aarch64-linux-gnu-gcc
else
$(error ARCH=$(ARCH): builds are made for $(HOST_ARCH) (the host) or $(CROSS_ARCHS))
endif

BEARSSL_SRC   := $(B)/src/bearssl
SODIUM_SRC    := $(B)/src/libsodium
SODIUM_DIR    := $(SODIUM_SRC)/src/libsodium

# ---- flags ---------------------------------------------------------------------------------------
WARN      := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
DEFS      := -D_GNU_SOURCE -DKEYDROP_VERSION='"$(VERSION)"' -DKEYDROP_BUILD_EPOCH=$(SOURCE_DATE_EPOCH)LL \
             -DKEYDROP_BEARSSL_VERSION='"$(BEARSSL_VER)"' -DKEYDROP_LIBSODIUM_VERSION='"$(LIBSODIUM_VER)"' \
             -DKEYDROP_MUSL_VERSION='"$(MUSL_VER)"'
REPRO     := -ffile-prefix-map=$(CURDIR)=. -fdebug-prefix-map=$(CURDIR)=.
# musl, built from the pinned Debian source for ARCH into build/libc/ARCH (scripts/mk/musl.mk): its
# configure writes the musl-gcc wrapper and specs for the compiler it is given (gcc or a cross gcc).
MUSL_PREFIX := $(B)/libc/$(ARCH)
MUSL_CC     := $(CURDIR)/$(MUSL_PREFIX)/bin/musl-gcc
# Hardening (a root tool parsing network input): every object (ours, BearSSL, the libsodium subset)
# is position-independent for a static PIE (ASLR of code and data), with canaries in every function
# that has a local array or an address-taken local (-strong). (_FORTIFY_SOURCE is a no-op with musl.)
HARDEN_CFLAGS := -fPIE -fstack-protector-strong
# No unwind tables (nothing unwinds: C, no exceptions): -fno-unwind-tables too, or gcc for aarch64
# emits them anyway (31 KiB of .eh_frame in build/aarch64/keydrop).
MUSL_CFLAGS := -std=c11 -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables \
               $(HARDEN_CFLAGS) $(REPRO)
# Link: a static PIE without a dynamic linker (no INTERP: the kernel maps it anywhere, musl's rcrt1.o
# applies its own relocations), a non-executable stack, code apart from read-only constants (the
# default separate-code layout: headers and .rodata in a read-only segment, only .text executable),
# and relocated data read-only after start-up (relro, now).
# The musl-gcc wrapper's specs replace gcc's link line: for -static-pie they pass only -pie, so the
# start file would be Scrt1.o and libc.so would be linked (a binary that needs ld-musl, or crashes).
# The start files are therefore named explicitly, and -static (-Bstatic), --no-dynamic-linker and
# -z text (no relocations in code) are given to the linker directly. musl's start files are next to
# its specs file (`musl-gcc -print-file-name=rcrt1.o` answers glibc's); crtbeginS.o/crtendS.o are gcc's.
MUSL_LIBDIR    := $(MUSL_PREFIX)/lib
MUSL_CRT_BEGIN  = $(MUSL_LIBDIR)/rcrt1.o $(MUSL_LIBDIR)/crti.o $(shell $(TARGET_GCC) -print-file-name=crtbeginS.o)
MUSL_CRT_END    = $(shell $(TARGET_GCC) -print-file-name=crtendS.o) $(MUSL_LIBDIR)/crtn.o
# aarch64: binutils aligns segments to 64 KiB there (kernels with 64 KiB pages), and -z separate-code
# pads the file to that alignment twice (before and after .text): 657,384 bytes, of which ~100 KiB
# padding, over the ceiling. Linked for 4 KiB pages, the page size of Debian's and Ubuntu's default
# arm64 kernels, the same layout costs a few KiB. Such a binary does not load on a kernel built with
# 16 or 64 KiB pages (Ubuntu's -64k flavours, RHEL's kernel-64k: its segments' file offsets are not
# aligned to them): AARCH64_MAX_PAGE=65536 builds one that does, with SIZE_MAX_BYTES raised (README).
AARCH64_MAX_PAGE ?= 4096
ARCH_LDFLAGS :=
ifeq ($(ARCH),aarch64)
ARCH_LDFLAGS := -Wl,-z,max-page-size=$(AARCH64_MAX_PAGE)
endif
MUSL_LDFLAGS := -static-pie -nostartfiles -Wl,-static -Wl,--no-dynamic-linker -Wl,-z,text -Wl,-z,noexecstack -Wl,-z,separate-code \
                -Wl,-z,relro,-z,now -Wl,--gc-sections -Wl,--build-id=none -s $(ARCH_LDFLAGS)
# Our objects (not BearSSL, libsodium or musl) are compiled for link-time optimisation and
# optimised as one unit at the link, with the options they were compiled with (-Os, canaries):
# 3.5 KiB smaller (calls across files inlined or dropped, unused arguments removed, constants
# propagated). One partition: the same output on every run and machine (checked by repro.t),
# whatever the number of jobs. Speed, against the same tree without it (hyperfine, user CPU, busy
# 2-core machine): `list --file` of 100,000 keys 259 vs 278 ms; `keygen -N pass -a 16` 75-78 ms
# either way; scripts/bench/install_many.sh and fetch.sh: ratios both sides of 1 from run to run.
LTO_FLAGS := -flto -flto-partition=one
# musl_link OUT, OBJECTS: the release link (build/keydrop and build/keydrop-future).
musl_link = $(MUSL_CC) $(MUSL_CFLAGS) $(LTO_FLAGS) $(MUSL_LDFLAGS) -o $(1) $(MUSL_CRT_BEGIN) $(2) -lc $(MUSL_CRT_END)
# BearSSL's optimisation levels in the binary: -Os for the library, -O2 for its big-integer and RSA
# code (src/int, src/rsa), which is RSA key generation (hostkeys -t rsa, keygen -t rsa): all -O2
# measured 0.70 s of CPU per 3072-bit key, all -Os 0.97 s (40 keys each, i62); and for SHA-256
# (src/hash/sha2small.c), every fingerprint: list of 100,000 keys took 351 ms with -Os, 261 ms with
# -O2 (hyperfine medians). All of BearSSL at -O2 costs 20 KiB more; these, 2.9 KiB. The rest of
# src/hash and the elliptic curves (src/ec) went back to -Os in issue 10 (7.7 KiB for the
# AuthorizedKeysCommand and friends): a P-256 handshake is a fraction of a millisecond either way.
BEARSSL_OPT ?= -Os
BEARSSL_FAST_OPT ?= -O2
BEARSSL_FAST_SRCS := src/int/*.c src/rsa/*.c src/hash/sha2small.c
# ... except what runs a few times per key or per signature, never in the prime search's loops
# (BearSSL's rsa_i31_keygen_inner: trial division by br_i31_moddiv, Miller-Rabin by i62_modpow2):
# the private exponent, once per key; signature unpadding and RSA public operations with their
# decoding, a few per TLS handshake or certificate check. -Os there: 0.6 KiB.
BEARSSL_FAST_EXCEPT := src/rsa/rsa_i31_privexp.c src/rsa/rsa_pkcs1_sig_unpad.c src/rsa/rsa_i31_pub.c \
                       src/rsa/rsa_i31_pkcs1_vrfy.c src/int/i31_decmod.c src/int/i31_decode.c src/int/i31_encode.c
# The release binary's ceiling (issue 8): `make` fails above it.
SIZE_MAX_BYTES := 524288
HOST_CC   := clang
HOST_CFLAGS := -std=c11 -O1 -g -fno-omit-frame-pointer $(REPRO)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all

# ---- our sources: one folder per layer ---------------------------------------------------------
# A layer sees only the headers of the layers listed for it (its include path): including anything
# else is a compile error. Lowest first:
#   core    pure formats and models (no I/O): base64, SSH wire, key blobs and files' formats,
#           fingerprints, authorized_keys model, paste diagnosis, HTTP/JSON/cache-entry parsing, dates
#   crypto  key generation, Ed25519/EC glue, randomness
#   os      the safe filesystem: path walk, atomic writes, locks, process settings, key files
#   targets the authorized_keys files keydrop manages: users, homes, --root images, rewrite
#   net     sources: file/stdin/env and network (DNS, connections, proxy, TLS, cache)
#   cli     main, one file per command, option parsing, printing, exit codes
LAYERS     := core crypto os targets net cli
LAYER_USES_core   := core
LAYER_USES_crypto := core crypto
LAYER_USES_os     := core crypto os
LAYER_USES_targets := core crypto os targets
LAYER_USES_net    := core crypto os net
LAYER_USES_cli    := core crypto os targets net cli
LIB_LAYERS := core crypto os targets net
$(foreach l,$(LAYERS),$(eval SRCS_$(l) := $(sort $(wildcard src/$(l)/*.c))))
SRCS_LIB   := $(foreach l,$(LIB_LAYERS),$(SRCS_$(l)))
SRCS       := $(SRCS_LIB) $(SRCS_cli)
HDRS       := $(wildcard src/*/*.h)
# The include path of the file src/LAYER/NAME.c (the argument is LAYER/NAME, a pattern rule's stem).
layer_incs = $(addprefix -Isrc/,$(LAYER_USES_$(firstword $(subst /, ,$(1)))))
# Tests and fuzz targets exercise every layer below cli/.
TEST_INCS  := $(addprefix -Isrc/,$(LIB_LAYERS))
LIB_INCS   := -I$(BEARSSL_SRC)/inc -I$(SODIUM_DIR)/include -I$(SODIUM_DIR)/include/sodium -I$(B)/gen

# libsodium: only the Ed25519 subset, compiled directly with our flags (no autotools). Not its
# SHA-512 (crypto_hash/sha512/cp/hash_sha512_cp.c): src/crypto/sodium_sha512.c gives libsodium
# BearSSL's, which the binary carries anyway (TLS, bcrypt_pbkdf); a second one cost 4.7 KiB.
SODIUM_FILES := crypto_sign/ed25519/ref10/keypair.c crypto_sign/ed25519/ref10/sign.c \
                crypto_sign/ed25519/ref10/open.c crypto_sign/ed25519/sign_ed25519.c \
                crypto_core/ed25519/ref10/ed25519_ref10.c \
                crypto_verify/sodium/verify.c sodium/utils.c sodium/runtime.c

SODIUM_DEFS  := -DCONFIGURED=1 -DHAVE_TI_MODE=1 -DNATIVE_LITTLE_ENDIAN=1 -DHAVE_SYS_RANDOM_H=1 \
                -I$(SODIUM_DIR)/include/sodium -I$(SODIUM_DIR)/include -I$(B)/gen/sodium
SODIUM_SRCS  := $(addprefix $(SODIUM_DIR)/,$(SODIUM_FILES))

MUSL_OBJS   := $(patsubst src/%.c,$(TB)/musl/%.o,$(SRCS))
HOST_OBJS   := $(patsubst src/%.c,$(B)/host/%.o,$(SRCS_LIB))
SAN_OBJS    := $(patsubst src/%.c,$(B)/san/%.o,$(SRCS_LIB))
FUZZ_OBJS   := $(patsubst src/%.c,$(B)/fuzzobj/%.o,$(SRCS_LIB))

UNIT_SRCS   := $(sort $(wildcard tests/unit/t_*.c))
UNIT_BINS   := $(patsubst tests/unit/%.c,$(B)/host/tests/%,$(UNIT_SRCS))
SAN_BINS    := $(patsubst tests/unit/%.c,$(B)/san/tests/%,$(UNIT_SRCS))
FUZZ_SRCS   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS   := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))

BEARSSL_OK  := $(BEARSSL_SRC)/.keydrop-ok
SODIUM_OK   := $(SODIUM_SRC)/.keydrop-ok

.PHONY: FORCE all check check-unit check-cli check-interop check-fuzz check-fresh check-boot demo sanitize fuzz repro bench clean distclean bootstrap print-layers
.DELETE_ON_ERROR:
# Keep the host, sanitizer and fuzzer objects: they are intermediates of pattern rules.
.SECONDARY:

all: $(TB)/keydrop

include scripts/mk/musl.mk
include scripts/mk/net.mk
include scripts/mk/bcrypt.mk
include scripts/mk/install.mk

# `make bootstrap`: only the outer pass's bootstrap.
bootstrap: ;

# ---- vendor: fetch + verify + unpack (fetch.sh renames into place only when everything passed) -----
$(BEARSSL_OK): vendor/bearssl.pin vendor/fetch.sh
	@sh vendor/fetch.sh vendor/bearssl.pin $(BEARSSL_SRC)
	@# keydrop writes and reads RSA keys up to 16384 bits (as ssh-keygen); BearSSL's cap is a
	@# compile-time constant in an internal header, raised here (only stack buffer sizes depend on it).
	@sed -i 's/^#define BR_MAX_RSA_SIZE   4096$$/#define BR_MAX_RSA_SIZE   16384/' $(BEARSSL_SRC)/src/inner.h
	@grep -q '^#define BR_MAX_RSA_SIZE   16384$$' $(BEARSSL_SRC)/src/inner.h || { echo "bearssl: could not raise BR_MAX_RSA_SIZE" >&2; exit 1; }
	@touch $@
$(SODIUM_OK): vendor/libsodium.pin vendor/fetch.sh
	@sh vendor/fetch.sh vendor/libsodium.pin $(SODIUM_SRC)
	@touch $@

$(SODIUM_SRCS) $(BEARSSL_SRC)/inc/bearssl.h: ;

$(B)/gen/sodium/version.h: $(SODIUM_OK)
	@mkdir -p $(@D)
	sed -e 's/@VERSION@/1.0.18/' -e 's/@SODIUM_LIBRARY_VERSION_MAJOR@/10/' \
	    -e 's/@SODIUM_LIBRARY_VERSION_MINOR@/3/' -e 's/@SODIUM_LIBRARY_MINIMAL_DEF@//' \
	    $(SODIUM_DIR)/include/sodium/version.h.in > $@
	cp $@ $(SODIUM_DIR)/include/sodium/version.h

# BearSSL with its own Makefile, once for musl (the binary) and once for the host compiler (tests).
BEARSSL_CFLAGS = -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables $(HARDEN_CFLAGS) \
                 -ffile-prefix-map=$(CURDIR)=.
# BearSSL's build folder for ARCH (build-musl for the host's, as before: no rebuild on upgrade).
BEARSSL_MB := build-musl$(if $(filter $(HOST_ARCH),$(ARCH)),,-$(ARCH))
$(TB)/musl/libbearssl.a: $(BEARSSL_OK) $(TB)/gen/harden.stamp $(MUSL_OK)
	@mkdir -p $(@D)
	$(MAKE) -s -C $(BEARSSL_SRC) BUILD=$(BEARSSL_MB) CC=$(MUSL_CC) LD=$(MUSL_CC) LDDLL=$(MUSL_CC) \
	    CFLAGS="-W -Wall $(BEARSSL_OPT) $(BEARSSL_CFLAGS)" $(BEARSSL_MB)/libbearssl.a
	@rm -rf $(BEARSSL_SRC)/$(BEARSSL_MB)/fast && mkdir -p $(BEARSSL_SRC)/$(BEARSSL_MB)/fast
	@cd $(BEARSSL_SRC) && for f in $(BEARSSL_FAST_SRCS); do \
	    case " $(BEARSSL_FAST_EXCEPT) " in *" $$f "*) continue;; esac; \
	    o=$(BEARSSL_MB)/fast/$$(basename $$f .c).o; \
	    $(MUSL_CC) -W -Wall $(BEARSSL_FAST_OPT) $(BEARSSL_CFLAGS) -Isrc -Iinc -c -o $$o $$f || exit 1; done
	@ar rs $(BEARSSL_SRC)/$(BEARSSL_MB)/libbearssl.a $(BEARSSL_SRC)/$(BEARSSL_MB)/fast/*.o 2>/dev/null
	cp $(BEARSSL_SRC)/$(BEARSSL_MB)/libbearssl.a $@
# ($(file) writes while the recipe is expanded, before its mkdir runs: the folder is made up front.)
$(shell mkdir -p $(TB)/gen)
# The libraries are rebuilt when the hardening flags or the C library change (BearSSL's own Makefile
# does not track them).
$(TB)/gen/harden.stamp: FORCE
	@mkdir -p $(@D)
	$(file >$@.new,$(MUSL_CFLAGS) $(BEARSSL_OPT) $(BEARSSL_FAST_OPT) $(BEARSSL_FAST_SRCS) $(BEARSSL_FAST_EXCEPT) $(MUSL_CC) $(MUSL_VER))
	@cmp -s $@.new $@ && rm -f $@.new || { mv -f $@.new $@; rm -rf $(BEARSSL_SRC)/$(BEARSSL_MB); }
$(B)/host/libbearssl.a: $(BEARSSL_OK)
	@mkdir -p $(@D)
	$(MAKE) -s -C $(BEARSSL_SRC) BUILD=build-host CC=$(HOST_CC) LD=$(HOST_CC) LDDLL=$(HOST_CC) \
	    CFLAGS="-W -Wall -O2 -g -fPIC" build-host/libbearssl.a
	cp $(BEARSSL_SRC)/build-host/libbearssl.a $@

# Both archives hold exactly SODIUM_FILES: made afresh when the list changes (sodium-files.stamp),
# so an object of a file no longer listed never stays behind in a build directory.
$(B)/gen/sodium-files.stamp: FORCE
	@mkdir -p $(@D)
	$(file >$@.new,$(SODIUM_FILES))
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@
$(TB)/musl/libsodium.a: $(SODIUM_OK) $(B)/gen/sodium/version.h $(TB)/gen/harden.stamp $(B)/gen/sodium-files.stamp $(MUSL_OK)
	@rm -rf $(TB)/musl/sodium && mkdir -p $(TB)/musl/sodium
	@set -e; for f in $(SODIUM_FILES); do o=$(TB)/musl/sodium/$$(echo $$f | tr / _).o; \
	  $(MUSL_CC) $(MUSL_CFLAGS) $(SODIUM_DEFS) -w -c $(SODIUM_DIR)/$$f -o $$o; done
	rm -f $@ && ar rcsD $@ $(TB)/musl/sodium/*.o
$(B)/host/libsodium.a: $(SODIUM_OK) $(B)/gen/sodium/version.h $(B)/gen/sodium-files.stamp
	@rm -rf $(B)/host/sodium && mkdir -p $(B)/host/sodium
	@set -e; for f in $(SODIUM_FILES); do o=$(B)/host/sodium/$$(echo $$f | tr / _).o; \
	  $(HOST_CC) -O2 -g -fPIC $(SODIUM_DEFS) -w -c $(SODIUM_DIR)/$$f -o $$o; done
	rm -f $@ && ar rcsD $@ $(B)/host/sodium/*.o

DEPS_MUSL := $(TB)/musl/libbearssl.a $(TB)/musl/libsodium.a $(TB)/gen/defs.stamp $(MUSL_OK)
DEPS_HOST := $(B)/host/libbearssl.a $(B)/host/libsodium.a

# Objects depend on the compile-time definitions (build date, versions): the stamp is rewritten only
# when they change, so a new commit's date reaches `keydrop version` and nothing else rebuilds.
$(TB)/gen/defs.stamp: FORCE
	@mkdir -p $(@D)
	$(file >$@.new,$(DEFS) $(MUSL_CFLAGS) $(LTO_FLAGS) $(MUSL_LDFLAGS) $(HOST_CFLAGS))
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@
# The same for the host builds (tests, sanitizers, fuzzing), whatever ARCH is.
$(B)/gen/hostdefs.stamp: FORCE
	@mkdir -p $(@D)
	$(file >$@.new,$(DEFS) $(HOST_CFLAGS))
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@
FORCE:

# ---- keydrop --------------------------------------------------------------------------------------
$(TB)/musl/%.o: src/%.c $(HDRS) $(DEPS_MUSL)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(MUSL_CC) $(MUSL_CFLAGS) $(LTO_FLAGS) $(WARN) $(DEFS) $(call layer_incs,$*) $(LIB_INCS) -c $< -o $@

$(TB)/keydrop: $(MUSL_OBJS) $(DEPS_MUSL)
	$(call musl_link,$@,$(MUSL_OBJS) $(filter %.a,$(DEPS_MUSL)))
	@s=$$(stat -c %s $@); echo "built $@ ($$s bytes, ceiling $(SIZE_MAX_BYTES))"; \
	  if [ "$$s" -gt $(SIZE_MAX_BYTES) ]; then echo "keydrop: $@ is $$s bytes, over the $(SIZE_MAX_BYTES)-byte ceiling" >&2; rm -f $@; exit 1; fi

# build/keydrop-future: the release sources, only with a build date FUTURE_DAYS after now, for the
# tests of the certificate clock floor ("the system clock is before the build date") with
# certificates dated relative to the real clock. No test code in it, no seam: a real condition.
# Only the files that use the build date are compiled again (rebuilt every time: "now" moves).
FUTURE_DAYS ?= 30
FUTURE_SRCS := $(shell grep -l KEYDROP_BUILD_EPOCH $(SRCS))
FUTURE_OBJS := $(patsubst src/%.c,$(TB)/future/%.o,$(FUTURE_SRCS))
$(TB)/keydrop-future: $(MUSL_OBJS) $(DEPS_MUSL) FORCE
	@set -e; e=$$(( $$(date +%s) + $(FUTURE_DAYS) * 86400 )); for f in $(FUTURE_SRCS); do \
	  o=$(TB)/future/$${f#src/}; mkdir -p $$(dirname $$o); \
	  $(MUSL_CC) $(MUSL_CFLAGS) $(LTO_FLAGS) $(WARN) $(subst -DKEYDROP_BUILD_EPOCH=$(SOURCE_DATE_EPOCH)LL,-DKEYDROP_BUILD_EPOCH=$${e}LL,$(DEFS)) \
	    $(call layer_incs,cli) $(LIB_INCS) -c $$f -o $${o%.c}.o; done
	@$(call musl_link,$@,$(filter-out $(patsubst src/%.c,$(TB)/musl/%.o,$(FUTURE_SRCS)),$(MUSL_OBJS)) \
	    $(FUTURE_OBJS) $(filter %.a,$(DEPS_MUSL)))
	@echo "built $@ (build date $$($(TARGET_RUN) $@ version | sed -n 's/^built //p'))"

# ---- host builds for unit tests, sanitizers and fuzzing ------------------------------------------
$(B)/host/%.o: src/%.c $(HDRS) $(DEPS_HOST) $(B)/gen/hostdefs.stamp
	@mkdir -p $(@D)
	@echo "  CC host $<"
	@$(HOST_CC) $(HOST_CFLAGS) $(WARN) $(DEFS) $(call layer_incs,$*) $(LIB_INCS) -c $< -o $@
$(B)/san/%.o: src/%.c $(HDRS) $(DEPS_HOST) $(B)/gen/hostdefs.stamp
	@mkdir -p $(@D)
	@echo "  LINK/CC $@"
	@$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(WARN) $(DEFS) $(call layer_incs,$*) $(LIB_INCS) -c $< -o $@
$(B)/fuzzobj/%.o: src/%.c $(HDRS) $(DEPS_HOST) $(B)/gen/hostdefs.stamp
	@mkdir -p $(@D)
	@echo "  LINK/CC $@"
	@$(HOST_CC) $(HOST_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined $(WARN) $(DEFS) $(call layer_incs,$*) $(LIB_INCS) -DKEYDROP_FUZZ -c $< -o $@

$(B)/host/tests/%: tests/unit/%.c tests/unit/tap.h $(HOST_OBJS) $(DEPS_HOST)
	@mkdir -p $(@D)
	@echo "  LINK/CC $@"
	@$(HOST_CC) $(HOST_CFLAGS) $(WARN) $(DEFS) $(TEST_INCS) $(LIB_INCS) -Itests/unit -o $@ $< $(HOST_OBJS) $(DEPS_HOST)
$(B)/san/tests/%: tests/unit/%.c tests/unit/tap.h $(SAN_OBJS) $(DEPS_HOST)
	@mkdir -p $(@D)
	@echo "  LINK/CC $@"
	@$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(WARN) $(DEFS) $(TEST_INCS) $(LIB_INCS) -Itests/unit -o $@ $< $(SAN_OBJS) $(DEPS_HOST)
$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS) $(DEPS_HOST)
	@mkdir -p $(@D)
	@echo "  LINK/CC $@"
	@$(HOST_CC) $(HOST_CFLAGS) -fsanitize=fuzzer,address,undefined $(WARN) $(DEFS) $(TEST_INCS) $(LIB_INCS) -o $@ $< $(FUZZ_OBJS) $(DEPS_HOST)

# ---- other architectures: make cross (ARCH=aarch64), tests under qemu-user ----------------------------
# For make check-aarch64: the unit tests and the fuzz targets built for ARCH with its musl (no
# libFuzzer, no sanitizers there: tests/cross/replay_main.c runs each corpus file through the target
# once), from objects without LTO (a dozen test links otherwise each optimise the whole library), and
# run by qemu-user (TARGET_RUN). The release binary is the one of `make ARCH=...`.
XOBJS      := $(patsubst src/%.c,$(TB)/xobj/%.o,$(SRCS_LIB))
XUNIT_BINS := $(patsubst tests/unit/%.c,$(TB)/xtests/%,$(UNIT_SRCS))
XFUZZ_BINS := $(patsubst tests/fuzz/%.c,$(TB)/replay/%,$(FUZZ_SRCS))
TARGET_RUN := $(if $(filter aarch64,$(filter-out $(HOST_ARCH),$(ARCH))),qemu-aarch64-static)
$(TB)/xobj/%.o: src/%.c $(HDRS) $(DEPS_MUSL)
	@mkdir -p $(@D)
	@echo "  CC $(ARCH) $<"
	@$(MUSL_CC) $(MUSL_CFLAGS) $(WARN) $(DEFS) $(call layer_incs,$*) $(LIB_INCS) -c $< -o $@
# The unit tests are written against clang (their host compiler); gcc's -Wformat-truncation finds
# test-only snprintf calls into buffers sized for the test data (t_privkey.c), not a fault.
XTEST_WARN := $(WARN) -Wno-format-truncation
$(TB)/xtests/%.o: tests/unit/%.c tests/unit/tap.h $(DEPS_MUSL)
	@mkdir -p $(@D)
	@$(MUSL_CC) $(MUSL_CFLAGS) $(XTEST_WARN) $(DEFS) $(TEST_INCS) $(LIB_INCS) -Itests/unit -c $< -o $@
$(TB)/xtests/%: $(TB)/xtests/%.o $(XOBJS) $(DEPS_MUSL)
	@echo "  LINK $(ARCH) $@"
	@$(call musl_link,$@,$< $(XOBJS) $(filter %.a,$(DEPS_MUSL)))
$(TB)/replay/%.o: tests/fuzz/%.c $(DEPS_MUSL)
	@mkdir -p $(@D)
	@$(MUSL_CC) $(MUSL_CFLAGS) $(XTEST_WARN) $(DEFS) $(TEST_INCS) $(LIB_INCS) -c $< -o $@
$(TB)/replay/replay_main.o: tests/cross/replay_main.c $(DEPS_MUSL)
	@mkdir -p $(@D)
	@$(MUSL_CC) $(MUSL_CFLAGS) $(WARN) -c $< -o $@
$(TB)/replay/%: $(TB)/replay/%.o $(TB)/replay/replay_main.o $(XOBJS) $(DEPS_MUSL)
	@echo "  LINK $(ARCH) $@"
	@$(call musl_link,$@,$< $(TB)/replay/replay_main.o $(XOBJS) $(filter %.a,$(DEPS_MUSL)))
# KEYDROP for the CLI tests: a script that runs the binary under qemu-user.
$(TB)/%-run: $(TB)/%
	@printf '#!/bin/sh\n# runs %s under %s (make check-$(ARCH))\nexec %s %s "$$@"\n' "$<" "$(TARGET_RUN)" "$(TARGET_RUN)" "$(CURDIR)/$<" > $@.tmp
	@chmod 755 $@.tmp && mv $@.tmp $@

.PHONY: cross dist check-aarch64 check-cross
cross:
	@$(MAKE) --no-print-directory ARCH=aarch64 $(B)/aarch64/keydrop
# make dist: the release files, one static binary per architecture, their .deb packages and SHA256SUMS
# (made from the host's build; dist/ is made afresh).
DIST := dist
dist: $(B)/keydrop
	@test "$(HOST_ARCH)" = x86_64 || { echo "make dist: made on x86_64 (the host build plus make cross)" >&2; exit 1; }
	@$(MAKE) --no-print-directory ARCH=aarch64 $(B)/aarch64/keydrop
	@$(MAKE) --no-print-directory deb
	@$(MAKE) --no-print-directory ARCH=aarch64 deb
	rm -rf $(DIST) && mkdir -p $(DIST)
	cp $(B)/keydrop $(DIST)/keydrop-$(VERSION)-linux-x86_64
	cp $(B)/aarch64/keydrop $(DIST)/keydrop-$(VERSION)-linux-aarch64
	cp $(B)/keydrop_$(DEB_VERSION)_amd64.deb $(B)/keydrop_$(DEB_VERSION)_arm64.deb $(DIST)/
	cd $(DIST) && sha256sum keydrop-* keydrop_* > SHA256SUMS
	@cat $(DIST)/SHA256SUMS
# The CLI test files that run the binary (KEYDROP) and pass unchanged under emulation. Not
# walk_attacks.t (it stops keydrop at a syscall with gdb's catchpoints, which see the emulator's
# syscalls), nor the files about the build, the install, the package or the source (install, layers,
# deb, repro, vendor*, manpage, no_seams, muscle: they make and check the host's build/keydrop).
CROSS_CLI_TESTS ?= tests/cli/hardening.t tests/cli/keygen.t tests/cli/keygen_comment.t tests/cli/install_inputs.t \
                   tests/cli/install_faults.t tests/cli/install_attacks.t tests/cli/fetch.t \
                   tests/cli/output_errors.t tests/cli/fifo_inputs.t tests/cli/keyvalid.t tests/cli/check_key.t \
                   tests/cli/grammar.t tests/cli/commands_agree.t tests/cli/denied_fragments.t \
                   tests/cli/authkeys_cmds.t tests/cli/prompt.t tests/cross/emulated.t
check-aarch64:
	@$(MAKE) --no-print-directory ARCH=aarch64 check-cross
check-cross: $(TB)/keydrop $(TB)/keydrop-future $(TB)/keydrop-run $(TB)/keydrop-future-run $(XUNIT_BINS) $(XFUZZ_BINS)
	@test -n "$(TARGET_RUN)" || { echo "make check-cross: ARCH=$(ARCH) is the host's (use make check)" >&2; exit 1; }
	@$(MAKE) --no-print-directory -s deb >/dev/null
	KEYDROP=$(CURDIR)/$(TB)/keydrop-run KEYDROP_ELF=$(CURDIR)/$(TB)/keydrop KEYDROP_FUTURE=$(CURDIR)/$(TB)/keydrop-future-run \
	  KEYDROP_FUTURE_ELF=$(CURDIR)/$(TB)/keydrop-future \
	  KEYDROP_ARCH=$(ARCH) KEYDROP_REPLAY=$(CURDIR)/$(TB)/replay TARGET_RUN=$(TARGET_RUN) \
	  prove -e '$(TARGET_RUN)' $(XUNIT_BINS) && \
	KEYDROP=$(CURDIR)/$(TB)/keydrop-run KEYDROP_ELF=$(CURDIR)/$(TB)/keydrop KEYDROP_FUTURE=$(CURDIR)/$(TB)/keydrop-future-run \
	  KEYDROP_FUTURE_ELF=$(CURDIR)/$(TB)/keydrop-future \
	  KEYDROP_ARCH=$(ARCH) KEYDROP_REPLAY=$(CURDIR)/$(TB)/replay TARGET_RUN=$(TARGET_RUN) \
	  KEYDROP_DEB=$(CURDIR)/$(DEB) prove $(CROSS_CLI_TESTS) tests/cross/fuzz_replay.t tests/cross/deb_arm64.t

# ---- tests -------------------------------------------------------------------------------------------
export KEYDROP := $(CURDIR)/$(B)/keydrop
export KEYDROP_FUTURE := $(CURDIR)/$(B)/keydrop-future
check: $(B)/keydrop $(B)/keydrop-future $(UNIT_BINS) $(FUZZ_BINS)
	prove -e '' $(UNIT_BINS) tests/cli/*.t tests/interop/*.t tests/fuzz/run-brief.t

# For tests/cli/layers.t: one line per layer ("LAYER: USES..."), then the libraries' include flags.
print-layers:
	@$(foreach l,$(LAYERS),echo "$(l): $(LAYER_USES_$(l))";) echo "libs: $(LIB_INCS)"

check-unit: $(UNIT_BINS)
	prove -e '' $(UNIT_BINS)
check-cli: $(B)/keydrop $(B)/keydrop-future
	prove -e '' tests/cli/*.t
check-interop: $(B)/keydrop $(B)/keydrop-future
	prove -e '' tests/interop/*.t
check-fuzz: $(FUZZ_BINS)
	prove -e '' tests/fuzz/run-brief.t
# make from zero in a minimal Debian bookworm root (root, network for apt; tests/fresh/bookworm.t).
check-fresh:
	prove -v tests/fresh/bookworm.t
# qemu (TCG) boots of a debootstrap root with keydrop from `make deb` (root, network for apt the first
# time; the root is cached in /var/cache/keydrop-ci; tests/boot/*.t).
check-boot: deb
	KEYDROP_DEB=$(CURDIR)/$(DEB) prove -v tests/boot/*.t

sanitize: $(SAN_BINS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 prove -e '' $(SAN_BINS)

fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-300} bash tests/fuzz/run.sh

demo: $(B)/keydrop
	bash scripts/demo.sh

repro:
	bash scripts/repro.sh

bench: $(B)/keydrop
	@# every script runs; the target fails at the end when one missed its target
	@fail=0; for s in keygen install install_many sync_many fetch; do echo "### scripts/bench/$$s.sh"; \
	  bash scripts/bench/$$s.sh || fail=1; done; exit $$fail

clean:
	rm -rf $(B)/musl/*.o $(B)/host $(B)/san $(B)/fuzz $(B)/fuzzobj $(B)/keydrop
	rm -rf $(B)/musl $(B)/aarch64
distclean:
	rm -rf $(B) $(DIST)

endif # KEYDROP_INNER
