// Package tokenizer turns text into token ids and back using only a GGUF
// file's tokenizer.ggml.* metadata, with llama.cpp's semantics (build
// b10470): SentencePiece-style BPE by scores ("llama"), byte-level BPE by
// merge rank ("gpt2", with the pre-tokenizer named by tokenizer.ggml.pre),
// Gemma 4's SPM-style BPE ("gemma4"), WordPiece ("bert"), Unigram ("t5") and
// RWKV's greedy trie ("rwkv").
//
// Special tokens (control, user-defined, unknown) are found in the text
// first, longest first, as llama.cpp's tokenizer_st_partition does; with
// parseSpecial false only user-defined tokens are, so control tokens are
// never produced from plain text.
//
// A Tokenizer is safe for concurrent use.
package tokenizer

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/infer/tokenizer/pretok"
)

// Attr is a token attribute bit set, as llama_token_attr.
type Attr uint32

const (
	AttrUndefined   Attr = 0
	AttrUnknown     Attr = 1 << 0
	AttrUnused      Attr = 1 << 1
	AttrNormal      Attr = 1 << 2
	AttrControl     Attr = 1 << 3
	AttrUserDefined Attr = 1 << 4
	AttrByte        Attr = 1 << 5
	AttrNormalized  Attr = 1 << 6
	AttrLStrip      Attr = 1 << 7
	AttrRStrip      Attr = 1 << 8
	AttrSingleWord  Attr = 1 << 9
)

// GGUF token types (tokenizer.ggml.token_type).
const (
	typeUndefined   = 0
	typeNormal      = 1
	typeUnknown     = 2
	typeControl     = 3
	typeUserDefined = 4
	typeUnused      = 5
	typeByte        = 6
)

// Kind is the tokenizer algorithm.
type Kind int

const (
	SPM  Kind = iota + 1 // "llama": SentencePiece BPE by scores
	BPE                  // "gpt2", "gemma4": BPE by merge rank
	WPM                  // "bert": WordPiece
	UGM                  // "t5": Unigram
	RWKV                 // "rwkv": greedy longest match
)

func (k Kind) String() string {
	switch k {
	case SPM:
		return "SPM"
	case BPE:
		return "BPE"
	case WPM:
		return "WPM"
	case UGM:
		return "UGM"
	case RWKV:
		return "RWKV"
	}
	return "unknown"
}

// None is the id of an absent special token.
const None int32 = -1

// ErrNoVocab: the GGUF has no usable tokenizer metadata.
var ErrNoVocab = errors.New("no tokenizer in GGUF")

// Special holds the special token ids (None when absent).
type Special struct {
	BOS, EOS, EOT, EOM, UNK, SEP, PAD, Mask int32
	FIMPre, FIMSuf, FIMMid, FIMPad, FIMRep  int32
	FIMSep                                  int32
}

// Tokenizer is a vocabulary with its encoding algorithm.
type Tokenizer struct {
	kind  Kind
	model string // tokenizer.ggml.model
	pre   string // tokenizer.ggml.pre as given

	tokens []string
	scores []float32
	attrs  []Attr
	ids    map[string]int32

	Special Special
	eog     map[int32]bool

	AddBOS, AddEOS, AddSEP bool
	addSpacePrefix         bool
	removeExtraWhitespaces bool
	escapeWhitespaces      bool
	ignoreMerges           bool
	cleanSpaces            bool
	lowercase              bool // WPM normalizer
	stripAccents           bool
	byteEncode             bool // BPE: GPT-2 byte-to-unicode encoding of pieces

	maxTokenLen int
	special     []int32 // control/user-defined/unknown ids, longest text first
	pieces      []string
	byteTokens  [256]int32 // token for each byte (byte fallback / byte-level), None if absent

	bpe *bpeModel
	ugm *ugmModel
	rw  *trie

	wordCache sync.Map // BPE: pre-tokenized word -> []int32 (bounded by cacheLimit)
	cacheN    int64
}

// Kind returns the tokenizer algorithm.
func (t *Tokenizer) Kind() Kind { return t.kind }

// Model returns tokenizer.ggml.model.
func (t *Tokenizer) Model() string { return t.model }

// Pre returns tokenizer.ggml.pre (empty when absent).
func (t *Tokenizer) Pre() string { return t.pre }

// NumTokens is the vocabulary size.
func (t *Tokenizer) NumTokens() int { return len(t.tokens) }

// Token returns the text of token id as stored in the vocabulary.
func (t *Tokenizer) Token(id int32) string {
	if id < 0 || int(id) >= len(t.tokens) {
		return ""
	}
	return t.tokens[id]
}

// Attr returns the attributes of token id.
func (t *Tokenizer) Attr(id int32) Attr {
	if id < 0 || int(id) >= len(t.attrs) {
		return AttrUndefined
	}
	return t.attrs[id]
}

// Lookup returns the id of a token text.
func (t *Tokenizer) Lookup(text string) (int32, bool) {
	id, ok := t.ids[text]
	return id, ok
}

// IsEOG reports whether id ends generation (EOS, EOT, EOM and the
// end-of-turn tokens llama.cpp recognises by their text).
func (t *Tokenizer) IsEOG(id int32) bool { return t.eog[id] }

// EOG returns the end-of-generation ids, sorted.
func (t *Tokenizer) EOG() []int32 {
	out := make([]int32, 0, len(t.eog))
	for id := range t.eog {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// IsControl reports whether id is a control token.
func (t *Tokenizer) IsControl(id int32) bool { return t.Attr(id)&AttrControl != 0 }

// preFlags are the per-pre-tokenizer settings of llama_vocab::load.
type preFlags struct {
	ignoreMerges, addBOS, keepSpaces, escapeWS, addSEP, noBOS bool
}

// preSettings is keyed by the tokenizer.ggml.pre string. Names missing here
// have none of these flags (they still need pretok to know them).
var preSettings = func() map[string]preFlags {
	m := map[string]preFlags{}
	set := func(f preFlags, names ...string) {
		for _, n := range names {
			m[n] = f
		}
	}
	set(preFlags{ignoreMerges: true}, "minicpm5")
	set(preFlags{ignoreMerges: true, addBOS: true},
		"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano")
	set(preFlags{keepSpaces: true, ignoreMerges: true}, "youtu", "granite-embed-multi-97m")
	set(preFlags{escapeWS: true}, "gemma4", "granite-embed-multi-311m")
	set(preFlags{escapeWS: true, keepSpaces: true}, "sarvam-moe")
	set(preFlags{addSEP: true}, "jina-v1-en", "jina-v2-code", "roberta-bpe")
	set(preFlags{noBOS: true}, "glm4", "chatglm-bpe")
	set(preFlags{keepSpaces: true, ignoreMerges: true, addBOS: true}, "tekken")
	set(preFlags{addBOS: true, keepSpaces: true}, "chameleon")
	set(preFlags{keepSpaces: true},
		"deepseek-llm", "deepseek-coder", "deepseek-v3", "command-r", "qwen2", "deepseek-r1-qwen", "kormo",
		"f2llmv2", "qwen35", "poro-chat", "viking", "smollm", "gpt-4o", "llama4", "kanana2", "talkie",
		"tiny_aya", "cohere2moe", "superbpe", "trillion", "granite-docling", "bailingmoe", "bailingmoe2",
		"llada-moe", "seed-coder", "hunyuan", "hunyuan-dense", "joyai-llm", "kimi-k2", "grok-2", "afmoe",
		"laguna", "minimax-m2", "solar-open")
	return m
}()

type kvReader struct {
	f    *gguf.File
	path string
}

func (r kvReader) errf(key, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s (the GGUF's tokenizer metadata is malformed; re-convert the model)", r.path, key, fmt.Sprintf(format, args...))
}

func (r kvReader) str(key string) (string, bool, error) {
	v, ok := r.f.Lookup(key)
	if !ok {
		return "", false, nil
	}
	s, ok := v.Str()
	if !ok {
		return "", false, r.errf(key, "is %s, want string", v.TypeName())
	}
	return s, true, nil
}

func (r kvReader) boolean(key string, dst *bool) error {
	v, ok := r.f.Lookup(key)
	if !ok {
		return nil
	}
	b, ok := v.Bool()
	if !ok {
		return r.errf(key, "is %s, want bool", v.TypeName())
	}
	*dst = b
	return nil
}

func (r kvReader) id(key string) (int64, bool, error) {
	v, ok := r.f.Lookup(key)
	if !ok {
		return 0, false, nil
	}
	n, ok := v.Int()
	if !ok {
		return 0, false, r.errf(key, "is %s, want an integer", v.TypeName())
	}
	return n, true, nil
}

func (r kvReader) array(key string, elem gguf.ValueType) (any, bool, error) {
	v, ok := r.f.Lookup(key)
	if !ok {
		return nil, false, nil
	}
	a, ok := v.Arr()
	if !ok || (a.Elem != elem && !(elem == gguf.TypeUint8 && a.Elem == gguf.TypeInt8)) {
		return nil, false, r.errf(key, "is %s, want array of %s", v.TypeName(), elem)
	}
	return a.Items, true, nil
}

// FromGGUF builds the tokenizer of a GGUF file (path is used in errors).
func FromGGUF(f *gguf.File, path string) (*Tokenizer, error) {
	r := kvReader{f, path}
	model, ok, err := r.str(gguf.KeyTokenizerModel)
	if err != nil {
		return nil, err
	}
	if !ok || model == "none" || model == "no_vocab" {
		return nil, fmt.Errorf("%s: %w (key %s is missing or says there is none); convert the model with its tokenizer files", path, ErrNoVocab, gguf.KeyTokenizerModel)
	}
	pre, _, err := r.str(gguf.KeyTokenizerPre)
	if err != nil {
		return nil, err
	}
	t := &Tokenizer{model: model, pre: pre, escapeWhitespaces: true, lowercase: true}
	sp := &t.Special
	*sp = Special{None, None, None, None, None, None, None, None, None, None, None, None, None, None}
	var splitter *pretok.Splitter
	switch model {
	case "llama":
		t.kind = SPM
		sp.BOS, sp.EOS, sp.UNK = 1, 2, 0
	case "bert":
		t.kind = WPM
		sp.BOS, sp.UNK, sp.SEP, sp.PAD, sp.Mask = 101, 100, 102, 0, 103
		t.AddSEP = true
	case "gpt2", "gemma4":
		t.kind = BPE
		if model == "gemma4" {
			pre = "gemma4"
		} else {
			sp.BOS, sp.EOS = 11, 11
		}
	case "t5":
		t.kind = UGM
		sp.EOS, sp.UNK, sp.PAD = 1, 2, 0
	case "rwkv":
		t.kind = RWKV
	default:
		return nil, fmt.Errorf("%s: unsupported tokenizer model %q (supported: llama, gpt2, gemma4, bert, t5, rwkv)", path, model)
	}

	switch t.kind {
	case BPE:
		t.cleanSpaces = true
		t.escapeWhitespaces = false
		name := pre
		if name == "" {
			name = "default"
		}
		splitter, err = pretok.Lookup(name)
		if err != nil {
			return nil, fmt.Errorf("%s: unknown pre-tokenizer %q in %s: this llama.cpp-era name is not supported; re-convert the model or report it", path, pre, gguf.KeyTokenizerPre)
		}
		fl := preSettings[name]
		t.ignoreMerges = fl.ignoreMerges
		t.AddBOS = t.AddBOS || fl.addBOS
		t.cleanSpaces = !fl.keepSpaces
		t.escapeWhitespaces = fl.escapeWS
		t.AddSEP = t.AddSEP || fl.addSEP
		if fl.noBOS {
			sp.BOS = None
		}
	case SPM:
		t.addSpacePrefix, t.AddBOS = true, true
	case WPM:
		t.cleanSpaces, t.AddBOS, t.AddSEP = true, true, true
	case UGM:
		t.AddEOS = true
	}
	if err := r.boolean(gguf.KeyTokenizerAddSpacePrefix, &t.addSpacePrefix); err != nil {
		return nil, err
	}
	if err := r.boolean(gguf.KeyTokenizerRemoveExtraWhitespaces, &t.removeExtraWhitespaces); err != nil {
		return nil, err
	}

	// Vocabulary.
	items, ok, err := r.array(gguf.KeyTokenizerTokens, gguf.TypeString)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w: %s is missing", path, ErrNoVocab, gguf.KeyTokenizerTokens)
	}
	t.tokens = slices.Clone(items.([]string))
	n := len(t.tokens)
	if n == 0 || n > 1<<30 {
		return nil, r.errf(gguf.KeyTokenizerTokens, "has %d tokens", n)
	}
	if items, ok, err := r.array(gguf.KeyTokenizerScores, gguf.TypeFloat32); err != nil {
		return nil, err
	} else if ok {
		s := items.([]float32)
		if len(s) < n {
			return nil, r.errf(gguf.KeyTokenizerScores, "has %d scores for %d tokens", len(s), n)
		}
		t.scores = s[:n]
	} else {
		t.scores = make([]float32, n)
	}
	t.attrs = make([]Attr, n)
	if items, ok, err := r.array(gguf.KeyTokenizerTokenType, gguf.TypeInt32); err != nil {
		return nil, err
	} else if ok {
		tt := items.([]int32)
		if len(tt) < n {
			return nil, r.errf(gguf.KeyTokenizerTokenType, "has %d types for %d tokens", len(tt), n)
		}
		for i := range n {
			switch tt[i] {
			case typeUnknown:
				t.attrs[i] = AttrUnknown
			case typeUnused:
				t.attrs[i] = AttrUnused
			case typeNormal:
				t.attrs[i] = AttrNormal
			case typeControl:
				t.attrs[i] = AttrControl
			case typeUserDefined:
				t.attrs[i] = AttrUserDefined
			case typeByte:
				t.attrs[i] = AttrByte
			default:
				t.attrs[i] = AttrUndefined
			}
		}
	} else {
		for i := range t.attrs {
			t.attrs[i] = AttrNormal
		}
	}
	t.ids = make(map[string]int32, n)
	for i, s := range t.tokens {
		if s == "" {
			s = fmt.Sprintf("[EMPTY_%d]", i)
			t.tokens[i] = s
		}
		if _, dup := t.ids[s]; dup {
			return nil, r.errf(gguf.KeyTokenizerTokens, "token %q appears twice (ids %d and %d)", s, t.ids[s], i)
		}
		t.ids[s] = int32(i)
		t.maxTokenLen = max(t.maxTokenLen, len(s))
	}

	switch t.kind {
	case BPE:
		merges, ok, err := r.array(gguf.KeyTokenizerMerges, gguf.TypeString)
		if err != nil {
			return nil, err
		}
		if !ok && pre != "kimi-k2" {
			return nil, fmt.Errorf("%s: %s is missing: a BPE tokenizer needs its merges; re-convert the model", path, gguf.KeyTokenizerMerges)
		}
		var ms []string
		if ok {
			ms = merges.([]string)
		}
		t.byteEncode = t.model != "gemma4"
		t.bpe = newBPEModel(t, ms, splitter)
	case UGM:
		var charsmap []byte
		if items, ok, err := r.array(gguf.KeyTokenizerPrecompiledCharsmap, gguf.TypeUint8); err != nil {
			return nil, err
		} else if ok {
			switch x := items.(type) {
			case []uint8:
				charsmap = x
			case []int8:
				charsmap = make([]byte, len(x))
				for i, v := range x {
					charsmap[i] = byte(v)
				}
			}
		}
		t.ugm, err = newUGMModel(t, charsmap)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, gguf.KeyTokenizerPrecompiledCharsmap, err)
		}
	case RWKV:
		t.rw = newTrie()
		for i, s := range t.tokens {
			t.rw.insert(unescapeRWKV(s), int32(i))
		}
	}

	// Special token ids from metadata override the defaults.
	for _, k := range []struct {
		key string
		dst *int32
	}{
		{gguf.KeyTokenizerBOSID, &sp.BOS}, {gguf.KeyTokenizerEOSID, &sp.EOS},
		{gguf.KeyTokenizerEOTID, &sp.EOT}, {gguf.KeyTokenizerEOMID, &sp.EOM},
		{gguf.KeyTokenizerUNKID, &sp.UNK}, {gguf.KeyTokenizerSEPID, &sp.SEP},
		{gguf.KeyTokenizerPADID, &sp.PAD}, {gguf.KeyTokenizerMaskID, &sp.Mask},
		{gguf.KeyTokenizerFIMPreID, &sp.FIMPre}, {gguf.KeyTokenizerFIMSufID, &sp.FIMSuf},
		{gguf.KeyTokenizerFIMMidID, &sp.FIMMid}, {gguf.KeyTokenizerFIMPadID, &sp.FIMPad},
		{gguf.KeyTokenizerFIMRepID, &sp.FIMRep}, {gguf.KeyTokenizerFIMSepID, &sp.FIMSep},
		{gguf.KeyTokenizerPrefixID, &sp.FIMPre}, {gguf.KeyTokenizerSuffixID, &sp.FIMSuf},
		{gguf.KeyTokenizerMiddleID, &sp.FIMMid},
	} {
		if *k.dst >= int32(n) {
			*k.dst = None
		}
		v, ok, err := r.id(k.key)
		if err != nil {
			return nil, err
		}
		if ok && v >= 0 && v < int64(n) {
			*k.dst = int32(v)
		}
	}
	if err := r.boolean(gguf.KeyTokenizerAddBOS, &t.AddBOS); err != nil {
		return nil, err
	}
	if err := r.boolean(gguf.KeyTokenizerAddEOS, &t.AddEOS); err != nil {
		return nil, err
	}
	if err := r.boolean(gguf.KeyTokenizerAddSEP, &t.AddSEP); err != nil {
		return nil, err
	}
	t.pre = pre
	if pre == "gemma4" && t.kind == BPE {
		t.AddBOS = true
	}
	if err := r.boolean(gguf.KeyTokenizerNormalizerLowercase, &t.lowercase); err != nil {
		return nil, err
	}
	t.stripAccents = t.lowercase
	if err := r.boolean(gguf.KeyTokenizerNormalizerStripAccents, &t.stripAccents); err != nil {
		return nil, err
	}
	if t.AddBOS && sp.BOS == None {
		t.AddBOS = false
	}
	if t.AddEOS && sp.EOS == None {
		t.AddEOS = false
	}
	t.detectSpecial()
	t.setAttrsByName(f)

	// Special-token cache: control, user-defined and unknown tokens,
	// longest text first (ties by id, for a deterministic order).
	for i, a := range t.attrs {
		if a&(AttrControl|AttrUserDefined|AttrUnknown) != 0 {
			t.special = append(t.special, int32(i))
		}
	}
	slices.SortStableFunc(t.special, func(a, b int32) int {
		return cmp.Compare(len(t.tokens[b]), len(t.tokens[a]))
	})

	for i := range t.byteTokens {
		t.byteTokens[i] = t.findByteToken(byte(i))
	}
	t.pieces = make([]string, n)
	for i := range t.pieces {
		t.pieces[i] = t.piece(int32(i))
	}
	return t, nil
}

// detectSpecial finds EOT/EOM/FIM tokens and the end-of-generation set by
// token text, as llama.cpp does, marking them control.
func (t *Tokenizer) detectSpecial() {
	sp := &t.Special
	find := func(dst *int32, texts ...string) {
		if *dst != None {
			return
		}
		for _, s := range texts {
			if id, ok := t.ids[s]; ok {
				*dst = id
				t.attrs[id] |= AttrControl
				return
			}
		}
	}
	find(&sp.EOT, "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
		"<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>")
	find(&sp.EOM, "<|eom_id|>")
	find(&sp.FIMPre, "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>")
	find(&sp.FIMSuf, "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>")
	find(&sp.FIMMid, "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>")
	find(&sp.FIMPad, "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]")
	find(&sp.FIMRep, "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>")
	find(&sp.FIMSep, "<|file_sep|>")

	for i, s := range t.tokens {
		if t.attrs[i]&AttrControl != 0 && strings.Contains(s, "unused") {
			t.attrs[i] |= AttrUnused
		}
	}

	t.eog = map[int32]bool{}
	for _, id := range []int32{sp.FIMPad, sp.FIMRep, sp.FIMSep} {
		if id != None {
			t.eog[id] = true
		}
	}
	for _, s := range []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>",
		"<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
		"<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~["} {
		if id, ok := t.ids[s]; ok {
			t.eog[id] = true
			t.attrs[id] |= AttrControl
		}
	}
	for _, s := range []string{"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"} {
		if id, ok := t.ids[s]; ok {
			t.attrs[id] = AttrUserDefined
		}
	}
	for _, id := range []int32{sp.EOS, sp.EOT, sp.EOM} {
		if id != None {
			t.eog[id] = true
		}
	}
	has := func(s string) (int32, bool) {
		id, ok := t.ids[s]
		return id, ok && t.eog[id]
	}
	_, ret := has("<|return|>")
	_, call := has("<|call|>")
	_, calls := has("<|calls|>")
	_, flush := has("<|flush|>")
	if end, ok := has("<|end|>"); ok && ((ret && (call || calls)) || ((call || calls) && flush)) {
		delete(t.eog, end)
		t.attrs[end] = AttrUserDefined
	}
	if _, ok := has("<|tool_response>"); ok {
		if s, ok := has("</s>"); ok {
			delete(t.eog, s)
			t.attrs[s] = AttrNormal
		}
	}
}

// setAttrsByName applies llama.cpp's per-model lstrip/rstrip attributes.
func (t *Tokenizer) setAttrsByName(f *gguf.File) {
	str := func(key string) string {
		if v, ok := f.Lookup(key); ok {
			s, _ := v.Str()
			return s
		}
		return ""
	}
	name := strings.ToLower(str(gguf.KeyGeneralName))
	arch := str(gguf.KeyGeneralArchitecture)
	containsAny := func(s string, subs ...string) bool {
		for _, x := range subs {
			if strings.Contains(s, x) {
				return true
			}
		}
		return false
	}
	set := func(s string, a Attr, on bool) {
		if id, ok := t.ids[s]; ok {
			if on {
				t.attrs[id] |= a
			} else {
				t.attrs[id] &^= a
			}
		}
	}
	switch {
	case containsAny(t.pre, "jina-v2-de", "jina-v2-es", "jina-v2-code") || containsAny(arch, "nomic-bert-moe", "jina-bert-v3"):
		set("<mask>", AttrLStrip, true)
	case containsAny(name, "phi-3", "phi3"):
		for i, a := range t.attrs {
			if a&(AttrControl|AttrUserDefined|AttrUnknown) != 0 {
				t.attrs[i] |= AttrRStrip
			}
		}
		set("</s>", AttrRStrip, true)
		for _, s := range []string{"<unk>", "<s>", "<|endoftext|>"} {
			set(s, AttrRStrip, false)
		}
	case containsAny(name, "modern-bert"):
		set("[MASK]", AttrLStrip, true)
	}
}

// findByteToken is llama.cpp's byte_to_token: "<0xXX>" (SPM, UGM, Gemma 4),
// else the byte itself as a token (SPM fallback), or the GPT-2 byte-level
// character (BPE, WPM).
func (t *Tokenizer) findByteToken(b byte) int32 {
	switch {
	case t.kind == SPM || t.kind == UGM:
		if id, ok := t.ids[fmt.Sprintf("<0x%02X>", b)]; ok {
			return id
		}
		if id, ok := t.ids[string([]byte{b})]; ok {
			return id
		}
	case t.kind == BPE && !t.byteEncode:
		if id, ok := t.ids[fmt.Sprintf("<0x%02X>", b)]; ok {
			return id
		}
	default:
		if id, ok := t.ids[byteToUnicode[b]]; ok {
			return id
		}
	}
	return None
}
