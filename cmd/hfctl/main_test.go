package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/internal/testdata"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String() + errb.String(), err
}

const fixtureDir = "../../testdata/tiny-llama"

func TestConvertInspect(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.gguf")
	s, err := run(t, "convert", fixtureDir, "--outtype", "f16", "-o", out)
	if err != nil {
		t.Fatal(err, s)
	}
	if !strings.Contains(s, "wrote "+out) || !strings.Contains(s, "llama F16") {
		t.Errorf("convert printed %q", s)
	}
	s, err = run(t, "inspect", out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"GGUF v3", "general.architecture", `"llama"`, "tokenizer.ggml.tokens", "... (384 items)", "blk.1.ffn_down.weight", "F16"} {
		if !strings.Contains(s, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, s)
		}
	}
	s, err = run(t, "inspect", out, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		Metadata map[string]struct {
			Type  string `json:"type"`
			Value any    `json:"value"`
			Count int    `json:"count"`
		} `json:"metadata"`
		Tensors []struct{ Name, Type string } `json:"tensors"`
	}
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		t.Fatal(err, s)
	}
	if j.Metadata["general.architecture"].Value != "llama" || j.Metadata["tokenizer.ggml.tokens"].Count != 384 || len(j.Tensors) != 21 {
		t.Errorf("inspect --json: %+v", j.Metadata["general.architecture"])
	}
	s, err = run(t, "inspect", fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"LlamaForCausalLM (supported, converts to llama)", "BF16×21", "sentencepiece", "model.safetensors"} {
		if !strings.Contains(s, want) {
			t.Errorf("inspect DIR output lacks %q:\n%s", want, s)
		}
	}
}

func TestConvertJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.gguf")
	s, err := run(t, "convert", fixtureDir, "--outtype", "bf16", "-o", out, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Path     string `json:"path"`
		FileType string `json:"file_type"`
		Tensors  int    `json:"tensors"`
	}
	if err := json.Unmarshal([]byte(s), &r); err != nil || r.Path != out || r.FileType != "BF16" || r.Tensors != 21 {
		t.Errorf("convert --json printed %q (%v)", s, err)
	}
}

func TestVersionAndCompletion(t *testing.T) {
	s, err := run(t, "version")
	if err != nil || !strings.HasPrefix(s, "hfctl ") {
		t.Errorf("version: %q %v", s, err)
	}
	s, err = run(t, "completion", "bash")
	if err != nil || !strings.Contains(s, "bash completion") {
		t.Errorf("completion bash: %v", err)
	}
}

func TestEveryCommandHasExamples(t *testing.T) {
	for _, c := range newRootCmd().Commands() {
		if c.Name() == "completion" || c.Name() == "help" {
			continue
		}
		if c.Example == "" {
			t.Errorf("%s has no --help examples", c.Name())
		}
	}
}

// TestExitCode builds the binary: a failed conversion exits non-zero with
// the error on stderr and leaves no output file.
func TestExitCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "hfctl")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, b)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"architectures":["MambaForCausalLM"]}`), 0o644)
	out := filepath.Join(t.TempDir(), "x.gguf")
	cmd := exec.Command(bin, "convert", dir, "-o", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
		t.Fatalf("exit: %v", err)
	}
	if !strings.Contains(stderr.String(), "MambaForCausalLM") || !strings.Contains(stderr.String(), "LlamaForCausalLM") {
		t.Errorf("stderr: %s", stderr.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("output left behind")
	}
}

// TestTinyShakespeareQuantize: convert to F16 then quantize gives the
// llama.cpp files pinned in golden/tiny-shakespeare (Q4_K_M shipped;
// Q8_0 and Q4_0 by whole-file sha256).
func TestTinyShakespeareQuantize(t *testing.T) {
	td := testdata.Require(t)
	f16 := filepath.Join(t.TempDir(), "f16.gguf")
	if s, err := run(t, "convert", filepath.Join(td, "models", "tiny-shakespeare"), "--outtype", "f16", "-o", f16, "-q"); err != nil {
		t.Fatal(err, s)
	}
	raw, err := os.ReadFile(filepath.Join(td, "golden", "tiny-shakespeare", "tensors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pinned map[string]struct {
		SHA256 string `json:"sha256"`
	}
	if err := json.Unmarshal(raw, &pinned); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"Q8_0", "Q4_0", "Q4_K_M"} {
		out := filepath.Join(t.TempDir(), typ+".gguf")
		if s, err := run(t, "quantize", f16, out, typ, "-q"); err != nil {
			t.Fatal(err, s)
		}
		b, _ := os.ReadFile(out)
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != pinned[typ+".gguf"].SHA256 {
			t.Errorf("%s: sha256 differs from llama-quantize's", typ)
		}
	}
}

func TestQuantizeDryRunAndErrors(t *testing.T) {
	in := filepath.Join(t.TempDir(), "f16.gguf")
	if s, err := run(t, "convert", fixtureDir, "--outtype", "f16", "-o", in, "-q"); err != nil {
		t.Fatal(err, s)
	}
	s, err := run(t, "quantize", in, "unused.gguf", "Q4_K_M", "--dry-run")
	if err != nil || !strings.Contains(s, "falling back to") || !strings.Contains(s, "Q4_K_M: tensor data") {
		t.Errorf("dry run: %v\n%s", err, s)
	}
	if _, err := os.Stat("unused.gguf"); err == nil {
		t.Error("--dry-run wrote a file")
	}
	_, err = run(t, "quantize", in, filepath.Join(t.TempDir(), "x.gguf"), "Q7_K")
	if err == nil || !strings.Contains(err.Error(), "Q4_K_M") {
		t.Errorf("unknown type: %v", err)
	}
}
