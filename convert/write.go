package convert

import (
	"github.com/hfctl/hfctl/internal/parallel"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// chunkBytes is the output size one worker converts at a time.
const chunkBytes = 1 << 20

// Write streams the tensors into out: written to a temporary file beside
// it and renamed only when complete.
func (p *Plan) Write(out string, opt Options) (*Result, error) {
	workers := threads(opt.Threads)
	wts := make([]gguf.WriterTensor, len(p.Tensors))
	for i := range p.Tensors {
		t := &p.Tensors[i]
		wts[i] = gguf.WriterTensor{
			Name: t.Name, Type: t.Type, Shape: t.Shape,
			Data: func(w io.Writer) error { return t.write(w, workers) },
		}
	}
	err := gguf.WriteFile(out, p.KV, wts, &gguf.WriteOptions{Progress: opt.Progress})
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(out)
	if err != nil {
		return nil, err
	}
	return &Result{
		Path: out, Arch: p.Arch, HFArch: p.HFArch, FileType: p.FileType.String(),
		Tensors: len(p.Tensors), Params: p.Params, Bytes: st.Size(),
	}, nil
}

// write converts the tensor row chunk by row chunk.
func (t *TensorPlan) write(w io.Writer, workers int) error {
	if t.gen != nil {
		_, err := w.Write(quantize.AppendF32(nil, t.gen))
		return err
	}
	src := t.src
	defer src.Release()
	rows := int64(1)
	if len(src.Shape) > 0 {
		rows = src.Shape[0]
	}
	n := src.NumElements()
	if rows == 0 || n == 0 {
		return nil
	}
	cols := n / rows
	inElem := int64(len(src.Data)) / n
	outRow := max(1, int64(t.Bytes)/rows)
	rowsPer := int64(chunkBytes) / outRow
	if rowsPer < 1 {
		rowsPer = 1
	}
	nChunks := int((rows + rowsPer - 1) / rowsPer)
	conv := byteConverter(src.DType, t.Type)
	if t.via != 0 && t.via != t.Type {
		conv = nil // rounded through the F16 file's type first
	}
	// convertRows appends rows [r0, r1) of the source, which are
	// contiguous, converted to the output type.
	convertRows := func(buf []byte, r0, r1 int64) ([]byte, error) {
		if conv != nil {
			in := src.Data[r0*cols*inElem : r1*cols*inElem]
			return conv(buf, in), nil
		}
		fp := f32Pool.Get().(*[]float32)
		defer f32Pool.Put(fp)
		f := growF32(*fp, int((r1-r0)*cols))
		*fp = f
		if err := src.Float32s(f, r0*cols); err != nil {
			return nil, err
		}
		if t.via == gguf.F16 && t.Type != gguf.F16 {
			for i, v := range f {
				f[i] = quantize.FP16ToFP32(quantize.FP32ToFP16(v))
			}
		}
		return quantize.QuantizeRows(t.Type, buf, f)
	}
	produce := func(i int, buf []byte) ([]byte, error) {
		r0 := int64(i) * rowsPer
		r1 := min(r0+rowsPer, rows)
		if t.permute[0] == 0 {
			return convertRows(buf, r0, r1)
		}
		var err error
		for r := r0; r < r1; r++ {
			sr := permutedRow(r, rows, int64(t.permute[1]))
			if buf, err = convertRows(buf, sr, sr+1); err != nil {
				return nil, err
			}
		}
		return buf, nil
	}
	chunk := 0
	return parallel.Ordered(nChunks, workers, produce, func(b []byte) error {
		if _, err := w.Write(b); err != nil {
			return err
		}
		if t.permute[0] == 0 {
			// Done with these source pages: drop them from our resident set.
			r0 := int64(chunk) * rowsPer
			r1 := min(r0+rowsPer, rows)
			src.ReleaseRange(r0*cols*inElem, r1*cols*inElem)
		}
		chunk++
		return nil
	})
}

// byteConverter returns a direct byte-to-byte conversion from a
// safetensors dtype to a GGUF type when one exists (exactly what the
// float32 route gives, faster), or nil.
func byteConverter(dtype string, to gguf.Type) func(dst, src []byte) []byte {
	appendVia := func(ratio int, f func(dst, src []byte)) func(dst, src []byte) []byte {
		return func(dst, src []byte) []byte {
			l := len(dst)
			dst = slices.Grow(dst, ratio*len(src)/2)[:l+ratio*len(src)/2]
			f(dst[l:], src)
			return dst
		}
	}
	copyBytes := func(dst, src []byte) []byte { return append(dst, src...) }
	switch {
	case dtype == "F32" && to == gguf.F32, dtype == "F16" && to == gguf.F16:
		// The reference keeps F32/F16 arrays as they are for these types.
		return copyBytes
	case dtype == "BF16" && to == gguf.F16:
		return appendVia(2, quantize.BF16ToF16Bytes)
	case dtype == "BF16" && to == gguf.BF16:
		return appendVia(2, quantize.BF16ToBF16Bytes)
	case dtype == "BF16" && to == gguf.F32:
		return appendVia(4, quantize.BF16ToF32Bytes)
	case dtype == "F16" && to == gguf.F32:
		return appendVia(4, quantize.F16ToF32Bytes)
	case dtype == "F16" && to == gguf.BF16:
		return appendVia(2, quantize.F16ToBF16Bytes)
	}
	return nil
}

// permutedRow is the source row of output row r under llama.cpp's Q/K
// permute: rows are grouped by head; within a head of size hd the two
// halves [0, hd/2) and [hd/2, hd) are interleaved, so output row 2j+i of
// a head takes source row i·hd/2 + j.
func permutedRow(r, rows, heads int64) int64 {
	hd := rows / heads
	half := hd / 2
	h, w := r/hd, r%hd
	j, i := w/2, w%2
	return h*hd + i*half + j
}

var f32Pool = sync.Pool{New: func() any { return new([]float32) }}

func growF32(f []float32, n int) []float32 {
	if cap(f) < n {
		return make([]float32, n)
	}
	return f[:n]
}
