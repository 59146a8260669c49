package tokenizer

import (
	"encoding/binary"
	"errors"
	"math"
)

// ugmModel is the Unigram (T5-style SentencePiece) tokenizer state.
type ugmModel struct {
	tokens      *trie // normal, user-defined and unused tokens
	userDefined *trie
	xcda        []uint32 // precompiled charsmap: XOR-compressed double array
	repl        []byte   // its NUL-terminated replacement strings
	unkScore    float64
}

func newUGMModel(t *Tokenizer, charsmap []byte) (*ugmModel, error) {
	m := &ugmModel{tokens: newTrie(), userDefined: newTrie()}
	if len(charsmap) > 0 {
		if len(charsmap) < 4 {
			return nil, errors.New("precompiled charsmap too small for its size header")
		}
		size := binary.LittleEndian.Uint32(charsmap)
		if uint64(size)+4 >= uint64(len(charsmap)) {
			return nil, errors.New("precompiled charsmap: double array size past the end")
		}
		m.xcda = make([]uint32, size/4)
		for i := range m.xcda {
			m.xcda[i] = binary.LittleEndian.Uint32(charsmap[4+4*i:])
		}
		m.repl = charsmap[4+size:]
	}
	minScore, maxScore := float32(math.MaxFloat32), float32(-math.MaxFloat32)
	for i, s := range t.tokens {
		a := t.attrs[i]
		if a&AttrNormal != 0 {
			minScore = min(minScore, t.scores[i])
			maxScore = max(maxScore, t.scores[i])
		}
		if a&(AttrNormal|AttrUserDefined|AttrUnused) != 0 {
			m.tokens.insert([]byte(s), int32(i))
		}
		if a&AttrUserDefined != 0 {
			m.userDefined.insert([]byte(s), int32(i))
		}
	}
	m.unkScore = float64(minScore - 10)
	return m, nil
}

type ugmBest struct {
	id    int32
	start int
	score float64
}

// ugmEncode is the Viterbi search of SentencePiece's unigram model over the
// normalised text; runs of unknown tokens collapse into one.
func (t *Tokenizer) ugmEncode(out []int32, text string) []int32 {
	norm := t.ugmNormalize(text)
	n := len(norm)
	if n == 0 {
		return out
	}
	unk := t.Special.UNK
	best := make([]ugmBest, n+1)
	for i := range best {
		best[i] = ugmBest{unk, 0, -math.MaxFloat64}
	}
	best[0] = ugmBest{unk, 0, 0}
	for off := 0; off < n; {
		cl := min(utf8Len(norm[off]), n-off)
		cur := best[off]
		single := false
		node := t.ugm.tokens.child(norm[off])
		p := off + 1
		for node != nil {
			if node.has {
				if p-off == cl {
					single = true
				}
				score := float64(t.scores[node.value])
				if t.attrs[node.value]&AttrUserDefined != 0 {
					score = 0
				}
				if c := cur.score + score; c > best[p].score {
					best[p] = ugmBest{node.value, off, c}
				}
			}
			if p >= n {
				break
			}
			node = node.child(norm[p])
			p++
		}
		if !single {
			if c := cur.score + t.ugm.unkScore; c > best[off+cl].score {
				best[off+cl] = ugmBest{unk, off, c}
			}
		}
		off += cl
	}
	start := len(out)
	prevUnk := false
	for b := best[n]; ; b = best[b.start] {
		isUnk := b.id == unk
		if !(prevUnk && isUnk) && b.id != None {
			out = append(out, b.id)
		}
		if b.start == 0 {
			break
		}
		prevUnk = isUnk
	}
	for i, j := start, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// ugmNormalize applies the precompiled charsmap and the whitespace rules.
func (t *Tokenizer) ugmNormalize(in string) string {
	space := " "
	if t.escapeWhitespaces {
		space = "\u2581"
	}
	prepend := t.addSpacePrefix
	merge := t.removeExtraWhitespaces
	out := make([]byte, 0, len(in)*3)
	prepended, inWord := false, false
	for off := 0; off < len(in); {
		rep, consumed := t.ugmNormalizePrefix(in, off)
		for i := 0; i < len(rep); i++ {
			c := rep[i]
			if c != ' ' {
				if !inWord {
					inWord = true
					if (prepend && !prepended) || merge {
						out = append(out, space...)
						prepended = true
					}
				}
				out = append(out, c)
			} else {
				inWord = false
				if !merge {
					out = append(out, space...)
				}
			}
		}
		off += consumed
	}
	return string(out)
}

// ugmNormalizePrefix returns the normalised form of the longest prefix of
// in[off:] the charsmap knows (a user-defined token is kept as is; an
// invalid UTF-8 byte becomes U+FFFD).
func (t *Tokenizer) ugmNormalizePrefix(in string, off int) (string, int) {
	if n := t.ugm.userDefined.longestPath(in[off:]); n > 0 {
		return in[off : off+n], n
	}
	m := t.ugm
	longest, replOff := 0, uint32(0)
	if len(m.xcda) > 0 {
		get := func(i uint32) (uint32, bool) {
			if int(i) >= len(m.xcda) {
				return 0, false
			}
			return m.xcda[i], true
		}
		base := func(p uint32) uint32 { return (p >> 10) << ((p & (1 << 9)) >> 6) }
		root, ok := get(0)
		if ok {
			node := base(root)
			for p := off; p < len(in); p++ {
				c := in[p]
				if c == 0 {
					break
				}
				node ^= uint32(c)
				packed, ok := get(node)
				if !ok || packed&(1<<31|0xFF) != uint32(c) {
					break
				}
				leaf := packed>>8&1 == 1
				node ^= base(packed)
				if leaf {
					v, ok := get(node)
					if !ok {
						break
					}
					longest = p - off + 1
					replOff = v & (1<<31 - 1)
				}
			}
		}
	}
	if longest > 0 && int(replOff) < len(m.repl) {
		r := m.repl[replOff:]
		for i, c := range r {
			if c == 0 {
				return string(r[:i]), longest
			}
		}
	}
	if _, n, ok := llamaDecodeRune(in, off); ok {
		return in[off : off+n], n
	}
	return "\uFFFD", 1
}
