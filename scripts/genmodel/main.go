// Command genmodel writes a random-weight Llama model folder in Hugging
// Face layout (config.json, model.safetensors, tokenizer.model,
// tokenizer_config.json): the bundled test fixture and the input of the
// conversion benchmark. Output is deterministic for given flags.
//
//	go run ./scripts/genmodel -out testdata/tiny-llama
//	go run ./scripts/genmodel -out /tmp/bench-1g -hidden 2048 -inter 5632 -layers 8 -vocab 32000
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
)

func main() {
	out := flag.String("out", "", "output folder (created)")
	hidden := flag.Int("hidden", 64, "hidden_size")
	inter := flag.Int("inter", 192, "intermediate_size")
	layers := flag.Int("layers", 2, "num_hidden_layers")
	heads := flag.Int("heads", 4, "num_attention_heads")
	kvHeads := flag.Int("kv-heads", 2, "num_key_value_heads")
	vocab := flag.Int("vocab", 384, "vocab_size (at least 259: specials and the 256 byte tokens)")
	dtype := flag.String("dtype", "BF16", "weight dtype: BF16, F16 or F32")
	seed := flag.Uint64("seed", 1, "random seed")
	tied := flag.Bool("tied", false, "tie_word_embeddings (no lm_head.weight)")
	flag.Parse()
	if *out == "" || *vocab < 259 || *hidden%*heads != 0 || *heads%*kvHeads != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, *hidden, *inter, *layers, *heads, *kvHeads, *vocab, *dtype, *seed, *tied); err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
}

type tensor struct {
	name  string
	shape []int64
	norm  bool // filled with ones
}

func run(out string, hidden, inter, layers, heads, kvHeads, vocab int, dtype string, seed uint64, tied bool) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	headDim := hidden / heads
	cfg := map[string]any{
		"architectures":           []string{"LlamaForCausalLM"},
		"model_type":              "llama",
		"hidden_size":             hidden,
		"intermediate_size":       inter,
		"num_hidden_layers":       layers,
		"num_attention_heads":     heads,
		"num_key_value_heads":     kvHeads,
		"head_dim":                headDim,
		"vocab_size":              vocab,
		"max_position_embeddings": 2048,
		"rms_norm_eps":            1e-5,
		"rope_theta":              10000.0,
		"hidden_act":              "silu",
		"tie_word_embeddings":     tied,
		"bos_token_id":            1,
		"eos_token_id":            2,
		"torch_dtype":             map[string]string{"BF16": "bfloat16", "F16": "float16", "F32": "float32"}[dtype],
	}
	if err := writeJSON(filepath.Join(out, "config.json"), cfg); err != nil {
		return err
	}
	tokCfg := map[string]any{
		"add_bos_token": true, "add_eos_token": false,
		"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
		"tokenizer_class": "LlamaTokenizer",
		"chat_template":   "{% for m in messages %}{{ '<|' + m['role'] + '|>\\n' + m['content'] + '</s>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}",
	}
	if err := writeJSON(filepath.Join(out, "tokenizer_config.json"), tokCfg); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "tokenizer.model"), spModel(vocab), 0o644); err != nil {
		return err
	}
	var ts []tensor
	ts = append(ts, tensor{name: "model.embed_tokens.weight", shape: []int64{int64(vocab), int64(hidden)}})
	if !tied {
		ts = append(ts, tensor{name: "lm_head.weight", shape: []int64{int64(vocab), int64(hidden)}})
	}
	ts = append(ts, tensor{name: "model.norm.weight", shape: []int64{int64(hidden)}, norm: true})
	for l := 0; l < layers; l++ {
		p := fmt.Sprintf("model.layers.%d.", l)
		ts = append(ts,
			tensor{name: p + "input_layernorm.weight", shape: []int64{int64(hidden)}, norm: true},
			tensor{name: p + "post_attention_layernorm.weight", shape: []int64{int64(hidden)}, norm: true},
			tensor{name: p + "self_attn.q_proj.weight", shape: []int64{int64(heads * headDim), int64(hidden)}},
			tensor{name: p + "self_attn.k_proj.weight", shape: []int64{int64(kvHeads * headDim), int64(hidden)}},
			tensor{name: p + "self_attn.v_proj.weight", shape: []int64{int64(kvHeads * headDim), int64(hidden)}},
			tensor{name: p + "self_attn.o_proj.weight", shape: []int64{int64(hidden), int64(heads * headDim)}},
			tensor{name: p + "mlp.gate_proj.weight", shape: []int64{int64(inter), int64(hidden)}},
			tensor{name: p + "mlp.up_proj.weight", shape: []int64{int64(inter), int64(hidden)}},
			tensor{name: p + "mlp.down_proj.weight", shape: []int64{int64(hidden), int64(inter)}},
		)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].name < ts[j].name })
	return writeSafetensors(filepath.Join(out, "model.safetensors"), ts, dtype, seed)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// writeSafetensors streams the tensors: header first, then data generated
// on the fly, so a multi-GB model needs no memory.
func writeSafetensors(path string, ts []tensor, dtype string, seed uint64) error {
	esize := map[string]int64{"BF16": 2, "F16": 2, "F32": 4}[dtype]
	if esize == 0 {
		return fmt.Errorf("unknown dtype %q", dtype)
	}
	header := map[string]any{"__metadata__": map[string]string{"format": "pt"}}
	var off int64
	for _, t := range ts {
		n := int64(1)
		for _, d := range t.shape {
			n *= d
		}
		header[t.name] = map[string]any{"dtype": dtype, "shape": t.shape, "data_offsets": []int64{off, off + n*esize}}
		off += n * esize
	}
	hb, err := json.Marshal(header)
	if err != nil {
		return err
	}
	for len(hb)%8 != 0 {
		hb = append(hb, ' ')
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	var lenb [8]byte
	binary.LittleEndian.PutUint64(lenb[:], uint64(len(hb)))
	w.Write(lenb[:])
	w.Write(hb)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var eb [4]byte
	for _, t := range ts {
		n := int64(1)
		for _, d := range t.shape {
			n *= d
		}
		for i := int64(0); i < n; i++ {
			v := float32(1)
			if !t.norm {
				v = float32(rng.NormFloat64() * 0.02)
			}
			bits := math.Float32bits(v)
			switch dtype {
			case "F32":
				binary.LittleEndian.PutUint32(eb[:], bits)
				w.Write(eb[:4])
			case "BF16":
				binary.LittleEndian.PutUint16(eb[:], uint16((bits+0x7fff+(bits>>16&1))>>16))
				w.Write(eb[:2])
			case "F16":
				binary.LittleEndian.PutUint16(eb[:], f16(v))
				w.Write(eb[:2])
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// f16 rounds a small float32 (|v| < 65504) to IEEE half, nearest even.
func f16(v float32) uint16 {
	b := math.Float32bits(v)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	if exp <= 0 { // subnormal or zero
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp)
		h := mant >> shift
		rem := mant & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && h&1 == 1) {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
		h++
	}
	return sign | uint16(h)
}

// spModel builds a SentencePiece BPE model (protobuf ModelProto) with
// <unk> <s> </s>, the 256 byte-fallback pieces <0x00>…<0xFF>, single
// letters and then letter pairs up to vocab pieces.
func spModel(vocab int) []byte {
	type piece struct {
		s     string
		score float32
		typ   int
	}
	ps := []piece{{"<unk>", 0, 2}, {"<s>", 0, 3}, {"</s>", 0, 3}}
	for b := 0; b < 256; b++ {
		ps = append(ps, piece{fmt.Sprintf("<0x%02X>", b), 0, 6})
	}
	letters := []rune("▁etaoinshrdlucmfwypvbgkjqxzETAOINSHRDLUCMFWYPVBGKJQXZ.,;:!?'")
	var cands []string
	for _, r := range letters {
		cands = append(cands, string(r))
	}
	for _, a := range letters[:20] {
		for _, b := range letters[:20] {
			cands = append(cands, string(a)+string(b))
		}
	}
	for i := 0; len(ps) < vocab; i++ {
		s := fmt.Sprintf("▁w%d", i)
		if i < len(cands) {
			s = cands[i]
		}
		ps = append(ps, piece{s, -float32(len(ps)), 1})
	}
	var m []byte
	for _, p := range ps {
		var sp []byte
		sp = appendBytesField(sp, 1, []byte(p.s))
		sp = appendTag(sp, 2, 5)
		sp = binary.LittleEndian.AppendUint32(sp, math.Float32bits(p.score))
		sp = appendTag(sp, 3, 0)
		sp = binary.AppendUvarint(sp, uint64(p.typ))
		m = appendBytesField(m, 1, sp)
	}
	var tr []byte
	tr = appendTag(tr, 3, 0) // model_type = BPE
	tr = binary.AppendUvarint(tr, 2)
	tr = appendTag(tr, 4, 0) // vocab_size
	tr = binary.AppendUvarint(tr, uint64(vocab))
	tr = appendTag(tr, 35, 0) // byte_fallback
	tr = binary.AppendUvarint(tr, 1)
	tr = appendTag(tr, 40, 0) // unk_id
	tr = binary.AppendUvarint(tr, 0)
	tr = appendTag(tr, 41, 0) // bos_id
	tr = binary.AppendUvarint(tr, 1)
	tr = appendTag(tr, 42, 0) // eos_id
	tr = binary.AppendUvarint(tr, 2)
	m = appendBytesField(m, 2, tr)
	var nm []byte
	nm = appendBytesField(nm, 1, []byte("identity"))
	nm = appendTag(nm, 3, 0) // add_dummy_prefix
	nm = binary.AppendUvarint(nm, 1)
	nm = appendTag(nm, 4, 0) // remove_extra_whitespaces
	nm = binary.AppendUvarint(nm, 0)
	nm = appendTag(nm, 5, 0) // escape_whitespaces
	nm = binary.AppendUvarint(nm, 1)
	m = appendBytesField(m, 3, nm)
	return m
}

func appendTag(b []byte, field, wire int) []byte {
	return binary.AppendUvarint(b, uint64(field<<3|wire))
}

func appendBytesField(b []byte, field int, v []byte) []byte {
	b = appendTag(b, field, 2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}
