#!/usr/bin/env bash
# Converts generated models of every supported architecture (and the
# variants: explicit head_dim, tied embeddings, llama3 RoPE, shards) to
# f16/bf16/f32 and runs llama.cpp's llama-simple on each: every file must
# load and generate. Needs a llama.cpp build: LLAMACPP_BIN=/path/to/build/bin.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${LLAMACPP_BIN:?set LLAMACPP_BIN to a llama.cpp build/bin folder (with llama-simple)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/hfctl" ./cmd/hfctl
fail=0
for spec in "llama" "mistral -head-dim 64" "qwen2" "qwen3 -tied" "llama -llama3-rope -rope-theta 500000 -shards 2"; do
  read -r arch extra <<<"$spec"
  d="$work/$arch-$(echo "$extra" | tr -cd 'a-z0-9')"
  # shellcheck disable=SC2086
  go run ./scripts/genmodel -out "$d" -arch "$arch" -hidden 128 -heads 4 -kv-heads 2 $extra
  for t in f16 bf16 f32; do
    "$work/hfctl" convert "$d" --outtype "$t" -o "$d-$t.gguf" --quiet
    if "$bin/llama-simple" -m "$d-$t.gguf" -n 4 "hello world" >"$d-$t.log" 2>&1 && grep -q "decoded 4 tokens" "$d-$t.log"; then
      echo "ok   $spec $t"
    else
      echo "FAIL $spec $t"; tail -5 "$d-$t.log"; fail=1
    fi
  done
done
exit $fail
