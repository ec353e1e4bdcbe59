#!/bin/bash
# keydrop hostkeys --format dropbear|tinyssh: one host identity for the SSH server of an initramfs.
# The OpenSSH host keys are made by the real ssh-keygen; what keydrop writes is read by the real
# dropbearkey and tinysshd-printkey (same public key and fingerprint as ssh-keygen -l shows for the
# .pub), and served by the real dropbear and tinysshd (under tcpserver) on 127.0.0.1 to the real
# ssh, whose known_hosts holds only the OpenSSH host key (StrictHostKeyChecking yes). Then the rules:
# --separate, --show changes nothing, same key not rewritten, another key replaced, modes, usage
# errors, no OpenSSH key -> nothing made; every failure leaves the files as they were.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/sshd.sh"
need ssh-keygen ssh dropbear dropbearkey tinysshd tinysshd-printkey tcpserver python3

# fp FILE: the SHA256 fingerprint ssh-keygen gives for a .pub
fp() { ssh-keygen -l -f "$1" | cut -d' ' -f2; }
# dbfp FILE: the public key line (type and base64) and fingerprint dropbearkey -y gives
dbline() { dropbearkey -y -f "$1" 2>/dev/null | grep -E '^(ssh|ecdsa)-' | cut -d' ' -f1,2; }
dbfp() { dropbearkey -y -f "$1" 2>/dev/null | sed -n 's/^Fingerprint: //p'; }
# stamps DIR: path, inode and mtime (ns) of everything below DIR: "nothing was rewritten"
stamps() { (cd "$1" && find . -printf '%p %i %T@\n' | LC_ALL=C sort); }
# wait_port PORT: polls until 127.0.0.1:PORT accepts, with a 20 s deadline
wait_port() {
	python3 - "$1" <<'EOF'
import socket, sys, time
end = time.monotonic() + 20
while time.monotonic() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
}

# ---- conversion: dropbearkey reads what keydrop writes, with the OpenSSH key's identity -------------
# three roots: one ecdsa key per directory (dropbear_ecdsa_host_key), every NIST curve dropbear takes
declare -A curve=([a]=256 [b]=384 [c]=521)
for x in a b c; do
	r=$TAP_TMP/r$x
	mkdir -p "$r/etc/ssh"
	ssh-keygen -q -t ecdsa -b "${curve[$x]}" -N '' -C "ecdsa-${curve[$x]}" -f "$r/etc/ssh/ssh_host_ecdsa_key"
done
ra=$TAP_TMP/ra
ssh-keygen -q -t ed25519 -N '' -C ed -f "$ra/etc/ssh/ssh_host_ed25519_key"
ssh-keygen -q -t rsa -b 2048 -N '' -C rsa -f "$ra/etc/ssh/ssh_host_rsa_key"
ssh_before=$(tree_hash "$ra/etc/ssh")
me=$([ "$(id -u)" -eq 0 ] && echo root || id -un) # the comment: root@HOST as root, else USER@HOST

run "$KEYDROP" hostkeys --format dropbear --root "$ra"
is "$RC" 0 "--format dropbear: exit 0"
is "$(tree_hash "$ra/etc/ssh")" "$ssh_before" "the OpenSSH host keys are not touched"
is "$(stat -c %a "$ra/etc/dropbear")" 755 "etc/dropbear made 0755"
for t in ed25519 ecdsa rsa; do
	f=$ra/etc/dropbear/dropbear_${t}_host_key
	is "$(stat -c %a "$f")" 600 "dropbear_${t}_host_key is 0600"
	is "$(dbline "$f")" "$(cut -d' ' -f1,2 "$ra/etc/ssh/ssh_host_${t}_key.pub")" \
		"$t: dropbearkey -y prints the OpenSSH key's public key"
	is "$(dbfp "$f")" "$(fp "$ra/etc/ssh/ssh_host_${t}_key.pub")" "$t: dropbearkey's fingerprint is ssh-keygen -l's"
	[[ $OUT == *"$(ssh-keygen -lv -f "$ra/etc/ssh/ssh_host_${t}_key.pub" | sed 1d | head -3)"* ]]
	ok $? "$t: keydrop prints the randomart ssh-keygen -lv shows for the OpenSSH key"
	like "$(printf '%s\n' "$OUT" | grep "$(fp "$ra/etc/ssh/ssh_host_${t}_key.pub")")" "$me@" \
		"$t: printed with the $me@HOST comment (root@HOST when run as root)"
done
for x in b c; do
	r=$TAP_TMP/r$x
	run "$KEYDROP" hostkeys --format dropbear --root "$r" -q
	f=$r/etc/dropbear/dropbear_ecdsa_host_key
	is "$RC:$(dbline "$f")" "0:$(cut -d' ' -f1,2 "$r/etc/ssh/ssh_host_ecdsa_key.pub")" \
		"ecdsa ${curve[$x]}: dropbearkey -y prints the OpenSSH key's public key"
	want=$("$KEYDROP" fingerprint "$r/etc/ssh/ssh_host_ecdsa_key.pub" | cut -d' ' -f2)
	is "$(dbfp "$f")" "$want" "ecdsa ${curve[$x]}: dropbearkey's fingerprint is keydrop fingerprint's"
	[ ! -e "$r/etc/dropbear/dropbear_ed25519_host_key" ]
	ok $? "ecdsa ${curve[$x]}: only the OpenSSH types present are converted (no ed25519 made)"
	[ ! -e "$r/etc/ssh/ssh_host_ed25519_key" ]
	ok $? "ecdsa ${curve[$x]}: nothing made in etc/ssh"
done

# ---- a real dropbear accepts them: ssh with only the OpenSSH host key in known_hosts -----------------
if [ "$(id -u)" -ne 0 ]; then
	skip "dropbear and tinysshd logins need root (a throwaway user)"
else
	user_create kddb; ok $? "throwaway user created"
	ssh-keygen -q -t ed25519 -N '' -C user -f "$TAP_TMP/id_user"
	install -d -m 0700 -o "$TUSER" "$THOME/.ssh"
	install -m 0600 -o "$TUSER" "$TAP_TMP/id_user.pub" "$THOME/.ssh/authorized_keys"
	# login ALG KNOWN_HOSTS-LINE-KEY PORT: ssh with that host key algorithm only, checked strictly
	login() {
		echo "[127.0.0.1]:$3 $(cut -d' ' -f1,2 "$2")" > "$TAP_TMP/known_hosts"
		run ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none \
			-o UserKnownHostsFile="$TAP_TMP/known_hosts" -o GlobalKnownHostsFile=/dev/null \
			-o StrictHostKeyChecking=yes -o HostKeyAlgorithms="$1" -o ConnectTimeout=20 -o LogLevel=ERROR \
			-i "$TAP_TMP/id_user" -p "$3" "$TUSER@127.0.0.1" echo keydrop-login-ok
	}
	port=$(free_port)
	dropbear -F -E -s -p "127.0.0.1:$port" -P "$TAP_TMP/dropbear.pid" \
		-r "$ra/etc/dropbear/dropbear_ed25519_host_key" -r "$TAP_TMP/rb/etc/dropbear/dropbear_ecdsa_host_key" \
		-r "$ra/etc/dropbear/dropbear_rsa_host_key" 2>"$TAP_TMP/dropbear.log" &
	dbpid=$!
	on_exit "kill $dbpid 2>/dev/null; wait $dbpid 2>/dev/null"
	wait_port "$port"; ok $? "dropbear listening on 127.0.0.1:$port with keydrop's host keys"
	for spec in "ssh-ed25519 $ra/etc/ssh/ssh_host_ed25519_key.pub" \
		"ecdsa-sha2-nistp384 $TAP_TMP/rb/etc/ssh/ssh_host_ecdsa_key.pub" \
		"rsa-sha2-256 $ra/etc/ssh/ssh_host_rsa_key.pub"; do
		set -- $spec
		login "$1" "$2" "$port"
		is "$RC:$OUT" "0:keydrop-login-ok" "dropbear ($1): ssh logs in, host key checked against the OpenSSH .pub"
		[ "$RC" -eq 0 ] || { echo "$ERR" | sed 's/^/#   /'; tail -5 "$TAP_TMP/dropbear.log" | sed 's/^/#   /'; }
	done
	# negative control: another host key in known_hosts is refused
	ssh-keygen -q -t ed25519 -N '' -f "$TAP_TMP/other"
	login ssh-ed25519 "$TAP_TMP/other.pub" "$port"
	ok $(( RC == 0 )) "dropbear: a known_hosts with another key is refused"
	like "$ERR" "Host key verification failed" "... because of the host key"
	kill "$dbpid"; wait "$dbpid" 2>/dev/null

	# ---- tinysshd, under tcpserver (ucspi-tcp, as tinysshd(8) shows; Debian's busybox-static has no
	# tcpsvd), with keydrop's tinyssh key directory ------------------------------------------------------
	mkdir -p "$ra/etc/tinyssh"
	run "$KEYDROP" hostkeys --format tinyssh --root "$ra"
	is "$RC" 0 "--format tinyssh: exit 0"
	kd=$ra/etc/tinyssh/sshkeydir
	is "$(stat -c '%a %s' "$kd/ed25519.pk") $(stat -c '%a %s' "$kd/.ed25519.sk")" "644 32 600 64" \
		"ed25519.pk 0644 32 bytes, .ed25519.sk 0600 64 bytes"
	is "$(tinysshd-printkey "$kd" | cut -d' ' -f1,2)" "$(cut -d' ' -f1,2 "$ra/etc/ssh/ssh_host_ed25519_key.pub")" \
		"tinysshd-printkey prints the OpenSSH ed25519 key"
	port=$(free_port)
	tcpserver -HRDl0 127.0.0.1 "$port" tinysshd -v "$kd" 2>"$TAP_TMP/tinysshd.log" &
	tpid=$!
	on_exit "kill $tpid 2>/dev/null; wait $tpid 2>/dev/null"
	wait_port "$port"; ok $? "tcpserver + tinysshd listening on 127.0.0.1:$port"
	login ssh-ed25519 "$ra/etc/ssh/ssh_host_ed25519_key.pub" "$port"
	is "$RC:$OUT" "0:keydrop-login-ok" "tinysshd: ssh logs in, host key checked against the OpenSSH .pub"
	[ "$RC" -eq 0 ] || { echo "$ERR" | sed 's/^/#   /'; tail -5 "$TAP_TMP/tinysshd.log" | sed 's/^/#   /'; }
	login ssh-ed25519 "$TAP_TMP/other.pub" "$port"
	ok $(( RC == 0 )) "tinysshd: a known_hosts with another key is refused"
	kill "$tpid"; wait "$tpid" 2>/dev/null
fi

# ---- the same key: not rewritten; another key: replaced, with a note --------------------------------
st=$(stamps "$ra")
run "$KEYDROP" hostkeys --format dropbear --root "$ra"
is "$RC:$ERR" "0:" "second run: exit 0, nothing said on stderr"
is "$(stamps "$ra")" "$st" "second run: no file rewritten (inodes and mtimes kept)"
[[ $OUT != *converted* ]]; ok $? "second run: nothing converted"
dropbearkey -t ed25519 -f "$TAP_TMP/foreign" >/dev/null 2>&1
cp "$TAP_TMP/foreign" "$ra/etc/dropbear/dropbear_ed25519_host_key"
run "$KEYDROP" hostkeys --format dropbear --root "$ra"
is "$RC" 0 "a target holding another key: exit 0"
like "$ERR" "dropbear_ed25519_host_key held another key: replaced" "... one note on stderr"
is "$(dbfp "$ra/etc/dropbear/dropbear_ed25519_host_key")" "$(fp "$ra/etc/ssh/ssh_host_ed25519_key.pub")" \
	"... replaced by the OpenSSH key's"
is "$(stat -c %a "$ra/etc/dropbear/dropbear_ed25519_host_key")" 600 "... mode 0600"

# ---- modes: a group-readable key file is repaired, or reported with --no-fix -------------------------
chmod 0640 "$ra/etc/dropbear/dropbear_rsa_host_key"
h=$(tree_hash "$ra")
run "$KEYDROP" hostkeys --format dropbear --root "$ra" --no-fix
is "$RC" 1 "--no-fix, group-readable dropbear key: exit 1"
like "$ERR" "dropbear_rsa_host_key: mode 0640" "... says which file and its mode"
is "$(tree_hash "$ra")" "$h" "... nothing changed"
run "$KEYDROP" hostkeys --format dropbear --root "$ra"
is "$RC" 0 "group-readable dropbear key: repaired, exit 0"
is "$(stat -c %a "$ra/etc/dropbear/dropbear_rsa_host_key")" 600 "... now 0600"
like "$OUT" "repaired the mode of .*dropbear_rsa_host_key: 0640 -> 0600" "... and says so"

# ---- --show changes nothing ----------------------------------------------------------------------
chmod 0640 "$ra/etc/dropbear/dropbear_rsa_host_key"
st=$(stamps "$ra"); h=$(tree_hash "$ra")
run "$KEYDROP" hostkeys --format dropbear --root "$ra" --show --console
is "$(tree_hash "$ra"):$(stamps "$ra")" "$h:$st" "--show: tree byte for byte and mtimes unchanged (no mode repair either)"
[[ $OUT == *"BEGIN SSH HOST KEY FINGERPRINTS"*"$(fp "$ra/etc/ssh/ssh_host_rsa_key.pub")"*"END SSH HOST KEY FINGERPRINTS"* ]]
ok $? "--show --console: the fingerprint block of the dropbear keys (the 0640 one too: dropbear uses it)"
like "$ERR" "dropbear_rsa_host_key: mode 0640" "--show: the mode reported, not repaired"
is "$RC" 1 "--show, a group-readable key: exit 1"
like "$ERR" "left as it is \(--show: not repaired\)" "... says --show is why it is not repaired"
[[ $ERR != *"without --no-fix"* ]]; ok $? "... not the --no-fix hint"
chmod 0600 "$ra/etc/dropbear/dropbear_rsa_host_key"
for f in "--format dropbear" "--format tinyssh" "--format openssh" ""; do
	if [ "$f" = "--format tinyssh" ] && [ "$(id -u)" -ne 0 ]; then
		skip "--show --format tinyssh: the tinyssh key directory is made by the root-only block above"
		continue
	fi
	st=$(stamps "$ra"); h=$(tree_hash "$ra")
	run "$KEYDROP" hostkeys $f --root "$ra" --show
	is "$RC" 0 "--show ${f:-(openssh default)}: exit 0"
	is "$(tree_hash "$ra"):$(stamps "$ra")" "$h:$st" "--show ${f:-(openssh default)}: nothing changed"
	[[ $OUT == *"$(fp "$ra/etc/ssh/ssh_host_ed25519_key.pub")"* ]]
	ok $? "--show ${f:-(openssh default)}: prints the ed25519 fingerprint"
done
re=$TAP_TMP/empty
mkdir -p "$re"
run "$KEYDROP" hostkeys --format dropbear --root "$re" --show
is "$RC" 1 "--show without a key directory: exit 1"
[ -z "$(ls -A "$re")" ]; ok $? "... and nothing made"

# ---- --separate: keys of their own, kept on the next run ---------------------------------------------
rs=$TAP_TMP/rs
mkdir -p "$rs/etc/ssh" "$rs/etc/tinyssh"
ssh-keygen -q -t ed25519 -N '' -f "$rs/etc/ssh/ssh_host_ed25519_key"
run "$KEYDROP" hostkeys --format dropbear --separate --root "$rs"
is "$RC" 0 "--separate: exit 0"
f=$rs/etc/dropbear/dropbear_ed25519_host_key
sep=$(dbfp "$f")
[ -n "$sep" ] && [ "$sep" != "$(fp "$rs/etc/ssh/ssh_host_ed25519_key.pub")" ]
ok $? "--separate: a dropbear key dropbear reads, not sshd's (another fingerprint)"
[[ $OUT == *"$sep"* ]]; ok $? "--separate: its fingerprint printed"
st=$(stamps "$rs")
run "$KEYDROP" hostkeys --format dropbear --separate --root "$rs"
is "$RC:$(stamps "$rs")" "0:$st" "--separate again: the key kept, nothing rewritten"
run "$KEYDROP" hostkeys --format tinyssh --separate --root "$rs"
is "$RC" 0 "--separate tinyssh: exit 0"
tp=$(tinysshd-printkey "$rs/etc/tinyssh/sshkeydir" | cut -d' ' -f1,2)
[ -n "$tp" ] && [ "$tp" != "$(cut -d' ' -f1,2 "$rs/etc/ssh/ssh_host_ed25519_key.pub")" ]
ok $? "--separate tinyssh: a key tinysshd-printkey reads, not sshd's"

# ---- usage and refusals: exit codes, and nothing changed ---------------------------------------------
h=$(tree_hash "$ra")
run "$KEYDROP" hostkeys --format tinyssh -t rsa --root "$ra"
is "$RC" 2 "--format tinyssh -t rsa: exit 2"
like "$ERR" "tinyssh takes only ed25519 keys" "... says why"
run "$KEYDROP" hostkeys --format putty --root "$ra"
is "$RC" 2 "an unknown --format: exit 2"
run "$KEYDROP" hostkeys --separate --root "$ra"
is "$RC" 2 "--separate without --format dropbear/tinyssh: exit 2"
is "$(tree_hash "$ra")" "$h" "usage errors change nothing"

rn=$TAP_TMP/rn
mkdir -p "$rn/etc"
run "$KEYDROP" hostkeys --format dropbear --root "$rn"
is "$RC" 1 "no OpenSSH host key and no -t: exit 1"
like "$ERR" "no OpenSSH host key in .*etc/ssh to convert" "... says so"
is "$(find "$rn" | wc -l)" 2 "... nothing made: no etc/ssh, no etc/dropbear"
mkdir "$rn/etc/ssh"
h=$(tree_hash "$rn")
run "$KEYDROP" hostkeys --format tinyssh --root "$rn"
is "$RC:$(tree_hash "$rn")" "1:$h" "empty etc/ssh, --format tinyssh: exit 1, nothing made"
run "$KEYDROP" hostkeys --format dropbear --root "$rn" -t ed25519
is "$RC" 0 "-t ed25519 given: the missing OpenSSH key is made first, exit 0"
is "$(dbfp "$rn/etc/dropbear/dropbear_ed25519_host_key")" "$(fp "$rn/etc/ssh/ssh_host_ed25519_key.pub")" \
	"... and converted: one identity"

# an OpenSSH key keydrop cannot read: that type fails (exit 1), the others are done
re=$TAP_TMP/renc
mkdir -p "$re/etc/ssh"
ssh-keygen -q -t ed25519 -N secret -f "$re/etc/ssh/ssh_host_ed25519_key"
ssh-keygen -q -t ecdsa -N '' -f "$re/etc/ssh/ssh_host_ecdsa_key"
run "$KEYDROP" hostkeys --format dropbear --root "$re"
is "$RC" 1 "an encrypted OpenSSH host key: exit 1"
like "$ERR" "ssh_host_ed25519_key: passphrase-protected: cannot convert it \(sshd cannot use it either\)" \
	"... says which and why"
[[ $ERR != *passphrase-file* && $ERR != *" -P "* ]]; ok $? "... no -P/--passphrase-file hint (hostkeys takes none)"
[ ! -e "$re/etc/dropbear/dropbear_ed25519_host_key" ] &&
	[ "$(dbfp "$re/etc/dropbear/dropbear_ecdsa_host_key")" = "$(fp "$re/etc/ssh/ssh_host_ecdsa_key.pub")" ]
ok $? "... the ecdsa key is still converted, no ed25519 file"

# --dir: used as given, not under --root
dd=$TAP_TMP/dest/etc/dropbear
mkdir -p "$TAP_TMP/dest/etc"
run "$KEYDROP" hostkeys --format dropbear --root "$ra" --dir "$dd" -q
is "$RC" 0 "--dir: exit 0"
is "$(dbfp "$dd/dropbear_ed25519_host_key")" "$(fp "$ra/etc/ssh/ssh_host_ed25519_key.pub")" \
	"--dir: the keys land in DIR as given, converted from ROOT/etc/ssh"
run "$KEYDROP" hostkeys --format dropbear --root "$ra" --dir "$TAP_TMP/no/such/dir"
is "$RC" 1 "--dir whose parent is missing: exit 1"
[ ! -e "$TAP_TMP/no" ]; ok $? "... nothing made"

# a symlinked target is refused, its target untouched
ln -sf "$TAP_TMP/victim" "$dd/dropbear_rsa_host_key"
echo keep > "$TAP_TMP/victim"
run "$KEYDROP" hostkeys --format dropbear --root "$ra" --dir "$dd"
is "$RC" 1 "a symlink as target: exit 1"
is "$(cat "$TAP_TMP/victim")" keep "... its target untouched"

# ---- tinyssh's two files change together or not at all (issue 12 review, item 1) ----------------------
r1=$TAP_TMP/r1
mkdir -p "$r1/etc/ssh" "$r1/etc/tinyssh/sshkeydir/ed25519.pk"
ssh-keygen -q -t ed25519 -N '' -f "$r1/etc/ssh/ssh_host_ed25519_key"
h=$(tree_hash "$r1")
run "$KEYDROP" hostkeys --format tinyssh --root "$r1"
is "$RC" 1 "tinyssh, ed25519.pk a directory: exit 1"
[ ! -e "$r1/etc/tinyssh/sshkeydir/.ed25519.sk" ]; ok $? "... no .ed25519.sk written beside it"
is "$(tree_hash "$r1")" "$h" "... nothing changed"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "... one line on stderr"
like "$ERR" "ed25519.pk: not a regular file" "... naming ed25519.pk"

# ---- ed25519.pk: the same rules as the secret file; the note names the file that differed (item 5) ------
r5=$TAP_TMP/r5
mkdir -p "$r5/etc/ssh" "$r5/etc/tinyssh"
ssh-keygen -q -t ed25519 -N '' -f "$r5/etc/ssh/ssh_host_ed25519_key"
run "$KEYDROP" hostkeys --format tinyssh --root "$r5" -q
is "$RC" 0 "item 5 setup: tinyssh converted"
k5=$r5/etc/tinyssh/sshkeydir
ssh-keygen -q -t ed25519 -N '' -f "$TAP_TMP/other5"
"$KEYDROP" hostkeys --format tinyssh --separate --dir "$TAP_TMP/sep5" -q
cp "$TAP_TMP/sep5/ed25519.pk" "$k5/ed25519.pk"
run "$KEYDROP" hostkeys --format tinyssh --root "$r5"
is "$RC" 0 "only ed25519.pk held another key: exit 0"
like "$ERR" "/ed25519.pk held another key" "... the note names ed25519.pk"
[[ $ERR != *".ed25519.sk held"* ]]; ok $? "... not .ed25519.sk"
is "$(tinysshd-printkey "$k5" | cut -d' ' -f1,2)" "$(cut -d' ' -f1,2 "$r5/etc/ssh/ssh_host_ed25519_key.pub")" \
	"... the pair is the OpenSSH key again"
chmod 0666 "$k5/ed25519.pk"
h=$(tree_hash "$r5")
run "$KEYDROP" hostkeys --format tinyssh --root "$r5" --show
is "$RC" 1 "--show, ed25519.pk writable by others: exit 1"
like "$ERR" "ed25519.pk: mode 0666" "... reported"
is "$(tree_hash "$r5")" "$h" "... nothing changed"
run "$KEYDROP" hostkeys --format tinyssh --root "$r5"
is "$RC:$(stat -c %a "$k5/ed25519.pk")" "0:644" "conversion: a writable ed25519.pk is rewritten 0644"
if [ "$(id -u)" -eq 0 ]; then
	chown 1234 "$k5/ed25519.pk"
	h=$(tree_hash "$r5")
	run "$KEYDROP" hostkeys --format tinyssh --root "$r5"
	is "$RC:$(tree_hash "$r5")" "1:$h" "ed25519.pk of another uid: exit 1, nothing changed"
	like "$ERR" "ed25519.pk: owned by uid 1234: refusing it" "... says so"
	run "$KEYDROP" hostkeys --format tinyssh --root "$r5" --show
	is "$RC" 1 "--show, ed25519.pk of another uid: exit 1"
	like "$ERR" "ed25519.pk: owned by uid 1234" "... says so"
	chown 0 "$k5/ed25519.pk"
else
	skip "ed25519.pk of another uid needs root"
fi

# ---- a target that is not a regular file is refused, not replaced (item 6) -----------------------------
r6=$TAP_TMP/r6
mkdir -p "$r6/etc/ssh" "$r6/etc/dropbear"
ssh-keygen -q -t ed25519 -N '' -f "$r6/etc/ssh/ssh_host_ed25519_key"
mkfifo "$r6/etc/dropbear/dropbear_ed25519_host_key"
h=$(tree_hash "$r6")
run "$KEYDROP" hostkeys --format dropbear --root "$r6"
is "$RC:$(tree_hash "$r6")" "1:$h" "a FIFO as target: exit 1, nothing changed"
is "$ERR" "keydrop: hostkeys: $r6/etc/dropbear/dropbear_ed25519_host_key: not a regular file: refusing to replace it" \
	"... one line: not a regular file"
[ -p "$r6/etc/dropbear/dropbear_ed25519_host_key" ]; ok $? "... the FIFO is still there"
run "$KEYDROP" hostkeys --format dropbear --root "$r6" --show
is "$RC" 1 "--show with a FIFO: exit 1"
like "$ERR" "dropbear_ed25519_host_key: not a regular file" "... says not a regular file"
[[ $ERR != *"Invalid argument"* ]]; ok $? "... not Invalid argument"
run "$KEYDROP" hostkeys --format dropbear --separate --root "$r6"
like "$RC:$ERR" "^1:.*not a regular file" "--separate with a FIFO: exit 1, not a regular file"

# ---- a target of another uid: one line (item 7) --------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
	r7=$TAP_TMP/r7
	mkdir -p "$r7/etc/ssh" "$r7/etc/dropbear"
	ssh-keygen -q -t ed25519 -N '' -f "$r7/etc/ssh/ssh_host_ed25519_key"
	echo other > "$r7/etc/dropbear/dropbear_ed25519_host_key"
	chown 1234 "$r7/etc/dropbear/dropbear_ed25519_host_key"
	h=$(tree_hash "$r7")
	run "$KEYDROP" hostkeys --format dropbear --root "$r7"
	is "$RC:$(tree_hash "$r7")" "1:$h" "a target of another uid: exit 1, nothing changed"
	is "$ERR" "keydrop: hostkeys: $r7/etc/dropbear/dropbear_ed25519_host_key: owned by uid 1234: refusing it" \
		"... one line: owned by uid 1234"
else
	skip "a target of another uid needs root"
fi

# ---- nothing made when the run cannot write a key (item 2) ---------------------------------------------
rv=$TAP_TMP/rv
mkdir -p "$rv"
run "$KEYDROP" hostkeys --format tinyssh --root "$rv" -t ed25519
is "$RC" 1 "-t ed25519, no etc/tinyssh: exit 1"
[ -z "$(ls -A "$rv")" ]; ok $? "... no OpenSSH key made first (nothing made at all)"
rw=$TAP_TMP/rw
mkdir -p "$rw/etc/ssh"
ssh-keygen -q -t ed25519 -N secret -f "$rw/etc/ssh/ssh_host_ed25519_key"
h=$(tree_hash "$rw")
run "$KEYDROP" hostkeys --format dropbear --root "$rw"
is "$RC:$(tree_hash "$rw")" "1:$h" "only an encrypted OpenSSH key: exit 1, no empty etc/dropbear left"

# ---- -t under --root: the OpenSSH keys made in the image get the shared-image note (item 10) -----------
rt=$TAP_TMP/rt
mkdir -p "$rt/etc"
run "$KEYDROP" hostkeys --format dropbear --root "$rt" -t ed25519
is "$RC" 0 "-t ed25519 under --root, no OpenSSH key yet: exit 0"
like "$ERR" "shared by every machine started from the image" "... the shared-image note for the keys made in etc/ssh"

# ---- RSA keys dropbear cannot load: neither converted nor called usable (item 3) ------------------------
# dbrsa FILE NBITS EBITS: a dropbear RSA key file with an n of NBITS and an e of EBITS bits (any d, p, q:
# dropbearkey -y and dropbear's loader check sizes, not the maths)
dbrsa() {
	python3 - "$@" <<'PY'
import struct, sys
out, nbits, ebits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def s(b): return struct.pack('>I', len(b)) + b
def mp(v):
    b = v.to_bytes((v.bit_length() + 7) // 8, 'big')
    return s(b'\0' + b if b[0] & 0x80 else b)
n = (1 << (nbits - 1)) | 0x1234567
e = (1 << (ebits - 1)) | 1
p = (1 << (nbits // 2 - 1)) | 3
open(out, 'wb').write(s(b'ssh-rsa') + mp(e) + mp(n) + mp(n - 12345) + mp(p) + mp(p + 2))
PY
	chmod 600 "$1"
}
r3=$TAP_TMP/r3/etc/dropbear
mkdir -p "$r3"
for spec in "1024 17 0" "4432 17 0" "1023 17 3" "4440 17 3" "2048 65 3"; do
	set -- $spec
	dbrsa "$r3/dropbear_rsa_host_key" "$1" "$2"
	dropbearkey -y -f "$r3/dropbear_rsa_host_key" >/dev/null 2>&1
	db=$([ $? -eq 0 ] && echo loads || echo refuses)
	run "$KEYDROP" hostkeys --format dropbear --dir "$r3" --show
	is "$db:$RC" "$([ "$3" = 0 ] && echo loads || echo refuses):$3" \
		"RSA n $1 bits, e $2 bits: dropbearkey $db it, keydrop --show exit $3"
done
like "$ERR" "dropbear reads RSA keys of 1024 to 4096 bits" "... says what dropbear reads"
r3b=$TAP_TMP/r3b
mkdir -p "$r3b/etc/ssh"
ssh-keygen -q -t rsa -b 4608 -N '' -f "$r3b/etc/ssh/ssh_host_rsa_key"
ssh-keygen -q -t ed25519 -N '' -f "$r3b/etc/ssh/ssh_host_ed25519_key"
run "$KEYDROP" hostkeys --format dropbear --root "$r3b"
is "$RC" 1 "an RSA-4608 OpenSSH host key (a 1.8 KB dropbear file): exit 1"
like "$ERR" "ssh_host_rsa_key: dropbear reads RSA keys of 1024 to 4096 bits: cannot convert it" "... says why"
[ ! -e "$r3b/etc/dropbear/dropbear_rsa_host_key" ] && [ -s "$r3b/etc/dropbear/dropbear_ed25519_host_key" ]
ok $? "... no RSA file written, the ed25519 key still converted"

# ---- an ECDSA point off its curve: dropbear refuses it, so does keydrop (item 4) -------------------------
r4=$TAP_TMP/r4
mkdir -p "$r4"
python3 - "$TAP_TMP/rb/etc/dropbear/dropbear_ecdsa_host_key" "$r4/dropbear_ecdsa_host_key" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
off = 0
for _ in range(3):  # type, curve, Q: the last byte of Q is the last byte of Y
    n = struct.unpack('>I', b[off:off + 4])[0]
    off += 4 + n
b[off - 1] ^= 1
open(sys.argv[2], 'wb').write(b)
PY
chmod 600 "$r4/dropbear_ecdsa_host_key"
dropbearkey -y -f "$r4/dropbear_ecdsa_host_key" >/dev/null 2>&1
ok $(( $? == 0 )) "a P-384 key with a flipped Y byte: dropbearkey -y refuses it"
run "$KEYDROP" hostkeys --format dropbear --dir "$r4" --show
is "$RC" 3 "... keydrop --show: exit 3 (the server cannot use it)"
like "$ERR" "not a point on its curve" "... says why"

# ---- an ed25519 file whose public half is not its seed's key: not usable (item 11) ----------------------
# flip FILE OFFSET...: xor 1 into the bytes at those offsets (negative: from the end)
flip() {
	python3 - "$@" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
for o in sys.argv[2:]:
    b[int(o)] ^= 1
open(sys.argv[1], 'wb').write(b)
PY
}
r11=$TAP_TMP/r11
mkdir -p "$r11/db" "$r11/ts"
"$KEYDROP" hostkeys --format dropbear --separate --dir "$r11/db" -q
"$KEYDROP" hostkeys --format tinyssh --separate --dir "$r11/ts" -q
run "$KEYDROP" hostkeys --format dropbear --dir "$r11/db" --show
is "$RC" 0 "item 11 control: the dropbear ed25519 key as made: exit 0"
flip "$r11/db/dropbear_ed25519_host_key" -1
run "$KEYDROP" hostkeys --format dropbear --dir "$r11/db" --show
is "$RC" 3 "dropbear ed25519 file, public half not its seed's: exit 3"
like "$ERR" "not the key of its seed: the server cannot use it" "... says why"
flip "$r11/ts/.ed25519.sk" -1
flip "$r11/ts/ed25519.pk" -1
run "$KEYDROP" hostkeys --format tinyssh --dir "$r11/ts" --show
is "$RC" 3 "tinyssh pair, the same public half in both files but not the seed's key: exit 3"

# ---- hard links: a target with a second link is never replaced (the old secret would live on) -----------
rh=$TAP_TMP/rh
mkdir -p "$rh/etc/ssh" "$rh/etc/dropbear"
ssh-keygen -q -t ed25519 -N '' -f "$rh/etc/ssh/ssh_host_ed25519_key"
cp "$TAP_TMP/foreign" "$rh/etc/dropbear/dropbear_ed25519_host_key"
ln "$rh/etc/dropbear/dropbear_ed25519_host_key" "$rh/etc/dropbear/second-link"
h=$(tree_hash "$rh")
run "$KEYDROP" hostkeys --format dropbear --root "$rh"
is "$RC:$(tree_hash "$rh")" "1:$h" "a target holding another key with a second hard link: exit 1, nothing changed"
like "$ERR" "dropbear_ed25519_host_key: has 2 hard links: refusing to replace it" "... says so"
rm "$rh/etc/dropbear/dropbear_ed25519_host_key" "$rh/etc/dropbear/second-link"
run "$KEYDROP" hostkeys --format dropbear --root "$rh" -q
ln "$rh/etc/dropbear/dropbear_ed25519_host_key" "$rh/etc/dropbear/second-link"
st=$(stamps "$rh")
run "$KEYDROP" hostkeys --format dropbear --root "$rh"
is "$RC:$ERR:$(stamps "$rh")" "0::$st" "the same key with a second link: left alone, exit 0"

done_testing
