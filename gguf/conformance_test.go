package gguf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdataDir is the shared test data folder: $HFCTL_TESTDATA, or
// ../shared/testdata from the repository root.
func testdataDir(t *testing.T) string {
	dir := os.Getenv("HFCTL_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "testdata")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no test data: %v", err)
	}
	return dir
}

// cmpWriter compares what is written to it with want, without buffering.
type cmpWriter struct {
	want []byte
	off  int
	diff int // offset of the first difference, -1 if none yet
}

func (c *cmpWriter) Write(p []byte) (int, error) {
	if c.diff < 0 {
		for i, b := range p {
			if c.off+i >= len(c.want) || c.want[c.off+i] != b {
				c.diff = c.off + i
				break
			}
		}
	}
	c.off += len(p)
	return len(p), nil
}

// result describes how the written bytes compare with want.
func (c *cmpWriter) result() string {
	switch {
	case c.diff >= 0:
		return fmt.Sprintf("first difference at byte %d (wrote %d bytes, want %d)", c.diff, c.off, len(c.want))
	case c.off != len(c.want):
		return fmt.Sprintf("wrote %d bytes, want %d", c.off, len(c.want))
	}
	return ""
}

func ggufFiles(t *testing.T, dir string) []string {
	var files []string
	for _, sub := range []string{"vocab", "golden"} {
		filepath.WalkDir(filepath.Join(dir, sub), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".gguf") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Skip("no .gguf files under vocab/ and golden/")
	}
	return files
}

// TestConformance parses every GGUF of the shared test data and writes it
// again from its KVs and tensors: the output must be the input byte for byte.
//
// The vocab-only files written by llama.cpp's converter end right after the
// metadata, without padding up to the aligned data offset. They are
// reproduced exactly with WriteOptions.VocabOnly; plain Write pads them, so
// there only the header bytes match and the rest is the zero padding.
func TestConformance(t *testing.T) {
	dir := testdataDir(t)
	for _, p := range ggufFiles(t, dir) {
		rel, _ := filepath.Rel(dir, p)
		t.Run(rel, func(t *testing.T) {
			f, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Version != 3 {
				t.Errorf("version %d", f.Version)
			}
			vocabOnly := len(f.Tensors) == 0 && f.InfoEnd == uint64(f.Size)
			cw := &cmpWriter{want: f.data, diff: -1}
			if err := Write(cw, f.KV, f.WriterTensors(), &WriteOptions{VocabOnly: vocabOnly}); err != nil {
				t.Fatal(err)
			}
			if r := cw.result(); r != "" {
				t.Errorf("rewrite differs: %s", r)
			}
			if len(f.Tensors) == 0 {
				// Without VocabOnly: the same bytes, then zeros to the data offset.
				padded := append(append([]byte(nil), f.data...), make([]byte, f.DataOffset-uint64(f.Size))...)
				cw := &cmpWriter{want: padded, diff: -1}
				if err := Write(cw, f.KV, nil, nil); err != nil {
					t.Fatal(err)
				}
				if r := cw.result(); r != "" {
					t.Errorf("padded rewrite differs: %s", r)
				}
				if !bytes.Equal(f.HeaderBytes(), f.data) {
					t.Error("HeaderBytes of a vocab-only file is not the whole file")
				}
			}
		})
	}
}

// TestGoldenTypes checks the tensor types listed in golden/*/types.json
// against the shipped files.
func TestGoldenTypes(t *testing.T) {
	dir := testdataDir(t)
	lists, _ := filepath.Glob(filepath.Join(dir, "golden", "*", "types.json"))
	checked := 0
	for _, list := range lists {
		raw, err := os.ReadFile(list)
		if err != nil {
			t.Fatal(err)
		}
		var types map[string]map[string]string
		if err := json.Unmarshal(raw, &types); err != nil {
			t.Fatalf("%s: %v", list, err)
		}
		for name, want := range types {
			p := filepath.Join(filepath.Dir(list), name)
			if _, err := os.Stat(p); err != nil {
				continue // not shipped
			}
			f, err := Open(p)
			if err != nil {
				t.Error(err)
				continue
			}
			if len(f.Tensors) != len(want) {
				t.Errorf("%s: %d tensors, want %d", p, len(f.Tensors), len(want))
			}
			for _, ti := range f.Tensors {
				if want[ti.Name] != ti.Type.String() {
					t.Errorf("%s: %s is %s, want %s", p, ti.Name, ti.Type, want[ti.Name])
				}
			}
			f.Close()
			checked++
		}
	}
	if checked == 0 {
		t.Skip("no golden file listed in a types.json")
	}
}

type goldenFile struct {
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	Version      uint32 `json:"gguf_version"`
	Alignment    uint64 `json:"alignment"`
	DataOffset   uint64 `json:"data_offset"`
	HeaderSHA256 string `json:"header_sha256"`
	Metadata     json.RawMessage
	Tensors      []struct {
		Name   string   `json:"name"`
		Type   string   `json:"type"`
		Shape  []uint64 `json:"shape"`
		Offset uint64   `json:"offset"`
		NBytes uint64   `json:"nbytes"`
		SHA256 string   `json:"sha256"`
	} `json:"tensors"`
}

type goldenKV struct {
	Type   string `json:"type"`
	SHA256 string `json:"value_bytes_sha256"`
}

// orderedKVs decodes a JSON object keeping the order of its keys.
func orderedKVs(raw json.RawMessage) ([]string, map[string]goldenKV, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	var keys []string
	m := map[string]goldenKV{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k := tok.(string)
		var v goldenKV
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys = append(keys, k)
		m[k] = v
	}
	return keys, m, nil
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// TestGoldenTensorsJSON checks every shipped file described by
// golden/tiny-shakespeare/tensors.json (Q4_K_M.gguf): file and header
// hashes, data offset, each key's type and value-bytes hash, and each
// tensor's type, shape, offset, size and data hash.
func TestGoldenTensorsJSON(t *testing.T) {
	dir := filepath.Join(testdataDir(t), "golden", "tiny-shakespeare")
	raw, err := os.ReadFile(filepath.Join(dir, "tensors.json"))
	if err != nil {
		t.Skip(err)
	}
	var golden map[string]goldenFile
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for name, g := range golden {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		checked++
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if f.Size != g.Size || sha(f.data) != g.SHA256 {
			t.Errorf("%s: size/sha256 differ", name)
		}
		if f.Version != g.Version || f.Alignment != g.Alignment || f.DataOffset != g.DataOffset {
			t.Errorf("%s: version %d alignment %d data offset %d, want %d %d %d", name, f.Version, f.Alignment, f.DataOffset, g.Version, g.Alignment, g.DataOffset)
		}
		if got := sha(f.HeaderBytes()); got != g.HeaderSHA256 {
			t.Errorf("%s: header sha256 %s, want %s", name, got, g.HeaderSHA256)
		}
		keys, kvs, err := orderedKVs(g.Metadata)
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != len(f.KV) {
			t.Errorf("%s: %d keys, want %d", name, len(f.KV), len(keys))
		}
		for i, kv := range f.KV {
			if i < len(keys) && keys[i] != kv.Key {
				t.Errorf("%s: key %d is %q, want %q", name, i, kv.Key, keys[i])
			}
			want := kvs[kv.Key]
			b, err := AppendValue(nil, kv.Value)
			if err != nil {
				t.Fatal(err)
			}
			if kv.Value.TypeName() != want.Type || sha(b) != want.SHA256 {
				t.Errorf("%s: key %q: type %s / value hash differ from %s", name, kv.Key, kv.Value.TypeName(), want.Type)
			}
		}
		if len(g.Tensors) != len(f.Tensors) {
			t.Fatalf("%s: %d tensors, want %d", name, len(f.Tensors), len(g.Tensors))
		}
		for i, want := range g.Tensors {
			ti := &f.Tensors[i]
			if ti.Name != want.Name || ti.Type.String() != want.Type || fmt.Sprint(ti.Shape) != fmt.Sprint(want.Shape) ||
				ti.Offset != want.Offset || ti.Size != want.NBytes {
				t.Errorf("%s: tensor %d is %s %s %v @%d %d, want %+v", name, i, ti.Name, ti.Type, ti.Shape, ti.Offset, ti.Size, want)
			}
			if sha(f.TensorData(ti)) != want.SHA256 {
				t.Errorf("%s: tensor %s: data hash differs", name, ti.Name)
			}
		}
	}
	if checked == 0 {
		t.Skip("no file of tensors.json is shipped")
	}
}
