//go:build amd64 && !purego

package infer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// TestQ8_0x4Variants: the AVX2 and the AVX-512 VNNI four-row Q8_0 kernels
// agree with the one-row kernel whichever the run-time choice is.
func TestQ8_0x4Variants(t *testing.T) {
	if !haveFloatAsm {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	cols := 1024
	wv := make([]float32, cols)
	for i := range wv {
		wv[i] = float32(rng.NormFloat64())
	}
	w, _ := quantize.QuantizeRows(gguf.Q8_0, nil, wv)
	rowSize := cols / 32 * 36
	act := make([]byte, 4*rowSize)
	for r := 0; r < 4; r++ {
		xv := make([]float32, cols)
		for i := range xv {
			xv[i] = float32(rng.NormFloat64())
		}
		packActQ8_0(act[r*rowSize:(r+1)*rowSize], xv)
	}
	kernels := map[string]func(nb int, w *byte, x *byte, xstride int, out *[4]float32){"avx2": dotQ8_0x4}
	if haveVNNI {
		kernels["vnni"] = dotQ8_0x4V
	}
	for name, k := range kernels {
		var out [4]float32
		k(cols/32, &w[0], &act[0], rowSize, &out)
		for r := 0; r < 4; r++ {
			want := dotQ8_0(cols/32, &w[0], &act[r*rowSize])
			if d := math.Abs(float64(out[r] - want)); d > 1e-4*math.Abs(float64(want))+1e-4 {
				t.Errorf("%s row %d: %g, one-row kernel %g", name, r, out[r], want)
			}
		}
	}
}

// TestKVariants: the AVX2 and the VNNI k-quant kernels agree.
func TestKVariants(t *testing.T) {
	if !haveVNNI {
		t.Skip("no AVX-512 VNNI")
	}
	type pair struct {
		one, oneV func(nb int, w *byte, x *byte) float32
		x4, x4V   func(nb int, w *byte, x *byte, xstride int, out *[4]float32)
	}
	for typ, k := range map[gguf.Type]pair{
		gguf.Q4_K: {dotQ4_K, dotQ4_KV, dotQ4_Kx4, dotQ4_Kx4V},
		gguf.Q6_K: {dotQ6_K, dotQ6_KV, dotQ6_Kx4, dotQ6_Kx4V},
	} {
		rng := rand.New(rand.NewPCG(11, 12))
		cols := 1024
		wv := make([]float32, cols)
		for i := range wv {
			wv[i] = float32(rng.NormFloat64())
		}
		w, _ := quantize.QuantizeRows(typ, nil, wv)
		var act []byte
		for r := 0; r < 4; r++ {
			xv := make([]float32, cols)
			for i := range xv {
				xv[i] = float32(rng.NormFloat64())
			}
			act, _ = quantize.QuantizeRows(gguf.Q8_K, act, xv)
		}
		rowSize := len(act) / 4
		var a, b [4]float32
		k.x4(cols/256, &w[0], &act[0], rowSize, &a)
		k.x4V(cols/256, &w[0], &act[0], rowSize, &b)
		for r := 0; r < 4; r++ {
			one := k.one(cols/256, &w[0], &act[r*rowSize])
			oneV := k.oneV(cols/256, &w[0], &act[r*rowSize])
			for _, v := range []float32{b[r], one, oneV} {
				if d := math.Abs(float64(v - a[r])); d > 1e-4*math.Abs(float64(a[r]))+1e-4 {
					t.Errorf("%s row %d: %g vs %g", typ, r, v, a[r])
				}
			}
		}
	}
}
