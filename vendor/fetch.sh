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

# Private apt configuration: deb-src entries derived from the machine's own deb entries.
apt=$work/apt
mkdir -p "$apt/lists/partial" "$apt/parts" "$apt/cache/archives/partial" "$work/dl"
: > "$apt/empty.list"
# The machine's source files, where its apt configuration (APT_CONFIG included) says they are.
SL=/etc/apt/sources.list SP=/etc/apt/sources.list.d/
eval "$(apt-config shell SL Dir::Etc::SourceList/f SP Dir::Etc::SourceParts/d)"
found=0
for f in "$SP"*.sources; do
	[ -f "$f" ] || continue
	sed 's/^Types:.*$/Types: deb-src/' "$f" > "$apt/parts/$(basename "$f")"
	found=1
done
if [ -f "$SL" ]; then
	sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$SL" > "$apt/parts/from-sources.list"
	[ -s "$apt/parts/from-sources.list" ] && found=1
	# apt only reads *.list files from SourceParts.
	mv "$apt/parts/from-sources.list" "$apt/parts/from-sources-list.list"
fi
[ "$found" = 1 ] || die "no apt sources found on this machine to derive deb-src entries from"
# Lists and caches stay private too: the machine's /var/lib/apt and /var/cache/apt are not rewritten.
opts="-o Dir::Etc::SourceList=$apt/empty.list -o Dir::Etc::SourceParts=$apt/parts -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache -o APT::Sandbox::User=root"

# Downloads are kept (after verification) in a cache folder, build/dl by default, so a rebuild or a
# reproducibility check needs no network; whatever comes from the cache is verified again below.
cache=${KEYDROP_VENDOR_CACHE:-$(cd "$top/.." && pwd)/dl}
if [ -d "$cache" ]; then
	awk '$1=="sha256"{print $3}' "$pin" | while read -r f; do
		if [ -f "$cache/$f" ]; then cp "$cache/$f" "$work/dl/"; fi
	done
fi
if ! awk '$1=="sha256"{print $3}' "$pin" | (cd "$work/dl" && while read -r f; do [ -f "$f" ] || exit 1; done); then
	apt-get $opts update -qq >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; die "apt-get update (private configuration) failed"; }
	(cd "$work/dl" && apt-get $opts source --download-only "$pkg=$ver") >>"$work/apt.log" 2>&1 \
		|| { cat "$work/apt.log" >&2; die "apt-get source $pkg=$ver failed"; }
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
