package tokenizer

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/internal/testdata"
)

// vocabCase is one llama.cpp tokenizer test case (.inp/.out).
type vocabCase struct {
	text string
	ids  []int32
}

func readVocabCases(t testing.TB, path string) []vocabCase {
	t.Helper()
	inp, err := os.ReadFile(path + ".inp")
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(path + ".out")
	if err != nil {
		t.Fatal(err)
	}
	texts := strings.Split(string(inp), "\n__ggml_vocab_test__\n")
	if texts[len(texts)-1] == "" {
		texts = texts[:len(texts)-1]
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(texts) {
		t.Fatalf("%s: %d inputs, %d outputs", path, len(texts), len(lines))
	}
	cases := make([]vocabCase, len(texts))
	for i, s := range texts {
		cases[i].text = s
		for _, f := range strings.Fields(lines[i]) {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatalf("%s.out line %d: %v", path, i+1, err)
			}
			cases[i].ids = append(cases[i].ids, int32(n))
		}
	}
	return cases
}

func loadTokenizer(t testing.TB, path string) *Tokenizer {
	t.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	tok, err := FromGGUF(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestVocabCases: every case of llama.cpp's tokenizer test sets gives the
// expected ids (no BOS/EOS added, special tokens as plain text).
func TestVocabCases(t *testing.T) {
	dir := testdata.Path(t, "vocab")
	files, _ := filepath.Glob(filepath.Join(dir, "*.gguf"))
	if len(files) == 0 {
		t.Fatal("no vocab files")
	}
	total, pass := 0, 0
	for _, path := range files {
		if _, err := os.Stat(path + ".inp"); err != nil {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(path), ".gguf")
		t.Run(name, func(t *testing.T) {
			tok := loadTokenizer(t, path)
			for i, c := range readVocabCases(t, path) {
				total++
				got := tok.Encode(c.text, false, false)
				if !slices.Equal(got, c.ids) {
					t.Errorf("case %d %q:\n got %v\nwant %v", i, c.text, got, c.ids)
					continue
				}
				pass++
			}
		})
	}
	t.Logf("%d/%d cases", pass, total)
}

// TestVocabRoundTrip: byte-level vocabularies decode what they encode.
func TestVocabRoundTrip(t *testing.T) {
	dir := testdata.Path(t, "vocab")
	for _, name := range []string{"llama-bpe", "qwen2", "gpt-2", "llama-spm"} {
		path := filepath.Join(dir, "ggml-vocab-"+name+".gguf")
		tok := loadTokenizer(t, path)
		tok.cleanSpaces = false
		for _, c := range readVocabCases(t, path) {
			ids := tok.Encode(c.text, false, false)
			got := tok.Decode(ids, false, true)
			want := c.text
			if tok.kind == SPM {
				// SPM drops nothing but the added prefix space.
				want = c.text
			}
			if got != want && !bytes.ContainsRune([]byte(c.text), 0xFFFD) {
				t.Errorf("%s: %q decodes to %q", name, c.text, got)
			}
		}
	}
}
