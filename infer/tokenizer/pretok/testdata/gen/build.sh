#!/bin/sh
# Builds splitref (llama.cpp's unicode_regex_split behind a stdin/stdout
# protocol) from a llama.cpp checkout:
#
#   LLAMA_CPP_DIR=/path/to/llama.cpp sh build.sh /tmp/splitref
#
# then, from infer/tokenizer/pretok:
#
#   PRETOK_SPLITREF=/tmp/splitref go test -run 'Reference|Generate' -pretok.update
#
# checks Split against it on the vocab test cases (HFCTL_TESTDATA) and a
# random corpus (PRETOK_RANDOM texts, 20000 by default; 30000 took 7 minutes
# here, most of it in std::regex) and rewrites testdata/splits.json.gz and
# testdata/llama_flags.txt.gz (drop -pretok.update to only check them).
# LLAMA_CPP_DIR=... go test -run RegexTable checks our name and regex
# tables against src/llama-vocab.cpp.
set -eu
src=${LLAMA_CPP_DIR:?set LLAMA_CPP_DIR to a llama.cpp checkout (b10470)}/src
out=${1:-splitref}
dir=$(cd "$(dirname "$0")" && pwd)
g++ -O2 -std=c++17 -I"$src" -I"$src/../include" \
	"$dir/splitref.cpp" "$src/unicode.cpp" "$src/unicode-data.cpp" -o "$out"
