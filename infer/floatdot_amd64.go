//go:build amd64 && !purego

package infer

import (
	"unsafe"

	"github.com/hfctl/hfctl/gguf"
	"golang.org/x/sys/cpu"
)

//go:noescape
func dotF16x1(w *uint16, x *float32, n int) float32

//go:noescape
func dotBF16x1(w *uint16, x *float32, n int) float32

//go:noescape
func dotF32x1(w *float32, x *float32, n int) float32

//go:noescape
func dotF16x4(w *uint16, x *float32, stride int, n int, out *[4]float32)

//go:noescape
func dotBF16x4(w *uint16, x *float32, stride int, n int, out *[4]float32)

//go:noescape
func dotF32x4(w *float32, x *float32, stride int, n int, out *[4]float32)

// haveFloatAsm: AVX2, FMA and F16C are present.
var haveFloatAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasAVX

func init() {
	if haveFloatAsm {
		floatKernels = &floatKernelSet{
			f16x1: dotF16x1, bf16x1: dotBF16x1, f32x1: dotF32x1,
			f16x4: dotF16x4, bf16x4: dotBF16x4, f32x4: dotF32x4,
		}
	}
}

//go:noescape
func axpyF16(o *float32, v *uint16, p float32, n int)

func init() {
	if haveFloatAsm {
		attnF16Dot = dotF16x1
		attnF16Axpy = axpyF16
	}
}

//go:noescape
func dotF16x3x4(w *uint16, wstride int, x *float32, stride int, n int, out *[12]float32)

//go:noescape
func dotBF16x3x4(w *uint16, wstride int, x *float32, stride int, n int, out *[12]float32)

//go:noescape
func dotF32x3x4(w *float32, wstride int, x *float32, stride int, n int, out *[12]float32)

func init() {
	if floatKernels == nil {
		return
	}
	floatKernels.x3x4 = func(t gguf.Type, w unsafe.Pointer, wstride int, x *float32, stride, n int, out *[12]float32) {
		switch t {
		case gguf.F16:
			dotF16x3x4((*uint16)(w), wstride, x, stride, n, out)
		case gguf.BF16:
			dotBF16x3x4((*uint16)(w), wstride, x, stride, n, out)
		default:
			dotF32x3x4((*float32)(w), wstride, x, stride, n, out)
		}
	}
}
