package infer

import "github.com/hfctl/hfctl/gguf"

// matmul computes dst[j][r] = Σ_c w[r][c]·x[j][c] for j < n.
//
// Weights in F32, F16 and BF16 are multiplied with float32 activations
// (exact products, float32 sums). Quantized weights use quantize/dot's
// kernels with activations quantized as ggml's CPU backend does.
func matmul(c *CPU, dst, x []float32, w *Weight, n int) {
	if matmulQuant(c, dst, x, w, n) {
		return
	}
	if floatKernels != nil && (w.Type == gguf.F32 || w.Type == gguf.F16 || w.Type == gguf.BF16) {
		c.parallel(w.Rows, 16, func(_, lo, hi int) { matmulFloat(dst, x, w, n, lo, hi) })
		return
	}
	c.parallel(w.Rows, 16, func(wk, lo, hi int) {
		row := c.scratchFor(wk, w.Cols)
		for r := lo; r < hi; r++ {
			rowToF32(w, r, row)
			for j := 0; j < n; j++ {
				xr := x[j*w.Cols : (j+1)*w.Cols]
				dst[j*w.Rows+r] = dotF32(row, xr)
			}
		}
	})
}

// dotF32 is a float32 dot product with 8 partial sums.
func dotF32(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
		s4 += a[i+4] * b[i+4]
		s5 += a[i+5] * b[i+5]
		s6 += a[i+6] * b[i+6]
		s7 += a[i+7] * b[i+7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}
