package convert

import (
	"fmt"
	"io"
	"os"
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
	outElem := int64(t.Bytes) / n
	rowsPer := int64(chunkBytes) / (cols * outElem)
	if rowsPer < 1 {
		rowsPer = 1
	}
	nChunks := int((rows + rowsPer - 1) / rowsPer)
	produce := func(i int, buf []byte) ([]byte, error) {
		r0 := int64(i) * rowsPer
		r1 := min(r0+rowsPer, rows)
		fp := f32Pool.Get().(*[]float32)
		defer f32Pool.Put(fp)
		f := growF32(*fp, int((r1-r0)*cols))
		*fp = f
		if t.permute[0] == 0 {
			if err := src.Float32s(f, r0*cols); err != nil {
				return nil, err
			}
		} else {
			for r := r0; r < r1; r++ {
				sr := permutedRow(r, rows, int64(t.permute[1]))
				if err := src.Float32s(f[(r-r0)*cols:(r-r0+1)*cols], sr*cols); err != nil {
					return nil, err
				}
			}
		}
		return encode(buf, f, t.Type)
	}
	return orderedChunks(nChunks, workers, produce, func(b []byte) error {
		_, err := w.Write(b)
		return err
	})
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

func encode(buf []byte, f []float32, typ gguf.Type) ([]byte, error) {
	switch typ {
	case gguf.F32:
		return quantize.AppendF32(buf, f), nil
	case gguf.F16:
		return quantize.AppendF16(buf, f), nil
	case gguf.BF16:
		return quantize.AppendBF16(buf, f), nil
	}
	return nil, fmt.Errorf("convert: output type %v not supported", typ)
}
