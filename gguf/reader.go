package gguf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"sort"
)

// Limits shared by the reader and the writer.
const (
	// MaxDims is the most dimensions a tensor may have (GGML_MAX_DIMS).
	MaxDims = 4
	// MaxTensorNameLen is the longest tensor name llama.cpp accepts, in bytes
	// (GGML_MAX_NAME less the terminating NUL).
	MaxTensorNameLen = 63
	// maxArrayDepth bounds the nesting of arrays of arrays (an array
	// directly in a KV has depth 1). llama.cpp itself reads no nested arrays.
	maxArrayDepth = 16
)

var magic = [4]byte{'G', 'G', 'U', 'F'}

// TensorInfo describes one tensor of a GGUF file.
type TensorInfo struct {
	Name   string
	Shape  []uint64 // ne0 (the contiguous dimension) first, 1 to 4 entries
	Type   Type
	Offset uint64 // relative to the start of the data section
	Size   uint64 // bytes of tensor data
}

// NumElements is the product of the shape.
func (t TensorInfo) NumElements() uint64 {
	if len(t.Shape) == 0 {
		return 0
	}
	n := uint64(1)
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// File is a parsed GGUF file. The tensor data stays in the underlying bytes
// (a read-only memory mapping for Open); read it with TensorData.
type File struct {
	Version    uint32
	KV         []KV // metadata in file order
	Tensors    []TensorInfo
	Alignment  uint64 // general.alignment, or DefaultAlignment
	DataOffset uint64 // absolute offset of the data section; may lie past the end of a file without tensors
	InfoEnd    uint64 // absolute offset just past the last tensor info, where the alignment padding starts
	Size       int64  // size of the file in bytes

	data      []byte
	unmap     func([]byte) error
	kvIndex   map[string]int
	tensorIdx map[string]int
}

// Open maps the file at path read-only and parses it. Close releases the
// mapping; slices from TensorData and HeaderBytes are invalid afterwards.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("gguf: %s: not a regular file", path)
	}
	size := st.Size()
	if size == 0 {
		return nil, fmt.Errorf("gguf: %s: file is empty", path)
	}
	if uint64(size) > uint64(math.MaxInt) {
		return nil, fmt.Errorf("gguf: %s: file too large to map (%d bytes)", path, size)
	}
	data, unmap, err := mapFile(f, int(size))
	if err != nil {
		return nil, fmt.Errorf("gguf: %s: mmap: %w", path, err)
	}
	gf, err := parse(data)
	if err != nil {
		if unmap != nil {
			unmap(data)
		}
		return nil, fmt.Errorf("gguf: %s: %w", path, err)
	}
	gf.unmap = unmap
	return gf, nil
}

// Parse parses a GGUF file held in data. The File refers to data (tensor data
// is not copied); metadata values are copies.
func Parse(data []byte) (*File, error) {
	f, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	return f, nil
}

// Close releases the memory mapping of a File from Open. It is safe to call
// more than once, and a no-op for a File from Parse.
func (f *File) Close() error {
	data, unmap := f.data, f.unmap
	f.data, f.unmap = nil, nil
	if unmap != nil && data != nil {
		return unmap(data)
	}
	return nil
}

// Lookup returns the value of a metadata key.
func (f *File) Lookup(key string) (Value, bool) {
	if i, ok := f.kvIndex[key]; ok && i < len(f.KV) && f.KV[i].Key == key {
		return f.KV[i].Value, true
	}
	for _, kv := range f.KV { // KV was edited after parsing
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return Value{}, false
}

// Tensor returns the info of the named tensor.
func (f *File) Tensor(name string) (*TensorInfo, bool) {
	if i, ok := f.tensorIdx[name]; ok && i < len(f.Tensors) && f.Tensors[i].Name == name {
		return &f.Tensors[i], true
	}
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i], true
		}
	}
	return nil, false
}

// TensorData returns the bytes of a tensor (a slice of the file's bytes: do
// not modify it). It returns nil if the range is not inside the file, e.g.
// after Close.
func (f *File) TensorData(t *TensorInfo) []byte {
	if t == nil {
		return nil
	}
	start, c1 := bits.Add64(f.DataOffset, t.Offset, 0)
	end, c2 := bits.Add64(start, t.Size, 0)
	if c1|c2 != 0 || end > uint64(len(f.data)) {
		return nil
	}
	return f.data[start:end:end]
}

// HeaderBytes returns the bytes before the data section: magic, counts,
// metadata, tensor infos and the alignment padding. For a file without
// tensors that ends before the aligned data offset, it is the whole file.
func (f *File) HeaderBytes() []byte {
	n := f.DataOffset
	if n > uint64(len(f.data)) {
		n = uint64(len(f.data))
	}
	return f.data[:n:n]
}

// decoder reads little-endian GGUF fields from a byte slice, checking every
// length against the bytes left before using it.
type decoder struct {
	b   []byte
	off uint64
}

func (d *decoder) left() uint64 { return uint64(len(d.b)) - d.off }

func (d *decoder) take(n uint64, what string) ([]byte, error) {
	if n > d.left() {
		return nil, fmt.Errorf("unexpected end of file at offset %d reading %s (%d bytes needed, %d left)", d.off, what, n, d.left())
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p, nil
}

func (d *decoder) u32(what string) (uint32, error) {
	p, err := d.take(4, what)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(p), nil
}

func (d *decoder) u64(what string) (uint64, error) {
	p, err := d.take(8, what)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(p), nil
}

func (d *decoder) str(what string) (string, error) {
	at := d.off
	n, err := d.u64(what + " length")
	if err != nil {
		return "", err
	}
	if n > d.left() {
		return "", fmt.Errorf("%s at offset %d has length %d but only %d bytes are left", what, at, n, d.left())
	}
	p, _ := d.take(n, what)
	return string(p), nil
}

// minEncodedSize is the fewest bytes an array element of type t takes.
func minEncodedSize(t ValueType) uint64 {
	switch t {
	case TypeString:
		return 8
	case TypeArray:
		return 12
	}
	return uint64(t.scalarSize())
}

func (d *decoder) value(t ValueType, depth int, what string) (Value, error) {
	switch t {
	case TypeArray:
		a, err := d.array(depth+1, what)
		if err != nil {
			return Value{}, err
		}
		return Value{TypeArray, a}, nil
	case TypeString:
		s, err := d.str(what)
		if err != nil {
			return Value{}, err
		}
		return String(s), nil
	}
	p, err := d.take(uint64(t.scalarSize()), what)
	if err != nil {
		return Value{}, err
	}
	le := binary.LittleEndian
	switch t {
	case TypeUint8:
		return Uint8(p[0]), nil
	case TypeInt8:
		return Int8(int8(p[0])), nil
	case TypeBool:
		return Bool(p[0] != 0), nil
	case TypeUint16:
		return Uint16(le.Uint16(p)), nil
	case TypeInt16:
		return Int16(int16(le.Uint16(p))), nil
	case TypeUint32:
		return Uint32(le.Uint32(p)), nil
	case TypeInt32:
		return Int32(int32(le.Uint32(p))), nil
	case TypeFloat32:
		return Float32(math.Float32frombits(le.Uint32(p))), nil
	case TypeUint64:
		return Uint64(le.Uint64(p)), nil
	case TypeInt64:
		return Int64(int64(le.Uint64(p))), nil
	case TypeFloat64:
		return Float64(math.Float64frombits(le.Uint64(p))), nil
	}
	return Value{}, fmt.Errorf("%s has invalid value type %d", what, uint32(t))
}

func (d *decoder) array(depth int, what string) (Array, error) {
	if depth > maxArrayDepth {
		return Array{}, fmt.Errorf("%s: arrays nested more than %d deep", what, maxArrayDepth)
	}
	at := d.off
	et, err := d.u32(what + " array element type")
	if err != nil {
		return Array{}, err
	}
	elem := ValueType(et)
	if !elem.Valid() {
		return Array{}, fmt.Errorf("%s: invalid array element type %d at offset %d", what, et, at)
	}
	n, err := d.u64(what + " array length")
	if err != nil {
		return Array{}, err
	}
	if min := minEncodedSize(elem); n > d.left()/min {
		return Array{}, fmt.Errorf("%s: array of %d %s elements at offset %d cannot fit in the %d bytes left", what, n, elem, at, d.left())
	}
	cnt := int(n)
	le := binary.LittleEndian
	switch elem {
	case TypeString:
		s := make([]string, cnt)
		for i := range s {
			if s[i], err = d.str(what + " element"); err != nil {
				return Array{}, err
			}
		}
		return Array{elem, s}, nil
	case TypeArray:
		s := make([]Array, cnt)
		for i := range s {
			if s[i], err = d.array(depth+1, what); err != nil {
				return Array{}, err
			}
		}
		return Array{elem, s}, nil
	}
	p, err := d.take(n*uint64(elem.scalarSize()), what)
	if err != nil {
		return Array{}, err
	}
	switch elem {
	case TypeUint8:
		return Array{elem, append(make([]uint8, 0, cnt), p...)}, nil
	case TypeInt8:
		s := make([]int8, cnt)
		for i := range s {
			s[i] = int8(p[i])
		}
		return Array{elem, s}, nil
	case TypeBool:
		s := make([]bool, cnt)
		for i := range s {
			s[i] = p[i] != 0
		}
		return Array{elem, s}, nil
	case TypeUint16:
		s := make([]uint16, cnt)
		for i := range s {
			s[i] = le.Uint16(p[2*i:])
		}
		return Array{elem, s}, nil
	case TypeInt16:
		s := make([]int16, cnt)
		for i := range s {
			s[i] = int16(le.Uint16(p[2*i:]))
		}
		return Array{elem, s}, nil
	case TypeUint32:
		s := make([]uint32, cnt)
		for i := range s {
			s[i] = le.Uint32(p[4*i:])
		}
		return Array{elem, s}, nil
	case TypeInt32:
		s := make([]int32, cnt)
		for i := range s {
			s[i] = int32(le.Uint32(p[4*i:]))
		}
		return Array{elem, s}, nil
	case TypeFloat32:
		s := make([]float32, cnt)
		for i := range s {
			s[i] = math.Float32frombits(le.Uint32(p[4*i:]))
		}
		return Array{elem, s}, nil
	case TypeUint64:
		s := make([]uint64, cnt)
		for i := range s {
			s[i] = le.Uint64(p[8*i:])
		}
		return Array{elem, s}, nil
	case TypeInt64:
		s := make([]int64, cnt)
		for i := range s {
			s[i] = int64(le.Uint64(p[8*i:]))
		}
		return Array{elem, s}, nil
	case TypeFloat64:
		s := make([]float64, cnt)
		for i := range s {
			s[i] = math.Float64frombits(le.Uint64(p[8*i:]))
		}
		return Array{elem, s}, nil
	}
	return Array{}, fmt.Errorf("%s: invalid array element type %d", what, et)
}

// Smallest encodings, used to reject impossible counts before allocating.
const (
	minKVSize         = 8 + 1 + 4 + 1     // key length, 1-byte key, type, 1-byte value
	minTensorInfoSize = 8 + 4 + 8 + 4 + 8 // name length, n_dims, ne0, type, offset
)

func parse(data []byte) (*File, error) {
	d := &decoder{b: data}
	if len(data) < 4 {
		return nil, fmt.Errorf("not a GGUF file: only %d bytes", len(data))
	}
	if [4]byte(data[:4]) != magic {
		return nil, fmt.Errorf("not a GGUF file: bad magic %q (want \"GGUF\")", data[:4])
	}
	d.off = 4
	f := &File{data: data, Size: int64(len(data)), Alignment: DefaultAlignment}

	var err error
	if f.Version, err = d.u32("version"); err != nil {
		return nil, err
	}
	switch {
	case f.Version == 1:
		return nil, errors.New("GGUF version 1 is not supported (only versions 2 and 3; convert the file with a newer llama.cpp)")
	case f.Version != 0 && f.Version&0xFFFF == 0:
		return nil, fmt.Errorf("GGUF version %#x: the file looks big-endian, only little-endian files are supported", f.Version)
	case f.Version != 2 && f.Version != 3:
		return nil, fmt.Errorf("unsupported GGUF version %d (only versions 2 and 3)", f.Version)
	}
	nTensors, err := d.u64("tensor count")
	if err != nil {
		return nil, err
	}
	nKV, err := d.u64("metadata count")
	if err != nil {
		return nil, err
	}
	if nKV > d.left()/minKVSize {
		return nil, fmt.Errorf("metadata count %d cannot fit in the %d bytes left", nKV, d.left())
	}
	if nTensors > d.left()/minTensorInfoSize {
		return nil, fmt.Errorf("tensor count %d cannot fit in the %d bytes left", nTensors, d.left())
	}

	f.KV = make([]KV, 0, nKV)
	f.kvIndex = make(map[string]int, nKV)
	for i := uint64(0); i < nKV; i++ {
		at := d.off
		key, err := d.str(fmt.Sprintf("key of metadata entry %d", i))
		if err != nil {
			return nil, err
		}
		if key == "" {
			return nil, fmt.Errorf("metadata entry %d at offset %d has an empty key", i, at)
		}
		if _, dup := f.kvIndex[key]; dup {
			return nil, fmt.Errorf("duplicate metadata key %q at offset %d", key, at)
		}
		what := fmt.Sprintf("value of metadata key %q", key)
		vt, err := d.u32(what + " type")
		if err != nil {
			return nil, err
		}
		if !ValueType(vt).Valid() {
			return nil, fmt.Errorf("metadata key %q has invalid value type %d", key, vt)
		}
		v, err := d.value(ValueType(vt), 0, what)
		if err != nil {
			return nil, err
		}
		f.kvIndex[key] = len(f.KV)
		f.KV = append(f.KV, KV{Key: key, Value: v})
	}

	if v, ok := f.Lookup(KeyGeneralAlignment); ok {
		a, isU32 := v.X.(uint32)
		if !isU32 {
			return nil, fmt.Errorf("%s must be of type UINT32, not %s", KeyGeneralAlignment, v.TypeName())
		}
		if a == 0 || a&(a-1) != 0 {
			return nil, fmt.Errorf("%s is %d, not a power of two", KeyGeneralAlignment, a)
		}
		f.Alignment = uint64(a)
	}

	f.Tensors = make([]TensorInfo, 0, nTensors)
	f.tensorIdx = make(map[string]int, nTensors)
	for i := uint64(0); i < nTensors; i++ {
		ti, err := d.tensorInfo(i)
		if err != nil {
			return nil, err
		}
		if _, dup := f.tensorIdx[ti.Name]; dup {
			return nil, fmt.Errorf("duplicate tensor name %q", ti.Name)
		}
		f.tensorIdx[ti.Name] = len(f.Tensors)
		f.Tensors = append(f.Tensors, ti)
	}
	f.InfoEnd = d.off
	f.DataOffset = alignUp(d.off, f.Alignment) // d.off <= len(data) and alignment <= 2^31: no overflow

	if nTensors == 0 {
		// Vocab-only files written by gguf-py end right after the metadata,
		// without padding the (empty) data section.
		return f, nil
	}
	fileSize := uint64(len(data))
	if f.DataOffset > fileSize {
		return nil, fmt.Errorf("file ends at %d, before the data section at offset %d", fileSize, f.DataOffset)
	}
	dataLen := fileSize - f.DataOffset
	for i := range f.Tensors {
		t := &f.Tensors[i]
		if t.Offset%f.Alignment != 0 {
			return nil, fmt.Errorf("tensor %q: data offset %d is not a multiple of the alignment %d", t.Name, t.Offset, f.Alignment)
		}
		if t.Offset > dataLen || t.Size > dataLen-t.Offset {
			return nil, fmt.Errorf("tensor %q: data [%d, +%d) at file offset %d extends past the end of the file (%d bytes)",
				t.Name, t.Offset, t.Size, f.DataOffset+min(t.Offset, dataLen), fileSize)
		}
	}
	order := make([]int, len(f.Tensors))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return f.Tensors[order[a]].Offset < f.Tensors[order[b]].Offset })
	var prev *TensorInfo // the tensor reaching furthest so far
	for _, k := range order {
		q := &f.Tensors[k]
		if q.Size == 0 {
			continue
		}
		if prev != nil && prev.Offset+prev.Size > q.Offset {
			return nil, fmt.Errorf("tensors %q [%d, %d) and %q [%d, %d) overlap",
				prev.Name, prev.Offset, prev.Offset+prev.Size, q.Name, q.Offset, q.Offset+q.Size)
		}
		if prev == nil || q.Offset+q.Size > prev.Offset+prev.Size {
			prev = q
		}
	}
	return f, nil
}

func (d *decoder) tensorInfo(i uint64) (TensorInfo, error) {
	var ti TensorInfo
	at := d.off
	name, err := d.str(fmt.Sprintf("name of tensor %d", i))
	if err != nil {
		return ti, err
	}
	if len(name) > MaxTensorNameLen {
		return ti, fmt.Errorf("tensor %d at offset %d: name is %d bytes long, more than the %d llama.cpp allows", i, at, len(name), MaxTensorNameLen)
	}
	ti.Name = name
	what := fmt.Sprintf("tensor %q", name)
	nDims, err := d.u32(what + " dimension count")
	if err != nil {
		return ti, err
	}
	if nDims < 1 || nDims > MaxDims {
		return ti, fmt.Errorf("%s has %d dimensions, want 1 to %d", what, nDims, MaxDims)
	}
	ti.Shape = make([]uint64, nDims)
	for j := range ti.Shape {
		ne, err := d.u64(what + " shape")
		if err != nil {
			return ti, err
		}
		if ne > math.MaxInt64 {
			return ti, fmt.Errorf("%s: dimension %d is negative as int64 (%d)", what, j, int64(ne))
		}
		ti.Shape[j] = ne
	}
	if n, ok := checkedProduct(ti.Shape); !ok || n > math.MaxInt64 {
		return ti, fmt.Errorf("%s: element count of shape %v overflows int64", what, ti.Shape)
	}
	typ, err := d.u32(what + " type")
	if err != nil {
		return ti, err
	}
	ti.Type = Type(typ)
	if !ti.Type.Known() {
		return ti, fmt.Errorf("%s has unknown ggml type %d", what, typ)
	}
	if ti.Size, err = TensorBytes(ti.Type, ti.Shape); err != nil {
		return ti, fmt.Errorf("%s: %w", what, err)
	}
	if ti.Offset, err = d.u64(what + " data offset"); err != nil {
		return ti, err
	}
	return ti, nil
}

// checkedProduct multiplies dims; ok is false on overflow. A zero dimension
// makes the product 0 whatever the others are.
func checkedProduct(dims []uint64) (uint64, bool) {
	for _, x := range dims {
		if x == 0 {
			return 0, true
		}
	}
	n := uint64(1)
	for _, x := range dims {
		hi, lo := bits.Mul64(n, x)
		if hi != 0 {
			return 0, false
		}
		n = lo
	}
	return n, true
}

// alignUp rounds x up to a multiple of the power of two a. The caller makes
// sure it cannot overflow.
func alignUp(x, a uint64) uint64 { return (x + a - 1) &^ (a - 1) }

// WriterTensors returns the file's tensors, in file order, as WriterTensors
// whose Data copies the bytes from the file: with f.KV they make Write
// reproduce the file (see Write for the layout).
func (f *File) WriterTensors() []WriterTensor {
	out := make([]WriterTensor, len(f.Tensors))
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		out[i] = WriterTensor{
			Name:  ti.Name,
			Type:  ti.Type,
			Shape: append([]uint64(nil), ti.Shape...),
			Data: func(w io.Writer) error {
				b := f.TensorData(ti)
				if b == nil && ti.Size != 0 {
					return fmt.Errorf("data of tensor %q is not available (file closed?)", ti.Name)
				}
				_, err := w.Write(b)
				return err
			},
		}
	}
	return out
}

// ReleaseTensor drops a tensor's pages from the process's resident set
// once it has been read (the file stays the backing store, so reading it
// again is still correct). A no-op for files not opened with Open.
func (f *File) ReleaseTensor(t *TensorInfo) {
	if f.unmap == nil {
		return
	}
	d := f.TensorData(t)
	if len(d) == 0 {
		return
	}
	start := f.DataOffset + t.Offset // TensorData checked the range
	page := uint64(os.Getpagesize())
	lo := start &^ (page - 1)
	releasePages(f.data[lo : start+uint64(len(d))])
}
