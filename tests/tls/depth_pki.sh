# tests/tls/depth_pki.sh: the certificates of the "TLS depth" rows of cases.tsv (what BearSSL 0.6's
# minimal validator accepts and keydrop refuses, and the positive controls). Sourced by
# tests/interop/tls_chains.t after tests/lib/net.sh made rootec/intec in $P. Each NAME gives
# $P/NAME.pem (the server certificate, then any extra CA below intec) and $P/NAME.key, which
# tls_chains.t's default chain serves with intec.pem behind, trusted through rootec.
# Name constraints are non-critical on purpose: BearSSL refuses the critical form itself.

depth_pki() {
	local P=$1 rc=0
	cat > "$P/depth.ext" <<'EXT'
[leaf_base]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $ENV::SAN
[cnonly]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
[ekuclient]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost
[ekuany]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth,anyExtendedKeyUsage
subjectAltName = DNS:localhost
[ca_base]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
[nc_excluded]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = excluded;DNS:localhost
[nc_elsewhere]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = permitted;DNS:example.test
[nc_permitted]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = permitted;DNS:localhost,permitted;DNS:.example.test
[nc_wild_excluded]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = excluded;DNS:b.example.test
EXT
	local X=(-extfile "$P/depth.ext" -extensions)
	# leaves signed by intec: pki_sign's trailing openssl-ca options pick the extension section
	# CN=localhost and no subjectAltName: BearSSL 0.6 falls back to the CN, browsers do not
	pki_key ec "$P/cnonly.key" && _depth_sign_key "$P" intec cnonly cnonly DNS:unused localhost || rc=1
	pki_sign "$P" intec ekuclient ec leaf DNS:unused "-1 day" "+10 days" "${X[@]}" ekuclient || rc=1
	pki_sign "$P" intec ekuany ec leaf DNS:unused "-1 day" "+10 days" "${X[@]}" ekuany || rc=1
	pki_sign "$P" intec wildcom ec leaf 'DNS:*.com' || rc=1
	pki_sign "$P" intec wildcouk ec leaf 'DNS:*.co.uk' || rc=1
	pki_sign "$P" intec wildgood ec leaf 'DNS:*.example.test' || rc=1
	pki_sign "$P" intec sha1 ec leaf DNS:localhost "-1 day" "+10 days" -md sha1 || rc=1
	pki_sign "$P" intec rsa2048 rsa leaf DNS:localhost || rc=1
	# RSA 1024 (pki_key makes 2048): the server certificate, and an intermediate under intec
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$P/rsa1024.key" 2>/dev/null &&
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$P/int1024.key" 2>/dev/null || rc=1
	_depth_sign_key "$P" intec rsa1024 leaf_base DNS:localhost || rc=1
	_depth_sign_key "$P" intec int1024 ca_base DNS:unused || rc=1
	pki_sign "$P" int1024 rsa1024int_leaf ec leaf || rc=1
	_depth_bundle "$P" rsa1024int rsa1024int_leaf int1024 || rc=1
	# name constraints on an extra CA between the leaf and intec
	local ca
	for ca in nc_excluded nc_elsewhere nc_permitted nc_wild_excluded; do
		pki_sign "$P" intec "${ca}_ca" ec ca DNS:unused "-1 day" "+10 days" "${X[@]}" "$ca" || rc=1
	done
	pki_sign "$P" nc_excluded_ca ncexcl_leaf ec leaf DNS:localhost && _depth_bundle "$P" ncexcl ncexcl_leaf nc_excluded_ca || rc=1
	pki_sign "$P" nc_elsewhere_ca ncelse_leaf ec leaf DNS:localhost && _depth_bundle "$P" ncelse ncelse_leaf nc_elsewhere_ca || rc=1
	pki_sign "$P" nc_permitted_ca ncperm_leaf ec leaf 'DNS:localhost,DNS:*.example.test' &&
		_depth_bundle "$P" ncperm ncperm_leaf nc_permitted_ca || rc=1
	pki_sign "$P" nc_wild_excluded_ca ncwild_leaf ec leaf 'DNS:localhost,DNS:*.example.test' &&
		_depth_bundle "$P" ncwild ncwild_leaf nc_wild_excluded_ca || rc=1
	printf '127.0.0.1 localhost keydrop.com keydrop.co.uk a.example.test\n' > "$P/hosts"
	return $rc
}

# _depth_sign_key DIR ISSUER NAME SECTION SAN [CN]: like pki_sign, for an existing NAME.key.
_depth_sign_key() {
	local d=$1 iss=$2 n=$3 sec=$4
	openssl req -new -key "$d/$n.key" -subj "/CN=${6:-$n}" -out "$d/$n.csr" 2>/dev/null &&
	SAN=$5 openssl ca -batch -config "$d/ca.cnf" -cert "$d/$iss.pem" -keyfile "$d/$iss.key" -in "$d/$n.csr" \
		-out "$d/$n.pem" -extfile "$d/depth.ext" -extensions "$sec" -notext \
		-startdate "$(date -u -d "-1 day" +%Y%m%d%H%M%SZ)" -enddate "$(date -u -d "+10 days" +%Y%m%d%H%M%SZ)" >/dev/null 2>&1
}

# _depth_bundle DIR NAME LEAF CA: NAME.pem = LEAF then CA; NAME.key = LEAF's key.
_depth_bundle() {
	cat "$1/$3.pem" "$1/$4.pem" > "$1/$2.pem" && cp "$1/$3.key" "$1/$2.key"
}
