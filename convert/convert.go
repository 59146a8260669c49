// Package convert turns a Hugging Face model folder (config.json,
// *.safetensors shards, tokenizer files) into a GGUF file with the same
// bytes llama.cpp's convert_hf_to_gguf.py writes.
//
// Work happens in two steps. Prepare reads everything small (config,
// tokenizer, safetensors headers, model card) and checks it, so a bad
// folder fails before any heavy work. Plan.Write then streams the tensors
// one by one from the memory-mapped shards into the output, converting
// chunks of rows in parallel; memory use does not grow with model size.
package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/hfctl/hfctl/convert/modelcard"
	"github.com/hfctl/hfctl/convert/safetensors"
	"github.com/hfctl/hfctl/convert/vocab"
	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// Options control a conversion.
type Options struct {
	// OutType is the output type: "f32", "f16", "bf16", "q8_0" or "auto"
	// (the 16-bit type of the checkpoint's first matrix, F16 if unsure) —
	// the --outtype values of llama.cpp's converter. q8_0 quantizes the
	// float32 weights directly, as llama.cpp's converter does. Any
	// llama-quantize type ("q4_k_m", "Q5_K_S" …) gives the bytes of an F16
	// conversion quantized by llama-quantize, in one streaming pass.
	OutType string
	// Threads converts chunks in parallel (0: all cores).
	Threads int
	// ModelName overrides general.name (llama.cpp's --model-name).
	ModelName string
	// Progress, if set, is called as output bytes are written.
	Progress func(written, total uint64)
}

// OutTypes lists the accepted Options.OutType values.
var OutTypes = []string{"f32", "f16", "bf16", "q8_0", "auto"}

// Plan is a checked conversion, ready to write.
type Plan struct {
	Dir      string
	HFArch   string        // e.g. "LlamaForCausalLM"
	Arch     string        // general.architecture
	FileType gguf.FileType // general.file_type
	Params   int64         // parameter count of the written tensors
	KV       []gguf.KV     // metadata in file order
	Tensors  []TensorPlan  // tensors in file order

	m *model
}

// TensorPlan is one output tensor.
type TensorPlan struct {
	Name   string
	Type   gguf.Type
	Shape  []uint64 // ggml order: ne0 (the row length) first
	Source string   // Hugging Face tensor name, empty if generated
	DType  string   // source dtype
	Bytes  uint64

	src     *safetensors.Tensor
	gen     []float32
	permute [2]int // n_head, n_head_kv of the reference's Q/K permute; 0 if none
	// via is the tensor's type in the F16 conversion when the output is
	// quantized llama-quantize style: values are rounded through it first.
	via gguf.Type
}

// Result describes a written file.
type Result struct {
	Path     string `json:"path"`
	Arch     string `json:"architecture"`
	HFArch   string `json:"hf_architecture"`
	FileType string `json:"file_type"`
	Tensors  int    `json:"tensors"`
	Params   int64  `json:"parameters"`
	Bytes    int64  `json:"bytes"`
}

type model struct {
	dir  string
	cfg  *Config
	arch *Arch
	st   *safetensors.Model
}

func (m *model) key(format string) string { return gguf.ArchKey(format, m.arch.GGUF) }

type genTensor struct {
	name string
	data []float32
}

// Convert converts dir and writes the GGUF to out (a default name in the
// current folder when out is empty).
func Convert(dir, out string, opt Options) (*Result, error) {
	p, err := Prepare(dir, opt)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	if out == "" {
		out = p.DefaultOutput()
	}
	return p.Write(out, opt)
}

// Prepare reads and checks everything but the tensor data.
func Prepare(dir string, opt Options) (*Plan, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("model folder: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder: give the Hugging Face model folder (with config.json and *.safetensors)", dir)
	}
	cfg, err := LoadConfig(dir)
	if err != nil {
		return nil, err
	}
	arch, err := lookupArch(cfg)
	if err != nil {
		return nil, err
	}
	if arch.Defaults != nil {
		arch.Defaults(cfg)
	}
	m := &model{dir: dir, cfg: cfg, arch: arch}
	// The tokenizer is checked before the weights are touched.
	vocabKV, err := vocab.Export(cfg.HFArch, dir, cfg.Plain())
	if err != nil {
		return nil, err
	}
	st, err := safetensors.OpenDir(dir)
	if err != nil {
		return nil, err
	}
	m.st = st
	p := &Plan{Dir: dir, HFArch: cfg.HFArch, Arch: arch.GGUF, m: m}
	ok := false
	defer func() {
		if !ok {
			st.Close()
		}
	}()
	// A llama-quantize type (q4_k_m …) is an F16 conversion followed by
	// quantization, in one pass.
	var quantFT gguf.FileType
	outType := opt.OutType
	if !slices.Contains(OutTypes, strings.ToLower(outType)) && outType != "" {
		ft, err := quantize.ParseFileType(strings.ToUpper(outType))
		if err != nil {
			return nil, fmt.Errorf("unknown output type %q; use one of %s, or a llama-quantize type (%s)", outType, strings.Join(OutTypes, ", "), strings.Join(quantize.FileTypes, " "))
		}
		quantFT, outType = ft, "f16"
	}
	ftype, err := chooseFileType(outType, st)
	if err != nil {
		return nil, err
	}
	p.FileType = ftype
	if err := p.planTensors(); err != nil {
		return nil, err
	}
	shapes := make([]modelcard.TensorShape, len(p.Tensors))
	for i, t := range p.Tensors {
		shapes[i] = modelcard.TensorShape{Name: t.Name, Dims: t.Shape}
	}
	counts := modelcard.CountParams(shapes)
	p.Params = counts.Total

	var kv kvList
	kv.add(gguf.KeyGeneralArchitecture, gguf.String(arch.GGUF))
	kv.add(gguf.KeyGeneralType, gguf.String("model"))
	card, err := modelcard.Load(dir, opt.ModelName, counts)
	if err != nil {
		return nil, err
	}
	kv.addAll(card)
	if err := m.textParams(&kv, ftype); err != nil {
		return nil, err
	}
	if arch.Params != nil {
		if err := arch.Params(m, &kv); err != nil {
			return nil, err
		}
	}
	kv.add(gguf.KeyGeneralQuantizationVersion, gguf.Uint32(gguf.QuantizationVersion))
	kv.addAll(vocabKV)
	p.KV = kv.kvs
	if quantFT != 0 {
		if err := p.quantizePlan(quantFT); err != nil {
			return nil, err
		}
	}
	ok = true
	return p, nil
}

// quantizePlan turns an F16 plan into llama-quantize's output for ft:
// its metadata, tensor order and per-tensor types.
func (p *Plan) quantizePlan(ft gguf.FileType) error {
	in := make([]quantize.TensorIn, len(p.Tensors))
	byName := map[string]TensorPlan{}
	for i, t := range p.Tensors {
		in[i] = quantize.TensorIn{Name: t.Name, Shape: t.Shape, Type: t.Type}
		byName[t.Name] = t
	}
	qp, err := quantize.PlanTensors(p.KV, in, quantize.Options{FileType: ft})
	if err != nil {
		return fmt.Errorf("%s: %w", p.Dir, err)
	}
	out := make([]TensorPlan, len(qp.Tensors))
	for i, q := range qp.Tensors {
		t := byName[q.Name]
		t.via, t.Type, t.Bytes = t.Type, q.To, q.Bytes
		out[i] = t
	}
	p.Tensors, p.KV, p.FileType = out, qp.KV, ft
	return nil
}

// Close releases the memory-mapped shards.
func (p *Plan) Close() error {
	if p.m != nil && p.m.st != nil {
		return p.m.st.Close()
	}
	return nil
}

// DefaultOutput is llama.cpp's default file name for this model, in the
// current folder ("Tiny-Shakespeare-9.0M-F16.gguf").
func (p *Plan) DefaultOutput() string {
	name, _ := kvString(p.KV, gguf.KeyGeneralName)
	base, _ := kvString(p.KV, gguf.KeyGeneralBasename)
	fine, _ := kvString(p.KV, gguf.KeyGeneralFinetune)
	ver, _ := kvString(p.KV, gguf.KeyGeneralVersion)
	size, _ := kvString(p.KV, gguf.KeyGeneralSizeLabel)
	return modelcard.NamingConvention(name, base, fine, ver, size, p.FileType.String(), "") + ".gguf"
}

func kvString(kvs []gguf.KV, key string) (string, bool) {
	for _, kv := range kvs {
		if kv.Key == key {
			return kv.Value.Str()
		}
	}
	return "", false
}

func chooseFileType(outType string, st *safetensors.Model) (gguf.FileType, error) {
	switch strings.ToLower(outType) {
	case "f32":
		return gguf.FileTypeAllF32, nil
	case "f16":
		return gguf.FileTypeMostlyF16, nil
	case "bf16":
		return gguf.FileTypeMostlyBF16, nil
	case "q8_0":
		return gguf.FileTypeMostlyQ8_0, nil
	case "", "auto":
		for _, t := range st.Tensors {
			if len(t.Shape) < 2 {
				continue
			}
			switch t.DType {
			case "BF16":
				return gguf.FileTypeMostlyBF16, nil
			case "F16":
				return gguf.FileTypeMostlyF16, nil
			}
			break
		}
		return gguf.FileTypeMostlyF16, nil
	}
	return 0, fmt.Errorf("unknown output type %q; use one of %s", outType, strings.Join(OutTypes, ", "))
}

// skipSuffixes are checkpoint buffers that are not weights.
var skipSuffixes = []string{".attention.masked_bias", ".attention.bias", ".rotary_emb.inv_freq"}

func (p *Plan) planTensors() error {
	m := p.m
	wantType := quantize.BaseType(p.FileType)
	if m.arch.Extra != nil {
		extra, err := m.arch.Extra(m)
		if err != nil {
			return err
		}
		for _, g := range extra {
			p.Tensors = append(p.Tensors, TensorPlan{
				Name: g.name, Type: gguf.F32, Shape: []uint64{uint64(len(g.data))},
				DType: "F32", Bytes: 4 * uint64(len(g.data)), gen: g.data,
			})
		}
	}
	nHead, err := m.cfg.MustInt("num_attention_heads", "n_head", "n_heads")
	if err != nil {
		return err
	}
	nKV, ok, err := m.cfg.Int("num_key_value_heads", "n_kv_heads")
	if err != nil {
		return err
	}
	if !ok {
		nKV = nHead
	}
	seen := map[string]string{}
	for _, t := range m.st.Tensors {
		hf := strings.Replace(t.Name, "language_model.", "", 1)
		if hasAnySuffix(hf, skipSuffixes) {
			continue
		}
		name, err := m.mapName(hf)
		if err != nil {
			return fmt.Errorf("%s: tensor %q: %v", t.File, t.Name, err)
		}
		if prev, dup := seen[name]; dup {
			return fmt.Errorf("%s: tensors %q and %q both map to %q", m.dir, prev, t.Name, name)
		}
		seen[name] = t.Name
		if err := checkDType(m.st, t); err != nil {
			return err
		}
		typ := wantType
		if len(t.Shape) <= 1 || strings.HasSuffix(name, "_norm.weight") || !strings.HasSuffix(name, ".weight") {
			typ = gguf.F32
		}
		if info, _ := typ.Info(); info.BlockSize > 1 && t.Shape[len(t.Shape)-1]%int64(info.BlockSize) != 0 {
			// llama.cpp's converter falls back to F16 when a row is not a
			// whole number of blocks.
			typ = gguf.F16
		}
		if info, _ := typ.Info(); info.Quantized {
			if _, ok := quantize.Lookup(typ); !ok {
				return fmt.Errorf("output type %s is not available in this build", typ)
			}
		}
		shape := make([]uint64, len(t.Shape))
		for i, d := range t.Shape {
			shape[len(t.Shape)-1-i] = uint64(d)
		}
		if len(shape) == 0 { // a scalar is written as a 1-element tensor
			shape = []uint64{1}
		}
		size, err := gguf.TensorBytes(typ, shape)
		if err != nil {
			return fmt.Errorf("%s: tensor %q: %v", t.File, t.Name, err)
		}
		tp := TensorPlan{Name: name, Type: typ, Shape: shape, Source: t.Name, DType: t.DType, Bytes: size, src: t}
		if m.arch.PermuteQK {
			switch {
			case hasAnySuffix(hf, []string{"q_proj.weight", "q_proj.bias"}):
				tp.permute = [2]int{int(nHead), int(nHead)}
			case hasAnySuffix(hf, []string{"k_proj.weight", "k_proj.bias"}):
				tp.permute = [2]int{int(nHead), int(nKV)}
			}
			if tp.permute[0] != 0 {
				heads := tp.permute[1]
				if heads == 0 || t.Shape[0]%int64(2*heads) != 0 {
					return fmt.Errorf("%s: tensor %q: %d rows cannot be split into %d heads of even size; check num_attention_heads/num_key_value_heads in config.json", t.File, t.Name, t.Shape[0], heads)
				}
			}
		}
		p.Tensors = append(p.Tensors, tp)
	}
	if len(p.Tensors) == 0 {
		return fmt.Errorf("%s: no tensors to convert", m.dir)
	}
	return nil
}

func checkDType(st *safetensors.Model, t *safetensors.Tensor) error {
	switch t.DType {
	case "F32", "F16", "BF16", "F64":
		return nil
	case "F8_E4M3", "F8_E5M2":
		// Block-scaled FP8 checkpoints store the real weight as fp8 × a
		// separate scale tensor; converting the fp8 values alone would be
		// wrong.
		for _, s := range []string{"_scale_inv", "_scale"} {
			if st.Get(t.Name+s) != nil {
				return fmt.Errorf("%s: tensor %q is %s with a separate scale (%s%s): scaled FP8 checkpoints are not supported yet; convert the BF16 release of this model instead", t.File, t.Name, t.DType, t.Name, s)
			}
		}
		return nil
	}
	return fmt.Errorf("%s: tensor %q has dtype %s, which hfctl cannot convert to floating point (supported: F32, F16, BF16, F64, F8_E4M3, F8_E5M2)", t.File, t.Name, t.DType)
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// mapName turns a Hugging Face tensor name into its GGUF name.
func (m *model) mapName(hf string) (string, error) {
	suffix := ""
	base := hf
	for _, s := range []string{".weight", ".bias"} {
		if strings.HasSuffix(hf, s) {
			suffix, base = s, strings.TrimSuffix(hf, s)
			break
		}
	}
	parts := strings.Split(base, ".")
	bid := ""
	for i, part := range parts {
		if part != "" && strings.Trim(part, "0123456789") == "" {
			bid = part
			parts[i] = "{bid}"
			break
		}
	}
	tmpl := strings.Join(parts, ".")
	g, ok := m.arch.Tensors[tmpl]
	if !ok || suffix == "" {
		return "", fmt.Errorf("no GGUF name for this tensor in architecture %s (llama.cpp: \"Can not map tensor\"); is config.json's architecture right?", m.cfg.HFArch)
	}
	if bid != "" {
		n, err := strconv.Atoi(bid)
		if err != nil {
			return "", err
		}
		blocks, _ := m.cfg.MustInt("num_hidden_layers", "n_layers", "n_layer", "num_layers")
		if int64(n) >= blocks {
			return "", fmt.Errorf("block %d is past num_hidden_layers (%d) in config.json", n, blocks)
		}
		g = strings.Replace(g, "{bid}", strconv.Itoa(n), 1)
	}
	return g + suffix, nil
}

// threads returns the worker count for opt.
func threads(n int) int {
	if n <= 0 {
		return runtime.NumCPU()
	}
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

func numOr(v any, def float64) float64 {
	if v == nil {
		return def
	}
	f, err := toFloat(v)
	if err != nil {
		return def
	}
	return f
}

// absPath is for messages.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
