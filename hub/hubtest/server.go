// Package hubtest is an in-process fake Hugging Face Hub for tests (and,
// through scripts/fakehub, by hand). It serves model folders from disk the
// way huggingface.co serves repositories:
//
//   - every ROOT/ORG/NAME folder is the model repo ORG/NAME, at a commit
//     whose hash derives from the folder's content (a change on disk, or a
//     commit through the API, makes a new commit; older commits stay
//     servable);
//   - GET /api/{models,datasets,spaces}/{repo}[/revision/{rev}] (blobs=true
//     adds sizes and LFS data), /tree/{rev}[/{path}] (recursive, expand,
//     Link pagination), POST /paths-info/{rev}, GET /refs, GET
//     /api/whoami-v2;
//   - HEAD|GET /{repo}/resolve/{rev}/{path}: LFS files (≥ 10 MiB or a
//     weights extension: .safetensors, .gguf, .bin, …; sha256 oid) answer 302
//     to a signed URL on a second, CDN-like listener; regular files answer a
//     relative 307 to /api/resolve-cache/… (as huggingface.co does now), then
//     200; with X-Repo-Commit, ETag, X-Linked-Etag, X-Linked-Size, Range
//     support, and X-Error-Code / X-Error-Message on errors (RepoNotFound,
//     RevisionNotFound, EntryNotFound, GatedRepo);
//   - private and gated repositories (SetAccess), renamed ones (Rename:
//     relative 307 from the old name), tokens (Options.Tokens);
//   - uploads: POST /api/repos/create, /preupload/{rev}, the LFS batch API
//     ({repo}.git/info/lfs/objects/batch) with basic and multipart transfers
//     (PUT parts to signed URLs, POST the completion), and the NDJSON
//     /commit/{rev}, which writes the files into the folder and makes a new
//     commit;
//   - faults (SetFaults): responses cut after K bytes, stalls, corrupted
//     bytes, 5xx/429 with Retry-After, latency and a bandwidth cap.
//
// Stats counts requests so tests can check what a client did.
package hubtest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Options configure a Server.
type Options struct {
	// Root holds the model repositories: ROOT/ORG/NAME is ORG/NAME. Repos
	// created through the API go there too ("" : a temporary folder).
	Root string
	// Addr and CDNAddr are the listen addresses (default 127.0.0.1:0).
	Addr, CDNAddr string
	// Tokens are the valid access tokens; when empty any token is valid.
	Tokens []string
	// LFSThreshold: files at least this large are LFS (default 10 MiB).
	LFSThreshold int64
	// MultipartThreshold: LFS uploads at least this large get a multipart
	// transfer (default 64 MiB), in MultipartChunkSize parts (default 16 MiB).
	MultipartThreshold int64
	MultipartChunkSize int64
	// TreePageSize is the number of tree entries per page (default 1000).
	TreePageSize int
	// URLExpiry is the lifetime of signed CDN URLs (default 1 hour).
	URLExpiry time.Duration
	// NoResolveCache serves regular files directly from /resolve/ instead of
	// redirecting to /api/resolve-cache/.
	NoResolveCache bool
	// Logf, when set, receives one line per request.
	Logf func(format string, args ...any)
}

// Faults make the server misbehave, to test a client's resilience. Every
// "Nth" counts the responses of its kind since SetFaults.
type Faults struct {
	// DropEvery cuts every Nth file body (resolve GET, CDN GET) after
	// DropAfter bytes (default 64 KiB) by closing the connection.
	DropEvery int
	DropAfter int64
	// StallEvery stalls every Nth file body for StallFor after DropAfter
	// bytes.
	StallEvery int
	StallFor   time.Duration
	// CorruptEvery flips a byte in every Nth file body.
	CorruptEvery int
	// ErrorEvery answers every Nth request (of any kind) with ErrorStatus
	// (default 503) and the Retry-After header RetryAfter (if not "").
	ErrorEvery  int
	ErrorStatus int
	RetryAfter  string
	// Latency delays every request; BytesPerSecond caps each file body.
	Latency        time.Duration
	BytesPerSecond int64
}

// Stats counts what the server answered.
type Stats struct {
	Requests   int64 // all requests, both listeners
	API        int64 // /api/… requests
	Heads      int64 // HEAD on /resolve/
	Gets       int64 // GET on /resolve/ and /api/resolve-cache/
	CDNGets    int64 // GET on the CDN listener
	BodyBytes  int64 // file bytes sent
	Uploads    int64 // PUTs of LFS objects and parts
	Commits    int64 // commits made through the API
	Errors     int64 // responses ≥ 400
	Injected   int64 // faults injected
	RangeGets  int64 // file GETs with a Range header
	FileBodies int64 // file bodies started
}

// Server is a fake Hub. URL is its endpoint (for HF_ENDPOINT).
type Server struct {
	URL    string
	CDNURL string

	opts    Options
	hub     *httptest.Server
	cdn     *httptest.Server
	key     []byte
	store   string // content store: uploaded, injected and preserved files
	tmp     string
	ownRoot bool

	mu       sync.Mutex
	repos    map[string]*repo  // kind:id
	renamed  map[string]string // kind:old → new id
	blobs    map[string][]source
	uploads  map[string]*pendingUpload
	faults   Faults
	counters struct{ body, req atomic.Int64 }
	clock    func() time.Time

	stats struct {
		requests, api, heads, gets, cdnGets, bodyBytes, uploads, commits, errors, injected, rangeGets, bodies atomic.Int64
	}
}

// New starts a fake Hub.
func New(opts Options) (*Server, error) {
	if opts.LFSThreshold <= 0 {
		opts.LFSThreshold = 10 << 20
	}
	if opts.MultipartThreshold <= 0 {
		opts.MultipartThreshold = 64 << 20
	}
	if opts.MultipartChunkSize <= 0 {
		opts.MultipartChunkSize = 16 << 20
	}
	if opts.TreePageSize <= 0 {
		opts.TreePageSize = 1000
	}
	if opts.URLExpiry <= 0 {
		opts.URLExpiry = time.Hour
	}
	tmp, err := os.MkdirTemp("", "hubtest-")
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:    opts,
		tmp:     tmp,
		store:   filepath.Join(tmp, "store"),
		repos:   map[string]*repo{},
		renamed: map[string]string{},
		blobs:   map[string][]source{},
		uploads: map[string]*pendingUpload{},
		clock:   time.Now,
	}
	s.key = make([]byte, 32)
	rand.Read(s.key)
	if s.opts.Root == "" {
		s.opts.Root = filepath.Join(tmp, "models")
		s.ownRoot = true
	}
	for _, d := range []string{s.store, filepath.Join(tmp, "uploads"), s.opts.Root} {
		if err := os.MkdirAll(d, 0o755); err != nil && d != s.opts.Root {
			os.RemoveAll(tmp)
			return nil, err
		}
	}
	if err := s.scanRoot(); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	s.hub, err = start(opts.Addr, http.HandlerFunc(s.serveHub))
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	s.cdn, err = start(opts.CDNAddr, http.HandlerFunc(s.serveCDN))
	if err != nil {
		s.hub.Close()
		os.RemoveAll(tmp)
		return nil, err
	}
	s.URL, s.CDNURL = s.hub.URL, s.cdn.URL
	return s, nil
}

// NewTB starts a fake Hub closed when the test ends.
func NewTB(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

func start(addr string, h http.Handler) (*httptest.Server, error) {
	srv := httptest.NewUnstartedServer(h)
	if addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, err
		}
		srv.Listener.Close()
		srv.Listener = l
	}
	srv.Start()
	return srv, nil
}

// Close stops the server and removes its temporary files.
func (s *Server) Close() {
	s.hub.CloseClientConnections()
	s.cdn.CloseClientConnections()
	s.hub.Close()
	s.cdn.Close()
	os.RemoveAll(s.tmp)
}

// Root is the folder holding the model repositories.
func (s *Server) Root() string { return s.opts.Root }

// scanRoot registers every ROOT/ORG/NAME folder as a model repository.
func (s *Server) scanRoot() error {
	orgs, err := os.ReadDir(s.opts.Root)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if !o.IsDir() || strings.HasPrefix(o.Name(), ".") {
			continue
		}
		names, err := os.ReadDir(filepath.Join(s.opts.Root, o.Name()))
		if err != nil {
			continue
		}
		for _, n := range names {
			if !n.IsDir() || strings.HasPrefix(n.Name(), ".") {
				continue
			}
			id := o.Name() + "/" + n.Name()
			if _, ok := s.repos["model:"+id]; ok {
				continue
			}
			s.repos["model:"+id] = &repo{kind: "model", id: id, dir: filepath.Join(s.opts.Root, o.Name(), n.Name()),
				commits: map[string]*commit{}, created: s.now()}
		}
	}
	return nil
}

func (s *Server) now() time.Time { return s.clock().UTC().Truncate(time.Millisecond) }

// parseRepo splits "datasets/org/name" (or "org/name", a model).
func parseRepo(name string) (kind, id string) {
	parts := strings.Split(strings.Trim(name, "/"), "/")
	if len(parts) == 3 {
		return strings.TrimSuffix(parts[0], "s"), parts[1] + "/" + parts[2]
	}
	return "model", strings.Join(parts, "/")
}

// AddRepo serves dir as a repository: "org/name" (a model),
// "datasets/org/name" or "spaces/org/name".
func (s *Server) AddRepo(name, dir string) error {
	kind, id := parseRepo(name)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("hubtest: %s is not a folder", dir)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repos[kind+":"+id] = &repo{kind: kind, id: id, dir: dir, commits: map[string]*commit{}, created: s.now()}
	return nil
}

func (s *Server) lookup(kind, id string) *repo {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repos[kind+":"+id]
	org, name, _ := strings.Cut(id, "/")
	if r == nil && kind == "model" && s.opts.Root != "" && validName(org) && validName(name) {
		// a folder created on disk since the start
		if st, err := os.Stat(filepath.Join(s.opts.Root, filepath.FromSlash(id))); err == nil && st.IsDir() && strings.Count(id, "/") == 1 {
			r = &repo{kind: "model", id: id, dir: filepath.Join(s.opts.Root, filepath.FromSlash(id)), commits: map[string]*commit{}, created: s.now()}
			s.repos["model:"+id] = r
		}
	}
	return r
}

func (s *Server) mustRepo(name string) *repo {
	kind, id := parseRepo(name)
	r := s.lookup(kind, id)
	if r == nil {
		panic("hubtest: no repository " + name)
	}
	return r
}

// Access sets who may read a repository.
type Access struct {
	Private bool
	// Gated is "", "auto" or "manual": files need a token in Tokens.
	Gated string
	// Tokens may read the private repo / have accepted the gated one's
	// conditions.
	Tokens []string
}

// SetAccess makes a repository private or gated.
func (s *Server) SetAccess(name string, a Access) {
	r := s.mustRepo(name)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.private, r.gated = a.Private, a.Gated
	r.access = map[string]bool{}
	for _, t := range a.Tokens {
		r.access[t] = true
	}
}

// Rename moves a repository; the old name answers with a relative 307 to
// the new one.
func (s *Server) Rename(oldName, newName string) {
	kind, oldID := parseRepo(oldName)
	_, newID := parseRepo(newName)
	r := s.mustRepo(oldName)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.repos, kind+":"+oldID)
	r.mu.Lock()
	r.id = newID
	r.mu.Unlock()
	s.repos[kind+":"+newID] = r
	s.renamed[kind+":"+oldID] = newID
}

// Commit returns the repository's current head commit.
func (s *Server) Commit(name string) string {
	r := s.mustRepo(name)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := s.sync(r); err != nil {
		panic(err)
	}
	return r.head.id
}

// InjectFile adds a file with any name (even "../evil") to the served tree
// without touching the disk: for testing how clients treat hostile names.
func (s *Server) InjectFile(name, filePath string, content []byte) string {
	r := s.mustRepo(name)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := s.sync(r); err != nil {
		panic(err)
	}
	e := newEntryFromBytes(s, filePath, content)
	src, err := s.storeBytes(e.sha256, content)
	if err != nil {
		panic(err)
	}
	e.src, e.virtual = src, true
	files := cloneFiles(r.head.files)
	files[filePath] = e
	return s.addCommit(r, files, "Add "+filePath).id
}

func cloneFiles(m map[string]*entry) map[string]*entry {
	out := make(map[string]*entry, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// SetFaults replaces the fault settings (the zero Faults: none).
func (s *Server) SetFaults(f Faults) {
	if f.DropAfter <= 0 {
		f.DropAfter = 64 << 10
	}
	if f.ErrorStatus == 0 {
		f.ErrorStatus = http.StatusServiceUnavailable
	}
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
	s.counters.body.Store(0)
	s.counters.req.Store(0)
}

func (s *Server) getFaults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	st := &s.stats
	return Stats{
		Requests: st.requests.Load(), API: st.api.Load(), Heads: st.heads.Load(), Gets: st.gets.Load(),
		CDNGets: st.cdnGets.Load(), BodyBytes: st.bodyBytes.Load(), Uploads: st.uploads.Load(), Commits: st.commits.Load(),
		Errors: st.errors.Load(), Injected: st.injected.Load(), RangeGets: st.rangeGets.Load(), FileBodies: st.bodies.Load(),
	}
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() {
	st := &s.stats
	for _, c := range []*atomic.Int64{&st.requests, &st.api, &st.heads, &st.gets, &st.cdnGets, &st.bodyBytes, &st.uploads,
		&st.commits, &st.errors, &st.injected, &st.rangeGets, &st.bodies} {
		c.Store(0)
	}
}

// ---- content store ----

func (s *Server) registerSource(sha string, src source) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.blobs[sha] {
		if o == src {
			return
		}
	}
	s.blobs[sha] = append(s.blobs[sha], src)
}

// findBlob returns a valid source for a sha256.
func (s *Server) findBlob(sha string) (source, bool) {
	s.mu.Lock()
	cands := append([]source(nil), s.blobs[sha]...)
	s.mu.Unlock()
	for i := len(cands) - 1; i >= 0; i-- {
		if cands[i].valid() {
			return cands[i], true
		}
	}
	return source{}, false
}

func (s *Server) entrySource(e *entry) (source, bool) {
	if e.src.valid() {
		return e.src, true
	}
	return s.findBlob(e.sha256)
}

func (s *Server) storeBytes(sha string, b []byte) (source, error) {
	p := filepath.Join(s.store, sha)
	if err := os.WriteFile(p+".tmp", b, 0o644); err != nil {
		return source{}, err
	}
	return s.storeFile(sha, p+".tmp")
}

// storeFile moves a verified temporary file into the store.
func (s *Server) storeFile(sha, tmp string) (source, error) {
	p := filepath.Join(s.store, sha)
	if err := os.Rename(tmp, p); err != nil {
		return source{}, err
	}
	st, err := os.Stat(p)
	if err != nil {
		return source{}, err
	}
	src := source{path: p, size: st.Size(), mtime: st.ModTime()}
	s.registerSource(sha, src)
	return src, nil
}

// preserve copies a disk file into the store before it is overwritten or
// deleted, so older commits stay servable.
func (s *Server) preserve(e *entry) {
	if e == nil || e.src.path == "" || strings.HasPrefix(e.src.path, s.store+string(filepath.Separator)) {
		return
	}
	if src, ok := s.findBlob(e.sha256); ok && strings.HasPrefix(src.path, s.store+string(filepath.Separator)) {
		return
	}
	in, err := os.Open(e.src.path)
	if err != nil {
		return
	}
	defer in.Close()
	tmp := filepath.Join(s.store, e.sha256+".tmp")
	out, err := os.Create(tmp)
	if err != nil {
		return
	}
	_, err = io.Copy(out, in)
	out.Close()
	if err == nil {
		s.storeFile(e.sha256, tmp)
	}
}

// ---- signing ----

func (s *Server) sign(p string, exp int64) string {
	m := hmac.New(sha256.New, s.key)
	fmt.Fprintf(m, "%s\n%d", p, exp)
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Server) signedURL(base, p string, extra url.Values) string {
	exp := s.clock().Add(s.opts.URLExpiry).Unix()
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("Expires", strconv.FormatInt(exp, 10))
	q.Set("Signature", s.sign(p, exp))
	return base + p + "?" + q.Encode()
}

func (s *Server) checkSignature(r *http.Request) bool {
	exp, err := strconv.ParseInt(r.URL.Query().Get("Expires"), 10, 64)
	if err != nil || s.clock().Unix() > exp {
		return false
	}
	return hmac.Equal([]byte(r.URL.Query().Get("Signature")), []byte(s.sign(r.URL.Path, exp)))
}

// ---- request plumbing ----

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = 200
	}
	return io.Copy(w.ResponseWriter, r) // keeps sendfile
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// common runs the per-request bookkeeping and faults; false: answered.
func (s *Server) common(w http.ResponseWriter, r *http.Request) bool {
	s.stats.requests.Add(1)
	f := s.getFaults()
	if f.Latency > 0 {
		time.Sleep(f.Latency)
	}
	if f.ErrorEvery > 0 && s.counters.req.Add(1)%int64(f.ErrorEvery) == 0 {
		s.stats.injected.Add(1)
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.ErrorStatus)
		fmt.Fprintf(w, `{"error":"injected %d"}`, f.ErrorStatus)
		return false
	}
	return true
}

func (s *Server) logRequest(r *http.Request, sw *statusWriter, start time.Time) {
	if sw.status >= 400 {
		s.stats.errors.Add(1)
	}
	if s.opts.Logf != nil {
		s.opts.Logf("%s %s %s → %d (%s)", r.Method, r.Host, r.URL.RequestURI(), sw.status, time.Since(start).Round(time.Microsecond))
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// hubError answers an error the way the Hub does: X-Error-Code and
// X-Error-Message headers, and {"error": …} (or plain text for resolve).
func hubError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	if code != "" {
		w.Header().Set("X-Error-Code", code)
	}
	if msg != "" {
		w.Header().Set("X-Error-Message", msg)
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.URL.Path, ".git/") {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, msg)
}

// token returns the request's token and whether it is valid ("" is valid:
// anonymous).
func (s *Server) token(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", true
	}
	var tok string
	switch {
	case strings.HasPrefix(h, "Bearer "):
		tok = strings.TrimSpace(h[len("Bearer "):])
	case strings.HasPrefix(h, "Basic "):
		b, err := base64.StdEncoding.DecodeString(h[len("Basic "):])
		if err != nil {
			return "", false
		}
		_, tok, _ = strings.Cut(string(b), ":")
	default:
		return "", false
	}
	if tok == "" {
		return "", false
	}
	if len(s.opts.Tokens) == 0 {
		return tok, true
	}
	for _, t := range s.opts.Tokens {
		if t == tok {
			return tok, true
		}
	}
	return tok, false
}

const invalidCredentials = "Invalid credentials in Authorization header"

// checkRead enforces tokens and private repositories (not gating, which
// only guards file contents). It answers and returns false on failure.
func (s *Server) checkRead(w http.ResponseWriter, r *http.Request, rp *repo) bool {
	tok, ok := s.token(r)
	if !ok {
		hubError(w, r, http.StatusUnauthorized, "", invalidCredentials)
		return false
	}
	if rp.private && !rp.access[tok] {
		notFound(w, r, tok)
		return false
	}
	return true
}

// notFound answers a missing (or hidden private) repository as the Hub
// does: 401 without a code for anonymous callers, 404 RepoNotFound else.
func notFound(w http.ResponseWriter, r *http.Request, tok string) {
	if tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Authentication required", charset="UTF-8"`)
		hubError(w, r, http.StatusUnauthorized, "", "Invalid username or password.")
		return
	}
	hubError(w, r, http.StatusNotFound, "RepoNotFound", "Repository not found")
}

// checkGated enforces gating on file contents.
func (s *Server) checkGated(w http.ResponseWriter, r *http.Request, rp *repo) bool {
	if rp.gated == "" {
		return true
	}
	tok, _ := s.token(r)
	if tok == "" {
		hubError(w, r, http.StatusUnauthorized, "GatedRepo", fmt.Sprintf("Access to %s %s is restricted. You must have access to it and be authenticated to access it. Please log in.", rp.kind, rp.id))
		return false
	}
	if !rp.access[tok] {
		hubError(w, r, http.StatusForbidden, "GatedRepo", fmt.Sprintf("Access to %s %s is restricted and you are not in the authorized list. Visit %s/%s to ask for access.", rp.kind, rp.id, s.URL, rp.id))
		return false
	}
	return true
}

// segments splits the escaped path into unescaped segments.
func segments(r *http.Request) []string {
	raw := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	out := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil {
			u = s
		}
		out[i] = u
	}
	return out
}

var kinds = map[string]string{"models": "model", "datasets": "dataset", "spaces": "space"}

func (s *Server) serveHub(w0 http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w0}
	defer s.logRequest(r, sw, time.Now())
	var w http.ResponseWriter = sw
	if !s.common(w, r) {
		return
	}
	seg := segments(r)
	if len(seg) > 0 && seg[0] == "api" {
		s.stats.api.Add(1)
		s.serveAPI(w, r, seg[1:])
		return
	}
	// /{repo}/resolve/{rev}/{path…}, /{repo}.git/info/lfs/objects/batch
	kind := "model"
	rest := seg
	if len(seg) > 0 {
		if k, ok := kinds[seg[0]]; ok && k != "model" {
			kind, rest = k, seg[1:]
		}
	}
	if len(rest) >= 5 && strings.HasSuffix(rest[1], ".git") && strings.Join(rest[2:], "/") == "info/lfs/objects/batch" {
		s.serveLFSBatch(w, r, kind, rest[0]+"/"+strings.TrimSuffix(rest[1], ".git"))
		return
	}
	if len(rest) >= 5 && strings.HasSuffix(rest[1], ".git") && strings.Join(rest[2:], "/") == "info/lfs/objects/verify" {
		s.serveLFSVerify(w, r)
		return
	}
	if len(rest) >= 5 && rest[2] == "resolve" {
		s.serveResolve(w, r, kind, rest[0]+"/"+rest[1], rest[3], strings.Join(rest[4:], "/"), seg[:len(seg)-len(rest)])
		return
	}
	hubError(w, r, http.StatusNotFound, "", "Not found: "+r.URL.Path)
}

// redirectRenamed answers a request on a renamed repo with a relative 307.
func (s *Server) redirectRenamed(w http.ResponseWriter, r *http.Request, kind, id string) bool {
	s.mu.Lock()
	newID, ok := s.renamed[kind+":"+id]
	s.mu.Unlock()
	if !ok {
		return false
	}
	p := strings.Replace(r.URL.EscapedPath(), "/"+id+"/", "/"+newID+"/", 1)
	if strings.HasSuffix(r.URL.EscapedPath(), "/"+id) {
		p = strings.TrimSuffix(r.URL.EscapedPath(), "/"+id) + "/" + newID
	}
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", p)
	w.WriteHeader(http.StatusTemporaryRedirect)
	return true
}

// repoAt finds the repository and the commit of rev, answering errors.
func (s *Server) repoAt(w http.ResponseWriter, r *http.Request, kind, id, rev string) (*repo, *commit, bool) {
	if s.redirectRenamed(w, r, kind, id) {
		return nil, nil, false
	}
	rp := s.lookup(kind, id)
	if rp == nil {
		tok, ok := s.token(r)
		if !ok {
			hubError(w, r, http.StatusUnauthorized, "", invalidCredentials)
		} else {
			notFound(w, r, tok)
		}
		return nil, nil, false
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if !s.checkRead(w, r, rp) {
		return nil, nil, false
	}
	if err := s.sync(rp); err != nil {
		hubError(w, r, http.StatusInternalServerError, "", err.Error())
		return nil, nil, false
	}
	c := rp.resolve(rev)
	if c == nil {
		hubError(w, r, http.StatusNotFound, "RevisionNotFound", "Invalid rev id: "+rev)
		return nil, nil, false
	}
	return rp, c, true
}

func (s *Server) serveResolve(w http.ResponseWriter, r *http.Request, kind, id, rev, filePath string, prefix []string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hubError(w, r, http.StatusMethodNotAllowed, "", "method not allowed")
		return
	}
	if r.Method == http.MethodHead {
		s.stats.heads.Add(1)
	} else {
		s.stats.gets.Add(1)
	}
	rp, c, ok := s.repoAt(w, r, kind, id, rev)
	if !ok {
		return
	}
	w.Header().Set("X-Repo-Commit", c.id)
	rp.mu.Lock()
	gatedOK := s.checkGated(w, r, rp)
	rp.mu.Unlock()
	if !gatedOK {
		return
	}
	e := c.files[filePath]
	if e == nil {
		hubError(w, r, http.StatusNotFound, "EntryNotFound", "Entry not found")
		return
	}
	w.Header().Set("Accept-Ranges", "bytes")
	if e.lfs {
		loc := s.signedURL(s.CDNURL, "/repos/"+repoHash(kind, id)+"/"+e.sha256, url.Values{
			"response-content-disposition": {contentDisposition(path.Base(filePath))},
		})
		w.Header().Set("Location", loc)
		w.Header().Set("ETag", `"`+e.gitOID+`"`)
		w.Header().Set("X-Linked-Etag", `"`+e.sha256+`"`)
		w.Header().Set("X-Linked-Size", strconv.FormatInt(e.size, 10))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		body := "Found. Redirecting to " + loc
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusFound)
		if r.Method == http.MethodGet {
			io.WriteString(w, body)
		}
		return
	}
	w.Header().Set("X-Linked-Etag", `"`+e.gitOID+`"`)
	if !s.opts.NoResolveCache && len(prefix) <= 1 {
		// as huggingface.co: a relative redirect to the resolve cache
		loc := "/api/resolve-cache/" + kind + "s/" + id + "/" + c.id + "/" + escapePath(filePath) + "?etag=" + url.QueryEscape(`"`+e.gitOID+`"`)
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusTemporaryRedirect)
		return
	}
	s.serveEntry(w, r, e, filePath)
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

func repoHash(kind, id string) string {
	h := sha256.Sum256([]byte(kind + "/" + id))
	return hex.EncodeToString(h[:8])
}

func contentDisposition(name string) string {
	return fmt.Sprintf(`inline; filename*=UTF-8''%s; filename="%s";`, url.PathEscape(name), strings.ReplaceAll(name, `"`, ""))
}

// serveResolveCache answers /api/resolve-cache/{kind}s/{org}/{name}/{commit}/{path…}.
func (s *Server) serveResolveCache(w http.ResponseWriter, r *http.Request, seg []string) {
	if len(seg) < 5 {
		hubError(w, r, http.StatusNotFound, "", "Not found")
		return
	}
	kind, ok := kinds[seg[0]]
	if !ok {
		hubError(w, r, http.StatusNotFound, "", "Not found")
		return
	}
	if r.Method == http.MethodHead {
		s.stats.heads.Add(1)
	} else {
		s.stats.gets.Add(1)
	}
	rp, c, ok := s.repoAt(w, r, kind, seg[1]+"/"+seg[2], seg[3])
	if !ok {
		return
	}
	w.Header().Set("X-Repo-Commit", c.id)
	rp.mu.Lock()
	gatedOK := s.checkGated(w, r, rp)
	rp.mu.Unlock()
	if !gatedOK {
		return
	}
	filePath := strings.Join(seg[4:], "/")
	e := c.files[filePath]
	if e == nil || e.lfs {
		hubError(w, r, http.StatusNotFound, "EntryNotFound", "Entry not found")
		return
	}
	w.Header().Set("X-Linked-Etag", `"`+e.gitOID+`"`)
	s.serveEntry(w, r, e, filePath)
}

// serveEntry sends a file's bytes (Range supported) with the fault hooks.
func (s *Server) serveEntry(w http.ResponseWriter, r *http.Request, e *entry, name string) {
	src, ok := s.entrySource(e)
	if !ok {
		hubError(w, r, http.StatusGone, "", "content no longer available")
		return
	}
	f, err := os.Open(src.path)
	if err != nil {
		hubError(w, r, http.StatusInternalServerError, "", err.Error())
		return
	}
	defer f.Close()
	etag := e.gitOID
	if e.lfs {
		etag = e.sha256
	}
	w.Header().Set("ETag", `"`+etag+`"`)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", contentDisposition(path.Base(name)))
	w.Header().Set("Accept-Ranges", "bytes")
	if r.Method == http.MethodGet {
		s.stats.bodies.Add(1)
		if r.Header.Get("Range") != "" {
			s.stats.rangeGets.Add(1)
		}
		w = s.faultWriter(w)
	}
	// ServeContent handles Range (206, Content-Range, 416) and HEAD; no
	// Last-Modified so that If-Range is by ETag only.
	http.ServeContent(w, r, "", time.Time{}, f)
}

// faultWriter wraps a file body with the configured faults and counts its
// bytes; without faults it keeps the sendfile path.
func (s *Server) faultWriter(w http.ResponseWriter) http.ResponseWriter {
	f := s.getFaults()
	n := s.counters.body.Add(1)
	fw := &faultyWriter{ResponseWriter: w, s: s, rate: f.BytesPerSecond, cutAt: -1, stallAt: -1, start: time.Now()}
	if f.DropEvery > 0 && n%int64(f.DropEvery) == 0 {
		fw.cutAt = f.DropAfter
	}
	if f.StallEvery > 0 && n%int64(f.StallEvery) == 0 {
		fw.stallAt, fw.stallFor = f.DropAfter, f.StallFor
	}
	if f.CorruptEvery > 0 && n%int64(f.CorruptEvery) == 0 {
		fw.corrupt = true
	}
	if fw.cutAt < 0 && fw.stallAt < 0 && !fw.corrupt && fw.rate <= 0 {
		return &countingWriter{ResponseWriter: w, n: &s.stats.bodyBytes}
	}
	return fw
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.n.Add(int64(n))
	return n, err
}

func (w *countingWriter) ReadFrom(r io.Reader) (int64, error) {
	n, err := io.Copy(w.ResponseWriter, r)
	w.n.Add(n)
	return n, err
}

type faultyWriter struct {
	http.ResponseWriter
	s        *Server
	written  int64
	cutAt    int64
	stallAt  int64
	stallFor time.Duration
	corrupt  bool
	rate     int64
	start    time.Time
}

func (w *faultyWriter) Write(p []byte) (int, error) {
	if w.stallAt >= 0 && w.written+int64(len(p)) > w.stallAt {
		k := w.stallAt - w.written
		n, err := w.write(p[:k])
		if err != nil {
			return n, err
		}
		if f, ok := w.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		w.s.stats.injected.Add(1)
		time.Sleep(w.stallFor)
		w.stallAt = -1
		m, err := w.write(p[k:])
		return n + m, err
	}
	if w.cutAt >= 0 && w.written+int64(len(p)) > w.cutAt {
		k := w.cutAt - w.written
		w.write(p[:k])
		if f, ok := w.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		w.s.stats.injected.Add(1)
		panic(http.ErrAbortHandler) // the connection is closed mid-body
	}
	if w.corrupt && len(p) > 0 {
		q := append([]byte(nil), p...)
		q[len(q)/2] ^= 0x55
		w.corrupt = false
		w.s.stats.injected.Add(1)
		return w.write(q)
	}
	return w.write(p)
}

func (w *faultyWriter) write(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		chunk := p
		if w.rate > 0 && len(chunk) > 16<<10 {
			chunk = chunk[:16<<10]
		}
		n, err := w.ResponseWriter.Write(chunk)
		total += n
		w.written += int64(n)
		w.s.stats.bodyBytes.Add(int64(n))
		if err != nil {
			return total, err
		}
		p = p[n:]
		if w.rate > 0 {
			due := w.start.Add(time.Duration(float64(w.written) / float64(w.rate) * float64(time.Second)))
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
		}
	}
	return total, nil
}

// serveCDN answers the signed URLs: LFS downloads and upload targets.
func (s *Server) serveCDN(w0 http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w0}
	defer s.logRequest(r, sw, time.Now())
	var w http.ResponseWriter = sw
	if !s.common(w, r) {
		return
	}
	if !s.checkSignature(r) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, "<Error><Code>AccessDenied</Code><Message>Request has expired or the signature does not match</Message></Error>")
		return
	}
	seg := segments(r)
	switch {
	case len(seg) == 3 && seg[0] == "repos" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		if r.Method == http.MethodGet {
			s.stats.cdnGets.Add(1)
		}
		src, ok := s.findBlob(seg[2])
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		e := &entry{lfs: true, sha256: seg[2], src: src, size: src.size}
		name := "file"
		if cd := r.URL.Query().Get("response-content-disposition"); cd != "" {
			w.Header().Set("Content-Disposition", cd)
		}
		s.serveEntry(w, r, e, name)
	case len(seg) >= 2 && seg[0] == "upload":
		s.serveUpload(w, r, seg[1:])
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// ---- API ----

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, seg []string) {
	if len(seg) >= 1 {
		switch seg[0] {
		case "whoami-v2":
			tok, ok := s.token(r)
			if !ok || tok == "" {
				hubError(w, r, http.StatusUnauthorized, "", invalidCredentials)
				return
			}
			writeJSON(w, 200, map[string]any{"type": "user", "name": "user", "fullname": "Hubtest User",
				"auth": map[string]any{"type": "access_token", "accessToken": map[string]string{"role": "write"}}, "orgs": []any{}})
			return
		case "repos":
			if len(seg) == 2 && seg[1] == "create" && r.Method == http.MethodPost {
				s.serveCreate(w, r)
				return
			}
		case "resolve-cache":
			s.serveResolveCache(w, r, seg[1:])
			return
		}
	}
	if len(seg) < 3 {
		hubError(w, r, http.StatusNotFound, "", "Not found")
		return
	}
	kind, ok := kinds[seg[0]]
	if !ok {
		hubError(w, r, http.StatusNotFound, "", "Not found")
		return
	}
	id := seg[1] + "/" + seg[2]
	rest := seg[3:]
	action := ""
	if len(rest) > 0 {
		action = rest[0]
	}
	rev := "main"
	if len(rest) > 1 {
		rev = rest[1]
	}
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case action == "" && get:
		s.serveInfo(w, r, kind, id, "main")
	case action == "revision" && len(rest) >= 2 && get:
		s.serveInfo(w, r, kind, id, strings.Join(rest[1:], "/"))
	case action == "tree" && get:
		if len(rest) < 2 {
			rev = "main"
		}
		sub := ""
		if len(rest) > 2 {
			sub = strings.Join(rest[2:], "/")
		}
		s.serveTree(w, r, kind, id, rev, sub)
	case action == "paths-info" && r.Method == http.MethodPost:
		s.servePathsInfo(w, r, kind, id, rev)
	case action == "refs" && get:
		s.serveRefs(w, r, kind, id)
	case action == "preupload" && r.Method == http.MethodPost:
		s.servePreupload(w, r, kind, id, rev)
	case action == "commit" && r.Method == http.MethodPost:
		s.serveCommit(w, r, kind, id, rev)
	default:
		hubError(w, r, http.StatusNotFound, "", "Not found")
	}
}

func (s *Server) serveInfo(w http.ResponseWriter, r *http.Request, kind, id, rev string) {
	rp, c, ok := s.repoAt(w, r, kind, id, rev)
	if !ok {
		return
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	blobs := r.URL.Query().Get("blobs") == "true" || r.URL.Query().Get("blobs") == "1"
	names := sortedNames(c.files)
	siblings := []map[string]any{}
	var used int64
	for _, p := range names {
		e := c.files[p]
		sib := map[string]any{"rfilename": p}
		if blobs {
			sib["blobId"] = e.gitOID
			sib["size"] = e.size
			if e.lfs {
				sib["lfs"] = map[string]any{"sha256": e.sha256, "size": e.size, "pointerSize": e.ptrLen}
			}
		}
		used += e.size
		siblings = append(siblings, sib)
	}
	var gated any = false
	if rp.gated != "" {
		gated = rp.gated
	}
	org, _, _ := strings.Cut(id, "/")
	info := map[string]any{
		"_id": repoHash(kind, id), "id": id, "author": org, "sha": c.id,
		"lastModified": c.date.Format("2006-01-02T15:04:05.000Z"), "createdAt": rp.created.Format("2006-01-02T15:04:05.000Z"),
		"private": rp.private, "gated": gated, "disabled": false, "tags": []string{}, "downloads": 0, "likes": 0,
		"siblings": siblings, "usedStorage": used, "cardData": map[string]any{},
	}
	switch kind {
	case "model":
		info["modelId"] = id
		info["library_name"] = "transformers"
	case "space":
		info["sdk"] = "static"
	}
	writeJSON(w, 200, info)
}

func sortedNames(files map[string]*entry) []string {
	names := make([]string, 0, len(files))
	for p := range files {
		names = append(names, p)
	}
	sort.Strings(names)
	return names
}

func (s *Server) treeEntry(c *commit, p string, expand bool) map[string]any {
	e := c.files[p]
	var m map[string]any
	if e == nil { // a folder
		h := sha256.Sum256([]byte(c.id + "/" + p))
		m = map[string]any{"type": "directory", "oid": hex.EncodeToString(h[:20]), "size": 0, "path": p}
	} else {
		m = map[string]any{"type": "file", "oid": e.gitOID, "size": e.size, "path": p}
		if e.lfs {
			m["lfs"] = map[string]any{"oid": e.sha256, "size": e.size, "pointerSize": e.ptrLen}
		}
	}
	if expand {
		lc := lastCommit(c, p)
		m["lastCommit"] = map[string]any{"id": lc.id, "title": lc.title, "date": lc.date.Format("2006-01-02T15:04:05.000Z")}
		if e != nil {
			m["securityFileStatus"] = map[string]any{"status": "safe"}
		}
	}
	return m
}

func (s *Server) serveTree(w http.ResponseWriter, r *http.Request, kind, id, rev, sub string) {
	rp, c, ok := s.repoAt(w, r, kind, id, rev)
	if !ok {
		return
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	q := r.URL.Query()
	recursive := q.Get("recursive") == "true" || q.Get("recursive") == "1"
	expand := q.Get("expand") == "true" || q.Get("expand") == "1"
	ds := dirs(c.files)
	sub = strings.Trim(sub, "/")
	if sub != "" && !ds[sub] {
		hubError(w, r, http.StatusNotFound, "EntryNotFound", fmt.Sprintf("%s does not exist on %q", sub, rev))
		return
	}
	var names []string
	under := func(p string) bool {
		if sub == "" {
			return true
		}
		return strings.HasPrefix(p, sub+"/")
	}
	direct := func(p string) bool {
		rel := p
		if sub != "" {
			rel = strings.TrimPrefix(p, sub+"/")
		}
		return !strings.Contains(rel, "/")
	}
	for p := range c.files {
		if under(p) && (recursive || direct(p)) {
			names = append(names, p)
		}
	}
	for d := range ds {
		if under(d) && (recursive || direct(d)) {
			names = append(names, d)
		}
	}
	sort.Strings(names)
	limit := s.opts.TreePageSize
	if l, err := strconv.Atoi(q.Get("limit")); err == nil && l > 0 && l < limit {
		limit = l
	}
	start := 0
	if cur := q.Get("cursor"); cur != "" {
		b, err := base64.RawURLEncoding.DecodeString(cur)
		if err != nil {
			hubError(w, r, http.StatusBadRequest, "", "invalid cursor")
			return
		}
		after := string(b)
		start = sort.SearchStrings(names, after)
		if start < len(names) && names[start] == after {
			start++
		}
	}
	end := min(start+limit, len(names))
	out := []map[string]any{}
	for _, p := range names[start:end] {
		out = append(out, s.treeEntry(c, p, expand))
	}
	if end < len(names) {
		nq := r.URL.Query()
		nq.Set("cursor", base64.RawURLEncoding.EncodeToString([]byte(names[end-1])))
		next := s.URL + r.URL.EscapedPath() + "?" + nq.Encode()
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	writeJSON(w, 200, out)
}

func (s *Server) servePathsInfo(w http.ResponseWriter, r *http.Request, kind, id, rev string) {
	rp, c, ok := s.repoAt(w, r, kind, id, rev)
	if !ok {
		return
	}
	var paths []string
	expand := false
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var j struct {
			Paths  []string `json:"paths"`
			Expand bool     `json:"expand"`
		}
		if err := json.Unmarshal(body, &j); err != nil {
			hubError(w, r, http.StatusBadRequest, "", "invalid JSON")
			return
		}
		paths, expand = j.Paths, j.Expand
	} else {
		v, _ := url.ParseQuery(string(body))
		paths, expand = v["paths"], v.Get("expand") == "true" || v.Get("expand") == "True"
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	ds := dirs(c.files)
	out := []map[string]any{}
	for _, p := range paths {
		p = strings.Trim(p, "/")
		if c.files[p] != nil || ds[p] {
			out = append(out, s.treeEntry(c, p, expand))
		}
	}
	writeJSON(w, 200, out)
}

func (s *Server) serveRefs(w http.ResponseWriter, r *http.Request, kind, id string) {
	_, c, ok := s.repoAt(w, r, kind, id, "main")
	if !ok {
		return
	}
	writeJSON(w, 200, map[string]any{
		"branches": []map[string]string{{"name": "main", "ref": "refs/heads/main", "targetCommit": c.id}},
		"tags":     []any{}, "converts": []any{},
	})
}
