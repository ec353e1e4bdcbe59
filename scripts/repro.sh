#!/bin/bash
# scripts/repro.sh: two clean builds of the tracked tree, in two different directories, with the
# same SOURCE_DATE_EPOCH, must give byte-identical binaries. Uses the verified downloads in
# build/dl (made by the first `make`), so it needs no network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 1767225600)}
[ -d "$root/build/dl" ] || { echo "repro: run 'make' first (build/dl holds the verified sources)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/keydrop-repro.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
sums=()
for side in a bbbbbbbb; do
	dir=$tmp/$side/keydrop
	mkdir -p "$dir"
	(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$dir" 2>/dev/null) || true
	rm -rf "$dir/.git"
	if ! (cd "$dir" && env -u MAKEFLAGS SOURCE_DATE_EPOCH="$epoch" KEYDROP_VENDOR_CACHE="$root/build/dl" make -s -j2 build/keydrop >"$tmp/$side.log" 2>&1); then
		tail -20 "$tmp/$side.log" >&2
		echo "repro: build in $dir failed" >&2
		exit 1
	fi
	sums+=("$(sha256sum < "$dir/build/keydrop" | cut -d' ' -f1)")
	echo "repro: $dir/build/keydrop ${sums[-1]}"
done
if [ "${sums[0]}" != "${sums[1]}" ]; then
	echo "repro: builds differ" >&2
	exit 1
fi
echo "repro: identical (SOURCE_DATE_EPOCH=$epoch)"
