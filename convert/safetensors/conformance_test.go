package safetensors

import (
	"path/filepath"
	"testing"

	"github.com/hfctl/hfctl/internal/testdata"
)

// The shared checkpoints open, with the expected tensors, and every
// tensor decodes.
func TestConformance(t *testing.T) {
	td := testdata.Require(t)
	for _, c := range []struct {
		dir   string
		count int
	}{
		{filepath.Join(td, "models", "tiny-shakespeare"), 39},
		{filepath.Join(td, "golden", "quant-h256", "hf"), 21},
	} {
		t.Run(filepath.Base(filepath.Dir(c.dir))+"/"+filepath.Base(c.dir), func(t *testing.T) {
			m, err := OpenDir(c.dir)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if len(m.Tensors) != c.count || len(m.Files) != 1 {
				t.Fatalf("%d tensors in %d files, want %d in 1", len(m.Tensors), len(m.Files), c.count)
			}
			if m.Files[0].Metadata["format"] != "pt" {
				t.Errorf("metadata %v", m.Files[0].Metadata)
			}
			if m.Get("model.embed_tokens.weight") == nil {
				t.Errorf("no model.embed_tokens.weight")
			}
			var buf []float32
			for i, tt := range m.Tensors {
				if tt.DType != "BF16" {
					t.Errorf("%s: dtype %s, want BF16", tt.Name, tt.DType)
				}
				if i > 0 && m.Tensors[i-1].Name >= tt.Name {
					t.Errorf("not sorted: %s, %s", m.Tensors[i-1].Name, tt.Name)
				}
				if m.Get(tt.Name) != tt {
					t.Errorf("Get(%s) is another tensor", tt.Name)
				}
				if 2*tt.NumElements() != int64(len(tt.Data)) || len(tt.Shape) == 0 {
					t.Errorf("%s: shape %v, %d bytes", tt.Name, tt.Shape, len(tt.Data))
				}
				buf = append(buf[:0], make([]float32, tt.NumElements())...)
				if err := tt.Float32s(buf, 0); err != nil {
					t.Fatal(err)
				}
				for _, v := range buf {
					if v != v || v > 1e4 || v < -1e4 {
						t.Fatalf("%s: implausible weight %v", tt.Name, v)
					}
				}
			}
			checkTensors(t, m.Files[0], m.Files[0].data)
		})
	}
}
