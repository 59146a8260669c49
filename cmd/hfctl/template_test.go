package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/internal/testdata"
)

func TestTemplateCmd(t *testing.T) {
	dir := t.TempDir()
	msgs := filepath.Join(dir, "m.json")
	os.WriteFile(msgs, []byte(`{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}], "add_generation_prompt": true}`), 0o644)
	tmpl := filepath.Join(dir, "t.jinja")
	os.WriteFile(tmpl, []byte("{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}"), 0o644)
	vocab := testdata.Path(t, "vocab", "ggml-vocab-llama-spm.gguf")
	stdout, _, err := runIO(t, "", "template", vocab, "--messages", msgs, "--template", tmpl)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[system] Be brief.\n[user] Hi\n[assistant]"; stdout != want {
		t.Errorf("got %q want %q", stdout, want)
	}
	// array form on stdin, no generation prompt, the model's fallback
	stdout, stderr, err := runIO(t, `[{"role":"user","content":"Hi"}]`, "template", vocab, "--messages", "-", "--no-generation-prompt")
	if err != nil {
		t.Fatal(err)
	}
	if stdout != "<|im_start|>user\nHi<|im_end|>\n" || !strings.Contains(stderr, "no chat template") {
		t.Errorf("fallback: %q / %q", stdout, stderr)
	}
	// a template that raises
	os.WriteFile(tmpl, []byte("{{ raise_exception('System role not supported') }}"), 0o644)
	if _, _, err := runIO(t, "", "template", vocab, "--messages", msgs, "--template", tmpl); err == nil || !strings.Contains(err.Error(), "System role not supported") {
		t.Errorf("raise_exception: %v", err)
	}
}

// TestTemplateVar: --var values are JSON as Python reads it.
func TestTemplateVar(t *testing.T) {
	dir := t.TempDir()
	msgs := filepath.Join(dir, "m.json")
	os.WriteFile(msgs, []byte(`[{"role":"user","content":"Hi"}]`), 0o644)
	tmpl := filepath.Join(dir, "t.jinja")
	os.WriteFile(tmpl, []byte("{{ n }} {{ n is integer }} {{ s }} {{ flag }}"), 0o644)
	vocab := testdata.Path(t, "vocab", "ggml-vocab-llama-spm.gguf")
	stdout, _, err := runIO(t, "", "template", vocab, "--messages", msgs, "--template", tmpl, "--var", "n=1", "--var", "s=hello", "--var", "flag=true")
	if err != nil {
		t.Fatal(err)
	}
	if want := "1 True hello True"; stdout != want {
		t.Errorf("got %q want %q", stdout, want)
	}
}
