package hub

import (
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// CheckRepoPath reports whether name, a file path from the server (or the
// user), is a clean relative slash-separated path that stays inside any
// folder it is joined to: no absolute paths, no "." or ".." components, no
// empty components, no backslashes, no NUL or control characters, no drive
// letters. It returns an *UnsafePathError otherwise.
func CheckRepoPath(name string) error {
	bad := func(reason string) error { return &UnsafePathError{Name: name, Reason: reason} }
	switch {
	case name == "":
		return bad("empty name")
	case len(name) > 4096:
		return bad("name too long")
	case !utf8.ValidString(name):
		return bad("not valid UTF-8")
	case strings.HasPrefix(name, "/"):
		return bad("absolute path")
	case strings.Contains(name, "\\"):
		return bad("backslash in name")
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f {
			if c == 0 {
				return bad("NUL byte in name")
			}
			return bad("control character in name")
		}
	}
	if len(name) >= 2 && name[1] == ':' {
		return bad("drive letter")
	}
	for _, part := range strings.Split(name, "/") {
		switch part {
		case "":
			return bad("empty path component")
		case ".", "..":
			return bad("'" + part + "' path component")
		}
	}
	return nil
}

// safeJoin joins a checked repository path to root and makes sure the
// result is inside root.
func safeJoin(root, name string) (string, error) {
	if err := CheckRepoPath(name); err != nil {
		return "", err
	}
	p := filepath.Join(root, filepath.FromSlash(name))
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", &UnsafePathError{Name: name, Reason: "escapes the target folder"}
	}
	return p, nil
}

// checkComponent checks a single path component from the server (an etag,
// a commit hash) that is used as a file name.
func checkComponent(kind, s string) error {
	if s == "" || len(s) > 200 || s[0] == '.' {
		return &UnsafePathError{Name: s, Reason: "invalid " + kind}
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return &UnsafePathError{Name: s, Reason: "invalid " + kind}
		}
	}
	return nil
}

// isCommitHash reports whether s is a full commit hash (40 lowercase hex).
func isCommitHash(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// checkRevision checks a revision name used as a path under refs/ (it may
// contain slashes: "refs/pr/1").
func checkRevision(rev string) error {
	if err := CheckRepoPath(rev); err != nil {
		return &UnsafePathError{Name: rev, Reason: "invalid revision name"}
	}
	return nil
}
