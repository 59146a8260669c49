package convert

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hfctl/hfctl/gguf"
)

// Arch describes how one Hugging Face architecture becomes a GGUF model.
// Each supported architecture lives in its own file and registers itself.
type Arch struct {
	// GGUF is the value of general.architecture ("llama", "qwen2" …).
	GGUF string
	// HFNames are the config.json "architectures" values handled.
	HFNames []string
	// Defaults are the fields transformers' config class adds when
	// config.json omits them (see Config).
	Defaults func(c *Config)
	// Tensors maps HF tensor names (after the block number was replaced
	// by "{bid}") to GGUF names (with "{bid}"), without the .weight/.bias
	// suffix.
	Tensors map[string]string
	// PermuteQK: reorder attn_q/attn_k rows from Hugging Face's half-split
	// RoPE layout to ggml's interleaved one (llama.cpp's undo_permute).
	PermuteQK bool
	// Params appends architecture-specific keys after the common text-model
	// keys (set_gguf_parameters).
	Params func(m *model, kv *kvList) error
	// Extra returns generated tensors written before the model's own
	// (rope_freqs for Llama 3 RoPE scaling).
	Extra func(m *model) ([]genTensor, error)
}

var registry = map[string]*Arch{}

// Register adds an architecture; called from init functions.
func Register(a *Arch) {
	for _, n := range a.HFNames {
		if _, dup := registry[n]; dup {
			panic("convert: architecture registered twice: " + n)
		}
		registry[n] = a
	}
}

// Supported lists the Hugging Face architecture names hfctl converts.
func Supported() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func lookupArch(c *Config) (*Arch, error) {
	a, ok := registry[c.HFArch]
	if !ok {
		return nil, fmt.Errorf("%s: architecture %q is not supported; hfctl converts: %s", c.Path, c.HFArch, strings.Join(Supported(), ", "))
	}
	return a, nil
}

// kvList is an ordered metadata list with Python dict semantics: setting
// an existing key replaces its value in place.
type kvList struct {
	kvs []gguf.KV
	idx map[string]int
}

func (l *kvList) add(key string, v gguf.Value) {
	if l.idx == nil {
		l.idx = map[string]int{}
	}
	if i, ok := l.idx[key]; ok {
		l.kvs[i].Value = v
		return
	}
	l.idx[key] = len(l.kvs)
	l.kvs = append(l.kvs, gguf.KV{Key: key, Value: v})
}

func (l *kvList) addAll(kvs []gguf.KV) {
	for _, kv := range kvs {
		l.add(kv.Key, kv.Value)
	}
}

func (l *kvList) remove(key string) {
	i, ok := l.idx[key]
	if !ok {
		return
	}
	l.kvs = append(l.kvs[:i], l.kvs[i+1:]...)
	delete(l.idx, key)
	for k, j := range l.idx {
		if j > i {
			l.idx[k] = j - 1
		}
	}
}

func (l *kvList) get(key string) (gguf.Value, bool) {
	if i, ok := l.idx[key]; ok {
		return l.kvs[i].Value, true
	}
	return gguf.Value{}, false
}

// llamaFamilyTensors are the tensor names shared by Llama, Mistral, Qwen2
// and Qwen3 checkpoints.
var llamaFamilyTensors = map[string]string{
	"model.embed_tokens":                          "token_embd",
	"model.norm":                                  "output_norm",
	"lm_head":                                     "output",
	"model.layers.{bid}.input_layernorm":          "blk.{bid}.attn_norm",
	"model.layers.{bid}.self_attn.q_proj":         "blk.{bid}.attn_q",
	"model.layers.{bid}.self_attn.k_proj":         "blk.{bid}.attn_k",
	"model.layers.{bid}.self_attn.v_proj":         "blk.{bid}.attn_v",
	"model.layers.{bid}.self_attn.o_proj":         "blk.{bid}.attn_output",
	"model.layers.{bid}.post_attention_layernorm": "blk.{bid}.ffn_norm",
	"model.layers.{bid}.mlp.gate_proj":            "blk.{bid}.ffn_gate",
	"model.layers.{bid}.mlp.up_proj":              "blk.{bid}.ffn_up",
	"model.layers.{bid}.mlp.down_proj":            "blk.{bid}.ffn_down",
}

func withTensors(base map[string]string, extra map[string]string) map[string]string {
	m := make(map[string]string, len(base)+len(extra))
	for k, v := range base {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}
