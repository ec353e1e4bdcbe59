#!/bin/sh
# keydrop's dracut online hook (initqueue/online: sourced by the network module once an interface
# is up, with the interface as $1). Syncs the managed block "initramfs" of root's authorized_keys
# from the sources in /etc/keydrop/initramfs.conf; keys outside the block (the ones baked in at
# build time) stay, and a failed fetch changes nothing. Runs in the foreground, bounded: keydrop's
# own deadline (the config's `timeout`, else 15 s here) is the longest boot can wait for it.
# One line on the console says how it went.

# A subshell: this file is sourced into the initqueue's shell; nothing here may leak into it.
(
    conf=/etc/keydrop/initramfs.conf
    mark=/tmp/keydrop-online.done
    [ -f "$conf" ] && [ -x /usr/bin/keydrop ] || exit 0
    [ -e "$mark" ] && exit 0 # synced already, through another interface
    # shellcheck disable=SC1091 # dracut's own, in the image
    type info > /dev/null 2>&1 || . /lib/dracut-lib.sh

    # The config's own timeout wins; without one, a deadline shorter than keydrop's default:
    # the initqueue (and with it the boot) waits for this.
    set --
    grep -q '^[[:blank:]]*timeout\([[:blank:]]\|$\)' "$conf" || set -- --timeout 15
    out=$(/usr/bin/keydrop sync --user root --block initramfs --config "$conf" "$@" 2>&1)
    rc=$?
    last=$(printf '%s\n' "$out" | sed -n '$p')
    if [ $rc -eq 0 ]; then
        : > "$mark"
        info "keydrop: root's authorized_keys synced: ${last:-done}"
    else
        warn "keydrop: root's authorized_keys not synced (exit $rc; the baked keys stay): ${last#keydrop: }"
    fi
)
