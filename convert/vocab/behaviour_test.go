package vocab

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/gguf"
)

// TestMistralLlamaHF: Mistral-7B's tokenizer.json (SentencePiece-style BPE
// with byte_fallback, no tokenizer.model) goes the _set_vocab_llama_hf path.
func TestMistralLlamaHF(t *testing.T) {
	td := testdataDir(t)
	dir := modelDir(t, filepath.Join(td, "tokenizers", "mistral"), map[string][]byte{
		"config.json": mustJSON(map[string]any{"architectures": []string{"MistralForCausalLM"}, "vocab_size": 32000, "bos_token_id": 1, "eos_token_id": 2}),
	})
	kvs := exportDir(t, "MistralForCausalLM", dir)
	wantKeys := []string{keyModel, keyPre, keyTokens, keyScores, keyTokenType,
		"tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id",
		addSpecialKeys["bos"], addSpecialKeys["sep"], addSpecialKeys["eos"]}
	if got := keysOf(kvs); !reflect.DeepEqual(got, wantKeys) {
		t.Fatalf("keys\n got  %v\n want %v", got, wantKeys)
	}
	m := kvMap(kvs)
	if s := str(t, m[keyModel]); s != "llama" {
		t.Errorf("model %q", s)
	}
	if s := str(t, m[keyPre]); s != "default" {
		t.Errorf("pre %q", s)
	}
	toks, types, scores := strArray(t, m[keyTokens]), i32Array(t, m[keyTokenType]), f32Array(t, m[keyScores])
	if len(toks) != 32000 || len(types) != 32000 || len(scores) != 32000 {
		t.Fatalf("sizes %d %d %d", len(toks), len(types), len(scores))
	}
	for id, want := range map[int]string{0: "<unk>", 1: "<s>", 2: "</s>", 3: "<0x00>", 13: "<0x0A>", 258: "<0xFF>", 28705: "▁", 290: "▁m", 272: "▁the", 22557: "▁Hello"} {
		if toks[id] != want {
			t.Errorf("token %d = %q, want %q", id, toks[id], want)
		}
	}
	for i, ty := range types {
		want := ttNormal
		switch {
		case i <= 2:
			want = ttControl // LlamaHfVocab: special tokens are CONTROL, <unk> included
		case i < 3+256:
			want = ttByte
		}
		if ty != want {
			t.Fatalf("token %d (%q) type %d, want %d", i, toks[i], ty, want)
		}
	}
	for i, s := range scores {
		if s != -1000 {
			t.Fatalf("score %d = %v, want -1000", i, s)
		}
	}
	for k, want := range map[string]int64{"tokenizer.ggml.bos_token_id": 1, "tokenizer.ggml.eos_token_id": 2, "tokenizer.ggml.unknown_token_id": 0} {
		if got := uintVal(t, m[k]); got != want {
			t.Errorf("%s = %d, want %d", k, got, want)
		}
	}
	for k, want := range map[string]bool{"bos": true, "sep": false, "eos": false} {
		if b, _ := m[addSpecialKeys[k]].Bool(); b != want {
			t.Errorf("add_%s_token = %v, want %v", k, b, want)
		}
	}
}

// TestEncodeVocabCases runs the Go tokenizer pipeline on llama.cpp's
// tokenizer test cases (HF ids with add_special_tokens=False).
func TestEncodeVocabCases(t *testing.T) {
	td := testdataDir(t)
	for _, c := range []struct{ tok, vocab string }{{"llama3", "llama-bpe"}, {"qwen3", "qwen2"}, {"gpt2", "gpt-2"}} {
		t.Run(c.vocab, func(t *testing.T) {
			x := &exporter{dir: filepath.Join(td, "tokenizers", c.tok), hparams: map[string]any{}, w: newKVList()}
			h, err := x.loadHFTokenizer()
			if err != nil {
				t.Fatal(err)
			}
			p, err := h.pipeline()
			if err != nil {
				t.Fatal(err)
			}
			p.post = nil // add_special_tokens=False
			inp, err := os.ReadFile(filepath.Join(td, "vocab", "ggml-vocab-"+c.vocab+".gguf.inp"))
			if err != nil {
				t.Fatal(err)
			}
			out, err := os.ReadFile(filepath.Join(td, "vocab", "ggml-vocab-"+c.vocab+".gguf.out"))
			if err != nil {
				t.Fatal(err)
			}
			cases := strings.Split(string(inp), "\n__ggml_vocab_test__\n")
			if cases[len(cases)-1] == "" {
				cases = cases[:len(cases)-1]
			}
			lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			if len(lines) != len(cases) {
				t.Fatalf("%d cases, %d expected lines", len(cases), len(lines))
			}
			for i, cs := range cases {
				ids, err := p.encode(cs)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, id := range ids {
					got = append(got, fmt.Sprint(id))
				}
				if g, w := strings.Join(got, " "), strings.Join(strings.Fields(lines[i]), " "); g != w {
					t.Errorf("case %d %q:\n got  %s\n want %s", i, cs, g, w)
				}
			}
		})
	}
}

// TestPreHash checks the check-text digests of the real tokenizers.
func TestPreHash(t *testing.T) {
	td := testdataDir(t)
	for _, c := range []struct{ tok, hash, name string }{
		{"llama3", "c136ed14d01c2745d4f60a9596ae66800e2b61fa45643e72436041855ad4089d", "smaug-bpe"},
		{"qwen3", "e636dc30a262dcc0d8c323492e32ae2b70728f4df7dfe9737d9f920a282b8aea", "qwen2"},
		{"gpt2", "3ce83efda5659b07b1ad37ca97ca5797ea4285d9b9ab0dc679e4a720c9da7454", "gpt-2"},
	} {
		x := &exporter{dir: filepath.Join(td, "tokenizers", c.tok), hparams: map[string]any{}, w: newKVList()}
		h, err := x.loadHFTokenizer()
		if err != nil {
			t.Fatal(err)
		}
		hash, ids, err := h.chkHash()
		if err != nil {
			t.Fatal(err)
		}
		if hash != c.hash {
			t.Errorf("%s: chkhsh %s, want %s", c.tok, hash, c.hash)
		}
		if name, _ := lookupPreHash(hash); name != c.name {
			t.Errorf("%s: pre %q, want %q", c.tok, name, c.name)
		}
		if c.tok == "llama3" {
			// With the BOS that Meta's current tokenizer.json adds, the
			// digest is the llama-bpe entry.
			if name, _ := lookupPreHash(pyListHash(append([]int64{128000}, ids...))); name != "llama-bpe" {
				t.Errorf("llama3 with BOS: pre %q, want llama-bpe", name)
			}
		}
		// The configuration signature agrees.
		sig, ok := h.preSignature()
		want := c.name
		if want == "smaug-bpe" {
			want = "llama-bpe" // same regex; the signature cannot see the BOS
		}
		if !ok || sig != want {
			t.Errorf("%s: signature %q %v, want %q", c.tok, sig, ok, want)
		}
	}
}

func TestPreHashTable(t *testing.T) {
	if len(preHashes) != 93 {
		t.Errorf("%d entries, want 93 (every if of get_vocab_base_pre)", len(preHashes))
	}
	// Two digests appear twice in the Python chain; the later entry wins.
	for hash, want := range map[string]string{
		"b6dc8df998e1cfbdc4eac8243701a65afe638679230920b50d6f17d81c098166": "olmo",       // mpt, then olmo
		"0876d13b50744004aa9aeae05e7b0647eac9d801b5ba4668afc01e709c15e19f": "jina-v2-en", // bert-bge, then jina-v2-en
		"0ef9807a4087ebef797fc749390439009c3b9eda9ad1a097abbe738f486c01e5": "llama-bpe",
	} {
		if got, _ := lookupPreHash(hash); got != want {
			t.Errorf("%s…: %q, want %q", hash[:8], got, want)
		}
	}
	if pyListHash(nil) != sha256Hex([]byte("[]")) || pyListHash([]int64{1, 22}) != sha256Hex([]byte("[1, 22]")) {
		t.Error("pyListHash does not hash Python's str(list)")
	}
}

// TestUnknownPreTokenizer: a digest not in the table falls back to the
// signature; with neither, Export fails naming the file.
func TestUnknownPreTokenizer(t *testing.T) {
	var logged []string
	old := Logf
	Logf = func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }
	defer func() { Logf = old }()

	vocab := map[string]int{}
	for b := 0; b < 256; b++ {
		vocab[string(byteToRune[b])] = b
	}
	vocab["ĠĠ"] = 256
	mk := func(pre string) string {
		tj := `{"version":"1.0","added_tokens":[],"normalizer":null,"pre_tokenizer":` + pre +
			`,"post_processor":null,"decoder":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":` + string(mustJSON(vocab)) +
			`,"merges":[["Ġ","Ġ"]]}}`
		return modelDir(t, "", map[string][]byte{"tokenizer.json": []byte(tj), "config.json": []byte(`{"vocab_size":257}`)})
	}
	// The Qwen2 regex with a vocabulary of bytes only: unknown digest,
	// known signature.
	dir := mk(`{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":` + string(mustJSON(qwen2Regex)) + `},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":false,"use_regex":false}]}`)
	kvs, err := Export("Qwen2ForCausalLM", dir, map[string]any{"vocab_size": 257.0})
	if err != nil {
		t.Fatal(err)
	}
	if got := str(t, kvMap(kvs)[keyPre]); got != "qwen2" {
		t.Errorf("pre %q, want qwen2", got)
	}
	if len(logged) == 0 || !strings.Contains(strings.Join(logged, "\n"), "not in llama.cpp's table") {
		t.Errorf("no warning logged: %q", logged)
	}

	dir = mk(`{"type":"Split","pattern":{"String":"x"},"behavior":"Removed","invert":false}`)
	_, err = Export("Qwen2ForCausalLM", dir, map[string]any{"vocab_size": 257.0})
	if err == nil || !strings.Contains(err.Error(), "not recognized") || !strings.Contains(err.Error(), filepath.Join(dir, "tokenizer.json")) {
		t.Errorf("error %v", err)
	}
}

func TestErrors(t *testing.T) {
	td := testdataDir(t)
	empty := modelDir(t, "", map[string][]byte{"config.json": []byte(`{}`)})
	_, err := Export("LlamaForCausalLM", empty, nil)
	if err == nil || !strings.Contains(err.Error(), empty) {
		t.Fatalf("missing files: %v", err)
	}
	for _, f := range []string{"tokenizer.model", "tokenizer.json", "vocab.json + merges.txt", "encoder.json + vocab.bpe"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not list %s", err, f)
		}
	}
	if _, err := Probe(empty); err == nil || !strings.Contains(err.Error(), empty) {
		t.Errorf("Probe on empty folder: %v", err)
	}

	bad := modelDir(t, "", map[string][]byte{"tokenizer.json": []byte(`{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [`)})
	_, err = Export("Qwen2ForCausalLM", bad, nil)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(bad, "tokenizer.json")) {
		t.Errorf("malformed tokenizer.json: %v", err)
	}
	bad = modelDir(t, "", map[string][]byte{"tokenizer.model": []byte("\x0a\x05\x0a\x01")})
	_, err = Export("LlamaForCausalLM", bad, nil)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(bad, "tokenizer.model")) {
		t.Errorf("malformed tokenizer.model: %v", err)
	}
	_, err = Export("GPTNeoXForCausalLM", filepath.Join(td, "models", "tiny-shakespeare"), nil)
	if err == nil || !strings.Contains(err.Error(), "GPTNeoXForCausalLM") {
		t.Errorf("unsupported architecture: %v", err)
	}
	bad = modelDir(t, filepath.Join(td, "models", "tiny-shakespeare"), map[string][]byte{"tokenizer_config.json": []byte(`{"add_bos_token": tru`)})
	_, err = Export("LlamaForCausalLM", bad, readHParams(t, bad))
	if err == nil || !strings.Contains(err.Error(), "tokenizer_config.json") {
		t.Errorf("malformed tokenizer_config.json: %v", err)
	}
}

func TestProbe(t *testing.T) {
	td := testdataDir(t)
	for dir, want := range map[string]string{
		filepath.Join(td, "models", "tiny-shakespeare"): "sentencepiece BPE, 32000 pieces, byte fallback (tokenizer.model)",
		filepath.Join(td, "tokenizers", "llama3"):       "byte-level BPE, 128256 tokens (tokenizer.json)",
		filepath.Join(td, "tokenizers", "mistral"):      "SentencePiece-style BPE with byte fallback, 32000 tokens (tokenizer.json)",
		filepath.Join(td, "tokenizers", "gpt2"):         "GPT-2 byte-level BPE, 50257 tokens (encoder.json + vocab.bpe)",
	} {
		got, err := Probe(dir)
		if err != nil || got != want {
			t.Errorf("Probe(%s) = %q, %v; want %q", filepath.Base(dir), got, err, want)
		}
	}
}

// ---- hand-built inputs ----

// pbField appends a protobuf field.
func pbVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func pbBytes(b []byte, num int, data []byte) []byte {
	b = pbVarint(b, uint64(num)<<3|wireBytes)
	b = pbVarint(b, uint64(len(data)))
	return append(b, data...)
}

func pbPiece(piece string, score float32, typ int) []byte {
	var p []byte
	p = pbBytes(p, 1, []byte(piece))
	p = pbVarint(p, 2<<3|wireFixed32)
	p = binary.LittleEndian.AppendUint32(p, math.Float32bits(score))
	if typ != 0 {
		p = pbVarint(p, 3<<3|wireVarint)
		p = pbVarint(p, uint64(typ))
	}
	return p
}

func spModelBytes(pieces [][]byte, trainer []byte) []byte {
	var m []byte
	for _, p := range pieces {
		m = pbBytes(m, 1, p)
	}
	if trainer != nil {
		m = pbBytes(m, 2, trainer)
	}
	return m
}

func TestSentencePieceParse(t *testing.T) {
	pieces := [][]byte{pbPiece("<unk>", 0, spUnknown), pbPiece("<s>", 0, spControl), pbPiece("▁a", -1.5, 0), pbPiece("<x>", 0, spUserDefined), pbPiece("u", -3, spUnused)}
	m, err := parseSentencePiece(spModelBytes(pieces, nil))
	if err != nil {
		t.Fatal(err)
	}
	want := []spPiece{{"<unk>", 0, spUnknown}, {"<s>", 0, spControl}, {"▁a", -1.5, spNormal}, {"<x>", 0, spUserDefined}, {"u", -3, spUnused}}
	if !reflect.DeepEqual(m.Pieces, want) {
		t.Errorf("pieces %+v", m.Pieces)
	}
	// Export: USER_DEFINED pieces are NORMAL for _create_vocab_sentencepiece.
	dir := modelDir(t, "", map[string][]byte{"tokenizer.model": spModelBytes(pieces, nil), "config.json": []byte(`{"vocab_size": 7}`)})
	kvs, err := Export("LlamaForCausalLM", dir, map[string]any{"vocab_size": 7.0})
	if err != nil {
		t.Fatal(err)
	}
	mm := kvMap(kvs)
	if got := strArray(t, mm[keyTokens]); !reflect.DeepEqual(got, []string{"<unk>", "<s>", "▁a", "<x>", "u", "[PAD5]", "[PAD6]"}) {
		t.Errorf("tokens %q", got)
	}
	if got := i32Array(t, mm[keyTokenType]); !reflect.DeepEqual(got, []int32{2, 3, 1, 1, 5, 5, 5}) {
		t.Errorf("types %v", got)
	}
	if got := f32Array(t, mm[keyScores]); !reflect.DeepEqual(got, []float32{0, 0, -1.5, 0, -3, -10000, -10000}) {
		t.Errorf("scores %v", got)
	}

	for name, data := range map[string][]byte{
		"no unk":          spModelBytes([][]byte{pbPiece("a", 0, 0)}, nil),
		"two unk":         spModelBytes([][]byte{pbPiece("a", 0, spUnknown), pbPiece("b", 0, spUnknown)}, nil),
		"duplicate":       spModelBytes([][]byte{pbPiece("<unk>", 0, spUnknown), pbPiece("a", 0, 0), pbPiece("a", 0, 0)}, nil),
		"empty piece":     spModelBytes([][]byte{pbPiece("<unk>", 0, spUnknown), pbPiece("", 0, 0)}, nil),
		"byte no flag":    spModelBytes([][]byte{pbPiece("<unk>", 0, spUnknown), pbPiece("<0x00>", 0, spByte)}, nil),
		"bytes missing":   spModelBytes([][]byte{pbPiece("<unk>", 0, spUnknown), pbPiece("<0x00>", 0, spByte)}, pbVarint(pbVarint(nil, 35<<3), 1)),
		"truncated":       spModelBytes(pieces, nil)[:20],
		"bad wire type":   {0x0b},
		"huge length":     {0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"no pieces":       {},
		"invalid utf8":    spModelBytes([][]byte{pbPiece("<unk>", 0, spUnknown), pbPiece("\xff", 0, 0)}, nil),
		"field number 0":  {0x02, 0x00},
		"overlong varint": {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	} {
		if _, err := parseSentencePiece(data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestKVListOrder(t *testing.T) {
	l := newKVList()
	l.set("a", gguf.Uint32(1))
	l.set("b", gguf.Uint32(2))
	l.set("a", gguf.Uint32(3))
	l.setString("empty", "")
	l.setStrings("none", nil)
	l.set("c", gguf.Bool(true))
	l.remove("b")
	if got := keysOf(l.kvs); !reflect.DeepEqual(got, []string{"a", "c"}) {
		t.Fatalf("keys %v", got)
	}
	if n, _ := l.kvs[0].Value.Int(); n != 3 {
		t.Errorf("a = %d", n)
	}
	l.set("b", gguf.Bool(false))
	if got := keysOf(l.kvs); !reflect.DeepEqual(got, []string{"a", "c", "b"}) {
		t.Fatalf("keys after re-add %v", got)
	}
}

// TestSpecialVocabRules exercises SpecialVocab details on small folders
// built around the tiny-shakespeare tokenizer.model.
func TestSpecialVocabRules(t *testing.T) {
	td := testdataDir(t)
	src := filepath.Join(td, "models", "tiny-shakespeare")
	run := func(t *testing.T, arch string, files map[string][]byte) []gguf.KV {
		t.Helper()
		dir := modelDir(t, src, files)
		return exportDir(t, arch, dir)
	}

	t.Run("add_prefix_space first", func(t *testing.T) {
		kvs := run(t, "LlamaForCausalLM", map[string][]byte{"tokenizer_config.json": []byte(`{"add_prefix_space": false, "add_bos_token": true}`)})
		if kvs[0].Key != keyAddSpacePrefix {
			t.Fatalf("first key %s", kvs[0].Key)
		}
		if b, _ := kvs[0].Value.Bool(); b {
			t.Error("add_space_prefix true")
		}
	})

	t.Run("chat_template.jinja", func(t *testing.T) {
		kvs := run(t, "LlamaForCausalLM", map[string][]byte{
			"tokenizer_config.json":                    []byte(`{"bos_token": "<s>"}`),
			"chat_template.jinja":                      []byte("{{ a }}\r\n{{ b }}\r"),
			"additional_chat_templates/tool_use.jinja": []byte("T"),
			"additional_chat_templates/rag-x.jinja":    []byte("R"),
		})
		m := kvMap(kvs)
		if got := str(t, m[keyChatTemplate]); got != "{{ a }}\n{{ b }}\n" {
			t.Errorf("default template %q", got)
		}
		if got := str(t, m[keyChatTemplate+".tool_use"]); got != "T" {
			t.Errorf("tool_use %q", got)
		}
		if got := str(t, m[keyChatTemplate+".rag_x"]); got != "R" {
			t.Errorf("rag_x %q", got)
		}
		if got := strArray(t, m[keyChatTemplates]); !reflect.DeepEqual(got, []string{"rag_x", "tool_use"}) {
			t.Errorf("names %q", got)
		}
		keys := keysOf(kvs)
		if keys[len(keys)-1] != keyChatTemplate {
			t.Errorf("default template not written last: %v", keys)
		}
	})

	t.Run("tokenizer_config template wins; null means none", func(t *testing.T) {
		kvs := run(t, "LlamaForCausalLM", map[string][]byte{
			"tokenizer_config.json": []byte(`{"chat_template": "A"}`),
			"chat_template.json":    []byte(`{"chat_template": "B"}`),
		})
		if got := str(t, kvMap(kvs)[keyChatTemplate]); got != "A" {
			t.Errorf("template %q", got)
		}
		kvs = run(t, "LlamaForCausalLM", map[string][]byte{
			"tokenizer_config.json": []byte(`{"chat_template": null}`),
			"chat_template.json":    []byte(`{"chat_template": "B"}`),
		})
		if _, ok := kvMap(kvs)[keyChatTemplate]; ok {
			t.Error("template written for chat_template: null")
		}
		kvs = run(t, "LlamaForCausalLM", map[string][]byte{
			"tokenizer_config.json": []byte(`{"x": 1}`),
			"chat_template.json":    []byte(`{"chat_template": "B"}`),
		})
		if got := str(t, kvMap(kvs)[keyChatTemplate]); got != "B" {
			t.Errorf("template %q", got)
		}
	})

	t.Run("config ids order and range", func(t *testing.T) {
		kvs := run(t, "LlamaForCausalLM", map[string][]byte{
			"config.json": []byte(`{"vocab_size": 32000, "pad_token_id": 0, "eos_token_id": [2, 3], "bos_token_id": 1.0, "unk_token_id": 40000, "text_config": {"sep_token_id": 5}}`),
		})
		var ids []string
		for _, kv := range kvs {
			if strings.HasSuffix(kv.Key, "_id") {
				ids = append(ids, fmt.Sprintf("%s=%d", kv.Key, uintVal(t, kv.Value)))
			}
		}
		want := []string{"tokenizer.ggml.seperator_token_id=5", "tokenizer.ggml.padding_token_id=0"}
		if !reflect.DeepEqual(ids, want) {
			t.Errorf("ids %v, want %v", ids, want)
		}
	})

	t.Run("negative id", func(t *testing.T) {
		dir := modelDir(t, src, map[string][]byte{"config.json": []byte(`{"bos_token_id": -1}`)})
		if _, err := Export("LlamaForCausalLM", dir, nil); err == nil {
			t.Error("no error for a negative token id")
		}
	})

	t.Run("CodeLlama", func(t *testing.T) {
		kvs := run(t, "LlamaForCausalLM", map[string][]byte{"config.json": []byte(`{"vocab_size": 32016, "bos_token_id": 1, "eos_token_id": 2}`)})
		m := kvMap(kvs)
		if got := uintVal(t, m["tokenizer.ggml.eot_token_id"]); got != 32010 {
			t.Errorf("eot %d", got)
		}
		for _, k := range []string{"tokenizer.ggml.prefix_token_id", "tokenizer.ggml.fim_pre_token_id"} {
			if _, ok := m[k]; ok {
				t.Errorf("%s written; gguf-py has no handler for it", k)
			}
		}
		if n := len(strArray(t, m[keyTokens])); n != 32016 {
			t.Errorf("%d tokens", n)
		}
		if keys := keysOf(kvs); keys[len(keys)-1] != "tokenizer.ggml.eot_token_id" {
			t.Errorf("eot not last: %v", keys)
		}
	})

	t.Run("Granite", func(t *testing.T) {
		kvs := run(t, "LlamaForCausalLM", map[string][]byte{"config.json": []byte(`{"vocab_size": 49152}`)})
		m := kvMap(kvs)
		if b, ok := m[addSpecialKeys["bos"]].Bool(); !ok || b {
			t.Errorf("add_bos_token %v", m[addSpecialKeys["bos"]])
		}
		// add_bos was set by tokenizer_config first; the override keeps its place.
		keys := keysOf(kvs)
		if keys[len(keys)-2] != addSpecialKeys["bos"] {
			t.Errorf("order %v", keys)
		}
	})

	t.Run("added_tokens.json", func(t *testing.T) {
		kvs := run(t, "LlamaForCausalLM", map[string][]byte{
			"config.json":       []byte(`{"vocab_size": 32002}`),
			"added_tokens.json": []byte(`{"<extra>": 32000, "<big>": 40000}`),
		})
		m := kvMap(kvs)
		toks, types := strArray(t, m[keyTokens]), i32Array(t, m[keyTokenType])
		if toks[32000] != "<extra>" || types[32000] != ttUserDefined || toks[32001] != "[PAD32001]" || types[32001] != ttUnused {
			t.Errorf("tail %q %v", toks[32000:], types[32000:])
		}
	})

	t.Run("added_tokens_decoder user-defined", func(t *testing.T) {
		kvs := run(t, "LlamaForCausalLM", map[string][]byte{
			"tokenizer_config.json": []byte(`{"added_tokens_decoder": {"5": {"content": "▁hi▁", "special": false}, "6": {"content": "<|x|>"}}}`),
		})
		m := kvMap(kvs)
		toks, types, scores := strArray(t, m[keyTokens]), i32Array(t, m[keyTokenType]), f32Array(t, m[keyScores])
		if toks[5] != " hi " || types[5] != ttUserDefined || scores[5] != -1000 {
			t.Errorf("token 5: %q %d %v", toks[5], types[5], scores[5])
		}
		if toks[6] != "<|x|>" || types[6] != ttControl {
			t.Errorf("token 6: %q %d", toks[6], types[6])
		}
	})
}

// TestTemplateProcessingEOT: a trailing special token in
// TemplateProcessing<single> that is not the configured EOS becomes the EOS,
// and the configured one the EOT, as SpecialVocab does.
func TestTemplateProcessingEOT(t *testing.T) {
	tj := `{"added_tokens":[{"id":3,"content":"<eot>","special":true},{"id":4,"content":"<end>","special":true},{"id":5,"content":"<bos>","special":true}],
	"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<bos>"}},{"Sequence":{"id":"A"}},{"SpecialToken":{"id":"<end>"}}],
	"pair":[],"special_tokens":{}},"model":{"type":"WordPiece","vocab":{}}}`
	dir := modelDir(t, "", map[string][]byte{
		"tokenizer.json":        []byte(tj),
		"tokenizer_config.json": []byte(`{"eos_token": "<eot>", "bos_token": "<bos>"}`),
	})
	x := &exporter{dir: dir, hparams: map[string]any{}, w: newKVList()}
	sv, err := x.newSpecialVocab(false, nil, -1)
	if err != nil {
		t.Fatal(err)
	}
	if err := sv.addTo(x.w); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, kv := range x.w.kvs {
		got = append(got, fmt.Sprintf("%s=%v", strings.TrimPrefix(kv.Key, "tokenizer.ggml."), kv.Value.X))
	}
	want := []string{"bos_token_id=5", "eos_token_id=4", "eot_token_id=3", "add_bos_token=true", "add_eos_token=true"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

// TestMergesPairsWithSpaces: [a, b] merges are joined with a space; spaces
// inside a part become U+0120 as in SpecialVocab.
func TestMergesPairsWithSpaces(t *testing.T) {
	dir := modelDir(t, "", map[string][]byte{"tokenizer.json": []byte(`{"model":{"type":"BPE","vocab":{"a b":0,"c":1,"a bc":2},"merges":[["a b","c"]]}}`)})
	x := &exporter{dir: dir, w: newKVList()}
	sv, err := x.newSpecialVocab(true, nil, -1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sv.merges, []string{"aĠb c"}) {
		t.Errorf("merges %q", sv.merges)
	}
	if _, _, _, err := scanMerges([]byte(`["a b", ["c", "d"]]`)); err == nil {
		t.Error("mixed merges accepted")
	}
}

func TestMergesTxt(t *testing.T) {
	dir := modelDir(t, "", map[string][]byte{"merges.txt": []byte("#version: 0.2\r\nĠ t\n\nbad\nh e x\r\n  i n  \n")})
	got, err := readMergesTxt(filepath.Join(dir, "merges.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Ġ t", "i n"}; !reflect.DeepEqual(got, want) {
		t.Errorf("merges %q, want %q", got, want)
	}
}

func TestLooksSpecial(t *testing.T) {
	for tok, want := range map[string]bool{"<|x|>": true, "<|>": true, "<｜a｜>": true, "<unused12>": true, "<pad>": true, "<mask>": true, "[@BOS@]": true, "<s>": false, "<think>": false, "<|x": false} {
		if looksSpecial(tok) != want {
			t.Errorf("%q: %v", tok, !want)
		}
	}
}

func TestPyJSON(t *testing.T) {
	v, err := decodePy([]byte(`{"b": 1, "a": [1.0, true, null], "b": 2}`))
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*pyDict)
	if !reflect.DeepEqual(d.keys, []string{"b", "a"}) || fmt.Sprint(d.val("b")) != "2" {
		t.Errorf("dict %v %v", d.keys, d.m)
	}
	if _, ok, _ := pyInt(d.val("a").([]any)[0]); ok {
		t.Error("1.0 taken for an int")
	}
	if n, ok, _ := pyInt(true); !ok || n != 1 {
		t.Error("True is the int 1 in Python")
	}
	for _, bad := range []string{`{"a":1} x`, `[`, "\"\xff\"", strings.Repeat("[", 600) + strings.Repeat("]", 600)} {
		if _, err := decodePy([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if !errors.Is(unsupported("x"), errUnsupported) {
		t.Error("unsupported does not wrap errUnsupported")
	}
}
