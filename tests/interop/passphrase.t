#!/bin/bash
# Passphrase-protected OpenSSH keys against the real ssh-keygen, both ways, for every type keydrop
# writes; keydrop passphrase (ssh-keygen -p's job); hostile files; a real login with a keydrop-
# encrypted key unlocked by ssh through SSH_ASKPASS.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/sshd.sh"
need ssh-keygen ssh sshd python3 cmp
cd "$TAP_TMP" || exit 1

keypart() { cut -d' ' -f1,2 "$@"; }

# 1. keydrop writes, ssh-keygen reads (and refuses a wrong passphrase), for every type.
for spec in "ed25519 0" "ecdsa 256" "ecdsa 384" "ecdsa 521" "rsa 2048" "rsa 3072" "rsa 4096"; do
	set -- $spec
	k=kd_$1_$2
	bits=; [ "$2" != 0 ] && bits="-b $2"
	run "$KEYDROP" keygen -q -t "$1" $bits -N "pw $k" -f "$k" -C "c-$k" </dev/null
	is "$RC" 0 "keygen -N: $1-$2"
	like "$(head -c 200 "$k")" "BEGIN OPENSSH PRIVATE KEY" "$1-$2: an OpenSSH key"
	is "$(ssh-keygen -y -P "pw $k" -f "$k")" "$(cat "$k.pub")" "ssh-keygen -y -P reads keydrop's encrypted $1-$2 key"
	ssh-keygen -y -P "wrong" -f "$k" >/dev/null 2>&1
	ok $(( $? == 0 )) "ssh-keygen refuses keydrop's $1-$2 key with a wrong passphrase"
	ssh-keygen -y -P "" -f "$k" >/dev/null 2>&1
	ok $(( $? == 0 )) "ssh-keygen refuses keydrop's $1-$2 key without a passphrase (it is encrypted)"
	run "$KEYDROP" pubkey -P "pw $k" -f "$k"
	is "$OUT" "$(cat "$k.pub")" "keydrop pubkey -P reads its own $1-$2 key (with the comment)"
	run "$KEYDROP" pubkey -P wrong -f "$k"
	is "$RC" 3 "keydrop pubkey, wrong passphrase: exit 3 ($1-$2)"
	like "$ERR" "incorrect passphrase" "keydrop pubkey, wrong passphrase: says so ($1-$2)"
	run "$KEYDROP" pubkey --public-only -f "$k" </dev/null
	is "$OUT" "$(keypart "$k.pub")" "pubkey --public-only needs no passphrase ($1-$2)"
	is "$(stat -c %a "$k")" 600 "encrypted $1-$2 key is 0600"
done

# 2. ssh-keygen writes (default rounds, -a 1, -a 64), keydrop reads.
for spec in "ed25519 0 16" "ed25519 0 1" "ed25519 0 64" "ecdsa 384 16" "rsa 3072 16"; do
	set -- $spec
	k=sk_$1_$2_$3
	bits=; [ "$2" != 0 ] && bits="-b $2"
	ssh-keygen -q -t "$1" $bits -N "pw $k" -a "$3" -f "$k" -C "c-$k"
	run "$KEYDROP" pubkey -P "pw $k" -f "$k"
	is "$OUT" "$(ssh-keygen -y -P "pw $k" -f "$k")" "keydrop pubkey -P = ssh-keygen -y -P ($1-$2, -a $3)"
	run "$KEYDROP" pubkey -P "not $k" -f "$k"
	is "$RC" 3 "keydrop refuses ssh-keygen's $1-$2 key (-a $3) with a wrong passphrase"
	run "$KEYDROP" fingerprint "$k"
	is "$(echo "$OUT" | cut -d' ' -f1,2)" "$(ssh-keygen -l -f "$k.pub" | cut -d' ' -f1,2)" "fingerprint without the passphrase ($1-$2)"
done

# Ciphers ssh-keygen -Z can choose: the AES ones read, the others refused by name.
for z in aes128-ctr aes192-ctr aes256-cbc aes128-cbc; do
	ssh-keygen -q -t ed25519 -N pz -a 2 -Z "$z" -f "z_$z" -C "$z"
	run "$KEYDROP" pubkey -P pz -f "z_$z"
	is "$OUT" "$(cat "z_$z.pub")" "keydrop reads ssh-keygen -Z $z"
done
ssh-keygen -q -t ed25519 -N pz -a 2 -Z chacha20-poly1305@openssh.com -f z_chacha -C chacha
run "$KEYDROP" pubkey -f z_chacha </dev/null
is "$RC" 3 "chacha20-poly1305 key: exit 3, before asking for a passphrase"
like "$ERR" "encrypted with 'chacha20-poly1305@openssh.com', which keydrop does not read \(it reads aes" "chacha20-poly1305 key: names the cipher and what keydrop reads"
run "$KEYDROP" fingerprint z_chacha
is "$RC" 0 "... its fingerprint works without decrypting"

# --passphrase-file: the first line; a file others can read is refused; a pipe is fine.
printf 'from file\nsecond line\n' > pwf; chmod 600 pwf
run "$KEYDROP" keygen -q -f fromfile --passphrase-file pwf -C ff
is "$RC" 0 "keygen --passphrase-file: exit 0"
is "$(ssh-keygen -y -P 'from file' -f fromfile)" "$(cat fromfile.pub)" "the key's passphrase is the file's first line"
run "$KEYDROP" pubkey --passphrase-file <(printf 'from file') -f fromfile
is "$OUT" "$(cat fromfile.pub)" "pubkey --passphrase-file from a pipe"
chmod 640 pwf
run "$KEYDROP" keygen -q -f fromfile2 --passphrase-file pwf
is "$RC" 2 "a passphrase file the group can read: refused"
[ ! -e fromfile2 ]; ok $? "... and no key written"

# 3. ssh-keygen -p re-encrypts a keydrop key; keydrop reads the result.
"$KEYDROP" keygen -q -N first -f reenc -C reenc </dev/null
ssh-keygen -q -p -P first -N second -f reenc >/dev/null
ok $? "ssh-keygen -p changes the passphrase of a keydrop key"
run "$KEYDROP" pubkey -P second -f reenc
is "$OUT" "$(cat reenc.pub)" "keydrop reads the key ssh-keygen re-encrypted"

# 4. keydrop passphrase: change, remove, add; ssh-keygen reads each result.
ssh-keygen -q -t ed25519 -N old -f pp -C "pp comment"
chmod 0400 pp
pub_before=$(cat pp.pub)
cp -p pp pp.orig
run "$KEYDROP" passphrase -f pp -P wrong -N new
is "$RC" 3 "passphrase, wrong old passphrase: exit 3"
like "$ERR" "incorrect passphrase" "passphrase, wrong old passphrase: says so"
cmp -s pp pp.orig && [ "$(stat -c '%a %Y' pp)" = "$(stat -c '%a %Y' pp.orig)" ]
ok $? "... the key is byte for byte unchanged (mode and mtime too)"
run "$KEYDROP" passphrase -f pp -P old -N new
is "$RC" 0 "passphrase -P old -N new: exit 0"
like "$OUT" "saved with the new passphrase" "passphrase: ssh-keygen's words"
is "$(ssh-keygen -y -P new -f pp)" "$pub_before" "ssh-keygen reads the key with the new passphrase (comment kept)"
ssh-keygen -y -P old -f pp >/dev/null 2>&1
ok $(( $? == 0 )) "the old passphrase no longer opens it"
is "$(stat -c %a pp)" 400 "a 0400 key stays 0400"
is "$(cat pp.pub)" "$pub_before" ".pub untouched"
run "$KEYDROP" passphrase -f pp -P new -N ''
is "$RC" 0 "passphrase -N '': removes it"
is "$(ssh-keygen -y -P '' -f pp)" "$pub_before" "ssh-keygen reads it without a passphrase"
run "$KEYDROP" passphrase -f pp -N ''
is "$RC" 0 "no passphrase to remove: exit 0"
like "$OUT" "has no passphrase" "... and says so"
printf 'added\n' > pf; chmod 600 pf
run "$KEYDROP" passphrase -f pp --new-passphrase-file pf -a 8
is "$RC" 0 "passphrase --new-passphrase-file adds one"
is "$(ssh-keygen -y -P added -f pp)" "$pub_before" "ssh-keygen reads the key with the file's passphrase"
chmod 644 pf
cp -p pp pp.before
run "$KEYDROP" passphrase -f pp --old-passphrase-file pf -N x
is "$RC" 2 "a passphrase file others can read is refused"
like "$ERR" "readable by others" "... and says why"
cmp -s pp pp.before; ok $? "... the key is unchanged"
run "$KEYDROP" passphrase -f pp </dev/null
is "$RC" 3 "encrypted key, no old passphrase, no terminal: exit 3"

# A failed change leaves the file byte for byte: wrong old passphrase above; a symlink here.
ln -s pp pplink
cp -p pp pp.before
run "$KEYDROP" passphrase -f pplink -P added -N other
is "$RC" 1 "passphrase through a symlink: refused"
cmp -s pp pp.before; ok $? "... the key is unchanged"

# PEM in, OpenSSH out, as ssh-keygen -p does.
ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f pem -C pem
run "$KEYDROP" passphrase -f pem -N pemnew
if [ "$RC" = 0 ]; then
	like "$(head -1 pem)" "BEGIN OPENSSH PRIVATE KEY" "a PEM key comes out in the OpenSSH format"
	is "$(ssh-keygen -y -P pemnew -f pem | keypart)" "$(keypart pem.pub)" "ssh-keygen reads the converted key"
else
	ok 1 "passphrase on a PEM key: $ERR"
fi

# A user's own key in a group the user is not in (user:root after provisioning): only root can give
# the new file that group back; the user's change still works, as ssh-keygen -p's does.
if [ "$(id -u)" -eq 0 ]; then
	user_binary
	U=65534
	ud=$(mktemp -d /tmp/kd-pp.XXXXXX); on_exit "rm -rf '$ud'"
	chown $U:$U "$ud"; chmod 700 "$ud"
	ssh-keygen -q -t ed25519 -N '' -f "$ud/key" -C grp
	chown $U:0 "$ud/key" "$ud/key.pub"
	run setpriv --reuid $U --regid $U --clear-groups "$UBIN" passphrase -f "$ud/key" -N newpass
	is "$RC" 0 "non-root passphrase on its own key in group root: exit 0"
	is "$(ssh-keygen -y -P newpass -f "$ud/key")" "$(cat "$ud/key.pub")" "... the key opens with the new passphrase"
	ssh-keygen -y -P '' -f "$ud/key" >/dev/null 2>&1; ok $(( $? == 0 )) "... and is encrypted"
	is "$(stat -c '%a %u' "$ud/key")" "600 $U" "... still the user's, 0600"
else
	ok 1 "the non-root passphrase case needs root (make check runs as root in CI)"
fi

# -P's value leaves the process list once read (also from a cluster given to keygen -p): keydrop
# waits in opening a FIFO given as the new passphrase file (after parsing -P), and /proc shows its
# arguments then.
ssh-keygen -q -t ed25519 -N 'argv-secret' -f av -C av
for form in "passphrase -f av -P argv-secret" "keygen -pPargv-secret -f av"; do
	rm -f fifo; mkfifo -m 600 fifo
	"$KEYDROP" $form --new-passphrase-file fifo & pid=$!
	exec 3>fifo   # returns once keydrop has the FIFO open, after it parsed -P
	cmdline=$(tr '\0' ' ' < /proc/$pid/cmdline)
	[[ $cmdline == *new-passphrase-file* ]]; ok $? "$form: /proc/PID/cmdline read while it runs"
	[[ $cmdline != *argv-secret* ]]; ok $? "$form: the passphrase is gone from /proc/PID/cmdline while it runs"
	echo argv-secret >&3; exec 3>&-
	wait $pid
	is "$?" 0 "... and the command finished (exit 0)"
done

# 5. Hostile and broken files: each its own message, fast, never a crash.
ssh-keygen -q -t ed25519 -N hostile -f h -C h
python3 - h <<'PY'
import base64, struct, sys
p = sys.argv[1]
lines = open(p).read().split("\n")
raw = bytearray(base64.b64decode("".join(lines[1:-2])))
def rd(o):
    n = struct.unpack(">I", raw[o:o+4])[0]
    return o + 4, n
o = len(b"openssh-key-v1\0")
o, n = rd(o); o += n          # cipher
o, n = rd(o); o += n          # kdf
o, n = rd(o)                   # kdf options
kdfo = o
so, sn = rd(kdfo)              # salt
ro = so + sn                   # rounds
def write(name, data):
    b = base64.b64encode(bytes(data)).decode()
    open(name, "w").write("-----BEGIN OPENSSH PRIVATE KEY-----\n" +
        "\n".join(b[i:i+70] for i in range(0, len(b), 70)) + "\n-----END OPENSSH PRIVATE KEY-----\n")
r = bytearray(raw); r[ro:ro+4] = struct.pack(">I", 2**31); write("h_rounds", r)
# truncated ciphertext: the private section shortened by 8 bytes (its length field too)
o2 = kdfo + n
o2 += 4                        # nkeys
o2, pn = rd(o2); o2 += pn      # public key
t = bytearray(raw); sl = struct.unpack(">I", t[o2:o2+4])[0]
t[o2:o2+4] = struct.pack(">I", sl - 8); del t[o2+4+sl-8:o2+4+sl]; write("h_trunc", t)
PY
start=$(date +%s%N)
run "$KEYDROP" pubkey -P hostile -f h_rounds
end=$(date +%s%N)
is "$RC" 3 "2^31 KDF rounds: exit 3"
like "$ERR" "asks for 2147483648 KDF rounds, about [0-9]+ days of work \(keydrop refuses more than 1024\)" "2^31 KDF rounds: says how many and how long"
ok $(( (end - start) / 1000000 > 2000 )) "2^31 KDF rounds: refused at once, before any derivation"
run "$KEYDROP" pubkey -f h_rounds </dev/null
is "$RC:$ERR" "3:keydrop: pubkey: h_rounds: the private key asks for 2147483648 KDF rounds, about 121 days of work (keydrop refuses more than 1024)" \
	"... said before any passphrase is asked for"
cp -p h_rounds h_rounds.before
run "$KEYDROP" passphrase -f h_rounds -P hostile -N other
is "$RC" 3 "passphrase on the 2^31-rounds key: exit 3"
cmp -s h_rounds h_rounds.before; ok $? "... the file is unchanged"
run "$KEYDROP" fingerprint h_rounds
is "$RC" 0 "fingerprint of that file still works (the public half is in clear)"
chmod 600 h_rounds
run "$KEYDROP" check --key h_rounds
is "$RC" 4 "check --key: a key nobody can unlock in time is a problem"
like "$OUT" "2147483648 KDF rounds" "... naming the rounds"
run "$KEYDROP" pubkey -P hostile -f h_trunc
is "$RC" 3 "truncated ciphertext: exit 3"
like "$ERR" "malformed" "truncated ciphertext: says malformed"

# An SSH.com private key: its own message, naming the way out.
printf -- '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nP2/56wAAAgIAAAAmaWYtbW9kbntzaWdu\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n' > sshcom
run "$KEYDROP" pubkey -f sshcom
is "$RC" 3 "an SSH.com private key: exit 3"
like "$ERR" "SSH.com \(SSH2\) private key.*puttygen KEY -O private-openssh" "... says what it is and how to convert it"

# 6. A real login: sshd on 127.0.0.1 accepts a keydrop-encrypted key that ssh unlocks through
# SSH_ASKPASS (forced: no terminal here).
if [ "$(id -u)" -eq 0 ]; then
	root=$TAP_TMP/root; mkdir -p "$root"
	"$KEYDROP" hostkeys -q --root "$root"
	user_create kdpass; ok $? "throwaway user created"
	"$KEYDROP" keygen -q -N "login pass" -f "$TAP_TMP/id_enc" -C enc </dev/null
	install -d -m 0700 -o "$TUSER" "$THOME/.ssh"
	install -m 0600 -o "$TUSER" "$TAP_TMP/id_enc.pub" "$THOME/.ssh/authorized_keys"
	d=$TAP_TMP/sshd; mkdir -p "$d"
	sshd_start "$d" "$root/etc/ssh/ssh_host_ed25519_key"
	ok $? "sshd listening on 127.0.0.1:$SSHD_PORT"
	for pw in "login pass" "wrong pass"; do
		printf '#!/bin/sh\necho "%s"\n' "$pw" > "$TAP_TMP/askpass"; chmod 755 "$TAP_TMP/askpass"
		OUT=$(SSH_ASKPASS="$TAP_TMP/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 setsid -w ssh -F /dev/null \
			-o IdentitiesOnly=yes -o IdentityAgent=none -o NumberOfPasswordPrompts=1 \
			-o PasswordAuthentication=no -o KbdInteractiveAuthentication=no \
			-o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=no \
			-o ConnectTimeout=20 -o LogLevel=ERROR -i "$TAP_TMP/id_enc" -p "$SSHD_PORT" \
			"$TUSER@127.0.0.1" echo keydrop-login-ok </dev/null 2>"$TAP_TMP/ssh.err") && RC=0 || RC=$?
		if [ "$pw" = "login pass" ]; then
			is "$OUT" "keydrop-login-ok" "ssh logs in with the keydrop-encrypted key unlocked via SSH_ASKPASS"
		else
			ok $(( RC == 0 )) "with the wrong passphrase from SSH_ASKPASS the login fails"
			like "$(cat "$TAP_TMP/ssh.err")" "Permission denied \(publickey\)" "... at the key (sshd up, the key not unlocked)"
		fi
	done
	kill "$SSHD_PID"; wait "$SSHD_PID" 2>/dev/null
else
	ok 1 "the sshd login needs root (make check runs as root in CI)"
fi
done_testing
