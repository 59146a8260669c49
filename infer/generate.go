package infer

import (
	"context"
	"errors"
	"strings"
	"time"
)

// GenerateOptions control one generation.
type GenerateOptions struct {
	NumPredict int      // tokens to generate at most (≤0: until the context is full)
	Stop       []string // stop strings (not printed)
	Sampler    SamplerOptions
	// IgnoreEOS keeps going past end-of-generation tokens.
	IgnoreEOS bool
}

// Stats are the timings of a generation, as Ollama reports them.
type Stats struct {
	PromptTokens int
	PromptTime   time.Duration
	EvalTokens   int
	EvalTime     time.Duration
	DoneReason   string // "stop" or "length"
}

// Generate makes the session hold prompt (reusing the cached prefix it
// shares with it), then samples up
// to NumPredict tokens, calling emit with each piece of text as it becomes
// final (whole UTF-8 characters, stop strings held back until they can no
// longer match). It stops at an end-of-generation token, a stop string,
// NumPredict, a full context, or when ctx is cancelled (DoneReason
// "cancel", and no error).
func (s *Session) Generate(ctx context.Context, prompt []int32, o GenerateOptions, emit func(string) error) (st Stats, err error) {
	tok := s.m.Tok
	t0 := time.Now()
	var logits []float32
	logits, err = s.EvalFrom(prompt)
	if err != nil {
		return st, err
	}
	st.PromptTokens, st.PromptTime = s.lastEval, time.Since(t0)
	sampler := NewSampler(o.Sampler)
	history := append([]int32(nil), prompt...)
	dec := tok.NewStreamDecoder(false)
	var pending strings.Builder // text held back for stop strings
	flush := func(final bool) error {
		text := pending.String()
		if len(o.Stop) > 0 {
			for _, stop := range o.Stop {
				if i := strings.Index(text, stop); i >= 0 {
					pending.Reset()
					if i > 0 {
						if err := emit(text[:i]); err != nil {
							return err
						}
					}
					return errStop
				}
			}
			if !final {
				keep := 0
				for _, stop := range o.Stop {
					for k := min(len(stop)-1, len(text)); k > keep; k-- {
						if strings.HasSuffix(text, stop[:k]) {
							keep = k
							break
						}
					}
				}
				pending.Reset()
				pending.WriteString(text[len(text)-keep:])
				text = text[:len(text)-keep]
			} else {
				pending.Reset()
			}
		} else {
			pending.Reset()
		}
		if text != "" {
			return emit(text)
		}
		return nil
	}
	t1 := time.Now()
	defer func() { st.EvalTime = time.Since(t1) }()
	for {
		if ctx.Err() != nil {
			st.DoneReason = "cancel"
			return st, flush(true)
		}
		if o.NumPredict > 0 && st.EvalTokens >= o.NumPredict {
			st.DoneReason = "length"
			pending.WriteString(dec.Flush())
			return st, flush(true)
		}
		id := sampler.Sample(logits, history)
		if !o.IgnoreEOS && tok.IsEOG(id) {
			st.DoneReason = "stop"
			pending.WriteString(dec.Flush())
			return st, flush(true)
		}
		st.EvalTokens++
		history = append(history, id)
		pending.WriteString(dec.Add(id))
		if err := flush(false); err != nil {
			if errors.Is(err, errStop) {
				st.DoneReason = "stop"
				return st, nil
			}
			return st, err
		}
		if s.pos >= s.kv.Ctx() {
			st.DoneReason = "length"
			pending.WriteString(dec.Flush())
			return st, flush(true)
		}
		if logits, err = s.Eval([]int32{id}); err != nil {
			return st, err
		}
	}
}

var errStop = errors.New("stop string")
