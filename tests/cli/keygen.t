#!/bin/bash
# keydrop keygen / pubkey / fingerprint from the command line: paths, modes, refusals, messages.
source "$(dirname "$0")/../lib/tap.sh"
vec=$(cd "$(dirname "$0")/../vectors" && pwd)
cd "$TAP_TMP"
export HOME=$TAP_TMP/home
mkdir -p "$HOME"

# Default path ~/.ssh/id_ed25519, .ssh created 0700, default comment user@host.
run "$KEYDROP" keygen -q
is "$RC" 0 "keygen with no arguments"
is "$(stat -c %a "$HOME/.ssh")" 700 ".ssh created 0700"
[ -f "$HOME/.ssh/id_ed25519" ] && [ -f "$HOME/.ssh/id_ed25519.pub" ]; ok $? "default path ~/.ssh/id_ed25519{,.pub}"
is "$(cut -d' ' -f3- "$HOME/.ssh/id_ed25519.pub")" "$(id -un)@$(hostname)" "default comment is user@host"
run "$KEYDROP" keygen -q -t rsa -b 2048
[ -f "$HOME/.ssh/id_rsa" ]; ok $? "default path for rsa is ~/.ssh/id_rsa"

# Modes whatever the umask.
for m in 000 077 022; do
	(umask $m && "$KEYDROP" keygen -q -f "k$m" -C x)
	is "$(stat -c %a "k$m")" 600 "private key is 0600 under umask $m"
	is "$(stat -c %a "k$m.pub")" 644 "public key is 0644 under umask $m"
done

# Refusal to overwrite, --force replaces atomically.
h=$(sha256sum k000 k000.pub)
run "$KEYDROP" keygen -q -f k000
is "$RC" 1 "existing key: exit 1"
like "$ERR" "k000 already exists \(use --force" "existing key: says so and names --force"
is "$(sha256sum k000 k000.pub)" "$h" "existing key pair unchanged"
ino=$(stat -c %i k000)
(umask 000 && "$KEYDROP" keygen -q -f k000 --force -C forced)
ok $? "--force replaces"
[ "$(sha256sum k000 | cut -d' ' -f1)" != "$(echo "$h" | head -1 | cut -d' ' -f1)" ]; ok $? "--force wrote a new key"
[ "$(stat -c %i k000)" != "$ino" ]; ok $? "--force replaced by rename (new inode)"
is "$(stat -c %a k000)" 600 "--force under umask 000 still 0600"
is "$(ssh-keygen -y -f k000)" "$(cat k000.pub)" "--force: new .pub matches new key"
ls -a | grep -q keydrop-tmp; ok $(( ! $? )) "no temp files left"

# Symlinks at the key path (or its .pub) are refused, even with --force; the link target survives.
echo "precious" > precious
ln -s precious linked
run "$KEYDROP" keygen -q -f linked --force
is "$RC" 1 "symlink at key path: exit 1"
like "$ERR" "symbolic link" "symlink at key path: says why"
is "$(cat precious)" "precious" "symlink target untouched"
ln -s precious linked2.pub
run "$KEYDROP" keygen -q -f linked2
is "$RC" 1 "symlink at .pub path: exit 1"
[ ! -e linked2 ]; ok $? "no private key written when the .pub is a symlink"
is "$(cat precious)" "precious" "symlink target untouched (.pub)"

# Usage errors: exit 2, one line, nothing written.
for args in "-t dsa" "-t rsa -b 1024" "-t rsa -b 32768" "-t ecdsa -b 255" "-b x" "--bogus" "extra-arg" "-a 0" "-a 1025" "-N x -a y"; do
	run "$KEYDROP" keygen -q -f "u" $args
	is "$RC" 2 "keygen $args: exit 2"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "keygen $args: one line on stderr"
	[ ! -e u ]; ok $? "keygen $args: nothing written"
done
# A passphrase from the command line: an encrypted key (tests/interop/passphrase.t reads it back
# with ssh-keygen); a failed keygen leaves no partial file.
run "$KEYDROP" keygen -q -f np -N secret
is "$RC" 0 "non-empty passphrase: exit 0"
like "$(cat np)" "BEGIN OPENSSH PRIVATE KEY" "non-empty passphrase: an OpenSSH key"
is "$(ssh-keygen -y -P secret -f np)" "$(cat np.pub)" "non-empty passphrase: ssh-keygen opens it with the passphrase"
run "$KEYDROP" keygen -q -f "nodir/key"
is "$RC" 1 "missing directory: exit 1"
like "$ERR" "nodir" "missing directory: names it"

# keygen prints the fingerprint and randomart that ssh-keygen shows for the key.
run "$KEYDROP" keygen -f shown -C shown
fpline=$(ssh-keygen -l -f shown.pub | cut -d' ' -f2,3)
[[ $OUT == *"The key fingerprint is:"$'\n'"$fpline"* ]]; ok $? "keygen output shows the fingerprint"
art=$(ssh-keygen -lv -f shown.pub | tail -n +2)
[[ $OUT == *"$art"* ]]; ok $? "keygen output shows ssh-keygen's randomart"

# pubkey of a public key prints its OpenSSH line (ssh-keygen -i's job for RFC 4716 blocks).
run "$KEYDROP" pubkey -f shown.pub
is "$RC" 0 "pubkey of a public key: exit 0"
is "$OUT" "$(cat shown.pub)" "pubkey of a public key: its line"
ssh-keygen -e -f shown.pub > shown.rfc
run "$KEYDROP" pubkey -f shown.rfc
is "$(printf '%s\n' "$OUT" | cut -d' ' -f1,2)" "$(cut -d' ' -f1,2 shown.pub)" "pubkey of an RFC 4716 block: the OpenSSH line"
# An encrypted key without a passphrase and without a terminal: exit 3, and what to give.
run "$KEYDROP" pubkey -f "$vec/sshkeygen-encrypted" </dev/null
is "$RC" 3 "encrypted key, no passphrase, no terminal: exit 3"
like "$ERR" "passphrase-protected.*-P or --passphrase-file.*--public-only" "encrypted key: says what to give"
# A PEM key (ssh-keygen -m PEM): read as ssh-keygen -y reads it (PEM stores no comment).
run "$KEYDROP" pubkey -f "$vec/sshkeygen-pem-rsa"
is "$RC:$ERR" "0:" "PEM key: exit 0"
is "$(cut -d' ' -f1,2 <<<"$OUT")" "$(cut -d' ' -f1,2 "$vec/sshkeygen-pem-rsa.pub")" "PEM key: its public line is the .pub's"
run "$KEYDROP" pubkey -f /nonexistent
is "$RC" 1 "missing file: exit 1"

# strace_here: strace can trace keydrop's own syscalls. Not under qemu-user (make check-aarch64,
# TARGET_RUN set): the traced process is the emulator, whose own getrandom and renameat calls the
# injections would hit.
strace_here() { [ -z "${TARGET_RUN:-}" ] && command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null; }

# Entropy: a getrandom() that would block is announced once and then waited for; a kernel
# without getrandom() fails clearly (strace injects the errors into the real syscall).
if strace_here; then
	run strace -qq -o /dev/null -e trace=getrandom -e inject=getrandom:error=EAGAIN:when=1 "$KEYDROP" keygen -q -f ent
	is "$RC" 0 "keygen succeeds after getrandom would block"
	like "$ERR" "waiting for the kernel's random pool" "the wait is announced"
	is "$(ssh-keygen -y -f ent)" "$(cat ent.pub)" "the key made after waiting is valid"
	run strace -qq -o /dev/null -e trace=getrandom -e inject=getrandom:error=ENOSYS "$KEYDROP" keygen -q -f nosys
	is "$RC" 1 "no getrandom syscall: exit 1"
	like "$ERR" "getrandom\(\) is not available" "no getrandom syscall: clear message"
	[ ! -e nosys ]; ok $? "no getrandom syscall: nothing written (no weak fallback)"
else
	skip "strace cannot trace here (entropy tests)"
fi

# No core dumps while secrets live: RLIMIT_CORE is 0 in the keygen process.
if strace_here; then
	run strace -qq -o trace.out -e trace=prlimit64,setrlimit "$KEYDROP" keygen -q -f coretest
	grep -q 'RLIMIT_CORE, {rlim_cur=0, rlim_max=0}' trace.out; ok $? "keygen sets RLIMIT_CORE to 0"
else
	skip "strace cannot trace here (RLIMIT_CORE)"
fi

# A comment too long for the key format is a usage error, not a hang or a truncated key.
run timeout 20 "$KEYDROP" keygen -q -f longc -C "$(head -c 17000 /dev/zero | tr '\0' x)"
is "$RC" 2 "a 17000-byte comment: exit 2"
[ ! -e longc ]; ok $? "a 17000-byte comment: nothing written"

# fingerprint: an encrypted key without .pub shows its public half (stored in clear) like
# ssh-keygen; a file without keys is rejected input (exit 3).
cp "$vec/sshkeygen-encrypted" enc
chmod 600 enc
is "$("$KEYDROP" fingerprint enc)" "$(ssh-keygen -l -f enc)" "fingerprint of an encrypted key without .pub = ssh-keygen -l"
echo "no keys here" > nokeys
run "$KEYDROP" fingerprint nokeys
is "$RC" 3 "fingerprint of a file without keys: exit 3"

# --force never leaves the old .pub next to the new key: the old .pub goes before the new key lands.
"$KEYDROP" keygen -q -f forced -C one
if strace_here; then
	# Kill the process at the rename of the new private key (the first rename): the old .pub must
	# already be gone, and the old private key still be there, whole.
	old_pub=$(cat forced.pub)
	( strace -qq -o /dev/null -e trace=renameat,renameat2 -e inject=renameat,renameat2:signal=KILL:when=1 \
		"$KEYDROP" keygen -q -f forced --force -C two ) >/dev/null 2>&1
	ssh-keygen -y -f forced >/dev/null 2>&1; ok $? "killed --force: the old private key is whole"
	if [ -e forced.pub ]; then
		is "$(cut -d' ' -f1,2 forced.pub)" "$(ssh-keygen -y -f forced | cut -d' ' -f1,2)" "killed --force: any .pub left matches the private key"
	else
		ok 0 "killed --force: no stale .pub next to the key"
	fi
	"$KEYDROP" keygen -q -f forced --force -C three
	ls -a | grep -q keydrop-tmp; ok $(( ! $? )) "the next run removes the killed run's temp files"
else
	skip "strace cannot trace here (--force kill test)"
fi
# An orphan .pub is replaced with a note; a directory others can write gets a note too.
mkdir -p orph && echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHN0eaU76lLW3GsHD1FS2rXhvCZHz/1TyWtpzUkrzkQK kept?" > orph/k.pub
run "$KEYDROP" keygen -f orph/k -N ''
is "$RC" 0 "keygen over an orphan .pub: exit 0"
like "$ERR" "replaced orph/k.pub, which had no private key" "... says it replaced the orphan .pub"
mkdir -p shared && chmod 777 shared
run "$KEYDROP" keygen -f shared/k -N ''
like "$ERR" "shared is writable by others" "keygen into a world-writable directory: a note"
run "$KEYDROP" keygen -f orph/k2 -N ''
is "$ERR" "" "no note for a plain directory and no orphan"
done_testing
