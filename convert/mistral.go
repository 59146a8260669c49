package convert

import "encoding/json"

// Mistral: MistralForCausalLM checkpoints in Hugging Face layout (Mistral
// 7B, Mistral-Nemo with its explicit head_dim). llama.cpp converts them with
// its Llama class, to general.architecture "llama".
func init() {
	Register(&Arch{
		GGUF:      "llama",
		HFNames:   []string{"MistralForCausalLM"},
		Defaults:  mistralDefaults,
		Tensors:   llamaFamilyTensors,
		PermuteQK: true,
		Params:    llamaParams,
		Extra:     llamaRopeFreqs,
	})
}

// mistralDefaults are transformers 4.57.6's MistralConfig defaults.
func mistralDefaults(c *Config) {
	c.applyDefaults(map[string]any{
		"vocab_size":              json.Number("32000"),
		"hidden_size":             json.Number("4096"),
		"intermediate_size":       json.Number("14336"),
		"num_hidden_layers":       json.Number("32"),
		"num_attention_heads":     json.Number("32"),
		"num_key_value_heads":     json.Number("8"),
		"max_position_embeddings": json.Number("131072"),
		"rms_norm_eps":            json.Number("1e-06"),
		"rope_theta":              json.Number("10000.0"),
	})
	headsDefaults(c)
}
