package modelcard

import (
	"testing"
)

func TestIDToTitle(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// gguf-py/tests/test_metadata.py
		{"Mixtral-8x7B-Instruct-v0.1", "Mixtral 8x7B Instruct v0.1"},
		{"Meta-Llama-3-8B", "Meta Llama 3 8B"},
		{"hermes-2-pro-llama-3-8b-DPO", "Hermes 2 Pro Llama 3 8b DPO"},
		// more
		{"tiny-llama-h256", "Tiny Llama H256"},
		{"tiny-shakespeare", "Tiny Shakespeare"},
		{"  spaced--out  name ", "Spaced Out Name"},
		{"llama3b-chat", "Llama3B Chat"}, // str.title: a letter after a digit is capitalized
		{"straße", "Straße"},
		{"ßtraße", "Sstraße"},     // full titlecase mapping
		{"ﬁne-tune", "Fine Tune"}, // ligature
		{"iPhone", "iPhone"},      // not all lowercase: kept
		{"v2-model", "v2 Model"},  // version kept
		{"2nd-try", "2nd Try"},    // starts with a digit: kept
		{"janai-hq", "Janai Hq"},
		{"", ""},
	} {
		if got := idToTitle(c.in); got != c.want {
			t.Errorf("idToTitle(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestModelIDComponents has the cases of gguf-py/tests/test_metadata.py
// (test_get_model_id_components) and a few more.
func TestModelIDComponents(t *testing.T) {
	const none = "\x00" // Python's None for the organization
	for _, c := range []struct {
		id                                                string
		total                                             int64
		name, org, basename, finetune, version, sizeLabel string
	}{
		// Basic standard form with organization marker.
		{"Mistral/Mixtral-8x7B-Instruct-v0.1", 0, "Mixtral-8x7B-Instruct-v0.1", "Mistral", "Mixtral", "Instruct", "v0.1", "8x7B"},
		// Without organization marker.
		{"Mixtral-8x7B-Instruct-v0.1", 0, "Mixtral-8x7B-Instruct-v0.1", none, "Mixtral", "Instruct", "v0.1", "8x7B"},
		// Missing version.
		{"Mixtral-8x7B-Instruct", 0, "Mixtral-8x7B-Instruct", none, "Mixtral", "Instruct", "", "8x7B"},
		// Missing finetune.
		{"Mixtral-8x7B-v0.1", 0, "Mixtral-8x7B-v0.1", none, "Mixtral", "", "v0.1", "8x7B"},
		// Base name and size label only.
		{"Mixtral-8x7B", 0, "Mixtral-8x7B", none, "Mixtral", "", "", "8x7B"},
		// Base name and version only.
		{"Mixtral-v0.1", 0, "Mixtral-v0.1", none, "Mixtral", "", "v0.1", ""},
		// Too ambiguous: nothing.
		{"Mixtral", 0, "Mixtral", none, "", "", "", ""},
		// Number in the basename, and a size label.
		{"NousResearch/Meta-Llama-3-8B", 0, "Meta-Llama-3-8B", "NousResearch", "Meta-Llama-3", "", "", "8B"},
		// Non standard naming.
		{"Qwen1.5-MoE-A2.7B-Chat", 0, "Qwen1.5-MoE-A2.7B-Chat", none, "Qwen1.5-MoE", "Chat", "", "A2.7B"},
		// Sub size label (activated parameters).
		{"Qwen2-57B-A14B-Instruct", 0, "Qwen2-57B-A14B-Instruct", none, "Qwen2", "Instruct", "", "57B-A14B"},
		// 4k is a context length, not the size.
		{"microsoft/Phi-3-mini-4k-instruct", 4e9, "Phi-3-mini-4k-instruct", "microsoft", "Phi-3", "4k-instruct", "", "mini"},
		// Thousands of parameters.
		{"delphi-suite/stories-llama2-50k", 50e3, "stories-llama2-50k", "delphi-suite", "stories-llama2", "", "", "50K"},
		// Not easy to disambiguate.
		{"DeepSeek-Coder-V2-Lite-Instruct", 0, "DeepSeek-Coder-V2-Lite-Instruct", none, "DeepSeek-Coder-V2-Lite", "Instruct", "", ""},
		// 2dpo.
		{"crestf411/daybreak-kunoichi-2dpo-7b", 0, "daybreak-kunoichi-2dpo-7b", "crestf411", "daybreak-kunoichi", "2dpo", "", "7B"},
		// Decimal point in the size.
		{"Qwen2-0.5B-Instruct", 0, "Qwen2-0.5B-Instruct", none, "Qwen2", "Instruct", "", "0.5B"},
		// Underscore in the size.
		{"smallcloudai/Refact-1_6B-fim", 0, "Refact-1_6B-fim", "smallcloudai", "Refact", "fim", "", "1.6B"},
		// Iter3 as the version.
		{"UCLA-AGI/Gemma-2-9B-It-SPPO-Iter3", 0, "Gemma-2-9B-It-SPPO-Iter3", "UCLA-AGI", "Gemma-2", "It-SPPO", "Iter3", "9B"},
		// Two potential versions in the basename.
		{"NousResearch/Hermes-2-Theta-Llama-3-8B", 0, "Hermes-2-Theta-Llama-3-8B", "NousResearch", "Hermes-2-Theta-Llama-3", "", "", "8B"},
		// Potential version in the basename.
		{"SeaLLMs/SeaLLMs-v3-7B-Chat", 0, "SeaLLMs-v3-7B-Chat", "SeaLLMs", "SeaLLMs-v3", "Chat", "", "7B"},
		// Underscore in the basename, 1m context size.
		{"internlm/internlm2_5-7b-chat-1m", 7e9, "internlm2_5-7b-chat-1m", "internlm", "internlm2_5", "chat-1m", "", "7B"},
		// Version before the finetune.
		{"pszemraj/jamba-900M-v0.13-KIx2", 0, "jamba-900M-v0.13-KIx2", "pszemraj", "jamba", "KIx2", "v0.13", "900M"},
		// hf suffix kept.
		{"state-spaces/mamba-2.8b-hf", 0, "mamba-2.8b-hf", "state-spaces", "mamba", "hf", "", "2.8B"},
		// Two sizes; the other is the number of training tokens.
		{"abacaj/llama-161M-100B", 161e6, "llama-161M-100B", "abacaj", "llama", "100b", "", "161M"},
		// No size label at all.
		{"SparseLLM/relu-100B", 1340e6, "relu-100B", "SparseLLM", "relu", "100b", "", ""},
		// bloom's size notation.
		{"bigscience/bloom-7b1-petals", 0, "bloom-7b1-petals", "bigscience", "bloom", "petals", "", "7.1B"},
		// Word sizes give way to numeric ones; size labels deduplicated.
		{"MaziyarPanahi/GreenNode-mini-7B-multilingual-v1olet-Mistral-7B-Instruct-v0.1", 0, "GreenNode-mini-7B-multilingual-v1olet-Mistral-7B-Instruct-v0.1", "MaziyarPanahi", "GreenNode-mini", "multilingual-v1olet-Mistral-Instruct", "v0.1", "7B"},
		// Instruct without a size label.
		{"mistralai/Mistral-Nemo-Instruct-2407", 0, "Mistral-Nemo-Instruct-2407", "mistralai", "Mistral-Nemo", "Instruct", "2407", ""},
		// Splitting at "chat".
		{"deepseek-ai/DeepSeek-V2-Chat-0628", 0, "DeepSeek-V2-Chat-0628", "deepseek-ai", "DeepSeek-V2", "Chat", "0628", ""},
		// Multiple versions.
		{"OpenGVLab/Mini-InternVL-Chat-2B-V1-5", 0, "Mini-InternVL-Chat-2B-V1-5", "OpenGVLab", "Mini-InternVL", "Chat", "V1-5", "2B"},
		// DPO in the name.
		{"jondurbin/bagel-dpo-2.8b-v0.2", 0, "bagel-dpo-2.8b-v0.2", "jondurbin", "bagel-dpo", "", "v0.2", "2.8B"},
		{"voxmenthe/SFR-Iterative-DPO-LLaMA-3-8B-R-unquantized", 0, "SFR-Iterative-DPO-LLaMA-3-8B-R-unquantized", "voxmenthe", "SFR-Iterative-DPO-LLaMA-3", "R-unquantized", "", "8B"},
		// Too ambiguous.
		{"microsoft/Florence-2-base", 0, "Florence-2-base", "microsoft", "", "", "", ""},
		// Leading dash and repeated dashes.
		{"mistralai/-Mistral--Nemo-Base-2407-", 0, "-Mistral--Nemo-Base-2407-", "mistralai", "Mistral-Nemo-Base", "", "2407", ""},
		// LoRA.
		{"Llama-3-Instruct-abliteration-LoRA-8B", 0, "Llama-3-Instruct-abliteration-LoRA-8B", none, "Llama-3", "Instruct-abliteration-LoRA", "", "8B"},
		// The output is a LoRA adapter: "LoRA" left out of the finetune.
		{"Llama-3-Instruct-abliteration-LoRA-8B", -1234, "Llama-3-Instruct-abliteration-LoRA-8B", none, "Llama-3", "Instruct-abliteration", "", "8B"},

		// More, checked against gguf-py.
		{"tiny-llama-h256", 1700000, "tiny-llama-h256", none, "", "", "", ""},
		{"Mistral-7B-Instruct-v0.3", 7241732096, "Mistral-7B-Instruct-v0.3", none, "Mistral", "Instruct", "v0.3", "7B"},
		{"Mistral-7B-Instruct-v0.3", 8979584, "Mistral-7B-Instruct-v0.3", none, "Mistral", "7b-Instruct", "v0.3", ""},
		{"hermes-2-pro-llama-3-8b-DPO", 0, "hermes-2-pro-llama-3-8b-DPO", none, "hermes-2-pro-llama-3", "DPO", "", "8B"},
		{"my model 7b", 0, "my model 7b", none, "", "", "", ""}, // a space: a plain name
		{"./foo-7b", 0, "foo-7b", none, "foo", "", "", "7B"},    // "." is no organization
		{"/foo-7b", 0, "foo-7b", "", "foo", "", "", "7B"},       // "" is one
		{"a/b/c-7b", 0, "b/c-7b", "a", "b/c", "", "", "7B"},
		{"", 0, "", none, "", "", "", ""},
		{"x-Q4_K_M-7b", 0, "x-Q4_K_M-7b", none, "x", "", "", "7B"},
		{"x-q4_ß", 0, "x-q4_ß", none, "", "", "", ""},
		{"straße-7b", 0, "straße-7b", none, "straße", "", "", "7B"},
		{"x-ıter3", 0, "x-ıter3", none, "x", "", "ıter3", ""}, // Python's IGNORECASE: ı matches i
		{"Model-٣B", 0, "Model-٣B", none, "Model", "", "", "٣B"},
		{"model-7K1", 1, "model-7K1", none, "model", "7.1k", "", ""},
		{"x-MINI-7b-xl", 0, "x-MINI-7b-xl", none, "x-MINI", "xl", "", "7B"}, // word sizes dropped

		{"x-1T", 1e12, "x-1T", none, "x", "", "", "1T"},
		{"7b-model", 0, "7b-model", none, "", "7b-model", "", ""},
	} {
		got := modelIDComponents(c.id, c.total)
		org := none
		if got.org != nil {
			org = *got.org
		}
		if got.fullName != c.name || org != c.org || got.basename != c.basename || got.finetune != c.finetune || got.version != c.version || got.sizeLabel != c.sizeLabel {
			t.Errorf("modelIDComponents(%q, %d) =\n  name %q org %q basename %q finetune %q version %q size %q\nwant\n  name %q org %q basename %q finetune %q version %q size %q",
				c.id, c.total, got.fullName, org, got.basename, got.finetune, got.version, got.sizeLabel,
				c.name, c.org, c.basename, c.finetune, c.version, c.sizeLabel)
		}
	}
}

func TestSizeLabel(t *testing.T) {
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{Total: 8979584}, "9.0M"},
		{Params{Total: 1700000}, "1.7M"},
		{Params{Total: 1235814400}, "1.2B"},
		{Params{Total: 6738415616}, "6.7B"},
		{Params{Total: 70553706496}, "71B"},
		{Params{Total: 124439808}, "124M"},
		{Params{Total: 125000000}, "125M"},
		{Params{Total: 405000000000}, "405B"},
		{Params{Total: 50000}, "50K"},
		{Params{Total: 2500}, "2.5K"},
		{Params{Total: 3500}, "3.5K"},
		{Params{Total: 500}, "0.50K"},
		{Params{Total: 7}, "0.01K"},
		{Params{Total: 0}, "0.00K"},
		{Params{Total: -1234}, "1.2K"}, // LoRA: the magnitude
		// The scale switches only above 1000 of a unit: "1000K", "1000B".
		{Params{Total: 999999}, "1000K"},
		{Params{Total: 1000000}, "1000K"},
		{Params{Total: 1000001}, "1.0M"},
		{Params{Total: 1000000000000}, "1000B"},
		{Params{Total: 1000000000001}, "1.0T"},
		// Rounding: to 2 significant digits at least, half to even.
		{Params{Total: 9949999}, "10M"},
		{Params{Total: 99500000}, "100M"},
		{Params{Total: 9995000000000}, "10T"},
		// Mixture of experts: count x (shared + one expert).
		{Params{Total: 46702792704, Shared: 1611816960, Expert: 5636372480, ExpertCount: 8}, "8x7.2B"},
		{Params{Total: 20000000000, Shared: 1000000000, Expert: 500000000, ExpertCount: 128}, "128x1.5B"},
	} {
		if got := SizeLabel(c.p); got != c.want {
			t.Errorf("SizeLabel(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
}

func TestNamingConvention(t *testing.T) {
	for _, c := range []struct {
		args [7]string // model name, base name, finetune, version, size label, output type, model type
		want string
	}{
		{[7]string{"Tiny Shakespeare", "", "", "", "9.0M", "F16", ""}, "Tiny-Shakespeare-9.0M-F16"},
		{[7]string{"Mixtral 8x7B Instruct v0.1", "Mixtral", "Instruct", "v0.1", "8x7B", "Q8_0", ""}, "Mixtral-8x7B-Instruct-v0.1-Q8_0"},
		{[7]string{" My Model/x ", "", " fine tune ", " v 1 ", "7B", " q8_0 ", " LoRA "}, "My-Model-x-7B-fine-tune-v-1-Q8_0-LoRA"},
		{[7]string{"", "", "", "", "", "", "vocab"}, "ggml-model-vocab"},
		{[7]string{"Name", " base name ", "", "v0.1", "", "BF16", ""}, "base-name-v0.1-BF16"},
		{[7]string{"straße", "", "", "", "", "f16", ""}, "straße-F16"},
		{[7]string{"x", "", "", "", "", "q4_k_m", ""}, "x-Q4_K_M"},
	} {
		a := c.args
		if got := NamingConvention(a[0], a[1], a[2], a[3], a[4], a[5], a[6]); got != c.want {
			t.Errorf("NamingConvention(%q) = %q, want %q", a, got, c.want)
		}
	}
}

func TestCountParams(t *testing.T) {
	for _, c := range []struct {
		name    string
		tensors []TensorShape
		want    Params
	}{
		{"dense", []TensorShape{
			{"token_embd.weight", []uint64{128, 1000}},
			{"blk.0.attn_norm.weight", []uint64{128}},
			{"rope_freqs.weight", []uint64{16}}, // generated tensors count too
		}, Params{Total: 128000 + 128 + 16, Shared: 128000 + 128 + 16}},
		{"experts", []TensorShape{
			{"token_embd.weight", []uint64{64, 100}},
			{"blk.0.ffn_gate_exps.weight", []uint64{64, 32, 8}}, // ne2 = 8 experts
			{"blk.0.ffn_down_exps.weight", []uint64{32, 64, 8}},
			{"blk.0.ffn_gate_exps.bias", []uint64{32, 8, 1}}, // a bias: ne1 experts
			{"blk.0.ffn_gate_inp.weight", []uint64{64, 8}},
		}, Params{
			Total:       6400 + 2*64*32*8 + 32*8 + 64*8,
			Shared:      6400 + 64*8,
			Expert:      2*64*32 + 32,
			ExpertCount: 8,
		}},
		{"2-D _exps. tensor is shared", []TensorShape{
			{"blk.0.ffn_up_exps.scale", []uint64{8, 4}},
		}, Params{Total: 32, Shared: 32}},
		{"lora", []TensorShape{
			{"blk.0.attn_q.weight.lora_a", []uint64{4096, 16}},
			{"blk.0.attn_q.weight.lora_b", []uint64{16, 4096}},
		}, Params{Total: -4096 * 4096, Shared: 4096 * 4096}},
		{"lora out of order", []TensorShape{
			{"blk.0.attn_q.weight.lora_b", []uint64{16, 4096}},
		}, Params{}},
	} {
		if got := CountParams(c.tensors); got != c.want {
			t.Errorf("%s: CountParams = %+v, want %+v", c.name, got, c.want)
		}
	}
}

// FuzzModelIDComponents checks that any id is handled without a panic.
func FuzzModelIDComponents(f *testing.F) {
	for _, s := range []string{"Mistral/Mixtral-8x7B-Instruct-v0.1", "bloom-7b1", "x-٣b-Q4_K", "a/-/-b", "-", "ß-ﬁ-ǅ"} {
		f.Add(s, int64(7e9))
	}
	f.Fuzz(func(t *testing.T, id string, total int64) {
		c := modelIDComponents(id, total)
		idToTitle(c.fullName)
		NamingConvention(id, c.basename, c.finetune, c.version, c.sizeLabel, "F16", "")
	})
}
