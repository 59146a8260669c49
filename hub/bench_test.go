package hub_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hfctl/hfctl/hub"
	"github.com/hfctl/hfctl/hub/hubtest"
)

// BenchmarkDownload1GB downloads a 1 GiB LFS file (a sparse file on the
// fake Hub's disk) over loopback into a fresh cache, sha256 checked, and
// reports the peak Go heap (client and server together) to show that memory
// stays flat.
//
//	go test -run '^$' -bench Download1GB -benchtime 3x ./hub/
func BenchmarkDownload1GB(b *testing.B) {
	size := int64(1 << 30)
	if testing.Short() {
		size = 128 << 20
	}
	root := b.TempDir()
	dir := filepath.Join(root, "bench", "big")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "model.gguf"))
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		b.Fatal(err)
	}
	f.Close()
	s := hubtest.NewTB(b, hubtest.Options{Root: root})
	repo := hub.MustParseRepo("bench/big")
	for _, bc := range []struct {
		name string
		opts hub.Options
	}{
		{"ranges", hub.Options{NoFsync: true}},
		{"ranges-fsync", hub.Options{}},
		{"ranges-4x4MiB", hub.Options{NoFsync: true, RangeConcurrency: 4, RangeChunkSize: 4 << 20, MaxBufferedBytes: 32 << 20}},
		{"single-stream", hub.Options{NoFsync: true, RangeThreshold: -1}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			o := bc.opts
			o.Endpoint, o.NoToken = s.URL, true
			o.CacheDir = filepath.Join(b.TempDir(), "warm")
			if _, err := hub.NewClient(o).RepoInfo(ctx, repo, ""); err != nil { // the server hashes the file once
				b.Fatal(err)
			}
			b.SetBytes(size)
			var peak atomic.Uint64
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				o.CacheDir = filepath.Join(b.TempDir(), fmt.Sprint(i))
				runtime.GC() // the previous iteration's client is garbage
				c := hub.NewClient(o)
				done := make(chan struct{})
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					var ms runtime.MemStats
					for {
						runtime.ReadMemStats(&ms)
						if ms.HeapInuse > peak.Load() {
							peak.Store(ms.HeapInuse)
						}
						select {
						case <-done:
							return
						case <-time.After(20 * time.Millisecond):
						}
					}
				}()
				b.StartTimer()
				res, err := c.Download(ctx, repo, hub.DownloadOptions{})
				b.StopTimer()
				close(done)
				wg.Wait()
				if err != nil {
					b.Fatal(err)
				}
				if res.Downloaded != size {
					b.Fatalf("downloaded %d bytes", res.Downloaded)
				}
				os.RemoveAll(o.CacheDir)
				b.StartTimer()
			}
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(base.HeapInuse)/(1<<20), "base-heap-MiB")
		})
	}
}
