package dot

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/hfctl/hfctl/gguf"
)

// The pure-Go dot products follow ggml's generic C code (ggml-cpu/quants.c,
// the *_generic functions) statement by statement, float operations in
// the same order. Products feeding a sum are rounded on their own (the
// float32 conversions stop Go from fusing them): ggml's generic code may be
// compiled with or without FMA contraction, so bit-exactness with a given
// build of it is not promised, only with unfused C semantics.

// genericKernels returns the pure-Go kernel table.
func genericKernels() (t [maxType]kernels) {
	set := func(w gguf.Type, dot func(nb int, w, x *byte) float32) {
		t[w] = kernels{dot: dot, dot4: dot4Of(dot)}
	}
	set(gguf.Q8_0, dotQ8_0Go)
	set(gguf.Q4_0, dotQ4_0Go)
	set(gguf.Q4_1, dotQ4_1Go)
	set(gguf.Q5_0, dotQ5_0Go)
	set(gguf.Q5_1, dotQ5_1Go)
	set(gguf.Q2_K, dotQ2_KGo)
	set(gguf.Q3_K, dotQ3_KGo)
	set(gguf.Q4_K, dotQ4_KGo)
	set(gguf.Q5_K, dotQ5_KGo)
	set(gguf.Q6_K, dotQ6_KGo)
	t[gguf.F32] = kernels{dot: dotF32Go}
	t[gguf.F16] = kernels{dot: dotF16Go}
	t[gguf.BF16] = kernels{dot: dotBF16Go}
	return t
}

// dot4Of builds a four-activation kernel out of a one-row kernel.
func dot4Of(dot func(nb int, w, x *byte) float32) func(nb int, w, x *byte, xstride int, out *float32, ostride int) {
	return func(nb int, w, x *byte, xstride int, out *float32, ostride int) {
		for k := 0; k < 4; k++ {
			*(*float32)(unsafe.Add(unsafe.Pointer(out), 4*k*ostride)) = dot(nb, w, (*byte)(unsafe.Add(unsafe.Pointer(x), k*xstride)))
		}
	}
}

func f16(b []byte) float32 { return fp16to32(binary.LittleEndian.Uint16(b)) }

// fp16to32 widens an IEEE binary16 value exactly (as quantize.FP16ToFP32,
// without its loop): the exponent and mantissa moved into a float32 and
// rebiased by a multiplication by 2^112, which normalises subnormals too.
func fp16to32(h uint16) float32 {
	u := uint32(h&0x7fff) << 13
	if h&0x7c00 == 0x7c00 {
		return math.Float32frombits(uint32(h&0x8000)<<16 | 0x7f800000 | u)
	}
	f := math.Float32frombits(u) * 0x1p112
	return math.Float32frombits(math.Float32bits(f) | uint32(h&0x8000)<<16)
}

func f32(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) }

func i8(b byte) int32 { return int32(int8(b)) }

func dotQ8_0Go(nb int, w, x *byte) float32 {
	ws, xs := unsafe.Slice(w, nb*34), unsafe.Slice(x, nb*34)
	var sumf float32
	for ib := 0; ib < nb; ib++ {
		a, b := ws[ib*34:ib*34+34], xs[ib*34:ib*34+34]
		var sumi int32
		for j := 0; j < 32; j++ {
			sumi += i8(a[2+j]) * i8(b[2+j])
		}
		sumf += float32(float32(sumi) * float32(f16(a)*f16(b)))
	}
	return sumf
}

func dotQ4_0Go(nb int, w, x *byte) float32 {
	ws, xs := unsafe.Slice(w, nb*18), unsafe.Slice(x, nb*34)
	var sumf float32
	for ib := 0; ib < nb; ib++ {
		a, b := ws[ib*18:ib*18+18], xs[ib*34:ib*34+34]
		var s0, s1 int32
		for j := 0; j < 16; j++ {
			q := a[2+j]
			s0 += (int32(q&15) - 8) * i8(b[2+j])
			s1 += (int32(q>>4) - 8) * i8(b[18+j])
		}
		sumf += float32(float32(s0+s1) * f16(a) * f16(b))
	}
	return sumf
}

func dotQ4_1Go(nb int, w, x *byte) float32 {
	ws, xs := unsafe.Slice(w, nb*20), unsafe.Slice(x, nb*36)
	var sumf float32
	for ib := 0; ib < nb; ib++ {
		a, b := ws[ib*20:ib*20+20], xs[ib*36:ib*36+36]
		var s0, s1 int32
		for j := 0; j < 16; j++ {
			q := a[4+j]
			s0 += int32(q&15) * i8(b[4+j])
			s1 += int32(q>>4) * i8(b[20+j])
		}
		sumf += float32(float32(float32(f16(a)*f16(b))*float32(s0+s1)) + float32(f16(a[2:])*f16(b[2:])))
	}
	return sumf
}

func dotQ5_0Go(nb int, w, x *byte) float32 {
	ws, xs := unsafe.Slice(w, nb*22), unsafe.Slice(x, nb*34)
	var sumf float32
	for ib := 0; ib < nb; ib++ {
		a, b := ws[ib*22:ib*22+22], xs[ib*34:ib*34+34]
		qh := binary.LittleEndian.Uint32(a[2:])
		var s0, s1 int32
		for j := 0; j < 16; j++ {
			h0 := int32(qh>>j&1) << 4
			h1 := int32(qh>>(j+16)&1) << 4
			q := a[6+j]
			s0 += (int32(q&15) | h0 - 16) * i8(b[2+j])
			s1 += (int32(q>>4) | h1 - 16) * i8(b[18+j])
		}
		sumf += float32(float32(f16(a)*f16(b)) * float32(s0+s1))
	}
	return sumf
}

func dotQ5_1Go(nb int, w, x *byte) float32 {
	ws, xs := unsafe.Slice(w, nb*24), unsafe.Slice(x, nb*36)
	var sumf float32
	for ib := 0; ib < nb; ib++ {
		a, b := ws[ib*24:ib*24+24], xs[ib*36:ib*36+36]
		qh := binary.LittleEndian.Uint32(a[4:])
		var s0, s1 int32
		for j := 0; j < 16; j++ {
			h0 := int32(qh>>j&1) << 4
			h1 := int32(qh>>(j+16)&1) << 4
			q := a[8+j]
			s0 += (int32(q&15) | h0) * i8(b[4+j])
			s1 += (int32(q>>4) | h1) * i8(b[20+j])
		}
		sumf += float32(float32(float32(f16(a)*f16(b))*float32(s0+s1)) + float32(f16(a[2:])*f16(b[2:])))
	}
	return sumf
}

// Q8_K activation block: f32 d | 256 int8 | 16 int16 sums of 16.
const q8KSize = 292

func bsum(b []byte, j int) int32 { return int32(int16(binary.LittleEndian.Uint16(b[260+2*j:]))) }

func dotQ2_KGo(nb int, w, x *byte) float32 {
	ws, xs := unsafe.Slice(w, nb*84), unsafe.Slice(x, nb*q8KSize)
	var sumf float32
	for i := 0; i < nb; i++ {
		a, y := ws[i*84:i*84+84], xs[i*q8KSize:i*q8KSize+q8KSize]
		sc, q2, q8 := a[:16], a[16:80], y[4:260]
		var summs int32
		for j := 0; j < 16; j++ {
			summs += bsum(y, j) * int32(sc[j]>>4)
		}
		yd := f32(y)
		dall := yd * f16(a[80:])
		dmin := yd * f16(a[82:])
		var isum int32
		is := 0
		for k := 0; k < 2; k++ {
			shift := 0
			for j := 0; j < 4; j++ {
				d := int32(sc[is] & 15)
				is++
				var isuml int32
				for l := 0; l < 16; l++ {
					isuml += i8(q8[l]) * int32(q2[l]>>shift&3)
				}
				isum += d * isuml
				d = int32(sc[is] & 15)
				is++
				isuml = 0
				for l := 16; l < 32; l++ {
					isuml += i8(q8[l]) * int32(q2[l]>>shift&3)
				}
				isum += d * isuml
				shift += 2
				q8 = q8[32:]
			}
			q2 = q2[32:]
		}
		sumf += float32(dall*float32(isum)) - float32(dmin*float32(summs))
	}
	return sumf
}

// q3Scales unpacks Q3_K's 12 scale bytes into 16 signed 6-bit scales
// (with the −32 offset applied).
func q3Scales(b []byte) (s [16]int32) {
	a0, a1, tmp := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[8:])
	const m1, m2 = 0x03030303, 0x0f0f0f0f
	u := [4]uint32{
		a0&m2 | (tmp>>0&m1)<<4,
		a1&m2 | (tmp>>2&m1)<<4,
		a0>>4&m2 | (tmp>>4&m1)<<4,
		a1>>4&m2 | (tmp>>6&m1)<<4,
	}
	for j := 0; j < 16; j++ {
		s[j] = int32(int8(u[j/4]>>(8*(j%4)))) - 32
	}
	return s
}

func dotQ3_KGo(nb int, w, x *byte) float32 {
	ws, xs := unsafe.Slice(w, nb*110), unsafe.Slice(x, nb*q8KSize)
	var sums [8]float32
	var aux8 [256]int32
	for i := 0; i < nb; i++ {
		a, y := ws[i*110:i*110+110], xs[i*q8KSize:i*q8KSize+q8KSize]
		hm, q3, q8 := a[:32], a[32:96], y[4:260]
		m := byte(1)
		for j := 0; j < 256; j += 128 {
			for s := 0; s < 4; s++ {
				for l := 0; l < 32; l++ {
					v := int32(q3[l] >> (2 * s) & 3)
					if hm[l]&m == 0 {
						v -= 4
					}
					aux8[j+32*s+l] = v
				}
				m <<= 1
			}
			q3 = q3[32:]
		}
		scales := q3Scales(a[96:108])
		var aux32 [8]int32
		for j := 0; j < 16; j++ {
			for h := 0; h < 2; h++ {
				for l := 0; l < 8; l++ {
					e := 16*j + 8*h + l
					aux32[l] += scales[j] * (i8(q8[e]) * aux8[e])
				}
			}
		}
		d := f16(a[108:]) * f32(y)
		for l := 0; l < 8; l++ {
			sums[l] += float32(d * float32(aux32[l]))
		}
	}
	var sumf float32
	for l := 0; l < 8; l++ {
		sumf += sums[l]
	}
	return sumf
}

// kScales unpacks the 12 scale bytes of Q4_K/Q5_K into 8 scales and 8
// mins (6 bits each) as ggml's utmp code does.
func kScales(b []byte) (sc, mn [8]int32) {
	const m1, m2, m3 = 0x3f3f3f3f, 0x0f0f0f0f, 0x03030303
	u0, u1, u2 := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[8:])
	u3 := u2>>4&m2 | (u1>>6&m3)<<4
	uaux := u1 & m1
	u1 = u2&m2 | (u0>>6&m3)<<4
	u2 = uaux
	u0 &= m1
	for j := 0; j < 4; j++ {
		sc[j], sc[4+j] = int32(u0>>(8*j)&0xff), int32(u1>>(8*j)&0xff)
		mn[j], mn[4+j] = int32(u2>>(8*j)&0xff), int32(u3>>(8*j)&0xff)
	}
	return sc, mn
}

func dotQ4_KGo(nb int, w, x *byte) float32 {
	ws, xs := unsafe.Slice(w, nb*144), unsafe.Slice(x, nb*q8KSize)
	var sums [8]float32
	var sumf float32
	for i := 0; i < nb; i++ {
		a, y := ws[i*144:i*144+144], xs[i*q8KSize:i*q8KSize+q8KSize]
		q4, q8 := a[16:144], y[4:260]
		scales, mins := kScales(a[4:16])
		var sumi int32
		for j := 0; j < 16; j++ {
			sumi += bsum(y, j) * mins[j/2]
		}
		var aux32 [8]int32
		for j := 0; j < 8; j++ {
			for e := 32 * j; e < 32*j+32; e++ {
				b := q4[(j/2)*32+e%32]
				v := int32(b & 15)
				if j%2 == 1 {
					v = int32(b >> 4)
				}
				aux32[e%8] += scales[j] * (i8(q8[e]) * v)
			}
		}
		yd := f32(y)
		d := f16(a) * yd
		for l := 0; l < 8; l++ {
			sums[l] += float32(d * float32(aux32[l]))
		}
		dmin := f16(a[2:]) * yd
		sumf -= float32(dmin * float32(sumi))
	}
	for l := 0; l < 8; l++ {
		sumf += sums[l]
	}
	return sumf
}

func dotQ5_KGo(nb int, w, x *byte) float32 {
	ws, xs := unsafe.Slice(w, nb*176), unsafe.Slice(x, nb*q8KSize)
	var sums [8]float32
	var sumf float32
	for i := 0; i < nb; i++ {
		a, y := ws[i*176:i*176+176], xs[i*q8KSize:i*q8KSize+q8KSize]
		qh, q4, q8 := a[16:48], a[48:176], y[4:260]
		scales, mins := kScales(a[4:16])
		var sumi int32
		for j := 0; j < 16; j++ {
			sumi += bsum(y, j) * mins[j/2]
		}
		var aux32 [8]int32
		for j := 0; j < 8; j++ {
			for e := 32 * j; e < 32*j+32; e++ {
				l := e % 32
				b := q4[(j/2)*32+l]
				v := int32(b & 15)
				if j%2 == 1 {
					v = int32(b >> 4)
				}
				v |= int32(qh[l]>>j&1) << 4
				aux32[e%8] += scales[j] * (i8(q8[e]) * v)
			}
		}
		yd := f32(y)
		d := f16(a) * yd
		for l := 0; l < 8; l++ {
			sums[l] += float32(d * float32(aux32[l]))
		}
		dmin := f16(a[2:]) * yd
		sumf -= float32(dmin * float32(sumi))
	}
	for l := 0; l < 8; l++ {
		sumf += sums[l]
	}
	return sumf
}

func dotQ6_KGo(nb int, w, x *byte) float32 {
	ws, xs := unsafe.Slice(w, nb*210), unsafe.Slice(x, nb*q8KSize)
	var sums [8]float32
	var aux8 [256]int32
	for i := 0; i < nb; i++ {
		a, y := ws[i*210:i*210+210], xs[i*q8KSize:i*q8KSize+q8KSize]
		ql, qh, sc, q8 := a[:128], a[128:192], a[192:208], y[4:260]
		for j := 0; j < 256; j += 128 {
			for l := 0; l < 32; l++ {
				aux8[j+l] = int32(ql[l]&15|(qh[l]>>0&3)<<4) - 32
				aux8[j+l+32] = int32(ql[l+32]&15|(qh[l]>>2&3)<<4) - 32
				aux8[j+l+64] = int32(ql[l]>>4|(qh[l]>>4&3)<<4) - 32
				aux8[j+l+96] = int32(ql[l+32]>>4|(qh[l]>>6&3)<<4) - 32
			}
			ql, qh = ql[64:], qh[32:]
		}
		var aux32 [8]int32
		for j := 0; j < 16; j++ {
			scale := i8(sc[j])
			for e := 16 * j; e < 16*j+16; e++ {
				aux32[e%8] += scale * (i8(q8[e]) * aux8[e])
			}
		}
		d := f16(a[208:]) * f32(y)
		for l := 0; l < 8; l++ {
			sums[l] += float32(d * float32(aux32[l]))
		}
	}
	var sumf float32
	for l := 0; l < 8; l++ {
		sumf += sums[l]
	}
	return sumf
}
