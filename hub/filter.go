package hub

import (
	"context"
	"strings"
	"sync"
)

// Match reports whether name matches the shell pattern as Python's
// fnmatch does (huggingface_hub's allow_patterns / ignore_patterns): '*'
// matches any run of characters, '/' included; '?' one character;
// '[abc]', '[a-z]' and '[!abc]' a class. A pattern ending with '/' matches
// everything under that folder.
func Match(pattern, name string) bool {
	if strings.HasSuffix(pattern, "/") {
		pattern += "*"
	}
	return fnmatch([]rune(pattern), []rune(name))
}

func fnmatch(p, s []rune) bool {
	// iterative matching with backtracking on the last '*'
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				starP, starS = pi, si
				pi++
				continue
			case '?':
				pi++
				si++
				continue
			case '[':
				if end, ok := matchClass(p, pi, s[si]); end > 0 {
					if ok {
						pi = end
						si++
						continue
					}
				} else if s[si] == '[' { // unclosed '[' is literal
					pi++
					si++
					continue
				}
			default:
				if p[pi] == s[si] {
					pi++
					si++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		pi, si = starP+1, starS
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// matchClass matches c against the class starting at p[i] == '['; end is
// the index after ']' (0 if the class is not closed).
func matchClass(p []rune, i int, c rune) (end int, ok bool) {
	j := i + 1
	neg := false
	if j < len(p) && p[j] == '!' {
		neg = true
		j++
	}
	start := j
	for ; j < len(p); j++ {
		if p[j] == ']' && j > start {
			break
		}
	}
	if j >= len(p) {
		return 0, false
	}
	set := p[start:j]
	for k := 0; k < len(set); k++ {
		if k+2 < len(set) && set[k+1] == '-' {
			if set[k] <= c && c <= set[k+2] {
				ok = true
			}
			k += 2
		} else if set[k] == c {
			ok = true
		}
	}
	return j + 1, ok != neg
}

// filterPaths keeps the names matching one of include (all if empty) and
// none of exclude.
func filterPaths(names []string, include, exclude []string) []string {
	var out []string
	for _, n := range names {
		if keep(n, include, exclude) {
			out = append(out, n)
		}
	}
	return out
}

func keep(n string, include, exclude []string) bool {
	if len(include) > 0 {
		in := false
		for _, p := range include {
			if Match(p, n) {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	for _, p := range exclude {
		if Match(p, n) {
			return false
		}
	}
	return true
}

// bufferPool hands out at most n buffers of one size, across all the
// parallel range downloads of a client: memory stays bounded whatever the
// number and size of files.
type bufferPool struct {
	size int
	sem  chan struct{}
	mu   sync.Mutex
	free [][]byte
}

func newBufferPool(size, n int) *bufferPool {
	return &bufferPool{size: size, sem: make(chan struct{}, max(n, 1))}
}

func (p *bufferPool) get(ctx context.Context) ([]byte, error) {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free = p.free[:n-1]
		return b, nil
	}
	return make([]byte, p.size), nil
}

func (p *bufferPool) put(b []byte) {
	p.mu.Lock()
	p.free = append(p.free, b[:cap(b)])
	p.mu.Unlock()
	<-p.sem
}
