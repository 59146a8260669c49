package tokenizer

import "strings"

// fragment is a stretch of raw text (tok == None) or a special token found
// in it.
type fragment struct {
	start, end int
	tok        int32
}

// partition splits text around special tokens as llama.cpp's
// tokenizer_st_partition: for each special token, longest first, every
// occurrence inside the remaining raw stretches becomes a token fragment.
// With parseSpecial false, control and unknown tokens are left as text
// (user-defined tokens are still matched). Tokens with the lstrip/rstrip
// attribute eat the ASCII whitespace beside them.
func (t *Tokenizer) partition(text string, parseSpecial bool) []fragment {
	frags := []fragment{{0, len(text), None}}
	if text == "" {
		return nil
	}
	var next []fragment
	for _, id := range t.special {
		a := t.attrs[id]
		if !parseSpecial && a&(AttrControl|AttrUnknown) != 0 {
			continue
		}
		tok := t.tokens[id]
		// Cheap pre-check: skip tokens absent from the whole text.
		if !strings.Contains(text, tok) {
			continue
		}
		next = next[:0]
		for _, f := range frags {
			if f.tok != None {
				next = append(next, f)
				continue
			}
			start, end := f.start, f.end
			for start < end {
				i := strings.Index(text[start:end], tok)
				if i < 0 {
					break
				}
				m := start + i
				if m > start {
					le := m
					if a&AttrLStrip != 0 {
						for le > start && isCSpace(text[le-1]) {
							le--
						}
					}
					if le > start {
						next = append(next, fragment{start, le, None})
					}
				}
				next = append(next, fragment{tok: id})
				start = m + len(tok)
				if a&AttrRStrip != 0 {
					for start < end && isCSpace(text[start]) {
						start++
					}
				}
			}
			if start < end {
				next = append(next, fragment{start, end, None})
			}
		}
		frags, next = next, frags
	}
	return frags
}

// isCSpace is C's isspace in the "C" locale.
func isCSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// Encode tokenizes text. addSpecial adds BOS/EOS/SEP as the model asks
// (tokenizer.ggml.add_bos_token …); parseSpecial recognises control tokens
// written in the text (user-defined tokens are always recognised).
func (t *Tokenizer) Encode(text string, addSpecial, parseSpecial bool) []int32 {
	return t.AppendEncode(nil, text, addSpecial, parseSpecial)
}

// AppendEncode is Encode appending to out.
func (t *Tokenizer) AppendEncode(out []int32, text string, addSpecial, parseSpecial bool) []int32 {
	frags := t.partition(text, parseSpecial)
	sp := &t.Special
	switch t.kind {
	case SPM:
		if addSpecial && t.AddBOS {
			out = append(out, sp.BOS)
		}
		prevSpecial := true
		var buf []byte
		for _, f := range frags {
			if f.tok != None {
				out = append(out, f.tok)
				prevSpecial = true
				continue
			}
			buf = buf[:0]
			if t.addSpacePrefix && prevSpecial {
				buf = append(buf, "\u2581"...)
			}
			buf = appendEscapedSpaces(buf, text[f.start:f.end])
			out = t.spmEncode(out, buf)
			prevSpecial = false
		}
		if addSpecial && t.AddEOS {
			out = append(out, sp.EOS)
		}
	case BPE, WPM, UGM, RWKV:
		// BOS/EOS (WPM: CLS/SEP) around the fragments; special-token
		// fragments as they are, text through the algorithm.
		pre, post := None, None
		switch t.kind {
		case BPE, UGM:
			if addSpecial && t.AddBOS {
				pre = sp.BOS
			}
			if addSpecial && t.AddEOS {
				post = sp.EOS
			}
		case WPM:
			if addSpecial {
				pre, post = sp.BOS, sp.SEP
			}
		}
		if pre != None {
			out = append(out, pre)
		}
		for _, f := range frags {
			if f.tok != None {
				out = append(out, f.tok)
				continue
			}
			s := text[f.start:f.end]
			switch t.kind {
			case BPE:
				if t.escapeWhitespaces {
					s = strings.ReplaceAll(s, " ", "\u2581")
				}
				out = t.bpeEncode(out, s)
			case WPM:
				out = t.wpmEncode(out, s)
			case UGM:
				out = t.ugmEncode(out, s)
			case RWKV:
				out = t.rwkvEncode(out, s)
			}
		}
		if post != None {
			out = append(out, post)
		}
	}
	return out
}

func appendEscapedSpaces(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, "\u2581"...)
		s = s[i+1:]
	}
}
