package pretok

import (
	"errors"
	"fmt"
	"slices"
	"sync"
)

// ErrUnknown: llama.cpp does not know the pre-tokenizer name (it throws
// "unknown pre-tokenizer type").
var ErrUnknown = errors.New("unknown pre-tokenizer type")

// aliases maps every tokenizer.ggml.pre value llama.cpp b10470 accepts for
// a BPE vocabulary (llama_vocab::impl::load) to its type's canonical name.
// An empty value also selects "default".
var aliases = map[string]string{
	"default": "default",

	"llama3":       "llama3",
	"llama-v3":     "llama3",
	"llama-bpe":    "llama3",
	"falcon3":      "llama3",
	"falcon-h1":    "llama3",
	"pixtral":      "llama3",
	"midm-2.0":     "llama3",
	"lfm2":         "llama3",
	"jina-v5-nano": "llama3",

	"gpt-2":        "gpt2",
	"phi-2":        "gpt2",
	"jina-es":      "gpt2",
	"jina-de":      "gpt2",
	"gigachat":     "gpt2",
	"jina-v2-es":   "gpt2",
	"jina-v2-de":   "gpt2",
	"a.x-4.0":      "gpt2",
	"mellum":       "gpt2",
	"modern-bert":  "gpt2",
	"jina-v1-en":   "gpt2",
	"jina-v2-code": "gpt2",
	"roberta-bpe":  "gpt2",
	"exaone4":      "gpt2",

	"qwen2":            "qwen2",
	"deepseek-r1-qwen": "qwen2",
	"kormo":            "qwen2",
	"f2llmv2":          "qwen2",
	"megrez":           "qwen2",

	"gpt-4o":  "gpt4o",
	"llama4":  "gpt4o",
	"kanana2": "gpt4o",
	"talkie":  "gpt4o",

	"gemma4":                   "gemma4",
	"granite-embed-multi-311m": "gemma4",

	"glm4":        "chatglm4",
	"chatglm-bpe": "chatglm4",

	"tiny_aya":   "tiny_aya",
	"cohere2moe": "tiny_aya",

	"bailingmoe":  "bailingmoe",
	"bailingmoe2": "bailingmoe",
	"llada-moe":   "bailingmoe",

	"minicpm5":                "minicpm5",
	"deepseek-llm":            "deepseek_llm",
	"deepseek-coder":          "deepseek_coder",
	"deepseek-v3":             "deepseek3_llm",
	"youtu":                   "youtu",
	"falcon":                  "falcon",
	"mpt":                     "mpt",
	"starcoder":               "starcoder",
	"jais-2":                  "jais2",
	"sarvam-moe":              "sarvam_moe",
	"whitespace":              "whitespace",
	"refact":                  "refact",
	"command-r":               "command_r",
	"qwen35":                  "qwen35",
	"stablelm2":               "stablelm2",
	"olmo":                    "olmo",
	"dbrx":                    "dbrx",
	"smaug-bpe":               "smaug",
	"poro-chat":               "poro",
	"viking":                  "viking",
	"jais":                    "jais",
	"tekken":                  "tekken",
	"smollm":                  "smollm",
	"codeshell":               "codeshell",
	"bloom":                   "bloom",
	"gpt3-finnish":            "gpt3_finnish",
	"exaone":                  "exaone",
	"exaone-moe":              "exaone_moe",
	"chameleon":               "chameleon",
	"minerva-7b":              "minerva",
	"granite-embed-multi-97m": "granite_emb_multi",
	"superbpe":                "superbpe",
	"trillion":                "trillion",
	"granite-docling":         "granite_docling",
	"seed-coder":              "seed_coder",
	"hunyuan":                 "hunyuan",
	"hunyuan-dense":           "hunyuan_dense",
	"joyai-llm":               "joyai_llm",
	"kimi-k2":                 "kimi_k2",
	"grok-2":                  "grok_2",
	"afmoe":                   "afmoe",
	"laguna":                  "laguna",
	"minimax-m2":              "minimax_m2",
	"solar-open":              "solar_open",
	"mellum2":                 "mellum2",
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*Splitter{}
)

// Lookup returns the splitter for a tokenizer.ggml.pre value; "" and
// "default" give llama.cpp's default regexes. An unknown value gives an
// error wrapping ErrUnknown. Splitters are built once and shared.
func Lookup(pre string) (*Splitter, error) {
	if pre == "" {
		pre = "default"
	}
	name, ok := aliases[pre]
	if !ok {
		return nil, fmt.Errorf("pretok: %w: %q", ErrUnknown, pre)
	}
	return byType(name)
}

// byType returns the splitter of a canonical type name.
func byType(name string) (*Splitter, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if s := cache[name]; s != nil {
		return s, nil
	}
	i := slices.IndexFunc(preTypes, func(t preType) bool { return t.name == name })
	if i < 0 {
		return nil, fmt.Errorf("pretok: %w: type %q", ErrUnknown, name)
	}
	s, err := newSplitter(&preTypes[i])
	if err != nil {
		return nil, err
	}
	cache[name] = s
	return s, nil
}

// Names returns every accepted tokenizer.ggml.pre value (not ""), sorted.
func Names() []string {
	out := make([]string, 0, len(aliases))
	for k := range aliases {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Types returns the canonical type names (what Name returns), in
// llama.cpp's table order.
func Types() []string {
	out := make([]string, len(preTypes))
	for i, t := range preTypes {
		out[i] = t.name
	}
	return out
}
