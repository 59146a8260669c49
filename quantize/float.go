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
// llama.cpp's converter uses. Numbers round as ggml's F16C conversion does
// too; NaNs follow numpy (top 10 payload bits kept, made non-zero) where
// F16C would also set the quiet bit.
func FP32ToFP16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant != 0 {
			h := uint16(mant >> 13)
			if h == 0 {
				h = 1
			}
			return sign | 0x7c00 | h
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

// AppendF32 appends src as little-endian float32 bytes.
func AppendF32(dst []byte, src []float32) []byte {
	dst, out := extend(dst, 4*len(src))
	for i, v := range src {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
	}
	return dst
}

// AppendF16 appends src rounded to little-endian binary16 bytes.
func AppendF16(dst []byte, src []float32) []byte {
	dst, out := extend(dst, 2*len(src))
	for i, v := range src {
		binary.LittleEndian.PutUint16(out[2*i:], FP32ToFP16(v))
	}
	return dst
}

// AppendBF16 appends src rounded to little-endian bfloat16 bytes.
func AppendBF16(dst []byte, src []float32) []byte {
	dst, out := extend(dst, 2*len(src))
	for i, v := range src {
		binary.LittleEndian.PutUint16(out[2*i:], FP32ToBF16(v))
	}
	return dst
}

// Tables for the 16-bit to 16-bit conversions: each output is a function
// of the 16 input bits, so a lookup replaces the float arithmetic.
var (
	bf16ToF16Tab  [1 << 16]uint16
	f16ToBF16Tab  [1 << 16]uint16
	f16ToF32Tab   [1 << 16]float32
	bf16ToBF16Tab [1 << 16]uint16
)

func init() {
	for i := 0; i < 1<<16; i++ {
		bf16ToF16Tab[i] = FP32ToFP16(BF16ToFP32(uint16(i)))
		f16ToF32Tab[i] = FP16ToFP32(uint16(i))
		f16ToBF16Tab[i] = FP32ToBF16(f16ToF32Tab[i])
		bf16ToBF16Tab[i] = FP32ToBF16(BF16ToFP32(uint16(i)))
	}
}

// BF16ToF16Bytes converts little-endian bfloat16 bytes to binary16 bytes
// (len(dst) >= len(src)); equal to BF16ToFP32 then FP32ToFP16.
func BF16ToF16Bytes(dst, src []byte) {
	dst = dst[:len(src)]
	for i := 0; i+1 < len(src); i += 2 {
		h := bf16ToF16Tab[uint16(src[i])|uint16(src[i+1])<<8]
		dst[i], dst[i+1] = byte(h), byte(h>>8)
	}
}

// F16ToBF16Bytes converts binary16 bytes to bfloat16 bytes.
func F16ToBF16Bytes(dst, src []byte) {
	dst = dst[:len(src)]
	for i := 0; i+1 < len(src); i += 2 {
		h := f16ToBF16Tab[uint16(src[i])|uint16(src[i+1])<<8]
		dst[i], dst[i+1] = byte(h), byte(h>>8)
	}
}

// F16ToF32Bytes converts binary16 bytes to float32 bytes (len(dst) >= 2·len(src)).
func F16ToF32Bytes(dst, src []byte) {
	n := len(src) / 2
	dst = dst[:4*n]
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(f16ToF32Tab[uint16(src[2*i])|uint16(src[2*i+1])<<8]))
	}
}

// BF16ToF32Bytes converts bfloat16 bytes to float32 bytes (len(dst) >= 2·len(src)).
func BF16ToF32Bytes(dst, src []byte) {
	n := len(src) / 2
	dst = dst[:4*n]
	for i := 0; i < n; i++ {
		dst[4*i], dst[4*i+1] = 0, 0
		dst[4*i+2], dst[4*i+3] = src[2*i], src[2*i+1]
	}
}

// BF16ToBF16Bytes re-rounds bfloat16 bytes through float32, as the
// reference does: the identity except that NaNs are made quiet.
func BF16ToBF16Bytes(dst, src []byte) {
	dst = dst[:len(src)]
	for i := 0; i+1 < len(src); i += 2 {
		h := bf16ToBF16Tab[uint16(src[i])|uint16(src[i+1])<<8]
		dst[i], dst[i+1] = byte(h), byte(h>>8)
	}
}
