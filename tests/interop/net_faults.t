#!/bin/bash
# A scriptable HTTPS fault server on loopback (tests/lib/netserver.py): every broken response makes
# `fetch` exit with the right code and one specific line, and `sync` leave its target byte-for-byte
# unchanged. Also: redirects, retries (429 Retry-After, 503 then 200), the deadline against a
# slowloris server, --wait-network, the cache (ETag + 304), headers, JSON bodies, --skip-invalid,
# gh:, gl:, lp: against a self-hosted server (--github-url, --gitlab-url, --launchpad-url).
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
need openssl python3

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
CA=$P/root.pem
k1=$(ssh-keygen -q -t ed25519 -N '' -C one@test -f "$TAP_TMP/k1" && cat "$TAP_TMP/k1.pub")
k2=$(ssh-keygen -q -t ed25519 -N '' -C two@test -f "$TAP_TMP/k2" && cat "$TAP_TMP/k2.pub")
gh_json=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$root/tests/vectors/github-api-keys.json")

cat > "$TAP_TMP/routes.json" <<JSON
{
 "/ok": [{"body": "$k1\n"}],
 "/alice.keys": [{"body": "$k1\n"}],
 "/gitlab/alice.keys": [{"body": "$k2\n"}],
 "/~alice/+sshkeys": [{"body": "$k1\n$k2\n"}],
 "/two": [{"body": "$k1\n$k2\n"}],
 "/truncated": [{"mode": "truncate", "body": "$k1\n", "extra": 500}],
 "/noclose": [{"mode": "no_close_notify", "body": "$k1\n"}],
 "/eofbody": [{"mode": "eof_body", "body": "$k1\n"}],
 "/big": [{"mode": "big", "size": 2097152}],
 "/endless": [{"mode": "endless_chunked"}],
 "/slow": [{"mode": "slow", "body": "$k1\n"}],
 "/loop": [{"status": 302, "headers": [["Location", "/loop"]]}],
 "/tohttp": [{"status": 302, "headers": [["Location", "http://localhost:{PORT}/ok"]]}],
 "/redirect": [{"status": 301, "headers": [["Location", "/ok"]]}],
 "/html": [{"headers": [["Content-Type", "text/html; charset=utf-8"]], "body": "<!DOCTYPE html><html><body><form>Sign in</form></body></html>\n"}],
 "/html-plain": [{"headers": [["Content-Type", "text/plain"]], "body": "\n<html><body>Sign in</body></html>\n"}],
 "/empty": [{"body": ""}],
 "/ratelimit": [{"status": 429, "headers": [["Retry-After", "1"]]}, {"body": "$k1\n"}],
 "/ratelimit-always": [{"status": 429, "headers": [["Retry-After", "1"]]}],
 "/flaky": [{"status": 503}, {"body": "$k1\n"}],
 "/forbidden": [{"status": 403}],
 "/forbidden-ra": [{"status": 403, "headers": [["Retry-After", "1"]]}, {"body": "$k1\n"}],
 "/badchunk": [{"mode": "bad_chunk"}],
 "/bighead": [{"mode": "big_header", "body": "$k1\n"}],
 "/etag-bad": [{"headers": [["ETag", "\"b1\""]], "body": "not a key\n"}],
 "/etag": [{"headers": [["ETag", "\"v1\""]], "body": "$k1\n"}, {"status": 304, "headers": [["ETag", "\"v1\""]]}],
 "/mixed": [{"body": "$k1\nthis is not a key\n$k2\n"}],
 "/gh-api": [{"headers": [["Content-Type", "application/json"]], "body": $gh_json}],
 "/json-deep": [{"body": "$(printf '[%.0s' {1..70000})"}],
 "/json-nokeys": [{"body": "{\"message\": \"Bad credentials\"}"}],
 "/hdr": [{"body": "$k1\n"}],
 "/hdr-away": [{"status": 302, "headers": [["Location", "https://127.0.0.1:{PORT}/hdr"]]}]
}
JSON
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key" --log "$TAP_TMP/server.log"
ok $? "HTTPS fault server listening on 127.0.0.1:$HTTPS_PORT"
U=https://localhost:$HTTPS_PORT
F=(--cacert "$CA" --retry 0 --timeout 5)

# target for sync failure checks: keys outside and inside a managed block
ak=$TAP_TMP/authorized_keys
printf '%s\n# keydrop:begin acct\n%s\n# keydrop:end acct\n' "$k2" "$k1" > "$ak"
cp "$ak" "$TAP_TMP/ak.orig"

# fails NAME PATH RC REGEX [extra args]: fetch and sync both fail the same way; target unchanged
fails() {
	local name=$1 path=$2 rc=$3 re=$4
	shift 4
	run "$KEYDROP" fetch "${F[@]}" "$@" "$U$path"
	is "$RC" "$rc" "$name: fetch exits $rc"
	like "$ERR" "^keydrop: fetch: $U$path: $re" "$name: message"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$name: one stderr line"
	is "$OUT" "" "$name: nothing on stdout"
	run "$KEYDROP" sync --file "$ak" --source acct "${F[@]}" "$@" "$U$path"
	is "$RC" "$rc" "$name: sync exits $rc"
	cmp -s "$ak" "$TAP_TMP/ak.orig"; ok $? "$name: target byte-for-byte unchanged"
}

fails truncated /truncated 1 "response ended after [0-9]+ bytes, before its declared length"
fails no-close-notify /noclose 1 "TLS: connection closed without close_notify before the body was complete"
fails 2MB-body /big 1 "response body larger than 1048576 bytes"
fails endless-chunked /endless 1 "response body larger than 1048576 bytes"
fails redirect-loop /loop 1 "too many redirects \(more than 5\)"
fails https-to-http /tohttp 1 "refused redirect from https to plain http"
fails html-login /html 3 "server returned an HTML page, not keys"
fails html-as-text /html-plain 3 "server returned an HTML page, not keys"
fails empty-body /empty 3 "no keys in the response \(empty\)"
fails 404 /nothing 1 "HTTP 404 \(not found\)"
fails 403 /forbidden 1 "HTTP 403 \(forbidden\)"
fails 429-no-retry /ratelimit-always 1 "HTTP 429 \(rate limited\)"
fails bad-chunk /badchunk 1 "bad chunked encoding"
fails header-over-8KiB /bighead 1 "response header larger than 8 KiB"
fails mixed-invalid /mixed 3 "line 2: "
fails json-path-missing /json-nokeys 3 "JSON path not found in the document" --format json --json-path '[].key'
fails json-deep /json-deep 3 "JSON document nested too deeply \(more than 64 levels\)" --format json --json-path '[].key'
fails json-huge-max-bytes /gh-api 1 "response body larger than 10 bytes" --max-bytes 10 --format json --json-path '[].key'

# slowloris: one byte per second; the 3 s deadline fires within bounds
t0=$(now_ms)
run "$KEYDROP" fetch --cacert "$CA" --retry 0 --timeout 3 "$U/slow"
t1=$(now_ms)
is "$RC" 1 "slowloris: exit 1"
like "$ERR" "timed out" "slowloris: says it timed out"
ok $(( (t1 - t0) >= 2800 && (t1 - t0) < 6000 ? 0 : 1 )) "slowloris: deadline fired after $((t1 - t0)) ms (3 s deadline)"

# successes
run "$KEYDROP" fetch "${F[@]}" "$U/eofbody"
is "$RC:$OUT" "0:$k1" "read-until-close body ended by close_notify: ok"
run "$KEYDROP" fetch "${F[@]}" "$U/redirect"
is "$RC:$OUT" "0:$k1" "301 redirect followed"
run "$KEYDROP" fetch "${F[@]}" --format json --json-path '[].key' "$U/gh-api"
is "$RC" 0 "GitHub API JSON: exit 0"
is "$(printf '%s\n' "$OUT" | wc -l)" 2 "GitHub API JSON: two keys printed"
run "$KEYDROP" fetch "${F[@]}" --skip-invalid "$U/mixed"
is "$RC" 0 "--skip-invalid: exit 0"
is "$OUT" "$k1"$'\n'"$k2" "--skip-invalid: both valid keys"
like "$ERR" "line 2: skipped: " "--skip-invalid: the skipped line is reported"

# gh:, gl:, lp: from a self-hosted server (GitHub Enterprise, GitLab under a path, Launchpad), with
# or without a trailing slash; a 404 names the likely cause; every request stays on that server
n0=$(grep -c . "$TAP_TMP/server.log")
run "$KEYDROP" fetch "${F[@]}" --github-url "$U" gh:alice
is "$RC:$OUT" "0:$k1" "--github-url: gh:USER fetches URL/USER.keys"
run "$KEYDROP" fetch "${F[@]}" --github-url "$U/" gh:nobody
is "$RC" 1 "gh: 404: exit 1"
is "$ERR" "keydrop: fetch: gh:nobody: HTTP 404 (no such GitHub user?)" "gh: 404: message"
like "$(grep -c '^/nobody.keys' "$TAP_TMP/server.log")" "^1$" "--github-url URL/: one slash between URL and USER"
run "$KEYDROP" fetch "${F[@]}" --gitlab-url "$U/gitlab//" gl:alice
is "$RC:$OUT" "0:$k2" "--gitlab-url with a path: gl:USER fetches URL/USER.keys"
run "$KEYDROP" fetch "${F[@]}" --launchpad-url "$U" lp:alice
is "$RC:$OUT" "0:$k1"$'\n'"$k2" "--launchpad-url: lp:USER fetches URL/~USER/+sshkeys"
is "$(tail -n +$((n0 + 1)) "$TAP_TMP/server.log" | cut -f1 | tr '\n' ' ')" "/alice.keys /nobody.keys /gitlab/alice.keys /~alice/+sshkeys " \
	"the self-hosted server got exactly these requests"
run "$KEYDROP" fetch "${F[@]}" 'gh:bad/name'
is "$RC" 2 "gh: with a malformed user: usage error"

# retries: 503 then 200, and 429 with Retry-After honoured
t0=$(now_ms)
run "$KEYDROP" fetch --cacert "$CA" --retry 2 --retry-delay 50 "$U/flaky"
is "$RC:$OUT" "0:$k1" "503 then 200: retry succeeds"
like "$ERR" "HTTP 503 \(service unavailable\); retry 1/2 in [0-9.]+ s" "503: one line says what failed and when the next try is"
t0=$(now_ms)
run "$KEYDROP" fetch --cacert "$CA" --retry 2 "$U/ratelimit"
t1=$(now_ms)
is "$RC:$OUT" "0:$k1" "429 then 200: retry succeeds"
like "$ERR" "HTTP 429 \(rate limited\); retry 1/2 in 1.0 s" "429: waits Retry-After (1 s)"
ok $(( (t1 - t0) >= 950 ? 0 : 1 )) "429: really waited ($((t1 - t0)) ms)"
n0=$(grep -c '^/forbidden' "$TAP_TMP/server.log")
run "$KEYDROP" fetch --cacert "$CA" --retry 3 "$U/forbidden"
n1=$(grep -c '^/forbidden' "$TAP_TMP/server.log")
is "$((n1 - n0))" 1 "403 is not retried (one request)"

run "$KEYDROP" fetch --cacert "$CA" --retry 1 "$U/forbidden-ra"
is "$RC:$OUT" "0:$k1" "403 with Retry-After (GitHub secondary rate limit) is retried"
like "$ERR" "HTTP 403 \(forbidden\); retry 1/1 in 1.0 s" "403 with Retry-After: waits as told"

# one overall deadline: retries never run past --timeout
t0=$(now_ms)
run "$KEYDROP" fetch --cacert "$CA" --retry 50 --retry-delay 400 --timeout 2 "$U/ratelimit-always"
t1=$(now_ms)
is "$RC" 1 "--timeout 2 with --retry 50 against a permanent 429: exit 1"
ok $(( (t1 - t0) < 2600 ? 0 : 1 )) "--timeout bounds all retries ($((t1 - t0)) ms)"

# connection refused and --wait-network
port=$(free_port 2>/dev/null || python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run "$KEYDROP" fetch --cacert "$CA" --retry 0 "https://localhost:$port/x"
is "$RC" 1 "connection refused: exit 1"
like "$ERR" "cannot connect to localhost \(127.0.0.1 port $port\): Connection refused" "connection refused: message names the address"
t0=$(now_ms)
run "$KEYDROP" fetch --cacert "$CA" --retry-delay 100 --wait-network 2 "https://localhost:$port/x"
t1=$(now_ms)
is "$RC" 1 "--wait-network 2: gives up with exit 1"
like "$ERR" "waiting for the network, try 2 in" "--wait-network: says what it waits for"
ok $(( (t1 - t0) >= 1900 && (t1 - t0) < 5000 ? 0 : 1 )) "--wait-network 2: retried for $((t1 - t0)) ms"

# cache: ETag stored, If-None-Match sent, 304 reuses the cached body
run "$KEYDROP" fetch "${F[@]}" --cache "$TAP_TMP/cache" "$U/etag"
is "$RC:$OUT" "0:$k1" "cache: first fetch"
ok $([ -n "$(ls "$TAP_TMP/cache")" ]; echo $?) "cache: entry written"
run "$KEYDROP" -v fetch "${F[@]}" --cache "$TAP_TMP/cache" "$U/etag"
is "$RC:$OUT" "0:$k1" "cache: 304 answered from the cache"
like "$ERR" "not modified \(HTTP 304\)" "cache: -v says 304"
like "$(grep '^/etag' "$TAP_TMP/server.log" | tail -1)" 'If-None-Match: "v1"' "cache: If-None-Match sent"

run "$KEYDROP" fetch "${F[@]}" --cache "$TAP_TMP/cache2" "$U/etag-bad"
is "$RC" 3 "cache: invalid body refused"
is "$(ls "$TAP_TMP/cache2" 2>/dev/null | wc -l)" 0 "cache: an invalid body is not kept"

# headers: --header and --header-file reach the server; CR/LF injection refused
printf 'Authorization: Bearer s3cret\n# comment\nX-Extra: 1\n' > "$TAP_TMP/hdrs"
run "$KEYDROP" fetch "${F[@]}" --header 'X-Api: a' --header-file "$TAP_TMP/hdrs" "$U/hdr"
is "$RC" 0 "headers: fetch ok"
line=$(grep '^/hdr' "$TAP_TMP/server.log" | tail -1)
like "$line" "Authorization: Bearer s3cret" "--header-file reaches the server"
like "$line" "X-Api: a" "--header reaches the server"
like "$line" "User-Agent: keydrop/" "User-Agent sent"
n0=$(grep -c "Bearer s3cret" "$TAP_TMP/server.log")
run "$KEYDROP" fetch "${F[@]}" --pin "$(pki_spki_pin "$P/leaf.pem")" --header-file "$TAP_TMP/hdrs" "$U/hdr-away"
is "$RC" 0 "redirect to another origin followed"
is "$(grep -c "Bearer s3cret" "$TAP_TMP/server.log")" "$((n0 + 1))" "the token went to the first origin only, not across the redirect"
# a redirect to an https IP address without --pin: the server's doing (exit 1), not a usage error
run "$KEYDROP" fetch "${F[@]}" "$U/hdr-away"
is "$RC" 1 "redirect to an https IP address without --pin: exit 1"
is "$ERR" "keydrop: fetch: $U/hdr-away: refused redirect to the IP address 127.0.0.1 (https to an IP address needs --pin: BearSSL cannot check a certificate against an IP address)" \
	"redirect to an IP address: message"
run "$KEYDROP" fetch "${F[@]}" --header $'X-A: 1\r\nX-Injected: 2' "$U/hdr"
is "$RC" 2 "header with CR/LF refused (usage)"

# install takes network sources through the same layer (defaults; anchors from SSL_CERT_FILE)
: > "$TAP_TMP/ak_inst"
run env SSL_CERT_FILE="$CA" "$KEYDROP" install --github-url "$U" --file "$TAP_TMP/ak_inst" gh:alice
is "$RC" 0 "install gh:USER: exit 0"
is "$(cat "$TAP_TMP/ak_inst")" "$k1" "install gh:USER: key installed"
cp "$TAP_TMP/ak_inst" "$TAP_TMP/ak_inst.orig"
run env SSL_CERT_FILE="$CA" "$KEYDROP" install --file "$TAP_TMP/ak_inst" gh:alice gh:nobody --github-url "$U"
is "$RC" 1 "install with one missing GitHub user: exit 1"
is "$ERR" "keydrop: install: gh:nobody: HTTP 404 (no such GitHub user?) (nothing changed)" "install: 404 message"
cmp -s "$TAP_TMP/ak_inst" "$TAP_TMP/ak_inst.orig"; ok $? "install: target unchanged when any source fails"
# install takes the network options too: --cacert, --format json --json-path (GitHub API shape)
run "$KEYDROP" fetch "${F[@]}" --format json --json-path '[].key' "$U/gh-api"
want=$OUT
: > "$TAP_TMP/ak_json"
run "$KEYDROP" install --file "$TAP_TMP/ak_json" "${F[@]}" --format json --json-path '[].key' "$U/gh-api"
is "$RC" 0 "install --cacert --format json --json-path: exit 0"
is "$(cut -d' ' -f1,2 "$TAP_TMP/ak_json")" "$(printf '%s\n' "$want" | cut -d' ' -f1,2)" "install --format json: the same keys fetch prints"
cp "$TAP_TMP/ak_json" "$TAP_TMP/ak_json.orig"
run "$KEYDROP" install --file "$TAP_TMP/ak_json" --cacert /etc/ssl/certs/ca-certificates.crt --retry 0 "$U/ok"
is "$RC" 1 "install with a --cacert that does not hold the issuer: exit 1"
like "$ERR" "^keydrop: install: .*(unknown issuer|not trusted)" "install: TLS failure named"
cmp -s "$TAP_TMP/ak_json" "$TAP_TMP/ak_json.orig"; ok $? "install: target unchanged after a TLS failure"
run "$KEYDROP" install --file "$TAP_TMP/ak_json" --json-path '[].key' "$U/gh-api"
is "$RC" 2 "install --json-path without --format json: usage error"

# plain http only with --allow-http
http_start "$TAP_TMP/routes.json"
ok $? "plain HTTP server listening"
run "$KEYDROP" fetch --retry 0 "http://127.0.0.1:$HTTP_PORT/ok"
is "$RC" 2 "http:// without --allow-http: usage error"
like "$ERR" "plain http:// refused" "http:// refusal message"
run "$KEYDROP" fetch --retry 0 --allow-http "http://127.0.0.1:$HTTP_PORT/ok"
is "$RC:$OUT" "0:$k1" "http:// with --allow-http works (metadata services)"
done_testing
