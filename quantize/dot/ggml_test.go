package dot

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"unsafe"

	"github.com/hfctl/hfctl/gguf"
)

// TestAgainstGGML runs ggml-cpu's own code (testdata/ggmlcheck, built
// against a llama.cpp checkout; see its header) on the same data, when
// GGMLCHECK names the binary: the activation rows must be byte-identical,
// the pure-Go dot products bit-identical to ggml's generic C ones (built
// without FMA contraction), and the assembly within float rounding of
// ggml's AVX2 ones (it reports how many are bit-identical).
func TestAgainstGGML(t *testing.T) {
	bin := os.Getenv("GGMLCHECK")
	if bin == "" {
		t.Skip("GGMLCHECK (path of testdata/ggmlcheck built) not set")
	}
	run := func(in []byte, args ...any) []byte {
		t.Helper()
		var sargs []string
		for _, a := range args {
			sargs = append(sargs, fmt.Sprint(a))
		}
		cmd := exec.Command(bin, sargs...)
		cmd.Stdin = bytes.NewReader(in)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ggmlcheck %v: %v %s", sargs, err, stderr.String())
		}
		return out
	}
	floats := func(x []float32) []byte {
		return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), 4*len(x))
	}
	r := rand.New(rand.NewPCG(21, 22))

	// Activations.
	for _, at := range []gguf.Type{gguf.F32, gguf.F16, gguf.BF16, gguf.Q8_0, gguf.Q8_1, gguf.Q8_K} {
		bs, _ := blockOf(at)
		for _, n := range []int{256, 1024, 4096} {
			for i, x := range actInputs(r, n) {
				for _, m := range []int{n, n - 1, n - 3, n - 5, n - 8} {
					if m%bs != 0 {
						continue
					}
					want := run(floats(x[:m]), "act", int(at), m)
					got := QuantizeAct(nil, x[:m], at)
					if !bytes.Equal(got, want) {
						t.Errorf("%s n=%d input %d: QuantizeAct differs from ggml", at, m, i)
					}
					if at == gguf.Q8_0 || at == gguf.Q8_1 || at == gguf.F16 {
						saved := kernelTable
						q0, q1, f := actQ8_0, actQ8_1, actF16
						actQ8_0, actQ8_1, actF16 = actQ8_0Go, actQ8_1Go, actF16Go
						got := QuantizeAct(nil, x[:m], at)
						actQ8_0, actQ8_1, actF16 = q0, q1, f
						kernelTable = saved
						if !bytes.Equal(got, want) {
							t.Errorf("%s n=%d input %d: pure-Go QuantizeAct differs from ggml", at, m, i)
						}
					}
				}
			}
		}
	}

	// Dot products.
	const rows = 8
	for _, w := range allTypes {
		same, total := 0, 0
		maxRel := 0.0
		for _, n := range sizes(w) {
			for kind := 0; kind < numKinds; kind++ {
				W := quantRow(t, w, genFloats(r, rows*n, kind))
				act := QuantizeAct(nil, genFloats(r, n, (kind+1)%numKinds), w)
				in := append(append([]byte(nil), W...), act...)
				ggml := run(in, "dot", int(w), n, rows)
				var gen []byte
				if !isFloat(w) {
					gen = run(in, "generic", int(w), n, rows)
				}
				wsz := RowSize(w, n)
				for i := 0; i < rows; i++ {
					want := math.Float32frombits(binary.LittleEndian.Uint32(ggml[4*i:]))
					got := Dot(w, n, W[i*wsz:], act)
					_, abs := refDot(w, n, W[i*wsz:], act)
					total++
					if got == want {
						same++
					} else if abs > 0 {
						maxRel = max(maxRel, math.Abs(float64(got-want))/abs)
					}
					if !closeTo(float64(got), float64(want), 1e-5, abs) || haveAsm && got != want {
						t.Errorf("%s n=%d kind %d row %d: %g, ggml %g", w, n, kind, i, got, want)
					}
					if gen != nil {
						bs, _ := blockOf(w)
						want := math.Float32frombits(binary.LittleEndian.Uint32(gen[4*i:]))
						got := genericTable[w].dot(n/bs, &W[i*wsz], &act[0])
						if math.Float32bits(got) != math.Float32bits(want) {
							t.Errorf("%s n=%d kind %d row %d: pure Go %g, ggml generic %g", w, n, kind, i, got, want)
						}
					}
				}
			}
		}
		t.Logf("%-4s: kernel bit-identical to ggml's AVX2 in %d/%d, worst difference %.2g of Σ|wa|", w, same, total, maxRel)
	}
}
