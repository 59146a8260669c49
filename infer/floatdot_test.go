package infer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// TestFloatKernels: the assembly products equal the plain Go ones within
// float32 summation-order rounding, for every width (tails included) and
// batch size (4-row and 1-row paths).
func TestFloatKernels(t *testing.T) {
	if floatKernels == nil {
		t.Skip("no AVX2/FMA on this machine (or purego build)")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	c := NewCPU(2)
	defer c.Close()
	for _, typ := range []gguf.Type{gguf.F32, gguf.F16, gguf.BF16} {
		for _, cols := range []int{16, 32, 48, 100, 256, 1000} {
			for _, n := range []int{1, 3, 4, 5, 9} {
				rows := 7
				vals := make([]float32, rows*cols)
				for i := range vals {
					vals[i] = float32(rng.NormFloat64())
				}
				data, err := quantize.QuantizeRows(typ, nil, vals)
				if err != nil {
					t.Fatal(err)
				}
				rs, _ := typ.RowSize(uint64(cols))
				w := &Weight{Name: "w", Type: typ, Cols: cols, Rows: rows, Data: data, RowSize: int(rs)}
				x := make([]float32, n*cols)
				for i := range x {
					x[i] = float32(rng.NormFloat64())
				}
				got := make([]float32, n*rows)
				matmulFloat(got, x, w, n, 0, rows)
				row := make([]float32, cols)
				for r := 0; r < rows; r++ {
					rowToF32(w, r, row)
					for j := 0; j < n; j++ {
						var want, mag float64
						for i := range row {
							want += float64(row[i]) * float64(x[j*cols+i])
							mag += math.Abs(float64(row[i]) * float64(x[j*cols+i]))
						}
						if d := math.Abs(float64(got[j*rows+r]) - want); d > 1e-5*mag+1e-6 {
							t.Fatalf("%s cols %d n %d row %d act %d: %g, want %g", typ, cols, n, r, j, got[j*rows+r], want)
						}
					}
				}
			}
		}
	}
}

// TestParallelCoversAll: every index is visited exactly once for any n,
// alignment and thread count.
func TestParallelCoversAll(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 4} {
		c := NewCPU(threads)
		for _, n := range []int{1, 15, 16, 17, 40, 1000, 32001} {
			for _, align := range []int{1, 8, 16, 1024} {
				seen := make([]int32, n)
				c.parallel(n, align, func(_, lo, hi int) {
					for i := lo; i < hi; i++ {
						seen[i]++
					}
				})
				for i, v := range seen {
					if v != 1 {
						t.Fatalf("threads %d n %d align %d: index %d visited %d times", threads, n, align, i, v)
					}
				}
			}
		}
		c.Close()
	}
}
