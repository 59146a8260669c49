package infer

import (
	"unsafe"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// floatKernelSet holds the assembly dot products of F32/F16/BF16 weight
// rows with float32 activations (nil on machines without AVX2/FMA/F16C, or
// with the purego build tag).
type floatKernelSet struct {
	f16x1, bf16x1 func(w *uint16, x *float32, n int) float32
	f32x1         func(w *float32, x *float32, n int) float32
	f16x4, bf16x4 func(w *uint16, x *float32, stride, n int, out *[4]float32)
	f32x4         func(w *float32, x *float32, stride, n int, out *[4]float32)
	// three weight rows × four activation rows, n a multiple of 8
	x3x4 func(t gguf.Type, w unsafe.Pointer, wstride int, x *float32, stride, n int, out *[12]float32)
}

var floatKernels *floatKernelSet

// matmulFloat computes rows [lo, hi) of dst for F32/F16/BF16 weights with
// the assembly kernels: four activation rows per weight-row pass.
func matmulFloat(dst, x []float32, w *Weight, n, lo, hi int) {
	k := floatKernels
	cols := w.Cols
	main1 := cols &^ 31
	main4 := cols &^ 15
	var out [4]float32
	// Blocks of weight rows (about 64 KiB) are reused by every group of
	// four activation rows while they are in cache.
	block := max(1, (64<<10)/w.RowSize)
	for b0 := lo; b0 < hi; b0 += block {
		b1 := min(hi, b0+block)
		j := 0
		main8 := cols &^ 7
		for ; j+4 <= n && k.x3x4 != nil; j += 4 {
			xs := x[j*cols:]
			var out12 [12]float32
			r := b0
			for ; k.x3x4 != nil && r+3 <= b1; r += 3 {
				row := w.Data[r*w.RowSize : (r+3)*w.RowSize]
				k.x3x4(w.Type, unsafe.Pointer(&row[0]), w.RowSize, &xs[0], cols, main8, &out12)
				for q := 0; q < 12; q++ {
					rr, jj := r+q/4, j+q%4
					s := out12[q]
					if main8 < cols {
						s += floatTail(w.Type, w.Data[rr*w.RowSize:(rr+1)*w.RowSize], xs[(q%4)*cols:(q%4+1)*cols], main8)
					}
					dst[jj*w.Rows+rr] = s
				}
			}
			for ; r < b1; r++ {
				row := w.Data[r*w.RowSize : (r+1)*w.RowSize]
				k.dot4(w.Type, row, xs, cols, main4, &out)
				for q := 0; q < 4; q++ {
					s := out[q]
					if main4 < cols {
						s += floatTail(w.Type, row, xs[q*cols:(q+1)*cols], main4)
					}
					dst[(j+q)*w.Rows+r] = s
				}
			}
		}
		for ; j+4 <= n; j += 4 {
			xs := x[j*cols:]
			for r := b0; r < b1; r++ {
				row := w.Data[r*w.RowSize : (r+1)*w.RowSize]
				switch w.Type {
				case gguf.F16:
					k.f16x4((*uint16)(unsafe.Pointer(&row[0])), &xs[0], cols, main4, &out)
				case gguf.BF16:
					k.bf16x4((*uint16)(unsafe.Pointer(&row[0])), &xs[0], cols, main4, &out)
				default:
					k.f32x4((*float32)(unsafe.Pointer(&row[0])), &xs[0], cols, main4, &out)
				}
				for q := 0; q < 4; q++ {
					s := out[q]
					if main4 < cols {
						s += floatTail(w.Type, row, xs[q*cols:(q+1)*cols], main4)
					}
					dst[(j+q)*w.Rows+r] = s
				}
			}
		}
		for ; j < n; j++ {
			xs := x[j*cols : (j+1)*cols]
			for r := b0; r < b1; r++ {
				row := w.Data[r*w.RowSize : (r+1)*w.RowSize]
				var s float32
				switch w.Type {
				case gguf.F16:
					s = k.f16x1((*uint16)(unsafe.Pointer(&row[0])), &xs[0], main1)
				case gguf.BF16:
					s = k.bf16x1((*uint16)(unsafe.Pointer(&row[0])), &xs[0], main1)
				default:
					s = k.f32x1((*float32)(unsafe.Pointer(&row[0])), &xs[0], main1)
				}
				if main1 < cols {
					s += floatTail(w.Type, row, xs, main1)
				}
				dst[j*w.Rows+r] = s
			}
		}
	}
}

// floatTail is the dot product of elements [from, len(x)) in Go.
func floatTail(t gguf.Type, row []byte, x []float32, from int) float32 {
	var s float32
	for i := from; i < len(x); i++ {
		var v float32
		switch t {
		case gguf.F16:
			v = quantize.FP16ToFP32(uint16(row[2*i]) | uint16(row[2*i+1])<<8)
		case gguf.BF16:
			v = quantize.BF16ToFP32(uint16(row[2*i]) | uint16(row[2*i+1])<<8)
		default:
			v = *(*float32)(unsafe.Pointer(&row[4*i]))
		}
		s += v * x[i]
	}
	return s
}

// dot4 runs the 1-weight-row × 4-activation-row kernel for t.
func (k *floatKernelSet) dot4(t gguf.Type, row []byte, xs []float32, cols, n int, out *[4]float32) {
	switch t {
	case gguf.F16:
		k.f16x4((*uint16)(unsafe.Pointer(&row[0])), &xs[0], cols, n, out)
	case gguf.BF16:
		k.bf16x4((*uint16)(unsafe.Pointer(&row[0])), &xs[0], cols, n, out)
	default:
		k.f32x4((*float32)(unsafe.Pointer(&row[0])), &xs[0], cols, n, out)
	}
}
