// Command genmodel writes a random-weight Llama model folder in Hugging
// Face layout (config.json, model.safetensors, tokenizer.model,
// tokenizer_config.json): the bundled test fixture and the input of the
// conversion benchmark. Output is deterministic for given flags.
//
//	go run ./scripts/genmodel -out testdata/tiny-llama
//	go run ./scripts/genmodel -out /tmp/bench-1g -hidden 2048 -inter 5632 -layers 8 -vocab 32000
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/hfctl/hfctl/internal/fixture"
)

func main() {
	d := fixture.Default
	out := flag.String("out", "", "output folder (created)")
	flag.StringVar(&d.Arch, "arch", d.Arch, "llama, mistral, qwen2 (q/k/v biases) or qwen3 (q/k norms)")
	flag.IntVar(&d.Hidden, "hidden", d.Hidden, "hidden_size")
	flag.IntVar(&d.Inter, "inter", d.Inter, "intermediate_size")
	flag.IntVar(&d.Layers, "layers", d.Layers, "num_hidden_layers")
	flag.IntVar(&d.Heads, "heads", d.Heads, "num_attention_heads")
	flag.IntVar(&d.KVHeads, "kv-heads", d.KVHeads, "num_key_value_heads")
	flag.IntVar(&d.HeadDim, "head-dim", 0, "explicit head_dim (0: hidden/heads)")
	flag.IntVar(&d.Vocab, "vocab", d.Vocab, "vocab_size (at least 259: specials and the 256 byte tokens)")
	flag.StringVar(&d.DType, "dtype", d.DType, "weight dtype: BF16, F16 or F32")
	flag.Uint64Var(&d.Seed, "seed", d.Seed, "random seed")
	flag.BoolVar(&d.Tied, "tied", false, "tie_word_embeddings (no lm_head.weight)")
	flag.Float64Var(&d.RopeTheta, "rope-theta", d.RopeTheta, "rope_theta")
	flag.BoolVar(&d.Llama3Rope, "llama3-rope", false, "Llama 3.1-style rope_scaling (rope_type llama3, factor 32)")
	flag.IntVar(&d.Shards, "shards", 1, "number of safetensors shards (>1 writes model.safetensors.index.json)")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := fixture.Generate(*out, d); err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
}
