package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/internal/testdata"
)

// runIO runs the CLI with stdin, returning stdout and stderr apart.
func runIO(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out, errb bytes.Buffer
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errb.String(), err
}

type greedyRef struct {
	Name       string `json:"name"`
	Text       string `json:"text"`
	GreedyText string `json:"greedy_text"`
	PromptIDs  []int  `json:"prompt_ids"`
}

func readGreedyRef(t *testing.T) []greedyRef {
	data, err := os.ReadFile(testdata.Path(t, "models", "tiny-shakespeare", "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct{ Prompts []greedyRef }
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	return ref.Prompts
}

// TestRunConvertedGreedy: `hfctl run m.gguf --raw --temp 0 -n 48 PROMPT`
// prints exactly the reference continuation for hfctl's F32 conversion.
func TestRunConvertedGreedy(t *testing.T) {
	out := filepath.Join(t.TempDir(), "f32.gguf")
	if s, err := run(t, "convert", testdata.Path(t, "models", "tiny-shakespeare"), "--outtype", "f32", "-o", out, "--quiet"); err != nil {
		t.Fatal(err, s)
	}
	for _, p := range readGreedyRef(t) {
		if p.Text == "" {
			continue
		}
		stdout, stderr, err := runIO(t, "", "run", out, "--raw", "--temp", "0", "-n", "48", "--f32-kv", p.Text)
		if err != nil {
			t.Fatal(err, stderr)
		}
		if want := " " + p.GreedyText + "\n"; stdout != want {
			t.Errorf("%s:\n got %q\nwant %q", p.Name, stdout, want)
		}
	}
}

// TestRunDemo: with no model the embedded demo runs; a prompt on standard
// input is completed; --verbose writes the timings on standard error only.
func TestRunDemo(t *testing.T) {
	ref := readGreedyRef(t)[0]
	stdout, stderr, err := runIO(t, ref.Text, "run", "--raw", "--temp", "0", "-n", "48", "--verbose")
	if err != nil {
		t.Fatal(err, stderr)
	}
	if want := " " + ref.GreedyText + "\n"; stdout != want {
		t.Errorf("demo:\n got %q\nwant %q", stdout, want)
	}
	for _, s := range []string{"prompt eval rate:", "eval rate:", "eval count:           48 token(s)"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("--verbose output lacks %q:\n%s", s, stderr)
		}
	}
	// sampling with a seed is reproducible
	a, _, err := runIO(t, "", "run", "--raw", "--seed", "7", "-n", "20", "ROMEO:")
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := runIO(t, "", "run", "--raw", "--seed", "7", "-n", "20", "ROMEO:")
	if a != b || a == "" {
		t.Errorf("seeded runs differ: %q vs %q", a, b)
	}
}

// TestRunBadInput: clear errors, no panic.
func TestRunBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.gguf")
	os.WriteFile(bad, []byte("GGUF\x03\x00\x00\x00garbage"), 0o644)
	if _, _, err := runIO(t, "", "run", bad, "hi"); err == nil {
		t.Error("corrupt GGUF: no error")
	}
	// a vocab-only GGUF has no tensors: error names the missing tensor
	vocab := testdata.Path(t, "vocab", "ggml-vocab-llama-spm.gguf")
	if _, _, err := runIO(t, "", "run", vocab, "hi"); err == nil || !strings.Contains(err.Error(), "token_embd.weight") {
		t.Errorf("vocab-only GGUF: %v", err)
	}
	// unsupported architecture
	bert := testdata.Path(t, "vocab", "ggml-vocab-bert-bge.gguf")
	if _, _, err := runIO(t, "", "run", bert, "hi"); err == nil || !strings.Contains(err.Error(), "supported") {
		t.Errorf("bert GGUF: %v", err)
	}
	// prompt longer than the context
	long := strings.Repeat("ROMEO: ", 200)
	if _, _, err := runIO(t, "", "run", "--ctx", "64", "--raw", long); err == nil || !strings.Contains(err.Error(), "context") {
		t.Errorf("long prompt: %v", err)
	}
}

func TestTokenizeCmd(t *testing.T) {
	demo := filepath.Join(t.TempDir(), "demo.gguf")
	data, err := os.ReadFile("../../internal/demo/tiny-shakespeare-q8_0.gguf")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(demo, data, 0o644)
	stdout, _, err := runIO(t, "", "tokenize", demo, "--json", "ROMEO:")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		IDs    []int    `json:"ids"`
		Pieces []string `json:"pieces"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err, stdout)
	}
	if want := []int{1, 16641, 2303, 29949, 29901}; !equalInts(got.IDs, want) || got.Pieces[1] != " RO" {
		t.Errorf("tokenize: %+v", got)
	}
	stdout, _, err = runIO(t, "ROMEO:", "tokenize", demo, "--stdin", "--no-bos", "--ids")
	if err != nil || strings.TrimSpace(stdout) != "[16641, 2303, 29949, 29901]" {
		t.Errorf("--stdin --no-bos --ids: %q %v", stdout, err)
	}
	stdout, _, _ = runIO(t, "", "tokenize", demo, "--count", "<s>x")
	stdout2, _, _ := runIO(t, "", "tokenize", demo, "--count", "--no-parse-special", "<s>x")
	if strings.TrimSpace(stdout) == strings.TrimSpace(stdout2) {
		t.Errorf("--no-parse-special made no difference (%s)", stdout)
	}
}

func TestBenchCmd(t *testing.T) {
	stdout, _, err := runIO(t, "", "bench", "-p", "8", "-n", "4", "-r", "1", "-t", "1,2")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"| pp8 |", "| tg4 |", "| cpu | 2 |"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("bench table lacks %q:\n%s", s, stdout)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRunInteractive drives the chat loop: commands, a message, /clear.
func TestRunInteractive(t *testing.T) {
	m, err := openModel("")
	if err != nil {
		t.Fatal(err)
	}
	rf := &runFlags{numPredict: 8, set: map[string]bool{}}
	r, err := newRunner(m, rf, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	r.out, r.errw = &out, &errb
	in := "/set parameter temperature 0\n/set parameter nope 1\nROMEO:\n/show info\n/clear\n/frob\n/bye\n"
	if err := r.interactive(strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Set parameter 'temperature' to '0'", "unknown parameter", "architecture        llama", "Cleared session context", "Unknown command '/frob'"} {
		if !strings.Contains(errb.String(), s) {
			t.Errorf("chat stderr lacks %q:\n%s", s, errb.String())
		}
	}
	if !strings.HasPrefix(out.String(), " the King is a man,") {
		t.Errorf("chat answer %q", out.String())
	}
}

// TestRunStop: a stop string ends the answer and is not printed.
func TestRunStop(t *testing.T) {
	ref := readGreedyRef(t)[0]
	stdout, _, err := runIO(t, "", "run", "--raw", "--temp", "0", "-n", "48", "--stop", "man", ref.Text)
	if err != nil {
		t.Fatal(err)
	}
	want := " " + ref.GreedyText[:strings.Index(ref.GreedyText, "man")] + "\n"
	if stdout != want {
		t.Errorf("got %q want %q", stdout, want)
	}
}
