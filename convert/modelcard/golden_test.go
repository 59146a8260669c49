package modelcard

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/internal/testdata"
)

// notOurs are the general.* keys the converter writes itself.
var notOurs = map[string]bool{
	"general.architecture":         true,
	"general.type":                 true,
	"general.file_type":            true,
	"general.quantization_version": true,
	"general.alignment":            true,
}

// ggufTypeName is how tensors.json spells a value's type.
func ggufTypeName(v gguf.Value) string {
	if a, ok := v.Arr(); ok {
		return "ARRAY[" + a.Elem.String() + "]"
	}
	return v.Type.String()
}

// TestGoldenTinyShakespeare checks the KVs for models/tiny-shakespeare (a
// README.md with front matter) against every llama.cpp file made from it
// (conversions to f32/f16/bf16/q8_0 and quantizations, which keep the keys).
func TestGoldenTinyShakespeare(t *testing.T) {
	var golden map[string]struct {
		Metadata json.RawMessage `json:"metadata"`
		Tensors  []struct {
			Name  string   `json:"name"`
			Shape []uint64 `json:"shape"`
		} `json:"tensors"`
	}
	b, err := os.ReadFile(testdata.Path(t, "golden", "tiny-shakespeare", "tensors.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	if _, ok := golden["f16.gguf"]; !ok {
		t.Fatal("tensors.json has no f16.gguf")
	}
	dir := testdata.Path(t, "models", "tiny-shakespeare")

	type entry struct {
		key, typ, sha string
	}
	for file, g := range golden {
		// The general.* entries of the metadata object, in file order.
		var want []entry
		dec := json.NewDecoder(bytes.NewReader(g.Metadata))
		if _, err := dec.Token(); err != nil { // {
			t.Fatal(err)
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			var v struct {
				Type string `json:"type"`
				SHA  string `json:"value_bytes_sha256"`
			}
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			key := tok.(string)
			if strings.HasPrefix(key, "general.") && !notOurs[key] {
				want = append(want, entry{key, v.Type, v.SHA})
			}
		}

		var shapes []TensorShape
		for _, ts := range g.Tensors {
			shapes = append(shapes, TensorShape{Name: ts.Name, Dims: ts.Shape})
		}
		p := CountParams(shapes)
		if p != (Params{Total: 8979584, Shared: 8979584}) {
			t.Errorf("%s: CountParams = %+v, want 8979584 shared parameters", file, p)
		}
		m, err := Read(dir, "", p)
		if err != nil {
			t.Fatal(err)
		}
		kvs, err := m.KVs()
		if err != nil {
			t.Fatal(err)
		}
		var got []entry
		for _, kv := range kvs {
			vb, err := gguf.AppendValue(nil, kv.Value)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(vb)
			got = append(got, entry{kv.Key, ggufTypeName(kv.Value), hex.EncodeToString(sum[:])})
		}
		if len(want) != 6 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: KVs differ from llama.cpp's\ngot:  %v\nwant: %v", file, got, want)
		}
		if file == "f16.gguf" {
			if stem, err := m.FileStem("F16"); err != nil || stem != "Tiny-Shakespeare-9.0M-F16" {
				t.Errorf("FileStem(F16) = %q, %v; want Tiny-Shakespeare-9.0M-F16", stem, err)
			}
		}
	}
}

// TestGoldenQuantH256 checks golden/quant-h256/hf, which llama.cpp converted
// from a folder named tiny-llama-h256 (no README.md; generation_config.json
// has temperature and top_p), against the metadata of its f16.gguf.
func TestGoldenQuantH256(t *testing.T) {
	hf := testdata.Path(t, "golden", "quant-h256", "hf")
	raw, err := os.ReadFile(testdata.Path(t, "golden", "quant-h256", "f16.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	kvs, tensors, err := rawGGUFHeader(raw)
	if err != nil {
		t.Fatal(err)
	}
	var want []rawKV
	for _, kv := range kvs {
		if strings.HasPrefix(kv.key, "general.") && !notOurs[kv.key] {
			want = append(want, kv)
		}
	}

	dir := filepath.Join(t.TempDir(), "tiny-llama-h256")
	if err := os.Symlink(hf, dir); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir, "", CountParams(tensors))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("got %d KVs, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		vb, err := gguf.AppendValue(nil, got[i].Value)
		if err != nil {
			t.Fatal(err)
		}
		if got[i].Key != want[i].key || got[i].Value.Type != want[i].typ || !bytes.Equal(vb, want[i].value) {
			t.Errorf("KV %d: got %s %v %x, want %s %v %x", i, got[i].Key, got[i].Value.Type, vb, want[i].key, want[i].typ, want[i].value)
		}
	}
	for _, kv := range got {
		t.Logf("%s = %v", kv.Key, kv.Value.X)
	}
}

// rawKV is a metadata entry with its value's bytes as stored.
type rawKV struct {
	key   string
	typ   gguf.ValueType
	value []byte
}

// rawGGUFHeader reads the metadata and tensor infos of a GGUF v3 file
// (independently of package gguf's reader).
func rawGGUFHeader(b []byte) ([]rawKV, []TensorShape, error) {
	le := binary.LittleEndian
	off := 0
	need := func(n int) error {
		if n < 0 || off+n > len(b) {
			return fmt.Errorf("truncated at %d", off)
		}
		return nil
	}
	u32 := func() (uint32, error) {
		if err := need(4); err != nil {
			return 0, err
		}
		off += 4
		return le.Uint32(b[off-4:]), nil
	}
	u64 := func() (uint64, error) {
		if err := need(8); err != nil {
			return 0, err
		}
		off += 8
		return le.Uint64(b[off-8:]), nil
	}
	str := func() (string, error) {
		n, err := u64()
		if err != nil {
			return "", err
		}
		if err := need(int(n)); err != nil {
			return "", err
		}
		off += int(n)
		return string(b[off-int(n) : off]), nil
	}
	fixed := map[gguf.ValueType]int{0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
	var skip func(t gguf.ValueType) error
	skip = func(t gguf.ValueType) error {
		switch t {
		case gguf.TypeString:
			_, err := str()
			return err
		case gguf.TypeArray:
			et, err := u32()
			if err != nil {
				return err
			}
			n, err := u64()
			if err != nil {
				return err
			}
			for range n {
				if err := skip(gguf.ValueType(et)); err != nil {
					return err
				}
			}
			return nil
		}
		size, ok := fixed[t]
		if !ok {
			return fmt.Errorf("bad type %d", t)
		}
		if err := need(size); err != nil {
			return err
		}
		off += size
		return nil
	}

	if string(b[:4]) != "GGUF" || le.Uint32(b[4:]) != 3 {
		return nil, nil, fmt.Errorf("not a GGUF v3 file")
	}
	off = 8
	nTensors, _ := u64()
	nKV, err := u64()
	if err != nil {
		return nil, nil, err
	}
	var kvs []rawKV
	for range nKV {
		key, err := str()
		if err != nil {
			return nil, nil, err
		}
		t, err := u32()
		if err != nil {
			return nil, nil, err
		}
		start := off
		if err := skip(gguf.ValueType(t)); err != nil {
			return nil, nil, err
		}
		kvs = append(kvs, rawKV{key, gguf.ValueType(t), b[start:off]})
	}
	var tensors []TensorShape
	for range nTensors {
		name, err := str()
		if err != nil {
			return nil, nil, err
		}
		nd, err := u32()
		if err != nil {
			return nil, nil, err
		}
		dims := make([]uint64, nd)
		for i := range dims {
			if dims[i], err = u64(); err != nil {
				return nil, nil, err
			}
		}
		if _, err := u32(); err != nil { // type
			return nil, nil, err
		}
		if _, err := u64(); err != nil { // offset
			return nil, nil, err
		}
		tensors = append(tensors, TensorShape{Name: name, Dims: dims})
	}
	return kvs, tensors, nil
}
