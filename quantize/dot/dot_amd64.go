//go:build amd64 && !purego

package dot

import (
	"unsafe"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
	"golang.org/x/sys/cpu"
)

// haveAsm: the assembly needs AVX2, FMA and F16C (x/sys/cpu checks that
// the OS saves the YMM registers).
var haveAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasF16C

func init() {
	if haveAsm {
		useAsm()
	}
}

// useAsm installs the assembly kernels in kernelTable.
func useAsm() {
	kernelTable[gguf.Q8_0] = kernels{dot: dotQ8_0AVX2, dot4: dot4Of(dotQ8_0AVX2), scaled: true}
	kernelTable[gguf.Q4_0] = kernels{dot: dotQ4_0AVX2, dot4: dot4Of(dotQ4_0AVX2), scaled: true}
	kernelTable[gguf.Q5_0] = kernels{dot: dotQ5_0AVX2, dot4: dot4Of(dotQ5_0AVX2), scaled: true}
	kernelTable[gguf.Q4_1] = kernels{dot: dotQ4_1AVX2, dot4: dot4Of(dotQ4_1AVX2), scaled: true}
	kernelTable[gguf.Q5_1] = kernels{dot: dotQ5_1AVX2, dot4: dot4Of(dotQ5_1AVX2), scaled: true}
	kernelTable[gguf.Q2_K] = kernels{dot: dotQ2_KAVX2, dot4: dotQ2_Kx4AVX2}
	kernelTable[gguf.Q3_K] = kernels{dot: dotQ3_KAVX2, dot4: dotQ3_Kx4AVX2}
	kernelTable[gguf.Q4_K] = kernels{dot: dotQ4_KAVX2, dot4: dotQ4_Kx4AVX2}
	kernelTable[gguf.Q5_K] = kernels{dot: dotQ5_KAVX2, dot4: dotQ5_Kx4AVX2}
	kernelTable[gguf.Q6_K] = kernels{dot: dotQ6_KAVX2, dot4: dotQ6_Kx4AVX2}
	kernelTable[gguf.F32] = kernels{dot: dotF32AVX2, dot2x4: dotF32x2x4AVX2}
	kernelTable[gguf.F16] = kernels{dot: dotF16Asm, dot2x4: dotF16x2x4AVX2}
	kernelTable[gguf.BF16] = kernels{dot: dotBF16Asm, dot2x4: dotBF16x2x4AVX2}
	actQ8_0 = actQ8_0AVX2
	actQ8_1 = actQ8_1AVX2
	actF16 = actF16Asm
}

// ggml_vec_dot_f16's: the reduced vector sum, then the leftovers, in
// float64 (ggml_float).
func dotF16Asm(n int, w, x *byte) float32 {
	n32 := n &^ 31
	s := float64(dotF16AVX2(n32, w, x))
	if n32 < n {
		a := unsafe.Slice((*uint16)(unsafe.Pointer(w)), n)
		b := unsafe.Slice((*uint16)(unsafe.Pointer(x)), n)
		for i := n32; i < n; i++ {
			s += float64(fp16to32(a[i]) * fp16to32(b[i]))
		}
	}
	return float32(s)
}

// ggml_vec_dot_bf16's, likewise.
func dotBF16Asm(n int, w, x *byte) float32 {
	n32 := n &^ 31
	s := float64(dotBF16AVX2(n32, w, x))
	if n32 < n {
		a := unsafe.Slice((*uint16)(unsafe.Pointer(w)), n)
		b := unsafe.Slice((*uint16)(unsafe.Pointer(x)), n)
		for i := n32; i < n; i++ {
			s += float64(quantize.BF16ToFP32(a[i]) * quantize.BF16ToFP32(b[i]))
		}
	}
	return float32(s)
}

// dot4Scaled runs the four-row kernel of w taking float32 activation
// scales (kernels.scaled).
func dot4Scaled(w gguf.Type, nb int, W, x *byte, xstride int, d *float32, out *float32, ostride int) {
	switch w {
	case gguf.Q8_0:
		dotQ8_0x4AVX2(nb, W, x, xstride, d, out, ostride)
	case gguf.Q4_0:
		dotQ4_0x4AVX2(nb, W, x, xstride, d, out, ostride)
	case gguf.Q5_0:
		dotQ5_0x4AVX2(nb, W, x, xstride, d, out, ostride)
	case gguf.Q4_1:
		dotQ4_1x4AVX2(nb, W, x, xstride, d, out, ostride)
	case gguf.Q5_1:
		dotQ5_1x4AVX2(nb, W, x, xstride, d, out, ostride)
	default:
		panic("dot: no scaled kernel for " + w.String())
	}
}

func actF16Asm(y []byte, x []float32) {
	n8 := len(x) &^ 7
	if n8 > 0 {
		actF16AVX2(unsafe.SliceData(y), unsafe.SliceData(x), n8)
	}
	if n8 < len(x) {
		actF16Go(y[2*n8:], x[n8:]) // n8 is a multiple of 4: same split
	}
}

//go:noescape
func dotQ8_0AVX2(nb int, w, x *byte) float32

//go:noescape
func dotQ8_0x4AVX2(nb int, w, x *byte, xstride int, d *float32, out *float32, ostride int)

//go:noescape
func dotQ4_0AVX2(nb int, w, x *byte) float32

//go:noescape
func dotQ4_0x4AVX2(nb int, w, x *byte, xstride int, d *float32, out *float32, ostride int)

//go:noescape
func dotQ5_0AVX2(nb int, w, x *byte) float32

//go:noescape
func dotQ5_0x4AVX2(nb int, w, x *byte, xstride int, d *float32, out *float32, ostride int)

//go:noescape
func dotQ4_1AVX2(nb int, w, x *byte) float32

//go:noescape
func dotQ4_1x4AVX2(nb int, w, x *byte, xstride int, d *float32, out *float32, ostride int)

//go:noescape
func dotQ5_1AVX2(nb int, w, x *byte) float32

//go:noescape
func dotQ5_1x4AVX2(nb int, w, x *byte, xstride int, d *float32, out *float32, ostride int)

//go:noescape
func dotQ2_KAVX2(nb int, w, x *byte) float32

//go:noescape
func dotQ2_Kx4AVX2(nb int, w, x *byte, xstride int, out *float32, ostride int)

//go:noescape
func dotQ3_KAVX2(nb int, w, x *byte) float32

//go:noescape
func dotQ3_Kx4AVX2(nb int, w, x *byte, xstride int, out *float32, ostride int)

//go:noescape
func dotQ4_KAVX2(nb int, w, x *byte) float32

//go:noescape
func dotQ4_Kx4AVX2(nb int, w, x *byte, xstride int, out *float32, ostride int)

//go:noescape
func dotQ5_KAVX2(nb int, w, x *byte) float32

//go:noescape
func dotQ5_Kx4AVX2(nb int, w, x *byte, xstride int, out *float32, ostride int)

//go:noescape
func dotQ6_KAVX2(nb int, w, x *byte) float32

//go:noescape
func dotQ6_Kx4AVX2(nb int, w, x *byte, xstride int, out *float32, ostride int)

//go:noescape
func dotF32AVX2(n int, w, x *byte) float32

//go:noescape
func dotF16AVX2(n int, w, x *byte) float32

//go:noescape
func dotBF16AVX2(n int, w, x *byte) float32

//go:noescape
func dotF32x2x4AVX2(n int, w *byte, wstride int, x *byte, xstride int, out *float32, ostride int)

//go:noescape
func dotF16x2x4AVX2(n int, w *byte, wstride int, x *byte, xstride int, out *float32, ostride int)

//go:noescape
func dotBF16x2x4AVX2(n int, w *byte, wstride int, x *byte, xstride int, out *float32, ostride int)

//go:noescape
func actF16AVX2(y *byte, x *float32, n int)

//go:noescape
func actQ8_0AVX2(y *byte, x *float32, nb int)

//go:noescape
func actQ8_1AVX2(y *byte, x *float32, nb int)
