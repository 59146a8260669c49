package infer

import (
	"encoding/binary"
	"math"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
	"github.com/hfctl/hfctl/quantize/dot"
)

// quantKernels holds, per weight type, a dot product of nb blocks of a
// weight row with Q8_0-quantized activations (assembly; pure-Go
// equivalents below are used where it is absent).
var quantKernels = map[gguf.Type]func(nb int, w, x []byte) float32{}

// kKernels are the k-quant dot products with Q8_K activations (256-value
// blocks); types without one use the float path.
var kKernels = map[gguf.Type]func(nb int, w, x []byte) float32{}

// quantKernels4 take four Q8_0 activation rows (xstride bytes apart).
var quantKernels4 = map[gguf.Type]func(nb int, w, x []byte, xstride int, out *[4]float32){}

// kKernels4 take four activation rows (xstride bytes apart) per weight row.
var kKernels4 = map[gguf.Type]func(nb int, w, x []byte, xstride int, out *[4]float32){}

// matmulQuant multiplies Q8_0/Q4_0 weights the way ggml's CPU backend does:
// activations quantized to Q8_0 (quantize_row_q8_0 of ggml-cpu), integer
// block sums scaled by both block scales. Other quantized types are
// dequantized row by row and multiplied in float32. It reports whether it
// handled the product.
func matmulQuant(c *CPU, dst, x []float32, w *Weight, n int) bool {
	if k := kKernels[w.Type]; k != nil {
		matmulK(c, dst, x, w, n, k)
		return true
	}
	switch w.Type {
	case gguf.Q8_0, gguf.Q4_0:
	case gguf.Q4_1, gguf.Q5_0, gguf.Q5_1, gguf.Q2_K, gguf.Q3_K, gguf.Q5_K:
		if dot.Supported(w.Type) {
			matmulDot(c, dst, x, w, n)
			return true
		}
		return false
	default:
		return false
	}
	nb := w.Cols / 32
	actRow := nb * 36
	if cap(c.actBuf) < n*actRow {
		c.actBuf = make([]byte, n*actRow)
	}
	act := c.actBuf[:n*actRow]
	for j := 0; j < n; j++ {
		packActQ8_0(act[j*actRow:(j+1)*actRow], x[j*w.Cols:(j+1)*w.Cols])
	}
	k := quantKernels[w.Type]
	if k == nil {
		if w.Type == gguf.Q8_0 {
			k = dotQ8_0Go
		} else {
			k = dotQ4_0Go
		}
	}
	rowsBy4(c, dst, w, n, nb, act, actRow, k, quantKernels4[w.Type])
	return true
}

// rowsBy4 runs the kernels over all weight rows (in parallel, cache-sized
// row blocks) and activation rows (four at a time when k4 exists).
func rowsBy4(c *CPU, dst []float32, w *Weight, n, nb int, act []byte, actRow int,
	k func(nb int, w, x []byte) float32, k4 func(nb int, w, x []byte, xstride int, out *[4]float32)) {
	c.parallel(w.Rows, 8, func(_, lo, hi int) {
		var out [4]float32
		block := max(1, (64<<10)/w.RowSize)
		for b0 := lo; b0 < hi; b0 += block {
			b1 := min(hi, b0+block)
			j := 0
			for ; k4 != nil && j+4 <= n; j += 4 {
				for r := b0; r < b1; r++ {
					k4(nb, w.Data[r*w.RowSize:(r+1)*w.RowSize], act[j*actRow:], actRow, &out)
					for q := 0; q < 4; q++ {
						dst[(j+q)*w.Rows+r] = out[q]
					}
				}
			}
			for ; j < n; j++ {
				for r := b0; r < b1; r++ {
					dst[j*w.Rows+r] = k(nb, w.Data[r*w.RowSize:(r+1)*w.RowSize], act[j*actRow:(j+1)*actRow])
				}
			}
		}
	})
}

// quantizeActQ8_0 is ggml-cpu's run-time quantize_row_q8_0 (AVX2 path):
// d = max|x|/127 stored as F16, values x·(127/max) rounded half to even.
func quantizeActQ8_0(dst []byte, x []float32) {
	for b := 0; b < len(x)/32; b++ {
		o := dst[b*34 : b*34+34]
		quantizeActBlock(o[:2], o[2:], x[b*32:b*32+32])
	}
}

// quantizeActBlock quantizes 32 values as ggml-cpu's Q8_0/Q8_1 do,
// writing the F16 scale and the int8 values; it returns Σq and the float
// scale.
func quantizeActBlock(scale, qs []byte, xs []float32) (int32, float32) {
	var amax float32
	for _, v := range xs {
		amax = max(amax, float32(math.Abs(float64(v))))
	}
	d := amax / 127
	h := quantize.FP32ToFP16(d)
	scale[0], scale[1] = byte(h), byte(h>>8)
	var id float32
	if amax != 0 {
		id = 127 / amax
	}
	var sum int32
	for i, v := range xs {
		q := int8(math.RoundToEven(float64(v * id)))
		qs[i] = byte(q)
		sum += int32(q)
	}
	return sum, d
}

// packActQ8_0 quantizes like quantizeActQ8_0 into the kernels' layout:
// 36-byte blocks of the scale as float32 (the F16-rounded value) and the
// 32 int8 values, so that no kernel converts an activation scale per
// weight row.
func packActQ8_0(dst []byte, x []float32) {
	var blk [34]byte
	for b := 0; b < len(x)/32; b++ {
		quantizeActBlock(blk[:2], blk[2:], x[b*32:b*32+32])
		o := dst[b*36 : b*36+36]
		binary.LittleEndian.PutUint32(o, math.Float32bits(f16At(blk[:])))
		copy(o[4:], blk[2:])
	}
}

func f16At(b []byte) float32 { return quantize.FP16ToFP32(uint16(b[0]) | uint16(b[1])<<8) }

// dotQ8_0Go is ggml_vec_dot_q8_0_q8_0's generic form.
func dotQ8_0Go(nb int, w, x []byte) float32 {
	var s float32
	for b := 0; b < nb; b++ {
		wb, xb := w[b*34:], x[b*36:]
		var sum int32
		for i := 0; i < 32; i++ {
			sum += int32(int8(wb[2+i])) * int32(int8(xb[4+i]))
		}
		s += float32(sum) * (f16At(wb) * math.Float32frombits(binary.LittleEndian.Uint32(xb)))
	}
	return s
}

// dotQ4_0Go is ggml_vec_dot_q4_0_q8_0's generic form.
func dotQ4_0Go(nb int, w, x []byte) float32 {
	var s float32
	for b := 0; b < nb; b++ {
		wb, xb := w[b*18:], x[b*36:]
		var sum int32
		for i := 0; i < 16; i++ {
			lo := int32(wb[2+i]&0x0F) - 8
			hi := int32(wb[2+i]>>4) - 8
			sum += lo*int32(int8(xb[4+i])) + hi*int32(int8(xb[4+16+i]))
		}
		s += float32(sum) * (f16At(wb) * math.Float32frombits(binary.LittleEndian.Uint32(xb)))
	}
	return s
}

// matmulK: activations quantized to Q8_K (ggml-cpu uses the reference
// quantize_row_q8_K), then one kernel call per weight row and activation.
func matmulK(c *CPU, dst, x []float32, w *Weight, n int, k func(nb int, w, x []byte) float32) {
	nb := w.Cols / 256
	actRow := nb * 292
	if cap(c.actBuf) < n*actRow {
		c.actBuf = make([]byte, n*actRow)
	}
	act := c.actBuf[:0]
	q8k, _ := quantize.Lookup(gguf.Q8_K)
	for j := 0; j < n; j++ {
		act = q8k.Quantize(act, x[j*w.Cols:(j+1)*w.Cols])
	}
	rowsBy4(c, dst, w, n, nb, act, actRow, k, kKernels4[w.Type])
}

// matmulDot multiplies the types this package has no kernel for with
// quantize/dot's (ggml's vec_dot arithmetic, activations quantized to
// ActType as ggml-cpu does), split by weight rows across the workers.
func matmulDot(c *CPU, dst, x []float32, w *Weight, n int) {
	act := c.actBuf[:0]
	for j := 0; j < n; j++ {
		act = dot.QuantizeAct(act, x[j*w.Cols:(j+1)*w.Cols], w.Type)
	}
	c.actBuf = act
	c.parallel(w.Rows, 8, func(_, lo, hi int) {
		dot.MatMulStride(w.Type, hi-lo, w.Cols, w.Data[lo*w.RowSize:hi*w.RowSize], act, n, dst[lo:], w.Rows)
	})
}
