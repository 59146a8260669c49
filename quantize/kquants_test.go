package quantize

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/hfctl/hfctl/gguf"
)

func readF32(t *testing.T, name string) []float32 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ref", name))
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}

// TestSpecialVectors: testdata/ref/special.f32 is 16 rows of 256 built to
// reach the corners: a NaN first in every sub-block, NaNs at the end of
// sub-blocks beside infinities, lone infinities, signalling NaNs, an all-NaN
// row, values past the f16 range, subnormals, zeros/-0/constant blocks, and
// eight random rows (four with NaN/inf sprinkled in). special-TYPE.bin is
// ggml's output for it (ggml_quantize_chunk, or quantize_row_q8_1_ref and
// quantize_row_q8_K_ref, of llama.cpp b10470's libggml-base).
func TestSpecialVectors(t *testing.T) {
	x := readF32(t, "special.f32")
	n := 0
	for typ, f := range formats {
		want, err := os.ReadFile(filepath.Join("testdata", "ref", "special-"+typ.String()+".bin"))
		if err != nil {
			t.Logf("%s: no special reference vector", typ)
			continue
		}
		n++
		got := f.Quantize(nil, x)
		if len(got) != len(want) {
			t.Errorf("%s: %d bytes, want %d", typ, len(got), len(want))
			continue
		}
		info, _ := typ.Info()
		for b := 0; b < len(want)/info.TypeSize; b++ {
			g, w := got[b*info.TypeSize:(b+1)*info.TypeSize], want[b*info.TypeSize:(b+1)*info.TypeSize]
			if !bytes.Equal(g, w) {
				t.Errorf("%s: block %d (row %d) differs from ggml:\n got %x\nwant %x", typ, b, b*info.BlockSize/256, g, w)
				break
			}
		}
	}
	if n == 0 {
		t.Fatal("no formats checked")
	}
}

// dequantRef holds the SHA-256 of ggml's dequantize_row_* output (float32
// little-endian) for the reference bytes of input.f32 and special.f32
// (Q8_1 has no ggml dequantizer).
var dequantRef = map[string]map[gguf.Type]string{
	"": {
		gguf.Q2_K: "dcbf7601c0f412095a1a043da0e05669f2ee4efe79e6f45ce1faa280b79d57a9",
		gguf.Q3_K: "fce97104ae281769fde113c91867a2a6e2fae3ac7b5ec850eb3ae74a4d205ebc",
		gguf.Q4_0: "21f7aa87edc319d40185d2f68d4e180942c330fb1d8dd95e5d3a3a1ee1299ea5",
		gguf.Q4_1: "71dc7e90338fa3f53c000a4c2800a14debd49103c4eb973a7e9a94bfba6e91db",
		gguf.Q4_K: "a72e606cef8fb5723c540b7af7b35d8e0108dadbf7614ed48546e54a2c87b055",
		gguf.Q5_0: "e792cafbbaafb82b62389de987eca3eb32612e7ccfc6bbd86077bfa553f3d0d2",
		gguf.Q5_1: "14b773143e968900108d9547df1f54d7da76b4a31785eed1f4648e7594ca4091",
		gguf.Q5_K: "3f410f4bfbdb0a1c26d35a40e7222c3c5100bf564ad5352ca63c28d4e006dc3c",
		gguf.Q6_K: "d9a3db7d2cc207a6783aaf3e34b8dd7ac62a6dfda1398ffdaf3e7f713cab17a7",
		gguf.Q8_0: "3c6a15f20a589066e3934b12ecb812e1a4c6db01f8c3479a35f4246d8860762c",
		gguf.Q8_K: "57f296960a3ef90802b640ccdc871ff2fcc129691a8b5e103ab85b950e6f7a1f",
	},
	"special-": {
		gguf.Q2_K: "66fef07d2c836acf138334b0bd7238cd88250f32fccac4b37a4cbea713e81a12",
		gguf.Q3_K: "25e6b129f2f5ac491f773bdb222e2993175c392db3d643290d811f0412a26224",
		gguf.Q4_0: "5a8add680f01a089afcf17be4ba9a5e4f99360fc1e92c77dfa47ef592ef17e05",
		gguf.Q4_1: "938e6f234a66526924e46c00f00127b3a44e5e258a48b5611d565cedb3956779",
		gguf.Q4_K: "891415f4d9fb49e2eb6ddc5bae67cc009a525325d0ac160ef481cf77b1d504ec",
		gguf.Q5_0: "0118cfc3d4dadf1427d7562f814c2dcfc8267fbfddb83ab7dc6a766d33304304",
		gguf.Q5_1: "6066a445f3f16c36f302151005468fa145448af77dc7606d4ccbeeaf2575e91d",
		gguf.Q5_K: "e0ddd93f34ffafcb6060693162a4ac1e408a72d7d4520a11d0dfab7fd44003ee",
		gguf.Q6_K: "5df7c28f98e3907f5c6f160c86aaba5d00fae8ad243ffd43be5ccfa952cb4833",
		gguf.Q8_0: "4233ade0e9c528fbe5e754bcb75006b9e9943efedf31330591de98eeefc1fbd6",
		gguf.Q8_K: "3e9f896eccea704e6aadb24cf3ca6b8c09e564e35e6ae342205dfe93fa8150d1",
	},
}

func TestDequantizeReference(t *testing.T) {
	for prefix, sums := range dequantRef {
		for typ, sum := range sums {
			f, ok := formats[typ]
			if !ok {
				continue // a format not built (yet)
			}
			q, err := os.ReadFile(filepath.Join("testdata", "ref", prefix+typ.String()+".bin"))
			if err != nil {
				t.Fatal(err)
			}
			info, _ := typ.Info()
			y := make([]float32, len(q)/info.TypeSize*info.BlockSize)
			f.Dequantize(y, q)
			h := sha256.New()
			var b [4]byte
			for _, v := range y {
				binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
				h.Write(b[:])
			}
			if got := hex.EncodeToString(h.Sum(nil)); got != sum {
				t.Errorf("%s%s: dequantized values differ from ggml's (sha256 %s)", prefix, typ, got)
			}
		}
	}
}

// TestRMSE bounds the round-trip error on Gaussian rows relative to the
// block value range.
func TestRMSE(t *testing.T) {
	bound := map[gguf.Type]float64{
		gguf.Q8_0: 0.0015, gguf.Q8_1: 0.0015, gguf.Q8_K: 0.0015,
		gguf.Q6_K: 0.006, gguf.Q5_0: 0.012, gguf.Q5_1: 0.012, gguf.Q5_K: 0.012,
		gguf.Q4_0: 0.024, gguf.Q4_1: 0.024, gguf.Q4_K: 0.024,
		gguf.Q3_K: 0.05, gguf.Q2_K: 0.1,
	}
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float32, 256*64)
	var lo, hi float64
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 0.02)
		lo, hi = min(lo, float64(x[i])), max(hi, float64(x[i]))
	}
	y := make([]float32, len(x))
	for typ, f := range formats {
		f.Dequantize(y, f.Quantize(nil, x))
		var se float64
		for i := range x {
			d := float64(x[i] - y[i])
			se += d * d
		}
		rel := math.Sqrt(se/float64(len(x))) / (hi - lo)
		b, ok := bound[typ]
		if !ok {
			t.Errorf("%s: no RMSE bound", typ)
			continue
		}
		if rel > b {
			t.Errorf("%s: RMSE %.3g of the range, want < %g", typ, rel, b)
		}
		t.Logf("%s: RMSE/range %.3g", typ, rel)
	}
}

func TestAppendAndEmpty(t *testing.T) {
	x := make([]float32, 512)
	for i := range x {
		x[i] = float32(i%37) - 18
	}
	for typ, f := range formats {
		if got := f.Quantize([]byte("ab"), nil); string(got) != "ab" {
			t.Errorf("%s: empty input changed dst", typ)
		}
		want := f.Quantize(nil, x)
		got := f.Quantize([]byte("prefix"), x)
		if string(got[:6]) != "prefix" || !bytes.Equal(got[6:], want) {
			t.Errorf("%s: appending to a non-empty dst differs", typ)
		}
	}
}

func TestNearestInt(t *testing.T) {
	for _, v := range []float32{0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 3.7, -3.7, 4194303, -4194303, 1e-30} {
		if got, want := nearestInt(v), int32(math.RoundToEven(float64(v))); got != want {
			t.Errorf("nearestInt(%g) = %d, want %d", v, got, want)
		}
	}
	if nearestInt(float32(math.NaN())) != 0 { // default NaN: payload 0x400000
		t.Error("nearestInt(NaN)")
	}
}

func TestTruncAndRound(t *testing.T) {
	inf := float32(math.Inf(1))
	for _, c := range []struct {
		f    float32
		want int32
	}{{2.9, 2}, {-2.9, -2}, {2147483520, 2147483520}, {2147483648, math.MinInt32}, {-2147483648, math.MinInt32},
		{-2147483904, math.MinInt32}, {inf, math.MinInt32}, {-inf, math.MinInt32}, {float32(math.NaN()), math.MinInt32}} {
		if got := truncToInt32(c.f); got != c.want {
			t.Errorf("truncToInt32(%g) = %d, want %d", c.f, got, c.want)
		}
	}
	for _, c := range []struct {
		f    float32
		want int8
	}{{0.5, 1}, {-0.5, -1}, {1.5, 2}, {2.5, 3}, {-127.4, -127}, {127.5, -128}, {200, -56}, {inf, 0}, {float32(math.NaN()), 0}} {
		if got := roundToInt8(c.f); got != c.want {
			t.Errorf("roundToInt8(%g) = %d, want %d", c.f, got, c.want)
		}
	}
}

func TestGetScaleMinK4(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 1000; n++ {
		var ls, lm [8]uint8
		var sc [12]byte
		for j := 0; j < 8; j++ {
			ls[j], lm[j] = uint8(rng.IntN(64)), uint8(rng.IntN(64))
			if j < 4 {
				sc[j], sc[j+4] = ls[j], lm[j]
			} else {
				sc[j+4] = ls[j]&0xF | lm[j]<<4
				sc[j-4] |= ls[j] >> 4 << 6
				sc[j] |= lm[j] >> 4 << 6
			}
		}
		for j := 0; j < 8; j++ {
			if s, m := getScaleMinK4(j, sc[:]); s != ls[j] || m != lm[j] {
				t.Fatalf("sub-block %d: got %d,%d want %d,%d", j, s, m, ls[j], lm[j])
			}
		}
	}
}

func TestQ8KBlockSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	x := make([]float32, 256*4)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	q := quantizeQ8K(nil, x)
	for b := 0; b < len(q)/292; b++ {
		blk := q[b*292 : (b+1)*292]
		for j := 0; j < 16; j++ {
			var s int16
			for _, v := range blk[4+16*j : 4+16*j+16] {
				s += int16(int8(v))
			}
			if got := int16(binary.LittleEndian.Uint16(blk[260+2*j:])); got != s {
				t.Fatalf("block %d sum %d: %d, want %d", b, j, got, s)
			}
		}
	}
}

func TestValidateBlocks(t *testing.T) {
	x := make([]float32, 256)
	for i := range x {
		x[i] = float32(i%19) - 9
	}
	for typ, f := range formats {
		if err := ValidateBlocks(typ, f.Quantize(nil, x)); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
	x[3] = float32(math.Inf(1))
	for _, typ := range []gguf.Type{gguf.Q4_0, gguf.Q4_1, gguf.Q5_0, gguf.Q5_1, gguf.Q8_0, gguf.Q4_K, gguf.Q5_K, gguf.Q8_K} {
		if err := ValidateBlocks(typ, formats[typ].Quantize(nil, x)); err == nil {
			t.Errorf("%s: an infinite input gave a valid block", typ)
		}
	}
	// A NaN first in a block is dropped by ggml's MAX loop: still valid.
	x[3] = 1
	x[0] = float32(math.NaN())
	if err := ValidateBlocks(gguf.Q8_0, formats[gguf.Q8_0].Quantize(nil, x)); err != nil {
		t.Errorf("Q8_0 with a leading NaN: %v", err)
	}
	if err := ValidateBlocks(gguf.Q4_K, make([]byte, 145)); err == nil {
		t.Error("a partial block passed")
	}
}
