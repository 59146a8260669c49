// Package infer runs GGUF language models: it maps the file, binds the
// tensors by their GGUF names (token_embd, blk.N.attn_q …), builds the
// forward pass of the model's architecture (one file each: llama.go for
// llama/mistral, qwen2.go, qwen3.go) over a Backend (cpu.go now; a Vulkan
// backend implements the same interface), keeps a KV cache, and samples.
package infer

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/infer/tokenizer"
)

// Weight is one tensor of the model, used in place from the mapped file.
type Weight struct {
	Name string
	Type gguf.Type
	// Cols is ne0 (the contiguous dimension: inputs of a matrix), Rows
	// the product of the others (outputs).
	Cols, Rows int
	Data       []byte
	// RowSize is the bytes of one row.
	RowSize int
}

// Config holds the hyper-parameters read from the GGUF metadata.
type Config struct {
	Arch        string
	NLayer      int
	NEmbd       int
	NHead       int
	NHeadKV     int
	HeadDim     int // key/query head size
	HeadDimV    int
	NFF         int
	NVocab      int
	NCtxTrain   int
	RMSEps      float32
	RopeBase    float32
	RopeScale   float32 // linear scaling: positions are multiplied by it
	RopeDim     int
	RopeNeox    bool // rotate (i, i+d/2) pairs instead of (2i, 2i+1)
	AttnScale   float32
	TiedEmbed   bool
	HasQKVBias  bool
	HasQKNorm   bool
	ChatTmpl    string
	Name        string
	FileType    string
	SamplingDef SamplingDefaults
}

// SamplingDefaults are the general.sampling.* values a model author
// recommends (zero when absent).
type SamplingDefaults struct {
	Temp, TopP, MinP, RepeatPenalty float32
	TopK, RepeatLastN               int
	HasTemp, HasTopK, HasTopP       bool
	HasMinP, HasRepeat, HasLastN    bool
}

// Layer holds one transformer block's weights (nil when absent).
type Layer struct {
	AttnNorm, Q, K, V, O *Weight
	QBias, KBias, VBias  *Weight
	QNorm, KNorm         *Weight
	FFNNorm              *Weight
	Gate, Up, Down       *Weight
}

// Model is a loaded GGUF model.
type Model struct {
	Config
	Path      string
	File      *gguf.File
	Tok       *tokenizer.Tokenizer
	Embd      *Weight
	OutNorm   *Weight
	Output    *Weight
	RopeFreqs []float32 // rope_freqs.weight factors, nil if absent
	Layers    []Layer
	arch      *archDef
}

// archDef is one supported architecture.
type archDef struct {
	name string
	neox bool
	// bind fills the layers' architecture-specific weights after the
	// common llama-family ones.
	bind func(m *Model, b *binder) error
}

var archs = map[string]*archDef{}

func registerArch(a *archDef) { archs[a.name] = a }

// Architectures lists the supported GGUF architectures.
func Architectures() []string {
	var out []string
	for k := range archs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ErrUnsupported marks a model hfctl cannot run (architecture or tensor type).
var ErrUnsupported = errors.New("unsupported")

// Open maps a GGUF file and prepares the model (no weight is copied).
func Open(path string) (*Model, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, err
	}
	m, err := load(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	return m, nil
}

// OpenBytes prepares a model held in memory (e.g. embedded in the binary).
func OpenBytes(name string, data []byte) (*Model, error) {
	f, err := gguf.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return load(f, name)
}

// Close unmaps the file.
func (m *Model) Close() error { return m.File.Close() }

type binder struct {
	m    *Model
	used map[string]bool
}

// get binds a tensor by GGUF name; required ones missing are an error.
func (b *binder) get(name string, required bool, dims ...int) (*Weight, error) {
	ti, ok := b.m.File.Tensor(name)
	if !ok {
		if required {
			return nil, fmt.Errorf("%s: tensor %q is missing: the file is incomplete or not a %s model (re-convert it)", b.m.Path, name, b.m.Arch)
		}
		return nil, nil
	}
	b.used[name] = true
	info, ok := ti.Type.Info()
	if !ok || info.BlockSize == 0 {
		return nil, fmt.Errorf("%s: tensor %q has type %s: %w", b.m.Path, name, ti.Type, ErrUnsupported)
	}
	if !supportedType(ti.Type) {
		return nil, fmt.Errorf("%s: tensor %q has type %s, which hfctl cannot compute with yet (%w; supported: F32 F16 BF16 Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q2_K Q3_K Q4_K Q5_K Q6_K)", b.m.Path, name, ti.Type, ErrUnsupported)
	}
	w := &Weight{Name: name, Type: ti.Type, Data: b.m.File.TensorData(ti)}
	w.Cols = int(ti.Shape[0])
	w.Rows = 1
	for _, d := range ti.Shape[1:] {
		w.Rows *= int(d)
	}
	if len(dims) > 0 {
		got := make([]int, len(ti.Shape))
		for i, d := range ti.Shape {
			got[i] = int(d)
		}
		if !slices.Equal(got, dims) {
			return nil, fmt.Errorf("%s: tensor %q has shape %v, want %v from the metadata", b.m.Path, name, got, dims)
		}
	}
	rs, err := ti.Type.RowSize(uint64(w.Cols))
	if err != nil || w.Cols%info.BlockSize != 0 {
		return nil, fmt.Errorf("%s: tensor %q: row of %d is not a multiple of %s's block", b.m.Path, name, w.Cols, ti.Type)
	}
	w.RowSize = int(rs)
	return w, nil
}

func supportedType(t gguf.Type) bool {
	switch t {
	case gguf.F32, gguf.F16, gguf.BF16, gguf.Q4_0, gguf.Q4_1, gguf.Q5_0, gguf.Q5_1, gguf.Q8_0,
		gguf.Q2_K, gguf.Q3_K, gguf.Q4_K, gguf.Q5_K, gguf.Q6_K:
		return true
	}
	return false
}

func load(f *gguf.File, path string) (*Model, error) {
	m := &Model{Path: path, File: f}
	kv := func(key string) (gguf.Value, bool) { return f.Lookup(gguf.ArchKey(key, m.Arch)) }
	if v, ok := f.Lookup(gguf.KeyGeneralArchitecture); ok {
		m.Arch, _ = v.Str()
	}
	if m.Arch == "" {
		return nil, fmt.Errorf("%s: no %s key: not a model GGUF", path, gguf.KeyGeneralArchitecture)
	}
	a := archs[m.Arch]
	if a == nil {
		return nil, fmt.Errorf("%s: architecture %q: %w (supported: %s)", path, m.Arch, ErrUnsupported, strings.Join(Architectures(), ", "))
	}
	m.arch = a
	var err error
	geti := func(key string, dst *int, required bool) {
		if err != nil {
			return
		}
		v, ok := kv(key)
		if !ok {
			if required {
				err = fmt.Errorf("%s: metadata key %s is missing", path, gguf.ArchKey(key, m.Arch))
			}
			return
		}
		n, ok := v.Int()
		if !ok || n < 0 || n > 1<<31 {
			err = fmt.Errorf("%s: %s = %s is not a valid count", path, gguf.ArchKey(key, m.Arch), v.Format(4))
			return
		}
		*dst = int(n)
	}
	getf := func(key string, dst *float32) {
		if err != nil {
			return
		}
		if v, ok := kv(key); ok {
			x, ok := v.Float()
			if !ok {
				err = fmt.Errorf("%s: %s is %s, want a float", path, gguf.ArchKey(key, m.Arch), v.TypeName())
				return
			}
			*dst = float32(x)
		}
	}
	c := &m.Config
	geti(gguf.KeyBlockCount, &c.NLayer, true)
	geti(gguf.KeyEmbeddingLength, &c.NEmbd, true)
	geti(gguf.KeyFeedForwardLength, &c.NFF, true)
	geti(gguf.KeyAttentionHeadCount, &c.NHead, true)
	c.NHeadKV = c.NHead
	geti(gguf.KeyAttentionHeadCountKV, &c.NHeadKV, false)
	geti(gguf.KeyContextLength, &c.NCtxTrain, false)
	if err == nil && (c.NHead == 0 || c.NHeadKV == 0 || c.NHead%c.NHeadKV != 0 || c.NLayer == 0 || c.NEmbd == 0) {
		err = fmt.Errorf("%s: inconsistent hyper-parameters: %d layers, width %d, %d heads, %d KV heads", path, c.NLayer, c.NEmbd, c.NHead, c.NHeadKV)
	}
	if err != nil {
		return nil, err
	}
	c.HeadDim = c.NEmbd / c.NHead
	geti(gguf.KeyAttentionKeyLength, &c.HeadDim, false)
	c.HeadDimV = c.HeadDim
	geti(gguf.KeyAttentionValueLength, &c.HeadDimV, false)
	c.RopeDim = c.HeadDim
	geti(gguf.KeyRopeDimensionCount, &c.RopeDim, false)
	c.RMSEps = 1e-5
	getf(gguf.KeyAttentionLayerNormRMSEpsilon, &c.RMSEps)
	c.RopeBase = 10000
	getf(gguf.KeyRopeFreqBase, &c.RopeBase)
	c.RopeScale = 1
	if v, ok := kv(gguf.KeyRopeScalingType); ok {
		s, _ := v.Str()
		switch s {
		case "linear":
			var factor float32
			getf(gguf.KeyRopeScalingFactor, &factor)
			if factor > 0 {
				c.RopeScale = 1 / factor
			}
		case "none", "":
		default:
			err = fmt.Errorf("%s: rope scaling %q: %w (linear and llama3 rope_freqs are)", path, s, ErrUnsupported)
		}
	}
	if err != nil {
		return nil, err
	}
	if c.HeadDim <= 0 || c.RopeDim > c.HeadDim || c.RopeDim%2 != 0 || c.HeadDim%2 != 0 {
		return nil, fmt.Errorf("%s: head size %d / rope dimensions %d are inconsistent", path, c.HeadDim, c.RopeDim)
	}
	c.AttnScale = float32(1 / math.Sqrt(float64(c.HeadDim)))
	getf(gguf.KeyAttentionScale, &c.AttnScale)
	c.RopeNeox = a.neox
	if v, ok := f.Lookup(gguf.KeyTokenizerChatTemplate); ok {
		c.ChatTmpl, _ = v.Str()
	}
	if v, ok := f.Lookup(gguf.KeyGeneralName); ok {
		c.Name, _ = v.Str()
	}
	if v, ok := f.Lookup(gguf.KeyGeneralFileType); ok {
		if n, ok := v.Int(); ok {
			c.FileType = gguf.FileType(n).String()
		}
	}
	m.readSampling()

	m.Tok, err = tokenizer.FromGGUF(f, path)
	if err != nil {
		return nil, err
	}

	b := &binder{m: m, used: map[string]bool{}}
	if m.Embd, err = b.get("token_embd.weight", true); err != nil {
		return nil, err
	}
	if m.Embd.Cols != c.NEmbd {
		return nil, fmt.Errorf("%s: token_embd.weight is %d wide, the metadata says %d", path, m.Embd.Cols, c.NEmbd)
	}
	c.NVocab = m.Embd.Rows
	if m.OutNorm, err = b.get("output_norm.weight", true, c.NEmbd); err != nil {
		return nil, err
	}
	if m.Output, err = b.get("output.weight", false); err != nil {
		return nil, err
	}
	if m.Output == nil {
		m.Output, c.TiedEmbed = m.Embd, true
	} else if m.Output.Cols != c.NEmbd || m.Output.Rows != c.NVocab {
		return nil, fmt.Errorf("%s: output.weight is %dx%d, want %dx%d", path, m.Output.Rows, m.Output.Cols, c.NVocab, c.NEmbd)
	}
	if m.Tok.NumTokens() > c.NVocab {
		return nil, fmt.Errorf("%s: the vocabulary has %d tokens but token_embd.weight only %d rows", path, m.Tok.NumTokens(), c.NVocab)
	}
	if rf, err := b.get("rope_freqs.weight", false, c.RopeDim/2); err != nil {
		return nil, err
	} else if rf != nil {
		m.RopeFreqs = make([]float32, c.RopeDim/2)
		if err := dequantRow(rf, 0, m.RopeFreqs); err != nil {
			return nil, err
		}
	}
	qDim, kvDim, vDim := c.NHead*c.HeadDim, c.NHeadKV*c.HeadDim, c.NHeadKV*c.HeadDimV
	m.Layers = make([]Layer, c.NLayer)
	for i := range m.Layers {
		l := &m.Layers[i]
		p := fmt.Sprintf("blk.%d.", i)
		for _, x := range []struct {
			dst  **Weight
			name string
			dims []int
		}{
			{&l.AttnNorm, "attn_norm.weight", []int{c.NEmbd}},
			{&l.Q, "attn_q.weight", []int{c.NEmbd, qDim}},
			{&l.K, "attn_k.weight", []int{c.NEmbd, kvDim}},
			{&l.V, "attn_v.weight", []int{c.NEmbd, vDim}},
			{&l.O, "attn_output.weight", []int{c.NHead * c.HeadDimV, c.NEmbd}},
			{&l.FFNNorm, "ffn_norm.weight", []int{c.NEmbd}},
			{&l.Gate, "ffn_gate.weight", []int{c.NEmbd, c.NFF}},
			{&l.Up, "ffn_up.weight", []int{c.NEmbd, c.NFF}},
			{&l.Down, "ffn_down.weight", []int{c.NFF, c.NEmbd}},
		} {
			if *x.dst, err = b.get(p+x.name, true, x.dims...); err != nil {
				return nil, err
			}
		}
	}
	if a.bind != nil {
		if err := a.bind(m, b); err != nil {
			return nil, err
		}
	}
	for _, t := range f.Tensors {
		if !b.used[t.Name] {
			return nil, fmt.Errorf("%s: tensor %q is not used by the %s graph: this variant of the architecture is not supported (%w)", path, t.Name, m.Arch, ErrUnsupported)
		}
	}
	for _, w := range []*Weight{m.OutNorm} {
		if err := checkFinite(w); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Model) readSampling() {
	s := &m.SamplingDef
	f := func(key string, dst *float32, has *bool) {
		if v, ok := m.File.Lookup(key); ok {
			if x, ok := v.Float(); ok {
				*dst, *has = float32(x), true
			}
		}
	}
	i := func(key string, dst *int, has *bool) {
		if v, ok := m.File.Lookup(key); ok {
			if x, ok := v.Int(); ok {
				*dst, *has = int(x), true
			}
		}
	}
	f(gguf.KeyGeneralSamplingTemp, &s.Temp, &s.HasTemp)
	f(gguf.KeyGeneralSamplingTopP, &s.TopP, &s.HasTopP)
	f(gguf.KeyGeneralSamplingMinP, &s.MinP, &s.HasMinP)
	f(gguf.KeyGeneralSamplingPenaltyRepeat, &s.RepeatPenalty, &s.HasRepeat)
	i(gguf.KeyGeneralSamplingTopK, &s.TopK, &s.HasTopK)
	i(gguf.KeyGeneralSamplingPenaltyLastN, &s.RepeatLastN, &s.HasLastN)
}

// dequantRow converts row r of w to float32.
func dequantRow(w *Weight, r int, dst []float32) error {
	rowToF32(w, r, dst[:w.Cols])
	return nil
}

// checkFinite rejects a weight holding NaN or infinity (small tensors only:
// large ones are checked as they are used).
func checkFinite(w *Weight) error {
	row := make([]float32, w.Cols)
	for r := 0; r < w.Rows; r++ {
		if err := dequantRow(w, r, row); err != nil {
			return err
		}
		for _, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%s: tensor %q holds %v: the weights are corrupt", "model", w.Name, v)
			}
		}
	}
	return nil
}

// ParamCount is the number of weights in the file.
func (m *Model) ParamCount() int64 {
	var n int64
	for _, t := range m.File.Tensors {
		n += int64(t.NumElements())
	}
	return n
}
