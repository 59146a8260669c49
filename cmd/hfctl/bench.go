package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/hfctl/hfctl/infer"
	"github.com/spf13/cobra"
)

func newBenchCmd() *cobra.Command {
	var (
		pp, tg, reps, batch int
		threads             string
		asJSON              bool
	)
	cmd := &cobra.Command{
		Use:   "bench [MODEL.gguf]",
		Short: "Measure prompt processing and generation speed, like llama-bench",
		Long: `Runs the model on random tokens: "pp" evaluates -p tokens at once from an empty
context (prompt processing), "tg" generates -n tokens one at a time (text
generation). Each test runs -r times after a warm-up; the table shows the mean
and standard deviation in tokens per second.`,
		Example: `  hfctl bench llama-3.2-1b-q4_k_m.gguf -p 512 -n 128 -t 1,2
  hfctl bench model.gguf --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := ""
			if len(args) == 1 {
				path = args[0]
			}
			m, err := openModel(path)
			if err != nil {
				return err
			}
			if path != "" {
				defer m.Close()
			}
			var ths []int
			for _, s := range strings.Split(threads, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil || n < 0 {
					return fmt.Errorf("--threads: %q is not a thread count", s)
				}
				ths = append(ths, n)
			}
			type row struct {
				Model   string  `json:"model"`
				Size    int64   `json:"size_bytes"`
				Params  int64   `json:"params"`
				Backend string  `json:"backend"`
				Threads int     `json:"threads"`
				Test    string  `json:"test"`
				Mean    float64 `json:"tokens_per_second"`
				Std     float64 `json:"stddev"`
			}
			var rows []row
			params := m.ParamCount()
			name := m.Name
			if name == "" {
				name = path
			}
			w := cmd.OutOrStdout()
			if !asJSON {
				fmt.Fprintf(w, "| model | size | params | backend | threads | test | t/s |\n|---|---:|---:|---|---:|---:|---:|\n")
			}
			for _, th := range ths {
				be := infer.NewCPU(th)
				for _, test := range []struct {
					name string
					n    int
					pp   bool
				}{{fmt.Sprintf("pp%d", pp), pp, true}, {fmt.Sprintf("tg%d", tg), tg, false}} {
					if test.n <= 0 {
						continue
					}
					sess, err := m.NewSession(be, infer.SessionOptions{Ctx: max(pp, tg) + 1, Batch: batch})
					if err != nil {
						be.Close()
						return err
					}
					rng := rand.New(rand.NewPCG(1, 2))
					toks := make([]int32, test.n)
					for i := range toks {
						toks[i] = int32(rng.IntN(m.Tok.NumTokens()))
					}
					var rates []float64
					for rep := 0; rep <= reps; rep++ { // rep 0 is the warm-up
						sess.Reset()
						t0 := time.Now()
						if test.pp {
							if _, err := sess.Eval(toks); err != nil {
								be.Close()
								return err
							}
						} else {
							for _, t := range toks {
								if _, err := sess.Eval([]int32{t}); err != nil {
									be.Close()
									return err
								}
							}
						}
						if rep > 0 {
							rates = append(rates, float64(test.n)/time.Since(t0).Seconds())
						}
					}
					mean, std := meanStd(rates)
					r := row{name, m.File.Size, params, be.Name(), be.Threads(), test.name, mean, std}
					rows = append(rows, r)
					if !asJSON {
						fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %s | %.2f ± %.2f |\n", r.Model, humanBytes(uint64(r.Size)), humanCount(r.Params), r.Backend, r.Threads, r.Test, r.Mean, r.Std)
					}
				}
				be.Close()
			}
			if asJSON {
				return writeJSON(w, rows)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVarP(&pp, "n-prompt", "p", 512, "prompt tokens for the pp test (0: skip)")
	f.IntVarP(&tg, "n-gen", "n", 128, "tokens for the tg test (0: skip)")
	f.IntVarP(&reps, "repetitions", "r", 5, "runs of each test")
	f.IntVarP(&batch, "batch", "b", 512, "prompt batch size")
	f.StringVarP(&threads, "threads", "t", "0", "thread counts, comma-separated (0: all cores)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func meanStd(x []float64) (float64, float64) {
	if len(x) == 0 {
		return 0, 0
	}
	var s float64
	for _, v := range x {
		s += v
	}
	mean := s / float64(len(x))
	var d float64
	for _, v := range x {
		d += (v - mean) * (v - mean)
	}
	if len(x) > 1 {
		d /= float64(len(x) - 1)
	}
	return mean, math.Sqrt(d)
}

func humanCount(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f B", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2f M", float64(n)/1e6)
	}
	return strconv.FormatInt(n, 10)
}
