package hubtest

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// entry is a file of a commit.
type entry struct {
	size   int64
	gitOID string // git blob id of the content (regular) or of the pointer (LFS)
	sha256 string // content sha256
	lfs    bool
	ptrLen int64 // LFS pointer size
	src    source
	// virtual: injected with InjectFile, served from the store only (its
	// name may be anything, "../x" included)
	virtual bool
}

// source is where an entry's bytes are: a file on disk, valid while its size
// and modification time are unchanged (a copy in the server's store never
// changes).
type source struct {
	path  string
	size  int64
	mtime time.Time
}

func (s source) valid() bool {
	if s.path == "" {
		return false
	}
	st, err := os.Stat(s.path)
	return err == nil && st.Size() == s.size && st.ModTime().Equal(s.mtime)
}

type commit struct {
	id     string
	parent *commit
	title  string
	date   time.Time
	files  map[string]*entry
}

// repo is one served repository.
type repo struct {
	mu       sync.Mutex
	kind     string // "model", "dataset", "space"
	id       string // org/name
	dir      string
	private  bool
	gated    string // "", "auto", "manual"
	access   map[string]bool
	created  time.Time
	head     *commit
	commits  map[string]*commit
	scanned  map[string]scanned // rel path → last scan
	disabled bool
}

type scanned struct {
	size  int64
	mtime time.Time
	e     *entry
}

func (r *repo) key() string { return r.kind + ":" + r.id }

// lfsByName: the extensions stored through LFS whatever their size.
var lfsExt = map[string]bool{
	".safetensors": true, ".gguf": true, ".bin": true, ".pt": true, ".pth": true, ".ckpt": true,
	".onnx": true, ".h5": true, ".msgpack": true, ".pkl": true, ".npy": true, ".npz": true,
	".parquet": true, ".arrow": true, ".tflite": true, ".ot": true, ".zip": true, ".gz": true, ".tar": true,
}

func (s *Server) isLFS(p string, size int64) bool {
	return size >= s.opts.LFSThreshold || lfsExt[strings.ToLower(path.Ext(p))]
}

// hashFile computes an entry for a file's content.
func (s *Server) hashFile(rel, p string, st fs.FileInfo) (*entry, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	e := &entry{size: st.Size(), lfs: s.isLFS(rel, st.Size()), src: source{path: p, size: st.Size(), mtime: st.ModTime()}}
	h256 := sha256.New()
	if e.lfs {
		if _, err := io.Copy(h256, f); err != nil {
			return nil, err
		}
		e.sha256 = hex.EncodeToString(h256.Sum(nil))
	} else {
		h1 := sha1.New()
		fmt.Fprintf(h1, "blob %d\x00", e.size)
		if _, err := io.Copy(io.MultiWriter(h1, h256), f); err != nil {
			return nil, err
		}
		e.sha256 = hex.EncodeToString(h256.Sum(nil))
		e.gitOID = hex.EncodeToString(h1.Sum(nil))
	}
	e.finishLFS()
	return e, nil
}

// finishLFS fills the pointer's git id and size of an LFS entry.
func (e *entry) finishLFS() {
	if !e.lfs {
		return
	}
	ptr := lfsPointer(e.sha256, e.size)
	e.ptrLen = int64(len(ptr))
	h1 := sha1.New()
	fmt.Fprintf(h1, "blob %d\x00%s", len(ptr), ptr)
	e.gitOID = hex.EncodeToString(h1.Sum(nil))
}

func lfsPointer(sha string, size int64) string {
	return fmt.Sprintf("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n", sha, size)
}

func newEntryFromBytes(s *Server, p string, b []byte) *entry {
	e := &entry{size: int64(len(b)), lfs: s.isLFS(p, int64(len(b)))}
	sum := sha256.Sum256(b)
	e.sha256 = hex.EncodeToString(sum[:])
	if !e.lfs {
		h1 := sha1.New()
		fmt.Fprintf(h1, "blob %d\x00", len(b))
		h1.Write(b)
		e.gitOID = hex.EncodeToString(h1.Sum(nil))
	}
	e.finishLFS()
	return e
}

// skipDir: folders of a served tree that are not part of the repository.
func skipDir(rel string) bool {
	return rel == ".git" || rel == ".cache" || strings.HasSuffix(rel, "/.git")
}

// sync brings the repository's head in line with its folder on disk: any
// difference (files added, changed, removed outside the API) makes a new
// commit. Caller holds r.mu.
func (s *Server) sync(r *repo) error {
	files := map[string]*entry{}
	seen := map[string]scanned{}
	err := filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == r.dir {
				return err
			}
			return nil
		}
		rel, _ := filepath.Rel(r.dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if p != r.dir && skipDir(rel) {
				return filepath.SkipDir
			}
			return nil
		}
		st, err := os.Stat(p) // follow symlinks to files
		if err != nil || !st.Mode().IsRegular() {
			return nil
		}
		if sc, ok := r.scanned[rel]; ok && sc.size == st.Size() && sc.mtime.Equal(st.ModTime()) {
			files[rel] = sc.e
			seen[rel] = sc
			return nil
		}
		e, err := s.hashFile(rel, p, st)
		if err != nil {
			return err
		}
		s.registerSource(e.sha256, e.src)
		files[rel] = e
		seen[rel] = scanned{size: st.Size(), mtime: st.ModTime(), e: e}
		return nil
	})
	if err != nil {
		return err
	}
	r.scanned = seen
	// the injected (virtual) entries of the head stay
	if r.head != nil {
		for p, e := range r.head.files {
			if _, ok := files[p]; !ok && e.virtual {
				files[p] = e
			}
		}
	}
	if r.head != nil && sameFiles(r.head.files, files) {
		return nil
	}
	title := "Initial commit"
	if r.head != nil {
		title = "Update files on disk"
	}
	s.addCommit(r, files, title)
	return nil
}

func sameFiles(a, b map[string]*entry) bool {
	if len(a) != len(b) {
		return false
	}
	for p, e := range a {
		f, ok := b[p]
		if !ok || f.gitOID != e.gitOID || f.sha256 != e.sha256 || f.lfs != e.lfs {
			return false
		}
	}
	return true
}

// addCommit makes files the new head. The first commit's hash derives from
// the content alone; later ones from the parent too.
func (s *Server) addCommit(r *repo, files map[string]*entry, title string) *commit {
	names := make([]string, 0, len(files))
	for p := range files {
		names = append(names, p)
	}
	sort.Strings(names)
	h := sha1.New()
	if r.head != nil {
		fmt.Fprintf(h, "parent %s\n", r.head.id)
		fmt.Fprintf(h, "title %s\n", title)
		fmt.Fprintf(h, "n %d\n", len(r.commits))
	}
	fmt.Fprintf(h, "%s %s\n", r.kind, r.id)
	for _, p := range names {
		fmt.Fprintf(h, "%s %s %s\n", files[p].gitOID, files[p].sha256, p)
	}
	c := &commit{id: hex.EncodeToString(h.Sum(nil)), parent: r.head, title: title, date: s.now(), files: files}
	r.head = c
	r.commits[c.id] = c
	return c
}

// resolve turns a revision into a commit: "main" (or "HEAD"), a full or
// short (≥ 7 hex) commit hash. Caller holds r.mu.
func (r *repo) resolve(rev string) *commit {
	switch rev {
	case "main", "HEAD", "refs/heads/main":
		return r.head
	}
	if c, ok := r.commits[rev]; ok {
		return c
	}
	if len(rev) >= 7 && len(rev) < 40 {
		var found *commit
		for id, c := range r.commits {
			if strings.HasPrefix(id, rev) {
				if found != nil {
					return nil
				}
				found = c
			}
		}
		return found
	}
	return nil
}

// lastCommit is the newest commit in c's history that changed p.
func lastCommit(c *commit, p string) *commit {
	e := c.files[p]
	for c.parent != nil {
		pe := c.parent.files[p]
		if pe == nil || e == nil || pe.gitOID != e.gitOID {
			return c
		}
		c = c.parent
	}
	return c
}

// dirs returns the folders implied by a commit's files.
func dirs(files map[string]*entry) map[string]bool {
	out := map[string]bool{}
	for p := range files {
		for d := path.Dir(p); d != "." && d != "/" && d != ""; d = path.Dir(d) {
			if out[d] {
				break
			}
			out[d] = true
		}
	}
	return out
}
