// Package vocab exports a Hugging Face model folder's tokenizer as GGUF
// metadata, key for key and byte for byte what llama.cpp's
// convert_hf_to_gguf.py (build b10470) writes for the same folder.
//
// # What is read
//
//   - tokenizer.model: a SentencePiece ModelProto, decoded by hand (pieces,
//     scores, types, trainer_spec.byte_fallback, normalizer_spec), checked as
//     SentencePieceProcessor.LoadFromFile checks it. Exported as model "llama"
//     (the _set_vocab_sentencepiece path), with added_tokens.json and
//     tokenizer_config.json's added_tokens_decoder applied on top.
//   - tokenizer.json: a Hugging Face tokenizers file. A byte-level BPE (or any
//     other model) goes the _set_vocab_gpt2 path (model "gpt2"); a
//     SentencePiece-style BPE with byte_fallback and a Sequence decoder
//     (Llama 2 / Mistral "fast" tokenizers) goes, for Llama-family
//     architectures, the _set_vocab_llama_hf path (model "llama", all scores
//     -1000).
//   - vocab.json + merges.txt (or OpenAI's encoder.json + vocab.bpe) without
//     tokenizer.json: treated as transformers' GPT2TokenizerFast would build
//     from them (byte-level BPE, model "gpt2", pre "gpt-2").
//   - tokenizer_config.json, config.json, chat_template.jinja,
//     additional_chat_templates/*.jinja, chat_template.json: special token ids,
//     add_bos/add_eos/add_sep flags and chat templates, following gguf-py's
//     SpecialVocab rules exactly (including its crude TemplateProcessing
//     analysis, which may add eot/eom ids).
//
// The parts of transformers the Python converter relies on (AutoTokenizer's
// added-token bookkeeping, special tokens, decode(encode(t)) of
// non-normalized added tokens) are emulated for the common tokenizer classes.
//
// # Pre-tokenizer identification (tokenizer.ggml.pre)
//
// llama.cpp names the BPE pre-tokenizer by hashing: it encodes a fixed check
// text (chktxt, from convert_hf_to_gguf_update.py) with the Hugging Face
// tokenizer, takes sha256 of Python's str() of the id list ("[1, 2, 3]") and
// looks the digest up in the table of get_vocab_base_pre. This package does
// the same: it implements the tokenizers pipeline in Go — added-token
// splitting, normalizers (NFC, NFD, NFKC, NFKD, Lowercase, Strip,
// StripAccents, Replace, Prepend, BertNormalizer, ByteLevel, Sequence),
// pre-tokenizers (Split with its regex run by a backtracking engine with
// look-around, ByteLevel with the GPT-2 regex, Digits, Punctuation,
// Metaspace, Whitespace, WhitespaceSplit, BertPreTokenizer,
// CharDelimiterSplit, Sequence), the BPE model (merge ranks, byte-level
// alphabet, ignore_merges, byte_fallback, unk) and the post-processors
// (TemplateProcessing, RobertaProcessing, BertProcessing, ByteLevel,
// Sequence) — encodes chktxt, hashes the ids and looks the digest up in a
// copy of the table (every entry; where the Python code has two entries for
// one digest, the later one wins, as there).
//
// If the digest is not in the table (or the tokenizer uses a component the Go
// pipeline does not implement), the pre-tokenizer is identified from its
// configuration instead: the pre_tokenizer regexes of tokenizer.json are
// compared with a small table of known signatures (the Llama 3 regex →
// "llama-bpe", the Qwen2 regex → "qwen2", a bare ByteLevel → "gpt-2", ...),
// and a warning is logged through Logf. If that fails as well, Export fails
// with an error saying that the pre-tokenizer is not recognized, naming the
// file — llama.cpp refuses such a tokenizer too.
//
// # Unsupported
//
// Mistral's native formats (tekken.json without tokenizer.json,
// params.json folders), tiktoken-style Qwen (QWenLMHeadModel) vocabularies,
// HybridDNA tokenizers, Unigram/WordPiece pre-tokenizer hashing, and
// architectures other than the Llama and Qwen2/Qwen3 families.
package vocab

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/hfctl/hfctl/gguf"
)

type archFamily int

const (
	famLlama archFamily = iota + 1
	famQwen2
	famQwen3
)

// archFamilies lists the HF architecture names whose converter class this
// package mirrors (LlamaModel, Qwen2Model and Qwen3Model registrations).
var archFamilies = map[string]archFamily{
	"LlamaForCausalLM":       famLlama,
	"LLaMAForCausalLM":       famLlama,
	"MistralForCausalLM":     famLlama,
	"MixtralForCausalLM":     famLlama,
	"IQuestCoderForCausalLM": famLlama,
	"LlamaModel":             famLlama,
	"Qwen2ForCausalLM":       famQwen2,
	"Qwen2Model":             famQwen2,
	"Qwen3ForCausalLM":       famQwen3,
	"Qwen3Model":             famQwen3,
}

// exporter carries one Export call's state.
type exporter struct {
	arch    string
	dir     string
	hparams map[string]any
	w       *kvList

	tjLoaded bool
	tj       *tokenizerJSON
	tjErr    error
}

// tokenizerJSON returns the parsed tokenizer.json of the folder, or
// errNoTokenizerJSON if there is none. It is parsed once per export.
func (x *exporter) tokenizerJSON() (*tokenizerJSON, error) {
	if !x.tjLoaded {
		x.tjLoaded = true
		p := filepath.Join(x.dir, "tokenizer.json")
		if !isFile(p) {
			x.tjErr = errNoTokenizerJSON
		} else {
			x.tj, x.tjErr = loadTokenizerJSON(p)
		}
	}
	return x.tj, x.tjErr
}

func (x *exporter) path(name string) string { return filepath.Join(x.dir, name) }

// Export returns the tokenizer metadata llama.cpp's convert_hf_to_gguf.py
// writes for the model folder dir, in the order it writes them (the writer
// keeps a key's first position when a later step sets it again) and with the
// same value types: tokenizer.ggml.model/pre (STRING), tokens and merges
// (ARRAY[STRING]), scores (ARRAY[FLOAT32]), token_type (ARRAY[INT32]),
// special token ids (UINT32), add_* flags (BOOL), tokenizer.chat_template
// (STRING).
//
// arch is the Hugging Face architecture name (config.json "architectures"[0]):
// the Llama family (LlamaForCausalLM, MistralForCausalLM, MixtralForCausalLM,
// ...) and Qwen2ForCausalLM/Qwen3ForCausalLM are supported. hparams is
// config.json decoded with encoding/json; its "vocab_size" (after merging a
// "text_config" section, as the converter does) sets the number of tokens of
// SentencePiece and GPT-2-style vocabularies and the CodeLlama (32016) and
// Granite (49152) special cases.
func Export(arch string, dir string, hparams map[string]any) ([]gguf.KV, error) {
	fam, ok := archFamilies[arch]
	if !ok {
		return nil, fmt.Errorf("tokenizer export: architecture %q is not supported", arch)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("tokenizer export: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("tokenizer export: %s is not a folder", dir)
	}
	x := &exporter{arch: arch, dir: dir, hparams: mergeTextConfig(hparams), w: newKVList()}
	if err := x.checkFilesPresent(); err != nil {
		return nil, err
	}
	switch fam {
	case famLlama:
		err = x.setVocabLlama()
	case famQwen2, famQwen3:
		err = x.setVocabQwen2()
	}
	if err != nil {
		return nil, err
	}
	return x.w.kvs, nil
}

// mergeTextConfig lifts a text_config section to the top level, as
// TextModel.__init__ does.
func mergeTextConfig(h map[string]any) map[string]any {
	out := make(map[string]any, len(h))
	for k, v := range h {
		out[k] = v
	}
	if tc, ok := h["text_config"].(map[string]any); ok {
		for k, v := range tc {
			out[k] = v
		}
	}
	return out
}

// tokenizerFileSets are the files Export can read a vocabulary from.
var tokenizerFileSets = [][]string{
	{"tokenizer.model"},
	{"tokenizer.json"},
	{"vocab.json", "merges.txt"},
	{"encoder.json", "vocab.bpe"},
}

func lookedFor() string {
	var parts []string
	for _, set := range tokenizerFileSets {
		parts = append(parts, strings.Join(set, " + "))
	}
	return strings.Join(parts, ", ")
}

func (x *exporter) checkFilesPresent() error {
	for _, set := range tokenizerFileSets {
		all := true
		for _, f := range set {
			if !isFile(x.path(f)) {
				all = false
			}
		}
		if all {
			return nil
		}
	}
	if isFile(x.path("tekken.json")) {
		return fmt.Errorf("tokenizer export: %s has only a Mistral tekken.json tokenizer, which is not supported (looked for %s)", x.dir, lookedFor())
	}
	return fmt.Errorf("tokenizer export: no tokenizer files in %s (looked for %s)", x.dir, lookedFor())
}

// hparamInt returns hparams[key] as an integer, if it is one.
func (x *exporter) hparamInt(key string) (int64, bool) {
	return anyInt(x.hparams[key])
}

func anyInt(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), true
		}
	case int:
		return int64(n), true
	case int64:
		return n, true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// setVocabLlama is LlamaModel.set_vocab.
func (x *exporter) setVocabLlama() error {
	if isFile(x.path("tekken.json")) && !isFile(x.path("tokenizer.json")) {
		return fmt.Errorf("tokenizer export: %s: Mistral tekken.json tokenizers are not supported", x.dir)
	}
	if p := x.path("tokenizer_config.json"); isFile(p) {
		cfg, err := readPyJSONDict(p)
		if err != nil {
			return err
		}
		if v := cfg.val("add_prefix_space"); v != nil {
			x.w.set(keyAddSpacePrefix, gguf.Bool(pyTruthy(v)))
		}
		if cfg.val("tokenizer_class") == "HybridDNATokenizer" {
			return fmt.Errorf("tokenizer export: %s: HybridDNATokenizer is not supported", p)
		}
	}

	if isFile(x.path("tokenizer.model")) {
		if err := x.setVocabSentencePiece(); err != nil {
			return err
		}
	} else {
		err := x.setVocabLlamaHF()
		if errors.Is(err, errNotLlamaHF) {
			err = x.setVocabGPT2()
		}
		if err != nil {
			return err
		}
	}

	vs, hasVS := x.hparams["vocab_size"]
	if !hasVS {
		vs = float64(32000)
	}
	if n, ok := anyInt(vs); ok && n == 32016 {
		// CodeLlama: FIM tokens. Only eot has a writer handler; the
		// prefix/suffix/middle ids are dropped by gguf-py.
		sv, err := x.newSpecialVocab(false, []string{"prefix", "suffix", "middle", "eot"}, -1)
		if err != nil {
			return err
		}
		for _, e := range []struct {
			typ string
			id  int64
		}{{"prefix", 32007}, {"suffix", 32008}, {"middle", 32009}, {"eot", 32010}} {
			if err := sv.setSpecialToken(e.typ, json.Number(fmt.Sprint(e.id))); err != nil {
				return err
			}
		}
		if err := sv.addTo(x.w); err != nil {
			return err
		}
	}
	if n, ok := anyInt(vs); ok && n == 49152 {
		x.w.set(addSpecialKeys["bos"], gguf.Bool(false)) // Granite small models
	}
	return nil
}

// setVocabQwen2 is Qwen2Model.set_vocab (Qwen3Model inherits it).
func (x *exporter) setVocabQwen2() error {
	if isFile(x.path("tokenizer.model")) {
		return x.setVocabSentencePiece()
	}
	return x.setVocabGPT2()
}

// Probe describes the tokenizer files of a model folder for `hfctl inspect`,
// in the order Export would consider them. It returns an error if the folder
// has no tokenizer files (or they cannot be read).
func Probe(dir string) (kind string, err error) {
	x := &exporter{dir: dir}
	if err := x.checkFilesPresent(); err != nil {
		return "", err
	}
	if p := x.path("tokenizer.model"); isFile(p) {
		m, err := loadSentencePiece(p)
		if err != nil {
			return "", err
		}
		mt := map[int]string{1: "Unigram", 2: "BPE", 3: "word", 4: "char"}[m.ModelType]
		bf := ""
		if m.ByteFallback {
			bf = ", byte fallback"
		}
		return fmt.Sprintf("sentencepiece %s, %d pieces%s (tokenizer.model)", mt, len(m.Pieces), bf), nil
	}
	if isFile(x.path("tokenizer.json")) {
		tj, err := x.tokenizerJSON()
		if err != nil {
			return "", err
		}
		if tj.modelErr != nil {
			return "", tj.modelErr
		}
		vocab, err := tj.vocabEntries()
		if err != nil {
			return "", err
		}
		distinct := make(map[string]bool, len(vocab)+len(tj.added))
		for _, e := range vocab {
			distinct[e.tok] = true
		}
		for _, a := range tj.added {
			distinct[a.Content] = true
		}
		n := len(distinct)
		switch {
		case tj.model.Type == "BPE" && tj.isByteLevel():
			return fmt.Sprintf("byte-level BPE, %d tokens (tokenizer.json)", n), nil
		case tj.model.Type == "BPE" && tj.model.ByteFallback:
			return fmt.Sprintf("SentencePiece-style BPE with byte fallback, %d tokens (tokenizer.json)", n), nil
		case tj.model.Type == "BPE":
			return fmt.Sprintf("BPE, %d tokens (tokenizer.json)", n), nil
		default:
			return fmt.Sprintf("%s, %d tokens (tokenizer.json)", tj.model.Type, n), nil
		}
	}
	for _, set := range tokenizerFileSets[2:] {
		if isFile(x.path(set[0])) && isFile(x.path(set[1])) {
			entries, err := readVocabJSONFile(x.path(set[0]))
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("GPT-2 byte-level BPE, %d tokens (%s + %s)", len(entries), set[0], set[1]), nil
		}
	}
	return "", fmt.Errorf("no tokenizer files in %s (looked for %s)", dir, lookedFor())
}

// isByteLevel reports whether the tokenizer uses the byte-level alphabet
// (a ByteLevel pre-tokenizer or decoder).
func (t *tokenizerJSON) isByteLevel() bool {
	return hasComponent(t.preTokPy, "ByteLevel", "pretokenizers") || hasComponent(t.decoderPy, "ByteLevel", "decoders")
}

func hasComponent(v any, typ, listKey string) bool {
	d, ok := v.(*pyDict)
	if !ok {
		return false
	}
	if typeName(d) == typ {
		return true
	}
	if l, ok := d.val(listKey).([]any); ok {
		for _, e := range l {
			if hasComponent(e, typ, listKey) {
				return true
			}
		}
	}
	return false
}
