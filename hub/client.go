package hub

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// DefaultEndpoint is the Hub's address when neither Options.Endpoint nor
// HF_ENDPOINT is set.
const DefaultEndpoint = "https://huggingface.co"

// Options configure a Client. Zero values take the environment's settings
// (as huggingface_hub reads them), then the defaults.
type Options struct {
	// Endpoint is the Hub's base URL (HF_ENDPOINT, default
	// https://huggingface.co).
	Endpoint string
	// Token is the access token (else HF_TOKEN, else the file
	// HF_TOKEN_PATH or $HF_HOME/token). NoToken sends none at all.
	Token   string
	NoToken bool
	// CacheDir is the hub cache (HF_HUB_CACHE, else $HF_HOME/hub, else
	// ~/.cache/huggingface/hub).
	CacheDir string
	// Offline resolves everything from the cache and never touches the
	// network (also set by HF_HUB_OFFLINE=1).
	Offline bool

	// HTTPClient replaces the default client (its CheckRedirect is
	// ignored: redirects are followed by hand, as huggingface_hub does).
	HTTPClient *http.Client
	UserAgent  string

	// MaxRetries is how many times a request is retried after a transport
	// error, a timeout, a 5xx or a 429 (default 5; negative: none). For
	// downloads it counts consecutive failures without progress.
	MaxRetries int
	// RetryBaseDelay is the first backoff delay (default 1s), doubled at
	// each retry up to RetryMaxDelay (default 30s). A Retry-After header
	// from the server takes precedence (capped at MaxRetryAfter, default
	// 5 minutes).
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
	MaxRetryAfter  time.Duration
	// ReadTimeout aborts (and resumes) a download that received nothing for
	// this long (HF_HUB_DOWNLOAD_TIMEOUT seconds, default 30s).
	ReadTimeout time.Duration
	// RequestTimeout bounds API calls and HEAD requests (HF_HUB_ETAG_TIMEOUT
	// seconds for HEAD, default 30s).
	RequestTimeout time.Duration

	// Concurrency is how many files download (or upload) at once (default 8).
	Concurrency int
	// RangeThreshold: files at least this large download in parallel byte
	// ranges (default 64 MiB; negative: never).
	RangeThreshold int64
	// RangeChunkSize is the size of one range request (default 8 MiB).
	RangeChunkSize int64
	// RangeConcurrency is the number of parallel range requests per file
	// (default 8).
	RangeConcurrency int
	// MaxBufferedBytes bounds the memory that parallel range downloads hold
	// at once, across all files (default 128 MiB, at least one chunk per
	// range worker of one file).
	MaxBufferedBytes int64
	// NoFsync skips the fsync of a downloaded blob before it is renamed
	// into place.
	NoFsync bool
}

// Client talks to the Hub and manages the local cache. It is safe for
// concurrent use.
type Client struct {
	opts     Options
	endpoint string
	token    string
	cacheDir string
	httpc    *http.Client
	bufs     *bufferPool
}

// NewClient returns a client configured by opts, then the environment.
func NewClient(opts Options) *Client {
	o := opts
	if o.Endpoint == "" {
		o.Endpoint = os.Getenv("HF_ENDPOINT")
	}
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	o.Endpoint = strings.TrimRight(o.Endpoint, "/")
	if o.Token == "" && !o.NoToken {
		o.Token = TokenFromEnv()
	}
	if o.CacheDir == "" {
		o.CacheDir = DefaultCacheDir()
	}
	o.CacheDir = expandUser(o.CacheDir)
	if abs, err := filepath.Abs(o.CacheDir); err == nil {
		o.CacheDir = abs
	}
	if !o.Offline {
		o.Offline = envTrue("HF_HUB_OFFLINE")
	}
	if o.UserAgent == "" {
		o.UserAgent = "hfctl; go/" + runtime.Version()
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 5
	} else if o.MaxRetries < 0 {
		o.MaxRetries = 0
	}
	if o.RetryBaseDelay == 0 {
		o.RetryBaseDelay = time.Second
	}
	if o.RetryMaxDelay == 0 {
		o.RetryMaxDelay = 30 * time.Second
	}
	if o.MaxRetryAfter == 0 {
		o.MaxRetryAfter = 5 * time.Minute
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = envSeconds("HF_HUB_DOWNLOAD_TIMEOUT", 30*time.Second)
	}
	if o.RequestTimeout == 0 {
		o.RequestTimeout = envSeconds("HF_HUB_ETAG_TIMEOUT", 30*time.Second)
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.RangeThreshold == 0 {
		o.RangeThreshold = 64 << 20
	}
	if o.RangeChunkSize <= 0 {
		o.RangeChunkSize = 8 << 20
	}
	if o.RangeConcurrency <= 0 {
		o.RangeConcurrency = 8
	}
	if o.MaxBufferedBytes <= 0 {
		o.MaxBufferedBytes = 128 << 20
	}
	minBuf := o.RangeChunkSize * int64(o.RangeConcurrency)
	if o.MaxBufferedBytes < minBuf {
		o.MaxBufferedBytes = minBuf
	}
	httpc := o.HTTPClient
	if httpc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		tr.DisableCompression = true // never let the transport gunzip a file
		// HTTP/1.1 only: parallel range requests then use parallel TCP
		// connections instead of being multiplexed over one HTTP/2 stream
		// window (as hf_transfer and Python's requests do).
		tr.ForceAttemptHTTP2 = false
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
		httpc = &http.Client{Transport: tr}
	}
	c := *httpc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{
		opts:     o,
		endpoint: o.Endpoint,
		token:    o.Token,
		cacheDir: o.CacheDir,
		httpc:    &c,
		bufs:     newBufferPool(int(o.RangeChunkSize), int(o.MaxBufferedBytes/o.RangeChunkSize)),
	}
}

// Endpoint returns the Hub's base URL in use.
func (c *Client) Endpoint() string { return c.endpoint }

// CacheDir returns the hub cache folder in use.
func (c *Client) CacheDir() string { return c.cacheDir }

// Offline reports whether the client never uses the network.
func (c *Client) Offline() bool { return c.opts.Offline }

// HasToken reports whether a token is sent.
func (c *Client) HasToken() bool { return c.token != "" }

// HFHome is $HF_HOME, else $XDG_CACHE_HOME/huggingface, else
// ~/.cache/huggingface.
func HFHome() string {
	if h := os.Getenv("HF_HOME"); h != "" {
		return expandUser(h)
	}
	if x := os.Getenv("XDG_CACHE_HOME"); x != "" {
		return filepath.Join(expandUser(x), "huggingface")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = os.TempDir()
	}
	return filepath.Join(home, ".cache", "huggingface")
}

// DefaultCacheDir is $HF_HUB_CACHE (or the older HUGGINGFACE_HUB_CACHE),
// else $HF_HOME/hub.
func DefaultCacheDir() string {
	if d := os.Getenv("HF_HUB_CACHE"); d != "" {
		return expandUser(d)
	}
	if d := os.Getenv("HUGGINGFACE_HUB_CACHE"); d != "" {
		return expandUser(d)
	}
	return filepath.Join(HFHome(), "hub")
}

// TokenFromEnv returns $HF_TOKEN (or the older HUGGING_FACE_HUB_TOKEN),
// else the content of $HF_TOKEN_PATH or $HF_HOME/token, else "".
func TokenFromEnv() string {
	for _, k := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if t := strings.TrimSpace(os.Getenv(k)); t != "" {
			return t
		}
	}
	path := os.Getenv("HF_TOKEN_PATH")
	if path == "" {
		path = filepath.Join(HFHome(), "token")
	}
	b, err := os.ReadFile(expandUser(path))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func expandUser(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

func envTrue(k string) bool {
	switch strings.ToUpper(strings.TrimSpace(os.Getenv(k))) {
	case "1", "ON", "YES", "TRUE":
		return true
	}
	return false
}

func envSeconds(k string, def time.Duration) time.Duration {
	if v := os.Getenv(k); v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 {
			return time.Duration(f * float64(time.Second))
		}
	}
	return def
}

// request describes one HTTP call; body is rebuilt for each attempt.
type request struct {
	method   string
	url      string
	body     func() (io.Reader, error)
	header   http.Header
	noAuth   bool
	redirect redirectPolicy

	// for error messages
	repo     Repo
	revision string
	path     string
}

type redirectPolicy int

const (
	followAll      redirectPolicy = iota // follow every redirect (auth dropped on a host change)
	followSameHost                       // follow relative / same-host redirects only (HEAD on resolve)
	followNone
)

// do sends r with retries on transport errors, 5xx and 429 and follows
// redirects by hand. It returns the final response (2xx, or a 3xx not
// followed) or an error: *Error for an HTTP error status.
func (c *Client) do(ctx context.Context, r *request) (*http.Response, error) {
	if c.opts.Offline {
		return nil, fmt.Errorf("%s %s: offline mode (HF_HUB_OFFLINE=1)", r.method, r.url)
	}
	var lastErr error
	for attempt := 0; ; attempt++ {
		resp, err := c.doRedirects(ctx, r)
		if err == nil {
			if resp.StatusCode < 400 {
				return resp, nil
			}
			he := c.httpError(resp, r)
			he.Retries = attempt
			if !retryableStatus(resp.StatusCode) || attempt >= c.opts.MaxRetries {
				return nil, he
			}
			lastErr = he
			if err := c.sleep(ctx, c.backoff(attempt, he.RetryAfter)); err != nil {
				return nil, err
			}
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		lastErr = err
		if attempt >= c.opts.MaxRetries {
			return nil, lastErr
		}
		if err := c.sleep(ctx, c.backoff(attempt, 0)); err != nil {
			return nil, err
		}
	}
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusRequestTimeout, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is the delay before retry number attempt+1: Retry-After when the
// server gave one, else exponential with jitter.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.opts.MaxRetryAfter)
	}
	d := c.opts.RetryBaseDelay << min(attempt, 20)
	if d > c.opts.RetryMaxDelay || d <= 0 {
		d = c.opts.RetryMaxDelay
	}
	// ±20% jitter so that parallel workers do not retry in lockstep
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) doRedirects(ctx context.Context, r *request) (*http.Response, error) {
	method, target, auth := r.method, r.url, !r.noAuth
	body := r.body
	for hops := 0; ; hops++ {
		req, err := c.newHTTPRequest(ctx, method, target, body, r.header, auth)
		if err != nil {
			return nil, err
		}
		resp, err := c.httpc.Do(req)
		if err != nil {
			return nil, err
		}
		if !isRedirect(resp.StatusCode) || r.redirect == followNone {
			return resp, nil
		}
		loc := resp.Header.Get("Location")
		if loc == "" {
			return resp, nil
		}
		next, err := req.URL.Parse(loc)
		if err != nil {
			resp.Body.Close()
			return nil, fmt.Errorf("%s %s: bad redirect %q: %w", method, target, loc, err)
		}
		sameHost := next.Host == req.URL.Host && next.Scheme == req.URL.Scheme
		if r.redirect == followSameHost && !sameHost {
			return resp, nil
		}
		if hops >= 10 {
			resp.Body.Close()
			return nil, fmt.Errorf("%s %s: too many redirects", r.method, r.url)
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		if !sameHost {
			auth = false // signed CDN URLs: never send the token elsewhere
		}
		switch resp.StatusCode {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther:
			if method != http.MethodGet && method != http.MethodHead {
				method, body = http.MethodGet, nil
			}
		}
		target = next.String()
	}
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

func (c *Client) newHTTPRequest(ctx context.Context, method, target string, body func() (io.Reader, error), header http.Header, auth bool) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		var err error
		if rd, err = body(); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	if auth && c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// httpError turns an error response into an *Error and closes its body.
func (c *Client) httpError(resp *http.Response, r *request) *Error {
	defer resp.Body.Close()
	e := &Error{
		StatusCode: resp.StatusCode,
		Code:       resp.Header.Get("X-Error-Code"),
		Message:    resp.Header.Get("X-Error-Message"),
		Method:     r.method,
		URL:        r.url,
		RequestID:  resp.Header.Get("X-Request-Id"),
		Endpoint:   c.endpoint,
		Repo:       r.repo,
		Revision:   r.revision,
		Path:       r.path,
		Commit:     resp.Header.Get("X-Repo-Commit"),
		HadToken:   c.token != "" && !r.noAuth,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After")),
	}
	if r.method != http.MethodHead {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if e.Message == "" {
			e.Message = bodyMessage(b)
		}
	}
	isRepoURL := strings.Contains(r.url, "/api/models/") || strings.Contains(r.url, "/api/datasets/") ||
		strings.Contains(r.url, "/api/spaces/") || strings.Contains(r.url, "/resolve/")
	switch {
	case e.Code == "RevisionNotFound":
		e.Kind = ErrRevisionNotFound
	case e.Code == "EntryNotFound":
		e.Kind = ErrEntryNotFound
	case e.Code == "GatedRepo":
		e.Kind = ErrGated
	case e.Message == "Access to this resource is disabled.":
		e.Kind = ErrDisabled
	case e.Code == "RepoNotFound",
		resp.StatusCode == http.StatusUnauthorized && e.Message != "Invalid credentials in Authorization header" && isRepoURL && r.repo.ID != "":
		e.Kind = ErrRepoNotFound
	case resp.StatusCode == http.StatusUnauthorized:
		e.Kind = ErrUnauthorized
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Kind = ErrRateLimited
	case resp.StatusCode == http.StatusForbidden:
		e.Kind = ErrForbidden
	}
	return e
}

func bodyMessage(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return ""
	}
	var j struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
	}
	if b[0] == '{' && json.Unmarshal(b, &j) == nil {
		var s string
		var list []string
		switch {
		case json.Unmarshal(j.Error, &s) == nil && s != "":
			return s
		case json.Unmarshal(j.Error, &list) == nil && len(list) > 0:
			return strings.Join(list, "; ")
		case j.Message != "":
			return j.Message
		}
	}
	s := string(b)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	if strings.HasPrefix(s, "<") { // an HTML error page says nothing useful
		return ""
	}
	return s
}

func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n <= 0 {
			return time.Millisecond // "retry now": still a tiny pause
		}
		return time.Duration(n * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
		return time.Millisecond
	}
	return 0
}

// getJSON GETs an API URL and decodes its JSON body into v.
func (c *Client) getJSON(ctx context.Context, r *request, v any) (http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout*4)
	defer cancel()
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set("Accept", "application/json")
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: unexpected HTTP %d", r.method, r.url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return nil, fmt.Errorf("%s %s: decoding the response: %w", r.method, r.url, err)
	}
	return resp.Header, nil
}

// postJSON POSTs body (marshalled as JSON, or raw bytes) and decodes the
// response into v (if not nil).
func (c *Client) postJSON(ctx context.Context, r *request, contentType string, body []byte, v any) error {
	return c.postJSONTimeout(ctx, r, contentType, body, v, c.opts.RequestTimeout*4+time.Duration(len(body)/(1<<20))*time.Second)
}

func (c *Client) postJSONTimeout(ctx context.Context, r *request, contentType string, body []byte, v any, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set("Content-Type", contentType)
	if r.header.Get("Accept") == "" {
		r.header.Set("Accept", "application/json")
	}
	r.method = http.MethodPost
	r.body = func() (io.Reader, error) { return bytes.NewReader(body), nil }
	resp, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if v == nil {
		io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("POST %s: decoding the response: %w", r.url, err)
	}
	return nil
}

// isNetworkError reports whether err is a failure to reach the Hub (not an
// answer from it, not a cancellation by the caller).
func isNetworkError(err error) bool {
	if err == nil {
		return false
	}
	var he *Error
	if errors.As(err, &he) {
		return he.StatusCode >= 500 // the Hub is up but broken: fall back to the cache too
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ue *UnsafePathError
	return !errors.As(err, &ue)
}

func (c *Client) apiURL(r Repo, parts ...string) string {
	return c.endpoint + r.apiPath() + strings.Join(parts, "")
}

func query(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return "?" + v.Encode()
}
