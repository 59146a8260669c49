package vocab

import (
	"fmt"
	"strconv"
	"strings"
)

// setVocabSentencePiece is TextModel._set_vocab_sentencepiece.
func (x *exporter) setVocabSentencePiece() error {
	tokens, scores, types, err := x.createVocabSentencePiece()
	if err != nil {
		return err
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

// maxVocab bounds the vocabulary size taken from config.json, so that a
// corrupt value cannot make the export allocate without limit.
const maxVocab = 1 << 24

// createVocabSentencePiece is TextModel._create_vocab_sentencepiece.
func (x *exporter) createVocabSentencePiece() ([]string, []float32, []int32, error) {
	path := x.path("tokenizer.model")
	sp, err := loadSentencePiece(path)
	if err != nil {
		return nil, nil, nil, err
	}
	// find_hparam(["vocab_size_per_layer_input", "vocab_size"]) or the
	// model's piece count.
	vocabSize := int64(len(sp.Pieces))
	for _, k := range []string{"vocab_size_per_layer_input", "vocab_size"} {
		v, ok := x.hparams[k]
		if !ok {
			continue
		}
		if v != nil {
			n, ok := anyInt(v)
			if !ok {
				return nil, nil, nil, fmt.Errorf("tokenizer export: config.json %s = %v is not an integer", k, v)
			}
			if n != 0 {
				vocabSize = n
			}
		}
		break
	}
	if vocabSize < 0 || vocabSize > maxVocab {
		return nil, nil, nil, fmt.Errorf("tokenizer export: vocab_size %d out of range", vocabSize)
	}
	n := int(vocabSize)
	tokens := make([]string, n)
	scores := make([]float32, n)
	types := make([]int32, n)
	for i := range tokens {
		tokens[i] = "[PAD" + strconv.Itoa(i) + "]"
		scores[i] = -10000
		types[i] = ttUnused
	}
	for id, p := range sp.Pieces {
		if id >= n {
			warnf("ignore tokens from %d: id is out of range, max=%d", id, n-1)
			break
		}
		t := ttNormal
		switch p.Type {
		case spUnknown:
			t = ttUnknown
		case spControl:
			t = ttControl
		case spUnused:
			t = ttUnused
		case spByte:
			t = ttByte
		}
		tokens[id] = p.Piece
		scores[id] = p.Score
		types[id] = t
	}

	if p := x.path("added_tokens.json"); isFile(p) {
		d, err := readPyJSONDict(p)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, key := range d.keys {
			id, ok, big := pyInt(d.m[key])
			if !ok || (!big && id < 0) {
				return nil, nil, nil, fmt.Errorf("%s: token %q has id %s, not a non-negative integer", p, key, pyRepr(d.m[key]))
			}
			if big || id >= int64(n) {
				warnf("ignore token %s: id is out of range, max=%d", pyRepr(d.m[key]), n-1)
				continue
			}
			tokens[id] = key
			scores[id] = -1000
			types[id] = ttUserDefined
		}
	}

	if p := x.path("tokenizer_config.json"); isFile(p) {
		cfg, err := readPyJSONDict(p)
		if err != nil {
			return nil, nil, nil, err
		}
		if atd, ok := cfg.get("added_tokens_decoder"); ok {
			d, ok := atd.(*pyDict)
			if !ok {
				return nil, nil, nil, fmt.Errorf("%s: added_tokens_decoder is not an object", p)
			}
			for _, key := range d.keys {
				id, err := pyIntString(key)
				if err != nil {
					return nil, nil, nil, fmt.Errorf("%s: added_tokens_decoder key %q: %v", p, key, err)
				}
				data, ok := d.m[key].(*pyDict)
				if !ok {
					return nil, nil, nil, fmt.Errorf("%s: added_tokens_decoder[%q] is not an object", p, key)
				}
				tok, ok := data.val("content").(string)
				if !ok {
					return nil, nil, nil, fmt.Errorf("%s: added_tokens_decoder[%q].content is not a string", p, key)
				}
				if id >= int64(n) {
					warnf("ignore token %d: id is out of range, max=%d", id, n-1)
					continue
				}
				if id < 0 {
					// Python indexes from the end of the list.
					if id < -int64(n) {
						return nil, nil, nil, fmt.Errorf("%s: added_tokens_decoder key %q is out of range", p, key)
					}
					id += int64(n)
				}
				if types[id] != ttUnused && tokens[id] != tok {
					warnf("replacing token %d: %q -> %q", id, tokens[id], tok)
				}
				if pyTruthy(data.val("special")) || looksSpecial(tok) {
					types[id] = ttControl
				} else {
					tok = strings.ReplaceAll(tok, "\u2581", " ")
					types[id] = ttUserDefined
				}
				scores[id] = -1000
				tokens[id] = tok
			}
		}
	}
	return tokens, scores, types, nil
}

// pyIntString is Python's int(s) for a decimal string.
func pyIntString(s string) (int64, error) {
	t := strings.TrimFunc(s, pyIsSpace)
	t = strings.ReplaceAll(t, "_", "")
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || strings.HasPrefix(pyStrip(s), "_") || strings.HasSuffix(pyStrip(s), "_") || strings.Contains(s, "__") {
		return 0, fmt.Errorf("invalid literal for int(): %q", s)
	}
	return n, nil
}

// looksSpecial is TextModel.does_token_look_special.
func looksSpecial(t string) bool {
	switch t {
	case "<pad>", "<mask>", "<2mass>", "[@BOS@]":
		return true
	}
	if strings.HasPrefix(t, "<|") && strings.HasSuffix(t, "|>") {
		return true
	}
	if strings.HasPrefix(t, "<｜") && strings.HasSuffix(t, "｜>") {
		return true
	}
	return strings.HasPrefix(t, "<unused") && strings.HasSuffix(t, ">")
}
