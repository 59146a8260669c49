package vocab

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/internal/testdata"
)

// testdataDir locates the shared test data (HFCTL_TESTDATA, default
// ../shared/testdata beside the repository) or skips the test.
func testdataDir(t testing.TB) string {
	t.Helper()
	return testdata.Require(t)
}

// modelDir makes a temporary model folder holding links to every file of
// src plus the given extra files (name → content; a nil content removes).
func modelDir(t testing.TB, src string, extra map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	if src != "" {
		ents, err := os.ReadDir(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if _, override := extra[e.Name()]; override || e.IsDir() {
				continue
			}
			abs, err := filepath.Abs(filepath.Join(src, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(abs, filepath.Join(dir, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, data := range extra {
		if data == nil {
			continue
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// exportDir runs Export with config.json as hparams.
func exportDir(t testing.TB, arch, dir string) []gguf.KV {
	t.Helper()
	kvs, err := Export(arch, dir, readHParams(t, dir))
	if err != nil {
		t.Fatalf("Export(%s, %s): %v", arch, dir, err)
	}
	return kvs
}

func readHParams(t testing.TB, dir string) map[string]any {
	t.Helper()
	var hp map[string]any
	data, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil
	}
	if err := json.Unmarshal(data, &hp); err != nil {
		t.Fatal(err)
	}
	return hp
}

func valueBytes(t testing.TB, v gguf.Value) []byte {
	t.Helper()
	b, err := gguf.AppendValue(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// refKV is a metadata entry of a reference GGUF.
type refKV struct {
	key   string
	typ   string
	bytes []byte
	value gguf.Value
}

// readTokenizerKVs reads the tokenizer.* entries of a GGUF file.
func readTokenizerKVs(t testing.TB, path string) []refKV {
	t.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []refKV
	for _, kv := range f.KV {
		if !strings.HasPrefix(kv.Key, "tokenizer.") {
			continue
		}
		b := valueBytes(t, kv.Value)
		// Keep a private copy of the value: the file is unmapped on Close.
		v := kv.Value
		if a, ok := v.X.(gguf.Array); ok {
			switch s := a.Items.(type) {
			case []string:
				c := make([]string, len(s))
				for i := range s {
					c[i] = strings.Clone(s[i])
				}
				v = gguf.Value{Type: v.Type, X: gguf.Array{Elem: a.Elem, Items: c}}
			case []int32:
				v = gguf.Int32s(append([]int32(nil), s...))
			case []float32:
				v = gguf.Float32s(append([]float32(nil), s...))
			}
		} else if s, ok := v.X.(string); ok {
			v = gguf.String(strings.Clone(s))
		}
		out = append(out, refKV{kv.Key, kv.Value.TypeName(), b, v})
	}
	return out
}

// keyDiff is an expected difference between our export and an old
// llama.cpp vocab GGUF, with its explanation.
type keyDiff struct {
	key string
	// onlyOurs: the key is written now but missing from the old file;
	// onlyRef: the old file has it and this version does not write it;
	// otherwise the values differ and check verifies how.
	onlyOurs, onlyRef bool
	check             func(t *testing.T, ours, ref gguf.Value)
	why               string
}

// compareWithRef checks ours against the reference entries: every key equal
// in type and value bytes, in the same relative order, except the listed
// differences.
func compareWithRef(t *testing.T, ours []gguf.KV, ref []refKV, diffs []keyDiff) {
	t.Helper()
	want := map[string]keyDiff{}
	for _, d := range diffs {
		want[d.key] = d
	}
	refBy := map[string]refKV{}
	for _, r := range ref {
		refBy[r.key] = r
	}
	oursBy := map[string]gguf.Value{}
	var common []string
	for _, kv := range ours {
		oursBy[kv.Key] = kv.Value
		r, inRef := refBy[kv.Key]
		d, listed := want[kv.Key]
		switch {
		case !inRef && listed && d.onlyOurs:
		case !inRef:
			t.Errorf("%s: written by Export but not in the reference", kv.Key)
		case listed && d.onlyOurs:
			t.Errorf("%s: listed as new but the reference has it", kv.Key)
		default:
			common = append(common, kv.Key)
			if kv.Value.TypeName() != r.typ {
				t.Errorf("%s: type %s, reference %s", kv.Key, kv.Value.TypeName(), r.typ)
				continue
			}
			same := string(valueBytes(t, kv.Value)) == string(r.bytes)
			switch {
			case listed && d.check != nil:
				if same {
					t.Errorf("%s: listed as differing (%s) but equal to the reference", kv.Key, d.why)
				} else {
					d.check(t, kv.Value, r.value)
				}
			case !same:
				t.Errorf("%s: value differs from the reference: %s vs %s", kv.Key, kv.Value.Format(8), r.value.Format(8))
			}
		}
	}
	for _, r := range ref {
		d, listed := want[r.key]
		if _, ok := oursBy[r.key]; !ok && !(listed && d.onlyRef) {
			t.Errorf("%s: in the reference (%s) but not written by Export", r.key, r.value.Format(4))
		}
	}
	var refOrder []string
	for _, r := range ref {
		if _, ok := oursBy[r.key]; ok {
			refOrder = append(refOrder, r.key)
		}
	}
	if !reflect.DeepEqual(common, refOrder) {
		t.Errorf("key order differs:\n ours %v\n ref  %v", common, refOrder)
	}
}

func strArray(t *testing.T, v gguf.Value) []string {
	t.Helper()
	a, ok := v.Arr()
	if !ok {
		t.Fatalf("not an array: %s", v.TypeName())
	}
	s, ok := a.Items.([]string)
	if !ok {
		t.Fatalf("not a string array: %s", v.TypeName())
	}
	return s
}

func i32Array(t *testing.T, v gguf.Value) []int32 {
	t.Helper()
	a, ok := v.Arr()
	if !ok {
		t.Fatalf("not an array: %s", v.TypeName())
	}
	s, ok := a.Items.([]int32)
	if !ok {
		t.Fatalf("not an int32 array: %s", v.TypeName())
	}
	return s
}

func f32Array(t *testing.T, v gguf.Value) []float32 {
	t.Helper()
	a, ok := v.Arr()
	if !ok {
		t.Fatalf("not an array: %s", v.TypeName())
	}
	s, ok := a.Items.([]float32)
	if !ok {
		t.Fatalf("not a float32 array: %s", v.TypeName())
	}
	return s
}

func kvMap(kvs []gguf.KV) map[string]gguf.Value {
	m := map[string]gguf.Value{}
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

func keysOf(kvs []gguf.KV) []string {
	var k []string
	for _, kv := range kvs {
		k = append(k, kv.Key)
	}
	return k
}

func str(t *testing.T, v gguf.Value) string {
	t.Helper()
	s, ok := v.Str()
	if !ok {
		t.Fatalf("not a string: %s", v.TypeName())
	}
	return s
}

func uintVal(t *testing.T, v gguf.Value) int64 {
	t.Helper()
	if v.Type != gguf.TypeUint32 {
		t.Fatalf("not a UINT32: %s", v.TypeName())
	}
	n, _ := v.Int()
	return n
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// expectScalarDiff returns a check that the values are ours/ref as given.
func expectScalarDiff(ours, ref any) func(t *testing.T, o, r gguf.Value) {
	return func(t *testing.T, o, r gguf.Value) {
		if fmt.Sprint(o.X) != fmt.Sprint(ours) || fmt.Sprint(r.X) != fmt.Sprint(ref) {
			t.Errorf("got %v (reference %v), want %v (reference %v)", o.X, r.X, ours, ref)
		}
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestMain(m *testing.M) {
	// The converter's warnings are expected in several tests; keep the
	// output quiet unless asked for.
	if os.Getenv("HFCTL_VOCAB_LOG") == "" {
		Logf = nil
	}
	os.Exit(m.Run())
}
