package gguf

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// shrinkArrays keeps at most n items of every array value.
func shrinkArrays(kvs []KV, n int) []KV {
	out := make([]KV, len(kvs))
	for i, kv := range kvs {
		out[i] = kv
		a, ok := kv.Value.Arr()
		if !ok || a.Len() <= n {
			continue
		}
		items := reflect.ValueOf(a.Items).Slice(0, n).Interface()
		out[i].Value = Value{TypeArray, Array{a.Elem, items}}
	}
	return out
}

func fuzzSeeds(f *testing.F) {
	add := func(kvs []KV, tensors []WriterTensor, opt *WriteOptions) {
		var buf bytes.Buffer
		if err := Write(&buf, kvs, tensors, opt); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	add(allValuesKVs(), sampleTensors(), nil)
	add([]KV{{KeyGeneralArchitecture, String("llama")}}, []WriterTensor{testTensor("w", Q8_0, 32, 2)}, nil)
	add([]KV{{KeyGeneralAlignment, Uint32(64)}}, []WriterTensor{testTensor("a", F32, 3), testTensor("b", F16, 5)}, nil)
	add(allValuesKVs(), nil, nil)
	add(allValuesKVs()[:5], nil, &WriteOptions{VocabOnly: true})
	f.Add(rawFile(2, []KV{{"a", Uint8(1)}}, []rawTensor{{"t", []uint64{8}, uint32(F32), 0}}, 32))

	// The metadata of a real vocab-only file, with its arrays cut short.
	dir := os.Getenv("HFCTL_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "testdata")
	}
	for _, name := range []string{"ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf"} {
		v, err := Open(filepath.Join(dir, "vocab", name))
		if err != nil {
			continue
		}
		add(shrinkArrays(v.KV, 12), nil, &WriteOptions{VocabOnly: true})
		v.Close()
	}
}

// reencode writes a parsed file again; files without tensors are written
// without padding (a huge general.alignment would otherwise blow them up).
func reencode(t *testing.T, g *File) []byte {
	var buf bytes.Buffer
	if err := Write(&buf, g.KV, g.WriterTensors(), &WriteOptions{VocabOnly: len(g.Tensors) == 0}); err != nil {
		t.Fatalf("re-encoding a parsed file: %v", err)
	}
	return buf.Bytes()
}

func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := Parse(data)
		if err != nil {
			if g != nil {
				t.Fatal("file and error")
			}
			return
		}
		for i := range g.Tensors {
			ti := &g.Tensors[i]
			if uint64(len(g.TensorData(ti))) != ti.Size {
				t.Fatalf("tensor %q: %d data bytes, want %d", ti.Name, len(g.TensorData(ti)), ti.Size)
			}
			if p, ok := g.Tensor(ti.Name); !ok || p != ti {
				t.Fatalf("Tensor(%q) lookup", ti.Name)
			}
		}
		for _, kv := range g.KV {
			if _, ok := g.Lookup(kv.Key); !ok {
				t.Fatalf("Lookup(%q)", kv.Key)
			}
			kv.Value.Format(3)
		}
		if uint64(len(g.HeaderBytes())) > g.DataOffset || g.InfoEnd > g.DataOffset {
			t.Fatal("header bounds")
		}

		b1 := reencode(t, g)
		g2, err := Parse(b1)
		if err != nil {
			t.Fatalf("parsing the re-encoded file: %v", err)
		}
		if len(g2.KV) != len(g.KV) || len(g2.Tensors) != len(g.Tensors) || g2.Alignment != g.Alignment {
			t.Fatal("re-encoded file differs in counts or alignment")
		}
		for i := range g.Tensors {
			a, b := g.Tensors[i], g2.Tensors[i]
			if a.Name != b.Name || a.Type != b.Type || a.Size != b.Size || !reflect.DeepEqual(a.Shape, b.Shape) ||
				!bytes.Equal(g.TensorData(&a), g2.TensorData(&b)) {
				t.Fatalf("tensor %d differs after re-encoding", i)
			}
		}
		if b2 := reencode(t, g2); !bytes.Equal(b1, b2) {
			t.Fatal("re-encoding is not stable")
		}
	})
}
