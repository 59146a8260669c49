package vocab

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"unicode/utf8"
)

// tokenizerJSON is a parsed Hugging Face tokenizer.json. The vocabulary and
// merges are parsed on first use; the small sections are kept in the
// order-preserving Python-like form (see pyjson.go) as well.
type tokenizerJSON struct {
	path string
	top  map[string][]byte

	model    modelJSON
	modelErr error
	added    []addedToken
	addedErr error

	addedPy       any // "added_tokens" as decoded by Python (nil if absent)
	normalizerPy  any
	preTokPy      any
	postPy        any
	decoderPy     any
	hasDecoderKey bool
}

type modelJSON struct {
	Type                    string
	typeSet                 bool
	UnkToken                *string
	ByteFallback            bool
	byteFallbackSet         bool
	IgnoreMerges            bool
	FuseUnk                 bool
	ContinuingSubwordPrefix string
	EndOfWordSuffix         string

	rawVocab  []byte
	rawMerges []byte

	vocabParsed bool
	vocab       []vocabEntry // file order
	vocabErr    error

	mergesParsed bool
	mergePairs   [][2]string
	mergeLegacy  []string
	mergesAsPair bool
	mergesErr    error
}

type addedToken struct {
	ID         int64
	Content    string
	SingleWord bool
	LStrip     bool
	RStrip     bool
	Normalized bool
	Special    bool
}

func (t *tokenizerJSON) errf(format string, args ...any) error {
	return fmt.Errorf("%s: %s", t.path, fmt.Sprintf(format, args...))
}

// loadTokenizerJSON reads and parses tokenizer.json. Any structural problem
// is reported as an error naming the file.
func loadTokenizerJSON(path string) (*tokenizerJSON, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseTokenizerJSON(path, data)
}

func parseTokenizerJSON(path string, data []byte) (*tokenizerJSON, error) {
	t := &tokenizerJSON{path: path}
	var err error
	if !utf8.Valid(data) {
		return nil, t.errf("malformed JSON: invalid UTF-8")
	}
	top, isObj, err := splitObject(data)
	if err != nil {
		return nil, t.errf("malformed JSON: %v", err)
	}
	if !isObj {
		return nil, t.errf("expected a JSON object at the top level")
	}
	t.top = top
	small := func(key string) (any, error) {
		raw, ok := t.top[key]
		if !ok {
			return nil, nil
		}
		v, err := decodePy(raw)
		if err != nil {
			return nil, t.errf("%q: %v", key, err)
		}
		return v, nil
	}
	if t.addedPy, err = small("added_tokens"); err != nil {
		return nil, err
	}
	if t.normalizerPy, err = small("normalizer"); err != nil {
		return nil, err
	}
	if t.preTokPy, err = small("pre_tokenizer"); err != nil {
		return nil, err
	}
	if t.postPy, err = small("post_processor"); err != nil {
		return nil, err
	}
	if t.decoderPy, err = small("decoder"); err != nil {
		return nil, err
	}
	_, t.hasDecoderKey = t.top["decoder"]

	t.added, t.addedErr = t.parseAdded()
	t.modelErr = t.parseModel()
	return t, nil
}

// parseModel reads the small fields of the "model" section. A missing or
// malformed model only matters to the code paths that need it (the
// SpecialVocab logic reads tokenizer.json without it), so the error is kept.
func (t *tokenizerJSON) parseModel() error {
	rawModel, ok := t.top["model"]
	if !ok {
		return t.errf(`no "model" section`)
	}
	m, isObj, err := splitObject(rawModel)
	if err != nil || !isObj {
		return t.errf(`"model" is not an object`)
	}
	getStr := func(k string) (string, bool, error) {
		raw, ok := m[k]
		if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return "", false, nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false, t.errf("model.%s is not a string", k)
		}
		return s, true, nil
	}
	getBool := func(k string) (bool, bool, error) {
		raw, ok := m[k]
		if !ok {
			return false, false, nil
		}
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return false, true, nil
		}
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return false, false, t.errf("model.%s is not a bool", k)
		}
		return b, true, nil
	}
	mj := &t.model
	if mj.Type, mj.typeSet, err = getStr("type"); err != nil {
		return err
	}
	if s, ok, err := getStr("unk_token"); err != nil {
		return err
	} else if ok {
		mj.UnkToken = &s
	}
	if mj.ByteFallback, mj.byteFallbackSet, err = getBool("byte_fallback"); err != nil {
		return err
	}
	if mj.IgnoreMerges, _, err = getBool("ignore_merges"); err != nil {
		return err
	}
	if mj.FuseUnk, _, err = getBool("fuse_unk"); err != nil {
		return err
	}
	if mj.ContinuingSubwordPrefix, _, err = getStr("continuing_subword_prefix"); err != nil {
		return err
	}
	if mj.EndOfWordSuffix, _, err = getStr("end_of_word_suffix"); err != nil {
		return err
	}
	mj.rawVocab = m["vocab"]
	mj.rawMerges = m["merges"]
	if !mj.typeSet {
		// Files written by old tokenizers versions may omit the tag;
		// guess it from the fields, as serde's untagged fallback does.
		switch {
		case mj.rawMerges != nil:
			mj.Type = "BPE"
		case len(bytes.TrimSpace(mj.rawVocab)) > 0 && bytes.TrimSpace(mj.rawVocab)[0] == '[':
			mj.Type = "Unigram"
		case m["max_input_chars_per_word"] != nil:
			mj.Type = "WordPiece"
		default:
			mj.Type = "WordLevel"
		}
	}
	switch mj.Type {
	case "BPE", "WordPiece", "WordLevel", "Unigram":
	default:
		return t.errf("unknown model type %q", mj.Type)
	}
	if mj.rawVocab == nil {
		return t.errf("model has no vocab")
	}
	return nil
}

// parseAdded checks the added_tokens list strictly; the result is needed to
// encode text and to list the vocabulary.
func (t *tokenizerJSON) parseAdded() ([]addedToken, error) {
	if t.addedPy == nil {
		return nil, nil
	}
	list, ok := t.addedPy.([]any)
	if !ok {
		return nil, t.errf(`"added_tokens" is not a list`)
	}
	var out []addedToken
	for i, e := range list {
		d, ok := e.(*pyDict)
		if !ok {
			return nil, t.errf("added_tokens[%d] is not an object", i)
		}
		a := addedToken{Normalized: true}
		id, isInt, big := pyInt(d.val("id"))
		if !isInt || big || id < 0 || id > 1<<32-1 {
			return nil, t.errf("added_tokens[%d]: bad id %s", i, pyRepr(d.val("id")))
		}
		a.ID = id
		if a.Content, ok = pyStr(d.val("content")); !ok {
			return nil, t.errf("added_tokens[%d]: content is not a string", i)
		}
		for _, f := range []struct {
			k string
			p *bool
		}{{"single_word", &a.SingleWord}, {"lstrip", &a.LStrip}, {"rstrip", &a.RStrip}, {"normalized", &a.Normalized}, {"special", &a.Special}} {
			if v, ok := d.get(f.k); ok {
				b, ok := v.(bool)
				if !ok {
					return nil, t.errf("added_tokens[%d]: %s is not a bool", i, f.k)
				}
				*f.p = b
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// vocabEntries returns the model vocabulary in file order. For Unigram
// models the id is the position in the list.
func (t *tokenizerJSON) vocabEntries() ([]vocabEntry, error) {
	if t.modelErr != nil {
		return nil, t.modelErr
	}
	mj := &t.model
	if !mj.vocabParsed {
		mj.vocabParsed = true
		if mj.Type == "Unigram" {
			var list []json.RawMessage
			if err := json.Unmarshal(mj.rawVocab, &list); err != nil {
				mj.vocabErr = t.errf("model.vocab: %v", err)
			} else {
				for i, e := range list {
					var pair []json.RawMessage
					var piece string
					if err := json.Unmarshal(e, &pair); err != nil || len(pair) != 2 || json.Unmarshal(pair[0], &piece) != nil {
						mj.vocabErr = t.errf("model.vocab[%d] is not a [piece, score] pair", i)
						break
					}
					mj.vocab = append(mj.vocab, vocabEntry{piece, int64(i)})
				}
			}
		} else {
			v, err := scanVocabObject(mj.rawVocab)
			if err != nil {
				mj.vocabErr = t.errf("model.vocab: %v", err)
			}
			mj.vocab = v
		}
		if mj.vocabErr != nil {
			mj.vocab = nil
		}
	}
	return mj.vocab, mj.vocabErr
}

// merges returns the BPE merges: pairs form, legacy "a b" form, which form
// the file used, and whether the model has a merges list at all.
func (t *tokenizerJSON) merges() (pairs [][2]string, legacy []string, asPairs bool, err error) {
	if t.modelErr != nil {
		return nil, nil, false, t.modelErr
	}
	mj := &t.model
	if !mj.mergesParsed {
		mj.mergesParsed = true
		raw := bytes.TrimSpace(mj.rawMerges)
		if len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
			mj.mergePairs, mj.mergeLegacy, mj.mergesAsPair, mj.mergesErr = scanMerges(raw)
			if mj.mergesErr != nil {
				mj.mergesErr = t.errf("model.merges: %v", mj.mergesErr)
			}
		}
	}
	return mj.mergePairs, mj.mergeLegacy, mj.mergesAsPair, mj.mergesErr
}

// mergePairList returns the merges as pairs whatever their form; a legacy
// entry must contain exactly one space, as the tokenizers library requires.
func (t *tokenizerJSON) mergePairList() ([][2]string, error) {
	pairs, legacy, asPairs, err := t.merges()
	if err != nil {
		return nil, err
	}
	if asPairs {
		return pairs, nil
	}
	out := make([][2]string, len(legacy))
	for i, m := range legacy {
		a, b, ok := cutSingleSpace(m)
		if !ok {
			return nil, t.errf("merge %d (%q) is not two tokens separated by one space", i+1, m)
		}
		out[i] = [2]string{a, b}
	}
	return out, nil
}

func cutSingleSpace(s string) (string, string, bool) {
	i := bytes.IndexByte([]byte(s), ' ')
	if i < 0 {
		return "", "", false
	}
	a, b := s[:i], s[i+1:]
	if bytes.IndexByte([]byte(b), ' ') >= 0 {
		return "", "", false
	}
	return a, b, true
}

// typeName returns the "type" of a JSON component (normalizer, pre-tokenizer,
// ...), or "" if it has none.
func typeName(v any) string {
	d, ok := v.(*pyDict)
	if !ok {
		return ""
	}
	s, _ := pyStr(d.val("type"))
	return s
}

var errNoTokenizerJSON = errors.New("no tokenizer.json")
