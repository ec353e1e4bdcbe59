#!/bin/bash
# keydrop's dracut module: root's authorized_keys in the initramfs fetched at boot (keydrop sync),
# once the network is online, into the managed block "initramfs"; the keys baked in at build time
# (dracut-sshd puts /etc/dracut-sshd/authorized_keys at /root/.ssh/authorized_keys) stay outside
# the block, so a boot without network or server still has them.
#
# Opt-in like the initramfs-tools hook: without /etc/keydrop/initramfs.conf the module is only
# included when asked for (dracut -a keydrop, add_dracutmodules+=" keydrop ").
# The config is a `keydrop sync --config` file plus the initramfs-tools hook's own lines
# (`hostkeys`, `ssh`, `network-wait`): those are removed from the copy in the image, since keydrop
# would refuse them as unknown options (dracut-sshd serves the system's own host keys, and the
# hook runs once the network is up: none of them has a use here).

# dracut sets dracutsysrootdir, moddir and initdir before it sources this file.
# shellcheck disable=SC2154
KEYDROP_CONF=/etc/keydrop/initramfs.conf
# The binary `make install` installed beside this module (filled in by it); else PATH's.
KEYDROP_BIN=@BINDIR@/keydrop

# called by dracut
check() {
    keydrop_binary > /dev/null || return 1
    [[ -f $dracutsysrootdir$KEYDROP_CONF ]] && return 0
    return 255
}

# called by dracut
depends() {
    echo network
    return 0
}

# keydrop_binary: the keydrop to copy in (the path on the host, without the sysroot prefix).
keydrop_binary() {
    if [[ -x $dracutsysrootdir$KEYDROP_BIN ]]; then
        echo "$KEYDROP_BIN"
    else
        find_binary keydrop
    fi
}

# keydrop_conf_filter [blank]: the config without the hook-only lines ("blank": each replaced by
# an empty line, so keydrop's messages about the rest name the source's line numbers). The grammar
# is keydrop's (src/core/cmdline.c): blanks (space, tab, CR) around "name [value]", '#' comments.
keydrop_conf_filter() {
    awk -v blank="$1" '{
        line = $0
        sub(/^[ \t\r]+/, "", line)
        name = line
        sub(/[ \t\r].*$/, "", name)
        if (name == "hostkeys" || name == "ssh" || name == "network-wait") {
            if (blank != "")
                print ""
            next
        }
        print
    }'
}

# keydrop_conf_files: the paths the config's cacert and header-file lines name, one a line. The
# names getopt_long takes for them count too: an unambiguous abbreviation ("cacer", "header-f").
keydrop_conf_files() {
    awk '{
        line = $0
        sub(/^[ \t\r]+/, "", line)
        sub(/[ \t\r]+$/, "", line)
        name = line
        sub(/[ \t\r].*$/, "", name)
        n = length(name)
        if (!((n >= 4 && substr("cacert", 1, n) == name) || (n >= 7 && substr("header-file", 1, n) == name)))
            next
        value = substr(line, n + 1)
        sub(/^[ \t\r]+/, "", value)
        if (value != "")
            print value
    }'
}

# called by dracut
# Every failure below is dfatal + exit 1 in dracut's shell: dracut ignores install()'s return code
# and would write an image holding half a module; exiting fails the build, the previous image stays.
install() {
    local kd conf f
    kd=$(keydrop_binary) || {
        dfatal "keydrop: no keydrop binary (looked for $KEYDROP_BIN and in PATH)"
        exit 1
    }
    # static: no libraries to follow; at one known path, the one the hook calls
    inst_simple "$kd" /usr/bin/keydrop || {
        dfatal "keydrop: cannot copy $kd into the image"
        exit 1
    }
    inst_hook initqueue/online 90 "$moddir/keydrop-online.sh"
    # dracut's network module picks systemd-networkd whenever systemd is there and NetworkManager
    # is not (a plain bookworm host); that handler runs no initqueue/online hooks: the sync would
    # silently never happen. The image still works (the baked keys): a warning, not a failure.
    if dracut_module_included systemd-networkd; then
        dwarn "keydrop: the network handler is systemd-networkd, which never runs initqueue/online hooks: keydrop's sync will never run, only the baked keys work (build with network-legacy: omit_dracutmodules+=\" systemd-networkd \" add_dracutmodules+=\" network-legacy \")"
    fi
    inst_simple /etc/hosts # the key server's name may live there (no DNS in the initramfs)
    # keydrop finds root's home in the passwd file (base puts root there) and writes under it
    inst_dir /root
    chmod 0700 "$initdir/root"

    conf=$dracutsysrootdir$KEYDROP_CONF
    if [[ ! -f $conf ]]; then
        dwarn "keydrop: no $KEYDROP_CONF: the image's hook will do nothing (write it, then rebuild)"
        return 0
    fi
    # keydrop's own --config rule (src/cli/cliconf.c): root's file, writable by no one else. The
    # copy in the image is root's 0600: without this check it would launder a file anyone could
    # have written into one keydrop trusts at boot.
    local uid mode
    read -r uid mode < <(stat -L -c '%u %a' "$conf") || {
        dfatal "keydrop: cannot stat $KEYDROP_CONF"
        exit 1
    }
    if [[ $uid != 0 ]] || ((8#$mode & 8#022)); then
        dfatal "keydrop: $KEYDROP_CONF: owner uid $uid, mode $mode: keydrop takes a config only when root owns it and no one else can write it (chown root, chmod go-w)"
        exit 1
    fi
    mkdir -p "$initdir/etc/keydrop" && chmod 0755 "$initdir/etc/keydrop"
    # 0600 like the source should be: keydrop refuses a config others can write, and it may name
    # a header file holding a token (the image itself is readable by whoever reads /boot).
    # keydrop itself judges the lines now (--help: parse the config and the options, do nothing;
    # exit 2 on a line it would refuse at boot), on the copy with the hook-only lines blanked
    # (their line numbers kept); then the copy without them.
    local out
    (umask 077 && keydrop_conf_filter blank < "$conf" > "$initdir$KEYDROP_CONF") || {
        dfatal "keydrop: cannot copy $KEYDROP_CONF into the image"
        exit 1
    }
    if ! out=$("$dracutsysrootdir$kd" sync --config "$initdir$KEYDROP_CONF" --help 2>&1 > /dev/null); then
        out=$(printf '%s\n' "$out" | sed -n '$p')
        dfatal "keydrop: $KEYDROP_CONF: keydrop sync --config refuses it: ${out//"$initdir$KEYDROP_CONF"/$KEYDROP_CONF}"
        exit 1
    fi
    (umask 077 && keydrop_conf_filter < "$conf" > "$initdir$KEYDROP_CONF") || {
        dfatal "keydrop: cannot copy $KEYDROP_CONF into the image"
        exit 1
    }
    # A file the sync needs and the image would lack fails the build (as inst_hook does: exit in
    # dracut's shell; the previous image stays): a boot that cannot sync is found now, not then.
    while IFS= read -r f; do
        case $f in
            /*) ;;
            *)
                dfatal "keydrop: $KEYDROP_CONF names '$f': an absolute path is needed (the image has no working directory of yours)"
                exit 1
                ;;
        esac
        if [[ ! -f $dracutsysrootdir$f || ! -r $dracutsysrootdir$f ]] || ! inst_simple "$f"; then
            dfatal "keydrop: $KEYDROP_CONF names $f: not a readable file, or it cannot be copied into the image"
            exit 1
        fi
    done < <(keydrop_conf_files < "$conf")
    return 0
}
