#!/bin/bash
# keydrop entrypoint as a container's start command, in a container: no Docker engine runs here, so
# the image's root is built the way scripts/docker/Dockerfile describes it (Debian's openssh-server:
# the machine's own /usr under an overlay, the package's /etc/ssh files; keydrop in
# /usr/local/bin; then scripts/docker/setup-image.sh, the Dockerfile's own build step, run inside it),
# and started with unshare (mount, PID, UTS namespaces) + chroot, as a runtime starts it: keydrop is
# PID 1, sshd listens on 127.0.0.1 (the network namespace is the machine's). Asserts what a user of
# such an image relies on: a login with PUBLIC_KEY through a host key that matches the printed
# block; the same identity and no duplicate after a restart; a changed PUBLIC_KEY replaces the old
# key; null, empty, quoted and literal-\n values; a server that never answers costs one --timeout,
# not the start; sshd is PID 1 afterwards (keydrop is gone). Then the scratch image: only /keydrop.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
source "$(dirname "$0")/../lib/sshd.sh"
repo=$(cd "$(dirname "$0")/../.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
	skip "container test needs root (namespaces, chroot, overlay mounts)"
	done_testing
fi
need openssl python3 unshare chroot ssh-keygen /usr/sbin/sshd
cd "$TAP_TMP"

# ---- the image ----------------------------------------------------------------------------------
IMG=$TAP_TMP/img
mkdir -p "$IMG"/{usr,etc/ssh/sshd_config.d,root,run,tmp,var/lib,proc,dev,etc/keydrop} usr-upper usr-work
for d in bin sbin lib lib64; do [ -e "/$d" ] && ln -s "usr/$d" "$IMG/$d"; done
chmod 0700 "$IMG/root"; chmod 1777 "$IMG/tmp"
# apt-get install openssh-server: its files in /etc, its users (the machine's /usr is the package's)
cp /etc/ssh/sshd_config /etc/ssh/moduli "$IMG/etc/ssh/"
printf 'root:x:0:0:root:/root:/bin/sh\nsshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n' > "$IMG/etc/passwd"
printf 'root:*:19000:0:99999:7:::\nsshd:*:19000:0:99999:7:::\n' > "$IMG/etc/shadow"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$IMG/etc/group"
chmod 0640 "$IMG/etc/shadow"
printf '127.0.0.1 localhost\n' > "$IMG/etc/hosts"
# ... and the host keys its postinst makes: baked into the image, shared by every container of it
ssh-keygen -q -A -f "$IMG"
ls "$IMG"/etc/ssh/ssh_host_ed25519_key >/dev/null; ok $? "the image has baked host keys (as openssh-server's postinst leaves them)"

# in_image CMD...: CMD in the image's namespaces (the /usr overlay mounted there), environment from
# the caller's ENV array. The overlay's upper layer persists between starts, as a container's does.
# unshare forks: the container's PID 1 is its child (unshare itself ignores SIGTERM meanwhile).
in_image() {
	${IMG_EXEC:-} env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${ENV[@]}" \
		unshare --mount --pid --uts --fork --kill-child sh -c '
		img=$1; shift
		mount -t overlay overlay -o "lowerdir=/usr,upperdir=$img/../usr-upper,workdir=$img/../usr-work" "$img/usr" &&
		mount --bind /dev "$img/dev" && mount -t proc proc "$img/proc" && mount -t tmpfs -o mode=0755 tmpfs "$img/run" &&
		hostname container && exec chroot "$img" "$@"' sh "$IMG" "$@"
}
export -f in_image; export IMG
ENV=()
mkdir -p usr-upper/local/bin && cp "$KEYDROP" usr-upper/local/bin/keydrop
ok $? "COPY keydrop /usr/local/bin/keydrop"
in_image sh - < "$repo/scripts/docker/setup-image.sh"
ok $? "RUN setup-image.sh (the Dockerfile's build step) in the image"
is "$(ls "$IMG/etc/ssh" | grep -c ssh_host_)" 0 "... removed the baked host keys"
is "$(stat -c %a "$IMG/var/lib/keydrop")" 700 "... made the state directory 0700"
# The Dockerfile's ENTRYPOINT, with sshd on a free loopback port (the machine's network namespace)
# and without PAM (the test image has no PAM stack of its own).
start_cmd() {
	echo /usr/local/bin/keydrop entrypoint --state /var/lib/keydrop "$@" -- /usr/sbin/sshd -D -e \
		-o Port=$PORT -o ListenAddress=127.0.0.1 -o UsePAM=no
}

# start [ENTRYPOINT OPTIONS]: starts the container (ENV: its environment) and returns when sshd
# listens (its log line, read through a FIFO), or fails after 60 s. Sets CPID (unshare), LOG, T_START_MS, T_READY_MS.
n_start=0
start() {
	local fifo line fd
	n_start=$((n_start + 1))
	PORT=$(free_port)
	LOG=$TAP_TMP/start$n_start.log
	fifo=$TAP_TMP/start$n_start.fifo
	mkfifo "$fifo"
	T_START_MS=$(now_ms) T_READY_MS=0
	# shellcheck disable=SC2046
	(IMG_EXEC=exec in_image $(start_cmd "$@")) > "$fifo" 2>&1 &
	CPID=$! # unshare itself (the subshell exec'd it)
	on_exit "kill $CPID 2>/dev/null"
	exec {fd}<"$fifo"
	while IFS= read -r -t 60 line <&$fd; do
		echo "$line" >> "$LOG"
		if [[ $line == *"Server listening on 127.0.0.1"* ]]; then
			T_READY_MS=$(now_ms)
			cat <&$fd >> "$LOG" &
			exec {fd}<&-
			return 0
		fi
	done
	exec {fd}<&-
	diag "container start $n_start: sshd never listened; log:"; sed 's/^/#   /' "$LOG"
	return 1
}
# stop: SIGTERM to the container's PID 1 (sshd by then), as `docker stop` does; waits for it.
stop() {
	local init
	init=$(pgrep -P "$CPID" | head -1)
	[ -n "$init" ] && kill -TERM "$init"
	wait "$CPID" 2>/dev/null
}
# known_hosts from the start's printed keys block, for StrictHostKeyChecking.
known_hosts() {
	sed -n '/^-----BEGIN SSH HOST KEY KEYS-----$/,/^-----END SSH HOST KEY KEYS-----$/p' "$LOG" | sed '1d;$d' |
		sed "s/^/[127.0.0.1]:$PORT /" > "$TAP_TMP/kh$n_start"
	echo "$TAP_TMP/kh$n_start"
}
fp_block() { sed -n '/^-----BEGIN SSH HOST KEY FINGERPRINTS-----$/,/^-----END SSH HOST KEY FINGERPRINTS-----$/p' "$LOG"; }
login() { SSHD_PORT=$PORT ssh_login "$TAP_TMP" "$1" root "${2:-$(known_hosts)}"; }
ak=$IMG/root/.ssh/authorized_keys

for n in 1 2 3 4 5; do ssh-keygen -q -t ed25519 -N '' -C "user$n@laptop" -f "$TAP_TMP/k$n"; done
k1=$(cat k1.pub) k2=$(cat k2.pub) k3=$(cat k3.pub) k4=$(cat k4.pub) k5=$(cat k5.pub)

# ---- first start -------------------------------------------------------------------------------
ENV=(PUBLIC_KEY="$k1")
start; ok $? "first start: sshd listens (started by keydrop entrypoint)"
like "$(fp_block)" "^-----BEGIN SSH HOST KEY FINGERPRINTS-----.256 SHA256:[^ ]+ root@container \(ED25519\).-----END" \
	"the host key fingerprints are printed in cloud-init's block"
init=$(pgrep -P "$CPID" | head -1)
is "$(cat /proc/"$init"/comm 2>/dev/null)" sshd "the container's PID 1 is sshd itself (keydrop exec'd it: nothing left behind)"
ns=$(readlink "/proc/$init/ns/pid")
in_ns=$(for p in /proc/[0-9]*; do [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] && cat "$p/comm"; done | sort -u | tr '\n' ' ')
is "$in_ns" "sshd " "... and no keydrop process remains in the container"
login k1; is "$RC:$OUT" "0:keydrop-login-ok" "PUBLIC_KEY logs in as root, through the host key the block printed (StrictHostKeyChecking)"
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$LOG"
want=$(ssh-keygen -l -f "$IMG/var/lib/keydrop/ssh_host_ed25519_key.pub")
[[ $(fp_block) == *"$want"* ]]; ok $? "... the printed fingerprint is the state's key (ssh-keygen -l)"
cmp -s "$IMG/var/lib/keydrop/ssh_host_ed25519_key" "$IMG/etc/ssh/ssh_host_ed25519_key"; ok $? "the state's host key is what /etc/ssh holds"
is "$(stat -c %a "$IMG/etc/ssh/ssh_host_ed25519_key"):$(stat -c %a "$IMG/var/lib/keydrop/ssh_host_ed25519_key")" "600:600" "... both 0600"
fp1=$(fp_block)
stop

# ---- restart: same identity, no duplicate ------------------------------------------------------
start; ok $? "restart with the same state: sshd listens"
is "$(fp_block)" "$fp1" "the same host key as before (known_hosts stays valid)"
login k1; is "$RC:$OUT" "0:keydrop-login-ok" "PUBLIC_KEY still logs in"
is "$(grep -c "${k1#* }" "$ak")" 1 "the key is in authorized_keys once (no duplicate per restart)"
stop

# ---- a changed PUBLIC_KEY replaces the old key -------------------------------------------------
ENV=(PUBLIC_KEY="$k2")
start; ok $? "start with another PUBLIC_KEY"
login k2; is "$RC:$OUT" "0:keydrop-login-ok" "the new key logs in"
login k1; is "$RC" 255 "the old key is refused"; like "$ERR" "Permission denied \(publickey" "... by sshd's key check"
stop

# ---- what providers really pass ----------------------------------------------------------------
ENV=(PUBLIC_KEY=null)
start; ok $? "PUBLIC_KEY=null: sshd still starts"
like "$(cat "$LOG")" "warning: PUBLIC_KEY is a template's unset value \(null, None or undefined\): no key from it" "... with one warning line"
login k2; is "$RC" 0 "... and the key of the last start stays (a templating slip never locks out)"
stop
ENV=(PUBLIC_KEY=)
start; ok $? "PUBLIC_KEY empty: sshd still starts"
like "$(cat "$LOG")" "warning: PUBLIC_KEY is empty" "... with one warning line"
stop
ENV=(PUBLIC_KEY="\"$k3\"")
start; ok $? "PUBLIC_KEY in quotes: sshd starts"
login k3; is "$RC:$OUT" "0:keydrop-login-ok" "... the quoted key logs in (the quotes dropped)"
stop
ENV=(PUBLIC_KEY="$k4\\n$k5" SSH_PUBLIC_KEY="$k1")
start; ok $? "two keys joined by a literal \\n, and SSH_PUBLIC_KEY: sshd starts"
login k4; r4=$RC; login k5; r5=$RC; login k1; r1=$RC
is "$r4:$r5:$r1" "0:0:0" "... both keys of PUBLIC_KEY and the SSH_PUBLIC_KEY key log in"
login k3; is "$RC" 255 "... the quoted key of the start before is gone (PUBLIC_KEY changed)"
is "$(grep -c '^# keydrop:begin entrypoint:' "$ak")" 2 "one managed block per variable"
stop

# ---- what the state directory must be -----------------------------------------------------------
# One bad key in the state costs only itself: the good one is still copied and printed, sshd starts.
cp -p "$IMG/var/lib/keydrop/ssh_host_ed25519_key" saved_ed25519
echo "not a key" > "$IMG/var/lib/keydrop/ssh_host_rsa_key"
start; ok $? "a corrupt key in --state: sshd still starts"
like "$(cat "$LOG")" "ssh_host_rsa_key: .*move it away" "... the bad key is reported"
is "$(fp_block)" "$fp1" "... the good state key is still the one sshd presents"
login k4; is "$RC:$OUT" "0:keydrop-login-ok" "... and logins work"
stop
rm "$IMG/var/lib/keydrop/ssh_host_rsa_key"
# A state directory another user owns (a bind mount of their directory) would let them choose the
# machine's identity: refused, the keys made in /etc/ssh for this start instead.
chown 1234 "$IMG/var/lib/keydrop"
ssh-keygen -q -t ed25519 -N '' -C planted -f planted
cp planted "$IMG/var/lib/keydrop/ssh_host_ed25519_key"; cp planted.pub "$IMG/var/lib/keydrop/ssh_host_ed25519_key.pub"
start; ok $? "a state directory of uid 1234: sshd still starts"
like "$(cat "$LOG")" "--state /var/lib/keydrop: owned by uid 1234: another user could choose" "... the state is refused, and why"
[[ $(fp_block) != *planted* ]] && ! cmp -s planted "$IMG/etc/ssh/ssh_host_ed25519_key"; ok $? "... the planted key is not sshd's"
stop
chown 0 "$IMG/var/lib/keydrop"
cp -p saved_ed25519 "$IMG/var/lib/keydrop/ssh_host_ed25519_key"
ssh-keygen -y -f saved_ed25519 > "$IMG/var/lib/keydrop/ssh_host_ed25519_key.pub"

# --strict: a key sshd cannot use refuses the source (without it: skipped, the others installed).
ENV=(PUBLIC_KEY="ssh-ed25519 AAAAgarbage me")
start --strict; r=$?; ok $(( r == 0 )) "--strict and a PUBLIC_KEY holding no valid key: sshd is not started"
[ "$r" -eq 0 ] && stop
wait "$CPID"; is "$?" 1 "... exit 1"
# CMD gets the core file limits keydrop was given (it lowers its own while it holds host keys).
run bash -c 'ulimit -H -c 8192; ulimit -S -c 4096; in_image "$@"' sh /usr/local/bin/keydrop entrypoint -q --state /var/lib/keydrop -- /bin/sh -c 'echo "$(ulimit -S -c):$(ulimit -H -c)"'
got=$RC:$OUT
run bash -c 'ulimit -H -c 8192; ulimit -S -c 4096; /bin/sh -c "echo \"\$(ulimit -S -c):\$(ulimit -H -c)\""'
is "$got" "0:$OUT" "CMD's core file limits are the ones keydrop was started with (soft 4 MiB, hard 8 MiB)"

# ---- key servers: one that answers, one that never does ----------------------------------------
P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
cp "$P/root.pem" "$IMG/etc/keydrop/ca.pem"
cat > routes.json <<JSON
{"/team.keys": [{"body": "$k5\n"}], "/slow.keys": [{"body": "$k3\n", "delay": 600}]}
JSON
https_start routes.json <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key"
ok $? "HTTPS key server on 127.0.0.1"
ENV=(KEYDROP_SOURCES="https://localhost:$HTTPS_PORT/slow.keys https://localhost:$HTTPS_PORT/team.keys")
start --cacert /etc/keydrop/ca.pem --timeout 3; ok $? "KEYDROP_SOURCES with a server that never answers: sshd still starts"
took=$(( T_READY_MS - T_START_MS ))
ok $(( took >= 15000 )) "... within the source's deadline (--timeout 3), not the server's 600 s: ready after $took ms"
like "$(cat "$LOG")" "slow.keys.*(time|deadline).*skipped" "... the slow source is reported and skipped"
login k5; is "$RC:$OUT" "0:keydrop-login-ok" "... the source after it still installed its key"
login k4; is "$RC" 0 "... and while a given source failed, no block is removed (PUBLIC_KEY's stays)"
stop
ENV=(KEYDROP_SOURCES="https://localhost:$HTTPS_PORT/team.keys")
start --cacert /etc/keydrop/ca.pem; ok $? "every given source read"
login k4; is "$RC" 255 "... now the blocks of variables no longer given are removed"
like "$(cat "$LOG")" "block entrypoint:env:PUBLIC_KEY: removed \(its source is no longer given\)" "... and said"
login k5; is "$RC:$OUT" "0:keydrop-login-ok" "... the source's key logs in"
stop
# The only source given fails: nothing is taken away (the first start after a switch of sources
# with the network down must not empty authorized_keys).
ENV=(KEYDROP_SOURCES="https://127.0.0.1:1/down.keys")
start --timeout 2; ok $? "the only given source is down: sshd starts"
login k5; is "$RC:$OUT" "0:keydrop-login-ok" "... the keys of the last start still log in"
stop
ENV=(KEYDROP_SOURCES="https://localhost:$HTTPS_PORT/slow.keys")
start --cacert /etc/keydrop/ca.pem --timeout 2 --strict; r=$?
ok $(( r == 0 )) "--strict with a failing source: sshd is not started"
[ "$r" -eq 0 ] && stop
like "$(cat "$LOG")" "not starting /usr/sbin/sshd: a step failed \(--strict\)" "... and says why"
wait "$CPID"; is "$?" 1 "... exit 1"

# ---- the scratch image: /keydrop and nothing else ----------------------------------------------
S=$TAP_TMP/scratch
mkdir -p "$S" && cp "$KEYDROP" "$S/keydrop"
run env -i PATH=/usr/sbin:/usr/bin PUBLIC_KEY="$k1" KEYDROP_SOURCES="https://localhost:$HTTPS_PORT/team.keys" \
	unshare --mount --pid --uts --fork --kill-child chroot "$S" /keydrop entrypoint --timeout 3 -- /keydrop version
is "$RC" 0 "scratch image (no shell, no passwd, no CA bundle): entrypoint runs and execs 'keydrop version'"
like "$OUT" "^generating new host key: /etc/ssh/ssh_host_ed25519_key" "... made the host key"
like "$OUT" "keydrop [0-9]+\.[0-9]+" "... and the version ran"
like "$ERR" "team.keys: .*\(skipped; its keys from earlier starts are kept\)" "... a key server it cannot reach or trust there is reported and skipped"
is "$(cat "$S/root/.ssh/authorized_keys" 2>/dev/null | grep -c "${k1#* }")" 1 "... PUBLIC_KEY installed for root without a passwd entry"
is "$(stat -c %a "$S/root"):$(stat -c %a "$S/root/.ssh"):$(stat -c %a "$S/root/.ssh/authorized_keys")" "700:700:600" "... modes 0700/0700/0600"
is "$(stat -c %a "$S/etc/ssh"):$(stat -c %a "$S/run/sshd")" "755:755" "... /etc/ssh and /run/sshd made with sshd's modes"
run env -i PATH=/usr/sbin:/usr/bin unshare --mount --pid --fork chroot "$S" /keydrop entrypoint -- /no/such/program
is "$RC" 127 "a CMD that does not exist: exit 127, as a shell says"
done_testing
