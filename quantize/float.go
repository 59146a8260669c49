// Package quantize holds ggml's number formats: the 16-bit floats now,
// the block quantization formats next.
package quantize

import (
	"encoding/binary"
	"math"
)

// FP16ToFP32 widens an IEEE binary16 value (exact).
func FP16ToFP32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // inf, NaN (payload kept)
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp != 0:
		return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
	case mant == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal: normalise.
	e := uint32(113)
	for mant&0x400 == 0 {
		mant <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (mant&0x3ff)<<13)
}

// FP32ToFP16 rounds to IEEE binary16, nearest-even, with subnormals and
// overflow to infinity: the same bits as numpy's astype(float16), which
// llama.cpp's converter uses, and as ggml's F16C/scalar conversion. A NaN
// stays a NaN (quiet, with the top payload bits kept).
func FP32ToFP16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant != 0 {
			return sign | 0x7e00 | uint16(mant>>13)
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		if e < -10 {
			return sign // below half the smallest subnormal: ±0
		}
		mant |= 0x800000
		shift := uint32(14 - e)
		h := mant >> shift
		rem := mant & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && h&1 == 1) {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(e)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
		h++ // may carry into the exponent, up to infinity: correct
	}
	return sign | uint16(h)
}

// BF16ToFP32 widens a bfloat16 (exact).
func BF16ToFP32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// FP32ToBF16 rounds to bfloat16 as ggml_compute_fp32_to_bf16 and gguf-py
// do: nearest-even on the top 16 bits, NaN forced quiet (bit 0x40).
func FP32ToBF16(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 64
	}
	return uint16((uint64(u) + uint64(0x7fff+(u>>16&1))) >> 16)
}

// FP32ToFP16Row converts src into dst (len(dst) >= len(src)).
func FP32ToFP16Row(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = FP32ToFP16(v)
	}
}

// FP16ToFP32Row converts src into dst.
func FP16ToFP32Row(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = FP16ToFP32(v)
	}
}

// FP32ToBF16Row converts src into dst.
func FP32ToBF16Row(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = FP32ToBF16(v)
	}
}

// BF16ToFP32Row converts src into dst.
func BF16ToFP32Row(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = BF16ToFP32(v)
	}
}

func grow(dst []byte, n int) ([]byte, []byte) {
	l := len(dst)
	if cap(dst)-l < n {
		nd := make([]byte, l, l+n)
		copy(nd, dst)
		dst = nd
	}
	return dst[:l+n], dst[l : l+n]
}

// AppendF32 appends src as little-endian float32 bytes.
func AppendF32(dst []byte, src []float32) []byte {
	dst, out := grow(dst, 4*len(src))
	for i, v := range src {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
	}
	return dst
}

// AppendF16 appends src rounded to little-endian binary16 bytes.
func AppendF16(dst []byte, src []float32) []byte {
	dst, out := grow(dst, 2*len(src))
	for i, v := range src {
		binary.LittleEndian.PutUint16(out[2*i:], FP32ToFP16(v))
	}
	return dst
}

// AppendBF16 appends src rounded to little-endian bfloat16 bytes.
func AppendBF16(dst []byte, src []float32) []byte {
	dst, out := grow(dst, 2*len(src))
	for i, v := range src {
		binary.LittleEndian.PutUint16(out[2*i:], FP32ToBF16(v))
	}
	return dst
}
