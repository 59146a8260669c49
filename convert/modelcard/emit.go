package modelcard

// KV emission: set_gguf_meta_model's keys, order and value types, with
// GGUFWriter's rules (an empty string or array is not written; a value of
// the wrong Python type makes llama.cpp fail, and makes KVs return an error).

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/hfctl/hfctl/gguf"
)

// Load reads the model folder dir (see Read) and returns the general.* KVs
// llama.cpp's set_gguf_meta_model writes for it, in its order and with its
// types. They go right after general.architecture and general.type.
func Load(dir, modelName string, p Params) ([]gguf.KV, error) {
	m, err := Read(dir, modelName, p)
	if err != nil {
		return nil, err
	}
	return m.KVs()
}

// sourceFields are the keys of a base model or dataset entry, in the order
// they are written as general.base_model.N.<field> / general.dataset.N.<field>.
var sourceFields = []string{"name", "author", "version", "organization", "description", "url", "doi", "uuid", "repo_url"}

// KVs returns the KVs set_gguf_meta_model writes, in its order and with its
// types; an error where llama.cpp would fail to write them (a card value of
// the wrong type, an int out of range, a list of mixed types).
func (m *Metadata) KVs() ([]gguf.KV, error) {
	e := &emitter{}
	for i, s := range samplingFields {
		v := m.sampling[i]
		if v == nil {
			continue
		}
		switch s.kind {
		case gguf.TypeString:
			e.str(s.key, v)
		case gguf.TypeInt32:
			e.int32(s.key, v)
		case gguf.TypeFloat32:
			e.float32(s.key, v)
		}
	}

	e.str("general.name", m.name)
	e.str("general.author", m.author)
	e.str("general.version", m.version)
	e.str("general.organization", m.organization)
	e.str("general.finetune", m.finetune)
	e.str("general.basename", m.basename)
	e.str("general.description", m.description)
	e.str("general.quantized_by", m.quantizedBy)
	e.str("general.size_label", m.sizeLabel)

	if list, ok := m.license.([]any); ok {
		e.str("general.license", e.joinStrings(list, ","))
	} else {
		e.str("general.license", m.license)
	}
	e.str("general.license.name", m.licenseName)
	e.str("general.license.link", m.licenseLink)
	e.str("general.url", m.url)
	e.str("general.doi", m.doi)
	e.str("general.uuid", m.uuid)
	e.str("general.repo_url", m.repoURL)
	e.str("general.source.url", m.sourceURL)
	e.str("general.source.doi", m.sourceDOI)
	e.str("general.source.uuid", m.sourceUUID)
	e.str("general.source.repo_url", m.sourceRepoURL)

	e.sources("general.base_model", m.baseModels)
	e.sources("general.dataset", m.datasets)

	e.array("general.tags", m.tags)
	e.array("general.languages", m.languages)
	if e.err != nil {
		return nil, e.err
	}
	return e.kvs, nil
}

// emitter collects KVs and keeps the first error.
type emitter struct {
	kvs []gguf.KV
	err error
}

func (e *emitter) add(key string, v gguf.Value) {
	e.kvs = append(e.kvs, gguf.KV{Key: key, Value: v})
}

func (e *emitter) fail(key string, format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...))
	}
}

// str is GGUFWriter.add_string: nothing for None or any other false value
// ("", 0, False, []), the bytes of a str or bytes, an error for the rest.
func (e *emitter) str(key string, v any) {
	if !truthy(v) {
		return
	}
	switch x := v.(type) {
	case string:
		e.add(key, gguf.String(x))
	case pyBytes:
		e.add(key, gguf.String(string(x)))
	default:
		e.fail(key, "a string is needed, not %s", typeName(v))
	}
}

// joinStrings is ",".join(list); nil after an error (a non-str item).
func (e *emitter) joinStrings(list []any, sep string) any {
	s := make([]string, len(list))
	for i, item := range list {
		str, ok := item.(string)
		if !ok {
			e.fail("general.license", "list item %d has type %s, not str", i, typeName(item))
			return nil
		}
		s[i] = str
	}
	return strings.Join(s, sep)
}

// int32 is GGUFWriter.add_int32.
func (e *emitter) int32(key string, v any) {
	if x, err := toInt32(v); err != nil {
		e.fail(key, "%v", err)
	} else {
		e.add(key, gguf.Int32(x))
	}
}

// float32 is GGUFWriter.add_float32.
func (e *emitter) float32(key string, v any) {
	if x, err := toFloat32(v); err != nil {
		e.fail(key, "%v", err)
	} else {
		e.add(key, gguf.Float32(x))
	}
}

// toInt32 packs a Python int (or bool) as struct.pack("<i") does.
func toInt32(v any) (int32, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case *big.Int:
		if !x.IsInt64() || x.Int64() < math.MinInt32 || x.Int64() > math.MaxInt32 {
			return 0, fmt.Errorf("%s does not fit in an int32", x)
		}
		return int32(x.Int64()), nil
	}
	return 0, fmt.Errorf("an integer is needed, not %s", typeName(v))
}

// toFloat32 packs a Python float, int or bool as struct.pack("<f") does:
// rounded to nearest, an error if a finite value overflows.
func toFloat32(v any) (float32, error) {
	var f float64
	switch x := v.(type) {
	case bool:
		if x {
			f = 1
		}
	case float64:
		f = x
	case *big.Int:
		var acc big.Accuracy
		f, acc = new(big.Float).SetInt(x).Float64()
		if math.IsInf(f, 0) && acc != big.Exact {
			return 0, fmt.Errorf("int too large to convert to float")
		}
	default:
		return 0, fmt.Errorf("a number is needed, not %s", typeName(v))
	}
	f32 := float32(f)
	if math.IsInf(float64(f32), 0) && !math.IsInf(f, 0) {
		return 0, fmt.Errorf("%s is too large for a float32", strconv.FormatFloat(f, 'g', -1, 64))
	}
	return f32, nil
}

// sources writes a base model or dataset list: its count (also for an empty
// list), then the fields each entry has.
func (e *emitter) sources(prefix string, list []*pyDict) {
	if list == nil {
		return
	}
	e.add(prefix+".count", gguf.Uint32(uint32(len(list))))
	for i, d := range list {
		for _, f := range sourceFields {
			if d.has(f) {
				e.str(fmt.Sprintf("%s.%d.%s", prefix, i, f), d.get(f))
			}
		}
	}
}

// array is GGUFWriter.add_array for the tags and languages lists: nothing
// for an empty list; otherwise every item must have the type of the first.
func (e *emitter) array(key string, list []any) {
	if len(list) == 0 {
		return
	}
	items := 0
	a, err := pyArray(list, &items)
	if err != nil {
		e.fail(key, "%v", err)
		return
	}
	e.add(key, gguf.Value{Type: gguf.TypeArray, X: a})
}

// elemType is GGUFValueType.get_type.
func elemType(v any) (gguf.ValueType, bool) {
	switch v.(type) {
	case string, pyBytes:
		return gguf.TypeString, true
	case []any:
		return gguf.TypeArray, true
	case float64:
		return gguf.TypeFloat32, true
	case bool:
		return gguf.TypeBool, true
	case *big.Int:
		return gguf.TypeInt32, true
	}
	return 0, false
}

// maxArrayItems bounds the items of a (nested) array, which YAML aliases
// can make exponentially large.
const maxArrayItems = 1 << 20

// pyArray is how GGUFWriter packs a list: the first item's type is the
// element type, every other item must have it, and nested lists must not be
// empty. items counts the items packed so far.
func pyArray(list []any, items *int) (gguf.Array, error) {
	if len(list) == 0 {
		return gguf.Array{}, fmt.Errorf("empty nested array")
	}
	if *items += len(list); *items > maxArrayItems {
		return gguf.Array{}, fmt.Errorf("array too large")
	}
	t, ok := elemType(list[0])
	if !ok {
		return gguf.Array{}, fmt.Errorf("cannot store %s values in an array", typeName(list[0]))
	}
	for _, item := range list[1:] {
		if it, _ := elemType(item); it != t {
			return gguf.Array{}, fmt.Errorf("all items must have one type: %s and %s", typeName(list[0]), typeName(item))
		}
	}
	var err error
	switch t {
	case gguf.TypeString:
		s := make([]string, len(list))
		for i, item := range list {
			if b, ok := item.(pyBytes); ok {
				s[i] = string(b)
			} else {
				s[i] = item.(string)
			}
		}
		return gguf.Array{Elem: t, Items: s}, nil
	case gguf.TypeArray:
		s := make([]gguf.Array, len(list))
		for i, item := range list {
			if s[i], err = pyArray(item.([]any), items); err != nil {
				return gguf.Array{}, err
			}
		}
		return gguf.Array{Elem: t, Items: s}, nil
	case gguf.TypeFloat32:
		s := make([]float32, len(list))
		for i, item := range list {
			if s[i], err = toFloat32(item); err != nil {
				return gguf.Array{}, err
			}
		}
		return gguf.Array{Elem: t, Items: s}, nil
	case gguf.TypeBool:
		s := make([]bool, len(list))
		for i, item := range list {
			s[i] = item.(bool)
		}
		return gguf.Array{Elem: t, Items: s}, nil
	default: // gguf.TypeInt32
		s := make([]int32, len(list))
		for i, item := range list {
			if s[i], err = toInt32(item); err != nil {
				return gguf.Array{}, err
			}
		}
		return gguf.Array{Elem: t, Items: s}, nil
	}
}
