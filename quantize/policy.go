package quantize

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hfctl/hfctl/gguf"
)

// The per-tensor type policy of llama-quantize (llama.cpp's
// src/llama-quant.cpp, build b10470) for the file types hfctl writes:
// which tensors are quantized at all, the promotions of attn_v, ffn_down
// and attn_output by layer position, output and token embedding choices,
// GQA and expert-count rules, and the fallback types for rows that are not
// a whole number of blocks.

// TensorTypeOverride is one --tensor-type PATTERN=TYPE rule.
type TensorTypeOverride struct {
	Pattern *regexp.Regexp
	Type    gguf.Type
}

// Options are llama-quantize's options.
type Options struct {
	FileType           gguf.FileType
	Pure               bool       // every quantizable tensor gets the base type
	LeaveOutput        bool       // --leave-output-tensor
	AllowRequantize    bool       // input tensors may already be quantized
	OutputType         *gguf.Type // --output-tensor-type
	TokenEmbeddingType *gguf.Type // --token-embedding-type
	TensorTypes        []TensorTypeOverride
	Threads            int
}

// FileTypes lists the file types hfctl quantizes to, by llama-quantize name.
var FileTypes = []string{"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q2_K_S", "Q3_K_S", "Q3_K_M", "Q3_K_L",
	"Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "F16", "BF16", "F32"}

// ParseFileType reads a llama-quantize type name ("Q4_K_M", aliases
// Q3_K/Q4_K/Q5_K for the _M types) or number ("15").
func ParseFileType(s string) (gguf.FileType, error) {
	if n, err := strconv.Atoi(s); err == nil {
		ft := gguf.FileType(n)
		if BaseType(ft) == 0xffff {
			return 0, fmt.Errorf("file type %d is not one hfctl quantizes to; use one of %s", n, strings.Join(FileTypes, " "))
		}
		return ft, nil
	}
	ft, ok := gguf.ParseFileType(s)
	if !ok || BaseType(ft) == 0xffff {
		return 0, fmt.Errorf("unknown quantization type %q; use one of %s", s, strings.Join(FileTypes, " "))
	}
	return ft, nil
}

// BaseType is llama_ftype_get_default_type: the tensor type a file type
// is made of; 0xffff when hfctl does not write that file type.
func BaseType(ft gguf.FileType) gguf.Type {
	switch ft {
	case gguf.FileTypeMostlyQ4_0:
		return gguf.Q4_0
	case gguf.FileTypeMostlyQ4_1:
		return gguf.Q4_1
	case gguf.FileTypeMostlyQ5_0:
		return gguf.Q5_0
	case gguf.FileTypeMostlyQ5_1:
		return gguf.Q5_1
	case gguf.FileTypeMostlyQ8_0:
		return gguf.Q8_0
	case gguf.FileTypeMostlyF16:
		return gguf.F16
	case gguf.FileTypeMostlyBF16:
		return gguf.BF16
	case gguf.FileTypeAllF32:
		return gguf.F32
	case gguf.FileTypeMostlyQ2_K, gguf.FileTypeMostlyQ2_K_S:
		return gguf.Q2_K
	case gguf.FileTypeMostlyQ3_K_S, gguf.FileTypeMostlyQ3_K_M, gguf.FileTypeMostlyQ3_K_L:
		return gguf.Q3_K
	case gguf.FileTypeMostlyQ4_K_S, gguf.FileTypeMostlyQ4_K_M:
		return gguf.Q4_K
	case gguf.FileTypeMostlyQ5_K_S, gguf.FileTypeMostlyQ5_K_M:
		return gguf.Q5_K
	case gguf.FileTypeMostlyQ6_K:
		return gguf.Q6_K
	}
	return 0xffff
}

// TensorIn is one input tensor.
type TensorIn struct {
	Name  string
	Shape []uint64 // ne0 first
	Type  gguf.Type
}

// TensorOut is one planned output tensor.
type TensorOut struct {
	TensorIn
	To      gguf.Type // output type
	Bytes   uint64    // output size
	Warning string    // fallback note, as llama-quantize logs it
}

// QuantPlan is the whole output: metadata, tensors in file order, size.
type QuantPlan struct {
	KV      []gguf.KV
	Tensors []TensorOut
	Bytes   uint64 // tensor data, padded
}

type category int

const (
	catOther category = iota
	catOutput
	catTokenEmbd
	catAttnQKV
	catAttnKVB
	catAttnV
	catAttnK
	catAttnQ
	catAttnOutput
	catFFNUp
	catFFNGate
	catFFNDown
)

func categoryOf(name string) category {
	switch {
	case name == "output.weight":
		return catOutput
	case name == "token_embd.weight" || name == "per_layer_token_embd.weight":
		return catTokenEmbd
	case strings.Contains(name, "attn_qkv.weight"):
		return catAttnQKV
	case strings.Contains(name, "attn_kv_b.weight"):
		return catAttnKVB
	case strings.Contains(name, "attn_v.weight"):
		return catAttnV
	case strings.Contains(name, "attn_k.weight"):
		return catAttnK
	case strings.Contains(name, "attn_q.weight"):
		return catAttnQ
	case strings.Contains(name, "attn_output.weight"):
		return catAttnOutput
	case strings.Contains(name, "ffn_up"):
		return catFFNUp
	case strings.Contains(name, "ffn_gate"):
		return catFFNGate
	case strings.Contains(name, "ffn_down"):
		return catFFNDown
	}
	return catOther
}

func (c category) isAttnV() bool { return c == catAttnV || c == catAttnQKV || c == catAttnKVB }

// nDims is ggml_n_dims: the rank without trailing 1s.
func nDims(shape []uint64) int {
	n := len(shape)
	for n > 1 && shape[n-1] == 1 {
		n--
	}
	return n
}

// noQuantSubstrings are tensors llama-quantize never quantizes.
var noQuantSubstrings = []string{"_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel",
	"per_layer_model_proj", "ssm_conv1d", "shortconv.conv.weight", "indexer.k_proj.weight", "indexer.q_proj.weight",
	"time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight", "time_mix_w2.weight", "time_mix_v0.weight",
	"time_mix_v1.weight", "time_mix_v2.weight", "time_mix_a0.weight", "time_mix_a1.weight", "time_mix_a2.weight",
	"time_mix_g1.weight", "time_mix_g2.weight", "time_mix_decay_w1.weight", "time_mix_decay_w2.weight",
	"time_mix_lerp_fused.weight", "attn_rel_b.weight", ".position_embd", "sam.pos_embd", "sam.neck.", "sam.net_",
	".rel_pos", ".patch_embd", ".patch_merger", "a.rvq.codebook", "mm.a.code_embd"}

func allowsQuantization(opt *Options, t *TensorIn) bool {
	if nDims(t.Shape) < 2 || !strings.HasSuffix(t.Name, "weight") {
		return false
	}
	if opt.LeaveOutput && t.Name == "output.weight" {
		return false
	}
	if t.Name == "position_embd.weight" || t.Name == "token_types.weight" {
		return false
	}
	for _, s := range noQuantSubstrings {
		if strings.Contains(t.Name, s) {
			return false
		}
	}
	return true
}

// hparams are the model facts the policy uses.
type hparams struct {
	arch                   string
	nLayer, nHead, nHeadKV int
	nExpert                int
	is70B                  bool
	hasTied                bool
	nAttnV, iAttnV         int
	nFFNDown, iFFNDown     int
	nFFNGate, iFFNGate     int
	nFFNUp, iFFNUp         int
	ftype                  gguf.FileType
	fallbacks              int
}

func (h *hparams) nGQA() int {
	if h.nHeadKV <= 0 {
		return 1
	}
	return h.nHead / h.nHeadKV
}

func useMoreBits(i, n int) bool { return i < n/8 || i >= 7*n/8 || (i-n/8)%3 == 2 }

func kvInt(kvs []gguf.KV, key string) int {
	for _, kv := range kvs {
		if kv.Key == key {
			if n, ok := kv.Value.Int(); ok {
				return int(n)
			}
			if a, ok := kv.Value.Arr(); ok { // per-layer arrays: take the first
				if s, ok := a.Items.([]int32); ok && len(s) > 0 {
					return int(s[0])
				}
				if s, ok := a.Items.([]uint32); ok && len(s) > 0 {
					return int(s[0])
				}
			}
		}
	}
	return 0
}

func kvStr(kvs []gguf.KV, key string) string {
	for _, kv := range kvs {
		if kv.Key == key {
			s, _ := kv.Value.Str()
			return s
		}
	}
	return ""
}

// layerOf parses "blk.N." (for MoE models, as llama-quantize does).
func layerOf(name string, n int) (int, error) {
	if !strings.HasPrefix(name, "blk.") {
		return 0, fmt.Errorf("failed to determine layer for tensor %s", name)
	}
	rest := name[4:]
	i := strings.IndexByte(rest, '.')
	if i < 0 {
		return 0, fmt.Errorf("failed to determine layer for tensor %s", name)
	}
	l, err := strconv.Atoi(rest[:i])
	if err != nil || l < 0 || l >= n {
		return 0, fmt.Errorf("bad layer %s for tensor %s (must be in [0, %d))", rest[:i], name, n)
	}
	return l, nil
}

// typeImpl is llama_tensor_get_type_impl for the supported file types.
func (h *hparams) typeImpl(t *TensorIn, cat category, newType gguf.Type, opt *Options) (gguf.Type, error) {
	ft := h.ftype
	layerInfo := func(i, n int) (int, int, error) {
		if h.nExpert > 1 {
			l, err := layerOf(t.Name, n)
			return l, n, err
		}
		return i, n, nil
	}
	switch {
	case cat == catOutput || (h.hasTied && cat == catTokenEmbd):
		if opt.OutputType != nil {
			newType = *opt.OutputType
		} else {
			info, _ := newType.Info()
			if h.arch == "falcon" || int(t.Shape[0])%info.BlockSize != 0 {
				newType = gguf.Q8_0
			} else if newType != gguf.Q8_0 {
				newType = gguf.Q6_K
			}
		}
	case cat == catTokenEmbd:
		if opt.TokenEmbeddingType != nil {
			newType = *opt.TokenEmbeddingType
		}
	case cat.isAttnV():
		switch {
		case ft == gguf.FileTypeMostlyQ2_K:
			if h.nGQA() >= 4 {
				newType = gguf.Q4_K
			} else {
				newType = gguf.Q3_K
			}
		case ft == gguf.FileTypeMostlyQ2_K_S && h.nGQA() >= 4:
			newType = gguf.Q4_K
		case ft == gguf.FileTypeMostlyQ3_K_M:
			if h.iAttnV < 2 {
				newType = gguf.Q5_K
			} else {
				newType = gguf.Q4_K
			}
		case ft == gguf.FileTypeMostlyQ3_K_L:
			newType = gguf.Q5_K
		case (ft == gguf.FileTypeMostlyQ4_K_M || ft == gguf.FileTypeMostlyQ5_K_M) && useMoreBits(h.iAttnV, h.nAttnV):
			newType = gguf.Q6_K
		case ft == gguf.FileTypeMostlyQ4_K_S && h.iAttnV < 4:
			newType = gguf.Q5_K
		}
		if h.is70B && (newType == gguf.Q3_K || newType == gguf.Q4_K) {
			newType = gguf.Q5_K
		}
		if h.nExpert == 8 {
			newType = gguf.Q8_0
		}
		h.iAttnV++
	case cat == catAttnK:
		if h.nExpert == 8 {
			newType = gguf.Q8_0
		}
	case cat == catFFNDown:
		i, n, err := layerInfo(h.iFFNDown, h.nFFNDown)
		if err != nil {
			return 0, err
		}
		falcon := h.arch == "falcon"
		switch {
		case ft == gguf.FileTypeMostlyQ2_K:
			newType = gguf.Q3_K
		case ft == gguf.FileTypeMostlyQ2_K_S:
			if i < n/8 {
				newType = gguf.Q4_K
			}
		case ft == gguf.FileTypeMostlyQ3_K_M:
			switch {
			case i < n/16:
				newType = gguf.Q5_K
			case !falcon || useMoreBits(i, n):
				newType = gguf.Q4_K
			default:
				newType = gguf.Q3_K
			}
		case ft == gguf.FileTypeMostlyQ3_K_L:
			if falcon {
				newType = gguf.Q4_K
			} else {
				newType = gguf.Q5_K
			}
		case ft == gguf.FileTypeMostlyQ4_K_M:
			if falcon {
				switch {
				case i < n/16:
					newType = gguf.Q6_K
				case useMoreBits(i, n):
					newType = gguf.Q5_K
				default:
					newType = gguf.Q4_K
				}
			} else if useMoreBits(i, n) {
				newType = gguf.Q6_K
			}
		case ft == gguf.FileTypeMostlyQ5_K_M && useMoreBits(i, n):
			newType = gguf.Q6_K
		case ft == gguf.FileTypeMostlyQ4_K_S && !falcon && i < n/8:
			newType = gguf.Q5_K
		}
		h.iFFNDown++
	case cat == catAttnOutput:
		if h.arch != "falcon" {
			if h.nExpert == 8 {
				switch ft {
				case gguf.FileTypeMostlyQ2_K, gguf.FileTypeMostlyQ3_K_S, gguf.FileTypeMostlyQ3_K_M,
					gguf.FileTypeMostlyQ4_K_S, gguf.FileTypeMostlyQ4_K_M:
					newType = gguf.Q5_K
				}
			} else {
				switch ft {
				case gguf.FileTypeMostlyQ2_K:
					newType = gguf.Q3_K
				case gguf.FileTypeMostlyQ3_K_M:
					newType = gguf.Q4_K
				case gguf.FileTypeMostlyQ3_K_L:
					newType = gguf.Q5_K
				}
			}
		} else if ft == gguf.FileTypeMostlyQ3_K_L {
			newType = gguf.Q4_K
		}
	case cat == catAttnQKV:
		switch ft {
		case gguf.FileTypeMostlyQ3_K_M, gguf.FileTypeMostlyQ3_K_L:
			newType = gguf.Q4_K
		case gguf.FileTypeMostlyQ4_K_M:
			newType = gguf.Q5_K
		case gguf.FileTypeMostlyQ5_K_M:
			newType = gguf.Q6_K
		}
	case cat == catFFNGate:
		if _, _, err := layerInfo(h.iFFNGate, h.nFFNGate); err != nil {
			return 0, err
		}
		h.iFFNGate++
	case cat == catFFNUp:
		if _, _, err := layerInfo(h.iFFNUp, h.nFFNUp); err != nil {
			return 0, err
		}
		h.iFFNUp++
	}
	return newType, nil
}

// fallback replaces a type whose block does not divide the row length.
func (h *hparams) fallback(t *TensorIn, typ gguf.Type) (gguf.Type, string) {
	info, ok := typ.Info()
	if !ok || int(t.Shape[0])%info.BlockSize == 0 {
		return typ, ""
	}
	h.fallbacks++
	var to gguf.Type
	switch typ {
	case gguf.Q2_K, gguf.Q3_K:
		to = gguf.Q4_0
	case gguf.Q4_K:
		to = gguf.Q5_0
	case gguf.Q5_K:
		to = gguf.Q5_1
	case gguf.Q6_K:
		to = gguf.Q8_0
	default:
		to = gguf.F16
	}
	note := fmt.Sprintf("ncols %d not divisible by %d (required for type %s)", t.Shape[0], info.BlockSize, typ)
	if ti, _ := to.Info(); int(t.Shape[0])%ti.BlockSize != 0 {
		to = gguf.F16
		note += " (must use F16 due to unusual shape)"
	}
	return to, note + " -> falling back to " + to.String()
}

// weightLess is llama.cpp's loader order: tensors outside blocks first,
// then by block number; by name within each.
func weightLess(a, b string) bool {
	la, lb := blockNum(a), blockNum(b)
	if la != lb {
		return la < lb
	}
	return a < b
}

func blockNum(name string) int {
	if !strings.HasPrefix(name, "blk.") {
		return -1
	}
	n := 0
	digits := 0
	for _, c := range name[4:] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
		digits++
	}
	if digits == 0 {
		return -1
	}
	return n
}

// PlanTensors decides every tensor's output type and the output metadata,
// from the input's metadata and tensor list.
func PlanTensors(kvs []gguf.KV, tensors []TensorIn, opt Options) (*QuantPlan, error) {
	base := BaseType(opt.FileType)
	if base == 0xffff {
		return nil, fmt.Errorf("quantize: file type %s is not supported; use one of %s", opt.FileType, strings.Join(FileTypes, " "))
	}
	arch := kvStr(kvs, gguf.KeyGeneralArchitecture)
	h := &hparams{
		arch:    arch,
		nLayer:  kvInt(kvs, gguf.ArchKey(gguf.KeyBlockCount, arch)),
		nHead:   kvInt(kvs, gguf.ArchKey(gguf.KeyAttentionHeadCount, arch)),
		nHeadKV: kvInt(kvs, gguf.ArchKey(gguf.KeyAttentionHeadCountKV, arch)),
		nExpert: kvInt(kvs, gguf.ArchKey(gguf.KeyExpertCount, arch)),
		hasTied: true,
		ftype:   opt.FileType,
	}
	if h.nHeadKV == 0 {
		h.nHeadKV = h.nHead
	}
	// llama.cpp labels an 80-layer Llama as 70B, which promotes attn_v.
	h.is70B = arch == "llama" && h.nLayer == 80
	sorted := append([]TensorIn(nil), tensors...)
	sort.SliceStable(sorted, func(i, j int) bool { return weightLess(sorted[i].Name, sorted[j].Name) })
	for i := range sorted {
		c := categoryOf(sorted[i].Name)
		if c.isAttnV() {
			h.nAttnV++
		}
		if c == catOutput {
			h.hasTied = false
		}
	}
	h.nFFNDown, h.nFFNGate, h.nFFNUp = h.nLayer, h.nLayer, h.nLayer
	if h.nExpert < 1 {
		h.nExpert = 0
	}
	plan := &QuantPlan{}
	for i := range sorted {
		t := &sorted[i]
		to := t.Type
		note := ""
		if allowsQuantization(&opt, t) {
			cat := categoryOf(t.Name)
			switch {
			case opt.TokenEmbeddingType != nil && cat == catTokenEmbd:
				to = *opt.TokenEmbeddingType
			case opt.OutputType != nil && cat == catOutput:
				to = *opt.OutputType
			default:
				to = base
				if info, _ := base.Info(); info.Quantized {
					manual := false
					for _, o := range opt.TensorTypes {
						if o.Pattern.MatchString(t.Name) {
							to, manual = o.Type, true
							break
						}
					}
					if !manual && !opt.Pure {
						var err error
						if to, err = h.typeImpl(t, cat, to, &opt); err != nil {
							return nil, err
						}
					}
					to, note = h.fallback(t, to)
				}
			}
			if to == gguf.Q2_K && opt.FileType == gguf.FileTypeMostlyQ2_K_S && cat != catTokenEmbd && cat != catOutput {
				return nil, fmt.Errorf("quantize: %s requires an importance matrix (tensor %s would be Q2_K); importance matrices are not supported yet", opt.FileType, t.Name)
			}
		}
		if to != t.Type {
			if info, _ := t.Type.Info(); info.Quantized && !opt.AllowRequantize {
				return nil, fmt.Errorf("quantize: tensor %s is already %s: requantizing is disabled (use --allow-requantize; quality suffers)", t.Name, t.Type)
			}
			if _, ok := t.Type.Info(); !ok {
				return nil, fmt.Errorf("quantize: tensor %s has unknown type %d", t.Name, uint32(t.Type))
			}
			if _, ok := formats[to]; !ok && to != gguf.F16 && to != gguf.BF16 && to != gguf.F32 {
				return nil, fmt.Errorf("quantize: hfctl cannot write type %s (tensor %s)", to, t.Name)
			}
		}
		size, err := gguf.TensorBytes(to, t.Shape)
		if err != nil {
			return nil, fmt.Errorf("quantize: tensor %s: %v", t.Name, err)
		}
		plan.Tensors = append(plan.Tensors, TensorOut{TensorIn: *t, To: to, Bytes: size, Warning: note})
		plan.Bytes += (size + gguf.DefaultAlignment - 1) / gguf.DefaultAlignment * gguf.DefaultAlignment
	}
	// Metadata: the input's, with general.quantization_version and
	// general.file_type set last (gguf_set_val moves a key to the end).
	for _, kv := range kvs {
		switch kv.Key {
		case gguf.KeyGeneralQuantizationVersion, gguf.KeyGeneralFileType, "split.no", "split.count", "split.tensors.count":
			continue
		}
		plan.KV = append(plan.KV, kv)
	}
	plan.KV = append(plan.KV,
		gguf.KV{Key: gguf.KeyGeneralQuantizationVersion, Value: gguf.Uint32(gguf.QuantizationVersion)},
		gguf.KV{Key: gguf.KeyGeneralFileType, Value: gguf.Uint32(uint32(opt.FileType))})
	return plan, nil
}
