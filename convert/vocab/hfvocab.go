package vocab

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// hfTokenizer is what transformers' AutoTokenizer.from_pretrained builds for
// the folder, reduced to what the converter asks of it: the vocabulary
// (get_vocab, vocab_size), the added tokens (get_added_vocab,
// added_tokens_decoder), the special tokens, encode() and decode().
type hfTokenizer struct {
	tj     *tokenizerJSON // nil when built from vocab.json + merges.txt
	source string         // the file the vocabulary came from, for messages
	class  string         // tokenizer class without a "Fast" suffix
	cfg    *pyDict        // tokenizer_config.json (nil if absent)

	modelType  string
	modelVocab []vocabEntry
	modelMap   map[string]int64
	merges     [][2]string

	added *addedVocab

	specials []string // all_special_tokens, in transformers' order

	decoder any // the decoder section (nil: none)
}

// addedVocab mirrors tokenizers' AddedVocabulary.
type addedVocab struct {
	byContent map[string]int64
	byID      map[int64]addedToken
	maxID     int64 // largest key of byID, -1 if empty
	modelSize int
	modelMap  map[string]int64
}

func newAddedVocab(modelMap map[string]int64) *addedVocab {
	return &addedVocab{byContent: map[string]int64{}, byID: map[int64]addedToken{}, maxID: -1, modelSize: len(modelMap), modelMap: modelMap}
}

// add is AddedVocabulary::add_tokens for one token: a content already known
// (as an added token or in the model vocabulary) keeps its id, a new one gets
// the next free id after the model vocabulary and the added tokens.
func (a *addedVocab) add(t addedToken) {
	if t.Content == "" {
		return
	}
	id, ok := a.byContent[t.Content]
	if !ok {
		id, ok = a.modelMap[t.Content]
	}
	if !ok {
		id = int64(a.modelSize)
		if a.maxID >= 0 && (a.maxID >= int64(a.modelSize) || a.modelSize == 0) {
			id = a.maxID + 1
		}
	}
	t.ID = id
	a.maxID = max(a.maxID, id)
	a.byContent[t.Content] = id
	a.byID[id] = t
}

// sorted returns the added tokens by ascending id (added_tokens_decoder).
func (a *addedVocab) sorted() []addedToken {
	out := make([]addedToken, 0, len(a.byID))
	for _, t := range a.byID {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// classDefaults are the special tokens a tokenizer class sets when
// tokenizer_config.json does not mention them.
var classDefaults = map[string]map[string]string{
	"GPT2Tokenizer":  {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"},
	"LlamaTokenizer": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"},
	"Qwen2Tokenizer": {"eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>"},
	"GemmaTokenizer": {"bos_token": "<bos>", "eos_token": "<eos>", "unk_token": "<unk>", "pad_token": "<pad>"},
}

var specialAttrs = []string{"bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"}

// tokenContent returns the content of a special-token entry (a string or an
// AddedToken dict).
func tokenContent(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case *pyDict:
		s, ok := t.val("content").(string)
		return s, ok
	}
	return "", false
}

// loadHFTokenizer builds the transformers view of the folder from
// tokenizer.json, or from vocab.json + merges.txt (encoder.json + vocab.bpe).
func (x *exporter) loadHFTokenizer() (*hfTokenizer, error) {
	h := &hfTokenizer{}
	cfgPath := x.path("tokenizer_config.json")
	if isFile(cfgPath) {
		cfg, err := readPyJSONDict(cfgPath)
		if err != nil {
			return nil, err
		}
		h.cfg = cfg
	}
	if s, ok := h.cfg.val("tokenizer_class").(string); ok {
		h.class = strings.TrimSuffix(s, "Fast")
	}

	tj, err := x.tokenizerJSON()
	switch {
	case err == nil:
		if tj.modelErr != nil {
			return nil, tj.modelErr
		}
		if tj.addedErr != nil {
			return nil, tj.addedErr
		}
		h.tj, h.source = tj, tj.path
		h.modelType = tj.model.Type
		if h.modelVocab, err = tj.vocabEntries(); err != nil {
			return nil, err
		}
		if h.modelType == "BPE" {
			if h.merges, err = tj.mergePairList(); err != nil {
				return nil, err
			}
		}
		h.decoder = tj.decoderPy
	case errors.Is(err, errNoTokenizerJSON):
		vocabFile, mergesFile := "", ""
		for _, set := range tokenizerFileSets[2:] {
			if isFile(x.path(set[0])) && isFile(x.path(set[1])) {
				vocabFile, mergesFile = x.path(set[0]), x.path(set[1])
				break
			}
		}
		if vocabFile == "" {
			return nil, fmt.Errorf("tokenizer export: no tokenizer.json in %s and no vocab.json + merges.txt (or encoder.json + vocab.bpe) to build a BPE tokenizer from", x.dir)
		}
		h.source = vocabFile
		h.modelType = "BPE"
		if h.class == "" {
			h.class = "GPT2Tokenizer"
		}
		if h.modelVocab, err = readVocabJSONFile(vocabFile); err != nil {
			return nil, err
		}
		ms, err := readMergesTxt(mergesFile)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			a, b, _ := strings.Cut(m, " ")
			h.merges = append(h.merges, [2]string{a, b})
		}
		h.decoder = &pyDict{keys: []string{"type"}, m: map[string]any{"type": "ByteLevel"}}
	default:
		return nil, err
	}

	h.modelMap = make(map[string]int64, len(h.modelVocab))
	for _, e := range h.modelVocab {
		h.modelMap[e.tok] = e.id
	}
	h.added = newAddedVocab(h.modelMap)
	if h.tj != nil {
		for _, t := range h.tj.added {
			h.added.add(t)
		}
	} else if p := x.path("added_tokens.json"); isFile(p) {
		d, err := readPyJSONDict(p)
		if err != nil {
			return nil, err
		}
		// Slow tokenizers' added tokens, re-added in id order.
		type kv struct {
			k  string
			id int64
		}
		var l []kv
		for _, k := range d.keys {
			id, ok, big := pyInt(d.m[k])
			if !ok || big {
				return nil, fmt.Errorf("%s: id of %q is not an integer", p, k)
			}
			l = append(l, kv{k, id})
		}
		sort.SliceStable(l, func(i, j int) bool { return l[i].id < l[j].id })
		for _, e := range l {
			h.added.add(addedToken{Content: e.k, Normalized: true})
		}
	}

	// tokenizer_config.json's added_tokens_decoder, in id order.
	if atd, ok := h.cfg.val("added_tokens_decoder").(*pyDict); ok {
		type entry struct {
			id int64
			t  addedToken
		}
		var l []entry
		for _, k := range atd.keys {
			id, err := pyIntString(k)
			if err != nil {
				return nil, fmt.Errorf("%s: added_tokens_decoder key %q: %v", cfgPath, k, err)
			}
			d, ok := atd.m[k].(*pyDict)
			if !ok {
				return nil, fmt.Errorf("%s: added_tokens_decoder[%q] is not an object", cfgPath, k)
			}
			c, ok := d.val("content").(string)
			if !ok {
				return nil, fmt.Errorf("%s: added_tokens_decoder[%q].content is not a string", cfgPath, k)
			}
			t := addedToken{Content: c, Normalized: true}
			for _, f := range []struct {
				k string
				p *bool
			}{{"single_word", &t.SingleWord}, {"lstrip", &t.LStrip}, {"rstrip", &t.RStrip}, {"normalized", &t.Normalized}, {"special", &t.Special}} {
				if b, ok := d.val(f.k).(bool); ok {
					*f.p = b
				}
			}
			l = append(l, entry{id, t})
		}
		sort.SliceStable(l, func(i, j int) bool { return l[i].id < l[j].id })
		for _, e := range l {
			if old, ok := h.added.byContent[e.t.Content]; ok && h.added.byID[old] == (addedToken{ID: old, Content: e.t.Content, SingleWord: e.t.SingleWord, LStrip: e.t.LStrip, RStrip: e.t.RStrip, Normalized: e.t.Normalized, Special: e.t.Special}) {
				continue
			}
			h.added.add(e.t)
		}
	}

	// Named and additional special tokens; the ones not yet added tokens
	// are added as special tokens.
	var stm *pyDict
	if p := x.path("special_tokens_map.json"); isFile(p) {
		if d, err := readPyJSONDict(p); err == nil {
			stm = d
		}
	}
	lookup := func(key string) (any, bool) {
		if v, ok := h.cfg.get(key); ok {
			return v, true
		}
		if v, ok := stm.get(key); ok {
			return v, true
		}
		if s, ok := classDefaults[h.class][key]; ok {
			return s, true
		}
		return nil, false
	}
	seen := map[string]bool{}
	for _, attr := range specialAttrs {
		v, _ := lookup(attr)
		if c, ok := tokenContent(v); ok && !seen[c] {
			seen[c] = true
			h.specials = append(h.specials, c)
		}
	}
	if v, ok := lookup("additional_special_tokens"); ok {
		if l, ok := v.([]any); ok {
			for _, e := range l {
				if c, ok := tokenContent(e); ok && !seen[c] {
					seen[c] = true
					h.specials = append(h.specials, c)
				}
			}
		}
	}
	for _, c := range h.specials {
		if _, ok := h.added.byContent[c]; !ok {
			h.added.add(addedToken{Content: c, Special: true})
		}
	}
	return h, nil
}

// readVocabJSONFile reads a GPT-2 style vocab.json / encoder.json.
func readVocabJSONFile(path string) ([]vocabEntry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v, err := scanVocabObject(data)
	if err != nil {
		return nil, fmt.Errorf("%s: malformed vocabulary: %v", path, err)
	}
	return v, nil
}

// getVocab is get_vocab(): the model vocabulary plus the added tokens
// (content → id), in a fixed order.
func (h *hfTokenizer) getVocab() ([]string, map[string]int64) {
	order := make([]string, 0, len(h.modelVocab)+len(h.added.byID))
	m := make(map[string]int64, len(h.modelVocab)+len(h.added.byID))
	for _, e := range h.modelVocab {
		if _, ok := m[e.tok]; !ok {
			order = append(order, e.tok)
		}
		m[e.tok] = e.id
	}
	for _, t := range h.added.sorted() {
		if _, ok := m[t.Content]; !ok {
			order = append(order, t.Content)
		}
		m[t.Content] = t.ID
	}
	return order, m
}

// reverseVocab maps ids to tokens; where two tokens share an id the later
// one (in getVocab order) wins, as in the Python dict comprehension.
func reverseVocab(order []string, m map[string]int64) map[int64]string {
	r := make(map[int64]string, len(order))
	for _, t := range order {
		r[m[t]] = t
	}
	return r
}

// pipeline builds the encoder for tokenizer.encode().
func (h *hfTokenizer) pipeline() (*pipeline, error) {
	if h.modelType != "BPE" {
		return nil, unsupported("encoding with a " + h.modelType + " model")
	}
	p := &pipeline{}
	var mj *modelJSON
	var normPy, prePy, postPy any
	if h.tj != nil {
		mj = &h.tj.model
		normPy, prePy, postPy = h.tj.normalizerPy, h.tj.preTokPy, h.tj.postPy
	} else {
		// transformers' GPT2Converter.
		prePy = &pyDict{keys: []string{"type", "add_prefix_space"}, m: map[string]any{"type": "ByteLevel", "add_prefix_space": h.cfg.val("add_prefix_space") == true}}
	}
	var err error
	if p.norm, err = buildNormalizer(normPy, 0); err != nil {
		return nil, err
	}
	if p.pre, err = buildPreTokenizer(prePy, 0); err != nil {
		return nil, err
	}
	if p.model, err = newBPEModel(h.modelVocab, h.merges, mj); err != nil {
		return nil, fmt.Errorf("%s: %w", h.source, err)
	}
	if p.post, err = h.postProcessor(postPy); err != nil {
		return nil, err
	}
	var raw, normed []addedToken
	for _, t := range h.added.sorted() {
		if t.Normalized && p.norm != nil {
			if s, err := p.norm.normalize(t.Content); err == nil {
				t.Content = s
			}
			normed = append(normed, t)
		} else if t.Normalized {
			normed = append(normed, t)
		} else {
			raw = append(raw, t)
		}
	}
	p.addedRaw, p.addedNorm = newAddedMatcher(raw), newAddedMatcher(normed)
	return p, nil
}

// postProcessor returns the tokenizer.json post-processor, or the one
// transformers installs itself: LlamaTokenizerFast and GemmaTokenizerFast
// rebuild it from add_bos_token/add_eos_token; GPT2TokenizerFast built from
// vocab.json adds BOS only if add_bos_token is set.
func (h *hfTokenizer) postProcessor(postPy any) (postProcessor, error) {
	bosEos := func(defBOS, defEOS bool) (postProcessor, error) {
		addBOS, addEOS := defBOS, defEOS
		if b, ok := h.cfg.val("add_bos_token").(bool); ok {
			addBOS = b
		}
		if b, ok := h.cfg.val("add_eos_token").(bool); ok {
			addEOS = b
		}
		var parts [][]int64
		for _, e := range []struct {
			add  bool
			attr string
		}{{addBOS, "bos_token"}, {false, ""}, {addEOS, "eos_token"}} {
			if e.attr == "" {
				parts = append(parts, nil)
				continue
			}
			if !e.add {
				continue
			}
			c, ok := h.specialToken(e.attr)
			if !ok {
				return nil, unsupported(e.attr + " requested but not set")
			}
			id, ok := h.added.byContent[c]
			if !ok {
				id, ok = h.modelMap[c]
			}
			if !ok {
				return nil, unsupported(e.attr + " is not in the vocabulary")
			}
			parts = append(parts, []int64{id})
		}
		return templatePost(parts), nil
	}
	switch {
	case h.class == "LlamaTokenizer" || h.class == "GemmaTokenizer" || h.class == "CodeLlamaTokenizer":
		return bosEos(true, false)
	case h.tj == nil:
		return bosEos(false, false)
	}
	return buildPostProcessor(postPy, 0)
}

func (h *hfTokenizer) specialToken(attr string) (string, bool) {
	v, ok := h.cfg.get(attr)
	if !ok {
		s, ok := classDefaults[h.class][attr]
		return s, ok
	}
	return tokenContent(v)
}

// chkTxt is llama.cpp's pre-tokenizer check text (convert_hf_to_gguf_update.py CHK_TXT).
const chkTxt = "\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n🚀 (normal) 😶\u200d🌫️ (multiple emojis concatenated) ✅ 🦙🦙 3 33 333 3333 33333 333333 3333333 33333333 3.3 3..3 3...3 កាន់តែពិសេសអាច😁 ?我想在apple工作1314151天～ ------======= нещо на Български ''''''```````\"\"\"\"......!!!!!!?????? I've been 'told he's there, 'RE you sure? 'M not sure I'll make it, 'D you like some tea? We'Ve a'lL"

// chkHash encodes chkTxt and returns sha256 of Python's str() of the ids.
func (h *hfTokenizer) chkHash() (string, []int64, error) {
	p, err := h.pipeline()
	if err != nil {
		return "", nil, err
	}
	ids, err := p.encode(chkTxt)
	if err != nil {
		return "", nil, err
	}
	return pyListHash(ids), ids, nil
}

func pyListHash(ids []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// preName identifies tokenizer.ggml.pre: by the check-text hash, else by the
// pre-tokenizer signature (with a warning), else an error.
func (h *hfTokenizer) preName() (string, error) {
	hash, _, encErr := h.chkHash()
	if encErr == nil {
		if name, ok := lookupPreHash(hash); ok {
			return name, nil
		}
	}
	if name, ok := h.preSignature(); ok {
		if encErr != nil {
			warnf("%s: could not compute the pre-tokenizer check hash (%v); identified the pre-tokenizer as %q from its configuration", h.source, encErr, name)
		} else {
			warnf("%s: pre-tokenizer check hash %s is not in llama.cpp's table; identified the pre-tokenizer as %q from its configuration", h.source, hash, name)
		}
		return name, nil
	}
	if encErr != nil {
		return "", fmt.Errorf("tokenizer export: %s: the BPE pre-tokenizer was not recognized (could not compute its check hash: %v)", h.source, encErr)
	}
	return "", fmt.Errorf("tokenizer export: %s: the BPE pre-tokenizer was not recognized (check hash %s is not in llama.cpp's table and its configuration matches no known pre-tokenizer)", h.source, hash)
}

// decodeOne is tokenizer.decode(tokenizer.encode(t)) for an added token t:
// the token's content run through the decoder, then transformers'
// clean_up_tokenization if enabled.
func (h *hfTokenizer) decodeOne(content string) string {
	out := strings.Join(runDecoder(h.decoder, []string{content}, 0), "")
	if h.cfg.val("clean_up_tokenization_spaces") == true {
		out = cleanUpTokenization(out)
	}
	return out
}

func cleanUpTokenization(s string) string {
	for _, p := range [][2]string{{" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}} {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	return s
}

var byteTokenRE = regexp.MustCompile(`^<0x[0-9A-Fa-f]{2}>$`)

// runDecoder applies a tokenizers decoder to a token list.
func runDecoder(v any, toks []string, depth int) []string {
	d, ok := v.(*pyDict)
	if !ok || depth > maxJSONDepth {
		return toks
	}
	switch typeName(d) {
	case "Sequence":
		l, _ := d.val("decoders").([]any)
		for _, e := range l {
			toks = runDecoder(e, toks, depth+1)
		}
		return toks
	case "ByteLevel":
		var buf []byte
		for _, t := range toks {
			var tb []byte
			all := true
			for _, r := range t {
				b, ok := runeToByte[r]
				if !ok {
					all = false
					break
				}
				tb = append(tb, b)
			}
			if !all {
				tb = []byte(t)
			}
			buf = append(buf, tb...)
		}
		return []string{strings.ToValidUTF8(string(buf), "\uFFFD")}
	case "Replace":
		content, _ := d.val("content").(string)
		pat, err := buildPattern(d.val("pattern"))
		if err != nil {
			return toks
		}
		out := make([]string, len(toks))
		for i, t := range toks {
			ms, err := pat.find(t)
			if err != nil {
				out[i] = t
				continue
			}
			var b strings.Builder
			last := 0
			for _, m := range ms {
				b.WriteString(t[last:m[0]])
				b.WriteString(content)
				last = m[1]
			}
			b.WriteString(t[last:])
			out[i] = b.String()
		}
		return out
	case "ByteFallback":
		var out []string
		var pend []byte
		flush := func() {
			if len(pend) == 0 {
				return
			}
			if utf8.Valid(pend) {
				out = append(out, string(pend))
			} else {
				for range pend {
					out = append(out, "\uFFFD")
				}
			}
			pend = nil
		}
		for _, t := range toks {
			if byteTokenRE.MatchString(t) {
				v, _ := strconv.ParseUint(t[3:5], 16, 8)
				pend = append(pend, byte(v))
				continue
			}
			flush()
			out = append(out, t)
		}
		flush()
		return out
	case "Fuse":
		return []string{strings.Join(toks, "")}
	case "Strip":
		c, _ := d.val("content").(string)
		start, _, _ := pyInt(d.val("start"))
		stop, _, _ := pyInt(d.val("stop"))
		out := make([]string, len(toks))
		for i, t := range toks {
			for n := int64(0); n < start && c != "" && strings.HasPrefix(t, c); n++ {
				t = t[len(c):]
			}
			for n := int64(0); n < stop && c != "" && strings.HasSuffix(t, c); n++ {
				t = t[:len(t)-len(c)]
			}
			out[i] = t
		}
		return out
	case "Metaspace":
		rep, _ := d.val("replacement").(string)
		scheme := "always"
		if s, ok := d.val("prepend_scheme").(string); ok {
			scheme = s
		} else if d.val("add_prefix_space") == false {
			scheme = "never"
		}
		out := make([]string, len(toks))
		for i, t := range toks {
			if rep == "" {
				out[i] = t
				continue
			}
			if i == 0 && scheme != "never" {
				t = strings.TrimPrefix(t, rep)
			}
			out[i] = strings.ReplaceAll(t, rep, " ")
		}
		return out
	case "WordPiece":
		prefix, ok := d.val("prefix").(string)
		if !ok {
			prefix = "##"
		}
		out := make([]string, len(toks))
		for i, t := range toks {
			if i != 0 {
				if strings.HasPrefix(t, prefix) {
					t = strings.Replace(t, prefix, "", 1)
				} else {
					t = " " + t
				}
			}
			if d.val("cleanup") != false {
				t = cleanUpTokenization(t)
			}
			out[i] = t
		}
		return out
	case "BPEDecoder":
		suffix, ok := d.val("suffix").(string)
		if !ok {
			suffix = "</w>"
		}
		out := make([]string, len(toks))
		for i, t := range toks {
			rep := " "
			if i == len(toks)-1 {
				rep = ""
			}
			out[i] = strings.ReplaceAll(t, suffix, rep)
		}
		return out
	}
	return toks
}

// setVocabGPT2 is TextModel._set_vocab_gpt2 (with get_vocab_base).
func (x *exporter) setVocabGPT2() error {
	h, err := x.loadHFTokenizer()
	if err != nil {
		return err
	}
	order, vocab := h.getVocab()
	vocabSize := int64(len(vocab))
	if v, ok := x.hparams["vocab_size"]; ok {
		n, ok := anyInt(v)
		if !ok {
			return fmt.Errorf("tokenizer export: config.json vocab_size = %v is not an integer", v)
		}
		vocabSize = n
	}
	if vocabSize > maxVocab {
		return fmt.Errorf("tokenizer export: vocab_size %d out of range", vocabSize)
	}
	maxID := int64(-1)
	for _, id := range vocab {
		maxID = max(maxID, id)
	}
	if maxID >= vocabSize {
		return fmt.Errorf("tokenizer export: %s has token id %d, not below vocab_size %d", h.source, maxID, vocabSize)
	}

	pre, err := h.preName()
	if err != nil {
		return err
	}

	rev := reverseVocab(order, vocab)
	addedVocab := map[string]bool{}
	for c := range h.added.byContent {
		addedVocab[c] = true
	}
	tokens := make([]string, vocabSize)
	types := make([]int32, vocabSize)
	for i := int64(0); i < vocabSize; i++ {
		tok, ok := rev[i]
		if !ok {
			tokens[i] = "[PAD" + strconv.FormatInt(i, 10) + "]"
			types[i] = ttUnused
			continue
		}
		if addedVocab[tok] {
			at, ok := h.added.byID[i]
			if !ok {
				return fmt.Errorf("tokenizer export: %s: added token %q has no entry for id %d", h.source, tok, i)
			}
			if !at.Normalized {
				prev := tok
				tok = h.decodeOne(tok)
				if tok != prev {
					warnf("%q is encoded and decoded back to %q", prev, tok)
				}
			}
			if at.Special || looksSpecial(tok) {
				types[i] = ttControl
			} else {
				tok = strings.ReplaceAll(tok, "\u2581", " ")
				types[i] = ttUserDefined
			}
		} else {
			types[i] = ttNormal
		}
		tokens[i] = tok
	}

	x.w.setString(keyModel, "gpt2")
	x.w.setString(keyPre, pre)
	x.w.setStrings(keyTokens, tokens)
	x.w.setInt32s(keyTokenType, types)
	sv, err := x.newSpecialVocab(true, nil, -1)
	if err != nil {
		return err
	}
	return sv.addTo(x.w)
}

// errNotLlamaHF makes LlamaModel.set_vocab fall back to the GPT-2 path (the
// FileNotFoundError/TypeError cases of LlamaHfVocab).
var errNotLlamaHF = errors.New("not a Llama-style BPE tokenizer.json")

// setVocabLlamaHF is TextModel._set_vocab_llama_hf with gguf-py's LlamaHfVocab.
func (x *exporter) setVocabLlamaHF() error {
	tj, err := x.tokenizerJSON()
	if errors.Is(err, errNoTokenizerJSON) {
		return errNotLlamaHF
	}
	if err != nil {
		return err
	}
	if tj.modelErr != nil {
		return tj.modelErr
	}
	m := &tj.model
	if m.Type == "BPE" && m.IgnoreMerges && m.byteFallbackSet && !m.ByteFallback {
		return errNotLlamaHF // Llama 3
	}
	if m.Type != "BPE" || !m.ByteFallback {
		return errNotLlamaHF
	}
	if !tj.hasDecoderKey {
		return fmt.Errorf("%s: no \"decoder\" section", tj.path)
	}
	if tj.decoderPy == nil {
		return errNotLlamaHF
	}
	if d, ok := tj.decoderPy.(*pyDict); ok {
		if _, ok := d.get("type"); !ok {
			return fmt.Errorf("%s: decoder has no type", tj.path)
		}
	}
	if typeName(tj.decoderPy) != "Sequence" {
		return errNotLlamaHF
	}

	h, err := x.loadHFTokenizer()
	if err != nil {
		return err
	}
	baseSize := int64(len(h.modelMap))
	order, vocab := h.getVocab()
	rev := reverseVocab(order, vocab)

	var addedList []addedToken
	for _, t := range h.added.sorted() {
		if t.ID >= baseSize {
			addedList = append(addedList, t)
		}
	}
	specialIDs := map[int64]bool{}
	specials := map[string]int64{}
	for _, s := range h.specials {
		id, ok := vocab[s]
		if !ok {
			return fmt.Errorf("tokenizer export: %s: special token %q is not in the vocabulary", tj.path, s)
		}
		specials[s] = id
		specialIDs[id] = true
	}

	var tokens []string
	var scores []float32
	var types []int32
	for id := int64(0); id < baseSize; id++ {
		tok, ok := rev[id]
		if !ok {
			return fmt.Errorf("tokenizer export: %s: no token has id %d", tj.path, id)
		}
		t := ttNormal
		if byteTokenRE.MatchString(tok) {
			t = ttByte
		} else if specialIDs[id] {
			t = ttControl
		}
		tokens = append(tokens, tok)
		scores = append(scores, -1000)
		types = append(types, t)
	}
	for _, a := range addedList {
		t := ttUserDefined
		if id, ok := specials[a.Content]; ok {
			t = ttNormal
			if specialIDs[id] {
				t = ttControl
			}
		}
		tokens = append(tokens, a.Content)
		scores = append(scores, -1000)
		types = append(types, t)
	}

	x.w.setString(keyModel, "llama")
	x.w.setString(keyPre, "default")
	x.w.setStrings(keyTokens, tokens)
	x.w.setFloat32s(keyScores, scores)
	x.w.setInt32s(keyTokenType, types)
	sv, err := x.newSpecialVocab(false, nil, len(tokens))
	if err != nil {
		return err
	}
	return sv.addTo(x.w)
}
