#!/bin/bash
# Every private key a user brings (issue 9 §2): PEM / PKCS#8 keys made by openssl and ssh-keygen, and
# PuTTY .ppk files made by puttygen, all at test time. keydrop pubkey / fingerprint agree with
# ssh-keygen -y / -l and puttygen -O public-openssh; the keys keydrop refuses get their own message.
source "$(dirname "$0")/../lib/tap.sh"
need openssl ssh-keygen puttygen python3
cd "$TAP_TMP" || exit 1

keypart() { cut -d' ' -f1,2; }

# same_as_sshkeygen FILE DESC [no-l]: pubkey's key part = ssh-keygen -y's; fingerprint (no .pub
# beside it) = ssh-keygen -l (both take the key from the private file then). no-l: ssh-keygen -l
# refuses the file (it looks at the first armour line only: EC PARAMETERS); fingerprint reads the
# key after the parameters and equals ssh-keygen -l of the key's public line.
same_as_sshkeygen() {
	local f=$1 d=$2 want
	run "$KEYDROP" pubkey -f "$f"
	is "$RC:$ERR" "0:" "$d: pubkey exit 0"
	is "$(keypart <<<"$OUT")" "$(ssh-keygen -y -f "$f" | keypart)" "$d: pubkey = ssh-keygen -y"
	[ ! -e "$f.pub" ]; ok $? "$d: no .pub beside it"
	run "$KEYDROP" fingerprint "$f"
	if [ "${3-}" = no-l ]; then
		ssh-keygen -y -f "$f" > "$TAP_TMP/no-l.pub"
		is "$RC:$(keypart <<<"$OUT")" "0:$(ssh-keygen -l -f "$TAP_TMP/no-l.pub" | keypart)" "$d: fingerprint reads the key after the parameters"
	else
		want=$(ssh-keygen -l -f "$f")
		is "$OUT" "$want" "$d: fingerprint = ssh-keygen -l"
	fi
}

# not_echoed FILE DESC: no line of the key's body appears in $ERR
not_echoed() {
	local l leaked=0
	while IFS= read -r l; do
		[ ${#l} -ge 16 ] && [[ $l != -----* ]] && [[ $l != *:* ]] && [[ $ERR == *"$l"* ]] && leaked=1
	done < "$1"
	ok $leaked "$2: no key text in the message"
}

# ---- openssl genpkey: PKCS#8 "BEGIN PRIVATE KEY" -------------------------------------------------
for spec in "RSA rsa_keygen_bits:2048" "RSA rsa_keygen_bits:3072" "EC ec_paramgen_curve:P-256" \
	"EC ec_paramgen_curve:P-384" "EC ec_paramgen_curve:P-521"; do
	set -- $spec
	f=p8-${2##*:}
	openssl genpkey -algorithm "$1" -pkeyopt "$2" -out "$f" 2>/dev/null
	[ "$(head -1 "$f")" = "-----BEGIN PRIVATE KEY-----" ]; ok $? "openssl genpkey $1 ${2##*:} wrote PKCS#8"
	same_as_sshkeygen "$f" "openssl genpkey $1 ${2##*:} (PKCS#8)"
done

# Ed25519 (RFC 8410): ssh-keygen 9.2 cannot read it, so the expected line is built from openssl's
# public key (the last 32 bytes of its SubjectPublicKeyInfo).
openssl genpkey -algorithm ed25519 -out p8-ed25519
raw=$(openssl pkey -in p8-ed25519 -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n')
want=$(python3 -c 'import sys,base64,struct; k=bytes.fromhex(sys.argv[1]); t=b"ssh-ed25519"; print("ssh-ed25519 "+base64.b64encode(struct.pack(">I",len(t))+t+struct.pack(">I",32)+k).decode())' "$raw")
run "$KEYDROP" pubkey -f p8-ed25519
is "$RC:$OUT" "0:$want" "openssl genpkey ed25519 (PKCS#8): pubkey = openssl's public key"
echo "$want" > ed.pub
run "$KEYDROP" fingerprint p8-ed25519
is "$OUT" "$(ssh-keygen -l -f ed.pub | sed 's/ no comment / no comment /')" "ed25519 PKCS#8: fingerprint = ssh-keygen -l of that public key"

# ---- traditional PEM: PKCS#1 and SEC1, as openssl 3 writes them ----------------------------------
openssl rsa -in p8-2048 -traditional -out pkcs1 2>/dev/null
[ "$(head -1 pkcs1)" = "-----BEGIN RSA PRIVATE KEY-----" ]; ok $? "openssl rsa -traditional wrote PKCS#1"
same_as_sshkeygen pkcs1 "PKCS#1 RSA (openssl rsa -traditional)"
for c in P-256 P-384 P-521; do
	openssl ec -in "p8-$c" -out "sec1-$c" 2>/dev/null
	[ "$(head -1 "sec1-$c")" = "-----BEGIN EC PRIVATE KEY-----" ]; ok $? "openssl ec wrote SEC1 $c"
	same_as_sshkeygen "sec1-$c" "SEC1 $c with its public key"
	openssl ec -in "p8-$c" -no_public -out "sec1np-$c" 2>/dev/null
	grep -q "^-----BEGIN EC PRIVATE KEY" "sec1np-$c"; ok $? "openssl ec -no_public wrote SEC1 $c"
	same_as_sshkeygen "sec1np-$c" "SEC1 $c without its public key (Q = d*G)"
done
openssl ec -in p8-P-384 -conv_form compressed -out sec1c 2>/dev/null
same_as_sshkeygen sec1c "SEC1 P-384 with a compressed public point"
openssl ecparam -name secp521r1 -genkey -out ecparam 2>/dev/null
[ "$(head -1 ecparam)" = "-----BEGIN EC PARAMETERS-----" ]; ok $? "openssl ecparam -genkey wrote an EC PARAMETERS block first"
same_as_sshkeygen ecparam "openssl ecparam -genkey (EC PARAMETERS block, then the key)" no-l

# ---- ssh-keygen -m PEM / -m PKCS8 --------------------------------------------------------------------
for spec in "rsa 2048" "rsa 3072" "ecdsa 256" "ecdsa 384" "ecdsa 521"; do
	set -- $spec
	for m in PEM PKCS8; do
		f=sk-$1-$2-$m
		ssh-keygen -q -t "$1" -b "$2" -m "$m" -N '' -C "c $f" -f "$f"
		rm "$f.pub"
		same_as_sshkeygen "$f" "ssh-keygen -t $1 -b $2 -m $m"
	done
done

# ---- refused, each with its own message, exit 3, no key text echoed -----------------------------------
refused() { # refused FILE REGEX DESC
	run "$KEYDROP" pubkey -f "$1"
	is "$RC" 3 "$3: pubkey exit 3"
	like "$ERR" "$2" "$3: says so"
	not_echoed "$1" "$3"
	run "$KEYDROP" fingerprint "$1"
	is "$RC" 3 "$3: fingerprint exit 3"
}
openssl genpkey -algorithm ed25519 -aes256 -pass pass:secret -out enc-p8 2>/dev/null
[ "$(head -1 enc-p8)" = "-----BEGIN ENCRYPTED PRIVATE KEY-----" ]; ok $? "openssl genpkey -aes256 wrote an encrypted PKCS#8 key"
refused enc-p8 "an encrypted PEM/PKCS#8 private key.*convert it with 'openssl pkey" "encrypted PKCS#8"
ssh-keygen -q -t rsa -b 2048 -m PEM -N 'pass phrase' -f enc-pem
rm enc-pem.pub
grep -q "^Proc-Type: 4,ENCRYPTED" enc-pem; ok $? "ssh-keygen -m PEM -N wrote an encrypted PEM key"
refused enc-pem "an encrypted PEM/PKCS#8 private key" "encrypted PEM (Proc-Type)"
openssl ec -in p8-P-256 -param_enc explicit -out explicit 2>/dev/null
refused explicit "not supported.*named curves" "SEC1 with explicit curve parameters"
[[ $ERR != *"malformed"* ]]; ok $? "explicit parameters: not called malformed"
openssl genpkey -algorithm X25519 -out x25519
refused x25519 "private key type is not supported" "PKCS#8 X25519"

# DSA: refused with its own message, but the fingerprint of its public half still works (as for an
# OpenSSH DSA key), for the traditional form and for PKCS#8 (y = g^x mod p computed).
if ssh-keygen -q -t dsa -m PEM -N '' -f dsa-pem 2>/dev/null; then
	rm -f dsa-pem.pub
	run "$KEYDROP" pubkey -f dsa-pem
	is "$RC" 3 "ssh-keygen -t dsa -m PEM: pubkey exit 3"
	like "$ERR" "a DSA private key: DSA is no longer supported" "DSA PEM: its own message"
	not_echoed dsa-pem "DSA PEM"
	run "$KEYDROP" fingerprint dsa-pem
	is "$OUT" "$(ssh-keygen -l -f dsa-pem)" "DSA PEM: fingerprint = ssh-keygen -l"
else
	ok 1 "ssh-keygen -t dsa -m PEM made a key"
fi
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsaparam 2>/dev/null
openssl genpkey -paramfile dsaparam -out dsa-p8 2>/dev/null
run "$KEYDROP" pubkey -f dsa-p8
is "$RC" 3 "PKCS#8 DSA: pubkey exit 3"
like "$ERR" "a DSA private key" "PKCS#8 DSA: its own message"
run "$KEYDROP" fingerprint dsa-p8
is "$OUT" "$(ssh-keygen -l -f dsa-p8)" "PKCS#8 DSA: fingerprint = ssh-keygen -l"

# A SEC1 key whose stored public point is another key's: refused, not printed.
python3 - sec1-P-256 sec1b <<'EOF'
import base64, sys, subprocess
def der(path):
    t = open(path).read().split('-----')[2]
    return base64.b64decode(''.join(t.split()))
a = der(sys.argv[1])
other = subprocess.run(['openssl', 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-outform', 'DER'],
                       capture_output=True, check=True).stdout
assert len(a) == 121 and len(other) == 121
b = a[:-65] + other[-65:]   # the last 65 bytes are the uncompressed point Q
body = base64.b64encode(b).decode()
open(sys.argv[2], 'w').write('-----BEGIN EC PRIVATE KEY-----\n' + body + '\n-----END EC PRIVATE KEY-----\n')
EOF
refused sec1b "private key does not match its public key" "SEC1 whose public point is another key's"

# ---- PuTTY .ppk v2 / v3 (puttygen) ------------------------------------------------------------------
: > empty
printf 'pass phrase\n' > pw
for v in 2 3; do
	for spec in "ed25519 256" "rsa 2048" "ecdsa 256" "ecdsa 384" "ecdsa 521"; do
		set -- $spec
		for enc in none pw; do
			f=k-v$v-$1-$2-$enc.ppk
			pf=empty
			[ $enc = pw ] && pf=pw
			puttygen -t "$1" -b "$2" -C "putty $1 v$v" -o "$f" --ppk-param version=$v --new-passphrase $pf </dev/null 2>/dev/null
			d="puttygen -t $1 -b $2 v$v${enc/none/}${enc/pw/ encrypted}"
			head -1 "$f" | grep -q "^PuTTY-User-Key-File-$v: "; ok $? "$d: wrote a v$v .ppk"
			run "$KEYDROP" pubkey -f "$f"
			is "$RC:$OUT" "0:$(puttygen -O public-openssh "$f" </dev/null)" "$d: pubkey = puttygen -O public-openssh"
			puttygen -O public-openssh -o "$f.want" "$f" </dev/null
			run "$KEYDROP" fingerprint "$f"
			is "$RC:$OUT" "0:$(ssh-keygen -l -f "$f.want")" "$d: fingerprint = ssh-keygen -l of that line"
		done
	done
done

# Public keys in the forms install takes: puttygen's public block (RFC 4716, -O public) and a line in
# JSON quotes: pubkey prints the OpenSSH line, fingerprint equals ssh-keygen -l of it.
f=k-v3-rsa-2048-none.ppk
puttygen -O public -o pub.rfc "$f" </dev/null
head -1 pub.rfc | grep -q "^---- BEGIN SSH2 PUBLIC KEY ----"; ok $? "puttygen -O public wrote an RFC 4716 block"
run "$KEYDROP" pubkey -f pub.rfc
is "$RC:$OUT" "0:$(puttygen -O public-openssh "$f" </dev/null)" "pubkey of puttygen's public block = puttygen -O public-openssh"
run "$KEYDROP" fingerprint pub.rfc
is "$RC:$OUT" "0:$(ssh-keygen -l -f "$f.want")" "fingerprint of puttygen's public block = ssh-keygen -l"
printf '"%s"\n' "$(cat "$f.want")" > quoted
run "$KEYDROP" pubkey -f quoted
is "$RC:$OUT" "0:$(cat "$f.want")" "pubkey of a line in JSON quotes: the line"
run "$KEYDROP" fingerprint quoted
is "$RC:$OUT" "0:$(ssh-keygen -l -f "$f.want")" "fingerprint of a line in JSON quotes = ssh-keygen -l"

# Pasting a .ppk into install: refused as a private key, with the way to the public line.
f=k-v3-ed25519-256-none.ppk
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O keep\n' > ak
before=$(sha256sum < ak)
run "$KEYDROP" install --file ak - < "$f"
is "$RC" 3 "a pasted .ppk: install exit 3"
like "$ERR" "PuTTY PRIVATE key.*keydrop pubkey -f" "a pasted .ppk: the message names keydrop pubkey -f"
not_echoed "$f" "a pasted .ppk"
is "$(sha256sum < ak)" "$before" "a pasted .ppk: the file is untouched"

# A .ppk for hostkeys is not a host key (no private half read): left alone, said so.
mkdir -p root/etc/ssh
cp "$f" root/etc/ssh/ssh_host_ed25519_key
h=$(tree_hash root)
run "$KEYDROP" hostkeys --root root -t ed25519
like "$RC:$ERR" "^0:.*PuTTY .ppk.*left as it is" "a .ppk where a host key goes: left as it is, with a warning"
is "$(tree_hash root)" "$h" "... untouched"

done_testing
