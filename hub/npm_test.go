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

// The interoperability test runs the official @huggingface/hub npm package
// against hubtest: it downloads into a cache that hfctl reads offline, it
// reads hfctl's cache without a request, and it uploads a commit (basic and
// multipart LFS) that hfctl downloads. It installs the package with npm into
// a temporary folder (or uses HFCTL_NPM_HUB_DIR, a folder holding
// node_modules/@huggingface/hub), and is skipped without node and npm, with
// -short, or when the install fails (no registry).

const interopScript = `
import { snapshotDownload, downloadFileToCacheDir, scanCacheDir, uploadFiles, createRepo } from "@huggingface/hub";
import { readFileSync } from "node:fs";

const op = JSON.parse(process.argv[2]);
const repo = { type: op.type ?? "model", name: op.repo };
let out;
switch (op.op) {
case "snapshot":
	out = { dir: await snapshotDownload({ repo, cacheDir: op.cacheDir, hubUrl: op.hubUrl, revision: op.revision, accessToken: op.token }) };
	break;
case "files": {
	const paths = [];
	for (const path of op.paths) {
		paths.push(await downloadFileToCacheDir({ repo, path, revision: op.revision, cacheDir: op.cacheDir, hubUrl: op.hubUrl }));
	}
	out = { paths };
	break;
}
case "scan": {
	const info = await scanCacheDir(op.cacheDir);
	out = {
		warnings: info.warnings.map(String),
		repos: info.repos.map((r) => ({
			name: r.id.name, type: r.id.type, files: r.filesCount, size: r.size,
			revisions: r.revisions.map((v) => ({ commit: v.commitOid, refs: v.refs, files: v.files.map((f) => f.path.slice(v.path.length + 1)).sort() })),
		})),
	};
	break;
}
case "upload": {
	await createRepo({ repo, accessToken: op.token, hubUrl: op.hubUrl });
	const files = op.files.map((f) => ({ path: f.path, content: new Blob([readFileSync(f.local)]) }));
	const res = await uploadFiles({ repo, accessToken: op.token, hubUrl: op.hubUrl, files, commitTitle: "from @huggingface/hub" });
	out = { commit: res.commit.oid, url: res.commit.url };
	break;
}
}
console.log(JSON.stringify(out));
`

func installHubJS(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("npm interoperability test skipped with -short")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not installed")
	}
	if d := os.Getenv("HFCTL_NPM_HUB_DIR"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "node_modules", "@huggingface", "hub", "package.json")); err != nil {
			t.Fatalf("HFCTL_NPM_HUB_DIR=%s holds no node_modules/@huggingface/hub", d)
		}
		return d
	}
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm not installed")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", dir, "@huggingface/hub")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("npm install @huggingface/hub failed (no registry?): %v\n%s", err, out)
	}
	return dir
}

func runJS(t *testing.T, dir string, op map[string]any, out any) {
	t.Helper()
	script := filepath.Join(dir, "interop.mjs")
	if _, err := os.Stat(script); err != nil {
		if err := os.WriteFile(script, []byte(interopScript), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	arg, _ := json.Marshal(op)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", script, string(arg))
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\n%s%s", op["op"], err, stdout.String(), stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), out); err != nil {
		t.Fatalf("node %s printed %q: %v", op["op"], stdout.String(), err)
	}
}

func TestHuggingFaceHubJSInterop(t *testing.T) {
	js := installHubJS(t)
	files := synthFiles()
	delete(files, "empty.txt") // @huggingface/hub probes sizes with Range: bytes=0-0, which an empty file cannot answer
	root := t.TempDir()
	writeRepo(t, filepath.Join(root, "org", "js"), files)
	s := hubtest.NewTB(t, hubtest.Options{Root: root, MultipartThreshold: 1 << 20, MultipartChunkSize: 512 << 10})
	repo := hub.MustParseRepo("org/js")
	commit := s.Commit("org/js")

	t.Run("js cache read by hfctl offline", func(t *testing.T) {
		cache := t.TempDir()
		var res struct{ Dir string }
		runJS(t, js, map[string]any{"op": "snapshot", "repo": "org/js", "cacheDir": cache, "hubUrl": s.URL, "revision": "main"}, &res)
		if res.Dir != filepath.Join(cache, "models--org--js", "snapshots", commit) {
			t.Errorf("snapshotDownload returned %s", res.Dir)
		}
		checkLayoutLocks(t, cache, repo, commit, files, false)
		s.ResetStats()
		off := hub.NewClient(hub.Options{CacheDir: cache, Offline: true})
		got, err := off.Download(ctx, repo, hub.DownloadOptions{})
		if err != nil || got.Dir != res.Dir || len(got.Files) != len(files) || got.Commit != commit {
			t.Fatalf("hfctl offline on the JS cache: %+v %v", got, err)
		}
		for _, f := range got.Files {
			b, err := os.ReadFile(f.Local)
			if err != nil || !bytes.Equal(b, files[f.Path]) {
				t.Errorf("%s differs (%v)", f.Path, err)
			}
		}
		// and online, hfctl finds every blob and downloads nothing
		if res2, err := newClient(s, cache).Download(ctx, repo, hub.DownloadOptions{}); err != nil || res2.Downloaded != 0 || s.Stats().BodyBytes != 0 {
			t.Errorf("hfctl on the JS cache downloaded %d bytes (%v)", s.Stats().BodyBytes, err)
		}
	})

	t.Run("hfctl cache read by js", func(t *testing.T) {
		cache := t.TempDir()
		res, err := newClient(s, cache).Download(ctx, repo, hub.DownloadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for p := range files {
			paths = append(paths, p)
		}
		s.ResetStats()
		var got struct{ Paths []string }
		runJS(t, js, map[string]any{"op": "files", "repo": "org/js", "cacheDir": cache, "hubUrl": s.URL, "revision": commit, "paths": paths}, &got)
		for i, p := range paths {
			if got.Paths[i] != filepath.Join(res.Dir, filepath.FromSlash(p)) {
				t.Errorf("%s resolved to %s", p, got.Paths[i])
			}
		}
		if st := s.Stats(); st.Requests != 0 {
			t.Errorf("@huggingface/hub made %d requests for files in hfctl's cache", st.Requests)
		}
		var scan struct {
			Warnings []string
			Repos    []struct {
				Name, Type string
				Files      int
				Size       int64
				Revisions  []struct {
					Commit string
					Refs   []string
					Files  []string
				}
			}
		}
		runJS(t, js, map[string]any{"op": "scan", "cacheDir": cache}, &scan)
		if len(scan.Warnings) != 0 || len(scan.Repos) != 1 {
			t.Fatalf("scanCacheDir: %+v", scan)
		}
		// (scanCacheDir looks at the top level of a snapshot only)
		r := scan.Repos[0]
		var size int64
		var top []string
		for p, b := range files {
			if !strings.Contains(p, "/") {
				size += int64(len(b))
				top = append(top, p)
			}
		}
		sort.Strings(top)
		if r.Name != "org/js" || r.Type != "model" || r.Files != len(top) || r.Size != size || len(r.Revisions) != 1 ||
			r.Revisions[0].Commit != commit || strings.Join(r.Revisions[0].Refs, ",") != "main" ||
			strings.Join(r.Revisions[0].Files, ",") != strings.Join(top, ",") {
			t.Errorf("scanCacheDir: %+v, want files %v", r, top)
		}
	})

	t.Run("js upload downloaded by hfctl", func(t *testing.T) {
		src := t.TempDir()
		fresh := func(b []byte) []byte { // content the fake Hub does not have yet
			c := bytes.Clone(b)
			c[0] ^= 0xff
			return c
		}
		up := map[string][]byte{
			"README.md":         []byte("# from js\n"),
			"model.safetensors": fresh(files["model.safetensors"]), // LFS, basic transfer
			"big/model.gguf":    fresh(files["weights/big.gguf"]),  // LFS, multipart (3 MiB in 512 KiB parts)
		}
		writeRepo(t, src, up)
		var list []map[string]string
		for p := range up {
			list = append(list, map[string]string{"path": p, "local": filepath.Join(src, filepath.FromSlash(p))})
		}
		s.ResetStats()
		var res struct{ Commit, URL string }
		runJS(t, js, map[string]any{"op": "upload", "repo": "me/from-js", "token": "hf_js", "hubUrl": s.URL, "files": list}, &res)
		if res.Commit != s.Commit("me/from-js") || s.Stats().Commits != 1 || s.Stats().Uploads != 1+7 {
			t.Fatalf("upload: %+v %+v", res, s.Stats())
		}
		cache := t.TempDir()
		got, err := newClient(s, cache).Download(ctx, hub.MustParseRepo("me/from-js"), hub.DownloadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Commit != res.Commit {
			t.Errorf("hfctl got commit %s, JS made %s", got.Commit, res.Commit)
		}
		up[".gitattributes"], _ = os.ReadFile(filepath.Join(root, "me", "from-js", ".gitattributes"))
		checkLayout(t, cache, hub.MustParseRepo("me/from-js"), res.Commit, up)
	})
}
