package quantize

import (
	"encoding/binary"
	"math"

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
//
// Quantization follows ggml's quantize_row_*_ref in float32 arithmetic
// (ggml-base is built without FMA contraction; the explicit float32
// conversions below keep Go from fusing a multiply into the following add).

const qk = 32

func init() {
	register(&Format{Type: gguf.Q4_0, Quantize: quantizeQ4_0, Dequantize: dequantizeQ4_0})
	register(&Format{Type: gguf.Q4_1, Quantize: quantizeQ4_1, Dequantize: dequantizeQ4_1})
	register(&Format{Type: gguf.Q5_0, Quantize: quantizeQ5_0, Dequantize: dequantizeQ5_0})
	register(&Format{Type: gguf.Q5_1, Quantize: quantizeQ5_1, Dequantize: dequantizeQ5_1})
	register(&Format{Type: gguf.Q8_0, Quantize: quantizeQ8_0, Dequantize: dequantizeQ8_0})
}

// extend grows dst by n bytes and returns the whole slice and the new part.
func extend(dst []byte, n int) ([]byte, []byte) {
	l := len(dst)
	if cap(dst)-l < n {
		nd := make([]byte, l, 2*cap(dst)+n)
		copy(nd, dst)
		dst = nd
	}
	dst = dst[:l+n]
	return dst, dst[l:]
}

func putF16(b []byte, f float32) { binary.LittleEndian.PutUint16(b, FP32ToFP16(f)) }
func getF16(b []byte) float32    { return FP16ToFP32(binary.LittleEndian.Uint16(b)) }

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
			q0 := min(15, int32(int8(int32(float32(x[j]*id)+8.5))))
			q1 := min(15, int32(int8(int32(float32(x[j+qk/2]*id)+8.5))))
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
			q0 := min(15, int32(int8(int32(float32((x[j]-mn)*id)+0.5))))
			q1 := min(15, int32(int8(int32(float32((x[j+qk/2]-mn)*id)+0.5))))
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
			q0 := uint32(min(31, int32(int8(int32(float32(x[j]*id)+16.5)))))
			q1 := uint32(min(31, int32(int8(int32(float32(x[j+qk/2]*id)+16.5)))))
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
			q0 := uint32(uint8(int32(float32((x[j]-mn)*id) + 0.5)))
			q1 := uint32(uint8(int32(float32((x[j+qk/2]-mn)*id) + 0.5)))
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
		var amax float32
		for _, v := range x {
			amax = max(amax, float32(math.Abs(float64(v))))
		}
		d := amax / 127
		id := inv(d)
		putF16(y, d)
		for j, v := range x {
			y[2+j] = byte(int8(math.Round(float64(v * id))))
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
