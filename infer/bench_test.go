package infer_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/hfctl/hfctl/infer"
)

// BenchmarkEval profiles a forward pass on a real GGUF:
//
//	HFCTL_BENCH_GGUF=model.gguf go test ./infer -run NONE -bench Eval -cpuprofile cpu.out
//
// HFCTL_BENCH_THREADS (default 1) and HFCTL_BENCH_PP (prompt length,
// default 64) adjust it. Without HFCTL_BENCH_GGUF the embedded-size demo
// path is skipped.
func BenchmarkEval(b *testing.B) {
	path := os.Getenv("HFCTL_BENCH_GGUF")
	if path == "" {
		b.Skip("set HFCTL_BENCH_GGUF to a model file")
	}
	threads, _ := strconv.Atoi(os.Getenv("HFCTL_BENCH_THREADS"))
	pp, _ := strconv.Atoi(os.Getenv("HFCTL_BENCH_PP"))
	if threads == 0 {
		threads = 1
	}
	if pp == 0 {
		pp = 64
	}
	m, err := infer.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	be := infer.NewCPU(threads)
	defer be.Close()
	s, err := m.NewSession(be, infer.SessionOptions{Ctx: pp + 64, Batch: pp})
	if err != nil {
		b.Fatal(err)
	}
	toks := make([]int32, pp)
	for i := range toks {
		toks[i] = int32(100 + i)
	}
	b.Run("pp", func(b *testing.B) {
		for range b.N {
			s.Reset()
			if _, err := s.Eval(toks); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(pp*b.N)/b.Elapsed().Seconds(), "tokens/s")
	})
	b.Run("tg", func(b *testing.B) {
		s.Reset()
		for i := range b.N {
			if s.Pos() >= pp+63 {
				s.Reset()
			}
			if _, err := s.Eval(toks[i%pp : i%pp+1]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
	})
}
