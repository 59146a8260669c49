package infer

import (
	"math"
	"math/rand/v2"
	"slices"
)

// SamplerOptions are the sampling parameters (Ollama's names and meaning).
type SamplerOptions struct {
	Temperature      float32 // 0: greedy
	TopK             int     // 0: off
	TopP             float32 // 1: off
	MinP             float32 // 0: off
	RepeatPenalty    float32 // 1: off
	FrequencyPenalty float32
	PresencePenalty  float32
	RepeatLastN      int    // tokens the penalties look back over (-1: whole context)
	Seed             uint64 // 0: random
}

// DefaultSamplerOptions are Ollama's defaults (temperature 0.8, top_k 40,
// top_p 0.9) with llama.cpp's repeat penalty (1.0: off, so that greedy
// output can be compared with a reference), overridden by the model's
// general.sampling.* recommendations when it has them.
func (m *Model) DefaultSamplerOptions() SamplerOptions {
	o := SamplerOptions{Temperature: 0.8, TopK: 40, TopP: 0.9, MinP: 0, RepeatPenalty: 1, RepeatLastN: 64}
	d := m.SamplingDef
	if d.HasTemp {
		o.Temperature = d.Temp
	}
	if d.HasTopK {
		o.TopK = d.TopK
	}
	if d.HasTopP {
		o.TopP = d.TopP
	}
	if d.HasMinP {
		o.MinP = d.MinP
	}
	if d.HasRepeat {
		o.RepeatPenalty = d.RepeatPenalty
	}
	if d.HasLastN {
		o.RepeatLastN = d.RepeatLastN
	}
	return o
}

// Sampler picks the next token from logits: penalties over the recent
// tokens, then top-k, top-p, min-p and temperature (llama.cpp's order),
// then a draw; greedy (ties to the lowest id) when the temperature is 0.
type Sampler struct {
	o     SamplerOptions
	rng   *rand.Rand
	cand  []cand
	count map[int32]int
}

type cand struct {
	id int32
	p  float32
}

// NewSampler makes a sampler.
func NewSampler(o SamplerOptions) *Sampler {
	seed := o.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &Sampler{o: o, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), count: map[int32]int{}}
}

// Sample returns the next token given the logits and the tokens so far
// (the logits are modified).
func (s *Sampler) Sample(logits []float32, history []int32) int32 {
	o := &s.o
	if o.RepeatPenalty != 1 && o.RepeatPenalty != 0 || o.FrequencyPenalty != 0 || o.PresencePenalty != 0 {
		last := history
		if o.RepeatLastN >= 0 && len(last) > o.RepeatLastN {
			last = last[len(last)-o.RepeatLastN:]
		}
		clear(s.count)
		for _, t := range last {
			s.count[t]++
		}
		for t, n := range s.count {
			if int(t) >= len(logits) || t < 0 {
				continue
			}
			l := logits[t]
			if o.RepeatPenalty != 0 && o.RepeatPenalty != 1 {
				if l <= 0 {
					l *= o.RepeatPenalty
				} else {
					l /= o.RepeatPenalty
				}
			}
			l -= float32(n)*o.FrequencyPenalty + o.PresencePenalty
			logits[t] = l
		}
	}
	if o.Temperature <= 0 {
		return greedy(logits)
	}
	c := s.cand[:0]
	for i, l := range logits {
		c = append(c, cand{int32(i), l})
	}
	// sort descending by logit (ties by id)
	k := len(c)
	if o.TopK > 0 && o.TopK < k {
		k = o.TopK
	}
	slices.SortFunc(c, func(a, b cand) int {
		if a.p != b.p {
			if a.p > b.p {
				return -1
			}
			return 1
		}
		return int(a.id - b.id)
	})
	c = c[:k]
	// softmax
	mx := c[0].p
	var sum float64
	for i := range c {
		e := math.Exp(float64(c[i].p - mx))
		c[i].p = float32(e)
		sum += e
	}
	for i := range c {
		c[i].p = float32(float64(c[i].p) / sum)
	}
	if o.TopP > 0 && o.TopP < 1 {
		var cum float32
		for i := range c {
			cum += c[i].p
			if cum >= o.TopP {
				c = c[:i+1]
				break
			}
		}
	}
	if o.MinP > 0 {
		th := c[0].p * o.MinP
		for i := range c {
			if c[i].p < th {
				c = c[:i]
				break
			}
		}
	}
	// temperature on the survivors: p^(1/T), renormalised
	sum = 0
	for i := range c {
		w := math.Pow(float64(c[i].p), 1/float64(o.Temperature))
		c[i].p = float32(w)
		sum += w
	}
	r := s.rng.Float64() * sum
	s.cand = c
	for _, x := range c {
		r -= float64(x.p)
		if r <= 0 {
			return x.id
		}
	}
	return c[len(c)-1].id
}

// greedy is the arg max, lowest id on ties.
func greedy(logits []float32) int32 {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	return int32(best)
}
