package tokenizer

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// wpmEncode is llama.cpp's WordPiece: normalise and split into words, then
// greedy longest match of "▁word" from the left; a word with an unmatched
// stretch becomes the unknown token.
func (t *Tokenizer) wpmEncode(out []int32, text string) []int32 {
	var word []byte
	for _, w := range t.wpmWords(text) {
		if w == "" {
			continue
		}
		word = append(append(word[:0], "\u2581"...), w...)
		n := len(word)
		before := len(out)
		for i := 0; i < n; i++ {
			matched := false
			for j := min(n, i+t.maxTokenLen+1); j > i; j-- {
				if id, ok := t.ids[string(word[i:j])]; ok {
					out = append(out, id)
					matched = true
					i = j - 1
					break
				}
			}
			if !matched {
				out = out[:before]
				break
			}
		}
		if len(out) == before && t.Special.UNK != None {
			out = append(out, t.Special.UNK)
		}
	}
	return out
}

// wpmWords is the BERT pre-processing of llama.cpp: optional accent
// stripping (first character of the NFD form, then marks dropped) and
// lowercasing, whitespace splits, control characters dropped, punctuation,
// ASCII symbols and CJK ideographs as single-character words.
func (t *Tokenizer) wpmWords(text string) []string {
	words := []string{""}
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words[len(words)-1] = cur.String()
			cur.Reset()
			words = append(words, "")
		}
	}
	for off := 0; off < len(text); {
		cp, n, ok := llamaDecodeRune(text, off)
		if !ok {
			cp, n = 0xFFFD, 1
		}
		off += n
		r := rune(cp)
		if t.stripAccents {
			r = nfdFirst(r)
		}
		if isSpaceLlama(r) {
			flush()
			continue
		}
		if r == 0 || r == 0xFFFD || isControlLlama(r) {
			continue
		}
		if t.stripAccents && unicode.Is(unicode.M, r) {
			continue
		}
		out := r
		if t.lowercase {
			out = unicode.ToLower(r)
		}
		if unicode.IsPunct(r) || (r < 0x7F && unicode.IsSymbol(r)) || isChineseChar(r) {
			flush()
			words[len(words)-1] = string(out)
			words = append(words, "")
			continue
		}
		cur.WriteRune(out)
	}
	flush()
	if words[len(words)-1] == "" {
		words = words[:len(words)-1]
	}
	return words
}

// nfdFirst is the first code point of r's canonical decomposition.
func nfdFirst(r rune) rune {
	if r < 0xC0 {
		return r
	}
	s := norm.NFD.String(string(r))
	for _, f := range s {
		return f
	}
	return r
}

// isSpaceLlama is llama.cpp's whitespace set (Unicode White_Space).
func isSpaceLlama(r rune) bool { return unicode.IsSpace(r) }

// isControlLlama: categories Cc, Cf, Co, Cs.
func isControlLlama(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs)
}

func isChineseChar(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) ||
		(r >= 0x20000 && r <= 0x2A6DF) || (r >= 0x2A700 && r <= 0x2B73F) ||
		(r >= 0x2B740 && r <= 0x2B81F) || (r >= 0x2B920 && r <= 0x2CEAF) ||
		(r >= 0xF900 && r <= 0xFAFF) || (r >= 0x2F800 && r <= 0x2FA1F)
}
