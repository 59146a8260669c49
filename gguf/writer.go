package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"path/filepath"
)

// WriterTensor is a tensor to write. Data is called once, in file order, and
// must write exactly the tensor's byte size (TensorBytes(Type, Shape)).
type WriterTensor struct {
	Name  string
	Type  Type
	Shape []uint64 // ne0 first; written with as many dimensions as given (1 to 4)
	Data  func(w io.Writer) error
}

// WriteOptions tunes Write. A nil *WriteOptions means the zero value.
type WriteOptions struct {
	// Alignment of the data section and of each tensor. 0 takes it from a
	// general.alignment KV if there is one, else DefaultAlignment. Another
	// value must be a power of two and agree with general.alignment; a
	// value other than 32 needs the general.alignment KV (without it,
	// readers would assume 32).
	Alignment uint64
	// Progress, if set, is called with the tensor data bytes written so far
	// and their total (padding not counted): at the start, at least every
	// 4 MiB, and after each tensor.
	Progress func(written, total uint64)
	// VocabOnly writes a file without tensors the way llama.cpp's
	// convert_hf_to_gguf.py --vocab-only does: it ends right after the
	// metadata, with no padding up to the aligned data offset. Without it,
	// a file without tensors is padded, as gguf_write_to_file and gguf-py's
	// write_tensors_to_file do. Write fails if VocabOnly is set and
	// tensors are given.
	VocabOnly bool
}

const progressEvery = 4 << 20

// Write writes a GGUF v3 file to w: the header, kvs in order, the tensor
// infos in order with offsets assigned one after the other, each tensor's
// size rounded up to the alignment, zero padding up to the data section,
// then each tensor's data followed by zero padding to the alignment (the
// last tensor included), byte for byte as llama.cpp and gguf-py write it.
// Everything is checked before the first byte is written; tensor data is
// streamed from the Data functions.
func Write(w io.Writer, kvs []KV, tensors []WriterTensor, opt *WriteOptions) error {
	if err := write(w, kvs, tensors, opt); err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	return nil
}

// WriteFile writes a GGUF file to path through a temporary file in the same
// directory that is synced and renamed over path once complete. On error the
// temporary file is removed and path is left as it was.
func WriteFile(path string, kvs []KV, tensors []WriterTensor, opt *WriteOptions) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("gguf: write %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
			err = fmt.Errorf("gguf: write %s: %w", path, err)
		}
	}()
	if err = write(tmp, kvs, tensors, opt); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmpName, path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil { // make the rename durable; best effort
		d.Sync()
		d.Close()
	}
	return nil
}

// resolveAlignment works out the alignment from the options and the
// general.alignment KV.
func resolveAlignment(kvs []KV, opt *WriteOptions) (uint64, error) {
	var kvAlign uint64
	for _, kv := range kvs {
		if kv.Key != KeyGeneralAlignment {
			continue
		}
		a, ok := kv.Value.X.(uint32)
		if !ok || kv.Value.Type != TypeUint32 {
			return 0, fmt.Errorf("%s must be a UINT32, not %s", KeyGeneralAlignment, kv.Value.TypeName())
		}
		if a == 0 || a&(a-1) != 0 {
			return 0, fmt.Errorf("%s is %d, not a power of two", KeyGeneralAlignment, a)
		}
		kvAlign = uint64(a)
	}
	var want uint64
	if opt != nil {
		want = opt.Alignment
	}
	switch {
	case want == 0 && kvAlign == 0:
		return DefaultAlignment, nil
	case want == 0:
		return kvAlign, nil
	case want&(want-1) != 0 || want > math.MaxUint32:
		return 0, fmt.Errorf("alignment %d is not a power of two that fits in 32 bits", want)
	case kvAlign != 0 && kvAlign != want:
		return 0, fmt.Errorf("alignment option %d disagrees with %s = %d", want, KeyGeneralAlignment, kvAlign)
	case kvAlign == 0 && want != DefaultAlignment:
		return 0, fmt.Errorf("alignment %d needs a %s KV (readers assume %d without it)", want, KeyGeneralAlignment, DefaultAlignment)
	}
	return want, nil
}

type plannedTensor struct {
	t      *WriterTensor
	size   uint64
	offset uint64
}

func planTensors(tensors []WriterTensor, align uint64) ([]plannedTensor, uint64, error) {
	plan := make([]plannedTensor, len(tensors))
	seen := make(map[string]bool, len(tensors))
	var off, total uint64
	for i := range tensors {
		t := &tensors[i]
		if len(t.Name) > MaxTensorNameLen {
			return nil, 0, fmt.Errorf("tensor %q: name is %d bytes long, more than the %d llama.cpp allows", t.Name, len(t.Name), MaxTensorNameLen)
		}
		if seen[t.Name] {
			return nil, 0, fmt.Errorf("duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		if len(t.Shape) < 1 || len(t.Shape) > MaxDims {
			return nil, 0, fmt.Errorf("tensor %q has %d dimensions, want 1 to %d", t.Name, len(t.Shape), MaxDims)
		}
		for j, d := range t.Shape {
			if d > math.MaxInt64 {
				return nil, 0, fmt.Errorf("tensor %q: dimension %d is %d, too large", t.Name, j, d)
			}
		}
		if n, ok := checkedProduct(t.Shape); !ok || n > math.MaxInt64 {
			return nil, 0, fmt.Errorf("tensor %q: element count of shape %v overflows int64", t.Name, t.Shape)
		}
		if !t.Type.Known() {
			return nil, 0, fmt.Errorf("tensor %q has unknown ggml type %d", t.Name, uint32(t.Type))
		}
		size, err := TensorBytes(t.Type, t.Shape)
		if err != nil {
			return nil, 0, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if t.Data == nil {
			return nil, 0, fmt.Errorf("tensor %q has no Data function", t.Name)
		}
		padded := alignUp(size, align)
		next, carry := bits.Add64(off, padded, 0)
		if padded < size || carry != 0 || next > math.MaxInt64 {
			return nil, 0, fmt.Errorf("tensor %q: data section size overflows", t.Name)
		}
		plan[i] = plannedTensor{t: t, size: size, offset: off}
		off = next
		total += size
	}
	return plan, total, nil
}

func write(w io.Writer, kvs []KV, tensors []WriterTensor, opt *WriteOptions) error {
	if opt == nil {
		opt = &WriteOptions{}
	}
	align, err := resolveAlignment(kvs, opt)
	if err != nil {
		return err
	}
	if opt.VocabOnly && len(tensors) > 0 {
		return fmt.Errorf("VocabOnly set but %d tensors given", len(tensors))
	}
	seen := make(map[string]bool, len(kvs))
	for _, kv := range kvs {
		if kv.Key == "" {
			return errors.New("empty metadata key")
		}
		if seen[kv.Key] {
			return fmt.Errorf("duplicate metadata key %q", kv.Key)
		}
		seen[kv.Key] = true
		if err := checkValue(kv.Value); err != nil {
			return fmt.Errorf("metadata key %q: %w", kv.Key, err)
		}
	}
	plan, total, err := planTensors(tensors, align)
	if err != nil {
		return err
	}

	cw := &countWriter{w: bufio.NewWriterSize(w, 1<<20)}
	le := binary.LittleEndian
	buf := make([]byte, 0, 4096)
	buf = append(buf, magic[:]...)
	buf = le.AppendUint32(buf, 3)
	buf = le.AppendUint64(buf, uint64(len(tensors)))
	buf = le.AppendUint64(buf, uint64(len(kvs)))
	if _, err := cw.Write(buf); err != nil {
		return err
	}
	for _, kv := range kvs {
		buf = le.AppendUint64(buf[:0], uint64(len(kv.Key)))
		buf = append(buf, kv.Key...)
		buf = le.AppendUint32(buf, uint32(kv.Value.Type))
		if buf, err = AppendValue(buf, kv.Value); err != nil {
			return fmt.Errorf("metadata key %q: %w", kv.Key, err)
		}
		if _, err := cw.Write(buf); err != nil {
			return err
		}
	}
	for _, p := range plan {
		buf = le.AppendUint64(buf[:0], uint64(len(p.t.Name)))
		buf = append(buf, p.t.Name...)
		buf = le.AppendUint32(buf, uint32(len(p.t.Shape)))
		for _, d := range p.t.Shape {
			buf = le.AppendUint64(buf, d)
		}
		buf = le.AppendUint32(buf, uint32(p.t.Type))
		buf = le.AppendUint64(buf, p.offset)
		if _, err := cw.Write(buf); err != nil {
			return err
		}
	}
	if !opt.VocabOnly {
		if err := cw.pad(align); err != nil {
			return err
		}
	}
	dataStart := cw.n

	if opt.Progress != nil {
		opt.Progress(0, total)
	}
	tw := &tensorWriter{w: cw, progress: opt.Progress, total: total}
	for _, p := range plan {
		if cw.n-dataStart != p.offset {
			return fmt.Errorf("internal error: tensor %q at data offset %d, planned %d", p.t.Name, cw.n-dataStart, p.offset)
		}
		tw.name, tw.size, tw.left = p.t.Name, p.size, p.size
		derr := p.t.Data(tw)
		if tw.err != nil {
			return tw.err
		}
		if derr != nil {
			return fmt.Errorf("tensor %q: %w", p.t.Name, derr)
		}
		if tw.left != 0 {
			return fmt.Errorf("tensor %q: Data wrote %d bytes, want %d", p.t.Name, p.size-tw.left, p.size)
		}
		if err := cw.pad(align); err != nil {
			return err
		}
		if opt.Progress != nil {
			opt.Progress(tw.written, total)
			tw.reported = tw.written
		}
	}
	if err := cw.w.Flush(); err != nil {
		return fmt.Errorf("%w: %w", errWriteFailed, err)
	}
	return nil
}

var errWriteFailed = errors.New("write failed")

// countWriter counts the bytes written through it.
type countWriter struct {
	w *bufio.Writer
	n uint64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += uint64(n)
	if err != nil {
		return n, fmt.Errorf("%w: %w", errWriteFailed, err)
	}
	return n, nil
}

var zeros [256]byte

func (c *countWriter) pad(align uint64) error {
	for k := alignUp(c.n, align) - c.n; k > 0; {
		m := min(k, uint64(len(zeros)))
		if _, err := c.Write(zeros[:m]); err != nil {
			return err
		}
		k -= m
	}
	return nil
}

// tensorWriter is the io.Writer given to a tensor's Data function: it
// refuses bytes beyond the tensor's size and reports progress.
type tensorWriter struct {
	w        *countWriter
	name     string
	size     uint64 // byte size of the current tensor
	left     uint64 // bytes still expected for the current tensor
	err      error  // first error, sticky for the current tensor
	progress func(written, total uint64)
	written  uint64
	reported uint64
	total    uint64
}

func (t *tensorWriter) Write(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	if uint64(len(p)) > t.left {
		n, err := t.Write(p[:t.left])
		if err != nil {
			return n, err
		}
		t.err = fmt.Errorf("tensor %q: Data wrote more than the tensor's %d bytes", t.name, t.size)
		return n, t.err
	}
	n, err := t.w.Write(p)
	t.left -= uint64(n)
	t.written += uint64(n)
	if err != nil {
		t.err = fmt.Errorf("tensor %q: %w", t.name, err)
		return n, t.err
	}
	if t.progress != nil && t.written-t.reported >= progressEvery {
		t.progress(t.written, t.total)
		t.reported = t.written
	}
	return n, nil
}

// checkValue reports whether v can be encoded as its Type says: the Go type
// of X must match Type, and array items their element type.
func checkValue(v Value) error {
	if !v.Type.Valid() {
		return fmt.Errorf("invalid value type %d", uint32(v.Type))
	}
	if v.Type == TypeArray {
		a, ok := v.X.(Array)
		if !ok {
			return fmt.Errorf("ARRAY value holds Go type %T, not gguf.Array", v.X)
		}
		return checkArray(a, 1)
	}
	if t, ok := scalarType(v.X); !ok || t != v.Type {
		return fmt.Errorf("%s value holds Go type %T", v.Type, v.X)
	}
	return nil
}

func scalarType(x any) (ValueType, bool) {
	switch x.(type) {
	case uint8:
		return TypeUint8, true
	case int8:
		return TypeInt8, true
	case uint16:
		return TypeUint16, true
	case int16:
		return TypeInt16, true
	case uint32:
		return TypeUint32, true
	case int32:
		return TypeInt32, true
	case float32:
		return TypeFloat32, true
	case bool:
		return TypeBool, true
	case string:
		return TypeString, true
	case uint64:
		return TypeUint64, true
	case int64:
		return TypeInt64, true
	case float64:
		return TypeFloat64, true
	}
	return 0, false
}

func checkArray(a Array, depth int) error {
	if depth > maxArrayDepth {
		return fmt.Errorf("arrays nested more than %d deep", maxArrayDepth)
	}
	if !a.Elem.Valid() {
		return fmt.Errorf("invalid array element type %d", uint32(a.Elem))
	}
	var items ValueType
	switch s := a.Items.(type) {
	case []uint8:
		items = TypeUint8
	case []int8:
		items = TypeInt8
	case []uint16:
		items = TypeUint16
	case []int16:
		items = TypeInt16
	case []uint32:
		items = TypeUint32
	case []int32:
		items = TypeInt32
	case []float32:
		items = TypeFloat32
	case []bool:
		items = TypeBool
	case []string:
		items = TypeString
	case []uint64:
		items = TypeUint64
	case []int64:
		items = TypeInt64
	case []float64:
		items = TypeFloat64
	case []Array:
		if a.Elem != TypeArray {
			break
		}
		for i, x := range s {
			if err := checkArray(x, depth+1); err != nil {
				return fmt.Errorf("array element %d: %w", i, err)
			}
		}
		return nil
	default:
		return fmt.Errorf("array of %s holds items of Go type %T", a.Elem, a.Items)
	}
	if items != a.Elem {
		return fmt.Errorf("array of %s holds items of Go type %T", a.Elem, a.Items)
	}
	return nil
}
