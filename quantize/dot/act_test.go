package dot

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// actInputs returns activation rows of n values (a multiple of 256) of
// several shapes, special values included.
func actInputs(r *rand.Rand, n int) [][]float32 {
	var rows [][]float32
	for kind := 0; kind < numKinds; kind++ {
		rows = append(rows, genFloats(r, n, kind))
	}
	special := []float32{0, float32(math.Copysign(0, -1)), 1e-45, -1e-42, 1e-38, 3e38, -3e38,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
		math.Float32frombits(0x7f800001), math.Float32frombits(0xffc12345), 65504, 65520, -70000, 0.5, 2.5}
	s := make([]float32, n)
	for i := range s {
		if r.IntN(8) == 0 {
			s[i] = special[r.IntN(len(special))]
		} else {
			s[i] = float32(r.NormFloat64())
		}
	}
	rows = append(rows, s)
	// Ties: a block whose maximum is 127 has multiplier 1, so x.5 values
	// are ties (nearest even here, away from zero in the _ref quantizer).
	tie := make([]float32, n)
	for i := range tie {
		tie[i] = float32(r.IntN(254)-127) + 0.5
		if i%32 == 0 {
			tie[i] = 127
		}
	}
	rows = append(rows, tie)
	return rows
}

// TestQuantizeActAsm: the assembly quantizers give the pure-Go bytes.
func TestQuantizeActAsm(t *testing.T) {
	if !haveAsm {
		t.Skip("no assembly")
	}
	r := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{256, 512, 4096} {
		for i, x := range actInputs(r, n) {
			for _, c := range []struct {
				t         gguf.Type
				asm, pure func(y []byte, x []float32)
			}{
				{gguf.Q8_0, func(y []byte, x []float32) { actQ8_0(unsafe.SliceData(y), unsafe.SliceData(x), len(x)/32) }, func(y []byte, x []float32) {
					actQ8_0Go(unsafe.SliceData(y), unsafe.SliceData(x), len(x)/32)
				}},
				{gguf.Q8_1, func(y []byte, x []float32) { actQ8_1(unsafe.SliceData(y), unsafe.SliceData(x), len(x)/32) }, func(y []byte, x []float32) {
					actQ8_1Go(unsafe.SliceData(y), unsafe.SliceData(x), len(x)/32)
				}},
				{gguf.F16, func(y []byte, x []float32) { actF16(y, x) }, actF16Go},
			} {
				for _, m := range []int{n, n - 8, n - 3} {
					if c.t != gguf.F16 && m != n {
						continue
					}
					a := make([]byte, RowSize(c.t, m))
					b := make([]byte, RowSize(c.t, m))
					c.asm(a, x[:m])
					c.pure(b, x[:m])
					if !bytes.Equal(a, b) {
						t.Errorf("%s n=%d input %d: assembly and pure Go differ", c.t, m, i)
					}
				}
			}
		}
	}
}

// TestQuantizeActQ8 compares Q8_0/Q8_1 with the quantize package's _ref
// quantizers: the same d, and values at most one apart (ties and the last
// bit of the multiplier); the ties row shows the rounding difference.
func TestQuantizeActQ8(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, at := range []gguf.Type{gguf.Q8_0, gguf.Q8_1} {
		f, _ := quantize.Lookup(at)
		qoff := 2
		if at == gguf.Q8_1 {
			qoff = 4
		}
		_, ts := blockOf(at)
		for i, x := range actInputs(r, 1024) {
			if i == numKinds { // special values: NaN/Inf handling differs
				continue
			}
			got := QuantizeAct(nil, x, at)
			ref := f.Quantize(nil, x)
			diffs := 0
			for off := 0; off < len(got); off += ts {
				if !bytes.Equal(got[off:off+2], ref[off:off+2]) {
					t.Fatalf("%s input %d block %d: d %x, ref %x", at, i, off/ts, got[off:off+2], ref[off:off+2])
				}
				for j := 0; j < 32; j++ {
					a, b := int(int8(got[off+qoff+j])), int(int8(ref[off+qoff+j]))
					if a != b {
						diffs++
						if a-b > 1 || b-a > 1 {
							t.Fatalf("%s input %d block %d value %d: %d, ref %d", at, i, off/ts, j, a, b)
						}
					}
				}
				if at == gguf.Q8_1 {
					// s = d·Σq of this row's own values.
					var sum int32
					for j := 0; j < 32; j++ {
						sum += int32(int8(got[off+4+j]))
					}
					want := fp16Compute(float32(sum) * (blockMaxAVX(x[off/ts*32:]) / 127))
					if s := binary.LittleEndian.Uint16(got[off+2:]); s != want {
						t.Fatalf("%s input %d block %d: s %x, want %x", at, i, off/ts, s, want)
					}
				}
			}
			if i == numKinds+1 && diffs == 0 {
				t.Errorf("%s: ties rounded as the _ref quantizer does", at)
			}
		}
	}
	// A tie, by hand: amax 127, so 2.5 → 2 (ggml AVX2), 3 (_ref).
	x := make([]float32, 32)
	x[0], x[1] = 127, 2.5
	if q := int8(QuantizeAct(nil, x, gguf.Q8_0)[3]); q != 2 {
		t.Errorf("2.5 quantized to %d, want 2 (nearest even)", q)
	}
}

func TestQuantizeActQ8K(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	f, _ := quantize.Lookup(gguf.Q8_K)
	for i, x := range actInputs(r, 1024) {
		got := QuantizeAct(nil, x, gguf.Q4_K)
		ref := f.Quantize(nil, x)
		if !bytes.Equal(got, ref) {
			t.Errorf("Q8_K input %d differs from quantize's Q8_K", i)
		}
	}
}

func TestQuantizeActFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for i, x := range actInputs(r, 256) {
		h := QuantizeAct(nil, x, gguf.F16)
		b := QuantizeAct(nil, x, gguf.BF16)
		f := QuantizeAct([]byte{9}, x, gguf.F32)
		for j, v := range x {
			if v == v {
				if got, want := binary.LittleEndian.Uint16(h[2*j:]), quantize.FP32ToFP16(v); got != want {
					t.Errorf("input %d: F16 of %g = %x, want %x", i, v, got, want)
				}
			} else if got := binary.LittleEndian.Uint16(h[2*j:]); got&0x7e00 != 0x7e00 {
				t.Errorf("input %d: F16 of NaN %x = %x, not a quiet NaN", i, math.Float32bits(v), got)
			}
			if got, want := binary.LittleEndian.Uint16(b[2*j:]), quantize.FP32ToBF16(v); got != want {
				t.Errorf("input %d: BF16 of %g = %x, want %x", i, v, got, want)
			}
			if got := binary.LittleEndian.Uint32(f[1+4*j:]); got != math.Float32bits(v) {
				t.Errorf("input %d: F32 changed %x to %x", i, math.Float32bits(v), got)
			}
		}
		if f[0] != 9 {
			t.Error("QuantizeAct overwrote dst")
		}
	}
}

func TestFP16To32(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		if got, want := math.Float32bits(fp16to32(uint16(h))), math.Float32bits(quantize.FP16ToFP32(uint16(h))); got != want {
			t.Fatalf("fp16to32(%#x) = %#x, want %#x", h, got, want)
		}
	}
}
