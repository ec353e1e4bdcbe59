# scripts/mk/net.mk: build rules for the network part (issue 4): the embedded trust anchors and the tool that
# makes them. Included once from the Makefile.
#
# Embedded roots: BearSSL's own `brssl ta` turns Debian's ca-certificates bundle into C trust-anchor
# tables in build/gen/ca_roots.h (generated, never committed). tls_roots.c includes it.

CA_BUNDLE   ?= /etc/ssl/certs/ca-certificates.crt
CA_VERSION  := $(shell dpkg-query -W -f='$${Version}' ca-certificates 2>/dev/null || echo unknown)
BRSSL_TOOL  := $(B)/host/brssl

CA_SHA256  := $(shell sha256sum $(CA_BUNDLE) 2>/dev/null | cut -c1-64)
# The bundle's hash: at run time a system bundle with the same bytes is served from the embedded
# table (same certificates) instead of being parsed again (~50 ms of PEM and X.509 decoding).
DEFS += -DKEYDROP_CA_SHA256='"$(CA_SHA256)"'

$(BRSSL_TOOL): $(B)/host/libbearssl.a
	$(MAKE) -s -C $(BEARSSL_SRC) BUILD=build-host CC=$(HOST_CC) LD=$(HOST_CC) LDDLL=$(HOST_CC) \
	    CFLAGS="-W -Wall -O2 -g -fPIC" build-host/brssl
	cp $(BEARSSL_SRC)/build-host/brssl $@

# The bundle's certificates as trust anchors: `brssl ta` writes C tables (ca_roots_brssl.h), which
# scripts/mk/ca_blob.awk packs into one byte string and scripts/mk/ca_pack.c LZ77-compresses (ca_roots.h, ~52 KiB
# instead of ~71 KiB; tls_roots.c unpacks it at run time, only when no system bundle is used). A
# non-empty table is required: an empty one would make every fetch on a machine without a bundle
# fail with "unknown issuer". tests/unit/t_tls.c checks the packed form against brssl's tables.
$(B)/gen/ca_roots_brssl.h: $(BRSSL_TOOL) $(CA_BUNDLE) scripts/mk/net.mk
	@mkdir -p $(@D)
	@echo "  GEN     $@ (from $(CA_BUNDLE), ca-certificates $(CA_VERSION))"
	@$(BRSSL_TOOL) ta -q $(CA_BUNDLE) > $@.tmp
	@grep -q '^#define TAs_NUM' $@.tmp || { echo "ca_roots: brssl ta produced no table" >&2; exit 1; }
	@mv $@.tmp $@
#
# EMBED_ROOTS=0 builds without the embedded set (about 62 KiB smaller) for images that always ship a
# CA bundle: then a machine without one fails with "no CA certificates" instead of falling back.
EMBED_ROOTS ?= 1
ROOTS_CFG := $(B)/gen/ca_roots.cfg
$(shell mkdir -p $(B)/gen; [ "$$(cat $(ROOTS_CFG) 2>/dev/null)" = "$(EMBED_ROOTS)" ] || echo "$(EMBED_ROOTS)" > $(ROOTS_CFG))
ifeq ($(EMBED_ROOTS),0)
DEFS += -DKEYDROP_NO_EMBEDDED_ROOTS
$(B)/gen/ca_roots.h: $(ROOTS_CFG) $(B)/gen/ca_roots_brssl.h
	@printf '/* built with EMBED_ROOTS=0 */\n#define CA_ROOTS_NUM 0\n#define CA_ROOTS_RAW_LEN 0\nstatic const unsigned char ca_roots_lz[1] = { 0 };\n' > $@
else
DEFS += -DKEYDROP_CA_VERSION='"Debian ca-certificates $(CA_VERSION)"'
$(B)/gen/ca_roots.h: $(ROOTS_CFG) $(B)/gen/ca_roots_brssl.h scripts/mk/ca_blob.awk $(B)/host/ca_pack
	@set -o pipefail; awk -f scripts/mk/ca_blob.awk $(B)/gen/ca_roots_brssl.h | $(B)/host/ca_pack > $@.tmp
	@grep -q '^#define CA_ROOTS_NUM [1-9]' $@.tmp || { echo "ca_roots: packing failed" >&2; exit 1; }
	@mv $@.tmp $@
endif

# The LZ77 packer for the table (a build tool: host compiler, our code).
$(B)/host/ca_pack: scripts/mk/ca_pack.c
	@mkdir -p $(@D)
	$(HOST_CC) -O2 $(WARN) -o $@ $<

# Objects that embed the table or print its version.
$(B)/musl/net/tls_roots.o $(B)/host/net/tls_roots.o $(B)/san/net/tls_roots.o $(B)/fuzzobj/net/tls_roots.o: $(B)/gen/ca_roots.h
$(B)/musl/cli/cmd_version.o: $(B)/gen/ca_roots.h
$(B)/musl/net/tls_roots.o: scripts/mk/net.mk
$(B)/host/tests/t_tls $(B)/san/tests/t_tls: $(B)/gen/ca_roots.h

# jsmn (Debian's libjsmn-dev) is one header in /usr/include, which musl-gcc does not search (and
# must not: glibc headers). A copy in build/gen, on every compiler's include path, is used instead.
JSMN_H ?= /usr/include/jsmn.h
# On a fresh machine the header comes from the bootstrap (apt): a rule for it, after the bootstrap,
# keeps make from deciding "no rule to make target" before the package is installed.
$(JSMN_H): | $(BOOT_STAMP)
	@test -f $@ || { echo "keydrop: $@ is missing (Debian package libjsmn-dev): run 'bash scripts/bootstrap.sh build'" >&2; exit 1; }
$(B)/gen/jsmn.h: $(JSMN_H)
	@mkdir -p $(@D)
	cp $< $@
$(B)/musl/core/json.o $(B)/host/core/json.o $(B)/san/core/json.o $(B)/fuzzobj/core/json.o: $(B)/gen/jsmn.h
