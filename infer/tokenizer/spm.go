package tokenizer

// symbol is a stretch of the text being merged; symbols form a linked list.
type symbol struct {
	start, n   int
	prev, next int
}

type spmBigram struct {
	left, right int32
	score       float32
	size        int32
}

// spmBefore orders the SPM work queue: higher score first, then the
// leftmost pair (llama.cpp's llm_bigram_spm comparator).
func spmBefore(a, b *spmBigram) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.left < b.left
}

// spmEncode tokenizes one escaped text fragment: start from UTF-8
// characters, merge the adjacent pair whose concatenation is the
// highest-scoring token until none is left, then emit each symbol as its
// token or, failing that, as byte tokens.
func (t *Tokenizer) spmEncode(out []int32, text []byte) []int32 {
	if len(text) == 0 {
		return out
	}
	syms := make([]symbol, 0, len(text))
	for off := 0; off < len(text); {
		n := min(utf8Len(text[off]), len(text)-off)
		next := len(syms) + 1
		if off+n == len(text) {
			next = -1
		}
		syms = append(syms, symbol{start: off, n: n, prev: len(syms) - 1, next: next})
		off += n
	}
	var q heap[spmBigram]
	q.less = spmBefore
	add := func(l, r int) {
		if l < 0 || r < 0 {
			return
		}
		s := text[syms[l].start : syms[l].start+syms[l].n+syms[r].n]
		id, ok := t.ids[string(s)]
		if !ok {
			return
		}
		q.push(spmBigram{left: int32(l), right: int32(r), score: t.scores[id], size: int32(len(s))})
	}
	for i := 1; i < len(syms); i++ {
		add(i-1, i)
	}
	for q.len() > 0 {
		b := q.pop()
		l, r := &syms[b.left], &syms[b.right]
		if l.n == 0 || r.n == 0 || l.n+r.n != int(b.size) {
			continue
		}
		l.n += r.n
		r.n = 0
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = int(b.left)
		}
		add(l.prev, int(b.left))
		add(int(b.left), l.next)
	}
	for i := 0; i != -1; i = syms[i].next {
		s := text[syms[i].start : syms[i].start+syms[i].n]
		if id, ok := t.ids[string(s)]; ok {
			out = append(out, id)
			continue
		}
		// Not a token: its bytes. (A merged symbol is always a token, so
		// llama.cpp's re-segmentation never goes deeper than this.)
		for _, c := range s {
			if id := t.byteTokens[c]; id != None {
				out = append(out, id)
			}
		}
	}
	return out
}

// heap is a binary heap ordered by less (the top is the element no other
// is less than).
type heap[T any] struct {
	items []T
	less  func(a, b *T) bool
}

func (h *heap[T]) len() int { return len(h.items) }

func (h *heap[T]) push(x T) {
	h.items = append(h.items, x)
	i := len(h.items) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(&h.items[i], &h.items[p]) {
			break
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

func (h *heap[T]) pop() T {
	top := h.items[0]
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items = h.items[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= last {
			break
		}
		m := l
		if r := l + 1; r < last && h.less(&h.items[r], &h.items[l]) {
			m = r
		}
		if !h.less(&h.items[m], &h.items[i]) {
			break
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
	return top
}

// utf8Len is llama.cpp's unicode_len_utf8: the sequence length announced
// by a lead byte (1 for continuation bytes).
func utf8Len(c byte) int {
	switch c >> 4 {
	case 0xC, 0xD:
		return 2
	case 0xE:
		return 3
	case 0xF:
		return 4
	}
	return 1
}
