package hub

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors, matched with errors.Is. Every error the Hub returns is an
// *Error wrapping one of the first seven (or none, for other statuses).
var (
	ErrRepoNotFound     = errors.New("repository not found")
	ErrGated            = errors.New("gated repository")
	ErrRevisionNotFound = errors.New("revision not found")
	ErrEntryNotFound    = errors.New("file not found")
	ErrUnauthorized     = errors.New("unauthorized")
	ErrRateLimited      = errors.New("rate-limited")
	ErrForbidden        = errors.New("forbidden")
	ErrDisabled         = errors.New("repository disabled")

	// ErrNotCached: offline (HF_HUB_OFFLINE=1, or the Hub unreachable) and
	// the file or revision is not in the local cache. See *NotCachedError.
	ErrNotCached = errors.New("not in the local cache")
	// ErrUnsafePath: a name from the server would escape the target folder.
	// See *UnsafePathError.
	ErrUnsafePath = errors.New("unsafe path from server")
	// ErrIntegrity: downloaded bytes do not match the expected sha256 or size.
	ErrIntegrity = errors.New("integrity check failed")
)

// Error is an error response from the Hub, with what the user can do about
// it in its message. errors.Is(err, ErrGated) and the like tell the kinds
// apart; errors.As gives the details.
type Error struct {
	Kind       error  // one of the sentinels above, or nil
	StatusCode int    // HTTP status
	Code       string // X-Error-Code
	Message    string // X-Error-Message or the body's "error"
	Method     string
	URL        string
	RequestID  string // X-Request-Id

	Endpoint   string // the Hub's base URL (for the pages the message names)
	Repo       Repo
	Revision   string
	Path       string        // file, for ErrEntryNotFound
	Commit     string        // X-Repo-Commit, when present
	HadToken   bool          // a token was sent with the request
	RetryAfter time.Duration // from Retry-After, for ErrRateLimited
	Retries    int           // attempts made before giving up (429, 5xx)
}

func (e *Error) Unwrap() error { return e.Kind }

func (e *Error) Error() string {
	repo := e.Repo.String()
	page := strings.TrimRight(e.Endpoint, "/") + e.Repo.urlPath()
	server := ""
	if e.Message != "" {
		server = " (server: " + e.Message + ")"
	}
	switch e.Kind {
	case ErrRepoNotFound:
		if !e.HadToken {
			return fmt.Sprintf("repository %s not found, or it is private (HTTP %d)%s: check the name (and the repository type); "+
				"if it is private, set HF_TOKEN (or pass --token) to an access token that can read it (%s/settings/tokens)",
				repo, e.StatusCode, server, strings.TrimRight(e.Endpoint, "/"))
		}
		return fmt.Sprintf("repository %s not found (HTTP %d)%s: check the name (and the repository type); "+
			"if it is private, make sure the token in use (HF_TOKEN, --token or $HF_HOME/token) belongs to an account that can read it",
			repo, e.StatusCode, server)
	case ErrGated:
		if !e.HadToken {
			return fmt.Sprintf("repository %s is gated (HTTP %d)%s: log in at %s and accept its license (or request access), "+
				"then set HF_TOKEN (or pass --token) to an access token of that account", repo, e.StatusCode, server, page)
		}
		return fmt.Sprintf("repository %s is gated and the account of this token has no access yet (HTTP %d)%s: "+
			"visit %s to accept its license (or wait until the authors grant access)", repo, e.StatusCode, server, page)
	case ErrRevisionNotFound:
		return fmt.Sprintf("revision %q not found in %s (HTTP %d)%s: check the branch, tag or commit (see %s/tree/main)",
			e.Revision, repo, e.StatusCode, server, page)
	case ErrEntryNotFound:
		rev := e.Revision
		if rev == "" {
			rev = "main"
		}
		return fmt.Sprintf("file %q not found in %s at revision %s (HTTP %d)%s: check the file name (the repository's files: %s/tree/%s)",
			e.Path, repo, rev, e.StatusCode, server, page, escapeRevision(rev))
	case ErrUnauthorized:
		return fmt.Sprintf("the Hub rejected the access token (HTTP %d)%s: it is invalid or expired; create one at %s/settings/tokens "+
			"and set HF_TOKEN (or pass --token), or unset it for public repositories", e.StatusCode, server, strings.TrimRight(e.Endpoint, "/"))
	case ErrRateLimited:
		wait := ""
		if e.RetryAfter > 0 {
			wait = fmt.Sprintf(" (the server asks to wait %s)", e.RetryAfter)
		}
		tok := "; authenticated requests get higher limits: set HF_TOKEN"
		if e.HadToken {
			tok = ""
		}
		return fmt.Sprintf("rate-limited by the Hub (HTTP 429) after %d attempts%s%s: wait a few minutes and retry%s",
			e.Retries+1, wait, server, tok)
	case ErrForbidden:
		return fmt.Sprintf("access to %s forbidden (HTTP %d)%s: the token in use lacks the permission (a write token is needed to upload)",
			repo, e.StatusCode, server)
	case ErrDisabled:
		return fmt.Sprintf("repository %s has been disabled by the Hub (HTTP %d)%s", repo, e.StatusCode, server)
	}
	s := fmt.Sprintf("%s %s: HTTP %d", e.Method, e.URL, e.StatusCode)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RequestID != "" {
		s += " (request id " + e.RequestID + ")"
	}
	if e.StatusCode >= 500 && e.Retries > 0 {
		s += fmt.Sprintf(" after %d attempts: the Hub is having trouble, retry later", e.Retries+1)
	}
	return s
}

// NotCachedError is returned in offline mode when something is not in the
// cache.
type NotCachedError struct {
	Repo     Repo
	Revision string
	Path     string // "" for a whole snapshot
	Reason   string // why the network was not used
	Err      error  // the network error when the Hub was unreachable
}

func (e *NotCachedError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrNotCached, e.Err}
	}
	return []error{ErrNotCached}
}

func (e *NotCachedError) Error() string {
	what := fmt.Sprintf("revision %q of %s", e.Revision, e.Repo)
	if e.Path != "" {
		what = fmt.Sprintf("file %q of %s at revision %q", e.Path, e.Repo, e.Revision)
	}
	fix := "unset HF_HUB_OFFLINE (or set it to 0) and download it once with `hfctl download " + e.Repo.String() + "`"
	if e.Err != nil {
		return fmt.Sprintf("%s is not in the local cache and the Hub is unreachable (%v): check the network (and HF_ENDPOINT), then retry", what, e.Err)
	}
	return fmt.Sprintf("%s is not in the local cache and %s forbids network access: %s", what, e.Reason, fix)
}

// UnsafePathError reports a name from the server that is not a safe
// relative path (absolute, "..", backslashes, NUL, ...). Nothing is written
// for such a name.
type UnsafePathError struct {
	Name   string
	Reason string
}

func (e *UnsafePathError) Unwrap() error { return ErrUnsafePath }

func (e *UnsafePathError) Error() string {
	return fmt.Sprintf("refusing file name %q from the server: %s (it could write outside the target folder)", e.Name, e.Reason)
}

// IntegrityError reports downloaded bytes that do not match the Hub's size
// or sha256. The partial file is deleted; nothing corrupt is kept.
type IntegrityError struct {
	Path      string
	WantSize  int64
	GotSize   int64
	WantSHA   string
	GotSHA    string
	Attempted int
}

func (e *IntegrityError) Unwrap() error { return ErrIntegrity }

func (e *IntegrityError) Error() string {
	if e.WantSHA != "" && e.GotSHA != e.WantSHA {
		return fmt.Sprintf("%s: sha256 %s does not match the Hub's %s: the download was corrupted in transit; it was discarded, retry",
			e.Path, e.GotSHA, e.WantSHA)
	}
	return fmt.Sprintf("%s: got %d bytes, the Hub announced %d: the download was discarded, retry", e.Path, e.GotSize, e.WantSize)
}
