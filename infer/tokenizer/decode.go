package tokenizer

import (
	"strings"
	"unicode/utf8"
)

// piece is llama.cpp's token_to_piece with special = true (the cached
// form): control/unknown/user-defined tokens as written, normal tokens
// with ▁ turned into spaces (SPM, WPM, UGM, SPM-style BPE) or GPT-2
// byte-decoded (byte-level BPE), byte tokens as their byte.
func (t *Tokenizer) piece(id int32) string {
	text := t.tokens[id]
	a := t.attrs[id]
	switch t.kind {
	case SPM, WPM, UGM, BPE:
		if a&(AttrUnknown|AttrControl|AttrUserDefined) != 0 {
			return text
		}
		if a&AttrNormal != 0 {
			if t.kind != BPE || t.escapeWhitespaces {
				return strings.ReplaceAll(text, "\u2581", " ")
			}
			return decodeByteLevel(text)
		}
		if a&AttrByte != 0 {
			if len(text) == 6 && strings.HasPrefix(text, "<0x") {
				return string([]byte{hexByte(text[3:5])})
			}
			return ""
		}
		return ""
	case RWKV:
		return string(unescapeRWKV(text))
	}
	return ""
}

func hexByte(s string) byte {
	var v byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | (c - '0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | (c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | (c - 'A' + 10)
		default:
			return v
		}
	}
	return v
}

// decodeByteLevel maps GPT-2 byte-level characters back to bytes; a
// character outside the table is written as llama.cpp does
// ("[UNK_BYTE_0x..." + the whole token + "]").
func decodeByteLevel(text string) string {
	var b []byte
	for _, r := range text {
		if c, ok := unicodeToByte[r]; ok {
			b = append(b, c)
			continue
		}
		b = append(b, "[UNK_BYTE_0x"...)
		var enc [4]byte
		n := utf8.EncodeRune(enc[:], r)
		for _, x := range enc[:n] {
			b = append(b, "0123456789abcdef"[x>>4], "0123456789abcdef"[x&15])
		}
		b = append(b, text...)
		b = append(b, ']')
	}
	return string(b)
}

// Piece returns the text of one token. With special false, control and
// unknown tokens give "" (what a chat shows); with true they are written
// out as in the vocabulary.
func (t *Tokenizer) Piece(id int32, special bool) string {
	if id < 0 || int(id) >= len(t.pieces) {
		return ""
	}
	if !special && t.attrs[id]&(AttrUnknown|AttrControl) != 0 {
		return ""
	}
	return t.pieces[id]
}

// Decode turns ids back into text as llama.cpp's detokenize: removeSpecial
// drops a leading BOS / trailing EOS the model adds; unparseSpecial writes
// control tokens out. The SPM leading space is removed, and for the
// vocabularies that ask for it (clean_up_tokenization_spaces) the spaces
// before punctuation and contractions are cleaned.
func (t *Tokenizer) Decode(ids []int32, removeSpecial, unparseSpecial bool) string {
	removeSpace := t.addSpacePrefix
	if removeSpecial && t.AddBOS && len(ids) > 0 && ids[0] == t.Special.BOS {
		removeSpace = false
		ids = ids[1:]
	}
	if removeSpecial && t.AddEOS && len(ids) > 0 && ids[len(ids)-1] == t.Special.EOS {
		ids = ids[:len(ids)-1]
	}
	var b []byte
	for _, id := range ids {
		p := t.Piece(id, unparseSpecial)
		if removeSpace && len(p) > 0 && p[0] == ' ' {
			p = p[1:]
		}
		removeSpace = false
		b = append(b, p...)
	}
	if t.cleanSpaces {
		b = cleanSpaces(b)
	}
	return string(b)
}

// cleanSpaces is the three passes of llama.cpp's clean_spaces: " ?" " !"
// " ." " ," lose the space, a lone " ' " loses both, and " 's" " 'm" " 're"
// " 've" lose the space.
func cleanSpaces(text []byte) []byte {
	n := len(text)
	if n == 0 {
		return text
	}
	total := 1
	for i := 1; i < n; i++ {
		x := text[i]
		if text[i-1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',') {
			total--
		}
		text[total] = x
		total++
	}
	n, total = total, 1
	for i := 1; i < n; i++ {
		x := text[i]
		if x == '\'' && i+1 < n && text[i-1] == ' ' && text[i+1] == ' ' {
			total--
			i++
			text[i] = 0
		}
		text[total] = x
		total++
	}
	n, total = total, 1
	for i := 1; i < n; i++ {
		x := text[i]
		if text[i-1] == ' ' && x == '\'' && i+1 < n {
			x1 := text[i+1]
			switch {
			case x1 == 's' || x1 == 'm':
				total--
			case x1 == 't' || x1 == 'd':
			case i+2 < n:
				x2 := text[i+2]
				if (x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e') {
					total--
				}
			}
		}
		text[total] = x
		total++
	}
	return text[:total]
}

// StreamDecoder turns generated ids into text as they come, holding back
// bytes until they form whole UTF-8 characters, so a caller printing each
// chunk never prints half a character.
type StreamDecoder struct {
	t       *Tokenizer
	special bool
	pending []byte
}

// NewStreamDecoder starts a stream; special writes control tokens out.
// Pieces are written as they are (a generated SPM piece keeps its leading
// space: it continues the prompt).
func (t *Tokenizer) NewStreamDecoder(special bool) *StreamDecoder {
	return &StreamDecoder{t: t, special: special}
}

// Add appends one token and returns the text that is now complete.
func (d *StreamDecoder) Add(id int32) string {
	p := d.t.Piece(id, d.special)
	d.pending = append(d.pending, p...)
	n := completePrefix(d.pending)
	out := string(d.pending[:n])
	d.pending = append(d.pending[:0], d.pending[n:]...)
	return out
}

// Flush returns what is held back (an incomplete character at the end of
// the stream, written as is).
func (d *StreamDecoder) Flush() string {
	out := string(d.pending)
	d.pending = d.pending[:0]
	return out
}

// completePrefix is the length of b without a trailing incomplete UTF-8
// sequence (an invalid byte counts as complete: it will never become valid).
func completePrefix(b []byte) int {
	n := len(b)
	for i := n - 1; i >= 0 && i >= n-4; i-- {
		c := b[i]
		if c&0xC0 == 0x80 {
			continue
		}
		if c < 0x80 {
			return n
		}
		need := utf8Len(c)
		if c >= 0xF8 || c < 0xC0 {
			return n
		}
		if n-i < need {
			return i
		}
		return n
	}
	return n
}
