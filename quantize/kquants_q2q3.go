package quantize

import "github.com/hfctl/hfctl/gguf"

// The 2- and 3-bit k-quants (super-blocks of 256, sub-blocks of 16):
//
//	Q2_K (84 B):  16 B scales (low nibble: scale, high nibble: min, per
//	              sub-block) | 64 B 2-bit quants (per 128 values: byte l holds
//	              values l, l+32, l+64, l+96) | f16 d | f16 dmin;
//	              x = d·sc·q − dmin·m
//	Q3_K (110 B): 32 B hmask (3rd bit; bit k of byte m is value 32k+m) |
//	              64 B 2-bit quants as Q2_K | 12 B packed 6-bit signed scales |
//	              f16 d; x = d·(sc−32)·(q−4)

func init() {
	register(&Format{Type: gguf.Q2_K, Quantize: quantizeQ2K, Dequantize: dequantizeQ2K})
	register(&Format{Type: gguf.Q3_K, Quantize: quantizeQ3K, Dequantize: dequantizeQ3K})
}

func quantizeQ2K(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qkK*84)
	var L [qkK]uint8
	var laux [16]uint8
	var weights [16]float32
	var scales, mins [16]float32
	const q4scale = float32(15)
	for b := 0; b < len(src)/qkK; b++ {
		x, y := src[b*qkK:(b+1)*qkK], out[b*84:(b+1)*84]
		sc, qs := y[:16], y[16:80]
		var maxScale, maxMin float32
		for j := 0; j < 16; j++ {
			xs := x[16*j : 16*j+16]
			for l, v := range xs {
				weights[l] = absf(v)
			}
			scales[j], mins[j] = makeQKX2Quants(xs, weights[:], 3, L[16*j:16*j+16], laux[:], -0.5, 0.1, 15, true)
			if scales[j] > maxScale {
				maxScale = scales[j]
			}
			if mins[j] > maxMin {
				maxMin = mins[j]
			}
		}
		if maxScale > 0 {
			iscale := q4scale / maxScale
			for j := 0; j < 16; j++ {
				sc[j] = uint8(nearestInt(float32(iscale * scales[j])))
			}
			putF16(y[80:], maxScale/q4scale)
		} else {
			for j := range sc {
				sc[j] = 0
			}
			putF16(y[80:], 0)
		}
		if maxMin > 0 {
			iscale := q4scale / maxMin
			for j := 0; j < 16; j++ {
				sc[j] |= uint8(nearestInt(float32(iscale*mins[j])) << 4)
			}
			putF16(y[82:], maxMin/q4scale)
		} else {
			putF16(y[82:], 0)
		}
		dAll, dminAll := getF16(y[80:]), getF16(y[82:])
		for j := 0; j < 16; j++ {
			d := float32(dAll * float32(sc[j]&0xF))
			if d == 0 {
				continue
			}
			dm := float32(dminAll * float32(sc[j]>>4))
			for ii := 0; ii < 16; ii++ {
				L[16*j+ii] = uint8(clampInt(nearestInt((x[16*j+ii]+dm)/d), 0, 3))
			}
		}
		for j := 0; j < qkK; j += 128 {
			for l := 0; l < 32; l++ {
				qs[j/4+l] = L[j+l] | L[j+l+32]<<2 | L[j+l+64]<<4 | L[j+l+96]<<6
			}
		}
	}
	return dst
}

func dequantizeQ2K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qkK; b++ {
		x, y := src[b*84:(b+1)*84], dst[b*qkK:(b+1)*qkK]
		sc, q := x[:16], x[16:80]
		d, mn := getF16(x[80:]), getF16(x[82:])
		is, o := 0, 0
		for n := 0; n < qkK; n += 128 {
			for shift := uint(0); shift < 8; shift += 2 {
				for half := 0; half < 2; half++ {
					s := sc[is]
					is++
					dl, ml := float32(d*float32(s&0xF)), float32(mn*float32(s>>4))
					for l := 0; l < 16; l++ {
						y[o] = float32(dl*float32(q[l+16*half]>>shift&3)) - ml
						o++
					}
				}
			}
			q = q[32:]
		}
	}
}

// makeQ3Quants is ggml's make_q3_quants with do_rmse: symmetric levels in
// [-nmax, nmax-1], refined by up to 5 coordinate-descent passes.
func makeQ3Quants(x []float32, nmax int32, L []int8) float32 {
	amax, mx := absMax(x)
	if amax < groupMaxEps {
		clear(L[:len(x)])
		return 0
	}
	iscale := float32(-nmax) / mx
	var sumlx, suml2 float32
	for i, v := range x {
		l := clampInt(nearestInt(float32(iscale*v)), -nmax, nmax-1)
		L[i] = int8(l)
		w := float32(v * v)
		fl := float32(l)
		sumlx += float32(float32(w*v) * fl)
		suml2 += float32(float32(w*fl) * fl)
	}
	for itry := 0; itry < 5; itry++ {
		changed := 0
		for i, v := range x {
			w := float32(v * v)
			li := float32(L[i])
			slx := sumlx - float32(float32(w*v)*li)
			if slx > 0 {
				sl2 := suml2 - float32(float32(w*li)*li)
				nl := clampInt(nearestInt(float32(v*sl2)/slx), -nmax, nmax-1)
				if nl != int32(L[i]) {
					fn := float32(nl)
					slx += float32(float32(w*v) * fn)
					sl2 += float32(float32(w*fn) * fn)
					if sl2 > 0 && float32(float32(slx*slx)*suml2) > float32(float32(sumlx*sumlx)*sl2) {
						L[i] = int8(nl)
						sumlx, suml2 = slx, sl2
						changed++
					}
				}
			}
		}
		if changed == 0 {
			break
		}
	}
	for i := range x {
		L[i] += int8(nmax)
	}
	if suml2 > 0 {
		return sumlx / suml2
	}
	return 0
}

func quantizeQ3K(dst []byte, src []float32) []byte {
	dst, out := extend(dst, len(src)/qkK*110)
	var L [qkK]int8
	var scales [16]float32
	for b := 0; b < len(src)/qkK; b++ {
		x, y := src[b*qkK:(b+1)*qkK], out[b*110:(b+1)*110]
		hmask, qs, sc := y[:32], y[32:96], y[96:108]
		var maxScale, amax float32
		for j := 0; j < 16; j++ {
			scales[j] = makeQ3Quants(x[16*j:16*j+16], 4, L[16*j:16*j+16])
			if a := absf(scales[j]); a > amax {
				amax, maxScale = a, scales[j]
			}
		}
		for i := range sc {
			sc[i] = 0
		}
		if maxScale != 0 {
			iscale := -32 / maxScale
			for j := 0; j < 16; j++ {
				l := int8(nearestInt(float32(iscale * scales[j])))
				l = max(-32, min(31, l)) + 32
				if j < 8 {
					sc[j] = uint8(l) & 0xF
				} else {
					sc[j-8] |= (uint8(l) & 0xF) << 4
				}
				l >>= 4
				sc[j%4+8] |= uint8(l) << (2 * (j / 4))
			}
			putF16(y[108:], 1/iscale)
		} else {
			putF16(y[108:], 0)
		}
		dAll := getF16(y[108:])
		for j := 0; j < 16; j++ {
			var s int8
			if j < 8 {
				s = int8(sc[j] & 0xF)
			} else {
				s = int8(sc[j-8] >> 4)
			}
			s = int8(uint8(s)|(sc[8+j%4]>>(2*(j/4))&3)<<4) - 32
			d := float32(dAll * float32(s))
			if d == 0 {
				continue
			}
			for ii := 0; ii < 16; ii++ {
				L[16*j+ii] = int8(clampInt(nearestInt(x[16*j+ii]/d), -4, 3) + 4)
			}
		}
		for i := range hmask {
			hmask[i] = 0
		}
		m, hm := 0, uint8(1)
		for j := 0; j < qkK; j++ {
			if L[j] > 3 {
				hmask[m] |= hm
				L[j] -= 4
			}
			if m++; m == qkK/8 {
				m, hm = 0, hm<<1
			}
		}
		for j := 0; j < qkK; j += 128 {
			for l := 0; l < 32; l++ {
				qs[j/4+l] = uint8(L[j+l]) | uint8(L[j+l+32])<<2 | uint8(L[j+l+64])<<4 | uint8(L[j+l+96])<<6
			}
		}
	}
	return dst
}

// q3Scales unpacks Q3_K's sixteen 6-bit scales (still offset by 32).
func q3Scales(sc []byte) [16]int8 {
	var out [16]int8
	for j := 0; j < 16; j++ {
		var lo uint8
		if j < 8 {
			lo = sc[j] & 0xF
		} else {
			lo = sc[j-8] >> 4
		}
		out[j] = int8(lo | (sc[8+j%4]>>(2*(j/4))&3)<<4)
	}
	return out
}

func dequantizeQ3K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/qkK; b++ {
		x, y := src[b*110:(b+1)*110], dst[b*qkK:(b+1)*qkK]
		hm, q := x[:32], x[32:96]
		scales := q3Scales(x[96:108])
		dAll := getF16(x[108:])
		is, o, m := 0, 0, uint8(1)
		for n := 0; n < qkK; n += 128 {
			for shift := uint(0); shift < 8; shift += 2 {
				for half := 0; half < 2; half++ {
					dl := float32(dAll * float32(int32(scales[is])-32))
					is++
					for l := 0; l < 16; l++ {
						v := int32(q[l+16*half] >> shift & 3)
						if hm[l+16*half]&m == 0 {
							v -= 4
						}
						y[o] = dl * float32(v)
						o++
					}
				}
				m <<= 1
			}
			q = q[32:]
		}
	}
}
