package pretok

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	for _, c := range []struct{ pre, name string }{
		{"", "default"},
		{"default", "default"},
		{"llama-bpe", "llama3"},
		{"llama3", "llama3"},
		{"llama-v3", "llama3"},
		{"qwen2", "qwen2"},
		{"deepseek-r1-qwen", "qwen2"},
		{"qwen35", "qwen35"},
		{"gpt-2", "gpt2"},
		{"roberta-bpe", "gpt2"},
		{"deepseek-llm", "deepseek_llm"},
		{"deepseek-v3", "deepseek3_llm"},
		{"falcon", "falcon"},
		{"starcoder", "starcoder"},
		{"mpt", "mpt"},
		{"refact", "refact"},
		{"command-r", "command_r"},
		{"deepseek-coder", "deepseek_coder"},
		{"tekken", "tekken"},
		{"smollm", "smollm"},
		{"gpt-4o", "gpt4o"},
		{"llama4", "gpt4o"},
		{"kimi-k2", "kimi_k2"},
		{"gemma4", "gemma4"},
		{"granite-embed-multi-311m", "gemma4"},
		{"chatglm-bpe", "chatglm4"},
		{"tiny_aya", "tiny_aya"},
	} {
		s, err := Lookup(c.pre)
		if err != nil {
			t.Errorf("%q: %v", c.pre, err)
			continue
		}
		if s.Name() != c.name {
			t.Errorf("%q: Name %q, want %q", c.pre, s.Name(), c.name)
		}
	}
	for _, bad := range []string{"llama", "Llama3", "gpt2", "jais2", "qwen3", "unknown", " llama3"} {
		_, err := Lookup(bad)
		if !errors.Is(err, ErrUnknown) {
			t.Errorf("%q: err %v, want ErrUnknown", bad, err)
		} else if !strings.Contains(err.Error(), "unknown pre-tokenizer type") || !strings.Contains(err.Error(), bad) {
			t.Errorf("%q: error %q does not say what is unknown", bad, err)
		}
	}
	for _, n := range Names() {
		if _, err := Lookup(n); err != nil {
			t.Errorf("%q: %v", n, err)
		}
	}
	if a, b := mustLookup(t, "llama-bpe"), mustLookup(t, "llama3"); a != b {
		t.Error("aliases of one type give different splitters")
	}
	for _, name := range Types() {
		if !slices.ContainsFunc(Names(), func(n string) bool { return aliases[n] == name }) {
			t.Errorf("type %s has no name", name)
		}
	}
	raw := []string{}
	for _, name := range Types() {
		if s, _ := byType(name); s.Raw() {
			raw = append(raw, name)
		}
	}
	if want := []string{"gemma4", "sarvam_moe", "whitespace"}; !slices.Equal(raw, want) {
		t.Errorf("raw types %v, want %v", raw, want)
	}
}

func mustLookup(t *testing.T, pre string) *Splitter {
	t.Helper()
	s, err := Lookup(pre)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// cppString decodes the body of a C++ string literal (the escapes
// llama-vocab.cpp uses).
func cppString(t *testing.T, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case '\\', '"', '\'':
			b.WriteByte(s[i])
		default:
			t.Fatalf("C++ escape \\%c", s[i])
		}
	}
	return b.String()
}

// TestRegexTableMatchesLlamaCpp reads llama.cpp's src/llama-vocab.cpp
// ($LLAMA_CPP_DIR) and checks our names, types and regexes against it.
func TestRegexTableMatchesLlamaCpp(t *testing.T) {
	dir := os.Getenv("LLAMA_CPP_DIR")
	if dir == "" {
		t.Skip("LLAMA_CPP_DIR not set")
	}
	b, err := os.ReadFile(filepath.Join(dir, "src", "llama-vocab.cpp"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	lit := regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)

	// The regexes: llm_tokenizer_bpe's constructor.
	i := strings.Index(src, "struct llm_tokenizer_bpe : llm_tokenizer {")
	j := strings.Index(src[i:], "std::vector<std::string> regex_exprs;")
	if i < 0 || j < 0 {
		t.Fatal("llm_tokenizer_bpe not found")
	}
	want := map[string]preType{}
	var labels []string
	var cur preType
	inList := false
	for _, line := range strings.Split(src[i:i+j], "\n") {
		l := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(l, "//"):
		case strings.HasPrefix(l, "case LLAMA_VOCAB_PRE_TYPE_"):
			labels = append(labels, strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(l, "case LLAMA_VOCAB_PRE_TYPE_"), ":")))
		case l == "default:":
			labels = append(labels, "default")
		case strings.HasPrefix(l, "regex_exprs = {"):
			inList = true
		case inList && l == "};":
			inList = false
		case inList:
			for _, m := range lit.FindAllStringSubmatch(l, -1) {
				cur.exprs = append(cur.exprs, cppString(t, m[1]))
			}
		case strings.HasPrefix(l, "byte_encode = false"):
			cur.raw = true
		case l == "break;" || l == "}" && len(labels) > 0 && len(cur.exprs) > 0:
			for _, name := range labels {
				want[name] = preType{name: name, raw: cur.raw, exprs: cur.exprs}
			}
			labels, cur = nil, preType{}
		}
	}
	if len(want) != len(preTypes) {
		t.Errorf("llama.cpp has %d types, we have %d", len(want), len(preTypes))
	}
	for _, p := range preTypes {
		w, ok := want[p.name]
		if !ok {
			t.Errorf("%s: not in llama.cpp", p.name)
			continue
		}
		if p.raw != w.raw || !slices.Equal(p.exprs, w.exprs) {
			t.Errorf("%s: ours %v %q\nllama.cpp %v %q", p.name, p.raw, p.exprs, w.raw, w.exprs)
		}
	}

	// The names: llama_vocab::impl::load.
	i = strings.Index(src, "if (tokenizer_pre.empty())")
	j = strings.Index(src[i:], "unknown pre-tokenizer type")
	if i < 0 || j < 0 {
		t.Fatal("tokenizer_pre mapping not found")
	}
	names := map[string]string{}
	var pending []string
	preName := regexp.MustCompile(`tokenizer_pre == "([^"]+)"`)
	preType := regexp.MustCompile(`pre_type = LLAMA_VOCAB_PRE_TYPE_(\w+);`)
	for _, line := range strings.Split(src[i:i+j], "\n") {
		for _, m := range preName.FindAllStringSubmatch(line, -1) {
			pending = append(pending, m[1])
		}
		if m := preType.FindStringSubmatch(line); m != nil {
			for _, n := range pending {
				names[n] = strings.ToLower(m[1])
			}
			pending = nil
		}
	}
	if len(names) != len(aliases) {
		t.Errorf("llama.cpp has %d names, we have %d", len(names), len(aliases))
	}
	for n, typ := range names {
		if aliases[n] != typ {
			t.Errorf("%q: ours %q, llama.cpp %q", n, aliases[n], typ)
		}
	}
}
