# scripts/mk/install.mk: `make install` and `make deb` (included by the Makefile's inner pass).
#
# make install [PREFIX=/usr/local] [DESTDIR=] [BINDIR=] [MANDIR=] [UNITDIR=] [INITRAMFSDIR=] [DRACUTDIR=]: the binary,
# the man page, the systemd units, the initramfs-tools hook and boot scripts (@BINDIR@ and
# @SHAREDIR@ filled in) and the examples. Units are copied,
# never enabled: the admin enables them (systemctl enable ...).
# make deb: build/keydrop_VERSION_ARCH.deb, built with dpkg-deb from `make install DESTDIR=...
# PREFIX=/usr UNITDIR=/lib/systemd/system`, plus the files Debian policy wants (copyright,
# changelog, compressed man page). No maintainer scripts: installing it enables nothing.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
UNITDIR  ?= $(PREFIX)/lib/systemd/system
SHAREDIR ?= $(PREFIX)/share/keydrop
# initramfs-tools reads hooks and boot scripts only from /usr/share/initramfs-tools (packages) and
# /etc/initramfs-tools (the admin's): PREFIX=/usr installs to the first, the default /usr/local to
# the second; any other PREFIX to PREFIX/share/initramfs-tools (never /etc behind a private prefix).
INITRAMFSDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/share/initramfs-tools,$(if $(filter /usr/local,$(PREFIX)),/etc/initramfs-tools,$(PREFIX)/share/initramfs-tools))
INITRAMFS_FILES := hooks/keydrop scripts/init-premount/keydrop scripts/init-bottom/keydrop conf-hooks.d/keydrop
# the admin's counterpart of a package's conf-hooks.d is conf.d
INITRAMFS_CONFD := $(if $(filter /etc/%,$(INITRAMFSDIR)),conf.d,conf-hooks.d)
UNITS    := $(sort $(wildcard scripts/systemd/*.service scripts/systemd/*.timer))
EXAMPLES := $(sort $(wildcard scripts/examples/*.example))
MANPAGE  := doc/keydrop.1
# @BINDIR@/@SHAREDIR@ in units and examples -> the installed paths.
INSTALL_SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SHAREDIR@|$(SHAREDIR)|g'
# $(call install_subst,SRC,DEST,MODE): a shell command: SRC with @VARS@ filled in, written beside
# DEST, given MODE and renamed over it (a half-written file never has DEST's name).
install_subst = $(INSTALL_SUBST) "$(1)" > "$(2).tmp" && chmod $(3) "$(2).tmp" && mv -f "$(2).tmp" "$(2)" || exit 1

.PHONY: install deb

install: $(TB)/keydrop $(MANPAGE)
	install -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(TB)/keydrop $(DESTDIR)$(BINDIR)/keydrop
	install -m 0644 $(MANPAGE) $(DESTDIR)$(MANDIR)/man1/keydrop.1
	@set -e; for f in $(UNITS); do \
	  echo "  UNIT    $(DESTDIR)$(UNITDIR)/$${f##*/}"; \
	  $(call install_subst,$$f,$(DESTDIR)$(UNITDIR)/$${f##*/},0644); \
	done
	@set -e; for f in $(INITRAMFS_FILES); do \
	  d="$(DESTDIR)$(INITRAMFSDIR)/$${f%/*}"; mode=0755; \
	  case $$f in conf-hooks.d/*) mode=0644; d="$(DESTDIR)$(INITRAMFSDIR)/$(INITRAMFS_CONFD)";; esac; \
	  install -d -m 0755 "$$d"; \
	  $(call install_subst,scripts/initramfs-tools/$$f,$$d/keydrop,$$mode); \
	done
	@set -e; for f in $(EXAMPLES); do \
	  $(call install_subst,$$f,$(DESTDIR)$(SHAREDIR)/$${f##*/},0644); \
	done

# ---- dracut: the keydrop module (scripts/dracut/90keydrop) ---------------------------------------
# make install also puts it into DRACUTDIR/90keydrop, scripts 0755 (dracut runs them).
# DRACUTDIR: dracut's module directory. dracut reads only /usr/lib/dracut/modules.d (it has no
# admin's counterpart under /etc): PREFIX=/usr and the default /usr/local install there (as the
# initramfs-tools files go where initramfs-tools reads them); any other PREFIX to
# PREFIX/lib/dracut/modules.d (a private tree: dracut does not see it). module-setup.sh gets
# @BINDIR@: the keydrop it copies into the image is the one installed here.
DRACUTDIR     ?= $(if $(filter /usr /usr/local,$(PREFIX)),/usr/lib/dracut/modules.d,$(PREFIX)/lib/dracut/modules.d)
DRACUT_MODULE := $(sort $(wildcard scripts/dracut/90keydrop/*.sh))

.PHONY: install-dracut
install: install-dracut
install-dracut:
	install -d -m 0755 $(DESTDIR)$(DRACUTDIR)/90keydrop
	@set -e; for f in $(DRACUT_MODULE); do \
	  echo "  DRACUT  $(DESTDIR)$(DRACUTDIR)/90keydrop/$${f##*/}"; \
	  $(call install_subst,$$f,$(DESTDIR)$(DRACUTDIR)/90keydrop/$${f##*/},0755); \
	done

# ---- the .deb --------------------------------------------------------------------------------------
# Debian's name of ARCH: the host's from dpkg; aarch64 (make ARCH=aarch64 deb) is arm64.
DEB_ARCH       := $(if $(filter aarch64,$(filter-out $(HOST_ARCH),$(ARCH))),arm64,$(shell dpkg --print-architecture 2>/dev/null))
DEB_VERSION    ?= $(VERSION)
DEB            := $(B)/keydrop_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_ROOT       := $(TB)/deb/root
# The Maintainer field: override with DEB_MAINTAINER='Name <address>'; default the last commit's author.
DEB_MAINTAINER ?= $(shell git log -1 --format='%an <%ae>' 2>/dev/null || echo 'keydrop authors <keydrop@localhost.localdomain>')
# The Debian source packages whose code (or data) the static binary carries (Policy 7.8 Built-Using).
DEB_BUILT_USING = musl (= $(MUSL_VER)), $(shell dpkg-query -W -f='$${source:Package} (= $${source:Version}), ' ca-certificates 2>/dev/null)bearssl (= $(BEARSSL_VER)), libsodium (= $(LIBSODIUM_VER))
DEB_DOC        := $(DEB_ROOT)/usr/share/doc/keydrop

deb: $(TB)/keydrop
	@test -n "$(DEB_ARCH)" || { echo "make deb: dpkg --print-architecture failed" >&2; exit 1; }
	rm -rf $(TB)/deb
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(DEB_ROOT) PREFIX=/usr UNITDIR=/lib/systemd/system
	@# Policy: man pages compressed (gzip -n: no name or time inside, reproducible)
	gzip -9n $(DEB_ROOT)/usr/share/man/man1/keydrop.1
	install -d -m 0755 $(DEB_DOC) $(DEB_ROOT)/DEBIAN
	bash scripts/deb-meta.sh $(DEB_ROOT) '$(DEB_VERSION)' '$(DEB_ARCH)' '$(DEB_MAINTAINER)' '$(DEB_BUILT_USING)' \
	  $(BEARSSL_SRC) $(SODIUM_SRC) $(MUSL_SRC)
	@# Every file dated SOURCE_DATE_EPOCH, owned by root in the archive: the same tree gives the same .deb.
	find $(DEB_ROOT) -exec touch -h -d @$(SOURCE_DATE_EPOCH) {} +
	dpkg-deb --root-owner-group -Zxz --build $(DEB_ROOT) $(DEB)
	@echo "built $(DEB)"
