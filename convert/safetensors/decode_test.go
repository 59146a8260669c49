package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/quantize"
)

// tensorOf parses a one-tensor file and returns the tensor.
func tensorOf(t testing.TB, dtype string, data []byte) *Tensor {
	t.Helper()
	size := dtypeSizes[dtype]
	f, err := ParseHeader(encodeST(nil, spec{"t", dtype, []int64{int64(len(data)) / size}, data}), "mem")
	if err != nil {
		t.Fatal(err)
	}
	return f.Tensors[0]
}

func decodeAll(t testing.TB, tt *Tensor) []float32 {
	t.Helper()
	out := make([]float32, tt.NumElements())
	if err := tt.Float32s(out, 0); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameBits compares floats exactly: -0 is not 0, NaN payloads count.
func sameBits(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }

func u16s(v ...uint16) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b
}

var (
	inf   = float32(math.Inf(1))
	ninf  = float32(math.Inf(-1))
	nzero = float32(math.Copysign(0, -1))
)

func checkDecoded(t *testing.T, dtype string, got, want []float32) {
	t.Helper()
	for i := range want {
		w, g := want[i], got[i]
		if w != w { // NaN
			if g == g {
				t.Errorf("%s [%d]: got %v, want NaN", dtype, i, g)
			}
			continue
		}
		if !sameBits(g, w) {
			t.Errorf("%s [%d]: got %v (%#08x), want %v (%#08x)", dtype, i, g, math.Float32bits(g), w, math.Float32bits(w))
		}
	}
}

func TestFloat32sF32(t *testing.T) {
	want := []float32{0, nzero, 1, -2.5, math.MaxFloat32, math.SmallestNonzeroFloat32, inf, ninf, math.Float32frombits(0x7fc00001)}
	var b []byte
	for _, v := range want {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	got := decodeAll(t, tensorOf(t, "F32", b))
	for i := range want { // NaN payload kept too
		if !sameBits(got[i], want[i]) {
			t.Errorf("[%d]: %#08x, want %#08x", i, math.Float32bits(got[i]), math.Float32bits(want[i]))
		}
	}
	// A window in the middle.
	dst := make([]float32, 3)
	if err := tensorOf(t, "F32", b).Float32s(dst, 2); err != nil {
		t.Fatal(err)
	}
	checkDecoded(t, "F32 window", dst, want[2:5])
}

func TestFloat32sF16(t *testing.T) {
	bitsIn := []uint16{0x0000, 0x8000, 0x3c00, 0xc000, 0x7bff, 0x0400, 0x0001, 0x8001, 0x03ff, 0x0200, 0x7c00, 0xfc00, 0x7e00, 0x3555}
	want := []float32{0, nzero, 1, -2, 65504, 1.0 / 16384, 1.0 / (1 << 24), -1.0 / (1 << 24), 1023.0 / (1 << 24), 1.0 / 32768, inf, ninf, float32(math.NaN()), 0.333251953125}
	checkDecoded(t, "F16", decodeAll(t, tensorOf(t, "F16", u16s(bitsIn...))), want)
}

// Every F16 bit pattern decodes as quantize.FP16ToFP32 does (NaN payloads
// included), and BF16 is the top half of an F32.
func TestFloat32sAll16BitPatterns(t *testing.T) {
	all := make([]uint16, 1<<16)
	for i := range all {
		all[i] = uint16(i)
	}
	f16 := decodeAll(t, tensorOf(t, "F16", u16s(all...)))
	bf16 := decodeAll(t, tensorOf(t, "BF16", u16s(all...)))
	for i, h := range all {
		if w := quantize.FP16ToFP32(h); !sameBits(f16[i], w) {
			t.Errorf("F16 %#04x: %#08x, quantize says %#08x", h, math.Float32bits(f16[i]), math.Float32bits(w))
		}
		if got := math.Float32bits(bf16[i]); got != uint32(h)<<16 {
			t.Errorf("BF16 %#04x: %#08x", h, got)
		}
	}
	// And it is the exact value: check finite ones against arithmetic.
	for i, h := range all {
		e, m := int(h>>10&0x1f), float64(h&0x3ff)
		if e == 0x1f {
			continue
		}
		v := math.Ldexp(m/1024, -14)
		if e != 0 {
			v = math.Ldexp(1+m/1024, e-15)
		}
		if h&0x8000 != 0 {
			v = -v
		}
		if float64(f16[i]) != v {
			t.Errorf("F16 %#04x = %v, want %v", h, f16[i], v)
		}
	}
}

func TestFloat32sBF16(t *testing.T) {
	want := []float32{1, -2, 3.140625, inf, ninf, nzero, float32(math.NaN()), math.Float32frombits(0x00010000)}
	got := decodeAll(t, tensorOf(t, "BF16", u16s(0x3f80, 0xc000, 0x4049, 0x7f80, 0xff80, 0x8000, 0x7fc0, 0x0001)))
	checkDecoded(t, "BF16", got, want)
}

func TestFloat32sF64(t *testing.T) {
	in := []float64{1.5, 0.1, -1e300, 1e-300, math.Copysign(0, -1), math.Inf(1), math.NaN(), 16777217}
	want := []float32{1.5, float32(0.1), ninf, 0, nzero, inf, float32(math.NaN()), 16777216}
	var b []byte
	for _, v := range in {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	checkDecoded(t, "F64", decodeAll(t, tensorOf(t, "F64", b)), want)
}

// minifloat decodes an OCP FP8 value from its definition.
func minifloat(b byte, ebits, mbits, bias int, e4m3 bool) float64 {
	sign := 1.0
	if b&0x80 != 0 {
		sign = -1
	}
	e := int(b>>mbits) & (1<<ebits - 1)
	m := float64(int(b) & (1<<mbits - 1))
	scale := float64(int(1) << mbits)
	switch {
	case e4m3 && e == 0xf && m == 7:
		return math.NaN()
	case !e4m3 && e == 0x1f && m == 0:
		return sign * math.Inf(1)
	case !e4m3 && e == 0x1f:
		return math.NaN()
	case e == 0:
		return sign * math.Ldexp(m/scale, 1-bias)
	}
	return sign * math.Ldexp(1+m/scale, e-bias)
}

func TestFloat32sFP8(t *testing.T) {
	checkDecoded(t, "F8_E4M3", decodeAll(t, tensorOf(t, "F8_E4M3", []byte{0x7e, 0x01, 0x7f, 0x80, 0x00, 0x38, 0xff, 0xfe, 0x08, 0x07})),
		[]float32{448, 1.0 / 512, float32(math.NaN()), nzero, 0, 1, float32(math.NaN()), -448, 1.0 / 64, 7.0 / 512})
	checkDecoded(t, "F8_E5M2", decodeAll(t, tensorOf(t, "F8_E5M2", []byte{0x7b, 0x7c, 0xfc, 0x01, 0x3c, 0x7d, 0x7f, 0x80, 0x04})),
		[]float32{57344, inf, ninf, 1.0 / 65536, 1, float32(math.NaN()), float32(math.NaN()), nzero, 1.0 / 16384})
	all := seq(0, 256)
	e4 := decodeAll(t, tensorOf(t, "F8_E4M3", all))
	e5 := decodeAll(t, tensorOf(t, "F8_E5M2", all))
	for i := range all {
		checkDecoded(t, "F8_E4M3 all", e4[i:i+1], []float32{float32(minifloat(byte(i), 4, 3, 7, true))})
		checkDecoded(t, "F8_E5M2 all", e5[i:i+1], []float32{float32(minifloat(byte(i), 5, 2, 15, false))})
	}
}

func TestFloat32sErrors(t *testing.T) {
	f32 := tensorOf(t, "F32", seq(0, 16)) // 4 elements
	f32.Name = "model.layers.0.w"
	for _, c := range []struct {
		n     int
		start int64
	}{{5, 0}, {1, 4}, {2, 3}, {1, -1}, {0, 5}, {1, math.MaxInt64}, {2, math.MaxInt64 - 1}, {1, math.MinInt64}} {
		err := f32.Float32s(make([]float32, c.n), c.start)
		if err == nil || !strings.Contains(err.Error(), `"model.layers.0.w"`) || !strings.Contains(err.Error(), "out of range") || !strings.Contains(err.Error(), "mem") {
			t.Errorf("n=%d start=%d: %v", c.n, c.start, err)
		}
	}
	for _, c := range []struct {
		n     int
		start int64
	}{{4, 0}, {0, 4}, {0, 0}, {1, 3}} {
		if err := f32.Float32s(make([]float32, c.n), c.start); err != nil {
			t.Errorf("n=%d start=%d: %v", c.n, c.start, err)
		}
	}
	for _, dt := range []string{"I64", "U8", "BOOL", "I32", "F8_E8M0"} {
		tt := tensorOf(t, dt, seq(0, 16))
		tt.Name = "ids." + dt
		for _, start := range []int64{0, 100} {
			err := tt.Float32s(make([]float32, 1), start)
			if err == nil || !strings.Contains(err.Error(), `"ids.`+dt+`"`) || !strings.Contains(err.Error(), dt) {
				t.Errorf("%s: %v", dt, err)
			}
		}
	}
	bogus := &Tensor{Name: "x", DType: "Q4_K", Shape: []int64{1}, Data: []byte{0}, File: "f"}
	if err := bogus.Float32s(make([]float32, 1), 0); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("Q4_K: %v", err)
	}
}

// Release and ReleaseRange drop pages from memory, not data: the file is
// the backing store, so the bytes read back the same.
func TestRelease(t *testing.T) {
	page := os.Getpagesize()
	a, b, c := seq(3, 3*page+5), seq(7, 2*page), seq(11, 17)
	specs := []spec{{"a", "U8", []int64{int64(len(a))}, a}, {"b", "U8", []int64{int64(len(b))}, b}, {"c", "U8", []int64{int64(len(c))}, c}}
	file := encodeST(nil, specs...)
	path := writeFile(t, t.TempDir(), "m.safetensors", file)
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		for i, s := range specs {
			if !bytes.Equal(f.Tensors[i].Data, s.data) {
				t.Fatalf("%s: tensor %s changed", when, s.name)
			}
		}
	}
	f.Tensors[1].Release()
	check("after Release(b)")
	f.Tensors[0].ReleaseRange(int64(page)+3, int64(2*page))
	f.Tensors[0].ReleaseRange(0, int64(len(a)))
	f.Tensors[0].ReleaseRange(5, 1)                // empty: ignored
	f.Tensors[0].ReleaseRange(-1, int64(len(a))+1) // out of range: ignored
	check("after ReleaseRange(a)")
	for _, tt := range f.Tensors {
		tt.Release()
		tt.Release()
	}
	check("after releasing all")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// After Close, Release must not madvise whatever is mapped there now.
	for _, tt := range f.Tensors {
		if tt.mapping != nil {
			t.Fatalf("tensor %s still refers to the mapping after Close", tt.Name)
		}
		tt.Release()
		tt.ReleaseRange(0, int64(len(tt.Data)))
	}

	// Tensors of ParseHeader's own buffer (here, page-aligned Go heap
	// memory) are not a file mapping: releasing them must not zero it.
	heap := append(make([]byte, 0, 1<<22), file...)
	hf, err := ParseHeader(heap, "heap")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range hf.Tensors {
		tt.Release()
		tt.ReleaseRange(0, int64(len(tt.Data)))
	}
	for i, s := range specs {
		if !bytes.Equal(hf.Tensors[i].Data, s.data) {
			t.Fatalf("ParseHeader buffer: Release zeroed tensor %s", s.name)
		}
	}
	if !bytes.Equal(heap, file) {
		t.Fatal("ParseHeader buffer: Release changed it")
	}
}

func BenchmarkFloat32sBF16(b *testing.B) {
	const n = 1 << 20
	data := make([]byte, 2*n)
	for i := range n {
		binary.LittleEndian.PutUint16(data[2*i:], uint16(i*7919))
	}
	tt := tensorOf(b, "BF16", data)
	dst := make([]float32, n)
	b.SetBytes(2 * n)
	b.ResetTimer()
	for b.Loop() {
		if err := tt.Float32s(dst, 0); err != nil {
			b.Fatal(err)
		}
	}
}
