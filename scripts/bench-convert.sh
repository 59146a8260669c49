#!/usr/bin/env bash
# Conversion benchmark: generates a random ~1 GB BF16 Llama (scripts/genmodel),
# converts it to F16 with hfctl and prints wall time and peak RSS. When
# LLAMACPP_DIR names a llama.cpp checkout (with its Python requirements
# installed), runs its convert_hf_to_gguf.py on the same folder and prints
# the ratios. Usage: scripts/bench-convert.sh [WORKDIR] (default: a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
mkdir -p "$work"
# BENCH_MODEL=1g (default): 542M parameters, 1.08 GB of BF16.
# BENCH_MODEL=llama32-1b: the model of ../shared/BENCHMARKS.md (Llama-3.2-1B's
# dimensions, vocab 32000, tied, llama3 RoPE: 1.04B parameters, 2.08 GB).
case ${BENCH_MODEL:-1g} in
  1g) gen=(-hidden 2048 -inter 5632 -layers 8 -heads 16 -kv-heads 8 -vocab 32000) ;;
  llama32-1b) gen=(-hidden 2048 -inter 8192 -layers 16 -heads 32 -kv-heads 8 -vocab 32000 -tied -rope-theta 500000 -llama3-rope) ;;
  *) echo "unknown BENCH_MODEL" >&2; exit 2 ;;
esac
model="$work/bench-${BENCH_MODEL:-1g}"
runs=${RUNS:-3}
timer=/usr/bin/time
if [ ! -x "$timer" ]; then
  echo "needs GNU time: apt-get install time" >&2
  exit 1
fi
go build -o "$work/hfctl" ./cmd/hfctl
if [ ! -f "$model/model.safetensors" ]; then
  go run ./scripts/genmodel -out "$model" "${gen[@]}"
fi
echo "input: $(du -h "$model/model.safetensors" | cut -f1) BF16 safetensors, largest tensor $((32000*2048*2/1048576)) MiB as F16"
# measure LABEL OUT COMMAND...: median wall time and peak RSS of $runs runs
# (the output is deleted and the disk synced between runs).
measure() {
  local label=$1 out=$2; shift 2
  local log="$work/time.log" walls=() rss=()
  for _ in $(seq "$runs"); do
    rm -f "$out"; sync
    "$timer" -f "%e %M" -o "$log" "$@" >/dev/null
    read -r w m <"$log"; walls+=("$w"); rss+=("$m")
  done
  local wall rss_kb
  wall=$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
  rss_kb=$(printf '%s\n' "${rss[@]}" | sort -g | tail -1)
  printf '%-30s wall %6.2f s (median of %d: %s)   peak RSS %6.1f MiB\n' "$label" "$wall" "$runs" "${walls[*]}" "$(echo "$rss_kb/1024" | bc -l)" >&2
  echo "$wall $rss_kb"
}
r1=$(measure "hfctl convert --outtype f16" "$work/hfctl-f16.gguf" "$work/hfctl" convert "$model" --outtype f16 -o "$work/hfctl-f16.gguf" --quiet)
measure "hfctl convert -t 1" "$work/hfctl-f16-t1.gguf" "$work/hfctl" convert "$model" --outtype f16 -t 1 -o "$work/hfctl-f16-t1.gguf" --quiet >/dev/null
if [ -n "${LLAMACPP_DIR:-}" ]; then
  r2=$(measure "convert_hf_to_gguf.py f16" "$work/llamacpp-f16.gguf" python3 "$LLAMACPP_DIR/convert_hf_to_gguf.py" "$model" --outtype f16 --outfile "$work/llamacpp-f16.gguf")
  read -r w1 m1 <<<"$r1"; read -r w2 m2 <<<"$r2"
  echo "ratio hfctl/llama.cpp: wall $(echo "$w1/$w2" | bc -l | cut -c1-5), peak RSS $(echo "$m1/$m2" | bc -l | cut -c1-5)"
  if cmp -s "$work/hfctl-f16.gguf" "$work/llamacpp-f16.gguf"; then echo "outputs: byte-identical"; else echo "outputs: DIFFER"; fi
fi
rm -f "$work"/hfctl-f16*.gguf "$work/llamacpp-f16.gguf"
