package hub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// CreateRepoOptions configure CreateRepo.
type CreateRepoOptions struct {
	Private bool
	// ExistOK: a repository that already exists is not an error.
	ExistOK bool
}

// CreateRepo creates a repository (POST /api/repos/create) and returns its
// URL.
func (c *Client) CreateRepo(ctx context.Context, repo Repo, opts CreateRepoOptions) (string, error) {
	if err := repo.Validate(); err != nil {
		return "", err
	}
	org, name, ok := strings.Cut(repo.ID, "/")
	if !ok {
		org, name = "", repo.ID
	}
	payload := map[string]any{"name": name, "private": opts.Private, "type": string(repo.typ())}
	if org != "" {
		payload["organization"] = org
	}
	if repo.typ() == Space {
		payload["sdk"] = "static"
	}
	body, _ := json.Marshal(payload)
	var out struct {
		URL string `json:"url"`
	}
	err := c.postJSON(ctx, &request{url: c.endpoint + "/api/repos/create", repo: repo}, "application/json", body, &out)
	var he *Error
	if errors.As(err, &he) && he.StatusCode == http.StatusConflict && opts.ExistOK {
		return c.endpoint + repo.urlPath(), nil
	}
	if err != nil {
		return "", err
	}
	if out.URL == "" {
		out.URL = c.endpoint + repo.urlPath()
	}
	return out.URL, nil
}

// UploadFile is a file to commit: LocalPath (or Content when LocalPath is
// "") goes to Path in the repository.
type UploadFile struct {
	Path      string
	LocalPath string
	Content   []byte
}

// UploadOptions configure Upload.
type UploadOptions struct {
	// Revision is the branch to commit to (default "main").
	Revision string
	// Message is the commit title (default "Upload N files with hfctl").
	Message     string
	Description string
	// ParentCommit makes the commit fail if the branch moved since.
	ParentCommit string
	// Delete lists files of the repository to delete in the same commit.
	Delete []string
	// Create creates the repository first if it does not exist, Private
	// when set.
	Create  bool
	Private bool
	// Progress receives progress events (hashing, uploading, committing).
	Progress ProgressFunc
}

// CommitInfo describes the commit Upload made.
type CommitInfo struct {
	Commit         string `json:"commitOid"`
	URL            string `json:"commitUrl"`
	PullRequestURL string `json:"pullRequestUrl,omitempty"`
	// LFS objects sent, LFS objects the Hub already had (skipped), files
	// sent inline in the commit.
	Uploaded []string `json:"uploaded"`
	Skipped  []string `json:"skipped"`
	Regular  []string `json:"regular"`
	Ignored  []string `json:"ignored,omitempty"`
}

type uploadOp struct {
	UploadFile
	size   int64
	sample []byte
	mode   string // "lfs" or "regular"
	ignore bool
	sha    string
}

func (op *uploadOp) open() (io.ReaderAt, func(), error) {
	if op.LocalPath == "" {
		return bytes.NewReader(op.Content), func() {}, nil
	}
	f, err := os.Open(op.LocalPath)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// Upload commits files to a repository the way huggingface_hub does:
// preupload sorts regular from LFS files; LFS contents go through the LFS
// batch API (basic or multipart transfer, skipping objects the Hub already
// has, so an interrupted upload resumes where it stopped); then one NDJSON
// commit adds regular files inline and references the LFS objects.
func (c *Client) Upload(ctx context.Context, repo Repo, files []UploadFile, opts UploadOptions) (*CommitInfo, error) {
	if err := repo.Validate(); err != nil {
		return nil, err
	}
	if c.opts.Offline {
		return nil, errors.New("upload: offline mode (HF_HUB_OFFLINE=1)")
	}
	if c.token == "" {
		return nil, errors.New("upload: no access token: set HF_TOKEN (or pass --token) to a token with write access (" + c.endpoint + "/settings/tokens)")
	}
	rev := opts.Revision
	if rev == "" {
		rev = "main"
	}
	if err := checkRevision(rev); err != nil {
		return nil, err
	}
	if len(files) == 0 && len(opts.Delete) == 0 {
		return nil, errors.New("upload: nothing to upload")
	}
	seen := map[string]bool{}
	ops := make([]*uploadOp, len(files))
	var total int64
	for i, f := range files {
		if err := CheckRepoPath(f.Path); err != nil {
			return nil, err
		}
		if seen[f.Path] {
			return nil, fmt.Errorf("upload: %s given twice", f.Path)
		}
		seen[f.Path] = true
		op := &uploadOp{UploadFile: f, size: int64(len(f.Content))}
		if f.LocalPath != "" {
			st, err := os.Stat(f.LocalPath)
			if err != nil {
				return nil, err
			}
			if !st.Mode().IsRegular() {
				return nil, fmt.Errorf("upload: %s is not a regular file", f.LocalPath)
			}
			op.size = st.Size()
		}
		ra, closeFn, err := op.open()
		if err != nil {
			return nil, err
		}
		op.sample = make([]byte, min(op.size, 512))
		_, err = ra.ReadAt(op.sample, 0)
		closeFn()
		if err != nil && err != io.EOF {
			return nil, err
		}
		ops[i] = op
		total += op.size
	}
	for _, d := range opts.Delete {
		if err := CheckRepoPath(strings.TrimSuffix(d, "/")); err != nil {
			return nil, err
		}
	}
	if opts.Create {
		if _, err := c.CreateRepo(ctx, repo, CreateRepoOptions{Private: opts.Private, ExistOK: true}); err != nil {
			return nil, err
		}
	}
	if err := c.preupload(ctx, repo, rev, ops); err != nil {
		return nil, err
	}
	tr := newTracker(opts.Progress, len(ops), total)
	info := &CommitInfo{}
	var lfs []*uploadOp
	for _, op := range ops {
		switch {
		case op.ignore:
			info.Ignored = append(info.Ignored, op.Path)
		case op.mode == "lfs":
			lfs = append(lfs, op)
		default:
			info.Regular = append(info.Regular, op.Path)
		}
	}
	// hash the LFS files
	err := c.forEach(ctx, len(lfs), func(ctx context.Context, i int) error {
		op := lfs[i]
		tr.file(op.Path, op.size).phase(PhaseHashing)
		ra, closeFn, err := op.open()
		if err != nil {
			return err
		}
		defer closeFn()
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(ra, 0, op.size)); err != nil {
			return err
		}
		op.sha = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		return nil, err
	}
	uploaded, skipped, err := c.uploadLFS(ctx, repo, rev, lfs, tr)
	if err != nil {
		return nil, err
	}
	info.Uploaded, info.Skipped = uploaded, skipped
	if opts.Message == "" {
		opts.Message = fmt.Sprintf("Upload %d files with hfctl", len(ops)-len(info.Ignored))
	}
	tr.mu.Lock()
	tr.emitLocked(PhaseCommit, &fileTracker{size: -1})
	tr.mu.Unlock()
	if err := c.commit(ctx, repo, rev, ops, opts, info); err != nil {
		return nil, err
	}
	for _, op := range ops {
		if op.mode != "lfs" && !op.ignore {
			ft := tr.file(op.Path, op.size)
			ft.add(op.size)
			ft.finish(PhaseDone)
		}
	}
	return info, nil
}

// preupload asks the Hub which files go through LFS (256 at a time).
func (c *Client) preupload(ctx context.Context, repo Repo, rev string, ops []*uploadOp) error {
	byPath := map[string]*uploadOp{}
	for _, op := range ops {
		byPath[op.Path] = op
		op.mode = "regular"
	}
	for start := 0; start < len(ops); start += 256 {
		chunk := ops[start:min(start+256, len(ops))]
		type file struct {
			Path   string `json:"path"`
			Sample string `json:"sample"`
			Size   int64  `json:"size"`
		}
		var req struct {
			Files []file `json:"files"`
		}
		for _, op := range chunk {
			req.Files = append(req.Files, file{Path: op.Path, Sample: base64.StdEncoding.EncodeToString(op.sample), Size: op.size})
		}
		body, _ := json.Marshal(req)
		var resp struct {
			Files []struct {
				Path         string `json:"path"`
				UploadMode   string `json:"uploadMode"`
				ShouldIgnore bool   `json:"shouldIgnore"`
			} `json:"files"`
		}
		err := c.postJSON(ctx, &request{url: c.apiURL(repo, "/preupload/", escapeRevision(rev)), repo: repo, revision: rev},
			"application/json", body, &resp)
		if err != nil {
			return err
		}
		for _, f := range resp.Files {
			op := byPath[f.Path]
			if op == nil {
				continue
			}
			if f.UploadMode == "lfs" {
				op.mode = "lfs"
			}
			op.ignore = f.ShouldIgnore
		}
	}
	return nil
}

type lfsAction struct {
	Href   string            `json:"href"`
	Header map[string]string `json:"header"`
}

type lfsObject struct {
	OID     string `json:"oid"`
	Size    int64  `json:"size"`
	Actions *struct {
		Upload *lfsAction `json:"upload"`
		Verify *lfsAction `json:"verify"`
	} `json:"actions"`
	Error *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// uploadLFS runs the LFS batch API and uploads what the Hub lacks.
func (c *Client) uploadLFS(ctx context.Context, repo Repo, rev string, ops []*uploadOp, tr *tracker) (uploaded, skipped []string, err error) {
	var mu sync.Mutex
	for start := 0; start < len(ops); start += 256 {
		chunk := ops[start:min(start+256, len(ops))]
		type obj struct {
			OID  string `json:"oid"`
			Size int64  `json:"size"`
		}
		req := map[string]any{
			"operation": "upload",
			"transfers": []string{"basic", "multipart"},
			"hash_algo": "sha256",
			"ref":       map[string]string{"name": rev},
		}
		var objs []obj
		byOID := map[string][]*uploadOp{}
		for _, op := range chunk {
			if len(byOID[op.sha]) == 0 {
				objs = append(objs, obj{OID: op.sha, Size: op.size})
			}
			byOID[op.sha] = append(byOID[op.sha], op)
		}
		req["objects"] = objs
		body, _ := json.Marshal(req)
		var resp struct {
			Transfer string      `json:"transfer"`
			Objects  []lfsObject `json:"objects"`
		}
		r := &request{url: c.endpoint + repo.urlPath() + ".git/info/lfs/objects/batch", repo: repo, revision: rev,
			header: http.Header{"Accept": {"application/vnd.git-lfs+json"}}}
		if err := c.postJSON(ctx, r, "application/vnd.git-lfs+json", body, &resp); err != nil {
			return nil, nil, err
		}
		for _, o := range resp.Objects {
			if o.Error != nil {
				return nil, nil, fmt.Errorf("LFS batch: object %s: %d %s", o.OID, o.Error.Code, o.Error.Message)
			}
			if len(byOID[o.OID]) == 0 {
				return nil, nil, fmt.Errorf("LFS batch: the Hub answered for an object not asked for (%s)", o.OID)
			}
		}
		objects := resp.Objects
		err := c.forEach(ctx, len(objects), func(ctx context.Context, i int) error {
			o := objects[i]
			group := byOID[o.OID]
			op := group[0]
			ft := tr.file(op.Path, op.size)
			if o.Actions == nil || o.Actions.Upload == nil {
				ft.finish(PhaseSkipped)
				mu.Lock()
				for _, g := range group {
					skipped = append(skipped, g.Path)
				}
				mu.Unlock()
				return nil
			}
			ft.start(0)
			var err error
			if cs, ok := o.Actions.Upload.Header["chunk_size"]; ok {
				err = c.uploadMultipart(ctx, op, o.Actions.Upload, cs, ft)
			} else {
				err = c.uploadBasic(ctx, op, o.Actions.Upload, ft)
			}
			if err != nil {
				return fmt.Errorf("uploading %s: %w", op.Path, err)
			}
			if v := o.Actions.Verify; v != nil {
				vb, _ := json.Marshal(map[string]any{"oid": op.sha, "size": op.size})
				vr := &request{url: v.Href, repo: repo, header: http.Header{}, noAuth: !c.sameHost(v.Href)}
				for k, val := range v.Header {
					vr.header.Set(k, val)
				}
				if err := c.postJSON(ctx, vr, "application/vnd.git-lfs+json", vb, nil); err != nil {
					return fmt.Errorf("verifying %s: %w", op.Path, err)
				}
			}
			ft.finish(PhaseDone)
			mu.Lock()
			for _, g := range group {
				uploaded = append(uploaded, g.Path)
			}
			mu.Unlock()
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	sort.Strings(uploaded)
	sort.Strings(skipped)
	return uploaded, skipped, nil
}

// putPart PUTs [off, off+n) of op to href (a pre-signed URL: no token
// unless it is on the Hub's host) with retries, and returns the response's
// ETag.
func (c *Client) putPart(ctx context.Context, op *uploadOp, href string, header map[string]string, off, n int64, ft *fileTracker) (string, error) {
	var rs retryState
	spec := &fetchSpec{loc: &locator{url: href}, name: op.Path}
	for {
		ra, closeFn, err := op.open()
		if err != nil {
			return "", err
		}
		h := http.Header{}
		for k, v := range header {
			if k == "chunk_size" || isDigits(k) {
				continue
			}
			h.Set(k, v)
		}
		var sent atomic.Int64
		r := &request{method: http.MethodPut, url: href, header: h, noAuth: !c.sameHost(href), path: op.Path, redirect: followNone,
			body: func() (io.Reader, error) {
				sent.Store(0)
				return &countingReader{r: io.NewSectionReader(ra, off, n), fn: func(k int) { sent.Add(int64(k)); ft.add(int64(k)) }}, nil
			}}
		// at least 64 KiB/s, or the PUT is abandoned (and retried)
		pctx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout*2+time.Duration(n>>16)*time.Second)
		req, err := c.newHTTPRequest(pctx, r.method, r.url, r.body, r.header, !r.noAuth)
		if err != nil {
			cancel()
			closeFn()
			return "", err
		}
		req.ContentLength = n
		resp, err := c.httpc.Do(req)
		closeFn()
		if err == nil && resp.StatusCode < 300 {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			cancel()
			return resp.Header.Get("ETag"), nil
		}
		if err == nil {
			err = c.httpError(resp, r)
		}
		ft.add(-sent.Load())
		cancel()
		if err := c.retryAfterFailure(ctx, spec, &rs, err, false); err != nil {
			return "", err
		}
	}
}

type countingReader struct {
	r  io.Reader
	fn func(int)
}

func (cr *countingReader) Read(p []byte) (int, error) {
	n, err := cr.r.Read(p)
	if n > 0 {
		cr.fn(n)
	}
	return n, err
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (c *Client) uploadBasic(ctx context.Context, op *uploadOp, a *lfsAction, ft *fileTracker) error {
	_, err := c.putPart(ctx, op, a.Href, a.Header, 0, op.size, ft)
	return err
}

// uploadMultipart PUTs each part to its URL (header "00001", "00002", …),
// up to 5 at a time, then POSTs the completion with the parts' etags.
func (c *Client) uploadMultipart(ctx context.Context, op *uploadOp, a *lfsAction, chunkSize string, ft *fileTracker) error {
	cs, err := strconv.ParseInt(chunkSize, 10, 64)
	if err != nil || cs <= 0 {
		return fmt.Errorf("multipart upload: invalid chunk_size %q", chunkSize)
	}
	type part struct {
		num int
		url string
	}
	var parts []part
	for k, v := range a.Header {
		if isDigits(k) {
			n, _ := strconv.Atoi(k)
			parts = append(parts, part{n, v})
		}
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].num < parts[j].num })
	want := int((op.size + cs - 1) / cs)
	if len(parts) != want {
		return fmt.Errorf("multipart upload: the Hub gave %d part URLs for %d bytes in %d-byte parts (want %d)", len(parts), op.size, cs, want)
	}
	for i, p := range parts {
		if p.num != i+1 {
			return fmt.Errorf("multipart upload: part numbers are not 1..%d", want)
		}
	}
	etags := make([]string, len(parts))
	sub := *c
	sub.opts.Concurrency = 5
	err = sub.forEach(ctx, len(parts), func(ctx context.Context, i int) error {
		off := int64(i) * cs
		etag, err := c.putPart(ctx, op, parts[i].url, nil, off, min(cs, op.size-off), ft)
		if err != nil {
			return fmt.Errorf("part %d: %w", i+1, err)
		}
		if etag == "" {
			return fmt.Errorf("part %d: the storage returned no ETag", i+1)
		}
		etags[i] = etag
		return nil
	})
	if err != nil {
		return err
	}
	type donePart struct {
		PartNumber int    `json:"partNumber"`
		ETag       string `json:"etag"`
	}
	completion := struct {
		OID   string     `json:"oid"`
		Parts []donePart `json:"parts"`
	}{OID: op.sha}
	for i, e := range etags {
		completion.Parts = append(completion.Parts, donePart{PartNumber: i + 1, ETag: e})
	}
	body, _ := json.Marshal(completion)
	r := &request{url: a.Href, noAuth: !c.sameHost(a.Href), path: op.Path,
		header: http.Header{"Accept": {"application/vnd.git-lfs+json"}}}
	return c.postJSON(ctx, r, "application/vnd.git-lfs+json", body, nil)
}

// commit sends the NDJSON commit: a header line, then one line per file
// (regular files inline, base64; LFS files by oid) and per deletion.
func (c *Client) commit(ctx context.Context, repo Repo, rev string, ops []*uploadOp, opts UploadOptions, info *CommitInfo) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	header := map[string]any{"summary": opts.Message, "description": opts.Description}
	if opts.ParentCommit != "" {
		header["parentCommit"] = opts.ParentCommit
	}
	enc.Encode(map[string]any{"key": "header", "value": header})
	for _, op := range ops {
		if op.ignore {
			continue
		}
		if op.mode == "lfs" {
			enc.Encode(map[string]any{"key": "lfsFile", "value": map[string]any{"path": op.Path, "algo": "sha256", "oid": op.sha, "size": op.size}})
			continue
		}
		ra, closeFn, err := op.open()
		if err != nil {
			return err
		}
		content := make([]byte, op.size)
		_, err = ra.ReadAt(content, 0)
		closeFn()
		if err != nil && err != io.EOF {
			return err
		}
		enc.Encode(map[string]any{"key": "file", "value": map[string]any{"path": op.Path, "encoding": "base64", "content": base64.StdEncoding.EncodeToString(content)}})
	}
	for _, d := range opts.Delete {
		if strings.HasSuffix(d, "/") {
			enc.Encode(map[string]any{"key": "deletedFolder", "value": map[string]any{"path": d}})
		} else {
			enc.Encode(map[string]any{"key": "deletedFile", "value": map[string]any{"path": d}})
		}
	}
	var out CommitInfo
	sub := *c
	sub.opts.MaxRetries = 0 // a commit is not idempotent
	r := &request{url: c.apiURL(repo, "/commit/", escapeRevision(rev)), repo: repo, revision: rev}
	// the Hub may take a while to process a large commit
	timeout := 10*time.Minute + time.Duration(buf.Len()/(1<<20))*time.Second
	if err := sub.postJSONTimeout(ctx, r, "application/x-ndjson", buf.Bytes(), &out, timeout); err != nil {
		return err
	}
	info.Commit, info.URL, info.PullRequestURL = out.Commit, out.URL, out.PullRequestURL
	return nil
}

// CollectUploadFiles expands local paths for Upload: a file goes to its
// base name, a folder's files to their paths inside it (skipping .git and
// .cache/huggingface, as huggingface_hub does).
func CollectUploadFiles(paths ...string) ([]UploadFile, error) {
	var out []UploadFile
	seen := map[string]string{}
	add := func(repoPath, local string) error {
		if prev, ok := seen[repoPath]; ok {
			return fmt.Errorf("%s and %s would both be uploaded as %s", prev, local, repoPath)
		}
		seen[repoPath] = local
		out = append(out, UploadFile{Path: repoPath, LocalPath: local})
		return nil
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			if err := add(filepath.Base(p), p); err != nil {
				return nil, err
			}
			continue
		}
		err = filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(p, fp)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if d.Name() == ".git" || rel == ".cache/huggingface" || strings.HasSuffix(rel, "/.cache/huggingface") {
					return filepath.SkipDir
				}
				return nil
			}
			info, err := os.Stat(fp) // follows symlinks
			if err != nil || !info.Mode().IsRegular() {
				return nil
			}
			return add(rel, fp)
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
