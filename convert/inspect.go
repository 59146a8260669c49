package convert

import (
	"os"
	"path/filepath"
	"sort"

	"github.com/hfctl/hfctl/convert/safetensors"
	"github.com/hfctl/hfctl/convert/vocab"
)

// DirInfo summarises a Hugging Face model folder.
type DirInfo struct {
	Dir        string         `json:"dir"`
	HFArch     string         `json:"hf_architecture"`
	Arch       string         `json:"gguf_architecture,omitempty"`
	Supported  bool           `json:"supported"`
	Params     int64          `json:"parameters"`
	DTypes     map[string]int `json:"dtypes"`
	Shards     []ShardInfo    `json:"shards"`
	Tokenizer  string         `json:"tokenizer,omitempty"`
	TokenizerE string         `json:"tokenizer_error,omitempty"`
	Config     map[string]any `json:"config"`
	Tensors    int            `json:"tensors"`
}

// ShardInfo is one safetensors file.
type ShardInfo struct {
	File    string `json:"file"`
	Tensors int    `json:"tensors"`
	Bytes   int64  `json:"bytes"`
}

// configSummaryKeys are the config.json fields inspect shows.
var configSummaryKeys = []string{
	"model_type", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
	"num_key_value_heads", "head_dim", "vocab_size", "max_position_embeddings", "rope_theta",
	"rope_scaling", "rms_norm_eps", "tie_word_embeddings", "torch_dtype",
}

// InspectDir reads a model folder's config, safetensors headers and
// tokenizer files without converting anything.
func InspectDir(dir string) (*DirInfo, error) {
	cfg, err := LoadConfig(dir)
	if err != nil {
		return nil, err
	}
	info := &DirInfo{Dir: dir, HFArch: cfg.HFArch, DTypes: map[string]int{}, Config: map[string]any{}}
	if a, ok := registry[cfg.HFArch]; ok {
		info.Supported, info.Arch = true, a.GGUF
	}
	for _, k := range configSummaryKeys {
		if v, ok := cfg.Raw[k]; ok && v != nil {
			info.Config[k] = v
		}
	}
	st, err := safetensors.OpenDir(dir)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	for _, f := range st.Files {
		var size int64
		if fi, err := os.Stat(f.Path); err == nil {
			size = fi.Size()
		}
		info.Shards = append(info.Shards, ShardInfo{File: filepath.Base(f.Path), Tensors: len(f.Tensors), Bytes: size})
	}
	sort.Slice(info.Shards, func(i, j int) bool { return info.Shards[i].File < info.Shards[j].File })
	for _, t := range st.Tensors {
		info.DTypes[t.DType]++
		info.Params += t.NumElements()
		info.Tensors++
	}
	if kind, err := vocab.Probe(dir); err != nil {
		info.TokenizerE = err.Error()
	} else {
		info.Tokenizer = kind
	}
	return info, nil
}
