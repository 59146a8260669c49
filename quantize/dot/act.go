package dot

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// QuantizeAct converts the activation row x to ActType(t) (t the weight
// type, or an activation type itself) as ggml-cpu's from_float for that
// type does at run time, appending the row to dst:
//
//   - F32: the values as they are.
//   - F16: ggml_cpu_fp32_to_fp16: round to nearest even; NaNs keep their
//     top payload bits (F16C) except in the last len(x)%4 values, which
//     ggml converts in C and makes 0x7e00 (with the sign).
//   - BF16: ggml_cpu_fp32_to_bf16 (GGML_FP32_TO_BF16: nearest even, NaNs
//     quieted).
//   - Q8_0, Q8_1: ggml-cpu's quantize_row_q8_0 / quantize_row_q8_1 as
//     compiled for AVX2 (arch/x86/quants.c), which differ from the
//     quantize package's bit-exact _ref quantizers: the multiplier is
//     127/amax rather than 1/(amax/127) (they can differ in the last bit),
//     values are rounded half to even (_mm256_round_ps) rather than half
//     away from zero (roundf), and the block maximum follows maxps's NaN
//     rule. Q8_1's s is d·Σq as ggml computes it. d and s go to F16 as
//     GGML_CPU_FP32_TO_FP16 (a NaN becomes 0x7e00). These are the bytes
//     ggml's x86 CPU backend produces.
//   - Q8_K: quantize_row_q8_K, which is quantize_row_q8_K_ref on x86 (the
//     quantize package's Q8_K quantizer gives the same bytes), except that
//     the block sums of an all-zero block are zero here where ggml leaves
//     them unwritten (they are multiplied by d = 0).
//
// len(x) must be a multiple of the activation type's block size.
func QuantizeAct(dst []byte, x []float32, t gguf.Type) []byte {
	at := ActType(t)
	sz := RowSize(at, len(x))
	l := len(dst)
	if cap(dst)-l < sz {
		nd := make([]byte, l, l+sz+l/4)
		copy(nd, dst)
		dst = nd
	}
	dst = dst[:l+sz]
	y := dst[l:]
	if len(x) == 0 {
		return dst
	}
	switch at {
	case gguf.F32:
		for i, v := range x {
			binary.LittleEndian.PutUint32(y[4*i:], math.Float32bits(v))
		}
	case gguf.F16:
		actF16(y, x)
	case gguf.BF16:
		for i, v := range x {
			binary.LittleEndian.PutUint16(y[2*i:], quantize.FP32ToBF16(v))
		}
	case gguf.Q8_0:
		actQ8_0(unsafe.SliceData(y), unsafe.SliceData(x), len(x)/32)
	case gguf.Q8_1:
		actQ8_1(unsafe.SliceData(y), unsafe.SliceData(x), len(x)/32)
	case gguf.Q8_K:
		quantQ8K(y, x)
	default:
		panic(fmt.Sprintf("dot: no quantizer for activation type %s", at))
	}
	return dst
}

// The activation quantizers; assembly replaces them where present.
var (
	actF16  = actF16Go
	actQ8_0 = actQ8_0Go
	actQ8_1 = actQ8_1Go
)

// fp16F16C is F16C's vcvtps2ph (round to nearest even): FP32ToFP16's
// rounding, NaNs quieted keeping their top 10 payload bits.
func fp16F16C(f float32) uint16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return uint16(b>>16)&0x8000 | 0x7e00 | uint16(b>>13)&0x3ff
	}
	return quantize.FP32ToFP16(f)
}

// fp16Compute is ggml_compute_fp32_to_fp16, which GGML_CPU_FP32_TO_FP16 is
// on x86: the same rounding, every NaN 0x7e00 with its sign.
func fp16Compute(f float32) uint16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return uint16(b>>16)&0x8000 | 0x7e00
	}
	return quantize.FP32ToFP16(f)
}

// actF16Go is ggml_cpu_fp32_to_fp16 with F16C: vcvtps2ph on groups of 8
// and 4 values, GGML_CPU_FP32_TO_FP16 on the last n%4.
func actF16Go(y []byte, x []float32) {
	n4 := len(x) &^ 3
	for i, v := range x {
		h := fp16F16C(v)
		if i >= n4 {
			h = fp16Compute(v)
		}
		binary.LittleEndian.PutUint16(y[2*i:], h)
	}
}

// maxps is x86's MAXPS on one lane: a if a > b, else b (so b when either
// is NaN).
func maxps(a, b float32) float32 {
	if a > b {
		return a
	}
	return b
}

func absf(f float32) float32 { return math.Float32frombits(math.Float32bits(f) &^ (1 << 31)) }

// blockMaxAVX is the max(|x|) of a 32-value block as ggml's AVX code
// reduces it (four vectors, then lanes), NaNs included.
func blockMaxAVX(x []float32) float32 {
	var m [8]float32
	for l := 0; l < 8; l++ {
		a := absf(x[l])
		a = maxps(a, absf(x[8+l]))
		a = maxps(a, absf(x[16+l]))
		m[l] = maxps(a, absf(x[24+l]))
	}
	var m4 [4]float32
	for l := 0; l < 4; l++ {
		m4[l] = maxps(m[4+l], m[l])
	}
	m0, m1 := maxps(m4[0], m4[2]), maxps(m4[1], m4[3])
	return maxps(m0, m1)
}

// cvtRound is _mm256_cvtps_epi32(_mm256_round_ps(f, nearest)): nearest
// even; NaN and out-of-range values give math.MinInt32.
func cvtRound(f float32) int32 {
	r := math.RoundToEven(float64(f))
	if r != r || r >= 1<<31 || r < -(1<<31) {
		return math.MinInt32
	}
	return int32(r)
}

// sat8 is the two saturating packs (int32 → int16 → int8).
func sat8(v int32) byte { return byte(int8(max(-128, min(127, v)))) }

// q8Block quantizes one block as ggml's AVX2 quantize_row_q8_0/_1 and
// returns d and the (wrapping) sum of the int32 values before packing.
func q8Block(qs []byte, x []float32) (d float32, sum int32) {
	amax := blockMaxAVX(x)
	d = amax / 127
	var id float32
	if amax != 0 {
		id = 127 / amax
	}
	for j, v := range x[:32] {
		q := cvtRound(v * id)
		sum += q
		qs[j] = sat8(q)
	}
	return d, sum
}

func actQ8_0Go(y *byte, x *float32, nb int) {
	ys, xs := unsafe.Slice(y, nb*34), unsafe.Slice(x, nb*32)
	for b := 0; b < nb; b++ {
		blk := ys[b*34 : b*34+34]
		d, _ := q8Block(blk[2:], xs[b*32:b*32+32])
		binary.LittleEndian.PutUint16(blk, fp16Compute(d))
	}
}

func actQ8_1Go(y *byte, x *float32, nb int) {
	ys, xs := unsafe.Slice(y, nb*36), unsafe.Slice(x, nb*32)
	for b := 0; b < nb; b++ {
		blk := ys[b*36 : b*36+36]
		d, sum := q8Block(blk[4:], xs[b*32:b*32+32])
		binary.LittleEndian.PutUint16(blk, fp16Compute(d))
		binary.LittleEndian.PutUint16(blk[2:], fp16Compute(d*float32(sum)))
	}
}

// nearestInt is ggml's nearest_int (magic-number rounding, half to even).
func nearestInt(f float32) int32 {
	v := f + 12582912
	return int32(math.Float32bits(v)&0x007fffff) - 0x00400000
}

// quantQ8K is quantize_row_q8_K_ref.
func quantQ8K(y []byte, x []float32) {
	for b := 0; b < len(x)/256; b++ {
		xb, yb := x[b*256:b*256+256], y[b*292:b*292+292]
		var amax, mx float32
		for _, v := range xb {
			if a := absf(v); a > amax {
				amax, mx = a, v
			}
		}
		if amax == 0 {
			clear(yb)
			continue
		}
		iscale := -127 / mx
		qs := yb[4:260]
		for j, v := range xb {
			qs[j] = byte(int8(min(127, nearestInt(float32(iscale*v)))))
		}
		for j := 0; j < 16; j++ {
			var sum int32
			for _, q := range qs[16*j : 16*j+16] {
				sum += int32(int8(q))
			}
			binary.LittleEndian.PutUint16(yb[260+2*j:], uint16(int16(sum)))
		}
		binary.LittleEndian.PutUint32(yb, math.Float32bits(1/iscale))
	}
}
