package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// locator is where a file's bytes are fetched from. A signed CDN URL may
// expire during a long download: on 401/403/404/410 from it the file is
// resolved again (once per failure streak).
type locator struct {
	mu      sync.Mutex
	url     string
	auth    bool
	refresh func(ctx context.Context) (string, error)
}

func (l *locator) get() (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.url, l.auth
}

// renew re-resolves the URL if it is still old; reports whether it changed.
func (l *locator) renew(ctx context.Context, c *Client, old string) bool {
	if l.refresh == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.url != old {
		return true
	}
	u, err := l.refresh(ctx)
	if err != nil || u == old {
		return false
	}
	l.url, l.auth = u, c.sameHost(u)
	return true
}

// sameHost reports whether u is on the Hub's host (the token may be sent).
func (c *Client) sameHost(u string) bool {
	a, err1 := url.Parse(u)
	b, err2 := url.Parse(c.endpoint)
	return err1 == nil && err2 == nil && a.Host == b.Host && a.Scheme == b.Scheme
}

// fetchSpec describes one blob to fetch.
type fetchSpec struct {
	loc        *locator
	size       int64  // expected size, -1 if unknown
	sha256     string // expected sha256 (hex) or "" (size check only)
	incomplete string // partial file, resumed from its size
	final      string // renamed to once verified
	name       string // the file in the repository, for messages
	ft         *fileTracker
}

var (
	errNoRanges = errors.New("the server ignores Range requests")
	errShort    = errors.New("connection closed before the end of the file")
)

// fetch downloads spec into spec.incomplete (resuming from its size),
// verifies size and sha256, then renames it to spec.final. On an integrity
// failure the partial file is deleted and the download is done again once.
func (c *Client) fetch(ctx context.Context, spec *fetchSpec) error {
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		err = c.fetchOnce(ctx, spec)
		var ie *IntegrityError
		if !errors.As(err, &ie) {
			return err
		}
		ie.Attempted = attempt + 1
	}
	return err
}

func (c *Client) fetchOnce(ctx context.Context, spec *fetchSpec) (err error) {
	f, err := os.OpenFile(spec.incomplete, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	off := st.Size()
	if spec.size >= 0 && off > spec.size {
		if err := f.Truncate(0); err != nil {
			return err
		}
		off = 0
	}
	var h hash.Hash
	if spec.sha256 != "" {
		h = sha256.New()
		if off > 0 { // hash what an earlier run left
			if _, err := io.Copy(h, io.NewSectionReader(f, 0, off)); err != nil {
				return err
			}
		}
	}
	spec.ft.start(off)
	var end int64
	if spec.size >= 0 && c.opts.RangeThreshold >= 0 && spec.size-off >= c.opts.RangeThreshold && spec.size-off > c.opts.RangeChunkSize {
		end, err = c.fetchParallel(ctx, f, off, h, spec)
		if errors.Is(err, errNoRanges) {
			end, err = c.fetchSequential(ctx, f, end, h, spec)
		}
	} else {
		end, err = c.fetchSequential(ctx, f, off, h, spec)
	}
	if err != nil {
		return err
	}
	if spec.size >= 0 && end != spec.size {
		f.Close()
		f = nil
		os.Remove(spec.incomplete)
		spec.ft.set(0)
		return &IntegrityError{Path: spec.name, WantSize: spec.size, GotSize: end}
	}
	if h != nil {
		if got := hex.EncodeToString(h.Sum(nil)); got != spec.sha256 {
			f.Close()
			f = nil
			os.Remove(spec.incomplete)
			spec.ft.set(0)
			return &IntegrityError{Path: spec.name, WantSize: spec.size, GotSize: end, WantSHA: spec.sha256, GotSHA: got}
		}
	}
	if !c.opts.NoFsync {
		if err := f.Sync(); err != nil {
			return err
		}
	}
	err = f.Close()
	f = nil
	if err != nil {
		return err
	}
	return os.Rename(spec.incomplete, spec.final)
}

// rangeBody GETs [start, end) of the file (end < 0: to its end) and returns
// the body, a cancel func that must be called when done, and whether the
// server sent the whole file (200) instead of the range.
func (c *Client) rangeBody(ctx context.Context, spec *fetchSpec, start, end int64) (body io.ReadCloser, whole bool, done func(), err error) {
	u, auth := spec.loc.get()
	rctx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(c.opts.ReadTimeout, cancel)
	done = func() { timer.Stop(); cancel() }
	h := http.Header{}
	if start > 0 || end >= 0 {
		if end >= 0 {
			h.Set("Range", fmt.Sprintf("bytes=%d-%d", start, end-1))
		} else {
			h.Set("Range", fmt.Sprintf("bytes=%d-", start))
		}
	}
	r := &request{method: http.MethodGet, url: u, header: h, noAuth: !auth, path: spec.name}
	resp, err := c.doRedirects(rctx, r)
	if err != nil {
		done()
		if ctx.Err() == nil && rctx.Err() != nil {
			err = fmt.Errorf("GET %s: no response in %s", u, c.opts.ReadTimeout)
		}
		return nil, false, nil, err
	}
	if resp.StatusCode >= 300 {
		done()
		he := c.httpError(resp, r)
		if resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && start > 0 && spec.size >= 0 && start >= spec.size {
			return nil, false, nil, io.EOF // nothing left to read
		}
		return nil, false, nil, he
	}
	switch {
	case resp.StatusCode == http.StatusPartialContent:
		if cr := resp.Header.Get("Content-Range"); cr != "" {
			if s, ok := contentRangeStart(cr); !ok || s != start {
				resp.Body.Close()
				done()
				return nil, false, nil, fmt.Errorf("GET %s: asked for bytes from %d, got Content-Range %q", u, start, cr)
			}
		}
	case start > 0 || end >= 0:
		whole = true
	}
	return &idleReader{r: resp.Body, timer: timer, d: c.opts.ReadTimeout, ctx: ctx, rctx: rctx}, whole, done, nil
}

func contentRangeStart(cr string) (int64, bool) {
	cr = strings.TrimSpace(cr)
	if !strings.HasPrefix(cr, "bytes ") {
		return 0, false
	}
	cr = cr[len("bytes "):]
	dash := strings.IndexByte(cr, '-')
	if dash < 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(cr[:dash], 10, 64)
	return n, err == nil
}

// idleReader re-arms the read timeout at each read and reports a timeout
// (rather than a cancellation) when it fired.
type idleReader struct {
	r     io.ReadCloser
	timer *time.Timer
	d     time.Duration
	ctx   context.Context // the caller's
	rctx  context.Context // the request's (cancelled by the timer)
}

func (ir *idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if n > 0 {
		ir.timer.Reset(ir.d)
	}
	if err != nil && err != io.EOF && ir.ctx.Err() == nil && ir.rctx.Err() != nil {
		err = fmt.Errorf("no data for %s: %w", ir.d, err)
	}
	return n, err
}

func (ir *idleReader) Close() error { return ir.r.Close() }

// retryState counts consecutive failures without progress.
type retryState struct {
	failures  int
	renewed   bool
	lastError error
}

// next decides after a failed request whether to retry (sleeping first).
func (c *Client) retryAfterFailure(ctx context.Context, spec *fetchSpec, rs *retryState, err error, progressed bool) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if progressed {
		rs.failures = 0
	}
	var he *Error
	if errors.As(err, &he) {
		switch {
		case retryableStatus(he.StatusCode):
		case he.StatusCode == 401 || he.StatusCode == 403 || he.StatusCode == 404 || he.StatusCode == 410:
			old, _ := spec.loc.get()
			if !rs.renewed && spec.loc.renew(ctx, c, old) {
				rs.renewed = true
				return nil
			}
			return err
		default:
			return err
		}
	}
	var ue *UnsafePathError
	if errors.As(err, &ue) {
		return err
	}
	rs.failures++
	rs.lastError = err
	if rs.failures > c.opts.MaxRetries {
		if he != nil {
			he.Retries = rs.failures - 1
			return he
		}
		return fmt.Errorf("downloading %s: giving up after %d failed attempts: %w", spec.name, rs.failures, err)
	}
	var ra time.Duration
	if he != nil {
		ra = he.RetryAfter
	}
	return c.sleep(ctx, c.backoff(rs.failures-1, ra))
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// fetchSequential streams the file from off to its end into f, resuming
// with Range after any interruption. It returns the file's final size.
func (c *Client) fetchSequential(ctx context.Context, f *os.File, off int64, h hash.Hash, spec *fetchSpec) (int64, error) {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	var rs retryState
	for {
		if spec.size >= 0 && off >= spec.size {
			return off, nil
		}
		body, whole, done, err := c.rangeBody(ctx, spec, off, -1)
		if err == io.EOF {
			return off, nil
		}
		if err != nil {
			if err := c.retryAfterFailure(ctx, spec, &rs, err, false); err != nil {
				return off, err
			}
			continue
		}
		if whole && off > 0 { // the server ignored Range: start over
			if err := f.Truncate(0); err != nil {
				done()
				body.Close()
				return 0, err
			}
			off = 0
			if h != nil {
				h.Reset()
			}
			spec.ft.set(0)
		}
		start := off
		var rerr error
		for eof := false; !eof && rerr == nil; {
			n := 0
			for n < len(buf) {
				k, err := body.Read(buf[n:])
				n += k
				if err == io.EOF {
					eof = true
					break
				} else if err != nil {
					rerr = err
					break
				}
			}
			if n > 0 {
				if _, werr := f.WriteAt(buf[:n], off); werr != nil {
					body.Close()
					done()
					return off, werr
				}
				if h != nil {
					h.Write(buf[:n])
				}
				off += int64(n)
				spec.ft.add(int64(n))
			}
		}
		body.Close()
		done()
		if rerr == nil && (spec.size < 0 || off >= spec.size) {
			return off, nil
		}
		if rerr == nil {
			rerr = errShort
		}
		if err := c.retryAfterFailure(ctx, spec, &rs, rerr, off > start); err != nil {
			return off, err
		}
	}
}

// fetchParallel downloads [off, size) in RangeChunkSize requests, up to
// RangeConcurrency at a time, and appends them to f in order: f always
// holds a valid prefix of the file (so any run, hfctl's or Python's, can
// resume from its size), the hash streams in order, and memory is bounded
// by the client's buffer pool. It returns the size of the valid prefix.
func (c *Client) fetchParallel(ctx context.Context, f *os.File, off int64, h hash.Hash, spec *fetchSpec) (int64, error) {
	chunk := c.opts.RangeChunkSize
	n := int((spec.size - off + chunk - 1) / chunk)
	workers := min(c.opts.RangeConcurrency, n)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type result struct {
		buf []byte
		n   int
		err error
	}
	results := make([]chan result, n)
	for i := range results {
		results[i] = make(chan result, 1)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				buf, err := c.bufs.get(ctx)
				if err != nil {
					return
				}
				i := int(next.Add(1) - 1)
				if i >= n {
					c.bufs.put(buf)
					return
				}
				start := off + int64(i)*chunk
				end := min(start+chunk, spec.size)
				got, err := c.fetchChunk(ctx, spec, start, end, buf[:end-start])
				results[i] <- result{buf: buf, n: got, err: err}
				if err != nil {
					return
				}
			}
		}()
	}
	pos := off
	var err error
	for i := 0; i < n; i++ {
		var r result
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			break
		}
		if r.err != nil {
			c.bufs.put(r.buf)
			err = r.err
			break
		}
		// hash while the kernel copies the chunk into the file
		var hashed sync.WaitGroup
		if h != nil {
			hashed.Add(1)
			go func(b []byte) {
				defer hashed.Done()
				h.Write(b)
			}(r.buf[:r.n])
		}
		_, werr := f.WriteAt(r.buf[:r.n], pos)
		hashed.Wait()
		c.bufs.put(r.buf)
		if werr != nil {
			err = werr
			break
		}
		pos += int64(r.n)
	}
	cancel()
	wg.Wait()
	// release the buffers of chunks received but not written
	for i := range results {
		select {
		case r := <-results[i]:
			if r.buf != nil {
				c.bufs.put(r.buf)
			}
		default:
		}
	}
	if err != nil {
		spec.ft.set(pos) // bytes received beyond the prefix are lost
	}
	return pos, err
}

// fetchChunk fills buf with [start, end), retrying and resuming within the
// chunk. It returns the number of bytes filled (len(buf) on success).
func (c *Client) fetchChunk(ctx context.Context, spec *fetchSpec, start, end int64, buf []byte) (int, error) {
	var rs retryState
	got := 0
	for {
		body, whole, done, err := c.rangeBody(ctx, spec, start+int64(got), end)
		if err != nil {
			if err := c.retryAfterFailure(ctx, spec, &rs, err, false); err != nil {
				return got, err
			}
			continue
		}
		if whole {
			body.Close()
			done()
			spec.ft.add(-int64(got))
			return 0, errNoRanges
		}
		before := got
		var rerr error
		for got < len(buf) {
			k, err := body.Read(buf[got:])
			got += k
			spec.ft.add(int64(k))
			if err != nil {
				if err != io.EOF || got < len(buf) {
					rerr = err
				}
				break
			}
		}
		body.Close()
		done()
		if got == len(buf) {
			return got, nil
		}
		if rerr == nil || rerr == io.EOF {
			rerr = errShort
		}
		if err := c.retryAfterFailure(ctx, spec, &rs, rerr, got > before); err != nil {
			spec.ft.add(-int64(got))
			return 0, err
		}
	}
}
