package dot

import (
	"math/rand/v2"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// BenchmarkKernel times the kernels on cache-resident rows of 2048 values:
// x1 is one dot product, x4 (x2x4 for the float types) one call of the
// multi-row kernel of MatMul; ns/act is per row·activation pair.
func BenchmarkKernel(b *testing.B) { benchKernel(b, 2048) }

// BenchmarkKernelOdd: rows not a power of two bytes apart.
func BenchmarkKernelOdd(b *testing.B) { benchKernel(b, 2048+256) }

func benchKernel(b *testing.B, n int) {
	for _, w := range allTypes {
		r := rand.New(rand.NewPCG(1, 1))
		W, err := quantize.QuantizeRows(w, nil, genFloats(r, n, 0))
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
		if isFloat(w) {
			W2, _ := quantize.QuantizeRows(w, nil, genFloats(r, 2*n, 0))
			b.Run(w.String()+"/x2x4", func(b *testing.B) {
				var out [8]float32
				if k.dot2x4 == nil {
					b.Skip("no kernel")
				}
				for b.Loop() {
					k.dot2x4(n, &W2[0], RowSize(w, n), &acts[0], asz, &out[0], 2)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/8, "ns/act")
			})
			continue
		}
		b.Run(w.String()+"/x4", func(b *testing.B) {
			var out [4]float32
			if k.scaled {
				d := make([]float32, 8*n/bs)
				_, ats := blockOf(ActType(w))
				per := 4
				if ActType(w) == gguf.Q8_1 {
					per = 8
				}
				actScales(d, acts, asz, n/bs, ats, per)
				for b.Loop() {
					dot4Scaled(w, n/bs, &W[0], &acts[0], asz, &d[0], &out[0], 1)
				}
			} else {
				for b.Loop() {
					k.dot4(n/bs, &W[0], &acts[0], asz, &out[0], 1)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/4, "ns/act")
		})
	}
}
