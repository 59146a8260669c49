package gguf

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// rawTensor is a tensor info written verbatim by rawFile.
type rawTensor struct {
	name string
	ne   []uint64
	typ  uint32
	off  uint64
}

// rawFile builds a GGUF file without any checks: the given KVs (encoded
// with AppendValue) and tensor infos, padding to 32 and dataLen zero bytes.
func rawFile(version uint32, kvs []KV, ts []rawTensor, dataLen int) []byte {
	le := binary.LittleEndian
	b := []byte("GGUF")
	b = le.AppendUint32(b, version)
	b = le.AppendUint64(b, uint64(len(ts)))
	b = le.AppendUint64(b, uint64(len(kvs)))
	for _, kv := range kvs {
		b = le.AppendUint64(b, uint64(len(kv.Key)))
		b = append(b, kv.Key...)
		b = le.AppendUint32(b, uint32(kv.Value.Type))
		var err error
		if b, err = AppendValue(b, kv.Value); err != nil {
			panic(err)
		}
	}
	for _, t := range ts {
		b = le.AppendUint64(b, uint64(len(t.name)))
		b = append(b, t.name...)
		b = le.AppendUint32(b, uint32(len(t.ne)))
		for _, d := range t.ne {
			b = le.AppendUint64(b, d)
		}
		b = le.AppendUint32(b, t.typ)
		b = le.AppendUint64(b, t.off)
	}
	for len(b)%32 != 0 {
		b = append(b, 0)
	}
	return append(b, make([]byte, dataLen)...)
}

// header is magic, version and the two counts, followed by raw bytes.
func header(version uint32, nTensors, nKV uint64, rest ...[]byte) []byte {
	le := binary.LittleEndian
	b := []byte("GGUF")
	b = le.AppendUint32(b, version)
	b = le.AppendUint64(b, nTensors)
	b = le.AppendUint64(b, nKV)
	for _, r := range rest {
		b = append(b, r...)
	}
	return b
}

func u32(x uint32) []byte { return binary.LittleEndian.AppendUint32(nil, x) }
func u64(x uint64) []byte { return binary.LittleEndian.AppendUint64(nil, x) }
func str(s string) []byte { return append(u64(uint64(len(s))), s...) }

func deepArray(depth int) Value {
	a := Array{TypeUint8, []uint8{1}}
	for i := 1; i < depth; i++ {
		a = Array{TypeArray, []Array{a}}
	}
	return Value{TypeArray, a}
}

func TestParseRejects(t *testing.T) {
	f32 := uint32(F32)
	kv1 := []KV{{"a", Uint8(1)}}
	padding := make([]byte, 64)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "only 0 bytes"},
		{"short", []byte("GGU"), "only 3 bytes"},
		{"bad magic", []byte("GGML\x03\x00\x00\x00"), "bad magic"},
		{"version 1", header(1, 0, 0), "version 1 is not supported"},
		{"version 0", header(0, 0, 0), "unsupported GGUF version 0"},
		{"version 4", header(4, 0, 0), "unsupported GGUF version 4"},
		{"big-endian", header(3<<24, 0, 0), "big-endian"},
		{"no counts", []byte("GGUF\x03\x00\x00\x00\x00"), "tensor count"},
		{"huge kv count", header(3, 0, math.MaxUint64, padding), "metadata count"},
		{"huge tensor count", header(3, 1<<62, 0, padding), "tensor count"},
		{"huge key length", header(3, 0, 1, u64(math.MaxUint64), padding), "length"},
		{"empty key", rawFile(3, []KV{{"", Uint8(1)}}, nil, 0), "empty key"},
		{"duplicate key", rawFile(3, []KV{{"a", Uint8(1)}, {"a", Uint8(2)}}, nil, 0), `duplicate metadata key "a"`},
		{"bad value type", header(3, 0, 1, str("k"), u32(13), padding), "invalid value type 13"},
		{"huge string", header(3, 0, 1, str("k"), u32(uint32(TypeString)), u64(1<<40), padding), "length 1099511627776"},
		{"huge u8 array", header(3, 0, 1, str("k"), u32(uint32(TypeArray)), u32(uint32(TypeUint8)), u64(1<<40), padding), "cannot fit"},
		{"huge u64 array", header(3, 0, 1, str("k"), u32(uint32(TypeArray)), u32(uint32(TypeUint64)), u64(9), padding), "cannot fit"},
		{"huge string array", header(3, 0, 1, str("k"), u32(uint32(TypeArray)), u32(uint32(TypeString)), u64(math.MaxUint64), padding), "cannot fit"},
		{"huge nested array", header(3, 0, 1, str("k"), u32(uint32(TypeArray)), u32(uint32(TypeArray)), u64(1),
			u32(uint32(TypeString)), u64(1<<50), padding), "cannot fit"},
		{"bad array type", header(3, 0, 1, str("k"), u32(uint32(TypeArray)), u32(77), u64(0), padding), "invalid array element type 77"},
		{"too deep", rawFile(3, []KV{{"k", deepArray(maxArrayDepth + 1)}}, nil, 0), "nested"},
		{"alignment type", rawFile(3, []KV{{KeyGeneralAlignment, Uint64(32)}}, nil, 0), "must be of type UINT32"},
		{"alignment 48", rawFile(3, []KV{{KeyGeneralAlignment, Uint32(48)}}, nil, 0), "not a power of two"},
		{"alignment 0", rawFile(3, []KV{{KeyGeneralAlignment, Uint32(0)}}, nil, 0), "not a power of two"},
		{"dup tensor", rawFile(3, kv1, []rawTensor{{"t", []uint64{8}, f32, 0}, {"t", []uint64{8}, f32, 32}}, 64), `duplicate tensor name "t"`},
		{"long name", rawFile(3, kv1, []rawTensor{{strings.Repeat("x", 64), []uint64{8}, f32, 0}}, 32), "name is 64 bytes"},
		{"0 dims", rawFile(3, kv1, []rawTensor{{"t", nil, f32, 0}}, 32), "0 dimensions"},
		{"5 dims", rawFile(3, kv1, []rawTensor{{"t", []uint64{1, 1, 1, 1, 1}, f32, 0}}, 32), "5 dimensions"},
		{"negative ne", rawFile(3, kv1, []rawTensor{{"t", []uint64{8, 1 << 63}, f32, 0}}, 32), "negative"},
		{"elements overflow", rawFile(3, kv1, []rawTensor{{"t", []uint64{1 << 32, 1 << 32}, f32, 0}}, 32), "overflows int64"},
		{"bytes overflow", rawFile(3, kv1, []rawTensor{{"t", []uint64{1 << 61, 2}, uint32(F64), 0}}, 32), "overflows 64 bits"},
		{"removed type 4", rawFile(3, kv1, []rawTensor{{"t", []uint64{32}, 4, 0}}, 32), "unknown ggml type 4"},
		{"removed type 31", rawFile(3, kv1, []rawTensor{{"t", []uint64{32}, 31, 0}}, 32), "unknown ggml type 31"},
		{"type 43", rawFile(3, kv1, []rawTensor{{"t", []uint64{32}, 43, 0}}, 32), "unknown ggml type 43"},
		{"not block multiple", rawFile(3, kv1, []rawTensor{{"t", []uint64{128, 2}, uint32(Q4_K), 0}}, 512), "block size 256"},
		{"unaligned", rawFile(3, kv1, []rawTensor{{"a", []uint64{4}, f32, 0}, {"b", []uint64{4}, f32, 16}}, 64), "not a multiple of the alignment 32"},
		{"overlap", rawFile(3, kv1, []rawTensor{{"a", []uint64{16}, f32, 0}, {"b", []uint64{4}, f32, 32}}, 64), "overlap"},
		{"overlap same offset", rawFile(3, kv1, []rawTensor{{"a", []uint64{4}, f32, 0}, {"b", []uint64{4}, f32, 0}}, 64), "overlap"},
		{"overlap across empty", rawFile(3, kv1, []rawTensor{{"a", []uint64{64}, f32, 0}, {"z", []uint64{0}, f32, 64}, {"b", []uint64{4}, f32, 128}}, 512), "overlap"},
		{"past end", rawFile(3, kv1, []rawTensor{{"a", []uint64{16}, f32, 0}}, 63), "past the end"},
		{"offset past end", rawFile(3, kv1, []rawTensor{{"a", []uint64{0}, f32, 1 << 62}}, 0), "past the end"},
		{"offset overflow", rawFile(3, kv1, []rawTensor{{"a", []uint64{16}, f32, math.MaxUint64 &^ 31}}, 64), "past the end"},
	}
	for _, c := range cases {
		f, err := Parse(c.data)
		if err == nil {
			t.Errorf("%s: no error (%d tensors)", c.name, len(f.Tensors))
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "gguf: ") {
			t.Errorf("%s: error %q, want it to mention %q", c.name, err, c.want)
		}
	}
}

func TestParseAccepts(t *testing.T) {
	kv1 := []KV{{"a", Uint8(1)}}
	f32 := uint32(F32)
	cases := []struct {
		name string
		data []byte
	}{
		{"version 2", rawFile(2, kv1, []rawTensor{{"t", []uint64{8}, f32, 0}}, 32)},
		{"empty", header(3, 0, 0)},
		{"zero-size tensors", rawFile(3, kv1, []rawTensor{{"z", []uint64{0, 5}, f32, 0}, {"t", []uint64{8}, f32, 0}, {"e", []uint64{256, 0}, uint32(Q4_K), 32}}, 32)},
		{"gaps and any order", rawFile(3, kv1, []rawTensor{{"b", []uint64{8}, f32, 64}, {"a", []uint64{8}, f32, 0}}, 96)},
		{"empty name", rawFile(3, kv1, []rawTensor{{"", []uint64{8}, f32, 0}}, 32)},
		{"depth limit", rawFile(3, []KV{{"k", deepArray(maxArrayDepth)}}, nil, 0)},
		{"trailing bytes", rawFile(3, kv1, []rawTensor{{"t", []uint64{8}, f32, 0}}, 100)},
		{"big alignment, no tensors", rawFile(3, []KV{{KeyGeneralAlignment, Uint32(1 << 31)}}, nil, 0)},
	}
	for _, c := range cases {
		if _, err := Parse(c.data); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// Any non-zero byte is a true bool, as in llama.cpp.
	b := rawFile(3, []KV{{"b", Bool(true)}, {"bs", Bools([]bool{true, false})}}, nil, 0)
	b[24+8+1+4] = 2 // header, key length, key "b", value type
	f, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Lookup("b"); v.X != true {
		t.Errorf("bool 2 read as %v", v.X)
	}
}

// Every truncation of a valid file fails, up to the end of the last
// tensor's data (its trailing padding is not needed).
func TestParseTruncated(t *testing.T) {
	data := writeBytes(t, allValuesKVs(), sampleTensors(), nil)
	f, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	last := f.Tensors[len(f.Tensors)-1]
	end := int(f.DataOffset + last.Offset + last.Size)
	if end == len(data) {
		t.Fatal("test file has no trailing padding")
	}
	for n := 0; n < len(data); n++ {
		_, err := Parse(data[:n])
		if n < end && err == nil {
			t.Errorf("truncated to %d of %d bytes: no error", n, len(data))
		}
		if n >= end && err != nil {
			t.Errorf("truncated to %d (data ends at %d): %v", n, end, err)
		}
	}
	// A file without tensors may stop anywhere after its metadata.
	data = writeBytes(t, allValuesKVs(), nil, nil)
	f, err = Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(data); n++ {
		_, err := Parse(data[:n])
		if (err == nil) != (uint64(n) >= f.InfoEnd) {
			t.Errorf("no tensors, truncated to %d (metadata ends at %d): %v", n, f.InfoEnd, err)
		}
	}
}

// Flipping single bytes must never panic.
func TestParseCorrupt(t *testing.T) {
	data := writeBytes(t, allValuesKVs(), sampleTensors(), nil)
	f, _ := Parse(data)
	buf := make([]byte, len(data))
	for i := 0; i < int(f.DataOffset); i++ {
		for _, x := range []byte{0x00, 0xff, 0x80, 0x01} {
			copy(buf, data)
			buf[i] ^= x
			if g, err := Parse(buf); err == nil {
				for j := range g.Tensors {
					if uint64(len(g.TensorData(&g.Tensors[j]))) != g.Tensors[j].Size {
						t.Fatalf("byte %d ^ %#x: tensor data of wrong length", i, x)
					}
				}
			}
		}
	}
}
