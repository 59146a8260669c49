package convert

import "encoding/json"

// Qwen3: dense Qwen3 models (RMSNorm on q and k per head, explicit head_dim).
func init() {
	Register(&Arch{
		GGUF:     "qwen3",
		HFNames:  []string{"Qwen3ForCausalLM"},
		Defaults: qwen3Defaults,
		Tensors: withTensors(llamaFamilyTensors, map[string]string{
			"model.layers.{bid}.self_attn.q_norm": "blk.{bid}.attn_q_norm",
			"model.layers.{bid}.self_attn.k_norm": "blk.{bid}.attn_k_norm",
		}),
	})
}

// qwen3Defaults are transformers 4.57.6's Qwen3Config defaults.
func qwen3Defaults(c *Config) {
	c.applyDefaults(map[string]any{
		"vocab_size":              json.Number("151936"),
		"hidden_size":             json.Number("4096"),
		"intermediate_size":       json.Number("22016"),
		"num_hidden_layers":       json.Number("32"),
		"num_attention_heads":     json.Number("32"),
		"head_dim":                json.Number("128"),
		"max_position_embeddings": json.Number("32768"),
		"rms_norm_eps":            json.Number("1e-06"),
		"rope_theta":              json.Number("10000.0"),
	})
	if !c.Has("num_key_value_heads") {
		c.Raw["num_key_value_heads"] = c.Raw["num_attention_heads"]
	}
}
