package infer

import (
	"errors"
	"fmt"
	"math"
)

// The llama graph (Llama 1–3, Mistral, TinyLlama, SmolLM as converted by
// llama.cpp): pre-norm blocks of grouped-query attention with rotary
// embeddings on interleaved pairs, and a SwiGLU feed-forward. qwen2.go and
// qwen3.go register variants that add q/k/v biases or q/k norms; the
// forward pass below skips what a model does not have.
func init() {
	registerArch(&archDef{name: "llama"})
}

// Session is one conversation's state: the KV cache and the position.
type Session struct {
	m     *Model
	be    Backend
	kv    KVCache
	pos   int
	batch int
	rope  *Rope
	attn  *AttnShape

	x, h, q, k, v, att, o, gate, up, act, logits Buffer
	hostLogits                                   []float32
	tokens                                       []int32 // what the cache holds
	lastEval                                     int     // tokens the last Eval evaluated
}

// SessionOptions configure a session.
type SessionOptions struct {
	Ctx   int  // context length (0: the model's, at most 4096)
	Batch int  // tokens per forward pass during prompt processing (0: 256)
	F32KV bool // keep the KV cache in float32 instead of float16
}

// ErrContextFull is returned when the tokens do not fit the context.
var ErrContextFull = errors.New("context full")

// NewSession allocates the buffers and KV cache on be.
func (m *Model) NewSession(be Backend, o SessionOptions) (*Session, error) {
	c := &m.Config
	if o.Ctx <= 0 {
		o.Ctx = min(4096, max(c.NCtxTrain, 512))
		if c.NCtxTrain > 0 {
			o.Ctx = min(o.Ctx, c.NCtxTrain)
		}
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
	o.Batch = min(o.Batch, o.Ctx)
	s := &Session{m: m, be: be, batch: o.Batch}
	s.rope = &Rope{HeadDim: c.HeadDim, Dims: c.RopeDim, Base: c.RopeBase, Scale: c.RopeScale, Neox: c.RopeNeox, Factors: m.RopeFreqs}
	s.attn = &AttnShape{Heads: c.NHead, KVHeads: c.NHeadKV, HeadDim: c.HeadDim, HeadDimV: c.HeadDimV, Scale: c.AttnScale}
	s.kv = be.NewKVCache(c.NLayer, o.Ctx, s.attn, !o.F32KV)
	B := o.Batch
	s.x = be.NewBuffer(B * c.NEmbd)
	s.h = be.NewBuffer(B * c.NEmbd)
	s.q = be.NewBuffer(B * c.NHead * c.HeadDim)
	s.k = be.NewBuffer(B * c.NHeadKV * c.HeadDim)
	s.v = be.NewBuffer(B * c.NHeadKV * c.HeadDimV)
	s.att = be.NewBuffer(B * c.NHead * c.HeadDimV)
	s.o = be.NewBuffer(B * c.NEmbd)
	s.gate = be.NewBuffer(B * c.NFF)
	s.up = be.NewBuffer(B * c.NFF)
	s.act = be.NewBuffer(B * c.NFF)
	s.logits = be.NewBuffer(c.NVocab)
	s.hostLogits = make([]float32, c.NVocab)
	return s, nil
}

// Pos is the number of tokens in the cache.
func (s *Session) Pos() int { return s.pos }

// Ctx is the context length.
func (s *Session) Ctx() int { return s.kv.Ctx() }

// Reset empties the cache.
func (s *Session) Reset() { s.pos, s.tokens = 0, s.tokens[:0] }

// Tokens returns the tokens the cache holds.
func (s *Session) Tokens() []int32 { return s.tokens }

// Truncate keeps the first n cached tokens (n ≤ Pos).
func (s *Session) Truncate(n int) {
	if n >= 0 && n < s.pos {
		s.pos = n
		s.tokens = s.tokens[:n]
	}
}

// EvalFrom makes the cache hold exactly ids, reusing the longest prefix it
// already holds, and returns the logits after the last id.
func (s *Session) EvalFrom(ids []int32) ([]float32, error) {
	common := 0
	for common < len(ids) && common < len(s.tokens) && ids[common] == s.tokens[common] {
		common++
	}
	if common == len(ids) {
		common-- // re-evaluate the last token to get its logits
	}
	s.Truncate(max(common, 0))
	return s.Eval(ids[s.pos:])
}

// Eval runs tokens through the model after the cached ones and returns the
// logits of the last token (valid until the next call).
func (s *Session) Eval(tokens []int32) ([]float32, error) {
	if len(tokens) == 0 {
		return nil, errors.New("infer: no tokens to evaluate")
	}
	if s.pos+len(tokens) > s.kv.Ctx() {
		return nil, fmt.Errorf("%w: %d tokens in the cache + %d new exceed the context of %d (use a larger --ctx, or start a new conversation)", ErrContextFull, s.pos, len(tokens), s.kv.Ctx())
	}
	for _, t := range tokens {
		if t < 0 || int(t) >= s.m.NVocab {
			return nil, fmt.Errorf("infer: token id %d out of range (vocabulary of %d)", t, s.m.NVocab)
		}
	}
	s.lastEval = len(tokens)
	for len(tokens) > 0 {
		n := min(len(tokens), s.batch)
		s.forward(tokens[:n], len(tokens) == n)
		s.pos += n
		s.tokens = append(s.tokens, tokens[:n]...)
		tokens = tokens[n:]
	}
	for _, v := range s.hostLogits {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("%s: the model produced %v logits: its weights hold NaN/inf or overflow in this precision", s.m.Path, v)
		}
	}
	return s.hostLogits, nil
}

// forward evaluates one batch at s.pos; with last, computes the logits of
// its final token.
func (s *Session) forward(tokens []int32, last bool) {
	m, be, c := s.m, s.be, &s.m.Config
	n := len(tokens)
	be.Embed(s.x, m.Embd, tokens)
	for li := range m.Layers {
		l := &m.Layers[li]
		be.RMSNorm(s.h, s.x, l.AttnNorm, n, c.NEmbd, c.RMSEps)
		be.MatMul(s.q, s.h, l.Q, l.QBias, n)
		be.MatMul(s.k, s.h, l.K, l.KBias, n)
		be.MatMul(s.v, s.h, l.V, l.VBias, n)
		if l.QNorm != nil {
			be.RMSNorm(s.q, s.q, l.QNorm, n*c.NHead, c.HeadDim, c.RMSEps)
			be.RMSNorm(s.k, s.k, l.KNorm, n*c.NHeadKV, c.HeadDim, c.RMSEps)
		}
		be.RoPE(s.q, n, c.NHead, s.rope, s.pos)
		be.RoPE(s.k, n, c.NHeadKV, s.rope, s.pos)
		be.Attention(s.att, s.q, s.k, s.v, s.kv, li, n, s.pos, s.attn)
		be.MatMul(s.o, s.att, l.O, nil, n)
		be.Add(s.x, s.o, n*c.NEmbd)
		be.RMSNorm(s.h, s.x, l.FFNNorm, n, c.NEmbd, c.RMSEps)
		be.MatMul(s.gate, s.h, l.Gate, nil, n)
		be.MatMul(s.up, s.h, l.Up, nil, n)
		be.SwiGLU(s.act, s.gate, s.up, n, c.NFF)
		be.MatMul(s.o, s.act, l.Down, nil, n)
		be.Add(s.x, s.o, n*c.NEmbd)
	}
	if !last {
		return
	}
	// Only the final token's logits are needed.
	lastRow := s.lastRow(n)
	be.RMSNorm(s.h, lastRow, m.OutNorm, 1, c.NEmbd, c.RMSEps)
	be.MatMul(s.logits, s.h, m.Output, nil, 1)
	be.Read(s.hostLogits, s.logits)
}

// lastRow returns a buffer holding the last of n rows of s.x.
func (s *Session) lastRow(n int) Buffer {
	if cb, ok := s.x.(cpuBuf); ok {
		w := s.m.NEmbd
		return cb[(n-1)*w : n*w]
	}
	if v, ok := s.x.(interface{ Row(i, width int) Buffer }); ok {
		return v.Row(n-1, s.m.NEmbd)
	}
	panic("infer: backend buffer cannot address a row")
}
