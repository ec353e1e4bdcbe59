# tests/lib/net.sh: test PKI and loopback servers for keydrop's network tests. Source after tap.sh.
# Everything listens on 127.0.0.1 or ::1 only; certificates are made at test time in $TAP_TMP.

NET_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# _cnf DIR: a minimal `openssl ca` configuration (for explicit validity dates).
_cnf() {
	local d=$1
	mkdir -p "$d/newcerts"
	: > "$d/index.txt"
	[ -f "$d/serial" ] || echo 1000 > "$d/serial"
	cat > "$d/ca.cnf" <<CNF
[ ca ]
default_ca = dflt
[ dflt ]
dir = $d
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
default_md = sha256
policy = pol
unique_subject = no
copy_extensions = none
[ pol ]
commonName = supplied
[ v3_ca ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_leaf ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::SAN
CNF
}

# pki_key TYPE OUT: rsa (2048), ec (P-256), ed25519.
pki_key() {
	case $1 in
	rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" 2>/dev/null ;;
	ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2" 2>/dev/null ;;
	ed25519) openssl genpkey -algorithm ED25519 -out "$2" 2>/dev/null ;;
	esac
}

# pki_root DIR NAME TYPE [START END]: self-signed root NAME.{key,pem} in DIR. START/END: date(1)
# expressions (default -1 day .. +30 days).
pki_root() {
	local d=$1 n=$2 start=${4:--1 day} end=${5:-+30 days}
	_cnf "$d"
	pki_key "$3" "$d/$n.key"
	openssl req -new -key "$d/$n.key" -subj "/CN=keydrop test $n" -out "$d/$n.csr" 2>/dev/null &&
	SAN=DNS:unused openssl ca -batch -config "$d/ca.cnf" -selfsign -keyfile "$d/$n.key" -in "$d/$n.csr" \
		-out "$d/$n.pem" -extensions v3_ca -notext -startdate "$(date -u -d "$start" +%Y%m%d%H%M%SZ)" \
		-enddate "$(date -u -d "$end" +%Y%m%d%H%M%SZ)" >/dev/null 2>&1
}

# pki_sign DIR ISSUER NAME TYPE KIND [SAN] [START] [END] [SIGOPT...]: NAME.{key,pem} signed by ISSUER.
# KIND: ca (intermediate) or leaf. START/END: date(1) expressions (default -1 day, +10 days;
# "@EPOCH" for an absolute time).
pki_sign() {
	local d=$1 iss=$2 n=$3 t=$4 kind=$5 san=${6:-DNS:localhost} start=${7:--1 day} end=${8:-+10 days}
	shift 8 2>/dev/null || shift $#
	pki_key "$t" "$d/$n.key"
	openssl req -new -key "$d/$n.key" -subj "/CN=$n" -out "$d/$n.csr" 2>/dev/null &&
	SAN=$san openssl ca -batch -config "$d/ca.cnf" -cert "$d/$iss.pem" -keyfile "$d/$iss.key" -in "$d/$n.csr" \
		-out "$d/$n.pem" -extensions "v3_$kind" -notext "$@" \
		-startdate "$(date -u -d "$start" +%Y%m%d%H%M%SZ)" -enddate "$(date -u -d "$end" +%Y%m%d%H%M%SZ)" >/dev/null 2>&1
}

# pki_spki_pin CERT: curl-style sha256//BASE64 of the certificate's SubjectPublicKeyInfo.
# pki_leaf DIR: the usual test PKI in DIR: an EC root and an EC leaf "leaf" signed by it.
pki_leaf() {
	mkdir -p "$1" && pki_root "$1" root ec && pki_sign "$1" root leaf ec leaf
}

pki_spki_pin() {
	echo "sha256//$(openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform der 2>/dev/null |
		openssl dgst -sha256 -binary | base64)"
}

# _start_listening VAR PIDVAR CMD...: runs CMD with stdout to a FIFO, waits for "listening PORT".
_start_listening() {
	local pvar=$1 pidvar=$2 fifo line fd
	shift 2
	fifo=$(mktemp -u "$TAP_TMP/fifo.XXXXXX")
	mkfifo "$fifo"
	"$@" > "$fifo" &
	local pid=$!
	on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	exec {fd}<"$fifo"
	if IFS= read -r -t 30 line <&$fd && [[ $line == "listening "* ]]; then
		printf -v "$pvar" '%s' "${line#listening }"
		printf -v "$pidvar" '%s' "$pid"
		cat <&$fd >/dev/null &
		exec {fd}<&-
		return 0
	fi
	exec {fd}<&-
	return 1
}

# https_start ROUTES CHAIN KEY [extra netserver args...]: sets HTTPS_PORT, HTTPS_PID.
https_start() {
	local routes=$1 chain=$2 key=$3
	shift 3
	_start_listening HTTPS_PORT HTTPS_PID python3 "$NET_LIB/netserver.py" --routes "$routes" --cert "$chain" \
		--key "$key" "$@"
}
# http_start ROUTES [extra args]: plain HTTP; sets HTTP_PORT, HTTP_PID.
http_start() {
	local routes=$1
	shift
	_start_listening HTTP_PORT HTTP_PID python3 "$NET_LIB/netserver.py" --routes "$routes" --plain "$@"
}
# proxy_start LOG [--refuse]: sets PROXY_PORT, PROXY_PID.
proxy_start() {
	local log=$1
	shift
	_start_listening PROXY_PORT PROXY_PID python3 "$NET_LIB/connect_proxy.py" --log "$log" "$@"
}
# stop PID
net_stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# now_ms: wall clock in milliseconds (for deadline bounds).
now_ms() { date +%s%3N; }
