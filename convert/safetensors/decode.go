package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/hfctl/hfctl/quantize"
)

// Float32s fills dst with elements [start, start+len(dst)) of t converted
// to float32. F32, F16, BF16, F64 (rounded), F8_E4M3 and F8_E5M2 are
// supported; other dtypes give an error naming the tensor.
func (t *Tensor) Float32s(dst []float32, start int64) error {
	n := int64(len(dst))
	switch t.DType {
	case "F32", "BF16", "F16", "F64", "F8_E4M3", "F8_E5M2":
	default:
		return fmt.Errorf("%s: tensor %q has dtype %s, which is not a floating-point type hfctl converts", t.File, t.Name, t.DType)
	}
	size := dtypeSizes[t.DType]
	// Written so that no sum can overflow (start near MaxInt64).
	if total := int64(len(t.Data)) / size; start < 0 || start > total || n > total-start {
		return fmt.Errorf("%s: tensor %q: elements [%d, %d+%d) out of range (it has %d)", t.File, t.Name, start, start, n, total)
	}
	b := t.Data[start*size : (start+n)*size]
	switch t.DType {
	case "F32":
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	case "BF16":
		for i := range dst {
			dst[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(b[2*i:])) << 16)
		}
	case "F16":
		for i := range dst {
			dst[i] = quantize.FP16ToFP32(binary.LittleEndian.Uint16(b[2*i:]))
		}
	case "F64":
		for i := range dst {
			dst[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
		}
	case "F8_E4M3":
		for i := range dst {
			dst[i] = e4m3[b[i]]
		}
	case "F8_E5M2":
		for i := range dst {
			dst[i] = e5m2[b[i]]
		}
	default:
		return fmt.Errorf("%s: tensor %q has dtype %s, which is not a floating-point type hfctl converts", t.File, t.Name, t.DType)
	}
	return nil
}

// FP8 lookup tables (OCP 8-bit floating point spec).
var e4m3, e5m2 [256]float32

func init() {
	for i := 0; i < 256; i++ {
		sign := float32(1)
		if i&0x80 != 0 {
			sign = -1
		}
		// E4M3FN: bias 7, no infinities, S.1111.111 is NaN.
		exp, mant := (i>>3)&0xf, i&7
		switch {
		case exp == 0xf && mant == 7:
			e4m3[i] = float32(math.NaN())
		case exp == 0:
			e4m3[i] = sign * float32(math.Ldexp(float64(mant)/8, -6))
		default:
			e4m3[i] = sign * float32(math.Ldexp(1+float64(mant)/8, exp-7))
		}
		// E5M2: bias 15, IEEE-like.
		exp, mant = (i>>2)&0x1f, i&3
		switch {
		case exp == 0x1f && mant == 0:
			e5m2[i] = sign * float32(math.Inf(1))
		case exp == 0x1f:
			e5m2[i] = float32(math.NaN())
		case exp == 0:
			e5m2[i] = sign * float32(math.Ldexp(float64(mant)/4, -14))
		default:
			e5m2[i] = sign * float32(math.Ldexp(1+float64(mant)/4, exp-15))
		}
	}
}
