package infer_test

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/convert"
	"github.com/hfctl/hfctl/infer"
	"github.com/hfctl/hfctl/internal/testdata"
)

type refPrompt struct {
	Name      string    `json:"name"`
	Text      string    `json:"text"`
	PromptIDs []int32   `json:"prompt_ids"`
	Logits    string    `json:"logits_file"`
	Greedy    []int32   `json:"greedy_ids"`
	Margins   []float64 `json:"margins"`
}

func readRef(t *testing.T) (string, []refPrompt) {
	dir := testdata.Path(t, "models", "tiny-shakespeare")
	data, err := os.ReadFile(filepath.Join(dir, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Prompts []refPrompt `json:"prompts"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	return dir, ref.Prompts
}

func readLogits(t *testing.T, path string) []float32 {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func argmax(x []float32) int32 {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return int32(best)
}

// TestTinyShakespeareReference: hfctl's own conversions of the trained
// tiny Llama reproduce PyTorch's float32 logits and greedy continuations.
func TestTinyShakespeareReference(t *testing.T) {
	dir, prompts := readRef(t)
	for _, c := range []struct {
		outtype string
		tol     float64 // max |Δlogit| / max |logit|
		exact   bool    // all 48 greedy tokens must match
	}{
		{"f32", 1e-4, true},
		{"bf16", 1e-4, true},
		{"f16", 1e-2, false},
		{"q8_0", 5e-2, false},
		{"q4_k_m", 1e-1, false},
	} {
		t.Run(c.outtype, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "m.gguf")
			if _, err := convert.Convert(dir, out, convert.Options{OutType: c.outtype}); err != nil {
				t.Fatal(err)
			}
			m, err := infer.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			be := infer.NewCPU(2)
			defer be.Close()
			for _, p := range prompts {
				s, err := m.NewSession(be, infer.SessionOptions{Ctx: 128, F32KV: true})
				if err != nil {
					t.Fatal(err)
				}
				if ids := m.Tok.Encode(p.Text, true, false); !slices.Equal(ids, p.PromptIDs) {
					t.Errorf("%s: prompt ids %v, want %v", p.Name, ids, p.PromptIDs)
				}
				logits, err := s.Eval(p.PromptIDs)
				if err != nil {
					t.Fatal(err)
				}
				want := readLogits(t, filepath.Join(dir, p.Logits))
				var maxDiff, maxRef float64
				for i, v := range want {
					maxDiff = max(maxDiff, math.Abs(float64(logits[i]-v)))
					maxRef = max(maxRef, math.Abs(float64(v)))
				}
				rel := maxDiff / maxRef
				t.Logf("%s: max |Δlogit| %.3g (relative %.3g)", p.Name, maxDiff, rel)
				if rel > c.tol {
					t.Errorf("%s: logits differ by %.3g relative, tolerance %g", p.Name, rel, c.tol)
				}
				for step, want := range p.Greedy {
					got := argmax(logits)
					if got != want {
						if c.exact || p.Margins[step] >= 0.05 {
							t.Errorf("%s: greedy step %d: token %d, want %d (reference margin %.3g)", p.Name, step, got, want, p.Margins[step])
						}
						break
					}
					if logits, err = s.Eval([]int32{got}); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}

// TestNaNWeights: a model whose weights hold NaN is reported, not run into
// garbage text.
func TestNaNWeights(t *testing.T) {
	dir, _ := readRef(t)
	out := filepath.Join(t.TempDir(), "m.gguf")
	if _, err := convert.Convert(dir, out, convert.Options{OutType: "f32"}); err != nil {
		t.Fatal(err)
	}
	m, err := infer.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	ti, _ := m.File.Tensor("blk.0.attn_q.weight")
	off := int64(m.File.DataOffset + ti.Offset)
	m.Close()
	f, err := os.OpenFile(out, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	nan := make([]byte, 4*128)
	for i := 0; i < len(nan); i += 4 {
		binary.LittleEndian.PutUint32(nan[i:], 0x7fc00000)
	}
	if _, err := f.WriteAt(nan, off); err != nil {
		t.Fatal(err)
	}
	f.Close()
	m, err = infer.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	be := infer.NewCPU(1)
	defer be.Close()
	s, err := m.NewSession(be, infer.SessionOptions{Ctx: 32})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Eval([]int32{1, 450}); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN weights: %v", err)
	}
}
