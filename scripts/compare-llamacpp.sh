#!/usr/bin/env bash
# Greedy text side by side: for each GGUF and prompt, llama.cpp's llama-simple
# (in LLAMACPP_BIN, built outside this repository) and `hfctl run --raw
# --temp 0` must produce the same continuation.
# Usage: LLAMACPP_BIN=/path/to/build/bin scripts/compare-llamacpp.sh MODEL.gguf... (N=48)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${LLAMACPP_BIN:?set LLAMACPP_BIN to a llama.cpp build/bin folder}"
n=${N:-48}
go build -o /tmp/hfctl-compare ./cmd/hfctl
fail=0
for gguf in "$@"; do
  for prompt in "ROMEO:" "To be, or not to be" "The king" "Once upon a time"; do
    ours=$(/tmp/hfctl-compare run "$gguf" --raw --temp 0 -n "$n" "$prompt")
    theirs=$(LD_LIBRARY_PATH="$LLAMACPP_BIN" "$LLAMACPP_BIN/llama-simple" -m "$gguf" -n "$n" "$prompt" 2>/dev/null)
    if [[ "$theirs" == *"$ours" ]]; then
      echo "same    $(basename "$gguf") \"$prompt\""
    else
      echo "DIFFER  $(basename "$gguf") \"$prompt\""; echo "  hfctl:     ${ours:0:120}"; echo "  llama.cpp: ${theirs:0:120}"; fail=1
    fi
  done
done
exit $fail
