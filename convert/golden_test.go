package convert

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/internal/testdata"
	"github.com/hfctl/hfctl/quantize"
)

// pinned is golden/tiny-shakespeare/tensors.json: llama.cpp's outputs,
// pinned by hashes (the GGUFs themselves are not shipped).
type pinned struct {
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	DataOffset   uint64 `json:"data_offset"`
	HeaderSHA256 string `json:"header_sha256"`
	Metadata     map[string]struct {
		Type   string `json:"type"`
		SHA256 string `json:"value_bytes_sha256"`
	} `json:"metadata"`
	Tensors []struct {
		Name   string   `json:"name"`
		Type   string   `json:"type"`
		Shape  []uint64 `json:"shape"`
		Offset uint64   `json:"offset"`
		NBytes uint64   `json:"nbytes"`
		SHA256 string   `json:"sha256"`
	} `json:"tensors"`
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func fileSHA(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha(b)
}

// compareWithPinned reports every difference between our GGUF and the
// pinned reference: keys (order, type, value bytes) and tensors.
func compareWithPinned(t *testing.T, path string, want *pinned, keyOrder []string) {
	t.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if len(f.KV) != len(want.Metadata) {
		t.Errorf("%d metadata keys, want %d", len(f.KV), len(want.Metadata))
	}
	for i, kv := range f.KV {
		w, ok := want.Metadata[kv.Key]
		if !ok {
			t.Errorf("extra key %s = %s", kv.Key, kv.Value.Format(4))
			continue
		}
		if keyOrder != nil && (i >= len(keyOrder) || keyOrder[i] != kv.Key) {
			t.Errorf("key %d is %s, want %s", i, kv.Key, keyOrder[min(i, len(keyOrder)-1)])
		}
		b, err := gguf.AppendValue(nil, kv.Value)
		if err != nil {
			t.Fatal(err)
		}
		if kv.Value.TypeName() != w.Type || sha(b) != w.SHA256 {
			t.Errorf("key %s: %s %s differs from llama.cpp's %s", kv.Key, kv.Value.TypeName(), kv.Value.Format(6), w.Type)
		}
	}
	for k := range want.Metadata {
		if _, ok := f.Lookup(k); !ok {
			t.Errorf("missing key %s", k)
		}
	}
	if len(f.Tensors) != len(want.Tensors) {
		t.Errorf("%d tensors, want %d", len(f.Tensors), len(want.Tensors))
	}
	for i := range min(len(f.Tensors), len(want.Tensors)) {
		g, w := f.Tensors[i], want.Tensors[i]
		if g.Name != w.Name || g.Type.String() != w.Type || !slices.Equal(g.Shape, w.Shape) || g.Offset != w.Offset {
			t.Errorf("tensor %d: %s %s %v @%d, want %s %s %v @%d", i, g.Name, g.Type, g.Shape, g.Offset, w.Name, w.Type, w.Shape, w.Offset)
			continue
		}
		if s := sha(f.TensorData(&f.Tensors[i])); s != w.SHA256 {
			t.Errorf("tensor %s: data differs", g.Name)
		}
	}
	if f.DataOffset != want.DataOffset {
		t.Errorf("data offset %d, want %d", f.DataOffset, want.DataOffset)
	}
	if s := sha(f.HeaderBytes()); s != want.HeaderSHA256 {
		t.Errorf("header bytes differ")
	}
}

// keyOrderOf reads the key order of tensors.json (a JSON object keeps
// llama.cpp's order in the file; encoding/json maps do not).
func keyOrderOf(t *testing.T, raw json.RawMessage) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var keys []string
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		t.Fatalf("metadata is not an object")
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestTinyShakespeareGolden(t *testing.T) {
	td := testdata.Require(t)
	src := filepath.Join(td, "models", "tiny-shakespeare")
	raw, err := os.ReadFile(filepath.Join(td, "golden", "tiny-shakespeare", "tensors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	for _, outType := range []string{"f32", "f16", "bf16", "q8_0"} {
		t.Run(outType, func(t *testing.T) {
			if _, ok := quantize.Lookup(gguf.Q8_0); outType == "q8_0" && !ok {
				t.Skip("Q8_0 quantizer not available")
			}
			var want pinned
			if err := json.Unmarshal(all[outType+".gguf"], &want); err != nil {
				t.Fatal(err)
			}
			var md struct {
				Metadata json.RawMessage `json:"metadata"`
			}
			if err := json.Unmarshal(all[outType+".gguf"], &md); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), outType+".gguf")
			res, err := Convert(src, out, Options{OutType: outType, Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			if got := fileSHA(t, out); got != want.SHA256 {
				t.Errorf("%s: sha256 %s, want llama.cpp's %s (size %d, want %d)", out, got, want.SHA256, res.Bytes, want.Size)
				compareWithPinned(t, out, &want, keyOrderOf(t, md.Metadata))
			}
		})
	}
}

// TestQuantH256Golden converts golden/quant-h256/hf under the folder name
// llama.cpp saw (tiny-llama-h256) and compares with the shipped GGUFs.
func TestQuantH256Golden(t *testing.T) {
	td := testdata.Require(t)
	dir := filepath.Join(t.TempDir(), "tiny-llama-h256")
	if err := os.Symlink(filepath.Join(td, "golden", "quant-h256", "hf"), dir); err != nil {
		t.Fatal(err)
	}
	for _, outType := range []string{"f32", "f16", "bf16"} {
		t.Run(outType, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), outType+".gguf")
			if _, err := Convert(dir, out, Options{OutType: outType}); err != nil {
				t.Fatal(err)
			}
			ref := filepath.Join(td, "golden", "quant-h256", outType+".gguf")
			got, _ := os.ReadFile(out)
			want, _ := os.ReadFile(ref)
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from llama.cpp's %s", out, ref)
				testdata.DiffGGUF(t, out, ref)
			}
		})
	}
}

// TestConvertQuantizedGolden: --outtype with a llama-quantize type gives the
// bytes of convert-to-F16 followed by llama-quantize.
func TestConvertQuantizedGolden(t *testing.T) {
	td := testdata.Require(t)
	raw, err := os.ReadFile(filepath.Join(td, "golden", "tiny-shakespeare", "tensors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pins map[string]pinned
	if err := json.Unmarshal(raw, &pins); err != nil {
		t.Fatal(err)
	}
	// (q8_0 is llama.cpp's converter's own Q8_0, checked in
	// TestTinyShakespeareGolden.)
	for _, typ := range []string{"Q4_0", "Q4_K_M"} {
		out := filepath.Join(t.TempDir(), typ+".gguf")
		if _, err := Convert(filepath.Join(td, "models", "tiny-shakespeare"), out, Options{OutType: strings.ToLower(typ)}); err != nil {
			t.Fatal(err)
		}
		if got := fileSHA(t, out); got != pins[typ+".gguf"].SHA256 {
			t.Errorf("%s: sha256 %s differs from llama-quantize's", typ, got)
		}
	}
	dir := filepath.Join(t.TempDir(), "tiny-llama-h256")
	if err := os.Symlink(filepath.Join(td, "golden", "quant-h256", "hf"), dir); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"Q4_K_M", "Q2_K", "Q3_K_L", "Q5_K_S", "Q6_K", "Q5_1"} {
		out := filepath.Join(t.TempDir(), typ+".gguf")
		if _, err := Convert(dir, out, Options{OutType: typ}); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(out)
		want, _ := os.ReadFile(filepath.Join(td, "golden", "quant-h256", typ+".gguf"))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from llama-quantize's", typ)
			testdata.DiffGGUF(t, out, filepath.Join(td, "golden", "quant-h256", typ+".gguf"))
		}
	}
}
