package quantize

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/hfctl/hfctl/gguf"
)

// refInput is testdata/ref/input.f32: 10 rows of 256 values of different
// kinds (normal, uniform, tiny, subnormal-range, exact ties, huge, outliers,
// half-zero blocks, all-negative, sixteenths). testdata/ref/TYPE.bin holds
// ggml's quantization of it (ggml_quantize_chunk of llama.cpp b10470).
func refInput(t *testing.T) []float32 {
	b, err := os.ReadFile(filepath.Join("testdata", "ref", "input.f32"))
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}

func TestReferenceVectors(t *testing.T) {
	x := refInput(t)
	for typ, f := range formats {
		want, err := os.ReadFile(filepath.Join("testdata", "ref", typ.String()+".bin"))
		if err != nil {
			t.Logf("%s: no reference vector", typ)
			continue
		}
		got := f.Quantize(nil, x)
		if !bytes.Equal(got, want) {
			info, _ := typ.Info()
			for b := 0; b < len(want)/info.TypeSize; b++ {
				if !bytes.Equal(got[b*info.TypeSize:(b+1)*info.TypeSize], want[b*info.TypeSize:(b+1)*info.TypeSize]) {
					t.Errorf("%s: block %d (row %d) differs from ggml", typ, b, b*info.BlockSize/256)
					break
				}
			}
		}
	}
}

// maxRelErr is a generous bound on max|x - deq(q(x))| / max|x| per block
// family: half a quantization step of each format.
var maxRelErr = map[gguf.Type]float64{
	gguf.Q8_0: 1.0 / 127, gguf.Q8_1: 1.0 / 127, gguf.Q4_0: 1.0 / 8, gguf.Q4_1: 1.0 / 15, gguf.Q5_0: 1.0 / 16, gguf.Q5_1: 1.0 / 31,
	gguf.Q2_K: 0.5, gguf.Q3_K: 0.25, gguf.Q4_K: 0.12, gguf.Q5_K: 0.06, gguf.Q6_K: 0.03, gguf.Q8_K: 1.0 / 127,
}

func TestRoundTripError(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, 256*16)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for typ, f := range formats {
		q := f.Quantize(nil, x)
		info, _ := typ.Info()
		if len(q) != len(x)/info.BlockSize*info.TypeSize {
			t.Fatalf("%s: %d bytes", typ, len(q))
		}
		y := make([]float32, len(x))
		f.Dequantize(y, q)
		bound, ok := maxRelErr[typ]
		if !ok {
			t.Fatalf("%s: no error bound", typ)
		}
		for b := 0; b < len(x)/info.BlockSize; b++ {
			var amax, emax float64
			for j := b * info.BlockSize; j < (b+1)*info.BlockSize; j++ {
				amax = math.Max(amax, math.Abs(float64(x[j])))
				emax = math.Max(emax, math.Abs(float64(x[j]-y[j])))
			}
			if emax > bound*amax*1.01 {
				t.Errorf("%s block %d: max error %g of max %g (bound %g)", typ, b, emax, amax, bound)
				break
			}
		}
	}
}

func TestZerosAndTiny(t *testing.T) {
	for typ, f := range formats {
		info, _ := typ.Info()
		for _, v := range []float32{0, 1e-38, -3e-45} {
			x := make([]float32, info.BlockSize)
			for i := range x {
				x[i] = v
			}
			y := make([]float32, len(x))
			f.Dequantize(y, f.Quantize(nil, x))
			for i := range y {
				if math.IsNaN(float64(y[i])) || math.Abs(float64(y[i])) > 1e-30 {
					t.Fatalf("%s: %g -> %g", typ, v, y[i])
				}
			}
		}
	}
}

func BenchmarkQuantize(b *testing.B) {
	x := make([]float32, 256*256)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for typ, f := range formats {
		b.Run(typ.String(), func(b *testing.B) {
			buf := make([]byte, 0, len(x)*2)
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				buf = f.Quantize(buf[:0], x)
			}
		})
	}
}

func BenchmarkDequantize(b *testing.B) {
	x := make([]float32, 256*256)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for typ, f := range formats {
		b.Run(typ.String(), func(b *testing.B) {
			q := f.Quantize(nil, x)
			y := make([]float32, len(x))
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				f.Dequantize(y, q)
			}
		})
	}
}
