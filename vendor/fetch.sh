#!/bin/sh
# vendor/fetch.sh PIN OUTDIR
# Downloads the Debian source package named in PIN through a private apt configuration (the machine's
# own apt setup is never touched), verifies every file against the SHA-256 pins, unpacks it with
# dpkg-source -x (so Debian's patches apply) and renames the tree to OUTDIR only once all of that
# succeeded: a mismatch or failure never leaves a half-extracted tree behind.
set -eu
pin=$1
out=$2
die() { echo "vendor/fetch.sh: $*" >&2; exit 1; }

[ -f "$pin" ] || die "$pin: no such pin file"
pkg=$(awk '$1=="package"{print $2}' "$pin")
ver=$(awk '$1=="package"{print $3}' "$pin")
[ -n "$pkg" ] && [ -n "$ver" ] || die "$pin: no 'package NAME VERSION' line"

top=$(dirname "$out")
mkdir -p "$top"
work=$(mktemp -d "$(cd "$top" && pwd)/.fetch-$pkg.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# Private apt configuration: deb-src entries for the archives the machine's apt uses, as apt itself
# parsed them (`apt-get indextargets`: Enabled: no, duplicates, both source formats are apt's
# business), one entry per archive and suite. No entry carries Signed-By: every keyring the machine's
# apt trusts (its trusted.gpg and trusted.gpg.d, and each keyring a source names in Signed-By) goes
# into one private trusted.gpg.d, so two entries for one archive can never disagree about keys (apt
# refuses "Conflicting values set for option Signed-By" for deb-src entries copied from both
# sources.list and a .sources file). Trust stays as wide as the machine's, and every file is checked
# against the SHA-256 pins below anyway. The machine's configuration (APT_CONFIG included) is read,
# never changed.
apt=$work/apt
mkdir -p "$apt/lists/partial" "$apt/parts" "$apt/trusted.gpg.d" "$apt/cache/archives/partial" "$work/dl"
: > "$apt/empty.list"
apt-get indextargets --no-release-info --format '$(TARGET_OF) $(REPO_URI) $(RELEASE) $(COMPONENT)' > "$work/targets" 2>"$work/targets.err" || {
	cat "$work/targets.err" >&2
	die "this machine's apt sources cannot be read (apt-get indextargets failed)"
}
awk '($1 == "deb" || $1 == "deb-src") && $2 != "" && $3 != "" {
		k = $2 " " $3
		if (!(k in comps)) { order[++n] = k; comps[k] = "" }
		if ($4 != "" && index(" " comps[k] " ", " " $4 " ") == 0) comps[k] = comps[k] (comps[k] == "" ? "" : " ") $4
	}
	END {
		for (i = 1; i <= n; i++) {
			split(order[i], a, " ")
			printf "Types: deb-src\nURIs: %s\nSuites: %s\n", a[1], a[2]
			if (comps[order[i]] != "") printf "Components: %s\n", comps[order[i]]
			printf "\n"
		}
	}' "$work/targets" > "$apt/parts/keydrop-src.sources"
[ -s "$apt/parts/keydrop-src.sources" ] || die "no apt sources found on this machine to derive deb-src entries from"

# The keyrings: trusted.gpg, trusted.gpg.d/*, and every Signed-By of the machine's sources: paths
# (one-line [signed-by=A,B] or deb822 "Signed-By: A B") and keys embedded in a .sources file.
SL=/etc/apt/sources.list SP=/etc/apt/sources.list.d/ TR=/etc/apt/trusted.gpg TP=/etc/apt/trusted.gpg.d/
eval "$(apt-config shell SL Dir::Etc::SourceList/f SP Dir::Etc::SourceParts/d TR Dir::Etc::Trusted/f TP Dir::Etc::TrustedParts/d)"
n=0
add_keyring() { # a readable file -> NN.gpg or NN.asc (apt reads only those names in trusted.gpg.d)
	[ -f "$1" ] && [ -r "$1" ] || return 0
	n=$((n + 1))
	if head -c 64 "$1" | grep -q -e '-----BEGIN PGP'; then cp "$1" "$apt/trusted.gpg.d/k$n.asc"; else cp "$1" "$apt/trusted.gpg.d/k$n.gpg"; fi
}
add_keyring "$TR"
for f in "$TP"*.gpg "$TP"*.asc; do add_keyring "$f"; done
for f in "$SL" "$SP"*.list; do
	[ -f "$f" ] || continue
	for k in $(sed -n 's/^[[:space:]]*deb\(-src\)\{0,1\}[[:space:]]*\[\([^]]*\)\].*/\2/p' "$f" | tr ' \t' '\n\n' |
		sed -n 's/^signed-by=//p' | tr ',' '\n'); do
		case $k in /*) add_keyring "$k" ;; esac
	done
done
for f in "$SP"*.sources; do
	[ -f "$f" ] || continue
	# Field values (continuation lines included); an embedded key block goes to its own file.
	awk -v out="$apt/embedded" '
		/^[^ \t#][^:]*:/ { infield = (tolower($0) ~ /^signed-by:/); emb = 0
			if (infield) { v = $0; sub(/^[^:]*:[ \t]*/, "", v); if (v != "") print "paths " v }
			next }
		infield && /^[ \t]/ {
			l = $0; sub(/^[ \t]+/, "", l); if (l == ".") l = ""
			if (l ~ /^-----BEGIN PGP PUBLIC KEY BLOCK-----/) { emb = 1; k++; f = out "." k ".asc" }
			if (emb) print l > f
			else print "paths " l
			next }
		{ infield = 0 }' "$f" > "$work/signed-by" || die "$f: cannot read"
	for k in $(sed -n 's/^paths //p' "$work/signed-by" | tr ', \t' '\n\n\n'); do
		case $k in /*) add_keyring "$k" ;; esac
	done
	for k in "$apt"/embedded.*.asc; do
		[ -f "$k" ] || continue
		add_keyring "$k" && rm -f "$k"
	done
done
# Lists, caches and keys stay private: the machine's /var/lib/apt and /var/cache/apt are not rewritten.
opts="-o Dir::Etc::SourceList=$apt/empty.list -o Dir::Etc::SourceParts=$apt/parts -o Dir::Etc::Trusted=$apt/trusted.gpg -o Dir::Etc::TrustedParts=$apt/trusted.gpg.d -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache -o APT::Sandbox::User=root"

# Downloads are kept (after verification) in a cache folder, build/dl by default, so a rebuild or a
# reproducibility check needs no network; whatever comes from the cache is verified again below.
cache=${KEYDROP_VENDOR_CACHE:-$(cd "$top/.." && pwd)/dl}
if [ -d "$cache" ]; then
	awk '$1=="sha256"{print $3}' "$pin" | while read -r f; do
		if [ -f "$cache/$f" ]; then cp "$cache/$f" "$work/dl/"; fi
	done
fi
if ! awk '$1=="sha256"{print $3}' "$pin" | (cd "$work/dl" && while read -r f; do [ -f "$f" ] || exit 1; done); then
	# An archive without source indexes (many third-party ones) fails the update but not the
	# download from the archive that has the package: the update's errors count only if that fails.
	apt-get $opts update -qq >"$work/apt.log" 2>&1 || upd=failed
	(cd "$work/dl" && apt-get $opts source --download-only "$pkg=$ver") >>"$work/apt.log" 2>&1 || {
		cat "$work/apt.log" >&2
		die "apt-get source $pkg=$ver failed${upd:+ (apt-get update with the private configuration failed too)}"
	}
fi

# Verify every pinned file before anything is unpacked.
awk '$1=="sha256"{print $2 "  " $3}' "$pin" > "$work/SHA256SUMS"
(cd "$work/dl" && sha256sum --quiet --strict -c "$work/SHA256SUMS") >"$work/sha.log" 2>&1 || {
	cat "$work/sha.log" >&2
	die "SHA-256 mismatch for $pkg $ver: refusing to build from unverified sources (if the download cache $cache is damaged, remove it)"
}
mkdir -p "$cache" 2>/dev/null && awk '$1=="sha256"{print $3}' "$pin" | while read -r f; do
	if [ ! -f "$cache/$f" ]; then cp "$work/dl/$f" "$cache/$f" 2>/dev/null || true; fi
done
dsc=$(awk '$1=="sha256" && $3 ~ /\.dsc$/ {print $3}' "$pin")
(cd "$work/dl" && dpkg-source -x "$dsc" "$work/tree") >"$work/dpkg.log" 2>&1 \
	|| { cat "$work/dpkg.log" >&2; die "dpkg-source -x $dsc failed"; }
rm -rf "$out"
mv "$work/tree" "$out"
echo "vendor: $pkg $ver verified and unpacked into $out"
