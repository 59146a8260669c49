package hub_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hfctl/hfctl/hub"
	"github.com/hfctl/hfctl/hub/hubtest"
	"github.com/hfctl/hfctl/internal/testdata"
)

var ctx = context.Background()

// synthFiles is a small repository with every kind of file: regular ones
// (top level, nested, empty), LFS by extension, and one LFS file large
// enough for parallel ranges with the test client's settings.
func synthFiles() map[string][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	return map[string][]byte{
		"config.json":              []byte(`{"architectures":["LlamaForCausalLM"],"hidden_size":64}` + "\n"),
		"README.md":                []byte("---\nlicense: mit\n---\n# synth\n"),
		"empty.txt":                {},
		"nested/deep/notes.txt":    []byte("deep\n"),
		"model.safetensors":        random(300_000),
		"weights/big.gguf":         random(3<<20 + 12345),
		"tokenizer/tokenizer.json": []byte(`{"model":{"type":"BPE"}}`),
	}
}

func writeRepo(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for p, b := range files {
		fp := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fp, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newHub starts a fake Hub whose root holds org/synth.
func newHub(t testing.TB, opts hubtest.Options) (*hubtest.Server, map[string][]byte) {
	t.Helper()
	if opts.Root == "" {
		opts.Root = t.TempDir()
	}
	files := synthFiles()
	writeRepo(t, filepath.Join(opts.Root, "org", "synth"), files)
	return hubtest.NewTB(t, opts), files
}

// newClient is a client with fast retries and small range settings.
func newClient(s *hubtest.Server, cache string, mod ...func(*hub.Options)) *hub.Client {
	o := hub.Options{
		Endpoint: s.URL, CacheDir: cache, NoToken: true,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 20 * time.Millisecond,
		RangeThreshold: 1 << 20, RangeChunkSize: 256 << 10, RangeConcurrency: 4,
		ReadTimeout: 5 * time.Second, RequestTimeout: 10 * time.Second,
	}
	for _, m := range mod {
		m(&o)
	}
	return hub.NewClient(o)
}

var synth = hub.MustParseRepo("org/synth")

func isLFS(p string, size int) bool {
	switch path.Ext(p) {
	case ".safetensors", ".gguf", ".bin":
		return true
	}
	return size >= 10<<20
}

// etagOf is the blob name huggingface_hub uses: sha256 for LFS files, the
// git blob id otherwise.
func etagOf(p string, b []byte) string {
	if isLFS(p, len(b)) {
		s := sha256.Sum256(b)
		return hex.EncodeToString(s[:])
	}
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// checkLayout checks the cache is exactly what huggingface_hub would have
// made for files at commit (refs/main, relative symlinks, blobs, locks).
func checkLayout(t *testing.T, cache string, repo hub.Repo, commit string, files map[string][]byte) {
	t.Helper()
	checkLayoutLocks(t, cache, repo, commit, files, true)
}

// checkLayoutLocks is checkLayout, with or without the lock files (which
// @huggingface/hub does not make).
func checkLayoutLocks(t *testing.T, cache string, repo hub.Repo, commit string, files map[string][]byte, locks bool) {
	t.Helper()
	root := filepath.Join(cache, repo.FolderName())
	ref, err := os.ReadFile(filepath.Join(root, "refs", "main"))
	if err != nil || string(ref) != commit {
		t.Fatalf("refs/main = %q, %v; want %q (no newline)", ref, err, commit)
	}
	wantBlobs := map[string]bool{}
	for p, b := range files {
		etag := etagOf(p, b)
		wantBlobs[etag] = true
		ptr := filepath.Join(root, "snapshots", commit, filepath.FromSlash(p))
		st, err := os.Lstat(ptr)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s is not a symlink", p)
			continue
		}
		target, _ := os.Readlink(ptr)
		want := strings.Repeat("../", strings.Count(p, "/")+2) + "blobs/" + etag
		if target != want {
			t.Errorf("%s -> %s, want %s", p, target, want)
		}
		got, err := os.ReadFile(ptr)
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s: content differs (%v)", p, err)
		}
		if _, err := os.Stat(filepath.Join(cache, ".locks", repo.FolderName(), etag+".lock")); locks && err != nil {
			t.Errorf("%s: no lock file: %v", p, err)
		}
	}
	ents, err := os.ReadDir(filepath.Join(root, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !wantBlobs[e.Name()] {
			t.Errorf("unexpected blob %s", e.Name())
		}
		delete(wantBlobs, e.Name())
	}
	for b := range wantBlobs {
		t.Errorf("missing blob %s", b)
	}
}

func TestDownloadLayout(t *testing.T) {
	s, files := newHub(t, hubtest.Options{})
	cache := t.TempDir()
	c := newClient(s, cache)
	var last hub.Progress
	var events atomic.Int64
	res, err := c.Download(ctx, synth, hub.DownloadOptions{Progress: func(p hub.Progress) { last = p; events.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Commit != s.Commit("org/synth") {
		t.Errorf("commit %s, server %s", res.Commit, s.Commit("org/synth"))
	}
	if res.Dir != filepath.Join(cache, "models--org--synth", "snapshots", res.Commit) {
		t.Errorf("dir %s", res.Dir)
	}
	checkLayout(t, cache, synth, res.Commit, files)
	var total int64
	for _, b := range files {
		total += int64(len(b))
	}
	if last.Bytes != total || last.Total != total || last.FilesDone != len(files) || last.Files != len(files) || res.Downloaded != total {
		t.Errorf("progress: last %+v, downloaded %d, want total %d", last, res.Downloaded, total)
	}
	if st := s.Stats(); st.RangeGets < 4 {
		t.Errorf("the big file was not fetched in parallel ranges: %+v", st)
	}
	t.Logf("%d progress events", events.Load())
}

func TestTinyShakespeare(t *testing.T) {
	src := testdata.Path(t, "models", "tiny-shakespeare")
	s := hubtest.NewTB(t, hubtest.Options{Root: t.TempDir()})
	if err := s.AddRepo("hfctl/tiny-shakespeare", src); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(src, p)
			b, _ := os.ReadFile(p)
			files[filepath.ToSlash(rel)] = b
		}
		return nil
	})
	cache := t.TempDir()
	repo := hub.MustParseRepo("hfctl/tiny-shakespeare")
	// drops every third body after 1 MiB: model.safetensors (18 MB, in ranges) must survive
	s.SetFaults(hubtest.Faults{DropEvery: 3, DropAfter: 100 << 10})
	res, err := newClient(s, cache, func(o *hub.Options) { o.RangeChunkSize = 1 << 20 }).Download(ctx, repo, hub.DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkLayout(t, cache, repo, res.Commit, files)
	if s.Stats().Injected == 0 {
		t.Error("no fault was injected")
	}
	// the LFS oid is the sha256 huggingface.co would give
	if etagOf("model.safetensors", files["model.safetensors"]) != "9c60d2ca6323b315705fb7b1c20b0cadd55b615eb1c55393050d5766156d5967" {
		t.Error("tiny-shakespeare's model.safetensors changed")
	}
	// a second run fetches nothing
	s.SetFaults(hubtest.Faults{})
	s.ResetStats()
	res2, err := newClient(s, cache).Download(ctx, repo, hub.DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Heads+st.Gets+st.CDNGets != 0 || st.BodyBytes != 0 || res2.Downloaded != 0 {
		t.Errorf("second run downloaded: %+v", st)
	}
	// and offline it resolves without the server
	off := hub.NewClient(hub.Options{CacheDir: cache, Offline: true})
	res3, err := off.Download(ctx, repo, hub.DownloadOptions{})
	if err != nil || res3.Dir != res.Dir || len(res3.Files) != len(files) {
		t.Fatalf("offline: %+v, %v", res3, err)
	}
}

func TestSecondRunDownloadsNothing(t *testing.T) {
	s, _ := newHub(t, hubtest.Options{})
	cache := t.TempDir()
	c := newClient(s, cache)
	if _, err := c.Download(ctx, synth, hub.DownloadOptions{}); err != nil {
		t.Fatal(err)
	}
	s.ResetStats()
	res, err := c.Download(ctx, synth, hub.DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.Requests != 2 || st.API != 2 || st.BodyBytes != 0 || res.Downloaded != 0 {
		t.Errorf("second run: %+v (want only the revision and tree calls)", st)
	}
	for _, f := range res.Files {
		if !f.Cached {
			t.Errorf("%s not reported cached", f.Path)
		}
	}
	// a single file by commit hash: no request at all
	s.ResetStats()
	p, err := c.DownloadFile(ctx, synth, res.Commit, "config.json", hub.FileOptions{})
	if err != nil || p != filepath.Join(res.Dir, "config.json") {
		t.Fatal(p, err)
	}
	if st := s.Stats(); st.Requests != 0 {
		t.Errorf("DownloadFile at a cached commit made %d requests", st.Requests)
	}
}

// watchBlobs checks, while a download runs, that every file in blobs/
// without the .incomplete suffix is complete and correct.
func watchBlobs(t *testing.T, dir string, want map[string][]byte) (stop func()) {
	byETag := map[string][]byte{}
	for p, b := range want {
		byETag[etagOf(p, b)] = b
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if strings.HasSuffix(e.Name(), ".incomplete") {
					continue
				}
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					continue
				}
				if wb, ok := byETag[e.Name()]; !ok || !bytes.Equal(b, wb) {
					t.Errorf("blob %s visible with %d bytes, not its complete content", e.Name(), len(b))
				}
			}
			time.Sleep(time.Millisecond)
		}
	}()
	return func() { close(done); wg.Wait() }
}

func TestDroppedConnections(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults hubtest.Faults
	}{
		{"every body cut after 50KiB", hubtest.Faults{DropEvery: 1, DropAfter: 50 << 10}},
		{"every other body cut", hubtest.Faults{DropEvery: 2, DropAfter: 10 << 10}},
		{"503 with Retry-After", hubtest.Faults{ErrorEvery: 3, ErrorStatus: 503, RetryAfter: "0"}},
		{"429 with Retry-After", hubtest.Faults{ErrorEvery: 4, ErrorStatus: 429, RetryAfter: "0"}},
		{"stalls", hubtest.Faults{StallEvery: 3, StallFor: 2 * time.Second, DropAfter: 20 << 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, files := newHub(t, hubtest.Options{})
			s.SetFaults(tc.faults)
			cache := t.TempDir()
			c := newClient(s, cache, func(o *hub.Options) {
				o.ReadTimeout = 300 * time.Millisecond
				o.MaxRetries = 8
			})
			stop := watchBlobs(t, filepath.Join(cache, "models--org--synth", "blobs"), files)
			res, err := c.Download(ctx, synth, hub.DownloadOptions{})
			stop()
			if err != nil {
				t.Fatal(err)
			}
			checkLayout(t, cache, synth, res.Commit, files)
			if st := s.Stats(); st.Injected == 0 {
				t.Errorf("no fault injected: %+v", st)
			}
		})
	}
}

func TestInterruptedDownloadResumes(t *testing.T) {
	s, files := newHub(t, hubtest.Options{})
	cache := t.TempDir()
	// every body is cut: the download fails, leaving only .incomplete files
	s.SetFaults(hubtest.Faults{DropEvery: 1, DropAfter: 100 << 10})
	c := newClient(s, cache, func(o *hub.Options) { o.MaxRetries = -1; o.RangeThreshold = -1 })
	_, err := c.Download(ctx, synth, hub.DownloadOptions{Files: []string{"weights/big.gguf"}})
	if err == nil {
		t.Fatal("download succeeded with every connection cut")
	}
	blobs := filepath.Join(cache, "models--org--synth", "blobs")
	etag := etagOf("weights/big.gguf", files["weights/big.gguf"])
	if _, err := os.Stat(filepath.Join(blobs, etag)); err == nil {
		t.Fatal("a truncated blob is visible")
	}
	st, err := os.Stat(filepath.Join(blobs, etag+".incomplete"))
	if err != nil || st.Size() != 100<<10 {
		t.Fatalf("incomplete file: %v, %v", st, err)
	}
	snap := filepath.Join(cache, "models--org--synth", "snapshots", s.Commit("org/synth"), "weights", "big.gguf")
	if _, err := os.Lstat(snap); err == nil {
		t.Fatal("snapshot pointer to a missing blob")
	}
	// a new run resumes from the .incomplete size
	s.SetFaults(hubtest.Faults{})
	s.ResetStats()
	res, err := newClient(s, cache).Download(ctx, synth, hub.DownloadOptions{Files: []string{"weights/big.gguf"}})
	if err != nil {
		t.Fatal(err)
	}
	want := int64(len(files["weights/big.gguf"])) - 100<<10
	if got := s.Stats().BodyBytes; got != want {
		t.Errorf("resumed download sent %d bytes, want %d", got, want)
	}
	if res.Downloaded != want {
		t.Errorf("Downloaded = %d, want %d", res.Downloaded, want)
	}
	b, _ := os.ReadFile(filepath.Join(res.Dir, "weights", "big.gguf"))
	if !bytes.Equal(b, files["weights/big.gguf"]) {
		t.Error("resumed file differs")
	}
}

func TestCorruptionDetected(t *testing.T) {
	s, files := newHub(t, hubtest.Options{})
	cache := t.TempDir()
	s.SetFaults(hubtest.Faults{CorruptEvery: 1})
	c := newClient(s, cache)
	_, err := c.Download(ctx, synth, hub.DownloadOptions{Files: []string{"model.safetensors"}})
	var ie *hub.IntegrityError
	if !errors.As(err, &ie) || !errors.Is(err, hub.ErrIntegrity) {
		t.Fatalf("got %v, want an IntegrityError", err)
	}
	t.Log(err)
	ents, _ := os.ReadDir(filepath.Join(cache, "models--org--synth", "blobs"))
	if len(ents) != 0 {
		t.Errorf("blobs left after a corrupt download: %v", ents)
	}
	// a corrupted first attempt is redone from scratch
	s.SetFaults(hubtest.Faults{CorruptEvery: 2})
	res, err := c.Download(ctx, synth, hub.DownloadOptions{Files: []string{"model.safetensors"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(res.Dir, "model.safetensors"))
	if !bytes.Equal(b, files["model.safetensors"]) {
		t.Error("content differs")
	}
}

func TestRateLimited(t *testing.T) {
	s, _ := newHub(t, hubtest.Options{})
	s.SetFaults(hubtest.Faults{ErrorEvery: 1, ErrorStatus: 429, RetryAfter: "0"})
	c := newClient(s, t.TempDir(), func(o *hub.Options) { o.MaxRetries = 2 })
	_, err := c.Download(ctx, synth, hub.DownloadOptions{})
	var he *hub.Error
	if !errors.Is(err, hub.ErrRateLimited) || !errors.As(err, &he) || he.Retries != 2 {
		t.Fatalf("got %v", err)
	}
	if got := s.Stats().Requests; got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
	if !strings.Contains(err.Error(), "HF_TOKEN") {
		t.Errorf("message gives no fix: %v", err)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	s, _ := newHub(t, hubtest.Options{})
	s.SetFaults(hubtest.Faults{ErrorEvery: 2, ErrorStatus: 503, RetryAfter: "1"})
	c := newClient(s, t.TempDir())
	start := time.Now()
	if _, err := c.RepoInfo(ctx, synth, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RepoInfo(ctx, synth, ""); err != nil { // the 2nd request gets 503, retried after 1s
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %s, the server asked for 1s", d)
	}
}

func TestOffline(t *testing.T) {
	s, files := newHub(t, hubtest.Options{})
	cache := t.TempDir()
	res, err := newClient(s, cache).Download(ctx, synth, hub.DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.ResetStats()
	t.Setenv("HF_HUB_OFFLINE", "1")
	t.Setenv("HF_HUB_CACHE", cache)
	t.Setenv("HF_ENDPOINT", s.URL)
	c := hub.NewClient(hub.Options{NoToken: true})
	if !c.Offline() || c.CacheDir() != cache {
		t.Fatalf("env not read: offline %v cache %s", c.Offline(), c.CacheDir())
	}
	off, err := c.Download(ctx, synth, hub.DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if off.Dir != res.Dir || off.Commit != res.Commit || !off.Offline || len(off.Files) != len(files) {
		t.Errorf("offline result %+v", off)
	}
	off, err = c.Download(ctx, synth, hub.DownloadOptions{Include: []string{"*.json"}})
	if err != nil || len(off.Files) != 2 {
		t.Errorf("offline include: %+v %v", off, err)
	}
	p, err := c.DownloadFile(ctx, synth, "main", "nested/deep/notes.txt", hub.FileOptions{})
	if err != nil || p != filepath.Join(res.Dir, "nested", "deep", "notes.txt") {
		t.Errorf("offline file: %s %v", p, err)
	}
	if _, err := c.DownloadFile(ctx, synth, "main", "nope.txt", hub.FileOptions{}); !errors.Is(err, hub.ErrNotCached) {
		t.Errorf("missing file offline: %v", err)
	}
	_, err = c.Download(ctx, hub.MustParseRepo("org/other"), hub.DownloadOptions{})
	var nc *hub.NotCachedError
	if !errors.As(err, &nc) || !strings.Contains(err.Error(), "HF_HUB_OFFLINE") {
		t.Errorf("uncached repo offline: %v", err)
	}
	if _, err := c.Download(ctx, synth, hub.DownloadOptions{Revision: "v2"}); !errors.Is(err, hub.ErrNotCached) {
		t.Errorf("uncached revision offline: %v", err)
	}
	if st := s.Stats(); st.Requests != 0 {
		t.Errorf("offline mode made %d requests", st.Requests)
	}
}

func TestUnreachableFallsBackToCache(t *testing.T) {
	s, _ := newHub(t, hubtest.Options{})
	cache := t.TempDir()
	res, err := newClient(s, cache).Download(ctx, synth, hub.DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	url := s.URL
	s.Close()
	c := hub.NewClient(hub.Options{Endpoint: url, CacheDir: cache, NoToken: true, MaxRetries: -1})
	off, err := c.Download(ctx, synth, hub.DownloadOptions{})
	if err != nil || off.Dir != res.Dir || !off.Offline {
		t.Fatalf("fallback: %+v %v", off, err)
	}
	p, err := c.DownloadFile(ctx, synth, "main", "config.json", hub.FileOptions{})
	if err != nil || !strings.HasPrefix(p, res.Dir) {
		t.Fatalf("file fallback: %s %v", p, err)
	}
	_, err = c.Download(ctx, hub.MustParseRepo("org/never"), hub.DownloadOptions{})
	var nc *hub.NotCachedError
	if !errors.As(err, &nc) || nc.Err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("uncached repo with the Hub down: %v", err)
	}
}

func TestErrors(t *testing.T) {
	s, _ := newHub(t, hubtest.Options{Tokens: []string{"good", "other"}})
	writeRepo(t, filepath.Join(s.Root(), "org", "gated"), map[string][]byte{"config.json": []byte("{}"), "model.safetensors": []byte("weights")})
	writeRepo(t, filepath.Join(s.Root(), "org", "private"), map[string][]byte{"config.json": []byte("{}")})
	s.SetAccess("org/gated", hubtest.Access{Gated: "manual", Tokens: []string{"good"}})
	s.SetAccess("org/private", hubtest.Access{Private: true, Tokens: []string{"good"}})
	anon := newClient(s, t.TempDir())
	withTok := func(tok string) *hub.Client {
		return newClient(s, t.TempDir(), func(o *hub.Options) { o.Token, o.NoToken = tok, false })
	}
	gated := hub.MustParseRepo("org/gated")

	_, err := anon.Download(ctx, gated, hub.DownloadOptions{})
	wantErr(t, err, hub.ErrGated, 401, s.URL+"/org/gated", "HF_TOKEN")
	_, err = withTok("other").Download(ctx, gated, hub.DownloadOptions{})
	wantErr(t, err, hub.ErrGated, 403, s.URL+"/org/gated", "accept")
	if _, err := withTok("good").Download(ctx, gated, hub.DownloadOptions{}); err != nil {
		t.Errorf("accepted gated: %v", err)
	}

	priv := hub.MustParseRepo("org/private")
	_, err = anon.Download(ctx, priv, hub.DownloadOptions{})
	wantErr(t, err, hub.ErrRepoNotFound, 401, "HF_TOKEN", "private")
	_, err = withTok("other").Download(ctx, priv, hub.DownloadOptions{})
	wantErr(t, err, hub.ErrRepoNotFound, 404, "token", "private")
	if _, err := withTok("good").Download(ctx, priv, hub.DownloadOptions{}); err != nil {
		t.Errorf("private with access: %v", err)
	}

	_, err = anon.Download(ctx, hub.MustParseRepo("org/missing"), hub.DownloadOptions{})
	wantErr(t, err, hub.ErrRepoNotFound, 401, "check the name")
	_, err = withTok("good").Download(ctx, hub.MustParseRepo("org/missing"), hub.DownloadOptions{})
	wantErr(t, err, hub.ErrRepoNotFound, 404, "check the name")
	_, err = withTok("bad").Download(ctx, synth, hub.DownloadOptions{})
	wantErr(t, err, hub.ErrUnauthorized, 401, "invalid or expired", "settings/tokens")

	_, err = anon.Download(ctx, synth, hub.DownloadOptions{Revision: "v9"})
	wantErr(t, err, hub.ErrRevisionNotFound, 404, `"v9"`)
	_, err = anon.DownloadFile(ctx, synth, "v9", "config.json", hub.FileOptions{})
	wantErr(t, err, hub.ErrRevisionNotFound, 404, `"v9"`)

	_, err = anon.Download(ctx, synth, hub.DownloadOptions{Files: []string{"nope.bin"}})
	wantErr(t, err, hub.ErrEntryNotFound, 404, `"nope.bin"`)
	cache := t.TempDir()
	c := newClient(s, cache)
	_, err = c.DownloadFile(ctx, synth, "main", "nope.bin", hub.FileOptions{})
	wantErr(t, err, hub.ErrEntryNotFound, 404, `"nope.bin"`)
	// recorded in .no_exist, so offline knows too
	marker := filepath.Join(cache, "models--org--synth", ".no_exist", s.Commit("org/synth"), "nope.bin")
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("no .no_exist marker: %v", err)
	}
	_, err = hub.NewClient(hub.Options{CacheDir: cache, Offline: true}).DownloadFile(ctx, synth, "main", "nope.bin", hub.FileOptions{})
	if !errors.Is(err, hub.ErrEntryNotFound) {
		t.Errorf("offline .no_exist: %v", err)
	}
}

func wantErr(t *testing.T, err, kind error, status int, inMessage ...string) {
	t.Helper()
	var he *hub.Error
	if !errors.Is(err, kind) || !errors.As(err, &he) {
		t.Errorf("got %v, want %v", err, kind)
		return
	}
	if he.StatusCode != status {
		t.Errorf("%v: status %d, want %d", err, he.StatusCode, status)
	}
	for _, s := range inMessage {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("message %q lacks %q", err, s)
		}
	}
}

func TestUnsafeNamesRejected(t *testing.T) {
	for _, name := range []string{"../evil.txt", "a/../../evil.txt", "/abs/evil.txt", `..\evil.txt`, "ok/\x00evil", "a//b", "C:evil"} {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			s, _ := newHub(t, hubtest.Options{})
			s.InjectFile("org/synth", name, []byte("pwned"))
			base := t.TempDir()
			cache := filepath.Join(base, "cache")
			local := filepath.Join(base, "local")
			c := newClient(s, cache)
			_, err := c.Download(ctx, synth, hub.DownloadOptions{})
			var ue *hub.UnsafePathError
			if !errors.As(err, &ue) || !errors.Is(err, hub.ErrUnsafePath) {
				t.Fatalf("got %v, want an UnsafePathError", err)
			}
			_, err = c.Download(ctx, synth, hub.DownloadOptions{LocalDir: local})
			if !errors.Is(err, hub.ErrUnsafePath) {
				t.Fatalf("local dir: got %v", err)
			}
			filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && strings.Contains(filepath.Base(p), "evil") {
					t.Errorf("wrote %s", p)
				}
				return nil
			})
			if _, err := os.Stat(filepath.Join(filepath.Dir(base), "evil.txt")); err == nil {
				t.Error("escaped the folder")
			}
		})
	}
}

func TestHostileHeaders(t *testing.T) {
	// a server answering with an etag and a commit that are paths
	for _, h := range []map[string]string{
		{"X-Repo-Commit": "0123456789abcdef0123456789abcdef01234567", "ETag": `"../../../evil"`},
		{"X-Repo-Commit": "../../x", "ETag": `"abc"`},
		{"ETag": `"abc"`},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for k, v := range h {
				w.Header().Set(k, v)
			}
			w.Write([]byte("x"))
		}))
		c := hub.NewClient(hub.Options{Endpoint: srv.URL, CacheDir: t.TempDir(), NoToken: true, MaxRetries: -1})
		if _, err := c.DownloadFile(ctx, synth, "main", "f.txt", hub.FileOptions{}); err == nil {
			t.Errorf("headers %v accepted", h)
		}
		srv.Close()
	}
}

func TestLocalDir(t *testing.T) {
	s, files := newHub(t, hubtest.Options{})
	local := t.TempDir()
	cache := t.TempDir()
	c := newClient(s, cache)
	res, err := c.Download(ctx, synth, hub.DownloadOptions{LocalDir: local})
	if err != nil {
		t.Fatal(err)
	}
	if res.Dir != local {
		t.Errorf("dir %s", res.Dir)
	}
	for p, b := range files {
		fp := filepath.Join(local, filepath.FromSlash(p))
		st, err := os.Lstat(fp)
		if err != nil || !st.Mode().IsRegular() {
			t.Fatalf("%s: %v %v", p, st, err)
		}
		got, _ := os.ReadFile(fp)
		if !bytes.Equal(got, b) {
			t.Errorf("%s differs", p)
		}
		md, err := os.ReadFile(filepath.Join(local, ".cache", "huggingface", "download", filepath.FromSlash(p)+".metadata"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(md), "\n")
		if len(lines) != 4 || lines[0] != res.Commit || lines[1] != etagOf(p, b) || lines[3] != "" {
			t.Errorf("%s metadata %q", p, md)
		}
	}
	if gi, err := os.ReadFile(filepath.Join(local, ".cache", "huggingface", ".gitignore")); err != nil || string(gi) != "*" {
		t.Errorf(".gitignore %q %v", gi, err)
	}
	if _, err := os.Stat(filepath.Join(cache, "models--org--synth")); err == nil {
		t.Error("local-dir mode wrote to the cache")
	}
	// second run: nothing downloaded
	s.ResetStats()
	res, err = c.Download(ctx, synth, hub.DownloadOptions{LocalDir: local})
	if err != nil || s.Stats().BodyBytes != 0 || res.Downloaded != 0 {
		t.Errorf("second local run: %v %+v", err, s.Stats())
	}
	// an edited file is fetched again
	os.WriteFile(filepath.Join(local, "config.json"), []byte("edited"), 0o644)
	future := time.Now().Add(5 * time.Second)
	os.Chtimes(filepath.Join(local, "config.json"), future, future)
	if _, err := c.Download(ctx, synth, hub.DownloadOptions{LocalDir: local}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(local, "config.json")); !bytes.Equal(b, files["config.json"]) {
		t.Error("edited file not restored")
	}
	// a local dir filled from the cache copies its blobs
	if _, err := c.Download(ctx, synth, hub.DownloadOptions{}); err != nil {
		t.Fatal(err)
	}
	s.ResetStats()
	local2 := t.TempDir()
	if _, err := c.Download(ctx, synth, hub.DownloadOptions{LocalDir: local2}); err != nil || s.Stats().BodyBytes != 0 {
		t.Errorf("local dir from cache: %v %+v", err, s.Stats())
	}
	// single file, and offline
	p, err := c.DownloadFile(ctx, synth, "main", "nested/deep/notes.txt", hub.FileOptions{LocalDir: t.TempDir()})
	if err != nil || filepath.Base(p) != "notes.txt" {
		t.Errorf("local file: %s %v", p, err)
	}
	off := hub.NewClient(hub.Options{CacheDir: cache, Offline: true})
	if r, err := off.Download(ctx, synth, hub.DownloadOptions{LocalDir: local}); err != nil || len(r.Files) != len(files) {
		t.Errorf("offline local: %+v %v", r, err)
	}
}

func TestFilters(t *testing.T) {
	s, _ := newHub(t, hubtest.Options{})
	c := newClient(s, t.TempDir())
	res, err := c.Download(ctx, synth, hub.DownloadOptions{Include: []string{"*.json", "nested/"}, Exclude: []string{"tokenizer/*"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Files {
		got = append(got, f.Path)
	}
	if strings.Join(got, ",") != "config.json,nested/deep/notes.txt" {
		t.Errorf("filtered files %v", got)
	}
	res, err = c.Download(ctx, synth, hub.DownloadOptions{Files: []string{"README.md", "empty.txt"}})
	if err != nil || len(res.Files) != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	if b, err := os.ReadFile(filepath.Join(res.Dir, "empty.txt")); err != nil || len(b) != 0 {
		t.Errorf("empty file: %q %v", b, err)
	}
}

func TestDatasetAndRenamedRepo(t *testing.T) {
	s, files := newHub(t, hubtest.Options{})
	ds := t.TempDir()
	writeRepo(t, ds, map[string][]byte{"data/train.parquet": []byte("PAR1...PAR1"), "README.md": []byte("# ds")})
	if err := s.AddRepo("datasets/org/ds", ds); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	c := newClient(s, cache)
	res, err := c.Download(ctx, hub.MustParseRepo("datasets/org/ds"), hub.DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Dir, "datasets--org--ds") || len(res.Files) != 2 {
		t.Errorf("dataset: %+v", res)
	}
	// a renamed repository: the old name redirects (relative 307)
	s.Rename("org/synth", "org/synth-v2")
	res, err = c.Download(ctx, synth, hub.DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != len(files) {
		t.Errorf("renamed: %d files", len(res.Files))
	}
}

func TestTreePagination(t *testing.T) {
	s, files := newHub(t, hubtest.Options{TreePageSize: 2})
	c := newClient(s, t.TempDir())
	entries, err := c.ListFiles(ctx, synth, "main")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Path)
		}
	}
	var want []string
	for p := range files {
		want = append(want, p)
	}
	sort.Strings(want)
	sort.Strings(names)
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("paginated listing %v, want %v", names, want)
	}
	info, err := c.RepoInfo(ctx, synth, "main")
	if err != nil || len(info.Siblings) != len(files) || info.SHA != s.Commit("org/synth") {
		t.Fatalf("%+v %v", info, err)
	}
	for _, sib := range info.Siblings {
		if sib.Size == nil || int(*sib.Size) != len(files[sib.RFilename]) {
			t.Errorf("%s: size %v", sib.RFilename, sib.Size)
		}
		if isLFS(sib.RFilename, len(files[sib.RFilename])) != (sib.LFS != nil) {
			t.Errorf("%s: lfs %v", sib.RFilename, sib.LFS)
		}
	}
	pi, err := c.PathsInfo(ctx, synth, "main", []string{"model.safetensors", "nested", "missing"})
	if err != nil || len(pi) != 2 || pi[0].LFS == nil || !pi[1].IsDir() {
		t.Errorf("paths-info %+v %v", pi, err)
	}
	m, err := c.FileMetadata(ctx, synth, "main", "model.safetensors")
	if err != nil || !m.LFS || m.ETag != etagOf("model.safetensors", files["model.safetensors"]) || m.Size != 300_000 || !strings.HasPrefix(m.Location, s.CDNURL) {
		t.Errorf("LFS metadata %+v %v", m, err)
	}
	m, err = c.FileMetadata(ctx, synth, "main", "config.json")
	if err != nil || m.LFS || m.ETag != etagOf("config.json", files["config.json"]) || m.Size != int64(len(files["config.json"])) || !strings.Contains(m.Location, "/api/resolve-cache/") {
		t.Errorf("regular metadata %+v %v", m, err)
	}
}

func TestConcurrentProcessesShareBlobs(t *testing.T) {
	s, files := newHub(t, hubtest.Options{})
	s.SetFaults(hubtest.Faults{BytesPerSecond: 8 << 20})
	cache := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = newClient(s, cache).Download(ctx, synth, hub.DownloadOptions{})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var total int64
	for _, b := range files {
		total += int64(len(b))
	}
	if got := s.Stats().BodyBytes; got != total {
		t.Errorf("three concurrent clients fetched %d bytes, want %d (each blob once)", got, total)
	}
	checkLayout(t, cache, synth, s.Commit("org/synth"), files)
}

func TestTokenAndCacheFromEnv(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HF_HOME", home)
	t.Setenv("HF_TOKEN", "")
	t.Setenv("HUGGING_FACE_HUB_TOKEN", "")
	t.Setenv("HF_TOKEN_PATH", "")
	t.Setenv("HF_HUB_CACHE", "")
	t.Setenv("HUGGINGFACE_HUB_CACHE", "")
	t.Setenv("HF_ENDPOINT", "")
	if hub.TokenFromEnv() != "" {
		t.Error("token from nowhere")
	}
	os.WriteFile(filepath.Join(home, "token"), []byte("hf_file\n"), 0o600)
	if got := hub.TokenFromEnv(); got != "hf_file" {
		t.Errorf("token file: %q", got)
	}
	t.Setenv("HF_TOKEN", "hf_env")
	if got := hub.TokenFromEnv(); got != "hf_env" {
		t.Errorf("HF_TOKEN: %q", got)
	}
	c := hub.NewClient(hub.Options{})
	if c.CacheDir() != filepath.Join(home, "hub") || c.Endpoint() != hub.DefaultEndpoint || !c.HasToken() {
		t.Errorf("defaults: %s %s %v", c.CacheDir(), c.Endpoint(), c.HasToken())
	}
	t.Setenv("HF_HUB_CACHE", "/x/cache")
	t.Setenv("HF_ENDPOINT", "http://mirror.local/")
	c = hub.NewClient(hub.Options{Token: "opt"})
	if c.CacheDir() != "/x/cache" || c.Endpoint() != "http://mirror.local" {
		t.Errorf("env: %s %s", c.CacheDir(), c.Endpoint())
	}
	// the token reaches the server (private repo readable)
	s, _ := newHub(t, hubtest.Options{Tokens: []string{"hf_env"}})
	s.SetAccess("org/synth", hubtest.Access{Private: true, Tokens: []string{"hf_env"}})
	t.Setenv("HF_ENDPOINT", s.URL)
	t.Setenv("HF_HUB_CACHE", t.TempDir())
	if _, err := hub.NewClient(hub.Options{}).Download(ctx, synth, hub.DownloadOptions{}); err != nil {
		t.Errorf("token from HF_TOKEN not sent: %v", err)
	}
}

func TestUploadRoundTrip(t *testing.T) {
	s := hubtest.NewTB(t, hubtest.Options{Root: t.TempDir(), Tokens: []string{"writer"}, MultipartThreshold: 1 << 20, MultipartChunkSize: 300 << 10})
	src := t.TempDir()
	files := synthFiles()
	writeRepo(t, src, files)
	up := newClient(s, t.TempDir(), func(o *hub.Options) { o.Token, o.NoToken = "writer", false })
	repo := hub.MustParseRepo("me/new-model")
	toUpload, err := hub.CollectUploadFiles(src)
	if err != nil {
		t.Fatal(err)
	}
	var phases sync.Map
	info, err := up.Upload(ctx, repo, toUpload, hub.UploadOptions{Create: true, Message: "first", Progress: func(p hub.Progress) { phases.Store(p.Phase, true) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Uploaded) != 2 || len(info.Skipped) != 0 || len(info.Regular) != 5 || info.Commit == "" {
		t.Errorf("commit info %+v", info)
	}
	for _, ph := range []hub.Phase{hub.PhaseHashing, hub.PhaseStart, hub.PhaseDone, hub.PhaseCommit} {
		if _, ok := phases.Load(ph); !ok {
			t.Errorf("no %s progress event", ph)
		}
	}
	st := s.Stats()
	// big.gguf in ceil((3 MiB + 12345) / 300 KiB) = 11 parts, plus one basic PUT
	if st.Uploads != 12 || st.Commits != 1 {
		t.Errorf("upload stats %+v", st)
	}
	if s.Commit("me/new-model") != info.Commit {
		t.Errorf("served commit %s, upload said %s", s.Commit("me/new-model"), info.Commit)
	}
	// the served tree really changed: on disk too
	if b, err := os.ReadFile(filepath.Join(s.Root(), "me", "new-model", "weights", "big.gguf")); err != nil || !bytes.Equal(b, files["weights/big.gguf"]) {
		t.Errorf("not on disk: %v", err)
	}
	// round trip
	cache := t.TempDir()
	res, err := newClient(s, cache).Download(ctx, repo, hub.DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	files[".gitattributes"], _ = os.ReadFile(filepath.Join(s.Root(), "me", "new-model", ".gitattributes"))
	checkLayout(t, cache, repo, info.Commit, files)
	if res.Commit != info.Commit {
		t.Errorf("downloaded %s", res.Commit)
	}
	// uploading again: LFS objects are already there, nothing is re-sent
	s.ResetStats()
	files2 := map[string][]byte{"config.json": []byte(`{"v":2}`)}
	writeRepo(t, src, files2)
	toUpload, _ = hub.CollectUploadFiles(src)
	info2, err := up.Upload(ctx, repo, toUpload, hub.UploadOptions{Message: "second"})
	if err != nil {
		t.Fatal(err)
	}
	if len(info2.Skipped) != 2 || len(info2.Uploaded) != 0 || s.Stats().Uploads != 0 || info2.Commit == info.Commit {
		t.Errorf("second upload %+v %+v", info2, s.Stats())
	}
	res, err = newClient(s, cache).Download(ctx, repo, hub.DownloadOptions{})
	if err != nil || res.Commit != info2.Commit {
		t.Fatal(res, err)
	}
	if b, _ := os.ReadFile(filepath.Join(res.Dir, "config.json")); string(b) != `{"v":2}` {
		t.Errorf("new config %q", b)
	}
	// the old commit stays downloadable
	old, err := newClient(s, t.TempDir()).Download(ctx, repo, hub.DownloadOptions{Revision: info.Commit, Files: []string{"config.json"}})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(old.Dir, "config.json")); !bytes.Equal(b, files["config.json"]) {
		t.Errorf("old config %q", b)
	}
	// deletion and a stale parent commit
	info3, err := up.Upload(ctx, repo, nil, hub.UploadOptions{Delete: []string{"nested/"}, ParentCommit: info2.Commit})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := up.Upload(ctx, repo, nil, hub.UploadOptions{Delete: []string{"README.md"}, ParentCommit: info2.Commit}); err == nil {
		t.Error("a commit on a stale parent succeeded")
	}
	entries, _ := newClient(s, t.TempDir()).ListFiles(ctx, repo, info3.Commit)
	for _, e := range entries {
		if strings.HasPrefix(e.Path, "nested") {
			t.Errorf("%s not deleted", e.Path)
		}
	}
	// without a token, or with a bad one
	if _, err := newClient(s, t.TempDir()).Upload(ctx, repo, toUpload, hub.UploadOptions{}); err == nil || !strings.Contains(err.Error(), "HF_TOKEN") {
		t.Errorf("upload without a token: %v", err)
	}
	bad := newClient(s, t.TempDir(), func(o *hub.Options) { o.Token, o.NoToken = "bad", false })
	if _, err := bad.Upload(ctx, repo, toUpload, hub.UploadOptions{}); !errors.Is(err, hub.ErrUnauthorized) {
		t.Errorf("upload with a bad token: %v", err)
	}
	// CreateRepo: existing
	if _, err := up.CreateRepo(ctx, repo, hub.CreateRepoOptions{}); err == nil {
		t.Error("creating an existing repo succeeded")
	}
	if u, err := up.CreateRepo(ctx, repo, hub.CreateRepoOptions{ExistOK: true}); err != nil || u != s.URL+"/me/new-model" {
		t.Errorf("exist ok: %s %v", u, err)
	}
}

func TestUploadSurvivesFaults(t *testing.T) {
	s := hubtest.NewTB(t, hubtest.Options{Root: t.TempDir(), MultipartThreshold: 1 << 20, MultipartChunkSize: 512 << 10})
	files := synthFiles()
	src := t.TempDir()
	writeRepo(t, src, files)
	up := newClient(s, t.TempDir(), func(o *hub.Options) { o.Token, o.NoToken = "tok", false; o.MaxRetries = 10 })
	repo := hub.MustParseRepo("me/flaky")
	if _, err := up.CreateRepo(ctx, repo, hub.CreateRepoOptions{}); err != nil {
		t.Fatal(err)
	}
	s.SetFaults(hubtest.Faults{ErrorEvery: 5, ErrorStatus: 502, RetryAfter: "0"})
	toUpload, _ := hub.CollectUploadFiles(src)
	var info *hub.CommitInfo
	var err error
	for range 5 { // a commit is not retried by the client: the caller re-runs the upload (resumable)
		if info, err = up.Upload(ctx, repo, toUpload, hub.UploadOptions{}); err == nil {
			break
		}
		t.Log("retrying the upload:", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if s.Stats().Injected == 0 {
		t.Error("no fault injected")
	}
	s.SetFaults(hubtest.Faults{})
	cache := t.TempDir()
	if _, err := newClient(s, cache).Download(ctx, repo, hub.DownloadOptions{}); err != nil {
		t.Fatal(err)
	}
	files[".gitattributes"], _ = os.ReadFile(filepath.Join(s.Root(), "me", "flaky", ".gitattributes"))
	checkLayout(t, cache, repo, info.Commit, files)
}
