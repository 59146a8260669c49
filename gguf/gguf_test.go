package gguf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// allValuesKVs has every value type as a scalar and as an array, empty
// arrays and nested arrays.
func allValuesKVs() []KV {
	return []KV{
		{KeyGeneralArchitecture, String("llama")},
		{"t.u8", Uint8(200)},
		{"t.i8", Int8(-100)},
		{"t.u16", Uint16(60000)},
		{"t.i16", Int16(-30000)},
		{"t.u32", Uint32(4000000000)},
		{"t.i32", Int32(-2000000000)},
		{"t.f32", Float32(-1.5e-7)},
		{"t.bool.true", Bool(true)},
		{"t.bool.false", Bool(false)},
		{"t.str", String("héllo\x00world")},
		{"t.str.empty", String("")},
		{"t.u64", Uint64(math.MaxUint64)},
		{"t.i64", Int64(math.MinInt64)},
		{"t.f64", Float64(math.Pi)},
		{"t.arr.u8", Value{TypeArray, Array{TypeUint8, []uint8{0, 1, 255}}}},
		{"t.arr.i8", Value{TypeArray, Array{TypeInt8, []int8{-128, 0, 127}}}},
		{"t.arr.u16", Value{TypeArray, Array{TypeUint16, []uint16{0, 65535}}}},
		{"t.arr.i16", Value{TypeArray, Array{TypeInt16, []int16{-32768, 32767}}}},
		{"t.arr.u32", Uint32s([]uint32{1, 2, 3})},
		{"t.arr.i32", Int32s([]int32{-1, 0, 1})},
		{"t.arr.f32", Float32s([]float32{0.5, -0.25, float32(math.Inf(1))})},
		{"t.arr.bool", Bools([]bool{true, false, true})},
		{"t.arr.str", Strings([]string{"a", "", "ccc"})},
		{"t.arr.u64", Value{TypeArray, Array{TypeUint64, []uint64{0, math.MaxUint64}}}},
		{"t.arr.i64", Value{TypeArray, Array{TypeInt64, []int64{math.MinInt64, math.MaxInt64}}}},
		{"t.arr.f64", Value{TypeArray, Array{TypeFloat64, []float64{1e300, -1e-300}}}},
		{"t.arr.empty.u8", Value{TypeArray, Array{TypeUint8, []uint8{}}}},
		{"t.arr.empty.str", Strings([]string{})},
		{"t.arr.empty.arr", Arrays([]Array{})},
		{"t.arr.nested", Arrays([]Array{
			{TypeInt32, []int32{1, 2}},
			{TypeString, []string{"x"}},
			{TypeString, []string{}},
			{TypeArray, []Array{{TypeFloat64, []float64{2.5}}, {TypeArray, []Array{}}}},
		})},
	}
}

// testTensor is a tensor with deterministic content.
func testTensor(name string, typ Type, shape ...uint64) WriterTensor {
	size, err := TensorBytes(typ, shape)
	if err != nil {
		panic(err)
	}
	return WriterTensor{Name: name, Type: typ, Shape: shape, Data: func(w io.Writer) error {
		_, err := w.Write(pattern(name, size))
		return err
	}}
}

func pattern(name string, n uint64) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + len(name))
	}
	return b
}

func sampleTensors() []WriterTensor {
	return []WriterTensor{
		testTensor("token_embd.weight", Q4_K, 256, 3),
		testTensor("norm.weight", F32, 5), // 20 bytes: padded
		testTensor("empty", F16, 0, 4),    // zero bytes
		testTensor("blk.0.attn_q.weight", Q8_0, 64, 2, 1),
		testTensor("four.d", BF16, 3, 1, 2, 1),
		testTensor("last.odd", I8, 7), // the last tensor is padded too
	}
}

func writeBytes(t testing.TB, kvs []KV, tensors []WriterTensor, opt *WriteOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, kvs, tensors, opt); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	kvs := allValuesKVs()
	tensors := sampleTensors()
	data := writeBytes(t, kvs, tensors, nil)

	path := filepath.Join(t.TempDir(), "m.gguf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	if f.Version != 3 || f.Alignment != DefaultAlignment || f.Size != int64(len(data)) {
		t.Errorf("version %d alignment %d size %d", f.Version, f.Alignment, f.Size)
	}
	if !reflect.DeepEqual(f.KV, kvs) {
		for i := range kvs {
			if i >= len(f.KV) || !reflect.DeepEqual(f.KV[i], kvs[i]) {
				t.Errorf("KV %d: got %#v, want %#v", i, f.KV[i], kvs[i])
			}
		}
	}
	if f.DataOffset%32 != 0 || f.DataOffset < f.InfoEnd || f.DataOffset-f.InfoEnd >= 32 {
		t.Errorf("DataOffset %d InfoEnd %d", f.DataOffset, f.InfoEnd)
	}
	if len(f.Tensors) != len(tensors) {
		t.Fatalf("%d tensors, want %d", len(f.Tensors), len(tensors))
	}
	var off uint64
	for i, wt := range tensors {
		ti := f.Tensors[i]
		size, _ := TensorBytes(wt.Type, wt.Shape)
		if ti.Name != wt.Name || ti.Type != wt.Type || !reflect.DeepEqual(ti.Shape, wt.Shape) || ti.Size != size || ti.Offset != off {
			t.Errorf("tensor %d: got %+v, want %s %s %v size %d offset %d", i, ti, wt.Name, wt.Type, wt.Shape, size, off)
		}
		off += (size + 31) &^ 31
		got, ok := f.Tensor(wt.Name)
		if !ok || got.Name != wt.Name {
			t.Errorf("Tensor(%q) not found", wt.Name)
			continue
		}
		if d := f.TensorData(got); !bytes.Equal(d, pattern(wt.Name, size)) {
			t.Errorf("tensor %q data differs", wt.Name)
		}
	}
	if uint64(len(data)) != f.DataOffset+off {
		t.Errorf("file size %d, want data offset %d + padded data %d", len(data), f.DataOffset, off)
	}
	if n := f.Tensors[0].NumElements(); n != 768 {
		t.Errorf("NumElements %d", n)
	}
	if v, ok := f.Lookup("t.i64"); !ok || v.X != int64(math.MinInt64) {
		t.Errorf("Lookup t.i64 = %v, %v", v, ok)
	}
	if _, ok := f.Lookup("nope"); ok {
		t.Error("Lookup of a missing key succeeded")
	}
	if _, ok := f.Tensor("nope"); ok {
		t.Error("Tensor of a missing name succeeded")
	}
	if !bytes.Equal(f.HeaderBytes(), data[:f.DataOffset]) {
		t.Error("HeaderBytes differ")
	}
	// Re-writing what we read gives the same bytes.
	if again := writeBytes(t, f.KV, f.WriterTensors(), nil); !bytes.Equal(again, data) {
		t.Error("rewrite of a parsed file differs")
	}
	if err := f.Close(); err != nil {
		t.Error(err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if d := f.TensorData(&f.Tensors[0]); d != nil {
		t.Error("TensorData after Close is not nil")
	}
}

// The layout of a tiny file, checked byte by byte.
func TestWriteLayout(t *testing.T) {
	data := writeBytes(t, []KV{{"a", Uint8(7)}}, []WriterTensor{testTensor("x", F32, 3)}, nil)
	le := binary.LittleEndian
	var want []byte
	want = append(want, "GGUF"...)
	want = le.AppendUint32(want, 3)
	want = le.AppendUint64(want, 1)
	want = le.AppendUint64(want, 1)
	want = le.AppendUint64(want, 1)
	want = append(want, 'a')
	want = le.AppendUint32(want, uint32(TypeUint8))
	want = append(want, 7)
	want = le.AppendUint64(want, 1)
	want = append(want, 'x')
	want = le.AppendUint32(want, 1)
	want = le.AppendUint64(want, 3)
	want = le.AppendUint32(want, uint32(F32))
	want = le.AppendUint64(want, 0)
	for len(want)%32 != 0 {
		want = append(want, 0)
	}
	want = append(want, pattern("x", 12)...)
	for len(want)%32 != 0 {
		want = append(want, 0)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("got\n%x\nwant\n%x", data, want)
	}
}

func TestNoTensors(t *testing.T) {
	kvs := []KV{{"general.architecture", String("llama")}}
	padded := writeBytes(t, kvs, nil, nil)
	bare := writeBytes(t, kvs, nil, &WriteOptions{VocabOnly: true})
	if len(padded)%32 != 0 || len(bare) >= len(padded) || !bytes.Equal(padded[:len(bare)], bare) {
		t.Fatalf("padded %d bytes, bare %d", len(padded), len(bare))
	}
	for _, data := range [][]byte{padded, bare} {
		f, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		if f.DataOffset != uint64(len(padded)) || f.InfoEnd != uint64(len(bare)) || !bytes.Equal(f.HeaderBytes(), data) {
			t.Errorf("DataOffset %d InfoEnd %d", f.DataOffset, f.InfoEnd)
		}
	}
	var buf bytes.Buffer
	if err := Write(&buf, kvs, sampleTensors(), &WriteOptions{VocabOnly: true}); err == nil {
		t.Error("VocabOnly with tensors: no error")
	}
}

func TestAlignment(t *testing.T) {
	kvs := []KV{{KeyGeneralAlignment, Uint32(64)}}
	tensors := []WriterTensor{testTensor("a", F32, 5), testTensor("b", F32, 5)}
	data := writeBytes(t, kvs, tensors, nil)
	f, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Alignment != 64 || f.DataOffset%64 != 0 || f.Tensors[1].Offset != 64 || len(data)%64 != 0 {
		t.Errorf("alignment %d data offset %d offset %d size %d", f.Alignment, f.DataOffset, f.Tensors[1].Offset, len(data))
	}
	if again := writeBytes(t, kvs, tensors, &WriteOptions{Alignment: 64}); !bytes.Equal(again, data) {
		t.Error("explicit alignment 64 differs")
	}
	if again := writeBytes(t, nil, tensors, &WriteOptions{Alignment: 32}); len(again)%32 != 0 {
		t.Error("alignment 32")
	}
	bad := []struct {
		kvs []KV
		opt *WriteOptions
	}{
		{kvs, &WriteOptions{Alignment: 32}},                       // disagrees
		{nil, &WriteOptions{Alignment: 64}},                       // no KV
		{nil, &WriteOptions{Alignment: 48}},                       // not a power of two
		{[]KV{{KeyGeneralAlignment, Uint32(48)}}, nil},            // not a power of two
		{[]KV{{KeyGeneralAlignment, Uint32(0)}}, nil},             // zero
		{[]KV{{KeyGeneralAlignment, Uint64(64)}}, nil},            // wrong type
		{[]KV{{KeyGeneralAlignment, Value{TypeUint32, 64}}}, nil}, // wrong Go type
	}
	for i, c := range bad {
		if err := Write(io.Discard, c.kvs, tensors, c.opt); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
}

func TestWriteRejects(t *testing.T) {
	ok := func() WriterTensor { return testTensor("ok", F32, 4) }
	cases := map[string]struct {
		kvs     []KV
		tensors []WriterTensor
	}{
		"empty key":        {[]KV{{"", Uint8(1)}}, nil},
		"duplicate key":    {[]KV{{"a", Uint8(1)}, {"a", Uint8(2)}}, nil},
		"type mismatch":    {[]KV{{"a", Value{TypeUint32, int32(1)}}}, nil},
		"invalid type":     {[]KV{{"a", Value{ValueType(13), uint8(1)}}}, nil},
		"array not Array":  {[]KV{{"a", Value{TypeArray, []string{"x"}}}}, nil},
		"items mismatch":   {[]KV{{"a", Value{TypeArray, Array{TypeString, []int32{1}}}}}, nil},
		"nil items":        {[]KV{{"a", Value{TypeArray, Array{TypeString, nil}}}}, nil},
		"nested mismatch":  {[]KV{{"a", Arrays([]Array{{TypeUint8, []int8{1}}})}}, nil},
		"arrays not array": {[]KV{{"a", Value{TypeArray, Array{TypeString, []Array{}}}}}, nil},
		"duplicate tensor": {nil, []WriterTensor{ok(), ok()}},
		"no dims":          {nil, []WriterTensor{{Name: "x", Type: F32, Data: ok().Data}}},
		"five dims":        {nil, []WriterTensor{{Name: "x", Type: F32, Shape: []uint64{1, 1, 1, 1, 1}, Data: ok().Data}}},
		"unknown type":     {nil, []WriterTensor{{Name: "x", Type: 4, Shape: []uint64{4}, Data: ok().Data}}},
		"not block":        {nil, []WriterTensor{{Name: "x", Type: Q4_K, Shape: []uint64{128}, Data: ok().Data}}},
		"long name":        {nil, []WriterTensor{{Name: strings.Repeat("n", 64), Type: F32, Shape: []uint64{4}, Data: ok().Data}}},
		"nil data":         {nil, []WriterTensor{{Name: "x", Type: F32, Shape: []uint64{4}}}},
		"huge":             {nil, []WriterTensor{{Name: "x", Type: F32, Shape: []uint64{1 << 40, 1 << 40}, Data: ok().Data}}},
	}
	for name, c := range cases {
		var buf bytes.Buffer
		err := Write(&buf, c.kvs, c.tensors, nil)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written before the error", name, buf.Len())
		}
		if !strings.HasPrefix(err.Error(), "gguf: ") {
			t.Errorf("%s: error %q", name, err)
		}
	}
	// A name of exactly 63 bytes is fine.
	if err := Write(io.Discard, nil, []WriterTensor{testTensor(strings.Repeat("n", 63), F32, 4)}, nil); err != nil {
		t.Error(err)
	}
}

func TestProgress(t *testing.T) {
	tensors := sampleTensors()
	var total uint64
	for _, wt := range tensors {
		n, _ := TensorBytes(wt.Type, wt.Shape)
		total += n
	}
	var calls [][2]uint64
	opt := &WriteOptions{Progress: func(w, tot uint64) { calls = append(calls, [2]uint64{w, tot}) }}
	writeBytes(t, nil, tensors, opt)
	if len(calls) != len(tensors)+1 || calls[0] != [2]uint64{0, total} || calls[len(calls)-1] != [2]uint64{total, total} {
		t.Errorf("progress calls %v (total %d)", calls, total)
	}
}

func badData(kind string) func(io.Writer) error {
	return func(w io.Writer) error {
		switch kind {
		case "error":
			w.Write([]byte{1, 2, 3})
			return errors.New("source exploded")
		case "short":
			_, err := w.Write(make([]byte, 15))
			return err
		case "long":
			_, err := w.Write(make([]byte, 17))
			return err
		case "long-ignored":
			w.Write(make([]byte, 10))
			w.Write(make([]byte, 10))
			return nil
		}
		return nil
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.gguf")
	kvs := allValuesKVs()
	tensors := sampleTensors()
	if err := WriteFile(path, kvs, tensors, nil); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := writeBytes(t, kvs, tensors, nil); !bytes.Equal(got, want) {
		t.Error("WriteFile output differs from Write")
	}
	// Overwriting works too.
	if err := WriteFile(path, kvs[:1], nil, nil); err != nil {
		t.Fatal(err)
	}

	for _, kind := range []string{"error", "short", "long", "long-ignored"} {
		p := filepath.Join(dir, "bad-"+kind+".gguf")
		bad := append(sampleTensors(), WriterTensor{Name: "bad", Type: F32, Shape: []uint64{4}, Data: badData(kind)})
		err := WriteFile(p, kvs, bad, nil)
		if err == nil {
			t.Errorf("%s: no error", kind)
			continue
		}
		if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), `"bad"`) {
			t.Errorf("%s: error %q does not name the path and the tensor", kind, err)
		}
		if kind == "error" && !strings.Contains(err.Error(), "source exploded") {
			t.Errorf("error %q lost the cause", err)
		}
		if _, serr := os.Stat(p); !os.IsNotExist(serr) {
			t.Errorf("%s: something at %s", kind, p)
		}
	}
	// A missing directory fails with the path in the message.
	p := filepath.Join(dir, "missing", "x.gguf")
	if err := WriteFile(p, kvs, nil, nil); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("missing dir: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "out.gguf" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n := f.n
		f.n = 0
		return n, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriteUnderlyingError(t *testing.T) {
	big := testTensor("big", F32, 1<<19) // 2 MiB, more than the buffer
	for _, n := range []int{0, 100, 1 << 20, 1<<21 + 100} {
		err := Write(&failWriter{n}, allValuesKVs(), []WriterTensor{big, testTensor("x", F32, 4)}, nil)
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("fail after %d: %v", n, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.gguf")
	os.WriteFile(empty, nil, 0o644)
	bad := filepath.Join(dir, "bad.gguf")
	os.WriteFile(bad, []byte("GGML\x03\x00\x00\x00"), 0o644)
	for _, p := range []string{empty, bad, filepath.Join(dir, "missing.gguf"), dir} {
		f, err := Open(p)
		if err == nil {
			f.Close()
			t.Errorf("%s: no error", p)
		} else if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not name the path", p, err)
		}
	}
}
