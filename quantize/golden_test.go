package quantize

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/internal/testdata"
)

// TestGoldenBlocks quantizes every F16 tensor of golden/quant-h256's
// f16.gguf to the type llama-quantize gave it in each golden file and
// compares the bytes, for every format this package has.
func TestGoldenBlocks(t *testing.T) {
	dir := filepath.Join(testdata.Require(t), "golden", "quant-h256")
	in, err := gguf.Open(filepath.Join(dir, "f16.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	b, err := os.ReadFile(filepath.Join(dir, "types.json"))
	if err != nil {
		t.Fatal(err)
	}
	var types map[string]map[string]string
	if err := json.Unmarshal(b, &types); err != nil {
		t.Fatal(err)
	}
	checked := map[gguf.Type]int{}
	for file := range types {
		g, err := gguf.Open(filepath.Join(dir, file))
		if err != nil {
			continue // a golden named in types.json but not shipped (Q2_K_S)
		}
		for i := range g.Tensors {
			gt := &g.Tensors[i]
			f, ok := formats[gt.Type]
			if !ok {
				continue
			}
			src, ok := in.Tensor(gt.Name)
			if !ok || src.Type != gguf.F16 {
				continue
			}
			raw := in.TensorData(src)
			x := make([]float32, len(raw)/2)
			for j := range x {
				x[j] = FP16ToFP32(uint16(raw[2*j]) | uint16(raw[2*j+1])<<8)
			}
			got := f.Quantize(nil, x)
			if !bytes.Equal(got, g.TensorData(gt)) {
				t.Errorf("%s %s (%s): bytes differ from llama-quantize", file, gt.Name, gt.Type)
			}
			checked[gt.Type]++
		}
		g.Close()
	}
	for typ := range formats {
		if checked[typ] == 0 {
			t.Logf("no golden tensor of type %s", typ)
		}
	}
	t.Logf("checked: %v", checked)
}
