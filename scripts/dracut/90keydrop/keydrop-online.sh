#!/bin/sh
# keydrop's dracut online hook (initqueue/online: sourced by the network module once an interface
# is up, with the interface as $1). Syncs the managed block "initramfs" of root's authorized_keys
# from the sources in /etc/keydrop/initramfs.conf; keys outside the block (the ones baked in at
# build time) stay, and a failed fetch changes nothing. Runs in the foreground, bounded: keydrop's
# own deadline (the config's `timeout`, else 15 s here; never its `wait-network`) is the longest
# boot can wait for it.
# One line on the console says how it went.

# A subshell: this file is sourced into the initqueue's shell; nothing here may leak into it.
(
    conf=/etc/keydrop/initramfs.conf
    mark=/tmp/keydrop-online.done
    [ -f "$conf" ] && [ -x /usr/bin/keydrop ] || exit 0
    [ -e "$mark" ] && exit 0 # synced already, through another interface
    # shellcheck disable=SC1091 # dracut's own, in the image
    type info > /dev/null 2>&1 || . /lib/dracut-lib.sh

    # The initqueue (and with it the boot) waits for this: the deadline is the config's timeout,
    # else 15 s (shorter than keydrop's default). --wait-network 0: a `wait-network` line would
    # replace the timeout as keydrop's deadline (src/net/source.c); the network is up here anyway.
    # A timeout line counts under any name getopt_long takes for --timeout: sync has no other
    # option starting with "t", so every prefix of "timeout" ("t", "timeo") is it.
    set -- --wait-network 0 --timeout 15
    while IFS=$(printf ' \t\r') read -r name _; do
        case $name in
            t | ti | tim | time | timeo | timeou | timeout)
                set -- --wait-network 0
                break
                ;;
        esac
    done < "$conf"
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
