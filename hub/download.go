package hub

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DownloadOptions select what Download fetches and where.
type DownloadOptions struct {
	// Revision is a branch, tag or commit hash (default "main").
	Revision string
	// Files, when not empty, are the only files fetched (exact paths; a
	// missing one is an error wrapping ErrEntryNotFound).
	Files []string
	// Include and Exclude filter the files with fnmatch patterns, as
	// huggingface_hub's allow_patterns and ignore_patterns.
	Include, Exclude []string
	// LocalDir, when set, receives plain files instead of the cache's
	// snapshot (huggingface_hub's local_dir mode, with its
	// .cache/huggingface/download/<path>.metadata files).
	LocalDir string
	// Progress receives progress events (one at a time).
	Progress ProgressFunc
}

// DownloadResult describes a finished download.
type DownloadResult struct {
	Repo     Repo
	Revision string
	Commit   string
	// Dir is the snapshot folder (or the LocalDir).
	Dir   string
	Files []DownloadedFile
	// Downloaded is the number of bytes transferred (0 when all was cached).
	Downloaded int64
	// Offline: resolved from the cache only (offline mode, or the Hub
	// unreachable).
	Offline bool
}

// DownloadedFile is one file of a download.
type DownloadedFile struct {
	Path   string // in the repository
	Local  string // on disk (a snapshot symlink, or a file of LocalDir)
	Size   int64
	ETag   string
	Cached bool // already there: nothing transferred
}

// Download fetches a repository's files at a revision into the cache (or
// LocalDir), like huggingface_hub's snapshot_download: several files at
// once, large ones in parallel byte ranges, every LFS file checked against
// its sha256 before it becomes visible, and nothing fetched that is already
// there. Offline (HF_HUB_OFFLINE=1, or when the Hub is unreachable) it
// resolves from the cache only.
func (c *Client) Download(ctx context.Context, repo Repo, opts DownloadOptions) (*DownloadResult, error) {
	if err := repo.Validate(); err != nil {
		return nil, err
	}
	rev := opts.Revision
	if rev == "" {
		rev = "main"
	}
	if err := checkRevision(rev); err != nil {
		return nil, err
	}
	for _, f := range opts.Files {
		if err := CheckRepoPath(f); err != nil {
			return nil, err
		}
	}
	if c.opts.Offline {
		return c.downloadOffline(repo, rev, opts, nil)
	}
	info, err := c.RepoInfo(ctx, repo, rev)
	if err != nil {
		if isNetworkError(err) {
			if res, oerr := c.downloadOffline(repo, rev, opts, err); oerr == nil {
				return res, nil
			}
			return nil, &NotCachedError{Repo: repo, Revision: rev, Reason: c.offlineReason(), Err: err}
		}
		return nil, err
	}
	commit := info.SHA
	entries, err := c.ListFiles(ctx, repo, commit)
	if err != nil {
		return nil, err
	}
	byPath := map[string]FileInfo{}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		byPath[e.Path] = e
		names = append(names, e.Path)
	}
	if len(opts.Files) > 0 {
		for _, f := range opts.Files {
			if _, ok := byPath[f]; !ok {
				return nil, &Error{Kind: ErrEntryNotFound, StatusCode: 404, Endpoint: c.endpoint, Repo: repo, Revision: rev, Path: f, Commit: commit}
			}
		}
		names = append([]string(nil), opts.Files...)
	}
	names = filterPaths(names, opts.Include, opts.Exclude)
	sort.Strings(names)
	names = compactStrings(names)
	var total int64
	for _, n := range names {
		if err := CheckRepoPath(n); err != nil {
			return nil, err // an unsafe name: refuse the whole listing before writing anything
		}
		if err := checkComponent("etag", byPath[n].ETag()); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		total += byPath[n].Size
	}
	if opts.LocalDir == "" {
		if err := c.writeRef(repo, rev, commit); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(c.SnapshotDir(repo, commit), 0o755); err != nil {
			return nil, err
		}
	}
	tr := newTracker(opts.Progress, len(names), total)
	res := &DownloadResult{Repo: repo, Revision: rev, Commit: commit, Dir: c.SnapshotDir(repo, commit)}
	if opts.LocalDir != "" {
		res.Dir = opts.LocalDir
	}
	res.Files = make([]DownloadedFile, len(names))
	err = c.forEach(ctx, len(names), func(ctx context.Context, i int) error {
		fi := byPath[names[i]]
		ft := tr.file(fi.Path, fi.Size)
		var df DownloadedFile
		var err error
		if opts.LocalDir != "" {
			df, err = c.ensureLocal(ctx, repo, rev, commit, opts.LocalDir, &fi, ft)
		} else {
			df, err = c.ensureCached(ctx, repo, commit, &fi, ft)
		}
		if err != nil {
			return err
		}
		res.Files[i] = df
		return nil
	})
	res.Downloaded = tr.transferred
	if err != nil {
		return nil, err
	}
	return res, nil
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// forEach runs fn(0..n-1) on up to Concurrency goroutines and returns the
// first error (cancelling the others).
func (c *Client) forEach(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		next     int
	)
	for range min(c.opts.Concurrency, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := firstErr != nil
				mu.Unlock()
				if i >= n || stop || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
						cancel()
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return firstErr
}

// ensureCached makes snapshots/<commit>/<path> point at a complete blob,
// downloading it if needed.
func (c *Client) ensureCached(ctx context.Context, repo Repo, commit string, fi *FileInfo, ft *fileTracker) (DownloadedFile, error) {
	pointer, err := safeJoin(c.SnapshotDir(repo, commit), fi.Path)
	if err != nil {
		return DownloadedFile{}, err
	}
	etag := fi.ETag()
	df := DownloadedFile{Path: fi.Path, Local: pointer, Size: fi.Size, ETag: etag}
	if blob := c.blobPath(repo, etag); blobComplete(blob, fi.Size) {
		if err := linkSnapshot(blob, pointer); err != nil {
			return df, err
		}
		df.Cached = true
		ft.finish(PhaseCached)
		return df, nil
	}
	meta, err := c.FileMetadata(ctx, repo, commit, fi.Path)
	if err != nil {
		return df, err
	}
	size := fi.Size
	if meta.Size >= 0 {
		size = meta.Size
	}
	sha := ""
	if meta.LFS || fi.LFS != nil {
		if isSHA256(meta.ETag) {
			sha = meta.ETag
		}
	}
	df.ETag, df.Size = meta.ETag, size
	ft.size = size
	cached, err := c.fetchBlob(ctx, repo, commit, fi.Path, meta, size, sha, ft)
	if err != nil {
		return df, err
	}
	if err := linkSnapshot(c.blobPath(repo, meta.ETag), pointer); err != nil {
		return df, err
	}
	df.Cached = cached
	if cached {
		ft.finish(PhaseCached)
	} else {
		ft.finish(PhaseDone)
	}
	return df, nil
}

// fetchBlob downloads blobs/<etag> under the blob's lock (another process
// may be fetching it: then it waits and finds it done). It reports whether
// the blob was already there.
func (c *Client) fetchBlob(ctx context.Context, repo Repo, commit, path string, meta *FileMetadata, size int64, sha string, ft *fileTracker) (bool, error) {
	blob := c.blobPath(repo, meta.ETag)
	lock := c.lockPath(repo, meta.ETag)
	if err := os.MkdirAll(filepath.Dir(blob), 0o755); err != nil {
		return false, err
	}
	if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
		return false, err
	}
	unlock, err := lockFile(ctx, lock)
	if err != nil {
		return false, err
	}
	defer unlock()
	if blobComplete(blob, size) {
		return true, nil
	}
	spec := &fetchSpec{
		loc:        c.newLocator(repo, commit, path, meta.Location),
		size:       size,
		sha256:     sha,
		incomplete: blob + ".incomplete",
		final:      blob,
		name:       path,
		ft:         ft,
	}
	return false, c.fetch(ctx, spec)
}

func (c *Client) newLocator(repo Repo, commit, path, location string) *locator {
	return &locator{
		url:  location,
		auth: c.sameHost(location),
		refresh: func(ctx context.Context) (string, error) {
			m, err := c.FileMetadata(ctx, repo, commit, path)
			if err != nil {
				return "", err
			}
			return m.Location, nil
		},
	}
}

// FileOptions configure DownloadFile.
type FileOptions struct {
	LocalDir string
	Progress ProgressFunc
}

// DownloadFile fetches one file at revision and returns its path (in the
// snapshot folder, or LocalDir), like huggingface_hub's hf_hub_download.
// With a commit hash already in the cache it makes no request; offline it
// resolves from the cache; when the Hub answers that the file does not
// exist it records a .no_exist marker.
func (c *Client) DownloadFile(ctx context.Context, repo Repo, revision, path string, opts FileOptions) (string, error) {
	if err := repo.Validate(); err != nil {
		return "", err
	}
	if revision == "" {
		revision = "main"
	}
	if err := checkRevision(revision); err != nil {
		return "", err
	}
	if err := CheckRepoPath(path); err != nil {
		return "", err
	}
	if c.opts.Offline {
		if opts.LocalDir != "" {
			return c.localOffline(repo, revision, opts.LocalDir, path, nil)
		}
		return c.CachedFile(repo, revision, path)
	}
	if isCommitHash(revision) { // a commit never changes: what is there is current
		if opts.LocalDir == "" {
			if p, err := c.CachedFile(repo, revision, path); err == nil {
				return p, nil
			}
		} else if md, ok := readLocalMetadata(opts.LocalDir, path); ok && md.commit == revision {
			if lp, err := localDownloadPaths(opts.LocalDir, path); err == nil {
				return lp.file, nil
			}
		}
	}
	meta, err := c.FileMetadata(ctx, repo, revision, path)
	if err != nil {
		var he *Error
		if errors.As(err, &he) && he.Kind == ErrEntryNotFound && opts.LocalDir == "" && isCommitHash(he.Commit) {
			// as huggingface_hub: remember the file is missing at that commit
			c.markNoExist(repo, he.Commit, path)
			c.writeRef(repo, revision, he.Commit)
		}
		if isNetworkError(err) {
			var p string
			var oerr error
			if opts.LocalDir != "" {
				p, oerr = c.localOffline(repo, revision, opts.LocalDir, path, err)
			} else {
				p, oerr = c.CachedFile(repo, revision, path)
			}
			if oerr == nil {
				return p, nil
			}
			return "", &NotCachedError{Repo: repo, Revision: revision, Path: path, Reason: c.offlineReason(), Err: err}
		}
		return "", err
	}
	fi := &FileInfo{Type: "file", Path: path, Size: meta.Size, OID: meta.ETag}
	if meta.LFS && isSHA256(meta.ETag) {
		fi.LFS = &LFSInfo{OID: meta.ETag, Size: meta.Size}
	}
	tr := newTracker(opts.Progress, 1, max(meta.Size, 0))
	ft := tr.file(path, meta.Size)
	if opts.LocalDir != "" {
		df, err := c.ensureLocalMeta(ctx, repo, meta.Commit, opts.LocalDir, fi, meta, ft)
		return df.Local, err
	}
	if err := c.writeRef(repo, revision, meta.Commit); err != nil {
		return "", err
	}
	pointer, err := safeJoin(c.SnapshotDir(repo, meta.Commit), path)
	if err != nil {
		return "", err
	}
	blob := c.blobPath(repo, meta.ETag)
	if blobComplete(blob, meta.Size) {
		if err := linkSnapshot(blob, pointer); err != nil {
			return "", err
		}
		ft.finish(PhaseCached)
		return pointer, nil
	}
	sha := ""
	if meta.LFS && isSHA256(meta.ETag) {
		sha = meta.ETag
	}
	cached, err := c.fetchBlob(ctx, repo, meta.Commit, path, meta, meta.Size, sha, ft)
	if err != nil {
		return "", err
	}
	if err := linkSnapshot(blob, pointer); err != nil {
		return "", err
	}
	if cached {
		ft.finish(PhaseCached)
	} else {
		ft.finish(PhaseDone)
	}
	return pointer, nil
}

// downloadOffline answers Download from the cache (or LocalDir) only.
func (c *Client) downloadOffline(repo Repo, rev string, opts DownloadOptions, netErr error) (*DownloadResult, error) {
	if opts.LocalDir != "" {
		res := &DownloadResult{Repo: repo, Revision: rev, Dir: opts.LocalDir, Offline: true}
		names := opts.Files
		if len(names) == 0 {
			var err error
			names, err = localDirFiles(opts.LocalDir)
			if err != nil || len(names) == 0 {
				return nil, &NotCachedError{Repo: repo, Revision: rev, Reason: c.offlineReason(), Err: netErr}
			}
		}
		for _, n := range filterPaths(names, opts.Include, opts.Exclude) {
			p, err := c.localOffline(repo, rev, opts.LocalDir, n, netErr)
			if err != nil {
				return nil, err
			}
			md, _ := readLocalMetadata(opts.LocalDir, n)
			res.Files = append(res.Files, DownloadedFile{Path: n, Local: p, Size: fileSize(p), ETag: md.etag, Cached: true})
			res.Commit = md.commit
		}
		return res, nil
	}
	dir, commit, err := c.CachedSnapshot(repo, rev)
	if err != nil {
		var nc *NotCachedError
		if errors.As(err, &nc) {
			nc.Err = netErr
		}
		return nil, err
	}
	res := &DownloadResult{Repo: repo, Revision: rev, Commit: commit, Dir: dir, Offline: true}
	names := opts.Files
	if len(names) == 0 {
		if names, err = snapshotFiles(dir); err != nil {
			return nil, err
		}
	}
	for _, n := range filterPaths(names, opts.Include, opts.Exclude) {
		p, err := c.CachedFile(repo, commit, n)
		if err != nil {
			var nc *NotCachedError
			if errors.As(err, &nc) {
				nc.Revision, nc.Err = rev, netErr
			}
			return nil, err
		}
		etag := ""
		if target, err := os.Readlink(p); err == nil {
			etag = filepath.Base(target)
		}
		res.Files = append(res.Files, DownloadedFile{Path: n, Local: p, Size: fileSize(p), ETag: etag, Cached: true})
	}
	return res, nil
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return -1
	}
	return st.Size()
}

// ---- local-dir mode ----

// localPaths are huggingface_hub's paths for a file of a local dir.
type localPaths struct {
	file, metadata, lock string
}

func (lp localPaths) incomplete(etag string) string {
	return strings.TrimSuffix(lp.metadata, ".metadata") + "." + etag + ".incomplete"
}

func localDownloadPaths(localDir, name string) (localPaths, error) {
	file, err := safeJoin(localDir, name)
	if err != nil {
		return localPaths{}, err
	}
	meta, err := safeJoin(filepath.Join(localDir, ".cache", "huggingface", "download"), name+".metadata")
	if err != nil {
		return localPaths{}, err
	}
	return localPaths{file: file, metadata: meta, lock: strings.TrimSuffix(meta, ".metadata") + ".lock"}, nil
}

type localMetadata struct {
	commit, etag string
	timestamp    float64
}

func readLocalMetadata(localDir, name string) (localMetadata, bool) {
	lp, err := localDownloadPaths(localDir, name)
	if err != nil {
		return localMetadata{}, false
	}
	b, err := os.ReadFile(lp.metadata)
	if err != nil {
		return localMetadata{}, false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 3 {
		return localMetadata{}, false
	}
	ts, err := strconv.ParseFloat(strings.TrimSpace(lines[2]), 64)
	if err != nil {
		return localMetadata{}, false
	}
	md := localMetadata{commit: strings.TrimSpace(lines[0]), etag: strings.TrimSpace(lines[1]), timestamp: ts}
	st, err := os.Stat(lp.file)
	if err != nil {
		return md, false
	}
	// as huggingface_hub: the file must not have changed since (1s slack)
	mtime := float64(st.ModTime().UnixNano()) / 1e9
	return md, mtime-1 <= md.timestamp
}

func writeLocalMetadata(lp localPaths, commit, etag string) error {
	ts := strconv.FormatFloat(float64(time.Now().UnixNano())/1e9, 'f', -1, 64)
	return writeFileAtomic(lp.metadata, []byte(commit+"\n"+etag+"\n"+ts+"\n"))
}

func ensureHFDir(localDir string) error {
	d := filepath.Join(localDir, ".cache", "huggingface")
	if err := os.MkdirAll(filepath.Join(d, "download"), 0o755); err != nil {
		return err
	}
	gi := filepath.Join(d, ".gitignore")
	if _, err := os.Stat(gi); err != nil {
		return os.WriteFile(gi, []byte("*"), 0o644)
	}
	return nil
}

// localDirFiles lists the files of a local dir that have download metadata.
func localDirFiles(localDir string) ([]string, error) {
	root := filepath.Join(localDir, ".cache", "huggingface", "download")
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".metadata") {
			return nil
		}
		rel, _ := filepath.Rel(root, strings.TrimSuffix(p, ".metadata"))
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}

func (c *Client) localOffline(repo Repo, rev, localDir, name string, netErr error) (string, error) {
	lp, err := localDownloadPaths(localDir, name)
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(lp.file); err == nil && st.Mode().IsRegular() {
		return lp.file, nil
	}
	return "", &NotCachedError{Repo: repo, Revision: rev, Path: name, Reason: c.offlineReason(), Err: netErr}
}

// ensureLocal brings one file of a Download into LocalDir.
func (c *Client) ensureLocal(ctx context.Context, repo Repo, rev, commit, localDir string, fi *FileInfo, ft *fileTracker) (DownloadedFile, error) {
	return c.ensureLocalMeta(ctx, repo, commit, localDir, fi, nil, ft)
}

// ensureLocalMeta brings a file into localDir as huggingface_hub's
// local_dir mode does: skipped when its metadata (or its hash) shows it is
// current, copied from the cache when the blob is there, else downloaded to
// .cache/huggingface/download/<path>.<etag>.incomplete and renamed.
func (c *Client) ensureLocalMeta(ctx context.Context, repo Repo, commit, localDir string, fi *FileInfo, meta *FileMetadata, ft *fileTracker) (DownloadedFile, error) {
	lp, err := localDownloadPaths(localDir, fi.Path)
	if err != nil {
		return DownloadedFile{}, err
	}
	etag := fi.ETag()
	df := DownloadedFile{Path: fi.Path, Local: lp.file, Size: fi.Size, ETag: etag}
	if err := ensureHFDir(localDir); err != nil {
		return df, err
	}
	if err := os.MkdirAll(filepath.Dir(lp.metadata), 0o755); err != nil {
		return df, err
	}
	unlock, err := lockFile(ctx, lp.lock)
	if err != nil {
		return df, err
	}
	defer unlock()
	if md, ok := readLocalMetadata(localDir, fi.Path); ok && md.etag == etag && fileSize(lp.file) == fi.Size {
		if md.commit != commit {
			if err := writeLocalMetadata(lp, commit, etag); err != nil {
				return df, err
			}
		}
		df.Cached = true
		ft.finish(PhaseCached)
		return df, nil
	}
	if fileSize(lp.file) == fi.Size && fileMatchesETag(lp.file, etag, fi.Size) {
		if err := writeLocalMetadata(lp, commit, etag); err != nil {
			return df, err
		}
		df.Cached = true
		ft.finish(PhaseCached)
		return df, nil
	}
	if err := os.MkdirAll(filepath.Dir(lp.file), 0o755); err != nil {
		return df, err
	}
	incomplete := lp.incomplete(etag)
	if blob := c.blobPath(repo, etag); blobComplete(blob, fi.Size) && fileMatchesETag(blob, etag, fi.Size) {
		// the cache has it: copy (never link: editing the local file must not change the cache)
		if err := copyFile(blob, incomplete); err != nil {
			return df, err
		}
		if err := os.Rename(incomplete, lp.file); err != nil {
			return df, err
		}
		df.Cached = true
		ft.finish(PhaseCached)
		return df, writeLocalMetadata(lp, commit, etag)
	}
	if meta == nil {
		if meta, err = c.FileMetadata(ctx, repo, commit, fi.Path); err != nil {
			return df, err
		}
	}
	size := fi.Size
	if meta.Size >= 0 {
		size = meta.Size
	}
	sha := ""
	if (meta.LFS || fi.LFS != nil) && isSHA256(meta.ETag) {
		sha = meta.ETag
	}
	df.ETag, df.Size = meta.ETag, size
	ft.size = size
	spec := &fetchSpec{
		loc:        c.newLocator(repo, commit, fi.Path, meta.Location),
		size:       size,
		sha256:     sha,
		incomplete: lp.incomplete(meta.ETag),
		final:      lp.file,
		name:       fi.Path,
		ft:         ft,
	}
	if err := c.fetch(ctx, spec); err != nil {
		return df, err
	}
	ft.finish(PhaseDone)
	return df, writeLocalMetadata(lp, meta.Commit, meta.ETag)
}

// fileMatchesETag checks a file against an etag: sha256 for a 64-hex etag,
// the git blob id (sha1 of "blob <size>\0" + content) for a 40-hex one.
func fileMatchesETag(p, etag string, size int64) bool {
	var h hash.Hash
	switch {
	case isSHA256(etag):
		h = sha256.New()
	case isCommitHash(etag):
		h = sha1.New()
		fmt.Fprintf(h, "blob %d\x00", size)
	default:
		return false
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	return hex.EncodeToString(h.Sum(nil)) == etag
}
