package quantize

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/internal/testdata"
)

// TestGoldenFiles: hfctl's quantization of golden/quant-h256's f16/f32/bf16
// GGUFs is byte-identical to llama-quantize's, for every shipped type.
func TestGoldenFiles(t *testing.T) {
	dir := filepath.Join(testdata.Require(t), "golden", "quant-h256")
	cases := []struct {
		in, out, typ string
		pure         bool
	}{
		{"f16", "Q8_0", "Q8_0", false}, {"f16", "Q4_0", "Q4_0", false}, {"f16", "Q4_1", "Q4_1", false},
		{"f16", "Q5_0", "Q5_0", false}, {"f16", "Q5_1", "Q5_1", false}, {"f16", "Q2_K", "Q2_K", false},
		{"f16", "Q3_K_S", "Q3_K_S", false}, {"f16", "Q3_K_M", "Q3_K_M", false}, {"f16", "Q3_K_L", "Q3_K_L", false},
		{"f16", "Q4_K_S", "Q4_K_S", false}, {"f16", "Q4_K_M", "Q4_K_M", false}, {"f16", "Q5_K_S", "Q5_K_S", false},
		{"f16", "Q5_K_M", "Q5_K_M", false}, {"f16", "Q6_K", "Q6_K", false},
		{"f16", "Q2_K-pure", "Q2_K", true}, {"f16", "Q3_K-pure", "Q3_K", true}, {"f16", "Q4_K-pure", "Q4_K", true},
		{"f16", "Q5_K-pure", "Q5_K", true}, {"f16", "Q6_K-pure", "Q6_K", true},
		{"f32", "f32-Q8_0", "Q8_0", false}, {"f32", "f32-Q4_K_M", "Q4_K_M", false},
		{"bf16", "bf16-Q8_0", "Q8_0", false}, {"bf16", "bf16-Q4_K_M", "Q4_K_M", false},
	}
	for _, c := range cases {
		t.Run(c.out, func(t *testing.T) {
			ft, err := ParseFileType(c.typ)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), c.out+".gguf")
			if _, err := QuantizeFile(filepath.Join(dir, c.in+".gguf"), out, Options{FileType: ft, Pure: c.pure, Threads: 2}, nil); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(out)
			want, err := os.ReadFile(filepath.Join(dir, c.out+".gguf"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from llama-quantize's", c.out)
				testdata.DiffGGUF(t, out, filepath.Join(dir, c.out+".gguf"))
			}
		})
	}
}

func TestQ2KSNeedsImatrix(t *testing.T) {
	dir := filepath.Join(testdata.Require(t), "golden", "quant-h256")
	out := filepath.Join(t.TempDir(), "x.gguf")
	_, err := QuantizeFile(filepath.Join(dir, "f16.gguf"), out, Options{FileType: gguf.FileTypeMostlyQ2_K_S}, nil)
	if err == nil || !strings.Contains(err.Error(), "importance matrix") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("output left")
	}
}

func TestRequantizeRefused(t *testing.T) {
	dir := filepath.Join(testdata.Require(t), "golden", "quant-h256")
	out := filepath.Join(t.TempDir(), "x.gguf")
	_, err := QuantizeFile(filepath.Join(dir, "Q8_0.gguf"), out, Options{FileType: gguf.FileTypeMostlyQ4_0}, nil)
	if err == nil || !strings.Contains(err.Error(), "allow-requantize") {
		t.Fatalf("err = %v", err)
	}
	if _, err := QuantizeFile(filepath.Join(dir, "Q8_0.gguf"), out, Options{FileType: gguf.FileTypeMostlyQ4_0, AllowRequantize: true}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestParseFileType(t *testing.T) {
	for _, s := range []string{"Q4_K_M", "q4_k_m", "Q4_K", "15", "F16", "Q8_0"} {
		if _, err := ParseFileType(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	_, err := ParseFileType("Q7_K")
	if err == nil || !strings.Contains(err.Error(), "Q4_K_M") {
		t.Errorf("unknown type error should list the names: %v", err)
	}
}

func TestTruncatedInput(t *testing.T) {
	dir := filepath.Join(testdata.Require(t), "golden", "quant-h256")
	b, _ := os.ReadFile(filepath.Join(dir, "f16.gguf"))
	in := filepath.Join(t.TempDir(), "trunc.gguf")
	os.WriteFile(in, b[:len(b)/2], 0o644)
	out := filepath.Join(t.TempDir(), "x.gguf")
	if _, err := QuantizeFile(in, out, Options{FileType: gguf.FileTypeMostlyQ4_0}, nil); err == nil || !strings.Contains(err.Error(), in) {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("output left")
	}
}
