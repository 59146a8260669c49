package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfctl/hfctl/hub/hubtest"
	"github.com/spf13/cobra"
)

func runSub(t *testing.T, cmd *cobra.Command, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	return out.String(), errb.String(), err
}

// fakeHub serves org/demo (a few files, one LFS) and points the environment
// at it with a fresh cache.
func fakeHub(t *testing.T) (*hubtest.Server, string) {
	root := t.TempDir()
	dir := filepath.Join(root, "org", "demo")
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"a":1}`), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "notes.txt"), []byte("notes"), 0o644)
	os.WriteFile(filepath.Join(dir, "model.safetensors"), bytes.Repeat([]byte{7}, 100_000), 0o644)
	s := hubtest.NewTB(t, hubtest.Options{Root: root, Tokens: []string{"tok"}})
	cache := t.TempDir()
	t.Setenv("HF_ENDPOINT", s.URL)
	t.Setenv("HF_HUB_CACHE", cache)
	t.Setenv("HF_HOME", t.TempDir())
	t.Setenv("HF_TOKEN", "")
	t.Setenv("HF_HUB_OFFLINE", "")
	return s, cache
}

func TestDownloadCommand(t *testing.T) {
	s, cache := fakeHub(t)
	snap := filepath.Join(cache, "models--org--demo", "snapshots", s.Commit("org/demo"))
	out, errOut, err := runSub(t, newDownloadCmd(), "org/demo")
	if err != nil || out != snap+"\n" {
		t.Fatalf("download: %q %q %v", out, errOut, err)
	}
	if errOut != "" {
		t.Errorf("progress drawn on a non-terminal: %q", errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(snap, "sub", "notes.txt")); string(b) != "notes" {
		t.Errorf("notes %q", b)
	}
	// one file: its path
	out, _, err = runSub(t, newDownloadCmd(), "org/demo", "config.json")
	if err != nil || out != filepath.Join(snap, "config.json")+"\n" {
		t.Fatalf("one file: %q %v", out, err)
	}
	// JSON, filters, local dir
	local := t.TempDir()
	out, _, err = runSub(t, newDownloadCmd(), "org/demo", "--include", "*.json", "--include", "sub/*", "--local-dir", local, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Path   string
		Commit string
		Files  []struct{ Path string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Path != local || len(res.Files) != 2 || res.Commit != s.Commit("org/demo") {
		t.Errorf("json: %s %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(local, "model.safetensors")); err == nil {
		t.Error("--include not applied")
	}
	// offline, from the cache
	t.Setenv("HF_HUB_OFFLINE", "1")
	s.ResetStats()
	out, _, err = runSub(t, newDownloadCmd(), "org/demo")
	if err != nil || out != snap+"\n" || s.Stats().Requests != 0 {
		t.Errorf("offline: %q %v %+v", out, err, s.Stats())
	}
	_, _, err = runSub(t, newDownloadCmd(), "org/other")
	if err == nil || !strings.Contains(err.Error(), "HF_HUB_OFFLINE") {
		t.Errorf("offline miss: %v", err)
	}
	t.Setenv("HF_HUB_OFFLINE", "")
	// errors say what to do
	s.SetAccess("org/demo", hubtest.Access{Gated: "auto", Tokens: []string{"tok"}})
	_, _, err = runSub(t, newDownloadCmd(), "org/demo", "--cache-dir", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), s.URL+"/org/demo") || !strings.Contains(err.Error(), "HF_TOKEN") {
		t.Errorf("gated: %v", err)
	}
	if _, _, err := runSub(t, newDownloadCmd(), "org/demo", "--cache-dir", t.TempDir(), "--token", "tok"); err != nil {
		t.Errorf("gated with --token: %v", err)
	}
	_, _, err = runSub(t, newDownloadCmd(), "org/missing")
	if err == nil || !strings.Contains(err.Error(), "HF_TOKEN") {
		t.Errorf("missing: %v", err)
	}
	if _, _, err := runSub(t, newDownloadCmd(), "org/demo", "--repo-type", "nope"); err == nil {
		t.Error("bad --repo-type accepted")
	}
}

func TestUploadCommand(t *testing.T) {
	s, cache := fakeHub(t)
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "model-Q4_K_M.gguf"), bytes.Repeat([]byte("gguf"), 50_000), 0o644)
	os.WriteFile(filepath.Join(src, "README.md"), []byte("# tiny"), 0o644)
	_, _, err := runSub(t, newUploadCmd(), "me/tiny", src, "--create")
	if err == nil || !strings.Contains(err.Error(), "HF_TOKEN") {
		t.Fatalf("upload without a token: %v", err)
	}
	out, errOut, err := runSub(t, newUploadCmd(), "me/tiny", src, "--create", "--token", "tok", "-m", "first")
	if err != nil {
		t.Fatal(err, errOut)
	}
	commit := s.Commit("me/tiny")
	if out != s.URL+"/me/tiny/commit/"+commit+"\n" || !strings.Contains(errOut, "1 LFS uploaded") {
		t.Errorf("upload printed %q, %q", out, errOut)
	}
	out, _, err = runSub(t, newDownloadCmd(), "me/tiny", "model-Q4_K_M.gguf")
	if err != nil || out != filepath.Join(cache, "models--me--tiny", "snapshots", commit, "model-Q4_K_M.gguf")+"\n" {
		t.Fatalf("download after upload: %q %v", out, err)
	}
	// again, into a folder: the LFS object is not sent twice
	s.ResetStats()
	out, _, err = runSub(t, newUploadCmd(), "me/tiny", filepath.Join(src, "model-Q4_K_M.gguf"), "--token", "tok", "--path-in-repo", "gguf", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Skipped []string `json:"skipped"`
	}
	if json.Unmarshal([]byte(out), &info); len(info.Skipped) != 1 || info.Skipped[0] != "gguf/model-Q4_K_M.gguf" || s.Stats().Uploads != 0 {
		t.Errorf("second upload: %s %+v", out, s.Stats())
	}
}
