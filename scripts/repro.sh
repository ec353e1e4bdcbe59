#!/bin/bash
# scripts/repro.sh: two clean builds of the tracked tree, in two different directories, with the
# same SOURCE_DATE_EPOCH, must give byte-identical binaries (build/keydrop and build/aarch64/keydrop). Uses the verified downloads in
# build/dl (made by the first `make`), so it needs no network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 1767225600)}
[ -d "$root/build/dl" ] || { echo "repro: run 'make' first (build/dl holds the verified sources)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/keydrop-repro.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
sums=()
# Every release binary: the host's, and aarch64's when the cross compiler is installed (make cross's
# bootstrap group); REPRO_BINS chooses.
read -r -a bins <<<"${REPRO_BINS:-build/keydrop $(command -v aarch64-linux-gnu-gcc >/dev/null && echo build/aarch64/keydrop)}"
for side in a bbbbbbbb; do
	dir=$tmp/$side/keydrop
	mkdir -p "$dir"
	(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$dir" 2>/dev/null) || true
	rm -rf "$dir/.git"
	for bin in "${bins[@]}"; do
		case $bin in build/keydrop) arch=() ;; build/*/keydrop) a=${bin#build/}; arch=("ARCH=${a%/keydrop}") ;; esac
		if ! (cd "$dir" && env -u MAKEFLAGS SOURCE_DATE_EPOCH="$epoch" KEYDROP_VENDOR_CACHE="$root/build/dl" make -s -j2 "${arch[@]}" "$bin" >>"$tmp/$side.log" 2>&1); then
			tail -20 "$tmp/$side.log" >&2
			echo "repro: build of $bin in $dir failed" >&2
			exit 1
		fi
		sums+=("$bin $(sha256sum < "$dir/$bin" | cut -d' ' -f1)")
		echo "repro: $dir/$bin ${sums[-1]#* }"
	done
done
n=${#bins[@]}
for ((i = 0; i < n; i++)); do
	if [ "${sums[i]}" != "${sums[i + n]}" ]; then
		echo "repro: builds of ${bins[i]} differ" >&2
		exit 1
	fi
done
echo "repro: identical: ${bins[*]} (SOURCE_DATE_EPOCH=$epoch)"
