#!/usr/bin/env bash
# Converts the bundled fixture (and tiny-shakespeare when the shared test
# data is present) with hfctl and parses the output with Hugging Face's
# official JavaScript GGUF parser (@huggingface/gguf from npm), checking
# that it reads every key and tensor we wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm install --silent --no-audit --no-fund --prefix "$work/js" @huggingface/gguf@0.4.6 >/dev/null
go build -o "$work/hfctl" ./cmd/hfctl
inputs=(testdata/tiny-llama)
td=${HFCTL_TESTDATA:-../shared/testdata}
[ -d "$td/models/tiny-shakespeare" ] && inputs+=("$td/models/tiny-shakespeare")
cat > "$work/js/check.mjs" <<'JS'
import { gguf } from "@huggingface/gguf";
const [path, wantKeys, wantTensors] = process.argv.slice(2);
const { metadata, tensorInfos } = await gguf(path, { allowLocalFile: true });
const keys = Object.keys(metadata).filter((k) => !["version", "tensor_count", "kv_count"].includes(k));
if (keys.length !== Number(wantKeys) || tensorInfos.length !== Number(wantTensors)) {
  console.error(`${path}: @huggingface/gguf read ${keys.length} keys / ${tensorInfos.length} tensors, want ${wantKeys} / ${wantTensors}`);
  process.exit(1);
}
console.log(`${path}: @huggingface/gguf OK: ${metadata["general.architecture"]}, ${keys.length} keys, ${tensorInfos.length} tensors`);
JS
for dir in "${inputs[@]}"; do
  for t in f32 f16 bf16; do
    out="$work/$(basename "$dir")-$t.gguf"
    "$work/hfctl" convert "$dir" --outtype "$t" -o "$out" --quiet
    read -r nkeys ntensors < <("$work/hfctl" inspect "$out" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(Object.keys(j.metadata).length, j.tensor_count)})')
    node "$work/js/check.mjs" "$out" "$nkeys" "$ntensors"
  done
done
