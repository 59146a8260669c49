package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RepoInfo is the answer of GET /api/{models|datasets|spaces}/{repo}/revision/{rev}.
type RepoInfo struct {
	ID           string    `json:"id"`
	SHA          string    `json:"sha"` // the commit the revision resolved to
	Private      bool      `json:"private"`
	Gated        Gated     `json:"gated"`
	Disabled     bool      `json:"disabled"`
	LastModified time.Time `json:"lastModified"`
	Tags         []string  `json:"tags"`
	Siblings     []Sibling `json:"siblings"`
}

// Gated is a repository's gating mode: "" (not gated), "auto" or "manual".
type Gated string

// UnmarshalJSON accepts false, true or a string.
func (g *Gated) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*g = Gated(s)
		return nil
	}
	var v bool
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*g = ""
	if v {
		*g = "true"
	}
	return nil
}

// Sibling is a file of RepoInfo (with sizes and LFS data when listed with
// blobs=true).
type Sibling struct {
	RFilename string `json:"rfilename"`
	BlobID    string `json:"blobId,omitempty"`
	Size      *int64 `json:"size,omitempty"`
	LFS       *struct {
		SHA256      string `json:"sha256"`
		Size        int64  `json:"size"`
		PointerSize int64  `json:"pointerSize"`
	} `json:"lfs,omitempty"`
}

// FileInfo is an entry of the tree API (and of paths-info).
type FileInfo struct {
	Type    string   `json:"type"` // "file" or "directory"
	Path    string   `json:"path"`
	Size    int64    `json:"size"`
	OID     string   `json:"oid"` // git blob id (of the pointer file, for LFS files)
	LFS     *LFSInfo `json:"lfs,omitempty"`
	XetHash string   `json:"xetHash,omitempty"`
}

// LFSInfo describes the LFS object behind a file: OID is its sha256.
type LFSInfo struct {
	OID         string `json:"oid"`
	Size        int64  `json:"size"`
	PointerSize int64  `json:"pointerSize"`
}

// IsDir reports whether the entry is a directory.
func (f FileInfo) IsDir() bool { return f.Type == "directory" }

// ETag is the name of the file's blob in the cache: the LFS sha256 for
// LFS files, the git blob id otherwise.
func (f FileInfo) ETag() string {
	if f.LFS != nil && f.LFS.OID != "" {
		return f.LFS.OID
	}
	return f.OID
}

// SHA256 is the content's sha256 for an LFS file, "" otherwise.
func (f FileInfo) SHA256() string {
	if f.LFS != nil {
		return f.LFS.OID
	}
	return ""
}

// RepoInfo resolves revision ("" for main) and returns the repository's
// metadata with its files, sizes and LFS hashes.
func (c *Client) RepoInfo(ctx context.Context, repo Repo, revision string) (*RepoInfo, error) {
	if revision == "" {
		revision = "main"
	}
	var info RepoInfo
	_, err := c.getJSON(ctx, &request{
		method: http.MethodGet,
		url:    c.apiURL(repo, "/revision/", escapeRevision(revision), query("blobs", "true")),
		repo:   repo, revision: revision,
	}, &info)
	if err != nil {
		return nil, err
	}
	if !isCommitHash(info.SHA) {
		return nil, fmt.Errorf("%s at %s: the Hub returned an invalid commit hash %q", repo, revision, info.SHA)
	}
	return &info, nil
}

// ListFiles lists every file and directory of the repository at revision,
// recursively (GET /api/…/tree/{rev}?recursive=true, following the Link
// pagination).
func (c *Client) ListFiles(ctx context.Context, repo Repo, revision string) ([]FileInfo, error) {
	return c.ListTree(ctx, repo, revision, "", true)
}

// ListTree lists the folder dir ("" for the root) at revision.
func (c *Client) ListTree(ctx context.Context, repo Repo, revision, dir string, recursive bool) ([]FileInfo, error) {
	if revision == "" {
		revision = "main"
	}
	u := c.apiURL(repo, "/tree/", escapeRevision(revision))
	if dir != "" {
		u += "/" + url.PathEscape(dir)
	}
	u += query("recursive", strconv.FormatBool(recursive), "expand", "false")
	var all []FileInfo
	for page := 0; u != ""; page++ {
		if page > 100000 {
			return nil, fmt.Errorf("%s: tree pagination does not end", repo)
		}
		var entries []FileInfo
		h, err := c.getJSON(ctx, &request{method: http.MethodGet, url: u, repo: repo, revision: revision}, &entries)
		if err != nil {
			return nil, err
		}
		all = append(all, entries...)
		next := nextLink(h.Get("Link"))
		if next != "" {
			base, _ := url.Parse(u)
			nu, err := base.Parse(next)
			if err != nil {
				return nil, fmt.Errorf("%s: bad Link header %q", repo, h.Get("Link"))
			}
			next = nu.String()
		}
		u = next
	}
	return all, nil
}

// nextLink extracts the rel="next" URL of a Link header.
func nextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		segs := strings.Split(part, ";")
		if len(segs) < 2 {
			continue
		}
		u := strings.TrimSpace(segs[0])
		if !strings.HasPrefix(u, "<") || !strings.HasSuffix(u, ">") {
			continue
		}
		for _, p := range segs[1:] {
			p = strings.ReplaceAll(strings.TrimSpace(p), " ", "")
			if p == `rel="next"` || p == "rel=next" {
				return u[1 : len(u)-1]
			}
		}
	}
	return ""
}

// PathsInfo returns the entries for the given paths at revision (missing
// paths are left out), with POST /api/…/paths-info/{rev}.
func (c *Client) PathsInfo(ctx context.Context, repo Repo, revision string, paths []string) ([]FileInfo, error) {
	if revision == "" {
		revision = "main"
	}
	form := url.Values{"paths": paths, "expand": {"false"}}
	var out []FileInfo
	err := c.postJSON(ctx, &request{url: c.apiURL(repo, "/paths-info/", escapeRevision(revision)), repo: repo, revision: revision},
		"application/x-www-form-urlencoded", []byte(form.Encode()), &out)
	return out, err
}

// FileMetadata is what a HEAD on a file's resolve URL tells.
type FileMetadata struct {
	Commit   string // X-Repo-Commit: the commit the revision resolved to
	ETag     string // X-Linked-Etag (the LFS sha256) or ETag, unquoted
	Size     int64  // X-Linked-Size or Content-Length; -1 if unknown
	Location string // where to GET the bytes (a CDN URL for LFS files)
	LFS      bool   // the etag is a sha256 (an LFS file): the content is checked against it
}

// ResolveURL is the address of a file at a revision:
// {endpoint}/{repo}/resolve/{rev}/{path}.
func (c *Client) ResolveURL(repo Repo, revision, path string) string {
	if revision == "" {
		revision = "main"
	}
	return c.endpoint + repo.urlPath() + "/resolve/" + escapeRevision(revision) + "/" + escapeFilePath(path)
}

// FileMetadata sends HEAD to the file's resolve URL without following
// redirects to other hosts (relative ones, for renamed repositories, are
// followed), as huggingface_hub's get_hf_file_metadata does.
func (c *Client) FileMetadata(ctx context.Context, repo Repo, revision, path string) (*FileMetadata, error) {
	if revision == "" {
		revision = "main"
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	r := &request{
		method: http.MethodHead, url: c.ResolveURL(repo, revision, path), redirect: followSameHost,
		repo: repo, revision: revision, path: path,
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	m := &FileMetadata{Commit: resp.Header.Get("X-Repo-Commit"), Size: -1}
	if m.Commit == "" {
		return nil, fmt.Errorf("HEAD %s: no X-Repo-Commit header: is HF_ENDPOINT (%s) a Hugging Face Hub?", r.url, c.endpoint)
	}
	if !isCommitHash(m.Commit) {
		return nil, fmt.Errorf("HEAD %s: invalid X-Repo-Commit %q", r.url, m.Commit)
	}
	etag := resp.Header.Get("X-Linked-Etag")
	if etag == "" {
		etag = resp.Header.Get("ETag")
	}
	m.ETag = normalizeETag(etag)
	if m.ETag == "" {
		return nil, fmt.Errorf("HEAD %s: no ETag header", r.url)
	}
	if err := checkComponent("etag", m.ETag); err != nil {
		return nil, err
	}
	m.LFS = isSHA256(m.ETag)
	redirected := isRedirect(resp.StatusCode)
	if s := resp.Header.Get("X-Linked-Size"); s != "" {
		m.Size, _ = strconv.ParseInt(s, 10, 64)
	} else if !redirected && resp.ContentLength >= 0 {
		m.Size = resp.ContentLength
	}
	m.Location = resp.Request.URL.String()
	if loc := resp.Header.Get("Location"); redirected && loc != "" {
		u, err := resp.Request.URL.Parse(loc)
		if err != nil {
			return nil, fmt.Errorf("HEAD %s: bad Location %q", r.url, loc)
		}
		m.Location = u.String()
	}
	return m, nil
}

func normalizeETag(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "W/")
	return strings.Trim(s, `"`)
}

// Refs lists the repository's branches and tags with their commits.
type Refs struct {
	Branches []Ref `json:"branches"`
	Tags     []Ref `json:"tags"`
}

// Ref is a branch or tag.
type Ref struct {
	Name         string `json:"name"`
	Ref          string `json:"ref"`
	TargetCommit string `json:"targetCommit"`
}

// ListRefs returns the branches and tags (GET /api/…/refs).
func (c *Client) ListRefs(ctx context.Context, repo Repo) (*Refs, error) {
	var refs Refs
	_, err := c.getJSON(ctx, &request{method: http.MethodGet, url: c.apiURL(repo, "/refs"), repo: repo}, &refs)
	return &refs, err
}
