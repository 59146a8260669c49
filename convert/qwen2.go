package convert

import "encoding/json"

// Qwen2: Qwen1.5, Qwen2 and Qwen2.5 (attention q/k/v carry biases; RoPE in
// NeoX order, so no row permutation).
func init() {
	Register(&Arch{
		GGUF:     "qwen2",
		HFNames:  []string{"Qwen2ForCausalLM"},
		Defaults: qwen2Defaults,
		Tensors:  llamaFamilyTensors,
	})
}

// qwen2Defaults are transformers 4.57.6's Qwen2Config defaults (it has no
// head_dim field).
func qwen2Defaults(c *Config) {
	c.applyDefaults(map[string]any{
		"vocab_size":              json.Number("151936"),
		"hidden_size":             json.Number("4096"),
		"intermediate_size":       json.Number("22016"),
		"num_hidden_layers":       json.Number("32"),
		"num_attention_heads":     json.Number("32"),
		"max_position_embeddings": json.Number("32768"),
		"rms_norm_eps":            json.Number("1e-06"),
		"rope_theta":              json.Number("10000.0"),
	})
	if !c.Has("num_key_value_heads") {
		c.Raw["num_key_value_heads"] = c.Raw["num_attention_heads"]
	}
}
