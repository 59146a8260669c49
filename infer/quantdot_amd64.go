//go:build amd64 && !purego

package infer

import (
	"unsafe"

	"github.com/hfctl/hfctl/gguf"
	"golang.org/x/sys/cpu"
)

//go:noescape
func dotQ8_0(nb int, w *byte, x *byte) float32

//go:noescape
func dotQ4_0(nb int, w *byte, x *byte) float32

func init() {
	if !haveFloatAsm {
		return
	}
	quantKernels[gguf.Q8_0] = func(nb int, w, x []byte) float32 {
		return dotQ8_0(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])))
	}
	quantKernels[gguf.Q4_0] = func(nb int, w, x []byte) float32 {
		return dotQ4_0(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])))
	}
}

//go:noescape
func dotQ4_K(nb int, w *byte, x *byte) float32

//go:noescape
func dotQ6_K(nb int, w *byte, x *byte) float32

func init() {
	if !haveFloatAsm {
		return
	}
	kKernels[gguf.Q4_K] = func(nb int, w, x []byte) float32 {
		return dotQ4_K(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])))
	}
	kKernels[gguf.Q6_K] = func(nb int, w, x []byte) float32 {
		return dotQ6_K(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])))
	}
}

//go:noescape
func dotQ4_Kx4(nb int, w *byte, x *byte, xstride int, out *[4]float32)

func init() {
	if !haveFloatAsm {
		return
	}
	kKernels4[gguf.Q4_K] = func(nb int, w, x []byte, xstride int, out *[4]float32) {
		dotQ4_Kx4(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])), xstride, out)
	}
}

//go:noescape
func dotQ8_0x4(nb int, w *byte, x *byte, xstride int, out *[4]float32)

func init() {
	if !haveFloatAsm {
		return
	}
	quantKernels4[gguf.Q8_0] = func(nb int, w, x []byte, xstride int, out *[4]float32) {
		dotQ8_0x4(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])), xstride, out)
	}
}

//go:noescape
func dotQ6_Kx4(nb int, w *byte, x *byte, xstride int, out *[4]float32)

func init() {
	if !haveFloatAsm {
		return
	}
	kKernels4[gguf.Q6_K] = func(nb int, w, x []byte, xstride int, out *[4]float32) {
		dotQ6_Kx4(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])), xstride, out)
	}
}

//go:noescape
func dotQ5_K(nb int, w *byte, x *byte) float32

func init() {
	if !haveFloatAsm {
		return
	}
	kKernels[gguf.Q5_K] = func(nb int, w, x []byte) float32 {
		return dotQ5_K(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])))
	}
}

//go:noescape
func dotQ8_0x4V(nb int, w *byte, x *byte, xstride int, out *[4]float32)

// haveVNNI: AVX-512 VNNI on 256-bit registers.
var haveVNNI = haveFloatAsm && cpu.X86.HasAVX512VNNI && cpu.X86.HasAVX512VL

func init() {
	if !haveVNNI {
		return
	}
	quantKernels4[gguf.Q8_0] = func(nb int, w, x []byte, xstride int, out *[4]float32) {
		dotQ8_0x4V(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])), xstride, out)
	}
}

//go:noescape
func dotQ4_KV(nb int, w *byte, x *byte) float32

//go:noescape
func dotQ4_Kx4V(nb int, w *byte, x *byte, xstride int, out *[4]float32)

func init() {
	if !haveVNNI {
		return
	}
	kKernels[gguf.Q4_K] = func(nb int, w, x []byte) float32 {
		return dotQ4_KV(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])))
	}
	kKernels4[gguf.Q4_K] = func(nb int, w, x []byte, xstride int, out *[4]float32) {
		dotQ4_Kx4V(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])), xstride, out)
	}
}

//go:noescape
func dotQ6_KV(nb int, w *byte, x *byte) float32

//go:noescape
func dotQ6_Kx4V(nb int, w *byte, x *byte, xstride int, out *[4]float32)

func init() {
	if !haveVNNI {
		return
	}
	kKernels[gguf.Q6_K] = func(nb int, w, x []byte) float32 {
		return dotQ6_KV(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])))
	}
	kKernels4[gguf.Q6_K] = func(nb int, w, x []byte, xstride int, out *[4]float32) {
		dotQ6_Kx4V(nb, (*byte)(unsafe.Pointer(&w[0])), (*byte)(unsafe.Pointer(&x[0])), xstride, out)
	}
}
