#!/usr/bin/env bash
# Rebuilds internal/demo/tiny-shakespeare-q8_0.gguf, the model `hfctl run`
# uses when no model is named: the tiny-shakespeare Llama from
# ../shared/testdata/models, converted by hfctl itself to Q8_0. The output
# is deterministic; CI checks the committed file is what this script makes.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${HFCTL_TESTDATA:-../shared/testdata}/models/tiny-shakespeare"
out="${1:-internal/demo/tiny-shakespeare-q8_0.gguf}"
go run ./cmd/hfctl convert "$src" --outtype q8_0 --quiet -o "$out"
sha256sum "$out"
