package hub

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// The cache layout, as huggingface_hub writes it (and reads it):
//
//	CACHE/models--org--name/
//	  refs/main                       the commit hash "main" resolved to (no newline)
//	  blobs/<etag>                    file contents, named by LFS sha256 or git blob id
//	  blobs/<etag>.incomplete         a download in progress (resumed from its size)
//	  snapshots/<commit>/<path>       relative symlinks to ../../blobs/<etag>
//	  .no_exist/<commit>/<path>       empty markers: the file does not exist at that commit
//	CACHE/.locks/models--org--name/<etag>.lock

// RepoCacheDir is the repository's folder in the cache.
func (c *Client) RepoCacheDir(repo Repo) string {
	return filepath.Join(c.cacheDir, repo.FolderName())
}

// SnapshotDir is the folder of the repository's files at commit.
func (c *Client) SnapshotDir(repo Repo, commit string) string {
	return filepath.Join(c.RepoCacheDir(repo), "snapshots", commit)
}

func (c *Client) blobPath(repo Repo, etag string) string {
	return filepath.Join(c.RepoCacheDir(repo), "blobs", etag)
}

func (c *Client) lockPath(repo Repo, etag string) string {
	return filepath.Join(c.cacheDir, ".locks", repo.FolderName(), etag+".lock")
}

// CachedCommit returns the commit that revision resolves to in the cache:
// the revision itself for a commit hash, else the content of refs/<revision>.
func (c *Client) CachedCommit(repo Repo, revision string) (string, error) {
	if revision == "" {
		revision = "main"
	}
	if isCommitHash(revision) {
		return revision, nil
	}
	if err := checkRevision(revision); err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(c.RepoCacheDir(repo), "refs", filepath.FromSlash(revision)))
	if err != nil {
		return "", err
	}
	commit := strings.TrimSpace(string(b))
	if !isCommitHash(commit) {
		return "", fmt.Errorf("%s: invalid commit hash %q in the cache's refs/%s", repo, commit, revision)
	}
	return commit, nil
}

// writeRef records that revision resolved to commit (nothing for a commit
// hash), atomically.
func (c *Client) writeRef(repo Repo, revision, commit string) error {
	if revision == commit || revision == "" {
		return nil
	}
	if err := checkRevision(revision); err != nil {
		return err
	}
	p := filepath.Join(c.RepoCacheDir(repo), "refs", filepath.FromSlash(revision))
	if b, err := os.ReadFile(p); err == nil && string(b) == commit {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return writeFileAtomic(p, []byte(commit))
}

func writeFileAtomic(p string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-"+filepath.Base(p)+"-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// CachedFile returns the snapshot path of a file at revision when it is in
// the cache, without any network access. It returns a *NotCachedError when
// it is not, and an *Error wrapping ErrEntryNotFound when the cache records
// that the file does not exist at that commit.
func (c *Client) CachedFile(repo Repo, revision, path string) (string, error) {
	if revision == "" {
		revision = "main"
	}
	if err := CheckRepoPath(path); err != nil {
		return "", err
	}
	commit, err := c.CachedCommit(repo, revision)
	if err != nil {
		var ue *UnsafePathError
		if errors.As(err, &ue) {
			return "", err
		}
		return "", &NotCachedError{Repo: repo, Revision: revision, Path: path, Reason: c.offlineReason()}
	}
	p, err := safeJoin(c.SnapshotDir(repo, commit), path)
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
		return p, nil
	}
	if marker, err := safeJoin(filepath.Join(c.RepoCacheDir(repo), ".no_exist", commit), path); err == nil {
		if _, err := os.Stat(marker); err == nil {
			return "", &Error{Kind: ErrEntryNotFound, StatusCode: 404, Message: "recorded as missing in the cache's .no_exist",
				Endpoint: c.endpoint, Repo: repo, Revision: revision, Path: path, Commit: commit}
		}
	}
	return "", &NotCachedError{Repo: repo, Revision: revision, Path: path, Reason: c.offlineReason()}
}

// CachedSnapshot returns the snapshot folder and commit of revision when it
// is in the cache.
func (c *Client) CachedSnapshot(repo Repo, revision string) (dir, commit string, err error) {
	if revision == "" {
		revision = "main"
	}
	commit, err = c.CachedCommit(repo, revision)
	if err == nil {
		dir = c.SnapshotDir(repo, commit)
		if st, serr := os.Stat(dir); serr == nil && st.IsDir() {
			return dir, commit, nil
		}
	}
	var ue *UnsafePathError
	if errors.As(err, &ue) {
		return "", "", err
	}
	return "", "", &NotCachedError{Repo: repo, Revision: revision, Reason: c.offlineReason()}
}

func (c *Client) offlineReason() string {
	if c.opts.Offline {
		return "offline mode (HF_HUB_OFFLINE=1)"
	}
	return "the Hub being unreachable"
}

// markNoExist records that path does not exist at commit (.no_exist).
func (c *Client) markNoExist(repo Repo, commit, path string) {
	if !isCommitHash(commit) {
		return
	}
	p, err := safeJoin(filepath.Join(c.RepoCacheDir(repo), ".no_exist", commit), path)
	if err != nil {
		return
	}
	if os.MkdirAll(filepath.Dir(p), 0o755) == nil {
		if f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			f.Close()
		}
	}
}

// linkSnapshot makes pointer a relative symlink to blob (replacing what was
// there atomically); where symlinks are not supported it copies the blob.
func linkSnapshot(blob, pointer string) error {
	if err := os.MkdirAll(filepath.Dir(pointer), 0o755); err != nil {
		return err
	}
	rel, err := filepath.Rel(filepath.Dir(pointer), blob)
	if err != nil {
		rel = blob
	}
	if cur, err := os.Readlink(pointer); err == nil && cur == rel {
		return nil
	}
	tmp := fmt.Sprintf("%s.tmp-%d-%d", pointer, os.Getpid(), tmpCounter.Add(1))
	if err := os.Symlink(rel, tmp); err != nil {
		// no symlinks here (Windows without the privilege): a copy
		if err := copyFile(blob, tmp); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, pointer); err != nil {
		os.Remove(tmp)
		if cur, rerr := os.Readlink(pointer); rerr == nil && cur == rel {
			return nil // another process made the same link
		}
		return err
	}
	return nil
}

var tmpCounter atomic.Int64

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}

// blobComplete reports whether the blob exists with the expected size
// (size < 0: any).
func blobComplete(p string, size int64) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && (size < 0 || st.Size() == size)
}

// snapshotFiles lists the files of a snapshot folder (relative slash paths).
func snapshotFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}
