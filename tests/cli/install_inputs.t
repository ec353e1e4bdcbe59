#!/bin/bash
# keydrop install: a table of bad and tricky pasted inputs. Every refusal must exit with its code,
# say specifically what is wrong, and leave the target (an existing file with comments, garbage
# lines and no final newline) byte-for-byte unchanged, with nothing else appearing in the home.
# Every accepted input must add exactly the expected line and keep the old bytes as a prefix.
source "$(dirname "$0")/../lib/tap.sh"
DATA=$(cd "$(dirname "$0")/data" && pwd)
cd "$TAP_TMP"

H=$TAP_TMP/home
mkdir -p "$H/.ssh" && chmod 700 "$H/.ssh"
for k in a b c d; do ssh-keygen -q -t ed25519 -N '' -C "key-$k@host" -f "$TAP_TMP/$k"; done
ssh-keygen -q -t ecdsa -b 384 -N '' -C ecdsa@host -f "$TAP_TMP/e"
ssh-keygen -q -t rsa -b 2048 -N '' -C rsa@host -f "$TAP_TMP/r"
ssh-keygen -q -t rsa -b 2048 -N '' -m PEM -C pem -f "$TAP_TMP/pem"
ssh-keygen -q -t ecdsa -N '' -m PKCS8 -C p8 -f "$TAP_TMP/p8"
A=$(cat a.pub) B=$(cat b.pub) C=$(cat c.pub) D=$(cat d.pub) E=$(cat e.pub) R=$(cat r.pub)
A64=$(cut -d' ' -f2 a.pub) R64=$(cut -d' ' -f2 r.pub)
AFP=$(ssh-keygen -lf a.pub | cut -d' ' -f2)
AMD5=$(ssh-keygen -E md5 -lf a.pub | cut -d' ' -f2)

# The existing file: a key, comments, garbage, an options line, and no final newline.
ORIG=$TAP_TMP/orig
printf '# my keys, hand-made\n%s\n\ngarbage that is no key\n  \t\nno-pty,command="echo a,b" %s\n# last line, no newline' \
	"$D" "$E" > "$ORIG"
reset_target() { cp "$ORIG" "$H/.ssh/authorized_keys"; chmod 600 "$H/.ssh/authorized_keys"; rm -f "$H/.ssh/.keydrop.lock"; }
reset_target
BEFORE=$(tree_hash "$H")

# bad RC REGEX DESC ARGS...: install must fail with RC and a message matching REGEX; home unchanged.
bad() {
	local rc=$1 re=$2 desc=$3; shift 3
	reset_target
	run "$KEYDROP" install --home "$H" "$@"
	local lines; lines=$(printf '%s' "$ERR" | grep -c '')
	if [ "$RC" = "$rc" ] && [[ $ERR =~ $re ]] && [ "$lines" = 1 ] && [ -z "$OUT" ]; then
		# The lock file is the one thing a run may leave; it is not part of the target.
		rm -f "$H/.ssh/.keydrop.lock"
		is "$(tree_hash "$H")" "$BEFORE" "$desc: exit $rc, '$re', target unchanged"
	else
		ok 1 "$desc: exit $rc, '$re', target unchanged"
		printf '#   rc=%s out=%s\n#   err=%s\n' "$RC" "$OUT" "$ERR"
	fi
}
# good DESC WANT-ADDED-LINES-FILE ARGS...: install succeeds, the old bytes are kept as a prefix
# (plus the newline the old file lacked), and exactly the expected lines follow.
good() {
	local desc=$1 want=$2; shift 2
	reset_target
	run "$KEYDROP" install --home "$H" "$@"
	{ cat "$ORIG"; echo; cat "$want"; } > "$TAP_TMP/expect"
	if [ "$RC" = 0 ] && cmp -s "$TAP_TMP/expect" "$H/.ssh/authorized_keys"; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		printf '#   rc=%s err=%s\n' "$RC" "$ERR"
		diff "$TAP_TMP/expect" "$H/.ssh/authorized_keys" | head -10 | sed 's/^/#   /'
	fi
}

# ---- refused: fingerprints, types, private keys ---------------------------------------------------
bad 3 'SHA256 fingerprint, not a public key' "SHA256 fingerprint" --key "$AFP"
bad 3 'SHA256 fingerprint' "ssh-keygen -l output" --key "$(ssh-keygen -lf a.pub)"
bad 3 'MD5 fingerprint' "MD5: fingerprint" --key "$AMD5"
bad 3 'MD5 fingerprint' "bare MD5 hex pairs" --key "${AMD5#MD5:}"
bad 3 'SHA256 fingerprint' "fingerprint without SHA256: prefix but with bits" --key "256 $AFP key-a (ED25519)"
bad 3 'without its key type: it holds a ssh-ed25519 key' "bare base64 of an ed25519 key" --key "$A64"
bad 3 'holds a ssh-rsa key' "bare base64 of an RSA key" --key "$R64 rsa@host"
bad 3 'without its key type.*ssh-rsa' "bare base64, cut short" --key "${R64:0:100}"
bad 3 'OpenSSH PRIVATE key' "OpenSSH private key file" "$TAP_TMP/a"
bad 3 'PEM/PKCS#8 PRIVATE key' "PEM RSA private key" "$TAP_TMP/pem"
bad 3 'PEM/PKCS#8 PRIVATE key' "PKCS#8 private key" "$TAP_TMP/p8"
printf 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIEY4\niArLki3ckUuxVKy\nPrivate-Lines: 1\nAAAAIFh0\nPrivate-MAC: 00\n' > ppk
bad 3 'PuTTY PRIVATE key' "PuTTY .ppk private key" "$TAP_TMP/ppk"
printf -- '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nP2/56wAAAgIAAAAmaWYtbW9kbntzaWdu\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n' > ssh2priv
bad 3 'SSH2 PRIVATE key' "ssh.com private key" "file:$TAP_TMP/ssh2priv"
bad 3 'body of an OpenSSH private key' "private key body without armour" --key "$(sed -n 2p a)"
{ echo "$A"; cat b; } > pub_and_priv
bad 3 'PRIVATE key' "public key followed by a private key in one value" "$TAP_TMP/pub_and_priv"
# A refused private key is never echoed.
reset_target; run "$KEYDROP" install --home "$H" "$TAP_TMP/a"
secret=$(sed -n 3p a | cut -c1-24)
[[ $ERR != *"$secret"* && $ERR != *b3BlbnNzaC* ]]; ok $? "the private key's text is not echoed in the message"

# ---- refused: broken key data -----------------------------------------------------------------------
bad 3 'truncated' "truncated blob (whole base64 quads)" --key "ssh-rsa ${R64:0:200} cut"
bad 3 'truncated' "truncated base64 (not a multiple of 4)" --key "ssh-ed25519 ${A64:0:50} cut"
bad 3 'says ssh-rsa but the key data holds a ssh-ed25519 key' "type/blob mismatch" --key "ssh-rsa $A64 x"
bad 3 'says ssh-ed25591 but the key data holds a ssh-ed25519 key' "mistyped type" --key "ssh-ed25591 $A64 x"
bad 3 'says ecdsa-sha2-nistp256 but the key data holds a ecdsa-sha2-nistp384' "ecdsa curve mismatch" --key "ecdsa-sha2-nistp256 $(cut -d' ' -f2 e.pub)"
bad 3 'not base64 \(byte 0x2a' "a '*' inside the base64" --key "ssh-ed25519 ${A64:0:20}*${A64:21} x"
bad 3 'not valid base64' "non-canonical base64 (stray bits)" --key "ssh-ed25519 ${A64:0:66}D= x"
bad 3 'ssh-ed25519 without key data' "type only" --key "ssh-ed25519"
extra=$(python3 -c "import base64,sys; print(base64.b64encode(base64.b64decode(sys.argv[1])+b'\0\0\0\0').decode())" "$A64")
bad 3 'extra bytes after the key' "blob with trailing bytes" --key "ssh-ed25519 $extra x"
bad 3 'control character 0x1b at column' "escape sequence in the comment" --key "$A evil$(printf '\033')[2J"
printf '%s\0\n' "$A" > nul
bad 3 'NUL byte' "NUL byte in a file" "$TAP_TMP/nul"
printf '%s\n' "$A" | iconv -f UTF-8 -t UTF-16 > utf16
bad 3 'NUL byte.*UTF-16' "UTF-16 encoded .pub" "$TAP_TMP/utf16"
bad 3 'control character 0x08' "backspace in the key" --key "$(printf 'ssh-ed25519 \b%s' "$A64")"
bad 3 'not a public key line' "garbage" --key "hello world"
bad 3 'no public key in it' "empty value" --key ""
bad 3 'no public key in it' "only comments and blanks" --key "$(printf '# nothing\n\n   \n')"
bad 3 'no public key in it' "empty file" /dev/null
{ echo "$A"; echo "ssh-ed25519 ${A64:0:40}"; echo "$B"; } > three
bad 3 'line 2: key data is truncated' "one bad key among three: none installed" "$TAP_TMP/three"
bad 3 'nul: line 1: NUL byte' "a good --key and a bad file: none installed" --key "$A" "$TAP_TMP/nul"
bad 3 'variable KD_UNSET_VAR is not set' "good sources before an unset env:VAR: none installed" "$TAP_TMP/a.pub" --key "$B" env:KD_UNSET_VAR
printf -- '---- BEGIN SSH2 PUBLIC KEY ----\nComment: "x"\n%s\n' "$A64" > rfc_noend
bad 3 "no '---- END SSH2 PUBLIC KEY ----' line" "RFC 4716 block without END" "$TAP_TMP/rfc_noend"
printf -- '---- BEGIN SSH2 PUBLIC KEY ----\n%s\nthis is not base64!\n---- END SSH2 PUBLIC KEY ----\n' "$A64" > rfc_junk
bad 3 'line 3: line in the SSH2 public key block is not base64' "RFC 4716 block with junk" "$TAP_TMP/rfc_junk"

# ---- refused: options sshd would reject ---------------------------------------------------------------
bad 3 'unknown key option' "no-ptyx (option name with a tail)" --key "no-ptyx $A"
bad 3 "unknown key option at 'frobnicate'$" "unknown option in a list" --key "frobnicate,no-pty $A"
bad 3 "invalid tun device at 'tunnel=\"x\"'$" "the refused option is quoted" --key "no-pty,tunnel=\"x\",no-X11-forwarding $A"
bad 3 'unterminated quote' "unterminated command quote" --key "command=\"echo hi $A"
bad 3 'missing start quote' "unquoted value" --key "command=echo $A"
bad 3 'invalid expires time' "bad expiry-time" --key "expiry-time=\"2024\" $A"
bad 3 'invalid environment string' "environment without =" --key "environment=\"NOVALUE\" $A"
bad 3 'invalid environment string' "environment with a bad name" --key "environment=\"A-B=1\" $A"
bad 3 'invalid permission port or host' "permitopen without port" --key "permitopen=\"host\" $A"
bad 3 'invalid permission port or host' "permitopen port 70000" --key "permitopen=\"host:70000\" $A"
bad 3 'invalid tun device' "tunnel not a number" --key "tunnel=\"x\" $A"
bad 3 'multiple "command" clauses' "two commands" --key "command=\"a\",command=\"b\" $A"


# ---- refused: sources and usage ------------------------------------------------------------------------
bad 1 'No such file or directory' "missing source file" "$TAP_TMP/nope.pub"
bad 3 'variable KD_UNSET_VAR is not set' "env: unset variable" env:KD_UNSET_VAR
KD_EMPTY= bad 3 'no public key in it' "env: empty variable" env:KD_EMPTY
bad 2 'not a valid variable name' "env: bad variable name" "env:A-B"
bad 2 'SOURCE 1 is not a file but looks like key text; to install key text give --key' "key text given as a SOURCE" "$A"
bad 2 'SOURCE 2 is not a file but looks like key text' "private key text given as a SOURCE (not echoed)" "$TAP_TMP/a.pub" -- "$(cat a)"
bad 2 'unknown kind of source' "unknown URL scheme" "ftp://example.com/keys"
bad 2 '--source NAME must be' "bad block name" --source "a b" --key "$A"
bad 2 'nothing to install' "no keys at all"
head -c 1100000 /dev/zero | tr '\0' 'A' > big
bad 1 'larger than 1 MiB' "source larger than 1 MiB" "$TAP_TMP/big"
run "$KEYDROP" install --home "$H" - < big
is "$RC" 1 "stdin larger than 1 MiB: exit 1"
# A managed block whose end marker is gone: appending to it could capture the user's keys.
printf '# keydrop:begin acct\n%s\n' "$D" > "$ORIG.unterminated"
cp "$ORIG.unterminated" "$H/.ssh/authorized_keys"; B2=$(sha256sum < "$H/.ssh/authorized_keys")
run "$KEYDROP" install --home "$H" --source acct --key "$A"
is "$RC" 1 "install into a block without end marker: exit 1"
like "$ERR" "line 1: '# keydrop:begin acct' has no end marker; fix the file first" "... says which line"
run "$KEYDROP" install --home "$H" --source other --key "$A"
is "$RC" 1 "a new block after an unterminated one (it would nest and get lost): exit 1"
is "$(sha256sum < "$H/.ssh/authorized_keys")" "$B2" "... file unchanged"

# ---- accepted: what people paste ------------------------------------------------------------------------
echo "$A" > want_a
good "CRLF line ending" want_a --key "$(printf '%s\r\n' "$A")"
printf '\xef\xbb\xbf%s\r\n' "$A" > bom
good "UTF-8 BOM + CRLF file" want_a "$TAP_TMP/bom"
printf '%s\n' "$A" | fold -w 30 > wrapped
good "base64 wrapped at 30 columns" want_a "$TAP_TMP/wrapped"
printf '%s\n' "$R" | fold -w 64 > wrapped_r; echo "$R" > want_r
good "RSA key wrapped at 64 columns, comment on the last line" want_r "$TAP_TMP/wrapped_r"
printf '%s\n%s\n' "$A" "$B" > want_ab
good "two keys on one line" want_ab --key "$A $B"
printf '%s\n' "$(cut -d' ' -f1,2 a.pub)" "$B" > want_a_nocomment_b
good "two keys run together (no newline between them)" want_ab --key "$A$B"
good "two keys run together with no comment" want_a_nocomment_b --key "$(cut -d' ' -f1,2 a.pub)$(cut -d' ' -f1,2 b.pub) key-b@host"
good "two keys run together, first without comment" want_a_nocomment_b --key "$(cut -d' ' -f1,2 a.pub)$B"
good "keys copied out of a JSON array (quotes and commas)" want_ab --key "$(printf '  "%s",\n  "%s"\n' "$A" "$B")"
KD_TWO="$A
$B" good "env:VAR holding two keys (RunPod PUBLIC_KEY)" want_ab env:KD_TWO
ssh-keygen -e -f a.pub > rfc4716
printf '%s %s\n' "$(cut -d' ' -f1,2 a.pub)" "\"256-bit ED25519, converted by $(id -un)@$(hostname) from OpenSSH\"" > /dev/null
python3 - "$A64" > putty <<'EOF'
import sys
b = sys.argv[1]
print("---- BEGIN SSH2 PUBLIC KEY ----")
print('Comment: "rsa-key-20240101 with a long \\')
print('continued comment"')
for i in range(0, len(b), 64):
    print(b[i:i+64])
print("---- END SSH2 PUBLIC KEY ----")
EOF
printf 'ssh-ed25519 %s rsa-key-20240101 with a long continued comment\n' "$A64" > want_putty
good "PuTTYgen SSH2 block: quoted Comment with a continuation" want_putty "$TAP_TMP/putty"
ssh-keygen -i -f rfc4716 > want_rfc 2>/dev/null
grep -q . want_rfc && sed -i 's/$//' want_rfc
run "$KEYDROP" install --home "$H" "$TAP_TMP/rfc4716"
reset_target
run "$KEYDROP" install --home "$H" "$TAP_TMP/rfc4716"
[ "$RC" = 0 ] && tail -1 "$H/.ssh/authorized_keys" | grep -q "^ssh-ed25519 $A64 "
ok $? "ssh-keygen -e (RFC 4716) block installs as the same key, with its comment"
OPTS='command="echo a,b \"quoted\"",no-pty,from="10.0.0.1,192.168.0.0/16",environment="A_B=1",expiry-time="20991231",permitopen="[::1]:22",permitlisten="8080",tunnel="1",no-touch-required,verify-required'
echo "$OPTS $A" > want_opts
good "options with quoted commas and escaped quotes, every value option" want_opts --key "$OPTS $A"
echo "no-pty, $A" > want_comma
good "a comma before the blank ending the options (sshd accepts it)" want_comma --key "no-pty, $A"
echo "restrict,pty,cert-authority,principals=\"alice,bob\" $A" > want_ca
good "restrict,pty,cert-authority,principals" want_ca --key "restrict,pty,cert-authority,principals=\"alice,bob\" $A"
printf '%s\n' "$A" > want_trim
good "leading and trailing blanks and tabs" want_trim --key "$(printf '  \t%s \t ' "$A")"
good "no-break spaces between the fields" want_a --key "$(printf 'ssh-ed25519\xc2\xa0%s\xc2\xa0key-a@host' "$A64")"
UNK=$(python3 -c "
import base64,struct
def s(b): return struct.pack('>I',len(b))+b
print(base64.b64encode(s(b'ssh-future@example.com')+s(b'\x01'*40)).decode())")
bad 3 'key type ssh-future@example.com is not one keydrop knows' "a key type keydrop does not know is refused, named (issue 7)" \
	--key "ssh-future@example.com $UNK future"
# A source that mixes it with a known key: the unknown one is skipped with one warning, the other installed.
printf 'ssh-future@example.com %s future\n%s\n' "$UNK" "$A" > mixed_unk
printf '%s\n' "$A" > want_mixed
good "unknown type next to a known key: the known key is installed (issue 7)" want_mixed "$TAP_TMP/mixed_unk"
like "$ERR" "line 1: warning: skipped a ssh-future@example.com key: keydrop does not know this key type" \
	"... and the unknown one is named in a warning"
SK=$(python3 -c "
import base64,struct
def s(b): return struct.pack('>I',len(b))+b
print(base64.b64encode(s(b'sk-ssh-ed25519@openssh.com')+s(b'\x07'*32)+s(b'ssh:')).decode())")
echo "sk-ssh-ed25519@openssh.com $SK yubikey" > want_sk
good "sk-ssh-ed25519 security key" want_sk --key "sk-ssh-ed25519@openssh.com $SK yubikey"
ssh-keygen -q -t ed25519 -N '' -C ca -f ca
ssh-keygen -q -s ca -I certid -n alice a.pub 2>/dev/null
bad 3 'OpenSSH certificate \(ssh-ed25519-cert-v01@openssh.com\): sshd never accepts a certificate as an authorized key' \
	"an OpenSSH certificate is refused: sshd never takes one as an authorized key (issue 7)" "$TAP_TMP/a-cert.pub"
echo "cert-authority,principals=\"alice\" $(cat ca.pub)" > want_ca_line
good "a CA line (cert-authority with principals)" want_ca_line "$TAP_TMP/want_ca_line"
if [ -f "$DATA/rsa16384.pub" ]; then
	cp "$DATA/rsa16384.pub" want_16k
	good "RSA-16384 key" want_16k "$DATA/rsa16384.pub"
	long=$(head -c 18000 /dev/zero | tr '\0' 'x')
	echo "command=\"echo $long\" $(cat "$DATA/rsa16384.pub")" > want_20k
	[ "$(wc -c < want_20k)" -gt 20000 ]; ok $? "the long line is over 20 KB"
	good "a 20 KB line (long command= and an RSA-16384 key)" want_20k "$TAP_TMP/want_20k"
else
	skip "tests/cli/data/rsa16384.pub missing"
fi

# ---- already present: nothing written, mtime kept ---------------------------------------------------------
reset_target
touch -d '2001-01-01 00:00:00' "$H/.ssh/authorized_keys"
m0=$(stat -c %Y "$H/.ssh/authorized_keys"); h0=$(sha256sum < "$H/.ssh/authorized_keys")
run "$KEYDROP" install --home "$H" --key "$(cut -d' ' -f1,2 d.pub) another comment"
is "$RC" 0 "a key already present (other comment) exits 0"
like "$OUT" "^present 256 SHA256:.* \(line 2\)$" "... and says it is present, on line 2"
is "$(stat -c %Y "$H/.ssh/authorized_keys"):$(sha256sum < "$H/.ssh/authorized_keys")" "$m0:$h0" "... file not rewritten (mtime and bytes kept)"
run "$KEYDROP" install --home "$H" --key "no-pty $(cut -d' ' -f1,2 e.pub)"
is "$RC:$(stat -c %Y "$H/.ssh/authorized_keys")" "0:$m0" "a present key with other options: not rewritten"
run "$KEYDROP" install --home "$H" --key "$A" --key "$A" "$TAP_TMP/a.pub"
is "$(grep -c "$A64" "$H/.ssh/authorized_keys")" 1 "the same key given three times is added once"
done_testing
