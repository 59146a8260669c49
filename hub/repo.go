package hub

import (
	"fmt"
	"net/url"
	"strings"
)

// RepoType is the kind of a Hub repository.
type RepoType string

// The three repository kinds of the Hub.
const (
	Model   RepoType = "model"
	Dataset RepoType = "dataset"
	Space   RepoType = "space"
)

// Repo names a repository: its kind and its id ("org/name", or a legacy
// single-segment id such as "gpt2").
type Repo struct {
	Type RepoType
	ID   string
}

// ParseRepo parses "org/name" (a model), or a kind-prefixed id such as
// "datasets/org/name", "spaces/org/name" or "models/org/name". A two-segment
// id is always a model: "models/x" is the model x of the user "models".
func ParseRepo(s string) (Repo, error) {
	s = strings.Trim(s, "/")
	parts := strings.Split(s, "/")
	r := Repo{Type: Model, ID: s}
	if len(parts) == 3 {
		switch parts[0] {
		case "models":
			r.Type = Model
		case "datasets":
			r.Type = Dataset
		case "spaces":
			r.Type = Space
		default:
			return Repo{}, fmt.Errorf("invalid repository id %q: want ORG/NAME (or datasets/ORG/NAME, spaces/ORG/NAME)", s)
		}
		r.ID = parts[1] + "/" + parts[2]
	}
	return r, r.Validate()
}

// MustParseRepo is ParseRepo that panics on error (for tests and constants).
func MustParseRepo(s string) Repo {
	r, err := ParseRepo(s)
	if err != nil {
		panic(err)
	}
	return r
}

// Validate checks the kind and the id's characters (as the Hub restricts
// them: letters, digits, '-', '_', '.', at most one '/').
func (r Repo) Validate() error {
	switch r.Type {
	case Model, Dataset, Space:
	default:
		return fmt.Errorf("invalid repository type %q: want model, dataset or space", r.Type)
	}
	parts := strings.Split(r.ID, "/")
	if len(parts) > 2 || r.ID == "" {
		return fmt.Errorf("invalid repository id %q: want ORG/NAME", r.ID)
	}
	for _, p := range parts {
		if p == "" || len(p) > 96 || strings.Contains(p, "--") || strings.Contains(p, "..") ||
			strings.IndexAny(p[:1], "-.") == 0 || strings.IndexAny(p[len(p)-1:], "-.") == 0 {
			return fmt.Errorf("invalid repository id %q: want ORG/NAME (letters, digits, '-', '_', '.'; no '--' or '..', no '-' or '.' at either end)", r.ID)
		}
		for _, c := range p {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				return fmt.Errorf("invalid repository id %q: character %q not allowed", r.ID, c)
			}
		}
	}
	return nil
}

// String returns the id, kind-prefixed for datasets and spaces.
func (r Repo) String() string {
	if r.Type == Model || r.Type == "" {
		return r.ID
	}
	return string(r.Type) + "s/" + r.ID
}

// FolderName is the repository's folder in the cache, as huggingface_hub
// names it: "models--org--name", "datasets--org--name", "spaces--org--name".
func (r Repo) FolderName() string {
	return string(r.typ()) + "s--" + strings.ReplaceAll(r.ID, "/", "--")
}

func (r Repo) typ() RepoType {
	if r.Type == "" {
		return Model
	}
	return r.Type
}

// apiPath is "/api/models/org/name" (or datasets, spaces).
func (r Repo) apiPath() string {
	return "/api/" + string(r.typ()) + "s/" + r.ID
}

// urlPath is the repository's path on the web site: "/org/name",
// "/datasets/org/name", "/spaces/org/name".
func (r Repo) urlPath() string {
	if r.typ() == Model {
		return "/" + r.ID
	}
	return "/" + string(r.typ()) + "s/" + r.ID
}

// escapeRevision escapes a revision as huggingface_hub does
// (quote(revision, safe="")): "refs/pr/1" becomes "refs%2Fpr%2F1".
func escapeRevision(rev string) string {
	return url.PathEscape(rev)
}

// escapeFilePath escapes a file path keeping its slashes (quote(path)).
func escapeFilePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}
