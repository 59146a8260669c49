package hubtest

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const defaultGitattributes = `*.7z filter=lfs diff=lfs merge=lfs -text
*.bin filter=lfs diff=lfs merge=lfs -text
*.gguf filter=lfs diff=lfs merge=lfs -text
*.safetensors filter=lfs diff=lfs merge=lfs -text
*.pt filter=lfs diff=lfs merge=lfs -text
*.onnx filter=lfs diff=lfs merge=lfs -text
`

// checkWrite requires a valid token.
func (s *Server) checkWrite(w http.ResponseWriter, r *http.Request) (string, bool) {
	tok, ok := s.token(r)
	if !ok || tok == "" {
		hubError(w, r, http.StatusUnauthorized, "", invalidCredentials)
		return "", false
	}
	return tok, true
}

func (s *Server) serveCreate(w http.ResponseWriter, r *http.Request) {
	tok, ok := s.checkWrite(w, r)
	if !ok {
		return
	}
	var req struct {
		Name         string `json:"name"`
		Organization string `json:"organization"`
		Private      *bool  `json:"private"`
		Visibility   string `json:"visibility"`
		Type         string `json:"type"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		hubError(w, r, http.StatusBadRequest, "", "invalid JSON")
		return
	}
	kind := req.Type
	if kind == "" {
		kind = "model"
	}
	if kind != "model" && kind != "dataset" && kind != "space" {
		hubError(w, r, http.StatusBadRequest, "", "invalid repo type")
		return
	}
	org := req.Organization
	if org == "" {
		org = "user"
	}
	if !validName(org) || !validName(req.Name) {
		hubError(w, r, http.StatusBadRequest, "", "Invalid repo name")
		return
	}
	id := org + "/" + req.Name
	urlPath := "/" + id
	if kind != "model" {
		urlPath = "/" + kind + "s/" + id
	}
	if rp := s.lookup(kind, id); rp != nil {
		writeJSON(w, http.StatusConflict, map[string]string{"error": "You already created this " + kind + " repo", "url": s.URL + urlPath})
		return
	}
	dir := filepath.Join(s.opts.Root, org, req.Name)
	if kind != "model" {
		dir = filepath.Join(s.tmp, kind+"s", org, req.Name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		hubError(w, r, http.StatusInternalServerError, "", err.Error())
		return
	}
	if err := os.WriteFile(filepath.Join(dir, ".gitattributes"), []byte(defaultGitattributes), 0o644); err != nil {
		hubError(w, r, http.StatusInternalServerError, "", err.Error())
		return
	}
	rp := &repo{kind: kind, id: id, dir: dir, commits: map[string]*commit{}, created: s.now(), access: map[string]bool{tok: true}}
	rp.private = req.Visibility == "private" || req.Private != nil && *req.Private
	s.mu.Lock()
	s.repos[kind+":"+id] = rp
	s.mu.Unlock()
	writeJSON(w, 200, map[string]string{"url": s.URL + urlPath, "name": id, "id": id})
}

func validName(n string) bool {
	if n == "" || len(n) > 96 || strings.Contains(n, "--") || strings.Contains(n, "..") || n[0] == '.' || n[0] == '-' {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// writableRepo finds the repo at rev for a write.
func (s *Server) writableRepo(w http.ResponseWriter, r *http.Request, kind, id, rev string) (*repo, *commit, bool) {
	if _, ok := s.checkWrite(w, r); !ok {
		return nil, nil, false
	}
	return s.repoAt(w, r, kind, id, rev)
}

func (s *Server) servePreupload(w http.ResponseWriter, r *http.Request, kind, id, rev string) {
	if _, _, ok := s.writableRepo(w, r, kind, id, rev); !ok {
		return
	}
	var req struct {
		Files []struct {
			Path   string `json:"path"`
			Sample string `json:"sample"`
			Size   int64  `json:"size"`
		} `json:"files"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<20)).Decode(&req); err != nil {
		hubError(w, r, http.StatusBadRequest, "", "invalid JSON")
		return
	}
	out := []map[string]any{}
	for _, f := range req.Files {
		mode := "regular"
		if s.isLFS(f.Path, f.Size) {
			mode = "lfs"
		} else if sample, err := base64.StdEncoding.DecodeString(f.Sample); err == nil && bytes.IndexByte(sample, 0) >= 0 {
			mode = "lfs" // binary content
		}
		out = append(out, map[string]any{"path": f.Path, "uploadMode": mode, "shouldIgnore": strings.HasPrefix(f.Path, ".git/")})
	}
	writeJSON(w, 200, map[string]any{"files": out})
}

type pendingUpload struct {
	id       string
	oid      string
	size     int64
	partSize int64
	nparts   int
	etags    map[int]string
}

func randomID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) serveLFSBatch(w http.ResponseWriter, r *http.Request, kind, id string) {
	if r.Method != http.MethodPost {
		hubError(w, r, http.StatusMethodNotAllowed, "", "method not allowed")
		return
	}
	var req struct {
		Operation string   `json:"operation"`
		Transfers []string `json:"transfers"`
		Objects   []struct {
			OID  string `json:"oid"`
			Size int64  `json:"size"`
		} `json:"objects"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&req); err != nil {
		hubError(w, r, http.StatusBadRequest, "", "invalid JSON")
		return
	}
	if req.Operation == "upload" {
		if _, ok := s.checkWrite(w, r); !ok {
			return
		}
	}
	if _, _, ok := s.repoAt(w, r, kind, id, "main"); !ok {
		return
	}
	multipartOK := false
	for _, t := range req.Transfers {
		if t == "multipart" {
			multipartOK = true
		}
	}
	prefix := "/"
	if kind != "model" {
		prefix = "/" + kind + "s/"
	}
	transfer := "basic"
	objects := []map[string]any{}
	for _, o := range req.Objects {
		obj := map[string]any{"oid": o.OID, "size": o.Size}
		if len(o.OID) != 64 || !isHex(o.OID) || o.Size < 0 {
			obj["error"] = map[string]any{"code": 422, "message": "invalid object"}
			objects = append(objects, obj)
			continue
		}
		src, have := s.findBlob(o.OID)
		have = have && src.size == o.Size
		if req.Operation == "download" {
			if have {
				obj["actions"] = map[string]any{"download": map[string]any{"href": s.signedURL(s.CDNURL, "/repos/"+repoHash(kind, id)+"/"+o.OID, nil)}}
			} else {
				obj["error"] = map[string]any{"code": 404, "message": "Object does not exist"}
			}
			objects = append(objects, obj)
			continue
		}
		if have {
			objects = append(objects, obj) // already there: no actions
			continue
		}
		up := &pendingUpload{id: randomID(), oid: o.OID, size: o.Size, etags: map[int]string{}}
		if multipartOK && o.Size >= s.opts.MultipartThreshold {
			transfer = "multipart"
			up.partSize = s.opts.MultipartChunkSize
			up.nparts = int((o.Size + up.partSize - 1) / up.partSize)
			header := map[string]string{"chunk_size": strconv.FormatInt(up.partSize, 10)}
			for i := 1; i <= up.nparts; i++ {
				header[fmt.Sprintf("%05d", i)] = s.signedURL(s.CDNURL, fmt.Sprintf("/upload/%s/part/%d", up.id, i), nil)
			}
			obj["actions"] = map[string]any{"upload": map[string]any{"href": s.signedURL(s.CDNURL, "/upload/"+up.id+"/complete", nil), "header": header}}
		} else {
			obj["actions"] = map[string]any{
				"upload": map[string]any{"href": s.signedURL(s.CDNURL, "/upload/"+up.id, nil), "header": map[string]string{}},
				"verify": map[string]any{"href": s.URL + prefix + id + ".git/info/lfs/objects/verify", "header": map[string]string{}},
			}
		}
		obj["authenticated"] = true
		s.mu.Lock()
		s.uploads[up.id] = up
		s.mu.Unlock()
		objects = append(objects, obj)
	}
	w.Header().Set("Content-Type", "application/vnd.git-lfs+json")
	w.WriteHeader(200)
	json.NewEncoder(w).Encode(map[string]any{"transfer": transfer, "objects": objects})
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (s *Server) serveLFSVerify(w http.ResponseWriter, r *http.Request) {
	var req struct {
		OID  string `json:"oid"`
		Size int64  `json:"size"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		hubError(w, r, http.StatusBadRequest, "", "invalid JSON")
		return
	}
	if src, ok := s.findBlob(req.OID); ok && src.size == req.Size {
		writeJSON(w, 200, map[string]any{})
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "object not found"})
}

// serveUpload answers the signed upload targets: PUT /upload/{id} (basic),
// PUT /upload/{id}/part/{n}, POST /upload/{id}/complete.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request, seg []string) {
	s.mu.Lock()
	up := s.uploads[seg[0]]
	s.mu.Unlock()
	if up == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	udir := filepath.Join(s.tmp, "uploads")
	switch {
	case len(seg) == 1 && r.Method == http.MethodPut:
		s.stats.uploads.Add(1)
		tmp := filepath.Join(udir, up.id+".basic")
		sum, n, md, err := receive(r.Body, tmp)
		if err != nil {
			os.Remove(tmp)
			return
		}
		if n != up.size || sum != up.oid {
			os.Remove(tmp)
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("content does not match: got %d bytes sha256 %s", n, sum)})
			return
		}
		if _, err := s.storeFile(up.oid, tmp); err != nil {
			writeJSON(w, 500, map[string]string{"error": err.Error()})
			return
		}
		w.Header().Set("ETag", `"`+md+`"`)
		w.WriteHeader(200)
	case len(seg) == 3 && seg[1] == "part" && r.Method == http.MethodPut:
		s.stats.uploads.Add(1)
		k, err := strconv.Atoi(seg[2])
		if err != nil || k < 1 || k > up.nparts {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		want := up.partSize
		if k == up.nparts {
			want = up.size - int64(k-1)*up.partSize
		}
		tmp := filepath.Join(udir, fmt.Sprintf("%s.part%d", up.id, k))
		_, n, md, err := receive(r.Body, tmp)
		if err != nil {
			os.Remove(tmp)
			return
		}
		if n != want {
			os.Remove(tmp)
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "part %d: %d bytes, want %d", k, n, want)
			return
		}
		s.mu.Lock()
		up.etags[k] = md
		s.mu.Unlock()
		w.Header().Set("ETag", `"`+md+`"`)
		w.WriteHeader(200)
	case len(seg) == 2 && seg[1] == "complete" && r.Method == http.MethodPost:
		var req struct {
			OID   string `json:"oid"`
			Parts []struct {
				PartNumber int    `json:"partNumber"`
				ETag       string `json:"etag"`
			} `json:"parts"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON"})
			return
		}
		if req.OID != up.oid || len(req.Parts) != up.nparts {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "oid or part count mismatch"})
			return
		}
		s.mu.Lock()
		for i, p := range req.Parts {
			if p.PartNumber != i+1 || strings.Trim(p.ETag, `"`) != up.etags[p.PartNumber] {
				s.mu.Unlock()
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("part %d: missing or etag mismatch", p.PartNumber)})
				return
			}
		}
		s.mu.Unlock()
		tmp := filepath.Join(udir, up.id+".assembled")
		out, err := os.Create(tmp)
		if err != nil {
			writeJSON(w, 500, map[string]string{"error": err.Error()})
			return
		}
		h := sha256.New()
		var n int64
		for k := 1; k <= up.nparts; k++ {
			pp := filepath.Join(udir, fmt.Sprintf("%s.part%d", up.id, k))
			in, err := os.Open(pp)
			if err == nil {
				var m int64
				m, err = io.Copy(io.MultiWriter(out, h), in)
				n += m
				in.Close()
				os.Remove(pp)
			}
			if err != nil {
				out.Close()
				os.Remove(tmp)
				writeJSON(w, 500, map[string]string{"error": err.Error()})
				return
			}
		}
		out.Close()
		if sum := hex.EncodeToString(h.Sum(nil)); sum != up.oid || n != up.size {
			os.Remove(tmp)
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "assembled object does not match its oid"})
			return
		}
		if _, err := s.storeFile(up.oid, tmp); err != nil {
			writeJSON(w, 500, map[string]string{"error": err.Error()})
			return
		}
		s.mu.Lock()
		delete(s.uploads, up.id)
		s.mu.Unlock()
		writeJSON(w, 200, map[string]any{})
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// receive writes a request body to p, returning its sha256, size and md5.
func receive(body io.Reader, p string) (sum string, n int64, md string, err error) {
	f, err := os.Create(p)
	if err != nil {
		return "", 0, "", err
	}
	h, m := sha256.New(), md5.New()
	n, err = io.Copy(io.MultiWriter(f, h, m), body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return hex.EncodeToString(h.Sum(nil)), n, hex.EncodeToString(m.Sum(nil)), err
}

// validRepoPath is the server's own check of commit paths.
func validRepoPath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.ContainsRune(p, 0) {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	first, _, _ := strings.Cut(p, "/")
	return first != ".git" && first != ".cache"
}

type commitOp struct {
	Key   string `json:"key"`
	Value struct {
		Path         string `json:"path"`
		Content      string `json:"content"`
		Encoding     string `json:"encoding"`
		OID          string `json:"oid"`
		Algo         string `json:"algo"`
		Size         int64  `json:"size"`
		Summary      string `json:"summary"`
		Description  string `json:"description"`
		ParentCommit string `json:"parentCommit"`
	} `json:"value"`
}

func (s *Server) serveCommit(w http.ResponseWriter, r *http.Request, kind, id, rev string) {
	if _, ok := s.checkWrite(w, r); !ok {
		return
	}
	rp, _, ok := s.repoAt(w, r, kind, id, rev)
	if !ok {
		return
	}
	if rev != "main" && rev != "HEAD" {
		hubError(w, r, http.StatusBadRequest, "", "hubtest: commits go to main only")
		return
	}
	var ops []commitOp
	sc := bufio.NewScanner(io.LimitReader(r.Body, 1<<30))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var op commitOp
		if err := json.Unmarshal(line, &op); err != nil {
			hubError(w, r, http.StatusBadRequest, "", "invalid NDJSON line: "+err.Error())
			return
		}
		ops = append(ops, op)
	}
	if err := sc.Err(); err != nil {
		hubError(w, r, http.StatusBadRequest, "", err.Error())
		return
	}
	if len(ops) == 0 || ops[0].Key != "header" {
		hubError(w, r, http.StatusBadRequest, "", "the first line must be the header")
		return
	}
	hdr := ops[0].Value
	if hdr.Summary == "" {
		hdr.Summary = "Commit"
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if err := s.sync(rp); err != nil {
		hubError(w, r, http.StatusInternalServerError, "", err.Error())
		return
	}
	if hdr.ParentCommit != "" && hdr.ParentCommit != rp.head.id {
		hubError(w, r, http.StatusPreconditionFailed, "", "A commit has happened since. Please refresh and try again.")
		return
	}
	// validate everything before touching the disk
	type write struct {
		path    string
		content []byte // regular
		e       *entry
	}
	var writes []write
	var deletes []string
	files := cloneFiles(rp.head.files)
	for _, op := range ops[1:] {
		p := op.Value.Path
		if op.Key == "deletedFolder" {
			p = strings.TrimSuffix(p, "/")
		}
		if !validRepoPath(p) {
			hubError(w, r, http.StatusBadRequest, "", fmt.Sprintf("Invalid path %q", op.Value.Path))
			return
		}
		switch op.Key {
		case "file":
			var b []byte
			var err error
			switch op.Value.Encoding {
			case "base64":
				b, err = base64.StdEncoding.DecodeString(op.Value.Content)
			case "", "utf-8", "utf8":
				b = []byte(op.Value.Content)
			default:
				err = fmt.Errorf("unknown encoding %q", op.Value.Encoding)
			}
			if err != nil {
				hubError(w, r, http.StatusBadRequest, "", err.Error())
				return
			}
			e := newEntryFromBytes(s, p, b)
			writes = append(writes, write{path: p, content: b, e: e})
			files[p] = e
		case "lfsFile":
			if op.Value.Algo != "" && op.Value.Algo != "sha256" {
				hubError(w, r, http.StatusBadRequest, "", "unsupported algo")
				return
			}
			src, ok := s.findBlob(op.Value.OID)
			if !ok || src.size != op.Value.Size {
				hubError(w, r, http.StatusBadRequest, "", fmt.Sprintf("Your push was rejected because an LFS pointer pointed to a file that does not exist (%s)", p))
				return
			}
			e := &entry{size: op.Value.Size, sha256: op.Value.OID, lfs: true, src: src}
			e.finishLFS()
			writes = append(writes, write{path: p, e: e})
			files[p] = e
		case "deletedFile":
			if files[p] == nil {
				hubError(w, r, http.StatusNotFound, "EntryNotFound", fmt.Sprintf("%s does not exist", p))
				return
			}
			delete(files, p)
			deletes = append(deletes, p)
		case "deletedFolder":
			for f := range files {
				if strings.HasPrefix(f, p+"/") {
					delete(files, f)
					deletes = append(deletes, f)
				}
			}
		default:
			hubError(w, r, http.StatusBadRequest, "", "unsupported operation "+op.Key)
			return
		}
	}
	// apply: keep what older commits need, then write the new tree
	for _, d := range deletes {
		old := rp.head.files[d]
		s.preserve(old)
		if old != nil && !old.virtual {
			os.Remove(filepath.Join(rp.dir, filepath.FromSlash(d)))
		}
		delete(rp.scanned, d)
	}
	for _, wr := range writes {
		s.preserve(rp.head.files[wr.path])
		dst := filepath.Join(rp.dir, filepath.FromSlash(wr.path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			hubError(w, r, http.StatusInternalServerError, "", err.Error())
			return
		}
		tmp := filepath.Join(filepath.Dir(dst), ".hubtest-"+randomID())
		var err error
		if wr.content != nil || !wr.e.lfs {
			err = os.WriteFile(tmp, wr.content, 0o644)
		} else {
			err = copyPath(wr.e.src.path, tmp)
		}
		if err == nil {
			err = os.Rename(tmp, dst)
		}
		if err != nil {
			os.Remove(tmp)
			hubError(w, r, http.StatusInternalServerError, "", err.Error())
			return
		}
		if st, err := os.Stat(dst); err == nil {
			ne := *wr.e
			if wr.content != nil {
				ne.src = source{path: dst, size: st.Size(), mtime: st.ModTime()}
				s.registerSource(ne.sha256, ne.src)
			}
			files[wr.path] = &ne
			rp.scanned[wr.path] = scanned{size: st.Size(), mtime: st.ModTime(), e: &ne}
		}
	}
	c := s.addCommit(rp, files, hdr.Summary)
	s.stats.commits.Add(1)
	urlPath := "/" + id
	if kind != "model" {
		urlPath = "/" + kind + "s/" + id
	}
	writeJSON(w, 200, map[string]any{"success": true, "commitOid": c.id, "commitUrl": s.URL + urlPath + "/commit/" + c.id,
		"hookOutput": "", "pullRequestUrl": nil})
}

func copyPath(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
