#!/usr/bin/env bash
# Quantization benchmark: converts a generated ~1 GB model to F16, then
# quantizes it to Q8_0 and Q4_K_M with hfctl (2 threads), printing wall time
# and peak RSS. With LLAMACPP_BIN=/path/to/llama.cpp/build/bin it runs
# llama-quantize on the same file with the same thread count, prints the
# ratios and checks the outputs are byte-identical.
# Usage: scripts/bench-quantize.sh [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
mkdir -p "$work"
threads=${THREADS:-2}
model="$work/bench-1g"
go build -o "$work/hfctl" ./cmd/hfctl
[ -f "$model/model.safetensors" ] || go run ./scripts/genmodel -out "$model" -hidden 2048 -inter 5632 -layers 8 -heads 16 -kv-heads 8 -vocab 32000
f16="$work/bench-1g-f16.gguf"
[ -f "$f16" ] || "$work/hfctl" convert "$model" --outtype f16 -o "$f16" --quiet
echo "input: $(du -h "$f16" | cut -f1) F16 GGUF, $threads threads"
measure() { # LABEL COMMAND...: prints "wall rss_kb"
  local label=$1; shift
  sync
  /usr/bin/time -f "%e %M" -o "$work/time.log" "$@" >/dev/null 2>&1
  read -r w m <"$work/time.log"
  printf '%-34s wall %7.2f s   peak RSS %7.1f MiB\n' "$label" "$w" "$(echo "$m/1024" | bc -l)" >&2
  echo "$w $m"
}
for t in Q8_0 Q4_K_M; do
  r1=$(measure "hfctl quantize $t" "$work/hfctl" quantize "$f16" "$work/hfctl-$t.gguf" "$t" -t "$threads" -q)
  if [ -n "${LLAMACPP_BIN:-}" ]; then
    r2=$(measure "llama-quantize $t" "$LLAMACPP_BIN/llama-quantize" "$f16" "$work/llama-$t.gguf" "$t" "$threads")
    read -r w1 m1 <<<"$r1"; read -r w2 m2 <<<"$r2"
    same=DIFFER; cmp -s "$work/hfctl-$t.gguf" "$work/llama-$t.gguf" && same=byte-identical
    echo "  $t ratio hfctl/llama-quantize: wall $(echo "$w1/$w2" | bc -l | cut -c1-5), peak RSS $(echo "$m1/$m2" | bc -l | cut -c1-5); outputs $same"
  fi
  rm -f "$work/hfctl-$t.gguf" "$work/llama-$t.gguf"
done
