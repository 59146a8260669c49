package convert

import (
	"encoding/binary"
	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bundled copies the bundled testdata/tiny-llama into a fresh folder.
func bundled(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "testdata", "tiny-llama")
	dst := filepath.Join(t.TempDir(), "tiny-llama")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func TestFixtureConverts(t *testing.T) {
	dir := bundled(t)
	for _, typ := range OutTypes {
		if _, ok := quantize.Lookup(gguf.Q8_0); typ == "q8_0" && !ok {
			continue
		}
		out := filepath.Join(t.TempDir(), "out.gguf")
		res, err := Convert(dir, out, Options{OutType: typ})
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if res.Tensors != 21 || res.Arch != "llama" {
			t.Errorf("%s: %+v", typ, res)
		}
		want := map[string]string{"f32": "F32", "f16": "F16", "bf16": "BF16", "q8_0": "Q8_0", "auto": "BF16"}[typ]
		if res.FileType != want {
			t.Errorf("%s: file type %s, want %s", typ, res.FileType, want)
		}
	}
}

// TestBadInput: each broken folder gives an error naming the culprit, and
// nothing is left at the output path.
func TestBadInput(t *testing.T) {
	st := func(dir string) string { return filepath.Join(dir, "model.safetensors") }
	cases := []struct {
		name   string
		break_ func(t *testing.T, dir string)
		want   []string
	}{
		{"missing config.json", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "config.json")) }, []string{"config.json"}},
		{"config.json not JSON", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "config.json"), []byte("{nope"), 0o644)
		}, []string{"config.json", "invalid JSON"}},
		{"unknown architecture", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"architectures":["GPTNeoXForCausalLM"]}`), 0o644)
		}, []string{"GPTNeoXForCausalLM", "not supported", "LlamaForCausalLM", "Qwen3ForCausalLM"}},
		{"missing tokenizer", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "tokenizer.model")) }, []string{"tokenizer"}},
		{"no safetensors", func(t *testing.T, dir string) { os.Remove(st(dir)) }, []string{"safetensors"}},
		{"truncated safetensors", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(st(dir))
			os.WriteFile(st(dir), b[:len(b)-100], 0o644)
		}, []string{"model.safetensors"}},
		{"header length past EOF", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(st(dir))
			binary.LittleEndian.PutUint64(b, uint64(len(b)))
			os.WriteFile(st(dir), b, 0o644)
		}, []string{"model.safetensors"}},
		{"overlapping offsets", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(st(dir))
			n := binary.LittleEndian.Uint64(b)
			h := string(b[8 : 8+n])
			// Point the second tensor's data at the first one's.
			i := strings.Index(h, `"data_offsets":[`)
			j := strings.Index(h[i+1:], `"data_offsets":[`) + i + 1
			end := strings.Index(h[j:], "]") + j
			first := h[i+len(`"data_offsets":[`) : strings.Index(h[i:], "]")+i]
			var a, c int64
			parse2(first, &a, &c)
			var x, y int64
			parse2(h[j+len(`"data_offsets":[`):end], &x, &y)
			repl := `"data_offsets":[` + itoa(a) + "," + itoa(a+(y-x)) + "]"
			h2 := h[:j] + repl + h[end+1:]
			for len(h2) < len(h) {
				h2 += " "
			}
			if len(h2) != len(h) {
				t.Skip("cannot rewrite header in place")
			}
			copy(b[8:], h2)
			os.WriteFile(st(dir), b, 0o644)
		}, []string{"model.safetensors", "overlap"}},
		{"unknown dtype", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(st(dir))
			n := binary.LittleEndian.Uint64(b)
			h := strings.Replace(string(b[8:8+n]), `"BF16"`, `"Q9X1"`, 1)
			copy(b[8:], h)
			os.WriteFile(st(dir), b, 0o644)
		}, []string{"model.safetensors", "Q9X1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := bundled(t)
			c.break_(t, dir)
			out := filepath.Join(t.TempDir(), "out.gguf")
			_, err := Convert(dir, out, Options{OutType: "f16"})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if _, serr := os.Stat(out); serr == nil {
				t.Errorf("output file left at %s", out)
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "*"))
			if len(left) != 0 {
				t.Errorf("files left beside the output: %v", left)
			}
		})
	}
}

func parse2(s string, a, b *int64) {
	parts := strings.Split(s, ",")
	if len(parts) == 2 {
		*a = atoi(parts[0])
		*b = atoi(parts[1])
	}
}

func atoi(s string) int64 {
	var n int64
	for _, c := range strings.TrimSpace(s) {
		n = n*10 + int64(c-'0')
	}
	return n
}

func TestUnwritableOutput(t *testing.T) {
	dir := bundled(t)
	ro := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// root ignores permissions: use a path under a regular file instead.
		ro = filepath.Join(dir, "config.json")
	}
	out := filepath.Join(ro, "out.gguf")
	_, err := Convert(dir, out, Options{OutType: "f16"})
	if err == nil || !strings.Contains(err.Error(), out) {
		t.Fatalf("error %v does not name %s", err, out)
	}
}

func TestPermutedRow(t *testing.T) {
	// 2 heads of 4 rows: per head, output rows take source rows 0,2,1,3.
	want := []int64{0, 2, 1, 3, 4, 6, 5, 7}
	for r, w := range want {
		if got := permutedRow(int64(r), 8, 2); got != w {
			t.Errorf("row %d <- %d, want %d", r, got, w)
		}
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
