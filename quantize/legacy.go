package quantize

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"

	"github.com/hfctl/hfctl/gguf"
)

// The legacy ggml block formats, 32 values per block (little-endian):
//
//	Q4_0 (18 B): f16 d | 16 B nibbles: value j in the low nibble of byte j,
//	             value j+16 in the high nibble; x = d·(q-8)
//	Q4_1 (20 B): f16 d | f16 m | 16 B nibbles as Q4_0; x = d·q + m
//	Q5_0 (22 B): f16 d | u32 qh (bit j = 5th bit of value j) | 16 B nibbles; x = d·(q-16)
//	Q5_1 (24 B): f16 d | f16 m | u32 qh | 16 B nibbles; x = d·q + m
//	Q8_0 (34 B): f16 d | 32 × int8; x = d·q
//	Q8_1 (36 B): f16 d | f16 s = d·Σq | 32 × int8; x = d·q (ggml uses it
//	             for activations only and has no dequantizer; ours is Q8_0's)
//
// Quantization follows ggml's quantize_row_*_ref in float32 arithmetic.
// ggml-base is built for baseline x86-64 (no -march=native, so no FMA and
// no contraction); the explicit float32(...) conversions below keep Go from
// fusing a multiply into the following add (it does so for GOAMD64=v3 and
// on arm64). Float-to-integer casts go through truncToInt32, which behaves
// as x86's cvttss2si (what ggml's casts compile to) on every platform.

const qk = 32

func init() {
	register(&Format{Type: gguf.Q4_0, Quantize: quantizeQ4_0, Dequantize: dequantizeQ4_0})
	register(&Format{Type: gguf.Q4_1, Quantize: quantizeQ4_1, Dequantize: dequantizeQ4_1})
	register(&Format{Type: gguf.Q5_0, Quantize: quantizeQ5_0, Dequantize: dequantizeQ5_0})
	register(&Format{Type: gguf.Q5_1, Quantize: quantizeQ5_1, Dequantize: dequantizeQ5_1})
	register(&Format{Type: gguf.Q8_0, Quantize: quantizeQ8_0, Dequantize: dequantizeQ8_0})
	register(&Format{Type: gguf.Q8_1, Quantize: quantizeQ8_1, Dequantize: dequantizeQ8_1})
}

// putF16 stores f as ggml's GGML_FP32_TO_FP16 does: numbers as FP32ToFP16,
// every NaN as the quiet NaN 0x7e00 with f's sign.
func putF16(b []byte, f float32) {
	h := FP32ToFP16(f)
	if f != f {
		h = h&0x8000 | 0x7e00
	}
	binary.LittleEndian.PutUint16(b, h)
}

func getF16(b []byte) float32 { return FP16ToFP32(binary.LittleEndian.Uint16(b)) }

// truncToInt32 converts toward zero as cvttss2si does: NaN and values out
// of int32 range give math.MinInt32. Go leaves those conversions to the
// platform: amd64's is that instruction (so the check is compiled out
// there), arm64 saturates.
func truncToInt32(f float32) int32 {
	if runtime.GOARCH == "amd64" || f >= -2147483648 && f < 2147483648 {
		return int32(f)
	}
	return math.MinInt32
}

// roundToInt8 is C's `int8_t q = roundf(f)`: half away from zero, then the
// cast (low byte of cvttss2si).
func roundToInt8(f float32) int8 {
	return int8(truncToInt32(float32(math.Round(float64(f)))))
}

// absMaxC is the largest magnitude as ggml's MAX(amax, fabsf(v)) loop finds
// it: a NaN replaces amax but is itself replaced by the next value.
func absMaxC(x []float32) float32 {
	var amax float32
	for _, v := range x {
		if a := absf(v); !(amax > a) {
			amax = a
		}
	}
	return amax
}

// absMaxSigned returns the value of largest magnitude (the first one on ties).
func absMaxSigned(x []float32) float32 {
	_, v := absMax(x)
	return v
}

func minMax(x []float32) (float32, float32) {
	min, max := float32(math.MaxFloat32), float32(-math.MaxFloat32)
	for _, v := range x {
		if v < min {
			min = v
		}
		if v > max {
			max = v
		}
	}
	return min, max
}

func inv(d float32) float32 {
	if d != 0 {
		return 1 / d
	}
	return 0
}

func quantizeQ4_0(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qk*18)
	for b := 0; b < len(src)/qk; b++ {
		x, y := src[b*qk:(b+1)*qk], out[b*18:(b+1)*18]
		d := absMaxSigned(x) / -8
		id := inv(d)
		putF16(y, d)
		for j := 0; j < qk/2; j++ {
			q0 := min(15, int32(int8(truncToInt32(float32(x[j]*id)+8.5))))
			q1 := min(15, int32(int8(truncToInt32(float32(x[j+qk/2]*id)+8.5))))
			y[2+j] = byte(q0) | byte(q1)<<4
		}
	}
	return dst
}

func dequantizeQ4_0(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qk; b++ {
		y, x := src[b*18:(b+1)*18], dst[b*qk:(b+1)*qk]
		d := getF16(y)
		for j := 0; j < qk/2; j++ {
			x[j] = float32(int32(y[2+j]&15)-8) * d
			x[j+qk/2] = float32(int32(y[2+j]>>4)-8) * d
		}
	}
}

func quantizeQ4_1(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qk*20)
	for b := 0; b < len(src)/qk; b++ {
		x, y := src[b*qk:(b+1)*qk], out[b*20:(b+1)*20]
		mn, mx := minMax(x)
		d := (mx - mn) / 15
		id := inv(d)
		putF16(y, d)
		putF16(y[2:], mn)
		for j := 0; j < qk/2; j++ {
			q0 := min(15, int32(int8(truncToInt32(float32((x[j]-mn)*id)+0.5))))
			q1 := min(15, int32(int8(truncToInt32(float32((x[j+qk/2]-mn)*id)+0.5))))
			y[4+j] = byte(q0) | byte(q1)<<4
		}
	}
	return dst
}

func dequantizeQ4_1(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qk; b++ {
		y, x := src[b*20:(b+1)*20], dst[b*qk:(b+1)*qk]
		d, m := getF16(y), getF16(y[2:])
		for j := 0; j < qk/2; j++ {
			x[j] = float32(float32(y[4+j]&15)*d) + m
			x[j+qk/2] = float32(float32(y[4+j]>>4)*d) + m
		}
	}
}

func quantizeQ5_0(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qk*22)
	for b := 0; b < len(src)/qk; b++ {
		x, y := src[b*qk:(b+1)*qk], out[b*22:(b+1)*22]
		d := absMaxSigned(x) / -16
		id := inv(d)
		putF16(y, d)
		var qh uint32
		for j := 0; j < qk/2; j++ {
			q0 := uint32(min(31, int32(int8(truncToInt32(float32(x[j]*id)+16.5)))))
			q1 := uint32(min(31, int32(int8(truncToInt32(float32(x[j+qk/2]*id)+16.5)))))
			y[6+j] = byte(q0&15) | byte(q1&15)<<4
			qh |= (q0 >> 4 & 1) << j
			qh |= (q1 >> 4 & 1) << (j + qk/2)
		}
		binary.LittleEndian.PutUint32(y[2:], qh)
	}
	return dst
}

func dequantizeQ5_0(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qk; b++ {
		y, x := src[b*22:(b+1)*22], dst[b*qk:(b+1)*qk]
		d := getF16(y)
		qh := binary.LittleEndian.Uint32(y[2:])
		for j := 0; j < qk/2; j++ {
			h0 := int32(qh>>j&1) << 4
			h1 := int32(qh>>(j+qk/2)&1) << 4
			x[j] = float32(int32(y[6+j]&15)|h0-16) * d
			x[j+qk/2] = float32(int32(y[6+j]>>4)|h1-16) * d
		}
	}
}

func quantizeQ5_1(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qk*24)
	for b := 0; b < len(src)/qk; b++ {
		x, y := src[b*qk:(b+1)*qk], out[b*24:(b+1)*24]
		mn, mx := minMax(x)
		d := (mx - mn) / 31
		id := inv(d)
		putF16(y, d)
		putF16(y[2:], mn)
		var qh uint32
		for j := 0; j < qk/2; j++ {
			q0 := uint32(uint8(truncToInt32(float32((x[j]-mn)*id) + 0.5)))
			q1 := uint32(uint8(truncToInt32(float32((x[j+qk/2]-mn)*id) + 0.5)))
			y[8+j] = byte(q0&15) | byte(q1&15)<<4
			qh |= (q0 >> 4 & 1) << j
			qh |= (q1 >> 4 & 1) << (j + qk/2)
		}
		binary.LittleEndian.PutUint32(y[4:], qh)
	}
	return dst
}

func dequantizeQ5_1(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qk; b++ {
		y, x := src[b*24:(b+1)*24], dst[b*qk:(b+1)*qk]
		d, m := getF16(y), getF16(y[2:])
		qh := binary.LittleEndian.Uint32(y[4:])
		for j := 0; j < qk/2; j++ {
			h0 := uint32(qh>>j&1) << 4
			h1 := uint32(qh>>(j+qk/2)&1) << 4
			x[j] = float32(float32(uint32(y[8+j]&15)|h0)*d) + m
			x[j+qk/2] = float32(float32(uint32(y[8+j]>>4)|h1)*d) + m
		}
	}
}

func quantizeQ8_0(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qk*34)
	for b := 0; b < len(src)/qk; b++ {
		x, y := src[b*qk:(b+1)*qk], out[b*34:(b+1)*34]
		d := absMaxC(x) / 127
		id := inv(d)
		putF16(y, d)
		for j, v := range x {
			y[2+j] = byte(roundToInt8(v * id))
		}
	}
	return dst
}

func dequantizeQ8_0(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qk; b++ {
		y, x := src[b*34:(b+1)*34], dst[b*qk:(b+1)*qk]
		d := getF16(y)
		for j := range x {
			x[j] = float32(int8(y[2+j])) * d
		}
	}
}

func quantizeQ8_1(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qk*36)
	for b := 0; b < len(src)/qk; b++ {
		x, y := src[b*qk:(b+1)*qk], out[b*36:(b+1)*36]
		d := absMaxC(x) / 127
		id := inv(d)
		putF16(y, d)
		var sum int32
		for j, v := range x {
			q := roundToInt8(v * id)
			y[4+j] = byte(q)
			sum += int32(q)
		}
		putF16(y[2:], float32(sum)*d)
	}
	return dst
}

func dequantizeQ8_1(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qk; b++ {
		y, x := src[b*36:(b+1)*36], dst[b*qk:(b+1)*qk]
		d := getF16(y)
		for j := range x {
			x[j] = float32(int8(y[4+j])) * d
		}
	}
}

// scaleFields lists, per block format, the byte offsets of the f16 scales
// that ggml_validate_row_data requires to be finite (d, and m or dmin).
var scaleFields = map[gguf.Type][]int{
	gguf.Q4_0: {0}, gguf.Q4_1: {0, 2}, gguf.Q5_0: {0}, gguf.Q5_1: {0, 2}, gguf.Q8_0: {0},
	gguf.Q2_K: {80, 82}, gguf.Q3_K: {108}, gguf.Q4_K: {0, 2}, gguf.Q5_K: {0, 2}, gguf.Q6_K: {208},
}

// ValidateBlocks is ggml_validate_row_data for the block formats: it
// reports the first block whose f16 scale (or min) is infinite or NaN, as
// llama-quantize does after quantizing a tensor ("quantized data validation
// failed"): quantization of non-finite input, or of values beyond the f16
// range, lands there. Q8_K's f32 d is checked the same way. Other types pass.
func ValidateBlocks(t gguf.Type, data []byte) error {
	info, ok := t.Info()
	if !ok || !info.Quantized {
		return nil
	}
	if len(data)%info.TypeSize != 0 {
		return fmt.Errorf("quantize: %d bytes are not a whole number of %s blocks", len(data), t)
	}
	if t == gguf.Q8_K {
		for i := 0; i < len(data); i += info.TypeSize {
			if binary.LittleEndian.Uint32(data[i:])&0x7f800000 == 0x7f800000 {
				return fmt.Errorf("quantize: %s block %d has a non-finite scale", t, i/info.TypeSize)
			}
		}
		return nil
	}
	offs := scaleFields[t]
	for i := 0; i < len(data); i += info.TypeSize {
		for _, o := range offs {
			if binary.LittleEndian.Uint16(data[i+o:])&0x7c00 == 0x7c00 {
				return fmt.Errorf("quantize: %s block %d has a non-finite scale", t, i/info.TypeSize)
			}
		}
	}
	return nil
}
