package dot

import (
	"sync"
	"unsafe"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// The pure-Go float dot products are ggml's scalar ggml_vec_dot_f32/_f16/
// _bf16: float32 products summed in float64 (ggml_float), rounded to
// float32 at the end. (F16 and BF16 products are exact in float32.)

func dotF32Go(n int, w, x *byte) float32 {
	a := unsafe.Slice((*float32)(unsafe.Pointer(w)), n)
	b := unsafe.Slice((*float32)(unsafe.Pointer(x)), n)
	var sum float64
	for i, v := range a {
		sum += float64(float32(v * b[i]))
	}
	return float32(sum)
}

func dotF16Go(n int, w, x *byte) float32 {
	a := unsafe.Slice((*uint16)(unsafe.Pointer(w)), n)
	b := unsafe.Slice((*uint16)(unsafe.Pointer(x)), n)
	t := fp16Table()
	var sum float64
	for i, v := range a {
		sum += float64(float32(t[v] * t[b[i]]))
	}
	return float32(sum)
}

// fp16Table is every binary16 value widened (256 KB, built on first use
// by the pure-Go F16 dot product).
var fp16Table = sync.OnceValue(func() *[1 << 16]float32 {
	t := new([1 << 16]float32)
	for h := range t {
		t[h] = fp16to32(uint16(h))
	}
	return t
})

func dotBF16Go(n int, w, x *byte) float32 {
	a := unsafe.Slice((*uint16)(unsafe.Pointer(w)), n)
	b := unsafe.Slice((*uint16)(unsafe.Pointer(x)), n)
	var sum float64
	for i, v := range a {
		sum += float64(float32(quantize.BF16ToFP32(v) * quantize.BF16ToFP32(b[i])))
	}
	return float32(sum)
}

// floatAt returns value i of a row of F32, F16 or BF16 values at p.
func floatAt(t gguf.Type, p unsafe.Pointer, i int) float32 {
	switch t {
	case gguf.F16:
		return fp16to32(*(*uint16)(unsafe.Add(p, 2*i)))
	case gguf.BF16:
		return quantize.BF16ToFP32(*(*uint16)(unsafe.Add(p, 2*i)))
	}
	return *(*float32)(unsafe.Add(p, 4*i))
}

// matMulFloat is MatMulStride for F32, F16 and BF16: tiles of two weight
// rows by four activation rows where the kernel exists, Dot elsewhere.
func matMulFloat(w gguf.Type, k *kernels, rows, n int, W, acts []byte, nact int, out []float32, ldOut int) {
	wsz, asz := RowSize(w, n), RowSize(w, n)
	wp, ap, op := unsafe.Pointer(unsafe.SliceData(W)), unsafe.Pointer(unsafe.SliceData(acts)), unsafe.Pointer(unsafe.SliceData(out))
	at := func(j, r int) *float32 { return (*float32)(unsafe.Add(op, 4*(j*ldOut+r))) }
	wrow := func(r int) *byte { return (*byte)(unsafe.Add(wp, r*wsz)) }
	arow := func(j int) *byte { return (*byte)(unsafe.Add(ap, j*asz)) }
	n8 := n &^ 7
	tile := max(2, tileBytes/wsz) &^ 1
	for r0 := 0; r0 < rows; r0 += tile {
		r1 := min(r0+tile, rows)
		j := 0
		if k.dot2x4 != nil && n8 > 0 {
			for ; j+4 <= nact; j += 4 {
				r := r0
				for ; r+2 <= r1; r += 2 {
					k.dot2x4(n8, wrow(r), wsz, arow(j), asz, at(j, r), ldOut)
					if n8 < n {
						for jj := j; jj < j+4; jj++ {
							for rr := r; rr < r+2; rr++ {
								s := *at(jj, rr)
								for i := n8; i < n; i++ {
									s += float32(floatAt(w, unsafe.Pointer(wrow(rr)), i) * floatAt(w, unsafe.Pointer(arow(jj)), i))
								}
								*at(jj, rr) = s
							}
						}
					}
				}
				for ; r < r1; r++ {
					for jj := j; jj < j+4; jj++ {
						*at(jj, r) = k.dot(n, wrow(r), arow(jj))
					}
				}
			}
		}
		for ; j < nact; j++ {
			for r := r0; r < r1; r++ {
				*at(j, r) = k.dot(n, wrow(r), arow(j))
			}
		}
	}
}
