# scripts/bench/lib.sh: whole-process wall time and peak RSS via /usr/bin/time -v, median of N runs.
# measure NAME N SETUP-CMD -- CMD...: prints "NAME median_ms max_rss_kib"; sets MED_MS and RSS_KIB.
measure() {
	local name=$1 n=$2 setup=$3
	shift 4
	local i t rss times=() rsss=()
	for i in $(seq 1 "$n"); do
		eval "$setup"
		/usr/bin/time -v -o "$BENCH_TMP/time.out" "$@" >/dev/null 2>&1 </dev/null || { echo "bench: $name failed" >&2; return 1; }
		t=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$BENCH_TMP/time.out")
		rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$BENCH_TMP/time.out")
		# m:ss.cc -> milliseconds
		times+=("$(echo "$t" | awk -F: '{ if (NF==3) s=$1*3600+$2*60+$3; else s=$1*60+$2; printf "%d", s*1000 }')")
		rsss+=("$rss")
	done
	MED_MS=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
	RSS_KIB=$(printf '%s\n' "${rsss[@]}" | sort -n | tail -1)
	printf '%-44s %8s ms  %8s KiB peak RSS  (median of %d)\n' "$name" "$MED_MS" "$RSS_KIB" "$n"
}
# Finer wall time than /usr/bin/time's 10 ms: N runs timed with date +%s%N, minus the same loop
# running only SETUP (so the rm between runs is not counted), in microseconds per run.
per_run_us() {
	local n=$1 setup=$2
	shift 3
	local start end base i
	start=$(date +%s%N)
	for i in $(seq 1 "$n"); do eval "$setup"; true; done
	end=$(date +%s%N)
	base=$((end - start))
	start=$(date +%s%N)
	for i in $(seq 1 "$n"); do eval "$setup"; "$@" >/dev/null 2>&1 </dev/null; done
	end=$(date +%s%N)
	echo $(( (end - start - base) / n / 1000 ))
}
