package infer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// TestQuantKernels: each integer kernel equals the float64 product of the
// dequantized weight row and the dequantized quantized activations.
func TestQuantKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cases := []struct {
		typ, act gguf.Type
		k        func(nb int, w, x []byte) float32
		block    int
	}{
		{gguf.Q8_0, gguf.Q8_0, quantKernels[gguf.Q8_0], 32},
		{gguf.Q4_0, gguf.Q8_0, quantKernels[gguf.Q4_0], 32},
		{gguf.Q8_0, gguf.Q8_0, dotQ8_0Go, 32},
		{gguf.Q4_0, gguf.Q8_0, dotQ4_0Go, 32},
		{gguf.Q4_K, gguf.Q8_K, kKernels[gguf.Q4_K], 256},
		{gguf.Q6_K, gguf.Q8_K, kKernels[gguf.Q6_K], 256},
		{gguf.Q5_K, gguf.Q8_K, kKernels[gguf.Q5_K], 256},
	}
	for _, c := range cases {
		if c.k == nil {
			t.Logf("%s: no kernel on this machine", c.typ)
			continue
		}
		for _, cols := range []int{256, 512, 2048} {
			for trial := 0; trial < 5; trial++ {
				wv := make([]float32, cols)
				xv := make([]float32, cols)
				for i := range wv {
					wv[i] = float32(rng.NormFloat64()) * float32(1+trial)
					xv[i] = float32(rng.NormFloat64())
				}
				wq, err := quantize.QuantizeRows(c.typ, nil, wv)
				if err != nil {
					t.Fatal(err)
				}
				var xq, xk []byte
				if c.act == gguf.Q8_0 {
					xq = make([]byte, cols/32*34)
					quantizeActQ8_0(xq, xv)
					xk = make([]byte, cols/32*36)
					packActQ8_0(xk, xv)
				} else {
					xq, _ = quantize.QuantizeRows(gguf.Q8_K, nil, xv)
				}
				wd := make([]float32, cols)
				xd := make([]float32, cols)
				f, _ := quantize.Lookup(c.typ)
				f.Dequantize(wd, wq)
				fa, _ := quantize.Lookup(c.act)
				if c.act == gguf.Q8_0 {
					fa.Dequantize(xd, xq)
				} else {
					fa.Dequantize(xd, xq)
				}
				var want, mag float64
				for i := range wd {
					want += float64(wd[i]) * float64(xd[i])
					mag += math.Abs(float64(wd[i]) * float64(xd[i]))
				}
				if xk == nil {
					xk = xq
				}
				got := c.k(cols/c.block, wq, xk)
				if d := math.Abs(float64(got) - want); d > 2e-4*mag+1e-5 {
					t.Errorf("%s cols %d: got %g, want %g (Σ|·| %g)", c.typ, cols, got, want, mag)
				}
			}
		}
	}
}

// TestQuantKernels4: the four-row kernels equal four one-row calls.
func TestQuantKernels4(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for typ, k4 := range quantKernels4 {
		k1 := quantKernels[typ]
		cols := 1024
		wv := make([]float32, cols)
		for i := range wv {
			wv[i] = float32(rng.NormFloat64())
		}
		wq, _ := quantize.QuantizeRows(typ, nil, wv)
		rowSize := cols / 32 * 36
		act := make([]byte, 4*rowSize)
		for r := 0; r < 4; r++ {
			xv := make([]float32, cols)
			for i := range xv {
				xv[i] = float32(rng.NormFloat64()) * float32(r+1)
			}
			packActQ8_0(act[r*rowSize:(r+1)*rowSize], xv)
		}
		var out [4]float32
		k4(cols/32, wq, act, rowSize, &out)
		for r := 0; r < 4; r++ {
			want := k1(cols/32, wq, act[r*rowSize:(r+1)*rowSize])
			if d := math.Abs(float64(out[r] - want)); d > 1e-4*math.Abs(float64(want))+1e-4 {
				t.Errorf("%s row %d: %g, one-row kernel %g", typ, r, out[r], want)
			}
		}
	}
	for typ, k4 := range kKernels4 {
		k1 := kKernels[typ]
		cols := 1024
		wv := make([]float32, cols)
		for i := range wv {
			wv[i] = float32(rng.NormFloat64())
		}
		wq, _ := quantize.QuantizeRows(typ, nil, wv)
		var act []byte
		for r := 0; r < 4; r++ {
			xv := make([]float32, cols)
			for i := range xv {
				xv[i] = float32(rng.NormFloat64()) * float32(r+1)
			}
			act, _ = quantize.QuantizeRows(gguf.Q8_K, act, xv)
		}
		rowSize := len(act) / 4
		var out [4]float32
		k4(cols/256, wq, act, rowSize, &out)
		for r := 0; r < 4; r++ {
			want := k1(cols/256, wq, act[r*rowSize:(r+1)*rowSize])
			if d := math.Abs(float64(out[r] - want)); d > 1e-4*math.Abs(float64(want))+1e-4 {
				t.Errorf("%s row %d: %g, one-row kernel %g", typ, r, out[r], want)
			}
		}
	}
}

// TestMatmulDotTypes: the types multiplied through quantize/dot give the
// dequantized product within the activation quantization's error.
func TestMatmulDotTypes(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	c := NewCPU(2)
	defer c.Close()
	for _, typ := range []gguf.Type{gguf.Q4_1, gguf.Q5_0, gguf.Q5_1, gguf.Q2_K, gguf.Q3_K} {
		rows, cols, n := 9, 512, 3
		wv := make([]float32, rows*cols)
		for i := range wv {
			wv[i] = float32(rng.NormFloat64())
		}
		data, err := quantize.QuantizeRows(typ, nil, wv)
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
		matmul(c, got, x, w, n)
		row := make([]float32, cols)
		for r := 0; r < rows; r++ {
			rowToF32(w, r, row)
			for j := 0; j < n; j++ {
				var want, mag float64
				for i := range row {
					p := float64(row[i]) * float64(x[j*cols+i])
					want += p
					mag += math.Abs(p)
				}
				if d := math.Abs(float64(got[j*rows+r]) - want); d > 2e-2*mag {
					t.Errorf("%s row %d act %d: %g, want %g (Σ|·| %g)", typ, r, j, got[j*rows+r], want, mag)
				}
			}
		}
	}
}
