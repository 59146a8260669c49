package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hfctl/hfctl/hub"
	"github.com/hfctl/hfctl/hub/hubtest"
)

// TestPythonHubInterop runs Python's huggingface_hub against hubtest: its
// snapshot_download fills a cache that hfctl reads offline, and it reads
// hfctl's cache offline (snapshot_download, hf_hub_download,
// scan_cache_dir). Skipped where huggingface_hub is not importable
// ($HFCTL_PYTHON, else python3).

const pythonScript = `
import json, sys
from huggingface_hub import snapshot_download, hf_hub_download, scan_cache_dir
op = json.loads(sys.argv[1])
if op["op"] == "snapshot":
    print(json.dumps({"dir": snapshot_download(op["repo"], cache_dir=op["cacheDir"])}))
else:
    d = snapshot_download(op["repo"], cache_dir=op["cacheDir"])
    files = [hf_hub_download(op["repo"], f, cache_dir=op["cacheDir"]) for f in op["files"]]
    info = scan_cache_dir(op["cacheDir"])
    repos = [{"id": r.repo_id, "files": r.nb_files, "revisions": [{"commit": v.commit_hash, "refs": sorted(v.refs), "files": v.nb_files} for v in r.revisions]} for r in info.repos]
    print(json.dumps({"dir": d, "files": files, "repos": repos, "warnings": [str(w) for w in info.warnings]}))
`

func runPython(t *testing.T, py string, env []string, op map[string]any, out any) {
	t.Helper()
	script := filepath.Join(t.TempDir(), "interop.py")
	os.WriteFile(script, []byte(pythonScript), 0o644)
	arg, _ := json.Marshal(op)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, script, string(arg))
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("python %s: %v\n%s%s", op["op"], err, stdout.String(), stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), out); err != nil {
		t.Fatalf("python %s printed %q: %v", op["op"], stdout.String(), err)
	}
}

func TestPythonHubInterop(t *testing.T) {
	py := os.Getenv("HFCTL_PYTHON")
	if py == "" {
		py = "python3"
	}
	if testing.Short() {
		t.Skip("skipped with -short")
	}
	if err := exec.Command(py, "-c", "import huggingface_hub").Run(); err != nil {
		t.Skipf("%s cannot import huggingface_hub", py)
	}
	s, files := newHub(t, hubtest.Options{})
	commit := s.Commit("org/synth")
	env := []string{"HF_ENDPOINT=" + s.URL, "HF_HUB_DISABLE_TELEMETRY=1", "HF_HUB_DISABLE_XET=1", "HF_TOKEN=", "HF_HOME=" + t.TempDir()}

	t.Run("python cache read by hfctl", func(t *testing.T) {
		cache := t.TempDir()
		var res struct{ Dir string }
		runPython(t, py, env, map[string]any{"op": "snapshot", "repo": "org/synth", "cacheDir": cache}, &res)
		if res.Dir != filepath.Join(cache, "models--org--synth", "snapshots", commit) {
			t.Errorf("snapshot_download returned %s", res.Dir)
		}
		checkLayoutLocks(t, cache, synth, commit, files, false)
		got, err := hub.NewClient(hub.Options{CacheDir: cache, Offline: true}).Download(ctx, synth, hub.DownloadOptions{})
		if err != nil || got.Dir != res.Dir || len(got.Files) != len(files) {
			t.Fatalf("hfctl offline on the Python cache: %+v %v", got, err)
		}
		s.ResetStats()
		if r, err := newClient(s, cache).Download(ctx, synth, hub.DownloadOptions{}); err != nil || r.Downloaded != 0 || s.Stats().BodyBytes != 0 {
			t.Errorf("hfctl on the Python cache downloaded %d bytes (%v)", s.Stats().BodyBytes, err)
		}
	})

	t.Run("hfctl cache read by python offline", func(t *testing.T) {
		cache := t.TempDir()
		res, err := newClient(s, cache).Download(ctx, synth, hub.DownloadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for p := range files {
			names = append(names, p)
		}
		sort.Strings(names)
		var out struct {
			Dir      string
			Files    []string
			Warnings []string
			Repos    []struct {
				ID        string
				Files     int
				Revisions []struct {
					Commit string
					Refs   []string
					Files  int
				}
			}
		}
		s.ResetStats()
		runPython(t, py, append(env, "HF_HUB_OFFLINE=1"), map[string]any{"op": "offline", "repo": "org/synth", "cacheDir": cache, "files": names}, &out)
		if out.Dir != res.Dir || len(out.Files) != len(names) || len(out.Warnings) != 0 || len(out.Repos) != 1 {
			t.Fatalf("python offline: %+v", out)
		}
		for i, n := range names {
			if out.Files[i] != filepath.Join(res.Dir, filepath.FromSlash(n)) {
				t.Errorf("%s: %s", n, out.Files[i])
			}
		}
		r := out.Repos[0]
		if r.ID != "org/synth" || r.Files != len(files) || len(r.Revisions) != 1 || r.Revisions[0].Commit != commit ||
			strings.Join(r.Revisions[0].Refs, ",") != "main" || r.Revisions[0].Files != len(files) {
			t.Errorf("scan_cache_dir: %+v", r)
		}
		if st := s.Stats(); st.Requests != 0 {
			t.Errorf("offline Python made %d requests", st.Requests)
		}
	})
}
