package hubtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func setup(t *testing.T, opts Options) (*Server, []byte) {
	t.Helper()
	if opts.Root == "" {
		opts.Root = t.TempDir()
	}
	dir := filepath.Join(opts.Root, "org", "m")
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	weights := bytes.Repeat([]byte("0123456789"), 30_000)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"a":1}`), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "x.txt"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "model.safetensors"), weights, 0o644)
	return NewTB(t, opts), weights
}

func do(t *testing.T, method, url string, hdr ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

var hex40 = regexp.MustCompile(`^[0-9a-f]{40}$`)

func TestResolveHeaders(t *testing.T) {
	s, weights := setup(t, Options{})
	sum := sha256.Sum256(weights)
	sha := hex.EncodeToString(sum[:])
	r := do(t, "HEAD", s.URL+"/org/m/resolve/main/model.safetensors")
	h := r.Header
	if r.StatusCode != 302 || !strings.HasPrefix(h.Get("Location"), s.CDNURL+"/repos/") || h.Get("X-Linked-Etag") != `"`+sha+`"` ||
		h.Get("X-Linked-Size") != fmt.Sprint(len(weights)) || !hex40.MatchString(h.Get("X-Repo-Commit")) || !hex40.MatchString(strings.Trim(h.Get("ETag"), `"`)) {
		t.Fatalf("LFS HEAD: %d %v", r.StatusCode, h)
	}
	// the CDN serves ranges, and refuses a tampered signature
	r = do(t, "GET", h.Get("Location"), "Range", "bytes=10-19")
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 206 || r.Header.Get("Content-Range") != fmt.Sprintf("bytes 10-19/%d", len(weights)) || string(b) != "0123456789" {
		t.Errorf("CDN range: %d %v %q", r.StatusCode, r.Header, b)
	}
	if r := do(t, "GET", strings.Replace(h.Get("Location"), "Signature=", "Signature=0", 1)); r.StatusCode != 403 {
		t.Errorf("tampered URL: %d", r.StatusCode)
	}
	// a regular file: relative 307 to the resolve cache, then 200 with the git blob id
	r = do(t, "HEAD", s.URL+"/org/m/resolve/main/config.json")
	loc := r.Header.Get("Location")
	if r.StatusCode != 307 || !strings.HasPrefix(loc, "/api/resolve-cache/models/org/m/") || r.Header.Get("X-Linked-Etag") != `"daa5053ecf5f9a37b2de733d0751cc1ab53ac010"` {
		t.Fatalf("regular HEAD: %d %v", r.StatusCode, r.Header)
	}
	r = do(t, "GET", s.URL+loc, "Range", "bytes=1-")
	b, _ = io.ReadAll(r.Body)
	if r.StatusCode != 206 || string(b) != `"a":1}` || r.Header.Get("ETag") != `"daa5053ecf5f9a37b2de733d0751cc1ab53ac010"` {
		t.Errorf("resolve cache: %d %v %q", r.StatusCode, r.Header, b)
	}
	if r := do(t, "GET", s.URL+loc, "Range", "bytes=100-"); r.StatusCode != 416 {
		t.Errorf("unsatisfiable range: %d", r.StatusCode)
	}
	// the commit of a full or short hash
	commit := h.Get("X-Repo-Commit")
	for _, rev := range []string{commit, commit[:7], "HEAD"} {
		if r := do(t, "HEAD", s.URL+"/org/m/resolve/"+rev+"/config.json"); r.Header.Get("X-Repo-Commit") != commit {
			t.Errorf("rev %s: %v", rev, r.Header)
		}
	}
}

func TestErrorCodes(t *testing.T) {
	s, _ := setup(t, Options{Tokens: []string{"t1", "t2"}})
	s.SetAccess("org/m", Access{Gated: "manual", Tokens: []string{"t1"}})
	for _, c := range []struct {
		url, token, code string
		status           int
	}{
		{"/org/none/resolve/main/x", "", "", 401},
		{"/org/none/resolve/main/x", "t1", "RepoNotFound", 404},
		{"/api/models/org/none", "", "", 401},
		{"/org/m/resolve/main/x", "t1", "EntryNotFound", 404},
		{"/org/m/resolve/nope/config.json", "t1", "RevisionNotFound", 404},
		{"/api/models/org/m/revision/nope", "", "RevisionNotFound", 404},
		{"/org/m/resolve/main/config.json", "", "GatedRepo", 401},
		{"/org/m/resolve/main/config.json", "t2", "GatedRepo", 403},
		{"/org/m/resolve/main/config.json", "t1", "", 307},
		{"/api/models/org/m", "", "", 200}, // gated metadata is public
		{"/org/m/resolve/main/config.json", "bad", "", 401},
	} {
		var hdr []string
		if c.token != "" {
			hdr = []string{"Authorization", "Bearer " + c.token}
		}
		r := do(t, "HEAD", s.URL+c.url, hdr...)
		if r.StatusCode != c.status || r.Header.Get("X-Error-Code") != c.code {
			t.Errorf("%s (token %q): %d %q, want %d %q", c.url, c.token, r.StatusCode, r.Header.Get("X-Error-Code"), c.status, c.code)
		}
		if c.code == "EntryNotFound" && !hex40.MatchString(r.Header.Get("X-Repo-Commit")) {
			t.Errorf("EntryNotFound without X-Repo-Commit")
		}
	}
	r := do(t, "GET", s.URL+"/api/models/org/m/revision/nope")
	b, _ := io.ReadAll(r.Body)
	if !strings.Contains(string(b), `"error":"Invalid rev id: nope"`) {
		t.Errorf("body %s", b)
	}
}

func TestCommitsFollowContent(t *testing.T) {
	root := t.TempDir()
	s1, _ := setup(t, Options{Root: root})
	c1 := s1.Commit("org/m")
	s2 := NewTB(t, Options{Root: root})
	if s2.Commit("org/m") != c1 {
		t.Error("same content, different commit")
	}
	// a change on disk makes a new commit; the old one still resolves
	os.WriteFile(filepath.Join(root, "org", "m", "sub", "x.txt"), []byte("changed"), 0o644)
	os.Chtimes(filepath.Join(root, "org", "m", "sub", "x.txt"), time.Now().Add(time.Second), time.Now().Add(time.Second))
	c2 := s1.Commit("org/m")
	if c2 == c1 {
		t.Fatal("content changed, same commit")
	}
	r := do(t, "GET", s1.URL+"/api/models/org/m/revision/"+c1)
	var info struct {
		SHA string
	}
	json.NewDecoder(r.Body).Decode(&info)
	if info.SHA != c1 {
		t.Errorf("old commit: %+v", info)
	}
}

func TestTreeAPI(t *testing.T) {
	s, weights := setup(t, Options{TreePageSize: 2})
	var all []map[string]any
	url := s.URL + "/api/models/org/m/tree/main?recursive=true&expand=true"
	for pages := 0; url != ""; pages++ {
		r := do(t, "GET", url)
		var page []map[string]any
		json.NewDecoder(r.Body).Decode(&page)
		all = append(all, page...)
		url = ""
		if l := r.Header.Get("Link"); l != "" {
			url = strings.TrimSuffix(strings.TrimPrefix(strings.Split(l, ";")[0], "<"), ">")
		}
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
	}
	var paths []string
	for _, e := range all {
		paths = append(paths, e["type"].(string)+":"+e["path"].(string))
		if e["path"] == "model.safetensors" {
			lfs := e["lfs"].(map[string]any)
			if lfs["size"].(float64) != float64(len(weights)) || lfs["pointerSize"].(float64) < 100 || e["lastCommit"] == nil {
				t.Errorf("LFS entry %v", e)
			}
		}
	}
	if strings.Join(paths, ",") != "file:config.json,file:model.safetensors,directory:sub,file:sub/x.txt" {
		t.Errorf("tree %v", paths)
	}
	r := do(t, "GET", s.URL+"/api/models/org/m/tree/main/sub")
	b, _ := io.ReadAll(r.Body)
	if !strings.Contains(string(b), `"path":"sub/x.txt"`) || strings.Contains(string(b), "config.json") {
		t.Errorf("subfolder listing %s", b)
	}
}

func TestFlakyBodies(t *testing.T) {
	s, weights := setup(t, Options{})
	s.SetFaults(Faults{DropEvery: 2, DropAfter: 1000})
	loc := do(t, "HEAD", s.URL+"/org/m/resolve/main/model.safetensors").Header.Get("Location")
	for i := 1; i <= 4; i++ {
		resp, err := http.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if i%2 == 0 && (err == nil || len(b) != 1000) {
			t.Errorf("response %d not cut: %d bytes, %v", i, len(b), err)
		}
		if i%2 == 1 && (err != nil || !bytes.Equal(b, weights)) {
			t.Errorf("response %d: %d bytes, %v", i, len(b), err)
		}
	}
	s.SetFaults(Faults{BytesPerSecond: 1 << 20})
	start := time.Now()
	resp, _ := http.Get(loc)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("300 kB at 1 MiB/s took %s", d)
	}
}
