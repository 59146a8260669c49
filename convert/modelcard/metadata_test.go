package modelcard

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/hfctl/hfctl/gguf"
)

func arr(elem gguf.ValueType, items any) gguf.Value {
	return gguf.Value{Type: gguf.TypeArray, X: gguf.Array{Elem: elem, Items: items}}
}

// folderCases are model folders and what llama.cpp b10470's gguf-py
// (Metadata.load, prepare_metadata's fallbacks, set_gguf_meta_model,
// naming_convention) makes of them. The expectations were produced by
// running that Python code on the same files.
var folderCases = []struct {
	name        string
	readme      string // README.md; none if ""
	config, gen string // config.json, generation_config.json; none if ""
	dir         string // the folder's name; "model" if ""
	modelName   string
	p           Params
	want        []gguf.KV
	wantErr     bool   // llama.cpp fails
	stem        string // FileStem("F16")
	stemErr     bool   // naming_convention fails
}{
	{
		name:   "test_metadata model card",
		readme: "---\ntags: ['Llama-3', 'instruct', 'finetune', 'chatml', 'DPO', 'RLHF', 'gpt4', 'synthetic data', 'distillation', 'function calling', 'json mode', 'axolotl']\nmodel-index:\n- name: Mixtral-8x7B-Instruct-v0.1\n  results: []\nlanguage: [en]\ndatasets: ['teknium/OpenHermes-2.5']\nwidget:\n- example_title: Hermes 2 Pro\n  messages:\n  - role: system\n    content: You are a sentient, superintelligent artificial general intelligence, here to teach and assist me.\n  - role: user\n    content: Write a short story about Goku discovering kirby has teamed up with Majin Buu to destroy the world.\nbase_model: [\"EmbeddedLLM/Mistral-7B-Merge-14-v0\", \"janai-hq/trinity-v1\"]\n---\n",
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.base_model.count", Value: gguf.Uint32(2)},
			{Key: "general.base_model.0.name", Value: gguf.String("Mistral 7B Merge 14 v0")},
			{Key: "general.base_model.0.version", Value: gguf.String("14-v0")},
			{Key: "general.base_model.0.organization", Value: gguf.String("EmbeddedLLM")},
			{Key: "general.base_model.0.repo_url", Value: gguf.String("https://huggingface.co/EmbeddedLLM/Mistral-7B-Merge-14-v0")},
			{Key: "general.base_model.1.name", Value: gguf.String("Trinity v1")},
			{Key: "general.base_model.1.version", Value: gguf.String("v1")},
			{Key: "general.base_model.1.organization", Value: gguf.String("Janai Hq")},
			{Key: "general.base_model.1.repo_url", Value: gguf.String("https://huggingface.co/janai-hq/trinity-v1")},
			{Key: "general.dataset.count", Value: gguf.Uint32(1)},
			{Key: "general.dataset.0.name", Value: gguf.String("OpenHermes 2.5")},
			{Key: "general.dataset.0.version", Value: gguf.String("2.5")},
			{Key: "general.dataset.0.organization", Value: gguf.String("Teknium")},
			{Key: "general.dataset.0.repo_url", Value: gguf.String("https://huggingface.co/teknium/OpenHermes-2.5")},
			{Key: "general.tags", Value: arr(gguf.TypeString, []string{"Llama-3", "instruct", "finetune", "chatml", "DPO", "RLHF", "gpt4", "synthetic data", "distillation", "function calling", "json mode", "axolotl"})},
			{Key: "general.languages", Value: arr(gguf.TypeString, []string{"en"})},
		},
		stem: "Model-F16",
	},
	{
		name:   "base_models id",
		readme: "---\nbase_models: teknium/OpenHermes-2.5\n---\n",
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.base_model.count", Value: gguf.Uint32(1)},
			{Key: "general.base_model.0.name", Value: gguf.String("OpenHermes 2.5")},
			{Key: "general.base_model.0.version", Value: gguf.String("2.5")},
			{Key: "general.base_model.0.organization", Value: gguf.String("Teknium")},
			{Key: "general.base_model.0.repo_url", Value: gguf.String("https://huggingface.co/teknium/OpenHermes-2.5")},
		},
		stem: "Model-F16",
	},
	{
		name:   "base_models url",
		readme: "---\nbase_models: ['https://huggingface.co/teknium/OpenHermes-2.5']\n---\n",
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.base_model.count", Value: gguf.Uint32(1)},
			{Key: "general.base_model.0.name", Value: gguf.String("OpenHermes 2.5")},
			{Key: "general.base_model.0.version", Value: gguf.String("2.5")},
			{Key: "general.base_model.0.organization", Value: gguf.String("Teknium")},
			{Key: "general.base_model.0.repo_url", Value: gguf.String("https://huggingface.co/teknium/OpenHermes-2.5")},
		},
		stem: "Model-F16",
	},
	{
		name:   "base_models given",
		readme: "---\nbase_models: [{name: OpenHermes 2.5, organization: Teknium, version: '2.5', repo_url: 'https://huggingface.co/teknium/OpenHermes-2.5'}]\n---\n",
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.base_model.count", Value: gguf.Uint32(1)},
			{Key: "general.base_model.0.name", Value: gguf.String("OpenHermes 2.5")},
			{Key: "general.base_model.0.version", Value: gguf.String("2.5")},
			{Key: "general.base_model.0.organization", Value: gguf.String("Teknium")},
			{Key: "general.base_model.0.repo_url", Value: gguf.String("https://huggingface.co/teknium/OpenHermes-2.5")},
		},
		stem: "Model-F16",
	},
	{
		name:   "datasets id",
		readme: "---\ndatasets: teknium/OpenHermes-2.5\n---\n",
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.dataset.count", Value: gguf.Uint32(1)},
			{Key: "general.dataset.0.name", Value: gguf.String("OpenHermes 2.5")},
			{Key: "general.dataset.0.version", Value: gguf.String("2.5")},
			{Key: "general.dataset.0.organization", Value: gguf.String("Teknium")},
			{Key: "general.dataset.0.repo_url", Value: gguf.String("https://huggingface.co/teknium/OpenHermes-2.5")},
		},
		stem: "Model-F16",
	},
	{
		name:   "datasets url",
		readme: "---\ndatasets: ['https://huggingface.co/teknium/OpenHermes-2.5']\n---\n",
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.dataset.count", Value: gguf.Uint32(1)},
			{Key: "general.dataset.0.name", Value: gguf.String("OpenHermes 2.5")},
			{Key: "general.dataset.0.version", Value: gguf.String("2.5")},
			{Key: "general.dataset.0.organization", Value: gguf.String("Teknium")},
			{Key: "general.dataset.0.repo_url", Value: gguf.String("https://huggingface.co/teknium/OpenHermes-2.5")},
		},
		stem: "Model-F16",
	},
	{
		name:   "datasets given",
		readme: "---\ndatasets:\n- name: OpenHermes 2.5\n  organization: Teknium\n  version: '2.5'\n  repo_url: https://huggingface.co/teknium/OpenHermes-2.5\n---\n",
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.dataset.count", Value: gguf.Uint32(1)},
			{Key: "general.dataset.0.name", Value: gguf.String("OpenHermes 2.5")},
			{Key: "general.dataset.0.version", Value: gguf.String("2.5")},
			{Key: "general.dataset.0.organization", Value: gguf.String("Teknium")},
			{Key: "general.dataset.0.repo_url", Value: gguf.String("https://huggingface.co/teknium/OpenHermes-2.5")},
		},
		stem: "Model-F16",
	},
	{
		name:   "hf _name_or_path",
		config: "{\"_name_or_path\": \"./hermes-2-pro-llama-3-8b-DPO\"}",
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Hermes 2 Pro Llama 3 8b DPO")},
			{Key: "general.finetune", Value: gguf.String("DPO")},
			{Key: "general.basename", Value: gguf.String("hermes-2-pro-llama-3")},
			{Key: "general.size_label", Value: gguf.String("8B")},
		},
		stem: "hermes-2-pro-llama-3-8B-DPO-F16",
	},
	{
		name:   "hf _name_or_path is a path",
		config: "{\"_name_or_path\": \"/home/me/models/Llama-2-7b-hf\"}",
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
		},
		stem: "Model-F16",
	},
	{
		name:   "hf _name_or_path with org",
		config: "{\"_name_or_path\": \"meta-llama/Llama-2-7b-hf\"}",
		dir:    "Mistral-7B-Instruct-v0.3",
		p:      Params{Total: 7241732096, Shared: 7241732096},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Llama 2 7b Hf")},
			{Key: "general.version", Value: gguf.String("v0.3")},
			{Key: "general.organization", Value: gguf.String("Meta Llama")},
			{Key: "general.finetune", Value: gguf.String("hf")},
			{Key: "general.basename", Value: gguf.String("Llama-2")},
			{Key: "general.size_label", Value: gguf.String("7B")},
		},
		stem: "Llama-2-7B-hf-v0.3-F16",
	},
	{
		name: "folder name",
		dir:  "hermes-2-pro-llama-3-8b-DPO",
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Hermes 2 Pro Llama 3 8b DPO")},
			{Key: "general.finetune", Value: gguf.String("DPO")},
			{Key: "general.basename", Value: gguf.String("hermes-2-pro-llama-3")},
			{Key: "general.size_label", Value: gguf.String("8B")},
		},
		stem: "hermes-2-pro-llama-3-8B-DPO-F16",
	},
	{
		name: "folder name with size and params",
		dir:  "Mistral-7B-Instruct-v0.3",
		p:    Params{Total: 7241732096, Shared: 7241732096},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Mistral 7B Instruct v0.3")},
			{Key: "general.version", Value: gguf.String("v0.3")},
			{Key: "general.finetune", Value: gguf.String("Instruct")},
			{Key: "general.basename", Value: gguf.String("Mistral")},
			{Key: "general.size_label", Value: gguf.String("7B")},
		},
		stem: "Mistral-7B-Instruct-v0.3-F16",
	},
	{
		name: "folder size label far from the count",
		dir:  "Mistral-7B-Instruct-v0.3",
		p:    Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Mistral 7B Instruct v0.3")},
			{Key: "general.version", Value: gguf.String("v0.3")},
			{Key: "general.finetune", Value: gguf.String("7b-Instruct")},
			{Key: "general.basename", Value: gguf.String("Mistral")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
		},
		stem: "Mistral-9.0M-7b-Instruct-v0.3-F16",
	},
	{
		name: "mixture of experts",
		dir:  "moe-test",
		p:    Params{Total: 46702792704, Shared: 1611816960, Expert: 5636372480, ExpertCount: 8},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Moe Test")},
			{Key: "general.size_label", Value: gguf.String("8x7.2B")},
		},
		stem: "Moe-Test-8x7.2B-F16",
	},
	{
		name: "lora adapter",
		dir:  "Llama-3-Instruct-abliteration-LoRA-8B",
		p:    Params{Total: -1234},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Llama 3 Instruct Abliteration LoRA 8B")},
			{Key: "general.finetune", Value: gguf.String("Instruct-abliteration")},
			{Key: "general.basename", Value: gguf.String("Llama-3")},
			{Key: "general.size_label", Value: gguf.String("8B")},
		},
		stem: "Llama-3-8B-Instruct-abliteration-F16-LoRA",
	},
	{
		name:      "model name override",
		readme:    "---\nmodel_name: From Card\n---\n",
		modelName: "My Model",
		p:         Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("My Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
		},
		stem: "My-Model-9.0M-F16",
	},
	{
		name:   "card names",
		readme: "---\nmodel_name: Card Name\nmodel_creator: Someone\nmodel_type: mistral\nauthor: First Author\nversion: v2\norganization: Org\ndescription: A model.\nfinetune: chat\nquantized_by: nobody\nsize_label: 7B\nurl: https://example.com\ndoi: 10.1/abc\nuuid: '1234'\nrepo_url: https://example.com/repo\nlicense: apache-2.0\nlicense_name: Apache\nlicense_link: https://www.apache.org/licenses/LICENSE-2.0\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Card Name")},
			{Key: "general.author", Value: gguf.String("First Author")},
			{Key: "general.version", Value: gguf.String("v2")},
			{Key: "general.organization", Value: gguf.String("Org")},
			{Key: "general.finetune", Value: gguf.String("chat")},
			{Key: "general.basename", Value: gguf.String("mistral")},
			{Key: "general.description", Value: gguf.String("A model.")},
			{Key: "general.size_label", Value: gguf.String("7B")},
			{Key: "general.license", Value: gguf.String("apache-2.0")},
			{Key: "general.license.name", Value: gguf.String("Apache")},
			{Key: "general.license.link", Value: gguf.String("https://www.apache.org/licenses/LICENSE-2.0")},
			{Key: "general.source.url", Value: gguf.String("https://example.com")},
			{Key: "general.source.doi", Value: gguf.String("10.1/abc")},
			{Key: "general.source.uuid", Value: gguf.String("1234")},
			{Key: "general.source.repo_url", Value: gguf.String("https://example.com/repo")},
		},
		stem: "mistral-7B-chat-v2-F16",
	},
	{
		name:   "model_ keys",
		readme: "---\nmodel_version: '3'\nmodel_organization: MOrg\nmodel_basename: base\nmodel_size_label: 1B\nmodel_url: u\nmodel_doi: d\nmodel_uuid: id\nmodel_repo_url: r\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.version", Value: gguf.String("3")},
			{Key: "general.organization", Value: gguf.String("MOrg")},
			{Key: "general.basename", Value: gguf.String("base")},
			{Key: "general.size_label", Value: gguf.String("1B")},
			{Key: "general.source.url", Value: gguf.String("u")},
			{Key: "general.source.doi", Value: gguf.String("d")},
			{Key: "general.source.uuid", Value: gguf.String("id")},
			{Key: "general.source.repo_url", Value: gguf.String("r")},
		},
		stem: "base-1B-3-F16",
	},
	{
		name:   "Norway and pipeline_tag",
		readme: "---\nlanguage:\n- en\n- no\nlanguages: [de]\npipeline_tag: text-generation\ntags:\n- a\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.tags", Value: arr(gguf.TypeString, []string{"a", "text-generation"})},
			{Key: "general.languages", Value: arr(gguf.TypeString, []string{"de", "en", "no"})},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "license list",
		readme: "---\nlicense:\n- mit\n- apache-2.0\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.license", Value: gguf.String("mit,apache-2.0")},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "empty values are not written",
		readme: "---\nlicense: []\nlicense_name: ''\nversion: 0\ndescription: false\ntags: []\nlanguage: {}\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
		},
		stemErr: true, // llama.cpp: AttributeError("'int' object has no attribute 'strip'")
	},
	{
		name:   "int tags",
		readme: "---\ntags: [1, 0x1F, 010, 1_000, 1:30, -0]\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.tags", Value: arr(gguf.TypeInt32, []int32{1, 31, 8, 1000, 90, 0})},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "float tags",
		readme: "---\ntags: [1.5, 1., .5, 1:30.5, 1.0e+3, .inf, -.inf, .nan]\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.tags", Value: arr(gguf.TypeFloat32, []float32{1.5, 1, 0.5, 90.5, 1e+03, math.Float32frombits(0x7f800000), math.Float32frombits(0xff800000), math.Float32frombits(0xffc00000)})},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "bool tags",
		readme: "---\ntags: [yes, Off, TRUE, false]\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.tags", Value: arr(gguf.TypeBool, []bool{true, false, true, false})},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "nested tags",
		readme: "---\ntags:\n- [a, b]\n- [c]\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.tags", Value: arr(gguf.TypeArray, []gguf.Array{{Elem: gguf.TypeString, Items: []string{"a", "b"}}, {Elem: gguf.TypeString, Items: []string{"c"}}})},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "strings that look like numbers",
		readme: "---\ntags: [1e5, 0o17, 08, '1', v1.0, 1.0.0]\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.tags", Value: arr(gguf.TypeString, []string{"1e5", "0o17", "08", "1", "v1.0", "1.0.0"})},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:    "mixed tags fail",
		readme:  "---\ntags: [a, 1]\n---\n",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: ValueError('All items in a GGUF array should be of the same type')
	},
	{
		name:    "float version fails",
		readme:  "---\nversion: 1.0\n---\n",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: TypeError("object of type 'float' has no len()")
	},
	{
		name:    "big int tag fails",
		readme:  "---\ntags: [2147483648]\n---\n",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: error("'i' format requires -2147483648 <= number <= 2147483647")
	},
	{
		name:   "null base_model counts zero",
		readme: "---\nbase_model:\nbase_models: foo/bar\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.base_model.count", Value: gguf.Uint32(0)},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "odd base_model entries",
		readme: "---\nbase_model:\n- 42\n- 2024-01-01\n- [a]\n- {author: Me, version: '2', extra: 5}\n- 'Org X/Name With Spaces'\n- /lead-7b\n- https://huggingface.co/a/b/c\n- https://huggingface.co/datasets/x\n- http://huggingface.co/org/Some-Model-13b-v2.1\n- ssh://git@host/repo\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.base_model.count", Value: gguf.Uint32(10)},
			{Key: "general.base_model.3.author", Value: gguf.String("Me")},
			{Key: "general.base_model.3.version", Value: gguf.String("2")},
			{Key: "general.base_model.4.name", Value: gguf.String("Org X/Name With Spaces")},
			{Key: "general.base_model.5.name", Value: gguf.String("Lead 7b")},
			{Key: "general.base_model.5.repo_url", Value: gguf.String("https://huggingface.co//lead-7b")},
			{Key: "general.base_model.6.repo_url", Value: gguf.String("https://huggingface.co/a/b/c")},
			{Key: "general.base_model.7.name", Value: gguf.String("X")},
			{Key: "general.base_model.7.organization", Value: gguf.String("Datasets")},
			{Key: "general.base_model.7.repo_url", Value: gguf.String("https://huggingface.co/datasets/x")},
			{Key: "general.base_model.8.name", Value: gguf.String("Some Model 13b v2.1")},
			{Key: "general.base_model.8.version", Value: gguf.String("v2.1")},
			{Key: "general.base_model.8.organization", Value: gguf.String("Org")},
			{Key: "general.base_model.8.repo_url", Value: gguf.String("http://huggingface.co/org/Some-Model-13b-v2.1")},
			{Key: "general.base_model.9.repo_url", Value: gguf.String("ssh://git@host/repo")},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:    "bad timestamp fails",
		readme:  "---\nbase_model: [2023-02-29]\n---\n",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: ValueError('day is out of range for month')
	},
	{
		name:   "merge keys",
		readme: "---\ndefaults: &d\n  license: mit\n  license_name: from-defaults\n<<: [*d, {license: gpl, license_link: from-second}]\nlicense_name: own\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.license", Value: gguf.String("mit")},
			{Key: "general.license.name", Value: gguf.String("own")},
			{Key: "general.license.link", Value: gguf.String("from-second")},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "anchors and aliases",
		readme: "---\nlicense: &l mit\nlicense_name: *l\ntags: &t [x, y]\nlanguage: *t\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.license", Value: gguf.String("mit")},
			{Key: "general.license.name", Value: gguf.String("mit")},
			{Key: "general.tags", Value: arr(gguf.TypeString, []string{"x", "y"})},
			{Key: "general.languages", Value: arr(gguf.TypeString, []string{"x", "y"})},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:    "duplicate anchor fails",
		readme:  "---\na: &x 1\nb: &x 2\n---\n",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: ComposerError("found duplicate anchor 'x'; first occurrence", 'second occurrence')
	},
	{
		name:    "unknown tag fails",
		readme:  "---\nlicense: !custom mit\n---\n",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: ConstructorError("could not determine a constructor for the tag '!custom'")
	},
	{
		name:    "malformed YAML fails",
		readme:  "---\ntags: [a, b\n---\n",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: ParserError('while parsing a flow sequence', "expected ',' or ']', but got '<stream end>'")
	},
	{
		name:    "second document fails",
		readme:  "---\nlicense: mit\n--- \nlicense: gpl\n---\n",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: ComposerError('expected a single document in the stream', 'but found another document')
	},
	{
		name:   "front matter not a mapping",
		readme: "---\n- a\n- b\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "empty front matter",
		readme: "---\n---\nbody\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "no front matter",
		readme: "# Title\n\nlicense: mit\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "unterminated front matter",
		readme: "---\nlicense: mit\ntags: [a]\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.license", Value: gguf.String("mit")},
			{Key: "general.tags", Value: arr(gguf.TypeString, []string{"a"})},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "CRLF and tabs",
		readme: "---\r\nlicense:\tmit\r\ntags:\r\n\t- a\r\n---\r\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.license", Value: gguf.String("mit")},
			{Key: "general.tags", Value: arr(gguf.TypeString, []string{"a"})},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:   "BOM hides front matter",
		readme: "\ufeff---\nlicense: mit\n---\n",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:    "control character fails",
		readme:  "---\nlicense: \"a\u0001b\"\n---\n",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: ReaderError('<unicode string>', 11, 1, 'unicode', 'special characters are not allowed')
	},
	{
		name:   "unicode",
		readme: "---\nlicense: \"caf\\u00e9 😀\"\ntags: ['日本語', 'ß']\nmodel_name: ﬁne straße\n---\n",
		dir:    "straße-7b",
		p:      Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("ﬁne straße")},
			{Key: "general.finetune", Value: gguf.String("7b")},
			{Key: "general.basename", Value: gguf.String("straße")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
			{Key: "general.license", Value: gguf.String("café 😀")},
			{Key: "general.tags", Value: arr(gguf.TypeString, []string{"日本語", "ß"})},
		},
		stem: "straße-9.0M-7b-F16",
	},
	{
		name: "sampling keys",
		gen:  "{\"sequence\": \"edskypmxt\", \"top_k\": 40, \"top_p\": 0.95, \"min_p\": 0.05, \"xtc_probability\": 0, \"xtc_threshold\": 0.1, \"temperature\": 0.8, \"penalty_last_n\": 64, \"penalty_repeat\": 1.1, \"mirostat\": 0, \"mirostat_tau\": 5, \"mirostat_eta\": 0.1, \"do_sample\": true, \"bos_token_id\": 1}",
		p:    Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.sampling.sequence", Value: gguf.String("edskypmxt")},
			{Key: "general.sampling.top_k", Value: gguf.Int32(40)},
			{Key: "general.sampling.top_p", Value: gguf.Float32(0.95)},
			{Key: "general.sampling.min_p", Value: gguf.Float32(0.05)},
			{Key: "general.sampling.xtc_probability", Value: gguf.Float32(0)},
			{Key: "general.sampling.xtc_threshold", Value: gguf.Float32(0.1)},
			{Key: "general.sampling.temp", Value: gguf.Float32(0.8)},
			{Key: "general.sampling.penalty_last_n", Value: gguf.Int32(64)},
			{Key: "general.sampling.penalty_repeat", Value: gguf.Float32(1.1)},
			{Key: "general.sampling.mirostat", Value: gguf.Int32(0)},
			{Key: "general.sampling.mirostat_tau", Value: gguf.Float32(5)},
			{Key: "general.sampling.mirostat_eta", Value: gguf.Float32(0.1)},
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name: "sampling bools and nulls",
		gen:  "{\"top_k\": true, \"temperature\": false, \"top_p\": null, \"sequence\": \"\"}",
		p:    Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.sampling.top_k", Value: gguf.Int32(1)},
			{Key: "general.sampling.temp", Value: gguf.Float32(0)},
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name: "sampling NaN and Infinity",
		gen:  "{\"temperature\": NaN, \"top_p\": Infinity, \"min_p\": -Infinity}",
		p:    Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.sampling.top_p", Value: gguf.Float32(math.Float32frombits(0x7f800000))},
			{Key: "general.sampling.min_p", Value: gguf.Float32(math.Float32frombits(0xff800000))},
			{Key: "general.sampling.temp", Value: gguf.Float32(math.Float32frombits(0x7fc00000))},
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:    "sampling float top_k fails",
		gen:     "{\"top_k\": 50.0}",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: error('required argument is not an integer')
	},
	{
		name:    "sampling top_k out of range fails",
		gen:     "{\"top_k\": 2147483648}",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: error("'i' format requires -2147483648 <= number <= 2147483647")
	},
	{
		name:    "sampling temperature overflows float32",
		gen:     "{\"temperature\": 1e39}",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: OverflowError('float too large to pack with f format')
	},
	{
		name: "broken generation_config ignored",
		gen:  "{\"temperature\": 0.5,}",
		p:    Params{Total: 8979584, Shared: 8979584},
		want: []gguf.KV{
			{Key: "general.name", Value: gguf.String("Model")},
			{Key: "general.size_label", Value: gguf.String("9.0M")},
		},
		stem: "Model-9.0M-F16",
	},
	{
		name:    "generation_config not an object fails",
		gen:     "[1]",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: AttributeError("'list' object has no attribute 'get'")
	},
	{
		name:    "broken config.json fails",
		config:  "{\"_name_or_path\": ",
		p:       Params{Total: 8979584, Shared: 8979584},
		wantErr: true, // llama.cpp: JSONDecodeError('Expecting value: line 1 column 19 (char 18)')
	},
}

// TestFolders runs Read, KVs and FileStem on the folderCases and compares
// the KVs by key, type and encoded value.
func TestFolders(t *testing.T) {
	for _, c := range folderCases {
		t.Run(c.name, func(t *testing.T) {
			dir := c.dir
			if dir == "" {
				dir = "model"
			}
			dir = filepath.Join(t.TempDir(), dir)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, content := range map[string]string{"README.md": c.readme, "config.json": c.config, "generation_config.json": c.gen} {
				if content != "" {
					if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			m, err := Read(dir, c.modelName, c.p)
			var kvs []gguf.KV
			if err == nil {
				kvs, err = m.KVs()
			}
			if c.wantErr {
				if err == nil {
					t.Fatalf("no error; KVs %v", kvs)
				}
				t.Logf("error (as expected): %v", err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range max(len(kvs), len(c.want)) {
				var got, want gguf.KV
				if i < len(kvs) {
					got = kvs[i]
				}
				if i < len(c.want) {
					want = c.want[i]
				}
				gb, gerr := gguf.AppendValue(nil, got.Value)
				wb, werr := gguf.AppendValue(nil, want.Value)
				if got.Key != want.Key || got.Value.Type != want.Value.Type || gerr != nil || werr != nil || !bytes.Equal(gb, wb) {
					t.Errorf("KV %d: got %s %v %v (%x), want %s %v %v (%x)", i, got.Key, got.Value.Type, got.Value.X, gb, want.Key, want.Value.Type, want.Value.X, wb)
				}
			}
			stem, err := m.FileStem("F16")
			if c.stemErr != (err != nil) || stem != c.stem {
				t.Errorf("FileStem = %q, %v; want %q (error: %v)", stem, err, c.stem, c.stemErr)
			}
		})
	}
}
