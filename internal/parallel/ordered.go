// Package parallel runs chunked work on several goroutines with ordered output.
package parallel

import "sync"

// Ordered runs produce for chunks 0..n-1 on up to workers goroutines
// and hands the results to consume in chunk order. At most 2×workers
// chunk buffers exist at any time, so memory stays bounded whatever n is.
// produce appends its output to buf[:0] and returns it.
func Ordered(n, workers int, produce func(i int, buf []byte) ([]byte, error), consume func([]byte) error) error {
	if n == 0 {
		return nil
	}
	if workers < 1 {
		workers = 1
	}
	if workers == 1 {
		var buf []byte
		for i := 0; i < n; i++ {
			b, err := produce(i, buf[:0])
			if err != nil {
				return err
			}
			if err := consume(b); err != nil {
				return err
			}
			buf = b
		}
		return nil
	}
	type result struct {
		buf []byte
		err error
	}
	window := 2 * workers
	if window > n {
		window = n
	}
	// results[i%window] carries chunk i: chunk i+window is dispatched only
	// after chunk i was consumed, so a slot is never shared by two chunks
	// in flight.
	results := make([]chan result, window)
	for i := range results {
		results[i] = make(chan result, 1)
	}
	free := make(chan []byte, window)
	jobs := make(chan int, window)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				var buf []byte
				select {
				case buf = <-free:
				default:
				}
				b, err := produce(i, buf[:0])
				results[i%window] <- result{b, err}
			}
		}()
	}
	next := 0
	for ; next < window; next++ {
		jobs <- next
	}
	var err error
	for i := 0; i < n; i++ {
		r := <-results[i%window]
		if r.err != nil {
			err = r.err
		} else if err = consume(r.buf); err == nil {
			select {
			case free <- r.buf:
			default:
			}
		}
		if err != nil {
			// Drain what is in flight, then stop.
			for j := i + 1; j < next; j++ {
				<-results[j%window]
			}
			break
		}
		if next < n {
			jobs <- next
			next++
		}
	}
	close(jobs)
	wg.Wait()
	return err
}
