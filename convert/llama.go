package convert

import (
	"encoding/json"
	"math"

	"github.com/hfctl/hfctl/gguf"
)

// Llama: Llama 1/2/3/3.1/3.2, TinyLlama, SmolLM, CodeLlama and other
// checkpoints saved as LlamaForCausalLM.
func init() {
	Register(&Arch{
		GGUF:      "llama",
		HFNames:   []string{"LlamaForCausalLM", "LLaMAForCausalLM"},
		Defaults:  llamaDefaults,
		Tensors:   llamaFamilyTensors,
		PermuteQK: true,
		Params:    llamaParams,
		Extra:     llamaRopeFreqs,
	})
}

// llamaDefaults are transformers 4.57.6's LlamaConfig defaults.
func llamaDefaults(c *Config) {
	c.applyDefaults(map[string]any{
		"vocab_size":              json.Number("32000"),
		"hidden_size":             json.Number("4096"),
		"intermediate_size":       json.Number("11008"),
		"num_hidden_layers":       json.Number("32"),
		"num_attention_heads":     json.Number("32"),
		"max_position_embeddings": json.Number("2048"),
		"rms_norm_eps":            json.Number("1e-06"),
		"rope_theta":              json.Number("10000.0"),
	})
	headsDefaults(c)
}

// headsDefaults fills num_key_value_heads and head_dim from the head count,
// as LlamaConfig-style classes do in their constructor.
func headsDefaults(c *Config) {
	if !c.Has("num_key_value_heads") {
		c.Raw["num_key_value_heads"] = c.Raw["num_attention_heads"]
	}
	if !c.Has("head_dim") {
		h, _, _ := c.Int("hidden_size")
		n, _, _ := c.Int("num_attention_heads")
		if n > 0 {
			c.Raw["head_dim"] = json.Number(itoa(h / n))
		}
	}
}

// llamaParams: LlamaModel.set_gguf_parameters after the common keys.
func llamaParams(m *model, kv *kvList) error {
	vocab, err := m.cfg.MustInt("vocab_size")
	if err != nil {
		return err
	}
	kv.add(m.key(gguf.KeyVocabSize), gguf.Uint32(uint32(vocab)))
	dim, ok, err := m.cfg.Int("head_dim")
	if err != nil {
		return err
	}
	if !ok {
		h, err := m.cfg.MustInt("hidden_size")
		if err != nil {
			return err
		}
		n, err := m.cfg.MustInt("num_attention_heads")
		if err != nil {
			return err
		}
		dim = h / n
	}
	kv.add(m.key(gguf.KeyRopeDimensionCount), gguf.Uint32(uint32(dim)))
	return nil
}

// llamaRopeFreqs generates rope_freqs.weight for Llama 3.1-style RoPE
// scaling (rope_type "llama3"): one factor per rotated dimension pair.
func llamaRopeFreqs(m *model) ([]genTensor, error) {
	rp := m.ropeParams()
	if rt, _ := rp["rope_type"].(string); !equalFold(rt, "llama3") {
		return nil, nil
	}
	base := numOr(rp["rope_theta"], 10000)
	dim, ok, err := m.cfg.Int("head_dim")
	if err != nil {
		return nil, err
	}
	if !ok {
		h, _ := m.cfg.MustInt("hidden_size")
		n, err := m.cfg.MustInt("num_attention_heads")
		if err != nil {
			return nil, err
		}
		dim = h / n
	}
	factor := numOr(rp["factor"], 8)
	lowFF := numOr(rp["low_freq_factor"], 1)
	highFF := numOr(rp["high_freq_factor"], 4)
	oldCtx := numOr(rp["original_max_position_embeddings"], 8192)
	lowWave := oldCtx / lowFF
	highWave := oldCtx / highFF
	// The reference computes in float32 tensors (torch); keep each step
	// in float32 so the factors round the same way.
	out := make([]float32, 0, dim/2)
	for i := int64(0); i < dim; i += 2 {
		exp := float32(i) / float32(dim)
		freq := float32(1) / float32(math.Pow(base, float64(exp)))
		wavelen := float32(2*math.Pi) / freq
		switch {
		case wavelen < float32(highWave):
			out = append(out, 1)
		case wavelen > float32(lowWave):
			out = append(out, float32(factor))
		default:
			smooth := (float32(oldCtx)/wavelen - float32(lowFF)) / float32(highFF-lowFF)
			out = append(out, 1/((1-smooth)/float32(factor)+smooth))
		}
	}
	return []genTensor{{name: "rope_freqs.weight", data: out}}, nil
}
