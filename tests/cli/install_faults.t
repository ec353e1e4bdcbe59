#!/bin/bash
# keydrop install under faults: read-only filesystem, disk full (small tmpfs mounts made here),
# a held lock, kill -9 at random moments (the file is always the old or the new one, never
# partial; stale temp files are gone after the next run), 32 concurrent installers.
source "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TMP"

ssh-keygen -q -t ed25519 -N '' -C base -f base
ssh-keygen -q -t ed25519 -N '' -C new -f new
mkhome() { mkdir -p "$1/.ssh"; chmod 700 "$1/.ssh"; printf '# keep me\n%s' "$(cat base.pub)" > "$1/.ssh/authorized_keys"; chmod 600 "$1/.ssh/authorized_keys"; }

# ---- read-only filesystem and disk full ----------------------------------------------------------------
mnt=$TAP_TMP/mnt
mkdir -p "$mnt"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=256k,mode=755 tmpfs "$mnt" 2>/dev/null; then
	on_exit "umount -l '$mnt' 2>/dev/null"
	mkhome "$mnt/h"
	h0=$(tree_hash "$mnt/h")
	mount -o remount,ro "$mnt"
	run "$KEYDROP" install --home "$mnt/h" new.pub
	is "$RC" 1 "read-only filesystem: exit 1"
	like "$ERR" "^keydrop: install: cannot write $mnt/h/.ssh/authorized_keys: Read-only file system \(nothing changed\)$" "... one line, says why"
	is "$(tree_hash "$mnt/h")" "$h0" "... nothing changed"
	run "$KEYDROP" install --home "$mnt/h" base.pub
	is "$RC:$OUT" "0:present 256 $(ssh-keygen -lf base.pub | cut -d' ' -f2) base (ED25519) (line 2)" \
		"read-only filesystem, key already present: exit 0 without writing"
	run "$KEYDROP" remove --home "$mnt/h" "$(ssh-keygen -lf base.pub | cut -d' ' -f2)"
	is "$RC" 1 "read-only filesystem: remove exits 1"
	is "$(tree_hash "$mnt/h")" "$h0" "... nothing changed"
	mount -o remount,rw "$mnt"

	rm -rf "$mnt/h"; mkhome "$mnt/h"
	dd if=/dev/zero of="$mnt/fill" bs=4k 2>/dev/null
	h0=$(tree_hash "$mnt/h")
	run "$KEYDROP" install --home "$mnt/h" new.pub
	is "$RC" 1 "disk full: exit 1"
	like "$ERR" "cannot write .*: No space left on device \(nothing changed\)$" "... says why"
	rm -f "$mnt/h/.ssh/.keydrop.lock" # the lock file (an empty inode) is not part of the target
	is "$(tree_hash "$mnt/h")" "$h0" "... file unchanged, no temp file left"
	rm -f "$mnt/fill"
	run "$KEYDROP" install --home "$mnt/h" new.pub
	is "$RC" 0 "after space is freed the same install works"
	umount "$mnt"
else
	skip "read-only filesystem test needs root and tmpfs mounts"
	skip "disk full test needs root and tmpfs mounts"
fi

# ---- a held lock: bounded wait, then exit 1 ---------------------------------------------------------------
H=$TAP_TMP/lockhome
mkhome "$H"
touch "$H/.ssh/.keydrop.lock"
mkfifo held release
flock -x "$H/.ssh/.keydrop.lock" -c 'echo held > held; read x < release' &
holder=$!
read -r x < held
h0=$(tree_hash "$H")
start=$(date +%s%N)
KEYDROP_LOCK_TIMEOUT_MS=300 run "$KEYDROP" install --home "$H" new.pub
took=$(( ($(date +%s%N) - start) / 1000000 ))
is "$RC" 1 "lock held by another process: exit 1 after the bounded wait"
like "$ERR" "is locked by another keydrop \(waited 300 ms\)" "... says so"
[ "$took" -ge 300 ] && [ "$took" -lt 5000 ]; ok $? "... after waiting about 300 ms (took $took ms)"
is "$(tree_hash "$H")" "$h0" "... nothing changed"
KEYDROP_LOCK_TIMEOUT_MS=1200 run "$KEYDROP" install --home "$H" new.pub
is "$RC" 1 "a longer wait: exit 1"
is "$ERR" "keydrop: install: waiting up to 1200 ms for the lock on $H/.ssh/authorized_keys (another keydrop is writing it)
keydrop: install: $H/.ssh/authorized_keys is locked by another keydrop (waited 1200 ms)" "... says what it waits for, then gives up"
echo go > release; wait "$holder"
run "$KEYDROP" install --home "$H" new.pub
is "$RC" 0 "lock released: install works"

# ---- kill -9 at random moments: old or new, never partial ------------------------------------------------------
H=$TAP_TMP/killhome
mkdir -p "$H/.ssh"; chmod 700 "$H/.ssh"
# A file of 5k lines (~500 KB), so reading, writing and syncing take a while.
python3 - "$H/.ssh/authorized_keys" <<'EOF'
import base64, struct, sys, os
def s(b): return struct.pack('>I', len(b)) + b
with open(sys.argv[1], 'w') as f:
    for i in range(5000):
        blob = s(b'ssh-ed25519') + s(i.to_bytes(4, 'big') + b'\x11' * 28)
        f.write('ssh-ed25519 %s filler-%d\n' % (base64.b64encode(blob).decode(), i))
EOF
chmod 600 "$H/.ssh/authorized_keys"
python3 - > keys200 <<'EOF'
import base64, struct
def s(b): return struct.pack('>I', len(b)) + b
for i in range(200):
    blob = s(b'ssh-ed25519') + s(i.to_bytes(4, 'big') + b'\x22' * 28)
    print('ssh-ed25519 %s killtest-%d' % (base64.b64encode(blob).decode(), i))
EOF
# Calibrate: how long one uninterrupted install takes here; kills land uniformly in 0..1.2 x that.
cp "$H/.ssh/authorized_keys" ak.saved
t0=$(date +%s%N); "$KEYDROP" -q install --home "$H" new.pub; t1=$(date +%s%N)
cp ak.saved "$H/.ssh/authorized_keys"
span=$(( (t1 - t0) / 1000 * 12 / 10 )); [ "$span" -gt 1000 ] || span=1000
diag "one install takes $(( (t1 - t0) / 1000 )) us; killing at random within $span us"
partial=0 killed=0 done_=0
i=0
while IFS= read -r key; do
	old=$(sha256sum < "$H/.ssh/authorized_keys")
	new=$( { cat "$H/.ssh/authorized_keys"; echo "$key"; } | sha256sum)
	"$KEYDROP" -q install --home "$H" --key "$key" 2>/dev/null &
	pid=$!
	# A random moment (not a synchronisation: any moment must be safe).
	d=$(( (RANDOM * 32768 + RANDOM) % span ))
	sleep "$(printf '%d.%06d' $((d / 1000000)) $((d % 1000000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	got=$(sha256sum < "$H/.ssh/authorized_keys")
	if [ "$got" = "$old" ]; then killed=$((killed + 1))
	elif [ "$got" = "$new" ]; then done_=$((done_ + 1))
	else partial=$((partial + 1)); fi
	i=$((i + 1))
done < keys200
is "$i" 200 "200 install runs killed with SIGKILL at random moments"
is "$partial" 0 "the file was always the old or the new one (old $killed times, new $done_ times)"
[ "$killed" -gt 0 ] && [ "$done_" -gt 0 ]; ok $? "kills landed both before and after the rename ($killed / $done_)"
diag "stale temp files before the next run: $(ls -A "$H/.ssh" | grep -c keydrop-tmp)"
run "$KEYDROP" install --home "$H" --key "$(sed -n 1p keys200)"
is "$RC" 0 "the next run works"
is "$(ls -A "$H/.ssh" | grep -c keydrop-tmp)" 0 "no stale temp files after the next run"
ok "$(awk 'length($0) > 0 && $1 != "ssh-ed25519" { bad = 1 } END { print bad + 0 }' "$H/.ssh/authorized_keys")" "every line is still a whole key line"

# ---- deterministic kills at the three moments that matter (strace fault injection) ----------------------------
if command -v strace >/dev/null && strace -qq -o /dev/null -e inject=getpid:retval=1 true 2>/dev/null; then
	H=$TAP_TMP/stracehome
	mkhome "$H"
	old=$(sha256sum < "$H/.ssh/authorized_keys")
	new=$( { cat "$H/.ssh/authorized_keys"; echo; cat new.pub; } | sha256sum)
	# killed at the temp file's fsync: a stale temp file, the old file
	( strace -f -qq -o /dev/null -e trace=fsync -e inject=fsync:signal=KILL:when=1 \
		"$KEYDROP" install --home "$H" new.pub 2>/dev/null & wait $! ) 2>/dev/null
	is "$(sha256sum < "$H/.ssh/authorized_keys")" "$old" "killed at the temp file's fsync: the old file"
	is "$(ls -A "$H/.ssh" | grep -c '^\.keydrop-tmp\.')" 1 "... a stale temp file is left"
	# killed just before the rename: still the old file
	( strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 -e inject=rename,renameat,renameat2:signal=KILL \
		"$KEYDROP" install --home "$H" new.pub 2>/dev/null & wait $! ) 2>/dev/null
	is "$(sha256sum < "$H/.ssh/authorized_keys")" "$old" "killed at the rename: the old file"
	is "$(ls -A "$H/.ssh" | grep -c '^\.keydrop-tmp\.')" 1 "... the earlier stale temp file was cleaned, this run left one"
	# killed at the directory fsync, after the rename: the new file
	( strace -f -qq -o /dev/null -e trace=fsync -e inject=fsync:signal=KILL:when=2 \
		"$KEYDROP" install --home "$H" new.pub 2>/dev/null & wait $! ) 2>/dev/null
	is "$(sha256sum < "$H/.ssh/authorized_keys")" "$new" "killed at the directory fsync: the new file"
	is "$(ls -A "$H/.ssh" | grep -c '^\.keydrop-tmp\.')" 0 "... and no temp file (cleaned, then renamed)"
else
	skip "strace fault injection not available"
fi

# ---- 32 concurrent installers of distinct keys -------------------------------------------------------------------
H=$TAP_TMP/conc
mkhome "$H"
python3 - > keys32 <<'EOF'
import base64, struct
def s(b): return struct.pack('>I', len(b)) + b
for i in range(32):
    blob = s(b'ssh-ed25519') + s(i.to_bytes(4, 'big') + b'\x33' * 28)
    print('ssh-ed25519 %s conc-%d' % (base64.b64encode(blob).decode(), i))
EOF
pids=()
while IFS= read -r key; do
	"$KEYDROP" -q install --home "$H" --key "$key" > /dev/null 2> "conc.err.${#pids[@]}" &
	pids+=($!)
done < keys32
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
is "$fails" 0 "32 concurrent installers all exit 0"
n=0
while IFS= read -r key; do grep -qxF "$key" "$H/.ssh/authorized_keys" && n=$((n + 1)); done < keys32
is "$n" 32 "all 32 keys are present"
is "$(grep -c conc- "$H/.ssh/authorized_keys")" 32 "... each exactly once"
is "$(head -2 "$H/.ssh/authorized_keys")" "# keep me
$(cat base.pub)" "... and the old content is kept"
done_testing
