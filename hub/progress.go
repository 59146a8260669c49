package hub

import (
	"sync"
	"time"
)

// Phase says what a Progress event is about.
type Phase int

// The phases of a file's transfer.
const (
	PhaseStart    Phase = iota // the file's transfer begins (FileBytes may be > 0 on resume)
	PhaseTransfer              // bytes moved
	PhaseDone                  // the file is complete and verified
	PhaseCached                // the file was already there: nothing transferred
	PhaseHashing               // (upload) computing the file's sha256
	PhaseSkipped               // (upload) the Hub already has the file's content
	PhaseCommit                // (upload) sending the commit; Path is ""
)

func (p Phase) String() string {
	return [...]string{"start", "transfer", "done", "cached", "hashing", "skipped", "commit"}[p]
}

// Progress is one progress event. Events are delivered one at a time (the
// callback needs no locking), at most every 64 KiB or so per file.
type Progress struct {
	Phase Phase
	Path  string // the file in the repository

	FileBytes int64 // bytes of this file done (downloaded or uploaded)
	FileSize  int64 // its size, -1 if unknown

	Bytes       int64 // all files: bytes done, counting files found in the cache
	Total       int64 // all files: bytes in all
	Transferred int64 // all files: bytes actually moved over the network
	FilesDone   int
	Files       int
}

// ProgressFunc receives progress events.
type ProgressFunc func(Progress)

type tracker struct {
	mu          sync.Mutex
	fn          ProgressFunc
	total       int64
	done        int64
	transferred int64
	files       int
	filesDone   int
}

func newTracker(fn ProgressFunc, files int, total int64) *tracker {
	return &tracker{fn: fn, files: files, total: total}
}

type fileTracker struct {
	t        *tracker
	path     string
	size     int64
	bytes    int64 // reported to the tracker
	lastSent int64
	lastTime time.Time
}

func (t *tracker) file(path string, size int64) *fileTracker {
	return &fileTracker{t: t, path: path, size: size}
}

func (t *tracker) emitLocked(ph Phase, f *fileTracker) {
	if t.fn == nil {
		return
	}
	t.fn(Progress{
		Phase: ph, Path: f.path, FileBytes: f.bytes, FileSize: f.size,
		Bytes: t.done, Total: t.total, Transferred: t.transferred, FilesDone: t.filesDone, Files: t.files,
	})
}

// start reports the beginning of a transfer with already bytes present.
func (f *fileTracker) start(already int64) {
	if f == nil {
		return
	}
	t := f.t
	t.mu.Lock()
	defer t.mu.Unlock()
	t.done += already - f.bytes
	f.bytes = already
	f.lastSent = already
	t.emitLocked(PhaseStart, f)
}

// add counts n transferred bytes (n may be negative when bytes received
// are discarded after a failure).
func (f *fileTracker) add(n int64) {
	if f == nil || n == 0 {
		return
	}
	t := f.t
	t.mu.Lock()
	defer t.mu.Unlock()
	f.bytes += n
	t.done += n
	t.transferred += n
	if d := f.bytes - f.lastSent; d >= 64<<10 || d <= -(64<<10) || time.Since(f.lastTime) > 100*time.Millisecond {
		f.lastSent = f.bytes
		f.lastTime = time.Now()
		t.emitLocked(PhaseTransfer, f)
	}
}

// set moves the file's count to n (a restart from zero, say) without
// counting network bytes.
func (f *fileTracker) set(n int64) {
	if f == nil {
		return
	}
	t := f.t
	t.mu.Lock()
	defer t.mu.Unlock()
	t.done += n - f.bytes
	f.bytes = n
	f.lastSent = n
	t.emitLocked(PhaseTransfer, f)
}

// finish reports the file complete (cached: nothing was transferred).
func (f *fileTracker) finish(ph Phase) {
	if f == nil {
		return
	}
	t := f.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if f.size >= 0 && f.bytes != f.size {
		t.done += f.size - f.bytes
		f.bytes = f.size
	}
	t.filesDone++
	t.emitLocked(ph, f)
}

func (f *fileTracker) phase(ph Phase) {
	if f == nil {
		return
	}
	f.t.mu.Lock()
	defer f.t.mu.Unlock()
	f.t.emitLocked(ph, f)
}
