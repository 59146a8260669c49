package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// progressBar draws one self-updating line on a terminal and nothing
// elsewhere (piped output, --quiet, --json).
type progressBar struct {
	mu      sync.Mutex
	w       io.Writer
	label   string
	start   time.Time
	last    time.Time
	enabled bool
	drawn   bool
}

func newProgress(w io.Writer, label string, quiet bool) *progressBar {
	p := &progressBar{w: w, label: label, start: time.Now()}
	if f, ok := w.(*os.File); ok && !quiet && term.IsTerminal(int(f.Fd())) {
		p.enabled = true
	}
	return p
}

// update is safe to call from any goroutine, as often as wanted.
func (p *progressBar) update(done, total uint64) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	const width = 30
	n := int(frac * width)
	rate := float64(done) / now.Sub(p.start).Seconds() / (1 << 20)
	fmt.Fprintf(p.w, "\r%s [%s%s] %5.1f%% %s/%s %.0f MiB/s ", p.label,
		strings.Repeat("=", n), strings.Repeat(" ", width-n), 100*frac, humanBytes(done), humanBytes(total), rate)
	p.drawn = true
}

func (p *progressBar) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

func humanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
