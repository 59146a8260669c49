// Package safetensors reads Hugging Face safetensors checkpoints, single
// files or sharded folders, by memory-mapping them.
//
// A file is: u64 little-endian header length N, N bytes of JSON
// {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__":
// {…}}, then the data buffer (offsets are relative to its start).
// Validation follows the reference Rust crate: the tensors must tile the
// data buffer exactly (no gap, no overlap, nothing after the last one).
package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"
)

// maxHeader caps the JSON header, as the reference implementation does.
const maxHeader = 100 << 20

// dtypeSizes are the element sizes of the dtypes the format defines.
var dtypeSizes = map[string]int64{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1,
	"I16": 2, "U16": 2, "F16": 2, "BF16": 2,
	"I32": 4, "U32": 4, "F32": 4,
	"I64": 8, "U64": 8, "F64": 8,
}

// Tensor is one tensor of a file; Data views the file's mapping.
type Tensor struct {
	Name   string
	DType  string
	Shape  []int64 // outermost first, as in PyTorch
	File   string
	Offset int64 // absolute offset of Data in File
	Data   []byte

	mapping []byte // the whole file mapping (for Release); nil unless mmapped by OpenFile and still open
}

// NumElements is the product of the shape (1 for a scalar).
func (t *Tensor) NumElements() int64 {
	n := int64(1)
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// File is one opened safetensors file.
type File struct {
	Path     string
	Tensors  []*Tensor // sorted by name
	Metadata map[string]string

	data  []byte
	unmap func() error
}

// OpenFile memory-maps and validates path.
func OpenFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() < 8 {
		return nil, fmt.Errorf("%s: %d bytes: too short for a safetensors file (truncated download?)", path, st.Size())
	}
	if st.Size() > math.MaxInt {
		return nil, fmt.Errorf("%s: file too large", path)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("%s: mmap: %w", path, err)
	}
	sf, err := ParseHeader(data, path)
	if err != nil {
		syscall.Munmap(data)
		return nil, err
	}
	// Only tensors of a file mapping may be released: madvise(DONTNEED)
	// on memory ParseHeader was handed (the Go heap, say) would zero it.
	for _, t := range sf.Tensors {
		t.mapping = data
	}
	sf.unmap = func() error { return syscall.Munmap(data) }
	return sf, nil
}

// Close unmaps the file; its tensors' Data must not be used afterwards.
func (f *File) Close() error {
	if f.unmap == nil {
		return nil
	}
	// Release after Close must not madvise whatever is mapped there next.
	for _, t := range f.Tensors {
		t.mapping = nil
	}
	u := f.unmap
	f.unmap = nil
	return u()
}

// ParseHeader validates a whole file's bytes and returns its tensors
// (viewing data). path is only used in messages.
//
// The header is read more strictly than encoding/json would: it must be
// UTF-8, keys match exactly (not case-insensitively), a key may appear only
// once in any object, numbers must be integers, strings may not be null,
// and nothing but whitespace may follow the JSON object. The reference
// crate (serde_json) rejects all of these too, except duplicate tensor
// names, where it keeps the last; we reject them so that no two readers
// can disagree on which tensor a name means.
func ParseHeader(data []byte, path string) (*File, error) {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%s: invalid safetensors file: %s", path, fmt.Sprintf(format, a...))
	}
	if len(data) < 8 {
		return nil, fail("%d bytes, too short for the header length (truncated download?)", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if n > maxHeader {
		return nil, fail("header length %d is larger than the %d MiB limit (not a safetensors file?)", n, maxHeader>>20)
	}
	if n > uint64(len(data)-8) {
		return nil, fail("header length %d runs past the end of the %d-byte file (truncated download?)", n, len(data))
	}
	hb := data[8 : 8+n]
	if len(hb) == 0 || hb[0] != '{' {
		return nil, fail("header is not a JSON object")
	}
	if !utf8.Valid(hb) {
		return nil, fail("header is not valid UTF-8")
	}
	members, err := objectMembers(hb)
	if err != nil {
		return nil, fail("header JSON: %v", err)
	}
	buf := data[8+n:]
	f := &File{Path: path, data: data}
	for _, mem := range members {
		name, msg := mem.key, mem.value
		if name == "__metadata__" {
			md, err := stringMap(msg)
			if err != nil {
				return nil, fail("__metadata__ must map strings to strings: %v", err)
			}
			f.Metadata = md
			continue
		}
		dtype, shape, offs, err := parseEntry(msg)
		if err != nil {
			return nil, fail("tensor %q: %v", name, err)
		}
		size, ok := dtypeSizes[dtype]
		if !ok {
			return nil, fmt.Errorf("%s: unsupported dtype %s for tensor %q", path, dtype, name)
		}
		if len(offs) != 2 || offs[0] < 0 || offs[1] < offs[0] {
			return nil, fail("tensor %q: bad data_offsets %v", name, offs)
		}
		if offs[1] > int64(len(buf)) {
			return nil, fail("tensor %q ends at byte %d of a %d-byte data buffer (truncated download?)", name, offs[1], len(buf))
		}
		count := uint64(1)
		for _, d := range shape {
			if d < 0 {
				return nil, fail("tensor %q: negative dimension in shape %v", name, shape)
			}
			hi, lo := bits.Mul64(count, uint64(d))
			if hi != 0 || lo > math.MaxInt64 {
				return nil, fail("tensor %q: shape %v overflows", name, shape)
			}
			count = lo
		}
		hi, nbytes := bits.Mul64(count, uint64(size))
		if hi != 0 || nbytes != uint64(offs[1]-offs[0]) {
			return nil, fail("tensor %q: shape %v of %s needs %d elements of %d bytes, data_offsets give %d bytes", name, shape, dtype, count, size, offs[1]-offs[0])
		}
		f.Tensors = append(f.Tensors, &Tensor{
			Name: name, DType: dtype, Shape: shape, File: path,
			Offset: int64(8+n) + offs[0], Data: buf[offs[0]:offs[1]:offs[1]],
		})
	}
	sort.Slice(f.Tensors, func(i, j int) bool { return f.Tensors[i].Name < f.Tensors[j].Name })
	// The tensors must tile the buffer: sorted by offset, each starts
	// where the previous ended, the last ends at the buffer's end.
	byOff := append([]*Tensor(nil), f.Tensors...)
	sort.SliceStable(byOff, func(i, j int) bool {
		if byOff[i].Offset != byOff[j].Offset {
			return byOff[i].Offset < byOff[j].Offset
		}
		return len(byOff[i].Data) < len(byOff[j].Data)
	})
	pos := int64(8 + n)
	var prev *Tensor // the tensor that ends at pos
	for _, t := range byOff {
		if t.Offset < pos {
			return nil, fail("tensor %q overlaps tensor %q", t.Name, prev.Name)
		}
		if t.Offset > pos {
			return nil, fail("%d unused bytes before tensor %q", t.Offset-pos, t.Name)
		}
		if len(t.Data) > 0 {
			pos, prev = t.Offset+int64(len(t.Data)), t
		}
	}
	if pos != int64(len(data)) {
		return nil, fail("%d bytes after the last tensor: the header does not describe the whole file", int64(len(data))-pos)
	}
	return f, nil
}

type member struct {
	key   string
	value json.RawMessage
}

// objectMembers splits the JSON object b into its members, in order,
// rejecting duplicate keys and anything after the object but whitespace.
func objectMembers(b []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var ms []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("object key %v is not a string", tok)
		}
		if seen[key] {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		ms = append(ms, member{key, v})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return ms, nil
}

// parseEntry reads one tensor's {"dtype", "shape", "data_offsets"};
// other keys are ignored, as the reference crate does.
func parseEntry(raw json.RawMessage) (dtype string, shape, offs []int64, err error) {
	if len(raw) == 0 || raw[0] != '{' {
		return "", nil, nil, errors.New("entry is not a JSON object")
	}
	ms, err := objectMembers(raw)
	if err != nil {
		return "", nil, nil, err
	}
	var haveDType bool
	for _, m := range ms {
		switch m.key {
		case "dtype":
			if dtype, err = jsonString(m.value); err != nil {
				return "", nil, nil, fmt.Errorf("dtype: %v", err)
			}
			haveDType = true
		case "shape":
			if shape, err = intArray(m.value); err != nil {
				return "", nil, nil, fmt.Errorf("shape: %v", err)
			}
		case "data_offsets":
			if offs, err = intArray(m.value); err != nil {
				return "", nil, nil, fmt.Errorf("data_offsets: %v", err)
			}
		}
	}
	if !haveDType || shape == nil || offs == nil {
		return "", nil, nil, errors.New("needs dtype, shape and data_offsets")
	}
	return dtype, shape, offs, nil
}

// jsonString decodes a JSON string (not null).
func jsonString(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", fmt.Errorf("%.40s is not a string", raw)
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// intArray decodes a JSON array of integers (no fractions, exponents or
// nulls), never returning nil without an error.
func intArray(raw json.RawMessage) ([]int64, error) {
	if len(raw) == 0 || raw[0] != '[' {
		return nil, fmt.Errorf("%.40s is not an array", raw)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(elems))
	for _, e := range elems {
		digits := e
		if len(digits) > 0 && digits[0] == '-' {
			digits = digits[1:]
		}
		if len(digits) == 0 || bytes.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			return nil, fmt.Errorf("%.40s is not an integer", e)
		}
		v, err := strconv.ParseInt(string(e), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%.40s: out of range", e)
		}
		out = append(out, v)
	}
	return out, nil
}

// stringMap decodes null (nil) or an object of strings.
func stringMap(raw json.RawMessage) (map[string]string, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("%.40s is not an object", raw)
	}
	ms, err := objectMembers(raw)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ms))
	for _, m := range ms {
		if out[m.key], err = jsonString(m.value); err != nil {
			return nil, fmt.Errorf("key %q: %v", m.key, err)
		}
	}
	return out, nil
}

// Model is a checkpoint folder: one file or several shards.
type Model struct {
	Dir       string
	Files     []*File
	Tensors   []*Tensor // llama.cpp's order: shards by file name, names sorted in each
	IndexPath string
	byName    map[string]*Tensor
}

// OpenDir opens DIR/model.safetensors.index.json's shards, or every
// model*.safetensors in DIR.
func OpenDir(dir string) (*Model, error) {
	m := &Model{Dir: dir, byName: map[string]*Tensor{}}
	var parts []string
	var weightMap map[string]string
	idx := filepath.Join(dir, "model.safetensors.index.json")
	if b, err := os.ReadFile(idx); err == nil {
		var ix struct {
			WeightMap map[string]string `json:"weight_map"`
		}
		if err := json.Unmarshal(b, &ix); err != nil {
			return nil, fmt.Errorf("%s: cannot read \"weight_map\": %v", idx, err)
		}
		if len(ix.WeightMap) == 0 {
			return nil, fmt.Errorf("%s: no \"weight_map\" listing the tensors and their shards", idx)
		}
		m.IndexPath, weightMap = idx, ix.WeightMap
		seen := map[string]bool{}
		for _, p := range ix.WeightMap {
			if p != filepath.Base(p) || strings.ContainsAny(p, `/\`) || p == "" || p == "." || p == ".." {
				return nil, fmt.Errorf("%s: shard name %q must be a plain file name", idx, p)
			}
			if !seen[p] {
				seen[p] = true
				parts = append(parts, p)
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	} else {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "model") && strings.HasSuffix(e.Name(), ".safetensors") {
				parts = append(parts, e.Name())
			}
		}
		if len(parts) == 0 {
			return nil, fmt.Errorf("%s: no model*.safetensors file; hfctl reads safetensors checkpoints only (pytorch_model.bin is not supported)", dir)
		}
	}
	sort.Strings(parts)
	for _, p := range parts {
		path := filepath.Join(dir, p)
		f, err := OpenFile(path)
		if err != nil {
			m.Close()
			if weightMap != nil && errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("%s: shard %s listed in %s is missing (incomplete download?)", dir, p, filepath.Base(idx))
			}
			return nil, err
		}
		m.Files = append(m.Files, f)
		for _, t := range f.Tensors {
			if prev, dup := m.byName[t.Name]; dup {
				m.Close()
				return nil, fmt.Errorf("tensor %q is in both %s and %s", t.Name, prev.File, t.File)
			}
			if weightMap != nil && weightMap[t.Name] != p {
				m.Close()
				if _, ok := weightMap[t.Name]; !ok {
					return nil, fmt.Errorf("%s: tensor %q is not in %s", path, t.Name, idx)
				}
				return nil, fmt.Errorf("%s: tensor %q is listed in %s under %s", path, t.Name, idx, weightMap[t.Name])
			}
			m.byName[t.Name] = t
			m.Tensors = append(m.Tensors, t)
		}
	}
	if weightMap != nil {
		var missing []string
		for name := range weightMap {
			if _, ok := m.byName[name]; !ok {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			m.Close()
			return nil, fmt.Errorf("%s lists %d tensors missing from the shards (first: %q in %s): incomplete download?", idx, len(missing), missing[0], weightMap[missing[0]])
		}
	}
	return m, nil
}

// Get returns the tensor called name, or nil.
func (m *Model) Get(name string) *Tensor { return m.byName[name] }

// Close unmaps every shard.
func (m *Model) Close() error {
	var first error
	for _, f := range m.Files {
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
	}
	m.Files = nil
	return first
}

// ReleaseRange is Release for bytes [from, to) of the tensor's data.
func (t *Tensor) ReleaseRange(from, to int64) {
	if t.mapping == nil || from >= to || from < 0 || to > int64(len(t.Data)) {
		return
	}
	page := int64(os.Getpagesize())
	start := (t.Offset + from) &^ (page - 1)
	end := t.Offset + to
	if end > int64(len(t.mapping)) {
		end = int64(len(t.mapping))
	}
	_ = syscall.Madvise(t.mapping[start:end], syscall.MADV_DONTNEED)
}

// Release tells the kernel the tensor's pages are no longer needed, so
// streaming a model larger than memory keeps the resident set small.
func (t *Tensor) Release() {
	if t.mapping == nil || len(t.Data) == 0 {
		return
	}
	page := int64(os.Getpagesize())
	start := t.Offset &^ (page - 1)
	end := t.Offset + int64(len(t.Data))
	if end > int64(len(t.mapping)) {
		end = int64(len(t.mapping))
	}
	_ = syscall.Madvise(t.mapping[start:end], syscall.MADV_DONTNEED)
}
