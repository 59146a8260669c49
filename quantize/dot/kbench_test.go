package dot

import (
	"math/rand/v2"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// BenchmarkKernel times the kernels on L1-resident rows (2048 values):
// x1 is one dot, x4 one call of the four-activation kernel; ns per row·act.
func BenchmarkKernel(b *testing.B) {
	const n = 2048
	for _, w := range allTypes {
		if isFloat(w) {
			continue
		}
		r := rand.New(rand.NewPCG(1, 1))
		W, err := quantRowB(w, genFloats(r, n, 0))
		if err != nil {
			b.Fatal(err)
		}
		var acts []byte
		for j := 0; j < 4; j++ {
			acts = QuantizeAct(acts, genFloats(r, n, 0), w)
		}
		bs, _ := blockOf(w)
		asz := ActRowSize(w, n)
		k := kernelTable[w]
		b.Run(w.String()+"/x1", func(b *testing.B) {
			for b.Loop() {
				k.dot(n/bs, &W[0], &acts[0])
			}
		})
		b.Run(w.String()+"/x4", func(b *testing.B) {
			var out [4]float32
			for b.Loop() {
				k.dot4(n/bs, &W[0], &acts[0], asz, &out[0], 1)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/4, "ns/act")
		})
	}
}

func quantRowB(w gguf.Type, x []float32) ([]byte, error) {
	return quantizeRows(w, x)
}

func quantizeRows(w gguf.Type, x []float32) ([]byte, error) {
	return quantize.QuantizeRows(w, nil, x)
}
