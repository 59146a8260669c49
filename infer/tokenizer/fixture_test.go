package tokenizer

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/hfctl/hfctl/gguf"
)

// buildGGUF writes a vocab-only GGUF in memory and builds its tokenizer.
func buildGGUF(t testing.TB, kvs []gguf.KV) *Tokenizer {
	t.Helper()
	var buf bytes.Buffer
	if err := gguf.Write(&buf, kvs, nil, nil); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := FromGGUF(f, "fixture.gguf")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// spmFixture: <unk> <s> </s>, 256 byte tokens, then pieces with scores
// (longer = better), a user-defined <tool> and a control <|im_end|>.
func spmFixture(t testing.TB) *Tokenizer {
	toks := []string{"<unk>", "<s>", "</s>"}
	types := []int32{typeUnknown, typeControl, typeControl}
	for b := 0; b < 256; b++ {
		toks = append(toks, fmt.Sprintf("<0x%02X>", b))
		types = append(types, typeByte)
	}
	for _, p := range []string{"▁", "h", "e", "l", "o", "w", "r", "d", "he", "ll", "llo", "▁he", "▁hello", "▁w", "or", "▁wor", "ld", "▁world", "é", "▁é"} {
		toks = append(toks, p)
		types = append(types, typeNormal)
	}
	toks = append(toks, "<tool>", "<|im_end|>")
	types = append(types, typeUserDefined, typeControl)
	scores := make([]float32, len(toks))
	for i, s := range toks {
		scores[i] = float32(utf8.RuneCountInString(s)) - float32(i)/1000
	}
	return buildGGUF(t, []gguf.KV{
		{Key: gguf.KeyGeneralArchitecture, Value: gguf.String("llama")},
		{Key: gguf.KeyTokenizerModel, Value: gguf.String("llama")},
		{Key: gguf.KeyTokenizerTokens, Value: gguf.Strings(toks)},
		{Key: gguf.KeyTokenizerScores, Value: gguf.Float32s(scores)},
		{Key: gguf.KeyTokenizerTokenType, Value: gguf.Int32s(types)},
		{Key: gguf.KeyTokenizerBOSID, Value: gguf.Uint32(1)},
		{Key: gguf.KeyTokenizerEOSID, Value: gguf.Uint32(2)},
	})
}

// bpeFixture: a byte-level vocabulary (the 256 GPT-2 byte characters),
// merges for "hello", " world" and "ll", and two special tokens.
func bpeFixture(t testing.TB) *Tokenizer {
	var toks []string
	for b := 0; b < 256; b++ {
		toks = append(toks, byteToUnicode[b])
	}
	merges := []string{"l l", "h e", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d"}
	for _, m := range merges {
		i := bytes.IndexByte([]byte(m), ' ')
		toks = append(toks, m[:i]+m[i+1:])
	}
	toks = append(toks, "<|endoftext|>", "<|im_start|>", "<think>")
	types := make([]int32, len(toks))
	for i := range types {
		types[i] = typeNormal
	}
	types[len(types)-3], types[len(types)-2], types[len(types)-1] = typeControl, typeControl, typeUserDefined
	return buildGGUF(t, []gguf.KV{
		{Key: gguf.KeyGeneralArchitecture, Value: gguf.String("qwen2")},
		{Key: gguf.KeyTokenizerModel, Value: gguf.String("gpt2")},
		{Key: gguf.KeyTokenizerPre, Value: gguf.String("qwen2")},
		{Key: gguf.KeyTokenizerTokens, Value: gguf.Strings(toks)},
		{Key: gguf.KeyTokenizerTokenType, Value: gguf.Int32s(types)},
		{Key: gguf.KeyTokenizerMerges, Value: gguf.Strings(merges)},
		{Key: gguf.KeyTokenizerEOSID, Value: gguf.Uint32(uint32(len(toks) - 3))},
		{Key: gguf.KeyTokenizerAddBOS, Value: gguf.Bool(false)},
	})
}

func pieces(tok *Tokenizer, ids []int32) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = tok.Piece(id, true)
	}
	return out
}

func TestSPMFixture(t *testing.T) {
	tok := spmFixture(t)
	if tok.Kind() != SPM || !tok.AddBOS || tok.AddEOS {
		t.Fatalf("kind %v addBOS %v addEOS %v", tok.Kind(), tok.AddBOS, tok.AddEOS)
	}
	for _, c := range []struct {
		text         string
		special, bos bool
		want         []string
	}{
		{"hello world", false, true, []string{"<s>", " hello", " world"}},
		{"hello world", false, false, []string{" hello", " world"}},
		// byte fallback for characters the vocabulary lacks
		{"hi", false, false, []string{" ", "h", "i"}},
		{"€", false, false, []string{" ", "\xe2", "\x82", "\xac"}},
		// control tokens only with parse_special; user-defined always
		{"hello</s>world", true, false, []string{" hello", "</s>", " world"}},
		{"hello</s>", false, false, []string{" hello", "<", "/", "s", ">"}},
		{"<tool>hello", false, false, []string{"<tool>", " hello"}},
		{"", false, true, []string{"<s>"}},
	} {
		ids := tok.Encode(c.text, c.bos, c.special)
		got := pieces(tok, ids)
		if c.text == "hello</s>" {
			// "<", "/" … are not in the vocabulary: bytes
			got = got[:1]
			c.want = c.want[:1]
			if len(ids) != 5 {
				t.Errorf("%q: %d tokens, want 5 (hello + 4 bytes)", c.text, len(ids))
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}
	ids := tok.Encode("hello world é", true, false)
	if s := tok.Decode(ids[1:], false, false); s != "hello world é" {
		t.Errorf("decode: %q", s)
	}
	// llama.cpp keeps the prefix space when it removes the BOS itself.
	if s := tok.Decode(ids, true, false); s != " hello world é" {
		t.Errorf("decode removing BOS: %q", s)
	}
	if s := tok.Decode(tok.Encode("<|im_end|>", false, true), false, false); s != "" {
		t.Errorf("control token decodes to %q without unparse_special", s)
	}
	if s := tok.Decode(tok.Encode("<|im_end|>", false, true), false, true); s != "<|im_end|>" {
		t.Errorf("control token decodes to %q with unparse_special", s)
	}
	if !tok.IsEOG(2) || !tok.IsEOG(tok.ids["<|im_end|>"]) {
		t.Errorf("EOG set %v", tok.EOG())
	}
}

func TestBPEFixture(t *testing.T) {
	tok := bpeFixture(t)
	ids := tok.Encode("hello world<|im_start|>", true, true)
	got := pieces(tok, ids)
	want := []string{"hello", " world", "<|im_start|>"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	ids = tok.Encode("hello<|im_start|>", false, false)
	if got := tok.Decode(ids, false, false); got != "hello<|im_start|>" {
		t.Errorf("plain-text special token: %q", got)
	}
	if n := len(ids); n != 1+len("<|im_start|>") {
		t.Errorf("plain-text special token gave %d tokens", n)
	}
	// user-defined tokens are recognised even without parse_special
	if got := pieces(tok, tok.Encode("a<think>b", false, false)); !slices.Equal(got, []string{"a", "<think>", "b"}) {
		t.Errorf("user-defined: %q", got)
	}
	for _, s := range []string{"héllo wörld ✅ 😀", "\x00\x01 tab\there\r\n", "日本語のテキスト"} {
		if got := tok.Decode(tok.Encode(s, false, false), false, false); got != s {
			t.Errorf("round trip %q -> %q", s, got)
		}
	}
	// invalid UTF-8 becomes U+FFFD, as in llama.cpp
	if got := tok.Decode(tok.Encode("a\xffb", false, false), false, false); got != "a\uFFFDb" {
		t.Errorf("invalid UTF-8: %q", got)
	}
}

func TestStreamDecoder(t *testing.T) {
	tok := bpeFixture(t)
	s := "añ😀b"
	ids := tok.Encode(s, false, false)
	d := tok.NewStreamDecoder(false)
	var out string
	for _, id := range ids {
		chunk := d.Add(id)
		if !utf8.ValidString(chunk) {
			t.Fatalf("chunk %q is not valid UTF-8", chunk)
		}
		out += chunk
	}
	out += d.Flush()
	if out != s {
		t.Errorf("stream %q, want %q", out, s)
	}
}

func TestCleanSpaces(t *testing.T) {
	for in, want := range map[string]string{
		"Hello , world !":   "Hello, world!",
		"a ' b":             "a'b",
		"it 's I 'm we 're": "it's I'm we're",
		"don 't":            "don 't",
	} {
		if got := string(cleanSpaces([]byte(in))); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := gguf.Write(&buf, []gguf.KV{{Key: gguf.KeyGeneralArchitecture, Value: gguf.String("llama")}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	f, _ := gguf.Parse(buf.Bytes())
	if _, err := FromGGUF(f, "x.gguf"); err == nil {
		t.Error("no tokenizer: no error")
	}
	for _, kvs := range [][]gguf.KV{
		{{Key: gguf.KeyTokenizerModel, Value: gguf.String("sentencepiece-v9")}},
		{{Key: gguf.KeyTokenizerModel, Value: gguf.String("gpt2")}, {Key: gguf.KeyTokenizerPre, Value: gguf.String("no-such-pre")}},
		{{Key: gguf.KeyTokenizerModel, Value: gguf.String("gpt2")}, {Key: gguf.KeyTokenizerTokens, Value: gguf.Strings([]string{"a"})}},
		{{Key: gguf.KeyTokenizerModel, Value: gguf.String("llama")}, {Key: gguf.KeyTokenizerTokens, Value: gguf.Uint32(3)}},
		{{Key: gguf.KeyTokenizerModel, Value: gguf.String("llama")}, {Key: gguf.KeyTokenizerTokens, Value: gguf.Strings([]string{"a", "a"})}},
		{{Key: gguf.KeyTokenizerModel, Value: gguf.String("llama")}, {Key: gguf.KeyTokenizerTokens, Value: gguf.Strings([]string{"a", "b"})}, {Key: gguf.KeyTokenizerScores, Value: gguf.Float32s([]float32{1})}},
	} {
		buf.Reset()
		if err := gguf.Write(&buf, kvs, nil, nil); err != nil {
			t.Fatal(err)
		}
		f, err := gguf.Parse(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := FromGGUF(f, "x.gguf"); err == nil {
			t.Errorf("%v: no error", kvs)
		} else {
			t.Log(err)
		}
	}
}
