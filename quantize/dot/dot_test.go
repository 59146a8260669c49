package dot

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

var allTypes = []gguf.Type{
	gguf.F32, gguf.F16, gguf.BF16,
	gguf.Q8_0, gguf.Q4_0, gguf.Q4_1, gguf.Q5_0, gguf.Q5_1,
	gguf.Q2_K, gguf.Q3_K, gguf.Q4_K, gguf.Q5_K, gguf.Q6_K,
}

// sizes returns test row lengths for type t.
func sizes(t gguf.Type) []int {
	bs, _ := blockOf(t)
	switch bs {
	case 1:
		return []int{1, 7, 8, 31, 32, 33, 63, 100, 256, 1000, 4096}
	case 32:
		return []int{32, 64, 96, 256, 32 * 37, 4096}
	}
	return []int{256, 512, 768, 2048, 4096}
}

// dequant returns the float values of a row of type t.
func dequant(t gguf.Type, data []byte, n int) []float32 {
	out := make([]float32, n)
	switch t {
	case gguf.F32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
	case gguf.F16:
		for i := range out {
			out[i] = quantize.FP16ToFP32(binary.LittleEndian.Uint16(data[2*i:]))
		}
	case gguf.BF16:
		for i := range out {
			out[i] = quantize.BF16ToFP32(binary.LittleEndian.Uint16(data[2*i:]))
		}
	default:
		f, ok := quantize.Lookup(t)
		if !ok {
			panic(t)
		}
		f.Dequantize(out, data[:RowSize(t, n)])
	}
	return out
}

// quantBytes is the byte range of each block format holding the quants
// (the rest are scales).
var quantBytes = map[gguf.Type][2]int{
	gguf.Q8_0: {2, 34}, gguf.Q4_0: {2, 18}, gguf.Q4_1: {4, 20}, gguf.Q5_0: {2, 22}, gguf.Q5_1: {4, 24},
	gguf.Q2_K: {16, 80}, gguf.Q3_K: {0, 96}, gguf.Q4_K: {16, 144}, gguf.Q5_K: {16, 176}, gguf.Q6_K: {0, 192},
}

// refDot is Σ w·a in float64 over the dequantized rows, and the scale of
// the rounding errors: Σ (|w| + |o|)·|a|, o being the value a zero quant
// has (the mins and offsets, which the kernels multiply separately, so
// terms that cancel in w still round on their own).
func refDot(w gguf.Type, n int, wrow, act []byte) (sum, abs float64) {
	a, b := dequant(w, wrow, n), dequant(ActType(w), act, n)
	off := make([]float32, n)
	if qb, ok := quantBytes[w]; ok {
		z := append([]byte(nil), wrow[:RowSize(w, n)]...)
		_, ts := blockOf(w)
		for o := 0; o < len(z); o += ts {
			clear(z[o+qb[0] : o+qb[1]])
		}
		off = dequant(w, z, n)
	}
	for i := range a {
		p := float64(a[i]) * float64(b[i])
		sum += p
		abs += (math.Abs(float64(a[i])) + math.Abs(float64(off[i]))) * math.Abs(float64(b[i]))
	}
	if ActType(w) == gguf.Q8_1 {
		// ggml uses the activation block's s = fp16(d·Σq), not Σ of the
		// dequantized values, for the min term: so does the reference.
		_, wts := blockOf(w)
		for blk := 0; blk < n/32; blk++ {
			m := float64(quantize.FP16ToFP32(binary.LittleEndian.Uint16(wrow[blk*wts+2:])))
			s := float64(quantize.FP16ToFP32(binary.LittleEndian.Uint16(act[blk*36+2:])))
			var as float64
			for _, v := range b[blk*32 : blk*32+32] {
				as += float64(v)
			}
			sum += m * (s - as)
		}
	}
	return sum, abs
}

// genFloats fills n values of one of several shapes.
func genFloats(r *rand.Rand, n int, kind int) []float32 {
	x := make([]float32, n)
	for i := range x {
		switch kind {
		case 0: // normal
			x[i] = float32(r.NormFloat64())
		case 1: // large magnitudes (F16-safe)
			x[i] = float32(r.NormFloat64() * 3000)
		case 2: // sparse: mostly zeros
			if r.IntN(4) == 0 {
				x[i] = float32(r.NormFloat64())
			}
		case 3: // all zero
		case 4: // small and outliers
			x[i] = float32(r.NormFloat64() * 1e-3)
			if r.IntN(50) == 0 {
				x[i] = float32(r.NormFloat64() * 40)
			}
		}
	}
	return x
}

const numKinds = 5

func quantRow(t *testing.T, w gguf.Type, x []float32) []byte {
	b, err := quantize.QuantizeRows(w, nil, x)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// closeTo reports |a-b| <= tol·scale (+ a tiny absolute slack).
func closeTo(a, b float64, tol, scale float64) bool {
	return math.Abs(a-b) <= tol*scale+1e-30
}

func TestActType(t *testing.T) {
	want := map[gguf.Type]gguf.Type{
		gguf.F32: gguf.F32, gguf.F16: gguf.F16, gguf.BF16: gguf.BF16,
		gguf.Q8_0: gguf.Q8_0, gguf.Q4_0: gguf.Q8_0, gguf.Q5_0: gguf.Q8_0,
		gguf.Q4_1: gguf.Q8_1, gguf.Q5_1: gguf.Q8_1,
		gguf.Q2_K: gguf.Q8_K, gguf.Q3_K: gguf.Q8_K, gguf.Q4_K: gguf.Q8_K, gguf.Q5_K: gguf.Q8_K, gguf.Q6_K: gguf.Q8_K,
		gguf.IQ4_NL: gguf.Q8_0, gguf.IQ4_XS: gguf.Q8_K, gguf.Q8_1: gguf.Q8_1, gguf.Q8_K: gguf.Q8_K,
	}
	for w, a := range want {
		if got := ActType(w); got != a {
			t.Errorf("ActType(%s) = %s, want %s", w, got, a)
		}
	}
	for _, w := range allTypes {
		if !Supported(w) {
			t.Errorf("%s not supported", w)
		}
	}
	for _, w := range []gguf.Type{gguf.Q8_1, gguf.Q8_K, gguf.IQ2_XXS, gguf.I32} {
		if Supported(w) {
			t.Errorf("%s supported", w)
		}
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("ActType(I32) did not panic")
			}
		}()
		ActType(gguf.I32)
	}()
}

// TestDot checks, for every type, size and data shape, the kernels in use
// (assembly where present) and the pure-Go ones against each other and
// against a float64 product of the dequantized rows.
func TestDot(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, w := range allTypes {
		for _, n := range sizes(w) {
			for kind := 0; kind < numKinds; kind++ {
				for trial := 0; trial < 3; trial++ {
					wrow := quantRow(t, w, genFloats(r, n, kind))
					act := QuantizeAct(nil, genFloats(r, n, (kind+trial)%numKinds), w)
					checkDot(t, w, n, wrow, act, fmt.Sprintf("kind %d trial %d", kind, trial))
				}
			}
		}
	}
}

// TestDotRandomBytes runs the dot products on random block bytes (all
// quant bit patterns, including the extremes quantizers rarely produce)
// with sane block scales.
func TestDotRandomBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, w := range allTypes {
		if isFloat(w) {
			continue
		}
		for _, n := range sizes(w) {
			for trial := 0; trial < 5; trial++ {
				wrow := randomBlocks(r, w, n, func() uint16 { return quantize.FP32ToFP16(float32(r.NormFloat64() * 0.01)) })
				act := QuantizeAct(nil, genFloats(r, n, trial%numKinds), w)
				checkDot(t, w, n, wrow, act, fmt.Sprintf("random bytes trial %d", trial))
			}
		}
	}
}

// scaleOffsets lists the f16 scale fields of each block format.
var scaleOffsets = map[gguf.Type][]int{
	gguf.Q8_0: {0}, gguf.Q4_0: {0}, gguf.Q5_0: {0}, gguf.Q4_1: {0, 2}, gguf.Q5_1: {0, 2},
	gguf.Q2_K: {80, 82}, gguf.Q3_K: {108}, gguf.Q4_K: {0, 2}, gguf.Q5_K: {0, 2}, gguf.Q6_K: {208},
	gguf.Q8_1: {0, 2},
}

func randomBlocks(r *rand.Rand, w gguf.Type, n int, scale func() uint16) []byte {
	b := make([]byte, RowSize(w, n))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	_, ts := blockOf(w)
	for off := 0; off < len(b); off += ts {
		for _, s := range scaleOffsets[w] {
			binary.LittleEndian.PutUint16(b[off+s:], scale())
		}
	}
	return b
}

func checkDot(t *testing.T, w gguf.Type, n int, wrow, act []byte, what string) {
	t.Helper()
	got := Dot(w, n, wrow, act)
	bs, _ := blockOf(w)
	goRes := genericTable[w].dot(n/bs, unsafe.SliceData(wrow), unsafe.SliceData(act))
	ref, abs := refDot(w, n, wrow, act)
	// Summation order (and for the float types float32 against float64
	// accumulation) differs: a relative 1e-5 of Σ|w·a|.
	if !closeTo(float64(got), float64(goRes), 1e-5, abs) {
		t.Errorf("%s n=%d %s: kernel %g, pure Go %g (Σ|wa| %g)", w, n, what, got, goRes, abs)
	}
	if !closeTo(float64(goRes), ref, 2e-5, abs) || !closeTo(float64(got), ref, 2e-5, abs) {
		t.Errorf("%s n=%d %s: kernel %g, pure Go %g, float64 reference %g (Σ|wa| %g)", w, n, what, got, goRes, ref, abs)
	}
}

// TestDotExact uses unit block scales and small integers, so every float
// operation is exact: the kernels must give the exact integer dot product.
func TestDotExact(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	one := quantize.FP32ToFP16(1)
	for _, w := range allTypes {
		for _, n := range sizes(w) {
			if n > 2048 {
				continue
			}
			for trial := 0; trial < 5; trial++ {
				var wrow, act []byte
				at := ActType(w)
				if isFloat(w) {
					xs := make([]float32, n)
					ys := make([]float32, n)
					for i := range xs {
						xs[i] = float32(r.IntN(61) - 30)
						ys[i] = float32(r.IntN(61) - 30)
					}
					wrow = quantRow(t, w, xs)
					act = QuantizeAct(nil, ys, w)
				} else {
					wrow = randomBlocks(r, w, n, func() uint16 { return one })
					act = smallIntAct(r, at, n)
				}
				ref, _ := refDot(w, n, wrow, act)
				bs, _ := blockOf(w)
				got := Dot(w, n, wrow, act)
				goRes := genericTable[w].dot(n/bs, unsafe.SliceData(wrow), unsafe.SliceData(act))
				if float64(got) != ref || float64(goRes) != ref {
					t.Errorf("%s n=%d trial %d: kernel %g, pure Go %g, exact %g", w, n, trial, got, goRes, ref)
				}
			}
		}
	}
}

// smallIntAct builds an activation row of type at with scale 1 and values
// in -4..4 (Q8_1's s and Q8_K's block sums consistent).
func smallIntAct(r *rand.Rand, at gguf.Type, n int) []byte {
	bs, ts := blockOf(at)
	b := make([]byte, RowSize(at, n))
	for off := 0; off < len(b); off += ts {
		blk := b[off : off+ts]
		var qs []byte
		switch at {
		case gguf.Q8_0:
			binary.LittleEndian.PutUint16(blk, quantize.FP32ToFP16(1))
			qs = blk[2:]
		case gguf.Q8_1:
			binary.LittleEndian.PutUint16(blk, quantize.FP32ToFP16(1))
			qs = blk[4:]
		case gguf.Q8_K:
			binary.LittleEndian.PutUint32(blk, math.Float32bits(1))
			qs = blk[4 : 4+bs]
		}
		sum := 0
		for i := 0; i < bs; i++ {
			v := r.IntN(9) - 4
			qs[i] = byte(int8(v))
			sum += v
		}
		switch at {
		case gguf.Q8_1:
			binary.LittleEndian.PutUint16(blk[2:], quantize.FP32ToFP16(float32(sum)))
		case gguf.Q8_K:
			for j := 0; j < 16; j++ {
				s := 0
				for _, q := range qs[16*j : 16*j+16] {
					s += int(int8(q))
				}
				binary.LittleEndian.PutUint16(blk[260+2*j:], uint16(int16(s)))
			}
		}
	}
	return b
}

// TestMatVecMatMul checks MatVec and MatMul against Dot: bit-identical for
// the quantized types, within float rounding for F32/F16/BF16.
func TestMatVecMatMul(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, w := range allTypes {
		for _, n := range sizes(w) {
			if n > 2048 {
				continue
			}
			for _, rows := range []int{1, 2, 5, 17} {
				W := quantRow(t, w, genFloats(r, rows*n, 0))
				for _, nact := range []int{1, 3, 4, 5, 9} {
					var acts []byte
					for j := 0; j < nact; j++ {
						acts = QuantizeAct(acts, genFloats(r, n, j%3), w)
					}
					wsz, asz := RowSize(w, n), ActRowSize(w, n)
					want := make([]float32, nact*rows)
					abs := make([]float64, nact*rows)
					for j := 0; j < nact; j++ {
						for i := 0; i < rows; i++ {
							want[j*rows+i] = Dot(w, n, W[i*wsz:], acts[j*asz:])
							_, abs[j*rows+i] = refDot(w, n, W[i*wsz:], acts[j*asz:])
						}
					}
					out := make([]float32, rows)
					MatVec(w, rows, n, W, acts[(nact-1)*asz:], out)
					for i := range out {
						if out[i] != want[(nact-1)*rows+i] {
							t.Fatalf("%s n=%d rows=%d: MatVec[%d] = %g, Dot %g", w, n, rows, i, out[i], want[(nact-1)*rows+i])
						}
					}
					ld := rows + 3
					outm := make([]float32, (nact-1)*ld+rows)
					for i := range outm {
						outm[i] = float32(math.NaN())
					}
					MatMulStride(w, rows, n, W, acts, nact, outm, ld)
					for j := 0; j < nact; j++ {
						for i := 0; i < rows; i++ {
							got, exp := outm[j*ld+i], want[j*rows+i]
							if isFloat(w) {
								if !closeTo(float64(got), float64(exp), 1e-5, abs[j*rows+i]) {
									t.Fatalf("%s n=%d rows=%d nact=%d: MatMul[%d,%d] = %g, Dot %g", w, n, rows, nact, j, i, got, exp)
								}
							} else if got != exp {
								t.Fatalf("%s n=%d rows=%d nact=%d: MatMul[%d,%d] = %g, Dot %g", w, n, rows, nact, j, i, got, exp)
							}
						}
						for i := rows; i < ld && j < nact-1; i++ {
							if !math.IsNaN(float64(outm[j*ld+i])) {
								t.Fatalf("%s: MatMulStride wrote outside the rows", w)
							}
						}
					}
					outp := make([]float32, nact*rows)
					MatMul(w, rows, n, W, acts, nact, outp)
					for i := range outp {
						if outp[i] != outm[i/rows*ld+i%rows] {
							t.Fatalf("%s: MatMul and MatMulStride differ", w)
						}
					}
				}
			}
		}
	}
}

// TestMatMulLong covers MatMul's chunks of activation scales and its
// fallback for rows too long for them.
func TestMatMulLong(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for _, c := range []struct {
		w       gguf.Type
		n, nact int
	}{
		{gguf.Q8_0, 32768, 13}, {gguf.Q4_1, 16384, 9}, {gguf.Q8_0, 66560, 5}, {gguf.Q5_1, 33792, 4},
	} {
		rows := 3
		W := quantRow(t, c.w, genFloats(r, rows*c.n, 0))
		var acts []byte
		for j := 0; j < c.nact; j++ {
			acts = QuantizeAct(acts, genFloats(r, c.n, 0), c.w)
		}
		out := make([]float32, rows*c.nact)
		MatMul(c.w, rows, c.n, W, acts, c.nact, out)
		wsz, asz := RowSize(c.w, c.n), ActRowSize(c.w, c.n)
		for j := 0; j < c.nact; j++ {
			for i := 0; i < rows; i++ {
				if want := Dot(c.w, c.n, W[i*wsz:], acts[j*asz:]); out[j*rows+i] != want {
					t.Fatalf("%s n=%d: MatMul[%d,%d] = %g, Dot %g", c.w, c.n, j, i, out[j*rows+i], want)
				}
			}
		}
	}
}

func TestZeroLength(t *testing.T) {
	for _, w := range allTypes {
		if got := Dot(w, 0, nil, nil); got != 0 {
			t.Errorf("%s: Dot of nothing = %g", w, got)
		}
		out := []float32{1, 2}
		MatVec(w, 2, 0, nil, nil, out)
		if out[0] != 0 || out[1] != 0 {
			t.Errorf("%s: MatVec with n=0 left %v", w, out)
		}
		MatMul(w, 0, 0, nil, nil, 3, nil)
	}
}

func TestPanics(t *testing.T) {
	mustPanic := func(what string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", what)
			}
		}()
		f()
	}
	w := make([]byte, 34)
	mustPanic("short activations", func() { Dot(gguf.Q8_0, 32, w, w[:30]) })
	mustPanic("n not a block multiple", func() { Dot(gguf.Q8_0, 31, w, w) })
	mustPanic("unsupported type", func() { Dot(gguf.IQ2_XXS, 256, w, w) })
	mustPanic("short W", func() { MatVec(gguf.Q8_0, 2, 32, w, w, make([]float32, 2)) })
	mustPanic("short out", func() { MatMul(gguf.Q8_0, 1, 32, w, w, 1, nil) })
}

func TestNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, w := range allTypes {
		n := 512
		rows, nact := 8, 6
		W := quantRow(t, w, genFloats(r, rows*n, 0))
		x := genFloats(r, nact*n, 0)
		acts := make([]byte, 0, nact*ActRowSize(w, n))
		out := make([]float32, rows*nact)
		allocs := testing.AllocsPerRun(10, func() {
			acts = acts[:0]
			for j := 0; j < nact; j++ {
				acts = QuantizeAct(acts, x[j*n:(j+1)*n], w)
			}
			_ = Dot(w, n, W, acts)
			MatVec(w, rows, n, W, acts, out)
			MatMul(w, rows, n, W, acts, nact, out)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations", w, allocs)
		}
	}
}
