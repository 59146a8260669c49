package tokenizer

import (
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/hfctl/hfctl/infer/tokenizer/pretok"
)

// bpeModel holds the merge ranks. Merges whose two sides are both tokens
// (all of them in a well-formed vocabulary) are keyed by the pair of ids;
// the others by their text.
type bpeModel struct {
	split    *pretok.Splitter
	ranks    map[[2]int32]int32
	strRanks map[string]int32 // "left right" for merges with a non-token side
}

func newBPEModel(t *Tokenizer, merges []string, split *pretok.Splitter) *bpeModel {
	m := &bpeModel{split: split, ranks: make(map[[2]int32]int32, len(merges))}
	for i, w := range merges {
		// llama.cpp splits at the first space after the first byte; a
		// merge without one becomes the pair ("", "").
		var l, r string
		if len(w) > 1 {
			if p := strings.IndexByte(w[1:], ' '); p >= 0 {
				l, r = w[:p+1], w[p+2:]
			}
		}
		li, lok := t.ids[l]
		ri, rok := t.ids[r]
		if lok && rok {
			if _, dup := m.ranks[[2]int32{li, ri}]; !dup {
				m.ranks[[2]int32{li, ri}] = int32(i)
			}
			continue
		}
		if m.strRanks == nil {
			m.strRanks = map[string]int32{}
		}
		k := l + " " + r
		if _, dup := m.strRanks[k]; !dup {
			m.strRanks[k] = int32(i)
		}
	}
	return m
}

// cacheLimit bounds the per-tokenizer word cache.
const cacheLimit = 1 << 17

// bpeEncode tokenizes a raw text fragment: pre-tokenizer split, GPT-2 byte
// encoding (unless the vocabulary is SPM-style), then merges per word.
func (t *Tokenizer) bpeEncode(out []int32, text string) []int32 {
	text = sanitizeUTF8(text)
	var spans [][2]int
	spans = t.bpe.split.Split(text, spans)
	var buf []byte
	for _, sp := range spans {
		w := text[sp[0]:sp[1]]
		if t.byteEncode {
			buf = buf[:0]
			for i := 0; i < len(w); i++ {
				buf = append(buf, byteToUnicode[w[i]]...)
			}
			w = string(buf)
		}
		if c, ok := t.wordCache.Load(w); ok {
			out = append(out, c.([]int32)...)
			continue
		}
		n := len(out)
		out = t.bpeWord(out, w)
		if atomic.AddInt64(&t.cacheN, 1) <= cacheLimit {
			t.wordCache.Store(w, append([]int32(nil), out[n:]...))
		}
	}
	return out
}

type bpeSym struct {
	start, n   int
	prev, next int
	id         int32 // token of the symbol's text, None if it is not one
}

type bpeBigram struct {
	left, right int
	rank        int32
	lsize, rsz  int
}

// bpeBefore orders the work queue: lowest rank first, then leftmost.
func bpeBefore(a, b *bpeBigram) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	return a.left < b.left
}

// bpeWord merges one pre-tokenized word by rank, as llama.cpp's
// llm_tokenizer_bpe_session.
func (t *Tokenizer) bpeWord(out []int32, w string) []int32 {
	if w == "" {
		return out
	}
	if t.ignoreMerges {
		if id, ok := t.ids[w]; ok {
			return append(out, id)
		}
	}
	if t.pre == "gemma4" && strings.Trim(w, "\n") == "" {
		if id, ok := t.ids[w]; ok {
			return append(out, id)
		}
	}
	syms := make([]bpeSym, 0, len(w))
	for off := 0; off < len(w); {
		n := min(utf8Len(w[off]), len(w)-off)
		next := len(syms) + 1
		if off+n == len(w) {
			next = -1
		}
		id, ok := t.ids[w[off:off+n]]
		if !ok {
			id = None
		}
		syms = append(syms, bpeSym{start: off, n: n, prev: len(syms) - 1, next: next, id: id})
		off += n
	}
	if len(syms) == 1 {
		return t.bpeEmit(out, w, syms[0])
	}
	var q heap[bpeBigram]
	q.less = bpeBefore
	add := func(l, r int) {
		if l < 0 || r < 0 {
			return
		}
		rank, ok := t.bpe.rank(w, &syms[l], &syms[r])
		if !ok {
			return
		}
		q.push(bpeBigram{left: l, right: r, rank: rank, lsize: syms[l].n, rsz: syms[r].n})
	}
	for i := 1; i < len(syms); i++ {
		add(i-1, i)
	}
	for q.len() > 0 {
		b := q.pop()
		l, r := &syms[b.left], &syms[b.right]
		if l.n == 0 || r.n == 0 || l.n != b.lsize || r.n != b.rsz {
			continue
		}
		l.n += r.n
		r.n = 0
		id, ok := t.ids[w[l.start:l.start+l.n]]
		if !ok {
			id = None
		}
		l.id = id
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = b.left
		}
		add(l.prev, b.left)
		add(b.left, l.next)
	}
	for i := 0; i != -1; i = syms[i].next {
		out = t.bpeEmit(out, w, syms[i])
	}
	return out
}

func (m *bpeModel) rank(w string, l, r *bpeSym) (int32, bool) {
	if l.id != None && r.id != None {
		rank, ok := m.ranks[[2]int32{l.id, r.id}]
		if ok || m.strRanks == nil {
			return rank, ok
		}
	}
	if m.strRanks == nil {
		return 0, false
	}
	rank, ok := m.strRanks[w[l.start:l.start+l.n]+" "+w[r.start:r.start+r.n]]
	return rank, ok
}

// bpeEmit outputs a final symbol: its token, or else a token per byte
// where one exists (llama.cpp looks each byte up on its own: "<0xXX>" for
// SPM-style vocabularies, the single byte as text otherwise).
func (t *Tokenizer) bpeEmit(out []int32, w string, s bpeSym) []int32 {
	if s.id != None {
		return append(out, s.id)
	}
	for i := s.start; i < s.start+s.n; i++ {
		c := w[i]
		if !t.byteEncode {
			if id := t.byteTokens[c]; id != None {
				out = append(out, id)
			}
			continue
		}
		if id, ok := t.ids[w[i:i+1]]; ok {
			out = append(out, id)
		}
	}
	return out
}

// sanitizeUTF8 re-encodes text the way llama.cpp's unicode_cpts_from_utf8
// and unicode_cpt_to_utf8 round-trip it: each byte that does not start a
// sequence of the announced length becomes U+FFFD. Valid UTF-8 is returned
// unchanged without copying.
func sanitizeUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for off := 0; off < len(s); {
		cp, n, ok := llamaDecodeRune(s, off)
		if !ok {
			b.WriteString("\uFFFD")
			off++
			continue
		}
		b.Write(llamaEncodeRune(nil, cp))
		off += n
	}
	return b.String()
}

// llamaDecodeRune is unicode_cpt_from_utf8: lead-byte length, continuation
// bytes checked, no overlong/surrogate checks.
func llamaDecodeRune(s string, off int) (uint32, int, bool) {
	c := s[off]
	switch {
	case c&0x80 == 0:
		return uint32(c), 1, true
	case c&0x40 == 0:
		return 0, 0, false
	case c&0x20 == 0:
		if off+1 >= len(s) || s[off+1]&0xC0 != 0x80 {
			return 0, 0, false
		}
		return uint32(c&0x1F)<<6 | uint32(s[off+1]&0x3F), 2, true
	case c&0x10 == 0:
		if off+2 >= len(s) || s[off+1]&0xC0 != 0x80 || s[off+2]&0xC0 != 0x80 {
			return 0, 0, false
		}
		return uint32(c&0x0F)<<12 | uint32(s[off+1]&0x3F)<<6 | uint32(s[off+2]&0x3F), 3, true
	case c&0x08 == 0:
		if off+3 >= len(s) || s[off+1]&0xC0 != 0x80 || s[off+2]&0xC0 != 0x80 || s[off+3]&0xC0 != 0x80 {
			return 0, 0, false
		}
		cp := uint32(c&0x07)<<18 | uint32(s[off+1]&0x3F)<<12 | uint32(s[off+2]&0x3F)<<6 | uint32(s[off+3]&0x3F)
		if cp > 0x10FFFF {
			// llama.cpp throws when re-encoding it; treat it as invalid.
			return 0, 0, false
		}
		return cp, 4, true
	}
	return 0, 0, false
}

// llamaEncodeRune is unicode_cpt_to_utf8 (surrogates encoded as is).
func llamaEncodeRune(b []byte, cp uint32) []byte {
	switch {
	case cp <= 0x7F:
		return append(b, byte(cp))
	case cp <= 0x7FF:
		return append(b, 0xC0|byte(cp>>6), 0x80|byte(cp&0x3F))
	case cp <= 0xFFFF:
		return append(b, 0xE0|byte(cp>>12), 0x80|byte(cp>>6&0x3F), 0x80|byte(cp&0x3F))
	}
	return append(b, 0xF0|byte(cp>>18), 0x80|byte(cp>>12&0x3F), 0x80|byte(cp>>6&0x3F), 0x80|byte(cp&0x3F))
}

// byteToUnicode is GPT-2's reversible byte-to-character table; unicodeToByte
// its inverse.
var byteToUnicode, unicodeToByte = func() ([256]string, map[rune]byte) {
	var fwd [256]string
	inv := map[rune]byte{}
	n := 0
	for b := 0; b < 256; b++ {
		var r rune
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			r = rune(b)
		} else {
			r = rune(256 + n)
			n++
		}
		fwd[b] = string(r)
		inv[r] = byte(b)
	}
	return fwd, inv
}()
