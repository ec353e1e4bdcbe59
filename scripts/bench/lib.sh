# scripts/bench/lib.sh: hyperfine helpers shared by the benchmarks. Sourced; needs BENCH_TMP (a
# scratch directory). Each comparison runs keydrop and its peer in the same hyperfine invocation, so
# both see the same machine load; medians (not means) resist the odd slow run on a shared machine.
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (bash scripts/bootstrap.sh bench installs it)" >&2; exit 1; }

# The medians of hyperfine's last export, in ms, space-separated (python3: already needed by the scripts).
hf_medians() {
	python3 -c 'import json, sys; print(" ".join("%.3f" % (r["median"] * 1000) for r in json.load(open(sys.argv[1]))["results"]))' "$BENCH_TMP/hf.json"
}

# hf_pair RUNS PREPARE NAME_A CMD_A NAME_B CMD_B: hyperfine -N (no shell in the timed command), both
# commands, PREPARE before every run (also run without a shell by -N: wrap it in sh -c when it
# needs one). Prints one line per command and the ratio
# A/B; sets HF_A and HF_B (median ms) and HF_RATIO.
hf_pair() {
	local runs=$1 prep=$2 na=$3 ca=$4 nb=$5 cb=$6
	hyperfine -N --style none --warmup 2 --runs "$runs" --prepare "$prep" --export-json "$BENCH_TMP/hf.json" \
		-n "$na" "$ca" -n "$nb" "$cb" >/dev/null 2>"$BENCH_TMP/hf.err" || { cat "$BENCH_TMP/hf.err" >&2; echo "bench: hyperfine failed: $na / $nb" >&2; exit 1; }
	read -r HF_A HF_B < <(hf_medians)
	HF_RATIO=$(awk -v a="$HF_A" -v b="$HF_B" 'BEGIN { printf "%.3f", a / b }')
	printf '  %-44s median %9.2f ms\n' "$na" "$HF_A"
	printf '  %-44s median %9.2f ms\n' "$nb" "$HF_B"
	printf '  %-44s %9s\n' "ratio (median $na / $nb)" "$HF_RATIO"
}

# hf_one RUNS PREPARE NAME CMD: one command; prints its median and sets HF_A (ms).
hf_one() {
	local runs=$1 prep=$2 na=$3 ca=$4
	hyperfine -N --style none --warmup 2 --runs "$runs" --prepare "$prep" --export-json "$BENCH_TMP/hf.json" \
		-n "$na" "$ca" >/dev/null 2>"$BENCH_TMP/hf.err" || { cat "$BENCH_TMP/hf.err" >&2; echo "bench: hyperfine failed: $na" >&2; exit 1; }
	HF_A=$(hf_medians)
	printf '  %-44s median %9.2f ms\n' "$na" "$HF_A"
}

# target TEXT VALUE LIMIT: "PASS"/"MISS" for VALUE <= LIMIT (numbers, compared by awk); a miss sets
# BENCH_MISSED=1 (the scripts exit 1 then).
BENCH_MISSED=0
target() {
	if awk -v v="$2" -v l="$3" 'BEGIN { exit !(v <= l) }'; then
		echo "PASS  $1: $2 (target <= $3)"
	else
		echo "MISS  $1: $2 (target <= $3)"
		BENCH_MISSED=1
	fi
}
