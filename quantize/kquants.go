package quantize

import (
	"encoding/binary"
	"math"

	"github.com/hfctl/hfctl/gguf"
)

// The k-quant formats: super-blocks of 256 values (little-endian).
//
//	Q4_K (144 B): f16 d | f16 dmin | 12 B packed 6-bit scales and mins for
//	              8 sub-blocks of 32 | 128 B nibbles (per 64 values: low
//	              nibbles = first 32, high nibbles = next 32); x = d·sc·q − dmin·m
//	Q5_K (176 B): as Q4_K plus 32 B qh (5th bits) before the nibbles
//	Q6_K (210 B): 128 B low nibbles | 64 B high 2-bit pairs | 16 × int8
//	              scales (sub-blocks of 16) | f16 d; x = d·sc·(q − 32)
//	Q8_K (292 B): f32 d | 256 × int8 | 16 × int16 block sums (activations)
//
// Quantization follows ggml's quantize_row_*_ref in float32 arithmetic.
// ggml-base is compiled without FMA contraction, so every product that
// feeds an addition is rounded on its own: the explicit float32(...)
// conversions below stop Go from fusing them.

const qkK = 256

func init() {
	register(&Format{Type: gguf.Q4_K, Quantize: quantizeQ4K, Dequantize: dequantizeQ4K})
	register(&Format{Type: gguf.Q5_K, Quantize: quantizeQ5K, Dequantize: dequantizeQ5K})
	register(&Format{Type: gguf.Q6_K, Quantize: quantizeQ6K, Dequantize: dequantizeQ6K})
	register(&Format{Type: gguf.Q8_K, Quantize: quantizeQ8K, Dequantize: dequantizeQ8K})
}

// groupMaxEps: a group whose largest magnitude is below it is all zero.
const groupMaxEps = float32(1e-15)

// nearestInt rounds half to even through ggml's magic-number trick (valid
// for |f| < 2^22, as in ggml).
func nearestInt(f float32) int32 {
	v := f + 12582912
	return int32(math.Float32bits(v)&0x007fffff) - 0x00400000
}

func absf(f float32) float32 { return math.Float32frombits(math.Float32bits(f) &^ (1 << 31)) }

// addNaNFirst is a+b with x86 SSE's NaN rule made explicit: when both are
// NaN the result is a's, quieted (Go does not promise an operand order).
func addNaNFirst(a, b float32) float32 {
	if a != a {
		return math.Float32frombits(math.Float32bits(a) | 0x400000)
	}
	return a + b
}

func clampInt(v, lo, hi int32) int32 { return max(lo, min(hi, v)) }

// absMax returns the largest magnitude in x and the value that has it
// (the first one on ties), as ggml's loops find them.
func absMax(x []float32) (amax, signed float32) {
	for _, v := range x {
		if a := absf(v); a > amax {
			amax, signed = a, v
		}
	}
	return amax, signed
}

// makeQXQuants is ggml's make_qx_quants for rmse_type 1 without weights
// (the Q6_K path): symmetric quantization to [-nmax, nmax-1] searching
// 19 scales around nmax/max for the best weighted fit.
func makeQXQuants(x []float32, nmax int32, L []int8) float32 {
	amax, mx := absMax(x)
	if amax < groupMaxEps {
		clear(L[:len(x)])
		return 0
	}
	iscale := float32(-nmax) / mx
	var sumlx, suml2 float32
	for i, v := range x {
		l := clampInt(nearestInt(float32(iscale*v)), -nmax, nmax-1)
		L[i] = int8(l + nmax)
		w := float32(v * v)
		fl := float32(l)
		// NaN inputs: ggml's sums keep the accumulator's NaN payload, and
		// the payload reaches the output through the scale byte.
		sumlx = addNaNFirst(sumlx, float32(float32(w*v)*fl))
		suml2 = addNaNFirst(suml2, float32(float32(w*fl)*fl))
	}
	var scale float32
	if suml2 != 0 {
		scale = sumlx / suml2
	}
	best := float32(scale * sumlx)
	for is := int32(-9); is <= 9; is++ {
		if is == 0 {
			continue
		}
		iscale = -(float32(nmax) + float32(0.1*float32(is))) / mx
		sumlx, suml2 = 0, 0
		for _, v := range x {
			l := clampInt(nearestInt(float32(iscale*v)), -nmax, nmax-1)
			w := float32(v * v)
			fl := float32(l)
			sumlx += float32(float32(w*v) * fl)
			suml2 += float32(float32(w*fl) * fl)
		}
		if suml2 > 0 && float32(sumlx*sumlx) > float32(best*suml2) {
			for i, v := range x {
				L[i] = int8(nmax + clampInt(nearestInt(float32(iscale*v)), -nmax, nmax-1))
			}
			scale = sumlx / suml2
			best = float32(scale * sumlx)
		}
	}
	return scale
}

// makeQKX2Quants is ggml's make_qkx2_quants: asymmetric quantization to
// [0, nmax] with a min, searching nstep+1 scales for the least weighted
// squared (or, with useMad, absolute) error. It returns the scale and the
// (positive) min to subtract.
func makeQKX2Quants(x, weights []float32, nmax int32, L, Laux []uint8, rmin, rdelta float32, nstep int, useMad bool) (float32, float32) {
	errOf := func(diff float32) float32 {
		if useMad {
			return absf(diff)
		}
		return float32(diff * diff)
	}
	n := len(x)
	mn, mx := x[0], x[0]
	sumW := weights[0]
	sumX := float32(sumW * x[0])
	for i := 1; i < n; i++ {
		if x[i] < mn {
			mn = x[i]
		}
		if x[i] > mx {
			mx = x[i]
		}
		w := weights[i]
		sumW += w
		sumX += float32(w * x[i])
	}
	if mn > 0 {
		mn = 0
	}
	if mx == mn {
		for i := range L[:n] {
			L[i] = 0
		}
		return 0, -mn
	}
	iscale := float32(nmax) / (mx - mn)
	scale := 1 / iscale
	var bestErr float32
	for i := 0; i < n; i++ {
		l := clampInt(nearestInt(float32(iscale*(x[i]-mn))), 0, nmax)
		L[i] = uint8(l)
		diff := float32(float32(scale*float32(l))+mn) - x[i]
		bestErr += float32(weights[i] * errOf(diff))
	}
	if nstep < 1 {
		return scale, -mn
	}
	for is := 0; is <= nstep; is++ {
		iscale = (float32(rmin+float32(rdelta*float32(is))) + float32(nmax)) / (mx - mn)
		var sumL, sumL2, sumXL float32
		for i := 0; i < n; i++ {
			l := clampInt(nearestInt(float32(iscale*(x[i]-mn))), 0, nmax)
			Laux[i] = uint8(l)
			w := weights[i]
			fl := float32(l)
			wl := float32(w * fl)
			sumL += wl
			sumL2 += float32(wl * fl)
			sumXL += float32(wl * x[i])
		}
		D := float32(sumW*sumL2) - float32(sumL*sumL)
		if D > 0 {
			thisScale := (float32(sumW*sumXL) - float32(sumX*sumL)) / D
			thisMin := (float32(sumL2*sumX) - float32(sumL*sumXL)) / D
			if thisMin > 0 {
				thisMin = 0
				thisScale = sumXL / sumL2
			}
			var curErr float32
			for i := 0; i < n; i++ {
				diff := float32(float32(thisScale*float32(Laux[i]))+thisMin) - x[i]
				curErr += float32(weights[i] * errOf(diff))
			}
			if curErr < bestErr {
				copy(L[:n], Laux[:n])
				bestErr, scale, mn = curErr, thisScale, thisMin
			}
		}
	}
	return scale, -mn
}

// getScaleMinK4 unpacks sub-block j's 6-bit scale and min.
func getScaleMinK4(j int, q []byte) (uint8, uint8) {
	if j < 4 {
		return q[j] & 63, q[j+4] & 63
	}
	return (q[j+4] & 0xF) | ((q[j-4] >> 6) << 4), (q[j+4] >> 4) | ((q[j] >> 6) << 4)
}

// quantizeKMin is the shared body of Q4_K and Q5_K: sub-block scales and
// mins by makeQKX2Quants, packed to 6 bits, then the final levels.
func quantizeKMin(x []float32, nmax int32, rmin float32, nstep int, head []byte, L *[qkK]uint8) {
	var scales, mins [8]float32
	var weights [32]float32
	var laux [32]uint8
	var maxScale, maxMin float32
	for j := 0; j < 8; j++ {
		xs := x[32*j : 32*j+32]
		var sumX2 float32
		for _, v := range xs {
			sumX2 += float32(v * v)
		}
		avX := float32(math.Sqrt(float64(sumX2 / 32)))
		for l, v := range xs {
			weights[l] = avX + absf(v)
		}
		scales[j], mins[j] = makeQKX2Quants(xs, weights[:], nmax, L[32*j:32*j+32], laux[:], rmin, 0.1, nstep, false)
		if scales[j] > maxScale {
			maxScale = scales[j]
		}
		if mins[j] > maxMin {
			maxMin = mins[j]
		}
	}
	var invScale, invMin float32
	if maxScale > 0 {
		invScale = 63 / maxScale
	}
	if maxMin > 0 {
		invMin = 63 / maxMin
	}
	sc := head[4:16]
	for i := range sc {
		sc[i] = 0
	}
	for j := 0; j < 8; j++ {
		ls := min(63, uint8(nearestInt(float32(invScale*scales[j]))))
		lm := min(63, uint8(nearestInt(float32(invMin*mins[j]))))
		if j < 4 {
			sc[j] = ls
			sc[j+4] = lm
		} else {
			sc[j+4] = (ls & 0xF) | (lm&0xF)<<4
			sc[j-4] |= (ls >> 4) << 6
			sc[j] |= (lm >> 4) << 6
		}
	}
	putF16(head, maxScale/63)
	putF16(head[2:], maxMin/63)
	dAll, dminAll := getF16(head), getF16(head[2:])
	for j := 0; j < 8; j++ {
		s, m := getScaleMinK4(j, sc)
		d := float32(dAll * float32(s))
		if d == 0 {
			continue
		}
		dm := float32(dminAll * float32(m))
		for ii := 0; ii < 28; ii++ {
			L[32*j+ii] = uint8(clampInt(nearestInt(addNaNFirst(x[32*j+ii], dm)/d), 0, nmax))
		}
		// The reference build's vectorised loop adds the last four the
		// other way round; with two NaNs that decides whose payload, and
		// so which level, comes out (only in blocks whose d or dmin is
		// not finite, which llama-quantize then rejects).
		for ii := 28; ii < 32; ii++ {
			L[32*j+ii] = uint8(clampInt(nearestInt(addNaNFirst(dm, x[32*j+ii])/d), 0, nmax))
		}
	}
}

func quantizeQ4K(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qkK*144)
	var L [qkK]uint8
	for b := 0; b < len(src)/qkK; b++ {
		x, y := src[b*qkK:(b+1)*qkK], out[b*144:(b+1)*144]
		quantizeKMin(x, 15, -1, 20, y[:16], &L)
		q := y[16:]
		for j := 0; j < qkK; j += 64 {
			for l := 0; l < 32; l++ {
				q[l] = L[j+l] | L[j+l+32]<<4
			}
			q = q[32:]
		}
	}
	return dst
}

func dequantizeQ4K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qkK; b++ {
		x, y := src[b*144:(b+1)*144], dst[b*qkK:(b+1)*qkK]
		d, mn := getF16(x), getF16(x[2:])
		sc, q := x[4:16], x[16:]
		for j, is := 0, 0; j < qkK; j, is = j+64, is+2 {
			s1, m1 := getScaleMinK4(is, sc)
			s2, m2 := getScaleMinK4(is+1, sc)
			d1, mm1 := float32(d*float32(s1)), float32(mn*float32(m1))
			d2, mm2 := float32(d*float32(s2)), float32(mn*float32(m2))
			for l := 0; l < 32; l++ {
				y[j+l] = float32(d1*float32(q[l]&0xF)) - mm1
				y[j+32+l] = float32(d2*float32(q[l]>>4)) - mm2
			}
			q = q[32:]
		}
	}
}

func quantizeQ5K(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qkK*176)
	var L [qkK]uint8
	for b := 0; b < len(src)/qkK; b++ {
		x, y := src[b*qkK:(b+1)*qkK], out[b*176:(b+1)*176]
		quantizeKMin(x, 31, -0.5, 15, y[:16], &L)
		qh, ql := y[16:48], y[48:]
		for i := range qh {
			qh[i] = 0
		}
		m1, m2 := uint8(1), uint8(2)
		for n := 0; n < qkK; n += 64 {
			for j := 0; j < 32; j++ {
				l1, l2 := L[n+j], L[n+j+32]
				if l1 > 15 {
					l1 -= 16
					qh[j] |= m1
				}
				if l2 > 15 {
					l2 -= 16
					qh[j] |= m2
				}
				ql[j] = l1 | l2<<4
			}
			m1 <<= 2
			m2 <<= 2
			ql = ql[32:]
		}
	}
	return dst
}

func dequantizeQ5K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qkK; b++ {
		x, y := src[b*176:(b+1)*176], dst[b*qkK:(b+1)*qkK]
		d, mn := getF16(x), getF16(x[2:])
		sc, qh, ql := x[4:16], x[16:48], x[48:]
		u1, u2 := uint8(1), uint8(2)
		for j, is := 0, 0; j < qkK; j, is = j+64, is+2 {
			s1, m1 := getScaleMinK4(is, sc)
			s2, m2 := getScaleMinK4(is+1, sc)
			d1, mm1 := float32(d*float32(s1)), float32(mn*float32(m1))
			d2, mm2 := float32(d*float32(s2)), float32(mn*float32(m2))
			for l := 0; l < 32; l++ {
				h1, h2 := uint8(0), uint8(0)
				if qh[l]&u1 != 0 {
					h1 = 16
				}
				if qh[l]&u2 != 0 {
					h2 = 16
				}
				y[j+l] = float32(d1*float32(ql[l]&0xF+h1)) - mm1
				y[j+32+l] = float32(d2*float32(ql[l]>>4+h2)) - mm2
			}
			ql = ql[32:]
			u1 <<= 2
			u2 <<= 2
		}
	}
}

func quantizeQ6K(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qkK*210)
	var L [qkK]int8
	var scales [16]float32
	for b := 0; b < len(src)/qkK; b++ {
		x, y := src[b*qkK:(b+1)*qkK], out[b*210:(b+1)*210]
		var maxScale, maxAbsScale float32
		for ib := 0; ib < 16; ib++ {
			s := makeQXQuants(x[16*ib:16*ib+16], 32, L[16*ib:16*ib+16])
			scales[ib] = s
			if a := absf(s); a > maxAbsScale {
				maxAbsScale, maxScale = a, s
			}
		}
		if maxAbsScale < groupMaxEps {
			for i := range y {
				y[i] = 0
			}
			continue
		}
		ql, qh, sc := y[:128], y[128:192], y[192:208]
		iscale := -128 / maxScale
		putF16(y[208:], 1/iscale)
		for ib := 0; ib < 16; ib++ {
			sc[ib] = byte(int8(min(127, nearestInt(float32(iscale*scales[ib])))))
		}
		dAll := getF16(y[208:])
		for j := 0; j < 16; j++ {
			d := float32(dAll * float32(int8(sc[j])))
			if d == 0 {
				continue
			}
			for ii := 0; ii < 16; ii++ {
				L[16*j+ii] = int8(clampInt(nearestInt(x[16*j+ii]/d), -32, 31) + 32)
			}
		}
		for j := 0; j < qkK; j += 128 {
			for l := 0; l < 32; l++ {
				q1, q2 := uint8(L[j+l])&0xF, uint8(L[j+l+32])&0xF
				q3, q4 := uint8(L[j+l+64])&0xF, uint8(L[j+l+96])&0xF
				ql[l] = q1 | q3<<4
				ql[l+32] = q2 | q4<<4
				qh[l] = uint8(L[j+l])>>4 | (uint8(L[j+l+32])>>4)<<2 | (uint8(L[j+l+64])>>4)<<4 | (uint8(L[j+l+96])>>4)<<6
			}
			ql, qh = ql[64:], qh[32:]
		}
	}
	return dst
}

func dequantizeQ6K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qkK; b++ {
		x, y := src[b*210:(b+1)*210], dst[b*qkK:(b+1)*qkK]
		d := getF16(x[208:])
		ql, qh, sc := x[:128], x[128:192], x[192:208]
		for n := 0; n < qkK; n += 128 {
			for l := 0; l < 32; l++ {
				is := l / 16
				q1 := int8(ql[l]&0xF|(qh[l]&3)<<4) - 32
				q2 := int8(ql[l+32]&0xF|(qh[l]>>2&3)<<4) - 32
				q3 := int8(ql[l]>>4|(qh[l]>>4&3)<<4) - 32
				q4 := int8(ql[l+32]>>4|(qh[l]>>6&3)<<4) - 32
				y[n+l] = float32(d*float32(int8(sc[is]))) * float32(q1)
				y[n+l+32] = float32(d*float32(int8(sc[is+2]))) * float32(q2)
				y[n+l+64] = float32(d*float32(int8(sc[is+4]))) * float32(q3)
				y[n+l+96] = float32(d*float32(int8(sc[is+6]))) * float32(q4)
			}
			ql, qh, sc = ql[64:], qh[32:], sc[8:]
		}
	}
}

func quantizeQ8K(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qkK*292)
	for b := 0; b < len(src)/qkK; b++ {
		x, y := src[b*qkK:(b+1)*qkK], out[b*292:(b+1)*292]
		amax, mx := absMax(x)
		if amax == 0 {
			for i := range y {
				y[i] = 0
			}
			continue
		}
		iscale := -127 / mx
		qs := y[4:260]
		for j, v := range x {
			qs[j] = byte(int8(min(127, nearestInt(float32(iscale*v)))))
		}
		for j := 0; j < 16; j++ {
			var sum int16
			for _, q := range qs[16*j : 16*j+16] {
				sum += int16(int8(q))
			}
			binary.LittleEndian.PutUint16(y[260+2*j:], uint16(sum))
		}
		binary.LittleEndian.PutUint32(y, math.Float32bits(1/iscale))
	}
	return dst
}

func dequantizeQ8K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qkK; b++ {
		x, y := src[b*292:(b+1)*292], dst[b*qkK:(b+1)*qkK]
		d := math.Float32frombits(binary.LittleEndian.Uint32(x))
		for j := range y {
			y[j] = d * float32(int8(x[4+j]))
		}
	}
}
