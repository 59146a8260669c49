package tokenizer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/internal/testdata"
)

// benchText builds about 1 MB of mixed text: the llama.cpp test cases
// (English, code-like punctuation, digits, CJK, Cyrillic, emoji) and this
// package's own Go source, repeated.
func benchText(b *testing.B) string {
	var parts []string
	inp, err := os.ReadFile(testdata.Path(b, "vocab", "ggml-vocab-llama-bpe.gguf.inp"))
	if err != nil {
		b.Fatal(err)
	}
	parts = append(parts, strings.ReplaceAll(string(inp), "__ggml_vocab_test__", ""))
	src, _ := filepath.Glob("*.go")
	for _, f := range src {
		data, _ := os.ReadFile(f)
		parts = append(parts, string(data))
	}
	one := strings.Join(parts, "\n")
	return strings.Repeat(one, 1<<20/len(one)+1)[:1<<20]
}

func benchEncode(b *testing.B, vocab string) {
	tok := loadTokenizer(b, testdata.Path(b, "vocab", "ggml-vocab-"+vocab+".gguf"))
	text := benchText(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	n := 0
	for range b.N {
		n = len(tok.Encode(text, false, true))
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkEncodeSPM: Llama 2's SentencePiece vocabulary.
func BenchmarkEncodeSPM(b *testing.B) { benchEncode(b, "llama-spm") }

// BenchmarkEncodeBPE: Llama 3's byte-level BPE vocabulary.
func BenchmarkEncodeBPE(b *testing.B) { benchEncode(b, "llama-bpe") }

// BenchmarkEncodeQwen2: Qwen2's byte-level BPE vocabulary.
func BenchmarkEncodeQwen2(b *testing.B) { benchEncode(b, "qwen2") }
