#!/usr/bin/env bash
# Inference benchmark, side by side with llama.cpp: generates a random-weight
# Llama with Llama-3.2-1B's dimensions (scripts/genmodel, as in
# ../shared/BENCHMARKS.md), converts it with hfctl to F16, Q8_0 and Q4_K_M,
# and runs `hfctl bench` at 1 and 2 threads; when LLAMACPP_BIN names a folder
# with llama.cpp's llama-bench (built outside this repository), runs it on
# the same files and prints the ratios.
# Usage: scripts/bench-run.sh [WORKDIR]   env: TYPES="f16 q8_0 q4_k_m"
#        THREADS=1,2 PP=512 TG=128 REPS=3 BENCH_MODEL=llama32-1b|small
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
mkdir -p "$work"
case ${BENCH_MODEL:-llama32-1b} in
  llama32-1b) gen=(-hidden 2048 -inter 8192 -layers 16 -heads 32 -kv-heads 8 -vocab 32000 -tied -rope-theta 500000 -llama3-rope) ;;
  small) gen=(-hidden 512 -inter 1536 -layers 4 -heads 8 -kv-heads 4 -vocab 32000) ;;
  *) echo "unknown BENCH_MODEL" >&2; exit 2 ;;
esac
model="$work/bench-${BENCH_MODEL:-llama32-1b}"
threads=${THREADS:-1,2}
pp=${PP:-512}; tg=${TG:-128}; reps=${REPS:-3}
go build -o "$work/hfctl" ./cmd/hfctl
if [ ! -f "$model/model.safetensors" ]; then
  go run ./scripts/genmodel -out "$model" "${gen[@]}"
fi
printf '| type | threads | test | hfctl t/s | llama.cpp t/s | ratio |\n|---|---:|---|---:|---:|---:|\n'
for typ in ${TYPES:-f16 q8_0 q4_k_m}; do
  gguf="$work/model-$typ.gguf"
  [ -f "$gguf" ] || "$work/hfctl" convert "$model" --outtype "$typ" --quiet -o "$gguf"
  "$work/hfctl" bench "$gguf" -p "$pp" -n "$tg" -r "$reps" -t "$threads" --json >"$work/hfctl-$typ.json"
  if [ -n "${LLAMACPP_BIN:-}" ]; then
    LD_LIBRARY_PATH="$LLAMACPP_BIN" "$LLAMACPP_BIN/llama-bench" -m "$gguf" -p "$pp" -n "$tg" -r "$reps" -t "$threads" -o json >"$work/llamacpp-$typ.json" 2>/dev/null
  else
    echo '[]' >"$work/llamacpp-$typ.json"
  fi
  python3 - "$typ" "$work/hfctl-$typ.json" "$work/llamacpp-$typ.json" <<'PY'
import json, sys
typ, ours, ref = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
refs = {}
for r in ref:
    test = f"pp{r['n_prompt']}" if r['n_prompt'] else f"tg{r['n_gen']}"
    refs[(r['n_threads'], test)] = r['avg_ts']
for r in ours:
    l = refs.get((r['threads'], r['test']))
    ratio = f"{r['tokens_per_second']/l:.2f}x" if l else "-"
    ls = f"{l:.2f}" if l else "-"
    print(f"| {typ} | {r['threads']} | {r['test']} | {r['tokens_per_second']:.2f} | {ls} | {ratio} |")
PY
done
