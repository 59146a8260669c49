package convert

import (
	"fmt"

	"github.com/hfctl/hfctl/gguf"
)

// ropeParams returns the model's RoPE settings the way llama.cpp gathers
// them: rope_parameters or rope_scaling, with rope_theta and the legacy
// "type" field mirrored in.
func (m *model) ropeParams() map[string]any {
	rp := map[string]any{}
	src := m.cfg.Map("rope_parameters")
	if src == nil {
		src = m.cfg.Map("rope_scaling")
	}
	for k, v := range src {
		rp[k] = v
	}
	_, hasFull := rp["full_attention"]
	_, hasSliding := rp["sliding_attention"]
	if !hasFull && !hasSliding {
		if _, v, ok := m.cfg.find("local_rope_theta", "rope_local_theta", "rope_theta_local", "swa_rope_theta", "rope_local_base_freq"); ok {
			rp["sliding_attention"] = map[string]any{"rope_theta": v}
		}
		if _, ok := rp["rope_theta"]; !ok {
			if _, v, ok := m.cfg.find("global_rope_theta", "rope_global_theta", "rope_theta_global", "rope_theta", "rotary_emb_base"); ok {
				rp["rope_theta"] = v
			}
		}
		if _, ok := rp["rope_type"]; !ok {
			if t, ok := rp["type"]; ok && t != nil {
				rp["rope_type"] = t
			}
		}
		if _, ok := rp["partial_rotary_factor"]; !ok {
			if _, v, ok := m.cfg.find("partial_rotary_factor", "rope_pct", "rope_percent"); ok {
				rp["partial_rotary_factor"] = v
			}
		}
		if _, ok := rp["original_max_position_embeddings"]; !ok {
			if _, v, ok := m.cfg.find("original_max_position_embeddings"); ok {
				rp["original_max_position_embeddings"] = v
			}
		}
	}
	if full, ok := rp["full_attention"].(map[string]any); ok {
		return full
	}
	return rp
}

// textParams writes the hyper-parameters every text model gets
// (llama.cpp's TextModel.set_gguf_parameters), in its order.
func (m *model) textParams(kv *kvList, ftype gguf.FileType) error {
	c := m.cfg
	u32 := func(format string, keys ...string) error {
		n, ok, err := c.Int(keys...)
		if err != nil {
			return err
		}
		if ok {
			if n < 0 || n > 1<<32-1 {
				return fmt.Errorf("%s: %q = %d is out of range", c.Path, keys[0], n)
			}
			kv.add(m.key(format), gguf.Uint32(uint32(n)))
		}
		return nil
	}
	f32 := func(format string, keys ...string) error {
		f, ok, err := c.Float(keys...)
		if err != nil {
			return err
		}
		if ok {
			kv.add(m.key(format), gguf.Float32(float32(f)))
		}
		return nil
	}
	blocks, err := c.MustInt("n_layers", "num_hidden_layers", "n_layer", "num_layers")
	if err != nil {
		return err
	}
	kv.add(m.key(gguf.KeyBlockCount), gguf.Uint32(uint32(blocks)))
	steps := []struct {
		format string
		keys   []string
	}{
		{gguf.KeyContextLength, []string{"max_position_embeddings", "n_ctx", "n_positions", "max_length", "max_sequence_length", "model_max_length"}},
		{gguf.KeyEmbeddingLength, []string{"hidden_size", "n_embd", "dim"}},
		{gguf.KeyFeedForwardLength, []string{"prefix_dense_intermediate_size", "dense_intermediate_size", "intermediate_size", "n_inner", "hidden_dim"}},
		{gguf.KeyAttentionHeadCount, []string{"num_attention_heads", "n_head", "n_heads"}},
		{gguf.KeyAttentionHeadCountKV, []string{"num_key_value_heads", "n_kv_heads"}},
	}
	for _, s := range steps {
		if err := u32(s.format, s.keys...); err != nil {
			return err
		}
	}
	if b, ok := c.Bool("is_causal"); ok && !b {
		kv.add(m.key(gguf.KeyAttentionCausal), gguf.Bool(false))
	}

	rp := m.ropeParams()
	if rt, ok := rp["rope_type"].(string); ok {
		factor, hasFactor := rp["factor"]
		hasFactor = hasFactor && factor != nil
		switch {
		case rt == "linear" && hasFactor:
			kv.add(m.key(gguf.KeyRopeScalingType), gguf.String("linear"))
			kv.add(m.key(gguf.KeyRopeScalingFactor), gguf.Float32(float32(numOr(factor, 1))))
		case rt == "yarn" && hasFactor:
			kv.add(m.key(gguf.KeyRopeScalingType), gguf.String("yarn"))
			kv.add(m.key(gguf.KeyRopeScalingFactor), gguf.Float32(float32(numOr(factor, 1))))
			orig, err := toInt(rp["original_max_position_embeddings"])
			if err != nil {
				return fmt.Errorf("%s: rope yarn scaling needs original_max_position_embeddings: %v", c.Path, err)
			}
			kv.add(m.key(gguf.KeyRopeScalingOrigCtxLen), gguf.Uint32(uint32(orig)))
			for _, e := range []struct {
				format string
				keys   []string
			}{
				{gguf.KeyRopeScalingYarnExtFactor, []string{"extrapolation_factor"}},
				{gguf.KeyRopeScalingYarnAttnFactor, []string{"attention_factor", "attn_factor"}},
				{gguf.KeyRopeScalingYarnBetaFast, []string{"beta_fast"}},
				{gguf.KeyRopeScalingYarnBetaSlow, []string{"beta_slow"}},
			} {
				for _, k := range e.keys {
					if v, ok := rp[k]; ok && v != nil {
						kv.add(m.key(e.format), gguf.Float32(float32(numOr(v, 0))))
						break
					}
				}
			}
		case rt == "su" || rt == "longrope":
			kv.add(m.key(gguf.KeyRopeScalingType), gguf.String("longrope"))
		}
	}
	if v, ok := rp["rope_theta"]; ok && v != nil {
		kv.add(m.key(gguf.KeyRopeFreqBase), gguf.Float32(float32(numOr(v, 10000))))
	}
	if sl, ok := m.cfg.Map("rope_parameters")["sliding_attention"].(map[string]any); ok {
		if v, ok := sl["rope_theta"]; ok && v != nil {
			kv.add(m.key(gguf.KeyRopeFreqBaseSWA), gguf.Float32(float32(numOr(v, 10000))))
		}
	}
	if err := f32(gguf.KeyAttentionLayerNormRMSEpsilon, "rms_norm_eps", "norm_eps"); err != nil {
		return err
	}
	if err := f32(gguf.KeyAttentionLayerNormEpsilon, "layer_norm_eps", "layer_norm_epsilon", "norm_epsilon"); err != nil {
		return err
	}
	if hd, ok, err := c.Int("head_dim"); err != nil {
		return err
	} else if ok {
		kv.add(m.key(gguf.KeyAttentionKeyLength), gguf.Uint32(uint32(hd)))
		kv.add(m.key(gguf.KeyAttentionValueLength), gguf.Uint32(uint32(hd)))
	}
	kv.add(gguf.KeyGeneralFileType, gguf.Uint32(uint32(ftype)))
	return nil
}
