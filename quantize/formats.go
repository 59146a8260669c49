package quantize

import (
	"fmt"

	"github.com/hfctl/hfctl/gguf"
)

// Format is one ggml block format: rows of float32 in, blocks out.
type Format struct {
	Type gguf.Type
	// Quantize appends the blocks for src (len(src) a multiple of the
	// block size) to dst, with ggml's reference algorithm (no importance
	// matrix), bit-identical to ggml's quantize_row_*_ref.
	Quantize func(dst []byte, src []float32) []byte
	// Dequantize fills dst (len(dst) = elements of src) from blocks src.
	Dequantize func(dst []float32, src []byte)
}

var formats = map[gguf.Type]*Format{}

// register is called from each format family's init.
func register(f *Format) { formats[f.Type] = f }

// Lookup returns the format for t, if hfctl can quantize to it.
func Lookup(t gguf.Type) (*Format, bool) {
	f, ok := formats[t]
	return f, ok
}

// QuantizeRows quantizes src (whole rows) to type t, appending to dst.
// F32, F16 and BF16 are handled too.
func QuantizeRows(t gguf.Type, dst []byte, src []float32) ([]byte, error) {
	switch t {
	case gguf.F32:
		return AppendF32(dst, src), nil
	case gguf.F16:
		return AppendF16(dst, src), nil
	case gguf.BF16:
		return AppendBF16(dst, src), nil
	}
	f, ok := formats[t]
	if !ok {
		return nil, fmt.Errorf("quantize: no quantizer for type %s", t)
	}
	info, _ := t.Info()
	if len(src)%info.BlockSize != 0 {
		return nil, fmt.Errorf("quantize: %d values are not a whole number of %s blocks (%d)", len(src), t, info.BlockSize)
	}
	return f.Quantize(dst, src), nil
}

// extend grows dst by n bytes and returns the whole slice and the new part.
func extend(dst []byte, n int) ([]byte, []byte) {
	l := len(dst)
	if cap(dst)-l < n {
		nd := make([]byte, l, 2*cap(dst)+n)
		copy(nd, dst)
		dst = nd
	}
	dst = dst[:l+n]
	return dst, dst[l:]
}
