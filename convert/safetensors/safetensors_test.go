package safetensors

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	specs := []spec{
		// Deliberately not in name order, and of every element size.
		{"zeta", "F32", []int64{2, 3}, seq(1, 24)},
		{"alpha.weight", "BF16", []int64{4}, seq(50, 8)},
		{"scalar", "F64", nil, seq(90, 8)},
		{"empty", "F16", []int64{0, 7}, nil},
		{"mid", "U8", []int64{3, 1, 1}, seq(200, 3)},
		{"ids", "I64", []int64{1}, seq(7, 8)},
		{"fp8", "F8_E4M3", []int64{5}, seq(120, 5)},
		{"b", "BOOL", []int64{2}, []byte{0, 1}},
	}
	meta := map[string]string{"format": "pt", "note": "héllo \"quoted\""}
	b := encodeST(meta, specs...)
	path := writeFile(t, t.TempDir(), "x.safetensors", b)
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Path != path {
		t.Errorf("Path = %q", f.Path)
	}
	if !reflect.DeepEqual(f.Metadata, meta) {
		t.Errorf("Metadata = %v, want %v", f.Metadata, meta)
	}
	if len(f.Tensors) != len(specs) {
		t.Fatalf("%d tensors, want %d", len(f.Tensors), len(specs))
	}
	for i := 1; i < len(f.Tensors); i++ {
		if f.Tensors[i-1].Name >= f.Tensors[i].Name {
			t.Errorf("tensors not sorted by name: %q before %q", f.Tensors[i-1].Name, f.Tensors[i].Name)
		}
	}
	byName := map[string]*Tensor{}
	for _, tt := range f.Tensors {
		byName[tt.Name] = tt
	}
	hdr := 8 + int64(binary.LittleEndian.Uint64(b))
	off := hdr
	for _, s := range specs {
		tt := byName[s.name]
		if tt == nil {
			t.Fatalf("tensor %q missing", s.name)
		}
		if tt.DType != s.dtype || len(tt.Shape) != len(s.shape) || (len(s.shape) > 0 && !reflect.DeepEqual(tt.Shape, s.shape)) || tt.File != path {
			t.Errorf("%s: got %s %v %s, want %s %v %s", s.name, tt.DType, tt.Shape, tt.File, s.dtype, s.shape, path)
		}
		if tt.Offset != off {
			t.Errorf("%s: Offset %d, want %d", s.name, tt.Offset, off)
		}
		if !bytes.Equal(tt.Data, s.data) || !bytes.Equal(b[tt.Offset:tt.Offset+int64(len(tt.Data))], s.data) {
			t.Errorf("%s: Data %v, want %v", s.name, tt.Data, s.data)
		}
		if cap(tt.Data) != len(tt.Data) {
			t.Errorf("%s: cap(Data) %d > len %d: appending would write into the next tensor", s.name, cap(tt.Data), len(tt.Data))
		}
		if n := tt.NumElements() * dtypeSizes[tt.DType]; n != int64(len(tt.Data)) {
			t.Errorf("%s: NumElements×size = %d, len(Data) = %d", s.name, n, len(tt.Data))
		}
		off += int64(len(s.data))
	}
	if byName["scalar"].NumElements() != 1 || byName["empty"].NumElements() != 0 {
		t.Errorf("NumElements: scalar %d, empty %d", byName["scalar"].NumElements(), byName["empty"].NumElements())
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestParseHeaderEdgeCases(t *testing.T) {
	// No tensors, only padding; metadata null (the crate's Option).
	for _, b := range [][]byte{
		encodeST(nil),
		rawST(`{}`, nil),
		rawST(`{"__metadata__":null}`, nil),
		rawST("{}  \t\r\n", nil),
		rawST(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":[1,{"x":null}]}}`, seq(0, 4)),
		// Same data_offsets for two empty tensors.
		rawST(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"I8","shape":[3,0],"data_offsets":[0,0]},"c":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"d":{"dtype":"U8","shape":[0],"data_offsets":[1,1]}}`, seq(0, 1)),
		// Tensors listed out of offset order.
		rawST(`{"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]},"a":{"dtype":"U16","shape":[1],"data_offsets":[0,2]}}`, seq(0, 4)),
	} {
		f, err := ParseHeader(b, "p")
		if err != nil {
			t.Errorf("%q: %v", b, err)
			continue
		}
		checkTensors(t, f, b)
	}
}

func TestBadInput(t *testing.T) {
	f32x1 := `{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`
	big := binary.LittleEndian.AppendUint64(nil, 100<<20+1)
	big = append(big, "{}"...)
	exact := binary.LittleEndian.AppendUint64(nil, 100<<20)
	cases := []struct {
		name string
		b    []byte
		want []string // substrings of the error
	}{
		{"empty", nil, []string{"too short"}},
		{"7 bytes", []byte{2, 0, 0, 0, 0, 0, 0}, []string{"too short"}},
		{"header past EOF", rawST(`{}`, nil)[:9], []string{"runs past the end"}},
		{"header length huge", append(binary.LittleEndian.AppendUint64(nil, 1<<63), "{}"...), []string{"larger than"}},
		{"header > 100 MiB", big, []string{"larger than the 100 MiB limit"}},
		{"header = 100 MiB past EOF", exact, []string{"runs past the end"}},
		{"empty header", rawST(``, nil), []string{"not a JSON object"}},
		{"leading space", rawST(` {}`, nil), []string{"not a JSON object"}},
		{"array header", rawST(`[]`, nil), []string{"not a JSON object"}},
		{"invalid JSON", rawST(`{"a":`, nil), []string{"header JSON"}},
		{"invalid JSON 2", rawST(`{"a" 1}`, nil), []string{"header JSON"}},
		{"non-string key", rawST(`{1:2}`, nil), []string{"header JSON"}},
		{"trailing JSON", rawST(`{}{}`, nil), []string{"data after the JSON object"}},
		{"trailing garbage", rawST(`{} x`, nil), []string{"header JSON"}},
		{"trailing NUL", rawST("{}\x00", nil), []string{"header JSON"}},
		{"invalid UTF-8", rawST("{\"a\xff\":"+f32x1+"}", seq(0, 4)), []string{"UTF-8"}},
		{"entry not object", rawST(`{"a":5}`, nil), []string{`tensor "a"`, "not a JSON object"}},
		{"missing dtype", rawST(`{"a":{"shape":[1],"data_offsets":[0,4]}}`, seq(0, 4)), []string{`tensor "a"`, "needs dtype, shape and data_offsets"}},
		{"missing shape", rawST(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, seq(0, 4)), []string{`tensor "a"`, "needs dtype"}},
		{"missing data_offsets", rawST(`{"a":{"dtype":"F32","shape":[1]}}`, seq(0, 4)), []string{`tensor "a"`, "needs dtype"}},
		{"keys are case-sensitive", rawST(`{"a":{"DTYPE":"F32","shape":[1],"data_offsets":[0,4]}}`, seq(0, 4)), []string{"needs dtype"}},
		{"null dtype", rawST(`{"a":{"dtype":null,"shape":[1],"data_offsets":[0,4]}}`, seq(0, 4)), []string{"dtype", "not a string"}},
		{"null shape", rawST(`{"a":{"dtype":"F32","shape":null,"data_offsets":[0,4]}}`, seq(0, 4)), []string{"shape", "not an array"}},
		{"null dim", rawST(`{"a":{"dtype":"F32","shape":[null],"data_offsets":[0,4]}}`, seq(0, 4)), []string{"shape", "not an integer"}},
		{"string dim", rawST(`{"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}`, seq(0, 4)), []string{"shape", "not an integer"}},
		{"float dim", rawST(`{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}`, seq(0, 4)), []string{"shape", "not an integer"}},
		{"exponent offset", rawST(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4e0]}}`, seq(0, 4)), []string{"data_offsets", "not an integer"}},
		{"offset out of int64", rawST(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551616]}}`, seq(0, 4)), []string{"data_offsets", "out of range"}},
		{"negative dim", rawST(`{"a":{"dtype":"F32","shape":[-1,-4],"data_offsets":[0,16]}}`, seq(0, 16)), []string{`tensor "a"`, "negative dimension"}},
		{"shape overflow", rawST(`{"a":{"dtype":"F32","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}`, nil), []string{`tensor "a"`, "overflows"}},
		{"bytes overflow", rawST(`{"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,0]}}`, nil), []string{`tensor "a"`, "needs"}},
		{"unknown dtype", rawST(`{"w.q":{"dtype":"F7","shape":[1],"data_offsets":[0,1]}}`, seq(0, 1)), []string{`tensor "w.q"`, "unsupported dtype F7"}},
		{"lower-case dtype", rawST(`{"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}`, seq(0, 4)), []string{`tensor "w"`, "f32"}},
		{"offsets reversed", rawST(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}`, seq(0, 4)), []string{`tensor "a"`, "bad data_offsets"}},
		{"negative offset", rawST(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[-4,-4]}}`, seq(0, 4)), []string{`tensor "a"`, "bad data_offsets"}},
		{"three offsets", rawST(`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4,4]}}`, seq(0, 4)), []string{`tensor "a"`, "bad data_offsets"}},
		{"one offset", rawST(`{"a":{"dtype":"U8","shape":[4],"data_offsets":[4]}}`, seq(0, 4)), []string{`tensor "a"`, "bad data_offsets"}},
		{"offsets past buffer", rawST(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, seq(0, 4)), []string{`tensor "a"`, "ends at byte 8 of a 4-byte data buffer"}},
		{"size mismatch", rawST(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, seq(0, 4)), []string{`tensor "a"`, "needs 2 elements of 4 bytes"}},
		{"overlap", rawST(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, seq(0, 12)), []string{`tensor "b" overlaps tensor "a"`}},
		{"same range", rawST(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}`, seq(0, 4)), []string{"overlaps"}},
		{"empty inside", rawST(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}`, seq(0, 8)), []string{`tensor "b" overlaps tensor "a"`}},
		{"gap", rawST(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, seq(0, 12)), []string{`4 unused bytes before tensor "b"`}},
		{"gap at start", rawST(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, seq(0, 8)), []string{`4 unused bytes before tensor "a"`}},
		{"trailing bytes", rawST(`{"a":`+f32x1+`}`, seq(0, 5)), []string{"1 bytes after the last tensor"}},
		{"data but no tensors", rawST(`{}`, seq(0, 3)), []string{"3 bytes after the last tensor"}},
		{"metadata number", rawST(`{"__metadata__":{"a":1}}`, nil), []string{"__metadata__ must map strings to strings"}},
		{"metadata null value", rawST(`{"__metadata__":{"a":null}}`, nil), []string{"__metadata__"}},
		{"metadata nested", rawST(`{"__metadata__":{"a":{"b":"c"}}}`, nil), []string{"__metadata__"}},
		{"metadata string", rawST(`{"__metadata__":"x"}`, nil), []string{"__metadata__"}},
		{"metadata array", rawST(`{"__metadata__":["a","b"]}`, nil), []string{"__metadata__"}},
		{"metadata duplicate key", rawST(`{"__metadata__":{"a":"b","a":"c"}}`, nil), []string{"__metadata__", "duplicate key"}},
		{"duplicate metadata", rawST(`{"__metadata__":{},"__metadata__":{}}`, nil), []string{"duplicate key \"__metadata__\""}},
		{"duplicate tensor", rawST(`{"a":`+f32x1+`,"a":`+f32x1+`}`, seq(0, 4)), []string{`duplicate key "a"`}},
		{"duplicate field", rawST(`{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, seq(0, 4)), []string{`tensor "a"`, `duplicate key "dtype"`}},
		{"escaped duplicate", rawST(`{"a":`+f32x1+`,"\u0061":`+f32x1+`}`, seq(0, 4)), []string{`duplicate key "a"`}},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, dir, strings.ReplaceAll(c.name, " ", "_")+".safetensors", c.b)
			f, err := OpenFile(path)
			if err == nil {
				f.Close()
				t.Fatalf("OpenFile succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, path) {
				t.Errorf("error %q does not name the file", msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if len(c.b) >= 8 {
				// ParseHeader (no mapping) must say the same.
				_, err2 := ParseHeader(c.b, path)
				if err2 == nil || err2.Error() != msg {
					t.Errorf("ParseHeader: %v, OpenFile: %v", err2, err)
				}
			}
		})
	}
}

func TestOpenFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.safetensors")
	if _, err := OpenFile(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := OpenFile(dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("directory: %v", err)
	}
}

// checkTensors checks what every successful parse must give: each
// tensor's Data lies within data, at Offset, with room for exactly its
// shape, and no two tensors share a byte.
func checkTensors(t testing.TB, f *File, data []byte) {
	t.Helper()
	type span struct{ lo, hi int64 }
	var spans []span
	for i, tt := range f.Tensors {
		if i > 0 && f.Tensors[i-1].Name >= tt.Name {
			t.Fatalf("tensors not sorted by name: %q, %q", f.Tensors[i-1].Name, tt.Name)
		}
		lo, hi := tt.Offset, tt.Offset+int64(len(tt.Data))
		if lo < 8 || hi > int64(len(data)) || lo > hi {
			t.Fatalf("tensor %q: [%d, %d) outside the %d-byte file", tt.Name, lo, hi, len(data))
		}
		if len(tt.Data) > 0 && &tt.Data[0] != &data[lo] {
			t.Fatalf("tensor %q: Data does not view data at Offset %d", tt.Name, lo)
		}
		size, ok := dtypeSizes[tt.DType]
		if !ok || tt.NumElements() < 0 || tt.NumElements()*size != int64(len(tt.Data)) {
			t.Fatalf("tensor %q: %s %v does not fit %d bytes", tt.Name, tt.DType, tt.Shape, len(tt.Data))
		}
		if lo < hi {
			spans = append(spans, span{lo, hi})
		}
	}
	for i := range spans {
		for j := i + 1; j < len(spans); j++ {
			if spans[i].lo < spans[j].hi && spans[j].lo < spans[i].hi {
				t.Fatalf("tensors overlap: %v, %v", spans[i], spans[j])
			}
		}
	}
}

func writeModel(t *testing.T, dir string, files map[string][]spec) {
	t.Helper()
	for name, specs := range files {
		writeFile(t, dir, name, encodeST(map[string]string{"format": "pt"}, specs...))
	}
}

func names(ts []*Tensor) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

func TestOpenDirSingle(t *testing.T) {
	dir := t.TempDir()
	writeModel(t, dir, map[string][]spec{"model.safetensors": {
		{"b", "F32", []int64{1}, seq(0, 4)}, {"a", "F16", []int64{2}, seq(4, 4)},
	}})
	writeFile(t, dir, "config.json", []byte(`{}`))
	writeFile(t, dir, "other.safetensors", []byte("junk")) // not model*: ignored
	m, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if got := names(m.Tensors); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("tensors %v", got)
	}
	if len(m.Files) != 1 || m.IndexPath != "" || m.Dir != dir {
		t.Errorf("Files %d, IndexPath %q, Dir %q", len(m.Files), m.IndexPath, m.Dir)
	}
	if a := m.Get("a"); a == nil || a.DType != "F16" || !bytes.Equal(a.Data, seq(4, 4)) {
		t.Errorf("Get(a) = %+v", a)
	}
	if m.Get("c") != nil {
		t.Errorf("Get(c) != nil")
	}
	if err := m.Close(); err != nil {
		t.Error(err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

var shards = map[string][]spec{
	"model-00002-of-00003.safetensors": {{"z.2", "U8", []int64{1}, seq(2, 1)}, {"b.2", "U8", []int64{1}, seq(3, 1)}},
	"model-00001-of-00003.safetensors": {{"z.1", "U8", []int64{1}, seq(1, 1)}, {"m.1", "U8", []int64{1}, seq(4, 1)}, {"a.1", "U8", []int64{2}, seq(5, 2)}},
	"model-00003-of-00003.safetensors": {{"c.3", "U8", []int64{1}, seq(9, 1)}},
}

// llama.cpp's order: shards by file name, names sorted within each.
var shardOrder = []string{"a.1", "m.1", "z.1", "b.2", "z.2", "c.3"}

func TestOpenDirShardsNoIndex(t *testing.T) {
	dir := t.TempDir()
	writeModel(t, dir, shards)
	m, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if got := names(m.Tensors); !reflect.DeepEqual(got, shardOrder) {
		t.Errorf("order %v, want %v", got, shardOrder)
	}
	if len(m.Files) != 3 || m.IndexPath != "" {
		t.Errorf("%d files, index %q", len(m.Files), m.IndexPath)
	}
	for i, f := range m.Files {
		if want := filepath.Join(dir, "model-0000"+string(rune('1'+i))+"-of-00003.safetensors"); f.Path != want {
			t.Errorf("file %d: %s, want %s", i, f.Path, want)
		}
	}
	if g := m.Get("b.2"); g == nil || g.File != filepath.Join(dir, "model-00002-of-00003.safetensors") || g.Data[0] != 3 {
		t.Errorf("Get(b.2) = %+v", g)
	}
}

func indexJSON(wm map[string]string) []byte {
	var b strings.Builder
	b.WriteString(`{"metadata":{"total_size":10},"weight_map":{`)
	sep := ""
	for k, v := range wm {
		b.WriteString(sep + jstr(k) + ":" + jstr(v))
		sep = ","
	}
	b.WriteString("}}")
	return []byte(b.String())
}

func shardWeightMap() map[string]string {
	wm := map[string]string{}
	for file, specs := range shards {
		for _, s := range specs {
			wm[s.name] = file
		}
	}
	return wm
}

func TestOpenDirIndex(t *testing.T) {
	dir := t.TempDir()
	writeModel(t, dir, shards)
	// A stray shard the index does not name is not read.
	writeFile(t, dir, "model-00009-of-00009.safetensors", []byte("garbage"))
	idx := writeFile(t, dir, "model.safetensors.index.json", indexJSON(shardWeightMap()))
	m, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if got := names(m.Tensors); !reflect.DeepEqual(got, shardOrder) {
		t.Errorf("order %v, want %v", got, shardOrder)
	}
	if m.IndexPath != idx || len(m.Files) != 3 {
		t.Errorf("IndexPath %q, %d files", m.IndexPath, len(m.Files))
	}
}

func TestOpenDirErrors(t *testing.T) {
	const s1, s2, s3 = "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"
	cases := []struct {
		name  string
		setup func(dir string, wm map[string]string) // edits the folder and weight map
		noIdx bool
		want  []string
	}{
		{"missing shard", func(dir string, wm map[string]string) {
			os.Remove(filepath.Join(dir, s2))
		}, false, []string{s2, "incomplete download", "missing"}},
		{"tensor missing from its shard", func(dir string, wm map[string]string) {
			wm["lm_head.weight"] = s3
		}, false, []string{`"lm_head.weight"`, s3, "incomplete download"}},
		{"tensor not in index", func(dir string, wm map[string]string) {
			delete(wm, "m.1")
		}, false, []string{`"m.1"`, "is not in", s1}},
		{"tensor under another shard", func(dir string, wm map[string]string) {
			wm["z.2"] = s1
		}, false, []string{`"z.2"`, "listed", "under " + s1}},
		{"same tensor in two shards", func(dir string, wm map[string]string) {
			writeFile(t, dir, s3, encodeST(nil, spec{"c.3", "U8", []int64{1}, seq(9, 1)}, spec{"z.1", "U8", []int64{1}, seq(0, 1)}))
		}, false, []string{`"z.1"`, "both", s1, s3}},
		{"same tensor in two shards, no index", func(dir string, wm map[string]string) {
			writeFile(t, dir, s3, encodeST(nil, spec{"c.3", "U8", []int64{1}, seq(9, 1)}, spec{"z.1", "U8", []int64{1}, seq(0, 1)}))
		}, true, []string{`"z.1"`, "both", s1, s3}},
		{"shard with slash", func(dir string, wm map[string]string) {
			wm["c.3"] = "sub/" + s3
		}, false, []string{"sub/" + s3, "plain file name"}},
		{"shard with backslash", func(dir string, wm map[string]string) {
			wm["c.3"] = `sub\` + s3
		}, false, []string{"plain file name"}},
		{"shard ..", func(dir string, wm map[string]string) {
			wm["c.3"] = ".."
		}, false, []string{`".."`, "plain file name"}},
		{"shard ../x", func(dir string, wm map[string]string) {
			wm["c.3"] = "../" + s3
		}, false, []string{"plain file name"}},
		{"shard absolute", func(dir string, wm map[string]string) {
			wm["c.3"] = filepath.Join(dir, s3)
		}, false, []string{"plain file name"}},
		{"shard empty", func(dir string, wm map[string]string) {
			wm["c.3"] = ""
		}, false, []string{"plain file name"}},
		{"bad shard", func(dir string, wm map[string]string) {
			writeFile(t, dir, s2, []byte("<html><body>Not found</body></html>"))
		}, false, []string{s2, "invalid safetensors file"}},
		{"bad shard, no index", func(dir string, wm map[string]string) {
			writeFile(t, dir, s2, []byte("<html>"))
		}, true, []string{s2, "too short"}},
		{"empty weight map", func(dir string, wm map[string]string) {
			for k := range wm {
				delete(wm, k)
			}
		}, false, []string{"model.safetensors.index.json", "weight_map"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeModel(t, dir, shards)
			wm := shardWeightMap()
			c.setup(dir, wm)
			if !c.noIdx {
				writeFile(t, dir, "model.safetensors.index.json", indexJSON(wm))
			}
			m, err := OpenDir(dir)
			if err == nil {
				m.Close()
				t.Fatal("OpenDir succeeded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestOpenDirBadIndex(t *testing.T) {
	for _, idx := range []string{`{`, `[]`, `{"weight_map":[]}`, `{"weight_map":{"a":1}}`, `{"metadata":{}}`} {
		dir := t.TempDir()
		writeModel(t, dir, shards)
		p := writeFile(t, dir, "model.safetensors.index.json", []byte(idx))
		m, err := OpenDir(dir)
		if err == nil {
			m.Close()
			t.Errorf("%s: OpenDir succeeded", idx)
			continue
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not name the index", idx, err)
		}
	}
}

func TestOpenDirNoSafetensors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "pytorch_model.bin", []byte("PK"))
	writeFile(t, dir, "config.json", []byte(`{}`))
	_, err := OpenDir(dir)
	if err == nil || !strings.Contains(err.Error(), "pytorch_model.bin") || !strings.Contains(err.Error(), "not supported") || !strings.Contains(err.Error(), dir) {
		t.Errorf("got %v", err)
	}
	if _, err := OpenDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "pytorch_model.bin") {
		t.Errorf("empty folder: %v", err)
	}
	missing := filepath.Join(dir, "nope")
	if _, err := OpenDir(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing folder: %v", err)
	}
}
