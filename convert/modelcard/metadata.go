// Package modelcard derives the general.* authorship metadata of a GGUF file
// from a Hugging Face model folder exactly as llama.cpp's convert_hf_to_gguf.py
// does (gguf-py's Metadata.load, apply_metadata_heuristic and
// set_gguf_meta_model, with conversion/base.py's prepare_metadata): the
// README.md model card's YAML front matter, config.json's _name_or_path,
// generation_config.json's sampling settings, the folder's name, and the
// parameter count.
//
// Where llama.cpp writes these keys: general.architecture (added when its
// GGUFWriter is made), then general.type, then the keys of Load in their
// order, then the architecture's parameters (general.file_type among them),
// then general.quantization_version, then the tokenizer keys.
package modelcard

import (
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hfctl/hfctl/gguf"
)

// Params is the parameter count of the tensors written to the file, as
// GGUFWriter.get_total_parameter_count returns it (see CountParams).
type Params struct {
	Total  int64 // all parameters; negative for a LoRA adapter (not exact)
	Shared int64 // parameters outside the expert tensors
	Expert int64 // parameters of one expert, summed over the expert tensors
	// ExpertCount is the average number of experts of the expert tensors.
	ExpertCount int
}

// TensorShape names a tensor as written to the GGUF file, with its
// dimensions in GGUF order (ne0, the contiguous one, first) and counted in
// elements, not in quantized blocks.
type TensorShape struct {
	Name string
	Dims []uint64
}

// CountParams is get_total_parameter_count over every tensor written, in the
// order they are added. It counts generated tensors too (rope_freqs and the
// like). An expert tensor is one whose name contains "_exps."; with 3 or more
// dimensions its expert count is ne2 (ne1 for a ".bias"). A ".lora_b" tensor
// counts with its rank taken from the ".lora_a" just before it.
func CountParams(tensors []TensorShape) Params {
	var p Params
	var expertSum, expertTensors int64
	var loraA *TensorShape
	for i := range tensors {
		t := &tensors[i]
		dims := t.Dims
		switch {
		case strings.HasSuffix(t.Name, ".lora_a"):
			loraA = t
			continue
		case strings.HasSuffix(t.Name, ".lora_b"):
			if loraA == nil || loraA.Name != strings.TrimSuffix(t.Name, "b")+"a" || len(dims) == 0 || len(loraA.Dims) == 0 {
				return Params{} // llama.cpp gives up on an unusual order
			}
			dims = append([]uint64{loraA.Dims[0]}, dims[1:]...)
		}
		size := int64(1)
		for _, d := range dims {
			size *= int64(d)
		}
		if strings.Contains(t.Name, "_exps.") && len(dims) >= 3 {
			experts := int64(dims[2])
			if strings.Contains(t.Name, ".bias") {
				experts = int64(dims[1])
			}
			if experts > 0 {
				p.Expert += size / experts
			}
			expertSum += experts
			expertTensors++
		} else {
			p.Shared += size
		}
		p.Total += size
	}
	if expertTensors > 0 {
		p.ExpertCount = int(expertSum / expertTensors)
	}
	if loraA != nil {
		p.Total = -p.Total
	}
	return p
}

// Metadata is what llama.cpp knows about a model's authorship once it has
// read the folder. The fields hold Python-typed values (see pyvalue.go): a model
// card may put any YAML value where a string is expected, and what llama.cpp
// then writes, skips or fails on depends on the type.
type Metadata struct {
	params Params

	sampling [len(samplingFields)]any // by samplingFields

	name, author, version, organization, finetune, basename any
	description, quantizedBy, sizeLabel                     any
	license, licenseName, licenseLink                       any
	url, doi, uuid, repoURL                                 any // set only by llama.cpp's --metadata file
	sourceURL, sourceDOI, sourceUUID, sourceRepoURL         any
	baseModels, datasets                                    []*pyDict // nil: None
	tags, languages                                         []any     // nil: None
}

// Read gathers the metadata of the model folder dir as llama.cpp's
// Metadata.load and prepare_metadata do. Pass dir as the user gave it, not
// made absolute: llama.cpp also reads the last component of that path as a
// model id (name, basename, size label, ...), and for "." that is empty,
// which leaves the file without general.name. modelName, if not empty, is
// convert_hf_to_gguf's --model-name. p is the parameter count of the tensors
// to be written (CountParams): it gives the size label, and it tells a size
// in a name ("7B") from, say, a context length ("4k").
//
// An error means llama.cpp would fail: README.md front matter that PyYAML
// rejects, a config.json that is not JSON, a card value of a type llama.cpp
// cannot write (that error comes from KVs), and the like.
func Read(dir, modelName string, p Params) (*Metadata, error) {
	card, err := loadModelCard(dir)
	if err != nil {
		return nil, err
	}
	hf, err := readJSONFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil, err
	}
	gen, err := readJSONFile(filepath.Join(dir, "generation_config.json"))
	var syntax *jsonSyntaxError
	if errors.As(err, &syntax) {
		gen, err = nil, nil // llama.cpp ignores a broken generation_config.json
	}
	if err != nil {
		return nil, err
	}

	m := &Metadata{params: p}
	m.fromModelCard(card, p.Total)
	if err := m.fromHFParams(hf, p.Total); err != nil {
		return nil, err
	}
	m.fromModelID(pathName(dir), p.Total)
	if err := m.fromGenerationConfig(gen); err != nil {
		return nil, err
	}

	if modelName != "" {
		m.name = modelName
	}
	if m.name == nil {
		m.name = pathName(dir)
	}
	if m.sizeLabel == nil && p.Total > 0 {
		m.sizeLabel = SizeLabel(p)
	}
	return m, nil
}

// pathName is Python's Path(dir).name: the last component, ignoring "." and
// empty components; "" if there is none.
func pathName(dir string) string {
	parts := strings.FieldsFunc(dir, func(r rune) bool { return r == '/' })
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i] != "." {
			return parts[i]
		}
	}
	return ""
}

// fromModelCard applies the model card heuristics of apply_metadata_heuristic.
// Each field takes the first of its card keys that is present, and keeps a
// value set before.
func (m *Metadata) fromModelCard(card *pyDict, total int64) {
	use := func(field *any, key string) {
		if card.has(key) && *field == nil {
			*field = card.get(key)
		}
	}
	// llama.cpp's own keys, then the same with "model_" in front, then
	// keys some model creators use.
	use(&m.name, "name")
	use(&m.author, "author")
	use(&m.version, "version")
	use(&m.organization, "organization")
	use(&m.description, "description")
	use(&m.finetune, "finetune")
	use(&m.basename, "basename")
	use(&m.sizeLabel, "size_label")
	use(&m.sourceURL, "url")
	use(&m.sourceDOI, "doi")
	use(&m.sourceUUID, "uuid")
	use(&m.sourceRepoURL, "repo_url")

	use(&m.name, "model_name")
	use(&m.author, "model_author")
	use(&m.version, "model_version")
	use(&m.organization, "model_organization")
	use(&m.description, "model_description")
	use(&m.finetune, "model_finetune")
	use(&m.basename, "model_basename")
	use(&m.sizeLabel, "model_size_label")
	use(&m.sourceURL, "model_url")
	use(&m.sourceDOI, "model_doi")
	use(&m.sourceUUID, "model_uuid")
	use(&m.sourceRepoURL, "model_repo_url")

	use(&m.author, "model_creator")
	use(&m.basename, "model_type")

	if card.has("base_model") || card.has("base_models") || card.has("base_model_sources") {
		if m.baseModels == nil {
			m.baseModels = []*pyDict{}
		}
		for _, id := range listOf(card.firstOf("base_model", "base_models", "base_model_sources")) {
			m.baseModels = append(m.baseModels, sourceEntry(id, total))
		}
	}
	if card.has("datasets") || card.has("dataset") || card.has("dataset_sources") {
		if m.datasets == nil {
			m.datasets = []*pyDict{}
		}
		for _, id := range listOf(card.firstOf("datasets", "dataset", "dataset_sources")) {
			m.datasets = append(m.datasets, sourceEntry(id, total))
		}
	}

	use(&m.license, "license")
	use(&m.licenseName, "license_name")
	use(&m.licenseLink, "license_link")

	// These append: pipeline_tag joins the tags, language the languages.
	extend := func(field *[]any, key string) {
		v := card.get(key)
		if v == nil {
			return
		}
		cur := *field
		if cur == nil {
			cur = []any{}
		}
		*field = append(cur, listOf(v)...)
	}
	extend(&m.tags, "tags")
	extend(&m.tags, "pipeline_tag")
	extend(&m.languages, "languages")
	extend(&m.languages, "language")
}

// listOf is a str as a one-item list, a list as itself, anything else as an
// empty list.
func listOf(v any) []any {
	switch x := v.(type) {
	case string:
		return []any{x}
	case []any:
		return x
	}
	return nil
}

// sourceEntry turns one base_model or datasets item of the model card into
// the dict set_gguf_meta_model reads: a Hugging Face id or URL is split into
// name, organization, version and repo_url; a mapping is taken as is; any
// other value gives an empty entry (llama.cpp logs it and still counts it).
func sourceEntry(id any, total int64) *pyDict {
	switch x := id.(type) {
	case *pyDict:
		return x
	case string:
		d := newDict()
		if strings.HasPrefix(x, "http://") || strings.HasPrefix(x, "https://") || strings.HasPrefix(x, "ssh://") {
			d.set("repo_url", x)
			if strings.Contains(x, "huggingface.co") {
				if sub := reHFRepoURL.FindStringSubmatch(x); sub != nil {
					c := modelIDComponents(sub[1], total)
					d.set("name", idToTitle(c.fullName))
					if c.org != nil {
						d.set("organization", idToTitle(*c.org))
					}
					if c.version != "" {
						d.set("version", c.version)
					}
				}
			}
			return d
		}
		c := modelIDComponents(x, total)
		d.set("name", idToTitle(c.fullName))
		if c.org != nil {
			d.set("organization", idToTitle(*c.org))
		}
		if c.version != "" {
			d.set("version", c.version)
		}
		if c.org != nil {
			d.set("repo_url", "https://huggingface.co/"+*c.org+"/"+c.fullName)
		}
		return d
	}
	return newDict()
}

// reHFRepoURL is llama.cpp's pattern for a Hugging Face repository URL (its
// "." is unescaped, so it matches any character).
var reHFRepoURL = regexp.MustCompile(`^https?://huggingface.co/([^/]+/[^/]+)$`)

// fromHFParams uses config.json's _name_or_path when it looks like a model
// id ("org/name", at most one slash) rather than a local path.
func (m *Metadata) fromHFParams(hf any, total int64) error {
	if hf == nil {
		return nil
	}
	d, ok := hf.(*pyDict)
	if !ok {
		return fmt.Errorf("config.json: the top level has type %s, not dict", typeName(hf))
	}
	v := d.get("_name_or_path")
	if v == nil {
		return nil
	}
	id, ok := v.(string)
	if !ok {
		return fmt.Errorf("config.json: _name_or_path has type %s, not str", typeName(v))
	}
	if strings.Count(id, "/") <= 1 {
		m.fromModelID(id, total)
	}
	return nil
}

// fromModelID fills the fields still unset from a model id's components.
func (m *Metadata) fromModelID(id string, total int64) {
	c := modelIDComponents(id, total)
	setStr := func(field *any, s string) {
		if *field == nil && s != "" {
			*field = s
		}
	}
	if m.name == nil {
		m.name = idToTitle(c.fullName)
	}
	if m.organization == nil && c.org != nil {
		m.organization = idToTitle(*c.org)
	}
	setStr(&m.basename, c.basename)
	setStr(&m.finetune, c.finetune)
	setStr(&m.version, c.version)
	setStr(&m.sizeLabel, c.sizeLabel)
}

// samplingFields are the generation_config.json keys llama.cpp reads, with
// the keys and types it writes them as, in its order.
var samplingFields = [...]struct {
	config, key string
	kind        gguf.ValueType
}{
	{"sequence", "general.sampling.sequence", gguf.TypeString},
	{"top_k", "general.sampling.top_k", gguf.TypeInt32},
	{"top_p", "general.sampling.top_p", gguf.TypeFloat32},
	{"min_p", "general.sampling.min_p", gguf.TypeFloat32},
	{"xtc_probability", "general.sampling.xtc_probability", gguf.TypeFloat32},
	{"xtc_threshold", "general.sampling.xtc_threshold", gguf.TypeFloat32},
	{"temperature", "general.sampling.temp", gguf.TypeFloat32},
	{"penalty_last_n", "general.sampling.penalty_last_n", gguf.TypeInt32},
	{"penalty_repeat", "general.sampling.penalty_repeat", gguf.TypeFloat32},
	{"mirostat", "general.sampling.mirostat", gguf.TypeInt32},
	{"mirostat_tau", "general.sampling.mirostat_tau", gguf.TypeFloat32},
	{"mirostat_eta", "general.sampling.mirostat_eta", gguf.TypeFloat32},
}

func (m *Metadata) fromGenerationConfig(gen any) error {
	if !truthy(gen) {
		return nil
	}
	d, ok := gen.(*pyDict)
	if !ok {
		return fmt.Errorf("generation_config.json: the top level has type %s, not dict", typeName(gen))
	}
	for i, f := range samplingFields {
		m.sampling[i] = d.get(f.config)
	}
	return nil
}

// FileStem is the default output file name llama.cpp gives a model converted
// to outputType ("F16", "Q8_0", …), without ".gguf": naming_convention of
// the name, basename, finetune, version and size label, with "-LoRA" for an
// adapter (Params.Total < 0).
func (m *Metadata) FileStem(outputType string) (string, error) {
	str := func(field string, v any) (*string, error) {
		if v == nil {
			return nil, nil
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("the model %s has type %s, not str", field, typeName(v))
		}
		return &s, nil
	}
	var err error
	var name, base, finetune, version, size *string
	if base, err = str("basename", m.basename); err != nil {
		return "", err
	}
	if base == nil {
		if name, err = str("name", m.name); err != nil {
			return "", err
		}
	}
	if finetune, err = str("finetune", m.finetune); err != nil {
		return "", err
	}
	if version, err = str("version", m.version); err != nil {
		return "", err
	}
	if m.sizeLabel != nil {
		s, err := pyStr(m.sizeLabel) // formatted, not stripped
		if err != nil {
			return "", err
		}
		size = &s
	}
	var kind *string
	if m.params.Total < 0 {
		lora := "LoRA"
		kind = &lora
	}
	return namingConvention(name, base, finetune, version, size, &outputType, kind), nil
}

// pyStr is str(v) for the values a model card can give.
func pyStr(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		if x {
			return "True", nil
		}
		return "False", nil
	case *big.Int:
		return x.String(), nil
	case float64:
		return pyFloatRepr(x), nil
	case []any:
		if len(x) == 0 {
			return "[]", nil
		}
	case *pyDict:
		if x.size == 0 {
			return "{}", nil
		}
	}
	return "", fmt.Errorf("cannot format a size label of type %s", typeName(v))
}
