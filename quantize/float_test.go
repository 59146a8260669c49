package quantize

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestFP16RoundTripAll(t *testing.T) {
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		f := FP16ToFP32(h)
		back := FP32ToFP16(f)
		if f != f { // NaN: stays the same NaN (numpy keeps the payload)
			if back != h {
				t.Fatalf("NaN %#04x -> %#04x", h, back)
			}
			continue
		}
		if back != h {
			t.Fatalf("%#04x -> %v -> %#04x", h, f, back)
		}
	}
}

func TestBF16RoundTripAll(t *testing.T) {
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		f := BF16ToFP32(h)
		back := FP32ToBF16(f)
		if f != f {
			if back != h|64 {
				t.Fatalf("NaN %#04x -> %#04x", h, back)
			}
			continue
		}
		if back != h {
			t.Fatalf("%#04x -> %#04x", h, back)
		}
	}
}

// refFP16 rounds with big.Float (binary16: 11-bit precision, exponent
// range with subnormals emulated by rounding to the fixed 2^-24 grid).
func refFP16(f float32) uint16 {
	x := float64(f)
	if math.IsInf(x, 0) || math.Abs(x) >= 65520 {
		if math.Signbit(x) {
			return 0xfc00
		}
		return 0x7c00
	}
	a := math.Abs(x)
	var r float64
	if a < math.Ldexp(1, -14) {
		// subnormal grid of 2^-24, ties to even
		q := a * (1 << 24)
		r = math.RoundToEven(q) / (1 << 24)
	} else {
		bf := new(big.Float).SetPrec(11).SetMode(big.ToNearestEven).SetFloat64(a)
		r, _ = bf.Float64()
	}
	// encode r exactly
	var h uint16
	if r == 0 {
		h = 0
	} else if r < math.Ldexp(1, -14) {
		h = uint16(r * (1 << 24))
	} else {
		fr, e := math.Frexp(r) // r = fr * 2^e, fr in [0.5,1)
		exp := e - 1 + 15
		mant := uint16((fr*2 - 1) * 1024)
		h = uint16(exp)<<10 | mant
	}
	if math.Signbit(x) {
		h |= 0x8000
	}
	return h
}

func TestFP32ToFP16(t *testing.T) {
	cases := []float32{0, 1, -1, 65504, 65519.99, 65520, 1e-8, float32(math.Ldexp(1, -24)), float32(math.Ldexp(1, -25)),
		float32(3 * math.Ldexp(1, -26)), float32(math.Ldexp(1, -14)), 0.1, 1.0 / 3, 2049, 2051, float32(math.Inf(-1))}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		cases = append(cases, math.Float32frombits(rng.Uint32()&0xbfffffff), float32(rng.NormFloat64()*0.02), float32(rng.NormFloat64()*1e-5))
	}
	for _, f := range cases {
		if f != f {
			continue
		}
		if got, want := FP32ToFP16(f), refFP16(f); got != want {
			t.Fatalf("FP32ToFP16(%g) = %#04x, want %#04x", f, got, want)
		}
	}
	if FP32ToFP16(float32(math.Ldexp(1, -25))) != 0 {
		t.Error("2^-25 must round to 0 (tie to even)")
	}
	if FP32ToFP16(65520) != 0x7c00 {
		t.Error("65520 must overflow to inf")
	}
}

func TestFP32ToBF16Rounding(t *testing.T) {
	// 1 + 2^-8 is halfway between 1 and the next bf16: ties to even (1).
	if got := FP32ToBF16(1 + 1.0/256); got != 0x3f80 {
		t.Errorf("got %#04x", got)
	}
	if got := FP32ToBF16(1 + 3.0/256); got != 0x3f82 {
		t.Errorf("got %#04x", got)
	}
}

func BenchmarkAppendF16(b *testing.B) {
	src := make([]float32, 1<<16)
	for i := range src {
		src[i] = float32(i) * 1e-3
	}
	dst := make([]byte, 0, 2*len(src))
	b.SetBytes(int64(4 * len(src)))
	for b.Loop() {
		dst = AppendF16(dst[:0], src)
	}
}

func TestByteTables(t *testing.T) {
	src := make([]byte, 2<<16)
	for i := 0; i < 1<<16; i++ {
		src[2*i], src[2*i+1] = byte(i), byte(i>>8)
	}
	f16 := make([]byte, len(src))
	BF16ToF16Bytes(f16, src)
	bf := make([]byte, len(src))
	F16ToBF16Bytes(bf, src)
	f32a := make([]byte, 2*len(src))
	F16ToF32Bytes(f32a, src)
	f32b := make([]byte, 2*len(src))
	BF16ToF32Bytes(f32b, src)
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		if got, want := uint16(f16[2*i])|uint16(f16[2*i+1])<<8, FP32ToFP16(BF16ToFP32(h)); got != want {
			t.Fatalf("bf16 %#04x -> f16 %#04x, want %#04x", h, got, want)
		}
		if got, want := uint16(bf[2*i])|uint16(bf[2*i+1])<<8, FP32ToBF16(FP16ToFP32(h)); got != want {
			t.Fatalf("f16 %#04x -> bf16 %#04x, want %#04x", h, got, want)
		}
		if got, want := math.Float32frombits(uint32(f32a[4*i])|uint32(f32a[4*i+1])<<8|uint32(f32a[4*i+2])<<16|uint32(f32a[4*i+3])<<24), FP16ToFP32(h); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("f16 %#04x -> f32 %v, want %v", h, got, want)
		}
		if got, want := uint32(f32b[4*i])|uint32(f32b[4*i+1])<<8|uint32(f32b[4*i+2])<<16|uint32(f32b[4*i+3])<<24, math.Float32bits(BF16ToFP32(h)); got != want {
			t.Fatalf("bf16 %#04x -> f32 %#08x, want %#08x", h, got, want)
		}
	}
}

func BenchmarkBF16ToF16Bytes(b *testing.B) {
	src := make([]byte, 1<<20)
	for i := range src {
		src[i] = byte(i * 7)
	}
	dst := make([]byte, len(src))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		BF16ToF16Bytes(dst, src)
	}
}
