package pretok

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	benchOnce sync.Once
	benchText string
)

// benchCorpus is about 1 MB of English and code from the Go distribution:
// the language specification (prose with code) and net/http's sources
// (code with English comments), half each.
func benchCorpus(b *testing.B) string {
	benchOnce.Do(func() {
		root := runtime.GOROOT()
		spec, err := os.ReadFile(filepath.Join(root, "doc", "go_spec.html"))
		if err != nil {
			return
		}
		var sb strings.Builder
		for sb.Len() < 512<<10 {
			sb.Write(spec)
		}
		files, _ := filepath.Glob(filepath.Join(root, "src", "net", "http", "*.go"))
		for _, f := range files {
			if sb.Len() >= 1<<20 {
				break
			}
			src, err := os.ReadFile(f)
			if err == nil {
				sb.Write(src)
			}
		}
		benchText = sb.String()
	})
	if benchText == "" {
		b.Skip("no Go distribution sources for the corpus")
	}
	return benchText
}

// BenchmarkSplit splits ~1 MB of mixed English and code. gpt2, llama3,
// qwen2, qwen35 and kimi_k2 are hand-written splitters; default (four
// regexes, the GPT-2 one hand-written), deepseek_llm and tekken are
// regexp2 throughout or mostly; llama3-generic is llama3's regex on the
// generic path.
func BenchmarkSplit(b *testing.B) {
	text := benchCorpus(b)
	for _, c := range []struct {
		name    string
		pre     string
		generic bool
	}{
		{"gpt2", "gpt-2", false},
		{"llama3", "llama-bpe", false},
		{"qwen2", "qwen2", false},
		{"qwen35", "qwen35", false},
		{"kimi_k2", "kimi-k2", false},
		{"default", "default", false},
		{"deepseek_llm", "deepseek-llm", false},
		{"tekken", "tekken", false},
		{"llama3-generic", "llama-bpe", true},
		{"gpt2-generic", "gpt-2", true},
	} {
		b.Run(c.name, func(b *testing.B) {
			s, err := Lookup(c.pre)
			if err != nil {
				b.Fatal(err)
			}
			split := s.Split
			if c.generic {
				split = s.splitGeneric
			}
			dst := split(text, nil)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				dst = split(text, dst[:0])
			}
			b.ReportMetric(float64(len(dst)), "pieces")
		})
	}
}
