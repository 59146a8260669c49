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
model="$work/bench-llama-1g"
timer=/usr/bin/time
if [ ! -x "$timer" ]; then
  echo "needs GNU time: apt-get install time" >&2
  exit 1
fi
go build -o "$work/hfctl" ./cmd/hfctl
if [ ! -f "$model/model.safetensors" ]; then
  # 542M parameters: 1.08 GB of BF16.
  go run ./scripts/genmodel -out "$model" -hidden 2048 -inter 5632 -layers 8 -heads 16 -kv-heads 8 -vocab 32000
fi
echo "input: $(du -h "$model/model.safetensors" | cut -f1) BF16 safetensors, largest tensor $((32000*2048*2/1048576)) MiB as F16"
sync
measure() { # label, command...
  local label=$1; shift
  local log="$work/time.log"
  "$timer" -f "%e %M" -o "$log" "$@" >/dev/null
  read -r wall rss_kb <"$log"
  printf '%-28s wall %6.2f s   peak RSS %6.1f MiB\n' "$label" "$wall" "$(echo "$rss_kb/1024" | bc -l)"
  echo "$wall $rss_kb"
}
r1=$(measure "hfctl convert --outtype f16" "$work/hfctl" convert "$model" --outtype f16 -o "$work/hfctl-f16.gguf" --quiet | tee /dev/stderr | tail -1)
for t in 1 2; do
  measure "hfctl convert (threads=$t)" "$work/hfctl" convert "$model" --outtype f16 -t $t -o "$work/hfctl-f16-t$t.gguf" --quiet | head -1
done
if [ -n "${LLAMACPP_DIR:-}" ]; then
  r2=$(measure "convert_hf_to_gguf.py f16" python3 "$LLAMACPP_DIR/convert_hf_to_gguf.py" "$model" --outtype f16 --outfile "$work/llamacpp-f16.gguf" | tee /dev/stderr | tail -1)
  read -r w1 m1 <<<"$r1"; read -r w2 m2 <<<"$r2"
  echo "ratio hfctl/llama.cpp: wall $(echo "$w1/$w2" | bc -l | cut -c1-5), peak RSS $(echo "$m1/$m2" | bc -l | cut -c1-5)"
  if cmp -s "$work/hfctl-f16.gguf" "$work/llamacpp-f16.gguf"; then echo "outputs: byte-identical"; else echo "outputs: DIFFER"; fi
fi
rm -f "$work"/hfctl-f16*.gguf "$work/llamacpp-f16.gguf"
