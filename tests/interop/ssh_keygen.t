#!/bin/bash
# keydrop's keys and fingerprints against the real OpenSSH ssh-keygen, for every type and size.
source "$(dirname "$0")/../lib/tap.sh"
need ssh-keygen
cd "$TAP_TMP"

specs=("ed25519 256" "ecdsa 256" "ecdsa 384" "ecdsa 521" "rsa 2048" "rsa 3072" "rsa 4096")

compare_fp() { # compare_fp FILE DESCRIPTION: ssh-keygen -l / -lv (sha256, md5) equal ours
	local f=$1 d=$2 e v
	for e in sha256 md5; do
		for v in "" v; do
			# stdout only: ssh-keygen -v also logs debug lines on stderr.
			want=$(ssh-keygen -E $e -l$v -f "$f" 2>/dev/null)
			got=$("$KEYDROP" fingerprint -E $e ${v:+-v} "$f" 2>/dev/null)
			is "$got" "$want" "fingerprint -E $e ${v:+-v }= ssh-keygen -E $e -l$v ($d)"
		done
	done
}

for spec in "${specs[@]}"; do
	set -- $spec
	t=$1 b=$2 k=kd_$1_$2
	run "$KEYDROP" keygen -q -t "$t" -b "$b" -f "$k" -C "keydrop $t $b"
	is "$RC" 0 "keydrop keygen -t $t -b $b"
	is "$(ssh-keygen -y -f "$k")" "$(cat "$k.pub")" "ssh-keygen -y of our $t-$b private key equals our .pub"
	is "$(ssh-keygen -l -f "$k.pub" | cut -d' ' -f1)" "$b" "ssh-keygen reads our $t key as $b bits"
	compare_fp "$k.pub" "our $t-$b .pub"
	compare_fp "$k" "our $t-$b private key"
	is "$("$KEYDROP" pubkey -f "$k")" "$(cat "$k.pub")" "keydrop pubkey of our $t-$b key equals its .pub"

	s=sk_$1_$2
	ssh-keygen -q -t "$t" -b "$b" -N '' -C "ssh-keygen $t $b" -f "$s"
	compare_fp "$s.pub" "ssh-keygen's $t-$b .pub"
	compare_fp "$s" "ssh-keygen's $t-$b private key"
	is "$("$KEYDROP" pubkey -f "$s")" "$(ssh-keygen -y -f "$s")" "keydrop pubkey = ssh-keygen -y for ssh-keygen's $t-$b key"
	mv "$s.pub" "$s.pub.away"
	compare_fp "$s" "ssh-keygen's $t-$b private key without its .pub"
	mv "$s.pub.away" "$s.pub"
done

# A large RSA key (8192 bits; 16384 works the same way but takes minutes): ssh-keygen agrees.
run "$KEYDROP" keygen -q -t rsa -b 8192 -f kd_rsa_8192 -C big
is "$RC" 0 "keydrop keygen -t rsa -b 8192"
is "$(ssh-keygen -y -f kd_rsa_8192)" "$(cat kd_rsa_8192.pub)" "ssh-keygen -y of our rsa-8192 key equals our .pub"
compare_fp kd_rsa_8192.pub "our rsa-8192 .pub"
is "$("$KEYDROP" pubkey -f kd_rsa_8192)" "$(cat kd_rsa_8192.pub)" "keydrop pubkey of our rsa-8192 key"

# Comments: empty, with spaces, and none at all.
"$KEYDROP" keygen -q -f nocomment -C ''
is "$(ssh-keygen -y -f nocomment)" "$(cat nocomment.pub)" "empty comment: ssh-keygen -y equals our .pub"
compare_fp nocomment "private key with empty comment"
compare_fp nocomment.pub ".pub without comment"

# An authorized_keys file with options, comments, blank and garbage lines, no final newline.
{
	echo "# managed by hand"
	echo
	# A key without comment comes first: ssh-keygen 9.2 prints a stale comment of an earlier line
	# for a comment-less line that follows a commented one (a bug we do not copy).
	cut -d' ' -f1,2 kd_rsa_4096.pub
	echo "command=\"echo hi, there\",no-pty $(cut -d' ' -f1,2 kd_ed25519_256.pub)"
	cat kd_ecdsa_384.pub
	echo "this is not a key"
	echo "from=\"10.0.0.1\" $(cat sk_rsa_2048.pub)   "
	printf '%s' "$(cat kd_rsa_3072.pub)"
} > authorized_keys
compare_fp authorized_keys "a mixed authorized_keys file"
want=$(ssh-keygen -l -f - < authorized_keys); got=$("$KEYDROP" fingerprint - < authorized_keys)
is "$got" "$want" "fingerprint of stdin equals ssh-keygen -l -f -"

# DSA and certificates made by ssh-keygen pass through fingerprint unchanged in meaning.
if ssh-keygen -q -t dsa -N '' -C dsa -f dsa 2>/dev/null; then
	compare_fp dsa.pub "ssh-keygen's DSA .pub"
	# DSA private keys: one specific message and exit 3 (OpenSSH 9.8 removed DSA); the fingerprint
	# of its public half still works, as for an encrypted key.
	run "$KEYDROP" pubkey -f dsa
	is "$RC" 3 "pubkey of a DSA private key: exit 3"
	like "$ERR" "DSA private key: DSA is no longer supported.*keydrop keygen" "pubkey of a DSA private key: says why"
	mv dsa.pub dsa.pub.away
	is "$("$KEYDROP" fingerprint dsa | cut -d' ' -f1,2)" "$(ssh-keygen -l -f dsa | cut -d' ' -f1,2)" "fingerprint of a DSA private key without its .pub"
	mv dsa.pub.away dsa.pub
fi
ssh-keygen -q -s sk_ed25519_256 -I certid -n alice,bob -V +52w kd_ecdsa_256.pub
compare_fp kd_ecdsa_256-cert.pub "an ECDSA certificate signed by ssh-keygen"

# Nothing parseable: ssh-keygen fails, and so do we (non-zero, one line on stderr).
echo "garbage" > garbage
run "$KEYDROP" fingerprint garbage
ok $(( RC == 0 )) "fingerprint of a file without keys fails"
is "$(echo "$ERR" | wc -l)" 1 "one line on stderr"
done_testing
