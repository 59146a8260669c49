package convert

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/convert/safetensors"
	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/internal/fixture"
)

// convertFixture generates a model with o, converts it to F32 and returns
// the open GGUF and the source checkpoint.
func convertFixture(t *testing.T, o fixture.Options) (*gguf.File, *safetensors.Model) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model-"+o.Arch)
	if err := fixture.Generate(dir, o); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.gguf")
	if _, err := Convert(dir, out, Options{OutType: "f32", Threads: 2}); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, err := safetensors.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return f, st
}

func u32(t *testing.T, f *gguf.File, key string) int64 {
	t.Helper()
	v, ok := f.Lookup(key)
	if !ok {
		t.Fatalf("missing %s", key)
	}
	n, _ := v.Int()
	return n
}

func f32s(t *testing.T, b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24)
	}
	return out
}

func srcF32(t *testing.T, st *safetensors.Model, name string) []float32 {
	t.Helper()
	s := st.Get(name)
	if s == nil {
		t.Fatalf("no source tensor %s", name)
	}
	out := make([]float32, s.NumElements())
	if err := s.Float32s(out, 0); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkRows: GGUF tensor rows equal the source rows through rowOf.
func checkRows(t *testing.T, f *gguf.File, st *safetensors.Model, gname, hfname string, rowOf func(r int64) int64) {
	t.Helper()
	ti, ok := f.Tensor(gname)
	if !ok {
		t.Fatalf("no %s", gname)
	}
	got := f32s(t, f.TensorData(ti))
	src := srcF32(t, st, hfname)
	cols := int64(ti.Shape[0])
	rows := int64(len(src)) / cols
	if len(ti.Shape) == 1 {
		cols, rows = 1, int64(len(src))
	}
	for r := int64(0); r < rows; r++ {
		sr := rowOf(r)
		for c := int64(0); c < cols; c++ {
			if got[r*cols+c] != src[sr*cols+c] {
				t.Fatalf("%s row %d col %d = %v, want source row %d's %v", gname, r, c, got[r*cols+c], sr, src[sr*cols+c])
			}
		}
	}
}

func identity(r int64) int64 { return r }

func TestLlamaPermutesQK(t *testing.T) {
	o := fixture.Default
	o.DType = "F32"
	f, st := convertFixture(t, o)
	hd := int64(o.Hidden / o.Heads)
	checkRows(t, f, st, "blk.0.attn_q.weight", "model.layers.0.self_attn.q_proj.weight", func(r int64) int64 { return permutedRow(r, int64(o.Heads)*hd, int64(o.Heads)) })
	checkRows(t, f, st, "blk.1.attn_k.weight", "model.layers.1.self_attn.k_proj.weight", func(r int64) int64 { return permutedRow(r, int64(o.KVHeads)*hd, int64(o.KVHeads)) })
	checkRows(t, f, st, "blk.0.attn_v.weight", "model.layers.0.self_attn.v_proj.weight", identity)
	checkRows(t, f, st, "token_embd.weight", "model.embed_tokens.weight", identity)
	if got := u32(t, f, "llama.rope.dimension_count"); got != hd {
		t.Errorf("rope.dimension_count %d", got)
	}
}

func TestQwen2BiasesNotPermuted(t *testing.T) {
	o := fixture.Default
	o.Arch, o.DType = "qwen2", "F32"
	f, st := convertFixture(t, o)
	if a, _ := f.Lookup("general.architecture"); a.X != "qwen2" {
		t.Fatalf("architecture %v", a.X)
	}
	for _, n := range []string{"q", "k", "v"} {
		name := "blk.1.attn_" + n + ".bias"
		ti, ok := f.Tensor(name)
		if !ok || ti.Type != gguf.F32 || len(ti.Shape) != 1 {
			t.Fatalf("%s: %+v", name, ti)
		}
		checkRows(t, f, st, name, "model.layers.1.self_attn."+n+"_proj.bias", identity)
	}
	checkRows(t, f, st, "blk.0.attn_q.weight", "model.layers.0.self_attn.q_proj.weight", identity)
	// Qwen2's config has no head_dim, so no key/value length keys.
	if _, ok := f.Lookup("qwen2.attention.key_length"); ok {
		t.Error("qwen2.attention.key_length written without head_dim")
	}
	if _, ok := f.Lookup("qwen2.rope.dimension_count"); ok {
		t.Error("qwen2 has no rope.dimension_count key in llama.cpp's converter")
	}
}

func TestQwen3Norms(t *testing.T) {
	o := fixture.Default
	o.Arch, o.Tied = "qwen3", true
	f, _ := convertFixture(t, o)
	for _, n := range []string{"blk.0.attn_q_norm.weight", "blk.1.attn_k_norm.weight"} {
		ti, ok := f.Tensor(n)
		if !ok || ti.Type != gguf.F32 || ti.Shape[0] != uint64(o.Hidden/o.Heads) {
			t.Fatalf("%s: %+v", n, ti)
		}
	}
	if _, ok := f.Tensor("output.weight"); ok {
		t.Error("tied model wrote output.weight")
	}
	if got := u32(t, f, "qwen3.attention.key_length"); got != int64(o.Hidden/o.Heads) {
		t.Errorf("key_length %d", got)
	}
}

// TestMistralHeadDim: an explicit head_dim different from hidden/heads
// (Mistral-Nemo) drives the key/value lengths, the RoPE dimension and the
// Q/K permutation.
func TestMistralHeadDim(t *testing.T) {
	o := fixture.Default
	o.Arch, o.HeadDim, o.DType = "mistral", 32, "F32" // hidden/heads = 16
	f, st := convertFixture(t, o)
	if a, _ := f.Lookup("general.architecture"); a.X != "llama" {
		t.Fatalf("architecture %v", a.X)
	}
	for _, k := range []string{"llama.attention.key_length", "llama.attention.value_length", "llama.rope.dimension_count"} {
		if got := u32(t, f, k); got != 32 {
			t.Errorf("%s = %d, want 32", k, got)
		}
	}
	ti, _ := f.Tensor("blk.0.attn_q.weight")
	if ti.Shape[0] != uint64(o.Hidden) || ti.Shape[1] != uint64(o.Heads*32) {
		t.Errorf("attn_q shape %v", ti.Shape)
	}
	checkRows(t, f, st, "blk.0.attn_q.weight", "model.layers.0.self_attn.q_proj.weight", func(r int64) int64 { return permutedRow(r, int64(o.Heads*32), int64(o.Heads)) })
}

// TestLlama3RopeFreqs checks rope_freqs.weight against the Llama 3.1
// formula evaluated in float64.
func TestLlama3RopeFreqs(t *testing.T) {
	o := fixture.Default
	o.Llama3Rope, o.RopeTheta, o.Hidden, o.Heads, o.KVHeads = true, 500000, 256, 2, 1
	f, _ := convertFixture(t, o)
	if f.Tensors[0].Name != "rope_freqs.weight" || f.Tensors[0].Type != gguf.F32 {
		t.Fatalf("first tensor %s %s", f.Tensors[0].Name, f.Tensors[0].Type)
	}
	got := f32s(t, f.TensorData(&f.Tensors[0]))
	dim := 128
	if len(got) != dim/2 {
		t.Fatalf("%d factors", len(got))
	}
	factor, low, high, old := 32.0, 1.0, 4.0, 8192.0
	for i := range got {
		freq := 1 / math.Pow(500000, float64(2*i)/float64(dim))
		wl := 2 * math.Pi / freq
		want := 1.0
		switch {
		case wl < old/high:
		case wl > old/low:
			want = factor
		default:
			s := (old/wl - low) / (high - low)
			want = 1 / ((1-s)/factor + s)
		}
		if math.Abs(float64(got[i])-want) > 1e-5*want {
			t.Errorf("factor %d = %v, want %v", i, got[i], want)
		}
	}
	if _, ok := f.Lookup("llama.rope.scaling.type"); ok {
		t.Error("llama3 rope scaling writes no scaling type key")
	}
	if v, _ := f.Lookup("llama.rope.freq_base"); v.X != float32(500000) {
		t.Errorf("freq_base %v", v.X)
	}
}

// TestShardedMatchesSingle: a sharded checkpoint converts to the same
// tensors (in llama.cpp's shard order) with the same data.
func TestShardedMatchesSingle(t *testing.T) {
	o := fixture.Default
	single, _ := convertFixture(t, o)
	o.Shards = 3
	sharded, st := convertFixture(t, o)
	if len(st.Files) != 3 {
		t.Fatalf("%d shards", len(st.Files))
	}
	if len(single.Tensors) != len(sharded.Tensors) {
		t.Fatalf("%d vs %d tensors", len(single.Tensors), len(sharded.Tensors))
	}
	for i := range sharded.Tensors {
		ts := &sharded.Tensors[i]
		one, ok := single.Tensor(ts.Name)
		if !ok {
			t.Fatalf("%s missing", ts.Name)
		}
		if string(single.TensorData(one)) != string(sharded.TensorData(ts)) {
			t.Errorf("%s differs", ts.Name)
		}
	}
	// Order: shard 1's tensors (sorted), then shard 2's, then shard 3's.
	prevShard, prevName := "", ""
	for i, s := range st.Tensors {
		if s.File == prevShard && s.Name < prevName {
			t.Errorf("tensor %d %s out of order", i, s.Name)
		}
		prevShard, prevName = s.File, s.Name
	}
}

func TestConfigDefaults(t *testing.T) {
	// A Llama config without head_dim or num_key_value_heads still gets
	// key_length/value_length and head_count_kv, as transformers'
	// LlamaConfig adds them before llama.cpp sees the config.
	dir := bundled(t)
	cfg := filepath.Join(dir, "config.json")
	writeFile(t, cfg, `{"architectures":["LlamaForCausalLM"],"hidden_size":64,"intermediate_size":192,"num_hidden_layers":2,"num_attention_heads":4,"vocab_size":384,"num_key_value_heads":2}`)
	out := filepath.Join(t.TempDir(), "o.gguf")
	if _, err := Convert(dir, out, Options{OutType: "f16"}); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for k, want := range map[string]int64{"llama.attention.key_length": 16, "llama.context_length": 2048, "llama.attention.head_count_kv": 2} {
		if got := u32(t, f, k); got != want {
			t.Errorf("%s = %d, want %d", k, got, want)
		}
	}
	if v, _ := f.Lookup("llama.attention.layer_norm_rms_epsilon"); v.X != float32(1e-6) {
		t.Errorf("rms eps %v", v.X)
	}
}

func TestUnmappableTensor(t *testing.T) {
	o := fixture.Default
	o.Arch = "qwen3"
	dir := filepath.Join(t.TempDir(), "m")
	if err := fixture.Generate(dir, o); err != nil {
		t.Fatal(err)
	}
	// Claim it is a Llama: Llama has no q_norm tensor.
	cfg := filepath.Join(dir, "config.json")
	b := readFile(t, cfg)
	writeFile(t, cfg, strings.Replace(b, "Qwen3ForCausalLM", "LlamaForCausalLM", 1))
	_, err := Convert(dir, filepath.Join(t.TempDir(), "o.gguf"), Options{OutType: "f16"})
	if err == nil || !strings.Contains(err.Error(), "_norm.weight") {
		t.Fatalf("error %v does not name the tensor", err)
	}
}
