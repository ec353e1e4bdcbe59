# scripts/mk/musl.mk: the C library (issue 13). musl from Debian bookworm's source package, pinned in
# vendor/musl.pin like BearSSL and libsodium, built for ARCH with its own configure into
# build/libc/ARCH (headers, libc.a, the start files and the musl-gcc wrapper with its specs file for
# the compiler given: gcc for the host, aarch64-linux-gnu-gcc for aarch64). The build uses no musl of
# the machine's (no musl-tools). Included once from the Makefile.
#
# Built with the project's flags for libraries: position-independent (the static PIE), canaries in
# every function with a local array (musl's own Makefile leaves them out where it must: the start-up
# code before the canary is set), -Os, and the source path mapped away (reproducible in any folder).
# No shared library: the binary is static. musl's build takes about a minute; the stamp
# build/libc/ARCH/.keydrop-ok (remade only when the pin, this file or the flags change) keeps later
# builds from running its make again.
MUSL_SRC    := $(B)/src/musl
MUSL_SRC_OK := $(MUSL_SRC)/.keydrop-ok
MUSL_OK     := $(MUSL_PREFIX)/.keydrop-ok
MUSL_BUILD  := $(B)/libc/$(ARCH)-build
MUSL_LIB_CFLAGS := -Os -fPIE -fstack-protector-strong -ffile-prefix-map=$(CURDIR)=.
# The host's musl needs no --target; a cross one is configured for the GNU triple of the cross gcc,
# so that its ar and ranlib (aarch64-linux-gnu-ar) are the ones used.
MUSL_TARGET := $(if $(filter $(HOST_ARCH),$(ARCH)),,--target=$(patsubst %-gcc,%,$(TARGET_GCC)))

$(MUSL_SRC_OK): vendor/musl.pin vendor/fetch.sh
	@sh vendor/fetch.sh vendor/musl.pin $(MUSL_SRC)
	@touch $@

$(MUSL_OK): $(MUSL_SRC_OK) scripts/mk/musl.mk
	@command -v $(TARGET_GCC) >/dev/null || { echo "keydrop: $(TARGET_GCC) is missing (ARCH=$(ARCH)): run 'bash scripts/bootstrap.sh $(if $(filter $(HOST_ARCH),$(ARCH)),build,cross)'" >&2; exit 1; }
	@echo "  MUSL    $(MUSL_VER) for $(ARCH) ($(TARGET_GCC)) into $(MUSL_PREFIX)"
	@rm -rf $(MUSL_BUILD) $(MUSL_PREFIX) && mkdir -p $(MUSL_BUILD)
	@cd $(MUSL_BUILD) && CC=$(TARGET_GCC) CFLAGS="$(MUSL_LIB_CFLAGS)" \
	  $(CURDIR)/$(MUSL_SRC)/configure --prefix=$(CURDIR)/$(MUSL_PREFIX) $(MUSL_TARGET) \
	    --disable-shared --enable-wrapper=gcc > configure.log 2>&1 \
	  || { tail -20 configure.log >&2; echo "keydrop: musl's configure failed ($(MUSL_BUILD)/configure.log)" >&2; exit 1; }
	@$(MAKE) -s -C $(MUSL_BUILD) install > $(MUSL_BUILD)/make.log 2>&1 \
	  || { tail -20 $(MUSL_BUILD)/make.log >&2; echo "keydrop: musl's build failed ($(MUSL_BUILD)/make.log)" >&2; exit 1; }
	@test -x $(MUSL_CC) && test -f $(MUSL_PREFIX)/lib/rcrt1.o && test -f $(MUSL_PREFIX)/lib/libc.a
	@touch $@

$(MUSL_CC): $(MUSL_OK) ;
