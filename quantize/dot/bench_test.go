package dot

import (
	"math/rand/v2"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// The benchmarks multiply a 2048×2048 weight matrix on one core:
// GB/s counts weight bytes, GFLOP/s 2·rows·n per activation row.
const benchRows, benchN, benchActs = 2048, 2048, 64

func benchData(b *testing.B, w gguf.Type, nact int) (W, acts []byte) {
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, benchRows*benchN)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	W, err := quantize.QuantizeRows(w, nil, x)
	if err != nil {
		b.Fatal(err)
	}
	for j := 0; j < nact; j++ {
		acts = QuantizeAct(acts, x[j*benchN:(j+1)*benchN], w)
	}
	return W, acts
}

func benchMatVec(b *testing.B, table *[maxType]kernels) {
	for _, w := range allTypes {
		b.Run(w.String(), func(b *testing.B) {
			saved := kernelTable
			kernelTable = *table
			defer func() { kernelTable = saved }()
			W, act := benchData(b, w, 1)
			out := make([]float32, benchRows)
			b.SetBytes(int64(len(W)))
			for b.Loop() {
				MatVec(w, benchRows, benchN, W, act, out)
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(len(W))*float64(b.N)/s/1e9, "GB/s")
			b.ReportMetric(2*benchRows*benchN*float64(b.N)/s/1e9, "GFLOP/s")
		})
	}
}

func BenchmarkMatVec(b *testing.B) { benchMatVec(b, &kernelTable) }

// BenchmarkMatVecPureGo is MatVec with the pure-Go kernels.
func BenchmarkMatVecPureGo(b *testing.B) { benchMatVec(b, &genericTable) }

// BenchmarkMatMul: 64 activation rows; ns/act is the time per activation
// row, to compare with MatVec's ns/op.
func BenchmarkMatMul(b *testing.B) {
	for _, w := range allTypes {
		b.Run(w.String(), func(b *testing.B) {
			W, acts := benchData(b, w, benchActs)
			out := make([]float32, benchRows*benchActs)
			for b.Loop() {
				MatMul(w, benchRows, benchN, W, acts, benchActs, out)
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(2*benchRows*benchN*benchActs*float64(b.N)/s/1e9, "GFLOP/s")
			b.ReportMetric(s*1e9/float64(b.N)/benchActs, "ns/act")
		})
	}
}

func BenchmarkQuantizeAct(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	for _, t := range []gguf.Type{gguf.Q8_0, gguf.Q8_1, gguf.Q8_K, gguf.F16, gguf.BF16} {
		b.Run(t.String(), func(b *testing.B) {
			dst := make([]byte, 0, RowSize(t, len(x)))
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				dst = QuantizeAct(dst[:0], x, t)
			}
		})
	}
}
