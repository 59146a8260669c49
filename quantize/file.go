package quantize

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"sync"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/internal/parallel"
)

// Result describes a written file.
type Result struct {
	Path     string `json:"path"`
	FileType string `json:"file_type"`
	Tensors  int    `json:"tensors"`
	InBytes  int64  `json:"input_bytes"`
	OutBytes int64  `json:"output_bytes"`
}

// PlanFile plans the quantization of an open GGUF.
func PlanFile(f *gguf.File, opt Options) (*QuantPlan, error) {
	ts := make([]TensorIn, len(f.Tensors))
	for i, t := range f.Tensors {
		ts[i] = TensorIn{Name: t.Name, Shape: t.Shape, Type: t.Type}
	}
	return PlanTensors(f.KV, ts, opt)
}

// QuantizeFile quantizes in to out as llama-quantize does, streaming one
// tensor at a time (rows quantized in parallel, written in order). The
// output is written to a temporary file and renamed when complete.
func QuantizeFile(in, out string, opt Options, progress func(done, total uint64)) (*Result, error) {
	f, err := gguf.Open(in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	plan, err := PlanFile(f, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in, err)
	}
	threads := opt.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	wts := make([]gguf.WriterTensor, len(plan.Tensors))
	for i := range plan.Tensors {
		t := &plan.Tensors[i]
		src, _ := f.Tensor(t.Name)
		data := f.TensorData(src)
		wts[i] = gguf.WriterTensor{Name: t.Name, Type: t.To, Shape: t.Shape, Data: func(w io.Writer) error {
			defer f.ReleaseTensor(src) // keep the resident set to about one tensor
			return writeTensor(w, t, data, threads)
		}}
	}
	if err := gguf.WriteFile(out, plan.KV, wts, &gguf.WriteOptions{Progress: progress}); err != nil {
		return nil, err
	}
	st, err := os.Stat(out)
	if err != nil {
		return nil, err
	}
	return &Result{Path: out, FileType: opt.FileType.String(), Tensors: len(plan.Tensors), InBytes: f.Size, OutBytes: st.Size()}, nil
}

var rowPool = sync.Pool{New: func() any { return new([]float32) }}

// writeTensor converts one tensor's data (type t.Type) to t.To.
func writeTensor(w io.Writer, t *TensorOut, data []byte, threads int) error {
	if t.To == t.Type {
		_, err := w.Write(data)
		return err
	}
	ne0 := int(t.Shape[0])
	rows := 1
	for _, d := range t.Shape[1:] {
		rows *= int(d)
	}
	if ne0 == 0 || rows == 0 {
		return nil
	}
	inRow, err := t.Type.RowSize(uint64(ne0))
	if err != nil {
		return err
	}
	outRow, _ := t.To.RowSize(uint64(ne0))
	rowsPer := max(1, (1<<20)/int(max(outRow, 1)))
	nChunks := (rows + rowsPer - 1) / rowsPer
	return parallel.Ordered(nChunks, threads, func(i int, buf []byte) ([]byte, error) {
		r0 := i * rowsPer
		r1 := min(r0+rowsPer, rows)
		fp := rowPool.Get().(*[]float32)
		defer rowPool.Put(fp)
		n := (r1 - r0) * ne0
		if cap(*fp) < n {
			*fp = make([]float32, n)
		}
		x := (*fp)[:n]
		if err := toFloat32(x, t.Type, data[uint64(r0)*inRow:uint64(r1)*inRow]); err != nil {
			return nil, fmt.Errorf("tensor %s: %w", t.Name, err)
		}
		return QuantizeRows(t.To, buf, x)
	}, func(b []byte) error {
		_, err := w.Write(b)
		return err
	})
}

// toFloat32 decodes src (of type typ) into dst.
func toFloat32(dst []float32, typ gguf.Type, src []byte) error {
	switch typ {
	case gguf.F32:
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
	case gguf.F16:
		for i := range dst {
			dst[i] = f16ToF32Tab[binary.LittleEndian.Uint16(src[2*i:])]
		}
	case gguf.BF16:
		for i := range dst {
			dst[i] = BF16ToFP32(binary.LittleEndian.Uint16(src[2*i:]))
		}
	default:
		f, ok := formats[typ]
		if !ok {
			return fmt.Errorf("cannot read type %s", typ)
		}
		f.Dequantize(dst, src)
	}
	return nil
}
