package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/hfctl/hfctl/infer"
	"github.com/hfctl/hfctl/infer/chat"
	"github.com/hfctl/hfctl/internal/demo"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

type runFlags struct {
	temp, topP, minP, repeatPenalty float32
	topK, repeatLastN, numPredict   int
	ctx, threads, batch             int
	seed                            uint64
	raw, verbose, f32KV, ignoreEOS  bool
	system                          string
	stop                            []string
	set                             map[string]bool
}

func newRunCmd() *cobra.Command {
	var rf runFlags
	cmd := &cobra.Command{
		Use:   "run [MODEL.gguf] [PROMPT]",
		Short: "Chat with a model, or complete one prompt",
		Long: `Runs a GGUF model on the CPU. With a PROMPT (or text piped on standard input)
the answer is streamed to standard output and the command exits; without, an
interactive chat starts, using the model's chat template.

Without MODEL, the embedded demo model (tiny-shakespeare, 9M parameters) runs,
so this works offline on a fresh install.

The prompt is wrapped in the model's chat template as a user message, unless
--raw or the model has no template (base models): then it is completed as is.

In the chat: /bye (or Ctrl-D) exits, /clear forgets the conversation,
/set parameter NAME VALUE changes temperature, top_k, top_p, min_p, seed,
num_predict, repeat_penalty, repeat_last_n; /set system TEXT; /show info.
Ctrl-C stops the current answer.`,
		Example: `  hfctl run                                   # the embedded demo model
  hfctl run qwen3-0.6b-q8_0.gguf "Why is the sky blue?"
  hfctl run model.gguf --raw --temp 0 -n 48 "ROMEO:"
  echo "Summarise: ..." | hfctl run model.gguf --verbose`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			rf.set = map[string]bool{}
			cmd.Flags().Visit(func(f *pflag.Flag) { rf.set[f.Name] = true })
			return runModel(cmd, args, &rf)
		},
	}
	f := cmd.Flags()
	f.Float32Var(&rf.temp, "temp", 0.8, "temperature (0: greedy)")
	f.IntVar(&rf.topK, "top-k", 40, "keep the K most likely tokens (0: off)")
	f.Float32Var(&rf.topP, "top-p", 0.9, "keep the most likely tokens up to this probability mass (1: off)")
	f.Float32Var(&rf.minP, "min-p", 0, "drop tokens below this fraction of the best one's probability")
	f.Float32Var(&rf.repeatPenalty, "repeat-penalty", 1, "penalise tokens seen in the last --repeat-last-n (1: off)")
	f.IntVar(&rf.repeatLastN, "repeat-last-n", 64, "tokens the repeat penalty looks back over")
	f.Uint64Var(&rf.seed, "seed", 0, "random seed (0: random)")
	f.IntVarP(&rf.numPredict, "num-predict", "n", -1, "tokens to generate at most (-1: until the model stops or the context is full)")
	f.IntVar(&rf.ctx, "ctx", 0, "context length in tokens (0: the model's, at most 4096)")
	f.IntVar(&rf.threads, "threads", 0, "CPU threads (0: all cores)")
	f.IntVar(&rf.batch, "batch", 256, "tokens per batch when reading the prompt")
	f.BoolVar(&rf.raw, "raw", false, "do not apply the chat template to the prompt")
	f.BoolVar(&rf.verbose, "verbose", false, "print timings and tokens/s on standard error")
	f.BoolVar(&rf.f32KV, "f32-kv", false, "keep the KV cache in float32 (default float16)")
	f.BoolVar(&rf.ignoreEOS, "ignore-eos", false, "keep generating past end-of-generation tokens")
	f.StringVar(&rf.system, "system", "", "system message for the chat template")
	f.StringArrayVar(&rf.stop, "stop", nil, "stop generating at this text (repeatable; not printed)")
	return cmd
}

// openModel opens path, or the embedded demo model when path is empty.
func openModel(path string) (*infer.Model, error) {
	if path == "" {
		return infer.OpenBytes(demo.Name, demo.GGUF)
	}
	return infer.Open(path)
}

func runModel(cmd *cobra.Command, args []string, rf *runFlags) error {
	var path, prompt string
	hasPrompt := false
	switch len(args) {
	case 2:
		path, prompt, hasPrompt = args[0], args[1], true
	case 1:
		if strings.HasSuffix(strings.ToLower(args[0]), ".gguf") || fileExists(args[0]) {
			path = args[0]
		} else {
			prompt, hasPrompt = args[0], true
		}
	}
	stdin := cmd.InOrStdin()
	if !hasPrompt && !isTerminal(stdin) {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return err
		}
		prompt, hasPrompt = string(b), true
	}
	t0 := time.Now()
	m, err := openModel(path)
	if err != nil {
		return err
	}
	if path != "" {
		defer m.Close()
	}
	r, err := newRunner(m, rf, cmd.OutOrStdout(), cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	defer r.be.Close()
	r.loadTime = time.Since(t0)
	if hasPrompt {
		return r.oneShot(prompt)
	}
	return r.interactive(stdin)
}

// samplerFromFlags: the model's recommended values, then flags given.
func samplerFromFlags(m *infer.Model, rf *runFlags) infer.SamplerOptions {
	o := m.DefaultSamplerOptions()
	if rf.set["temp"] {
		o.Temperature = rf.temp
	}
	if rf.set["top-k"] {
		o.TopK = rf.topK
	}
	if rf.set["top-p"] {
		o.TopP = rf.topP
	}
	if rf.set["min-p"] {
		o.MinP = rf.minP
	}
	if rf.set["repeat-penalty"] {
		o.RepeatPenalty = rf.repeatPenalty
	}
	if rf.set["repeat-last-n"] {
		o.RepeatLastN = rf.repeatLastN
	}
	o.Seed = rf.seed
	return o
}

// newRunner prepares a session on a CPU backend for m.
func newRunner(m *infer.Model, rf *runFlags, out, errw io.Writer) (*runner, error) {
	be := infer.NewCPU(rf.threads)
	sess, err := m.NewSession(be, infer.SessionOptions{Ctx: rf.ctx, Batch: rf.batch, F32KV: rf.f32KV})
	if err != nil {
		be.Close()
		return nil, err
	}
	r := &runner{m: m, be: be, sess: sess, rf: rf, so: samplerFromFlags(m, rf), out: out, errw: errw}
	if m.ChatTmpl != "" {
		if r.tmpl, err = chat.New(m.ChatTmpl); err != nil {
			fmt.Fprintf(errw, "warning: the model's chat template does not parse (%v); using ChatML\n", err)
		}
	}
	return r, nil
}

type runner struct {
	m        *infer.Model
	be       *infer.CPU
	sess     *infer.Session
	tmpl     *chat.Template
	rf       *runFlags
	so       infer.SamplerOptions
	out      io.Writer
	errw     io.Writer
	loadTime time.Duration
	history  []chat.Message
	system   string
}

// render builds the token ids for the conversation plus a pending user
// message (chat), or for the raw text.
func (r *runner) promptIDs(text string, raw bool) ([]int32, error) {
	tok := r.m.Tok
	if raw || (r.tmpl == nil && r.m.ChatTmpl == "") {
		return tok.Encode(text, true, true), nil
	}
	msgs := r.conversation(text)
	t := r.tmpl
	if t == nil {
		t = chat.Fallback()
	}
	bos, eos := "", ""
	if id := tok.Special.BOS; id != -1 {
		bos = tok.Token(id)
	}
	if id := tok.Special.EOS; id != -1 {
		eos = tok.Token(id)
	}
	s, err := t.Apply(chat.Input{Messages: msgs, AddGenerationPrompt: true, BOSToken: bos, EOSToken: eos})
	if err != nil {
		return nil, fmt.Errorf("chat template: %w", err)
	}
	// The template writes the BOS itself when the model wants one.
	addSpecial := !strings.HasPrefix(s, bos) || bos == ""
	return tok.Encode(s, addSpecial, true), nil
}

func (r *runner) conversation(user string) []chat.Message {
	var msgs []chat.Message
	sys := r.system
	if sys == "" {
		sys = r.rf.system
	}
	if sys != "" {
		msgs = append(msgs, chat.Message{Role: "system", Content: sys})
	}
	msgs = append(msgs, r.history...)
	return append(msgs, chat.Message{Role: "user", Content: user})
}

func (r *runner) generate(ctx context.Context, ids []int32) (string, infer.Stats, error) {
	var sb strings.Builder
	opts := infer.GenerateOptions{NumPredict: r.rf.numPredict, Sampler: r.so, IgnoreEOS: r.rf.ignoreEOS, Stop: r.rf.stop}
	st, err := r.sess.Generate(ctx, ids, opts, func(s string) error {
		sb.WriteString(s)
		_, err := io.WriteString(r.out, s)
		return err
	})
	if err == nil && r.rf.verbose {
		printStats(r.errw, st, r.loadTime)
	}
	return sb.String(), st, err
}

func (r *runner) oneShot(prompt string) error {
	ids, err := r.promptIDs(prompt, r.rf.raw)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	_, _, err = r.generate(ctx, ids)
	fmt.Fprintln(r.out)
	return err
}

func (r *runner) interactive(in io.Reader) error {
	name := r.m.Name
	if name == "" {
		name = r.m.Path
	}
	fmt.Fprintf(r.errw, "%s — %s, %d layers, context %d. /? for help, /bye to exit.\n", name, r.m.Arch, r.m.NLayer, r.sess.Ctx())
	if r.tmpl == nil && r.m.ChatTmpl == "" {
		fmt.Fprintln(r.errw, "(no chat template in this model: each line is completed as plain text)")
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		for range sig {
			fmt.Fprintln(r.errw, "\nUse Ctrl + d or /bye to exit.")
		}
	}()
	for {
		fmt.Fprint(r.errw, ">>> ")
		if !sc.Scan() {
			fmt.Fprintln(r.errw)
			return sc.Err()
		}
		line := strings.TrimSpace(sc.Text())
		if line == `"""` { // multi-line input, as Ollama
			var b strings.Builder
			for sc.Scan() {
				if strings.TrimSpace(sc.Text()) == `"""` {
					break
				}
				b.WriteString(sc.Text())
				b.WriteByte('\n')
			}
			line = strings.TrimSuffix(b.String(), "\n")
		}
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "/") {
			if done := r.command(line); done {
				return nil
			}
			continue
		}
		raw := r.rf.raw || (r.tmpl == nil && r.m.ChatTmpl == "")
		ids, err := r.promptIDs(line, raw)
		if err != nil {
			fmt.Fprintln(r.errw, "error:", err)
			continue
		}
		signal.Stop(sig)
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		answer, st, err := r.generate(ctx, ids)
		stop()
		signal.Notify(sig, os.Interrupt)
		fmt.Fprint(r.out, "\n\n")
		if err != nil {
			if errors.Is(err, infer.ErrContextFull) {
				fmt.Fprintln(r.errw, "error:", err, "— /clear starts over")
			} else {
				fmt.Fprintln(r.errw, "error:", err)
			}
			continue
		}
		if !raw {
			r.history = append(r.history, chat.Message{Role: "user", Content: line}, chat.Message{Role: "assistant", Content: answer})
		}
		_ = st
	}
}

// command handles a /command; it reports whether to exit.
func (r *runner) command(line string) bool {
	f := strings.Fields(line)
	switch f[0] {
	case "/bye", "/exit":
		return true
	case "/clear":
		r.history = nil
		r.sess.Reset()
		fmt.Fprintln(r.errw, "Cleared session context")
	case "/show":
		if len(f) > 1 && f[1] == "info" {
			c := r.m.Config
			fmt.Fprintf(r.errw, "  architecture        %s\n  parameters layers   %d\n  embedding length    %d\n  heads (kv)          %d (%d)\n  context length      %d (model: %d)\n  vocabulary          %d (%s)\n  file type           %s\n  chat template       %v\n",
				c.Arch, c.NLayer, c.NEmbd, c.NHead, c.NHeadKV, r.sess.Ctx(), c.NCtxTrain, c.NVocab, r.m.Tok.Kind(), c.FileType, c.ChatTmpl != "")
		} else {
			fmt.Fprintln(r.errw, "Usage: /show info")
		}
	case "/set":
		if len(f) >= 3 && f[1] == "system" {
			r.system = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(line, "/set"), " system"))
			fmt.Fprintln(r.errw, "Set system message.")
			return false
		}
		if len(f) != 4 || f[1] != "parameter" {
			fmt.Fprintln(r.errw, "Usage: /set parameter NAME VALUE | /set system TEXT")
			return false
		}
		if err := r.setParam(f[2], f[3]); err != nil {
			fmt.Fprintln(r.errw, "error:", err)
		} else {
			fmt.Fprintf(r.errw, "Set parameter '%s' to '%s'\n", f[2], f[3])
		}
	case "/?", "/help":
		fmt.Fprintln(r.errw, `Available commands:
  /set parameter NAME VALUE   temperature, top_k, top_p, min_p, seed, num_predict, repeat_penalty, repeat_last_n, stop
  /set system TEXT            set the system message
  /show info                  show model information
  /clear                      clear the conversation
  /bye                        exit
  """                         begin/end a multi-line message`)
	default:
		fmt.Fprintf(r.errw, "Unknown command '%s'. Type /? for help\n", f[0])
	}
	return false
}

func (r *runner) setParam(name, value string) error {
	fl := func() (float32, error) {
		v, err := strconv.ParseFloat(value, 32)
		return float32(v), err
	}
	in := func() (int, error) { return strconv.Atoi(value) }
	var err error
	switch name {
	case "temperature":
		r.so.Temperature, err = fl()
	case "top_p":
		r.so.TopP, err = fl()
	case "min_p":
		r.so.MinP, err = fl()
	case "repeat_penalty":
		r.so.RepeatPenalty, err = fl()
	case "top_k":
		r.so.TopK, err = in()
	case "repeat_last_n":
		r.so.RepeatLastN, err = in()
	case "num_predict":
		r.rf.numPredict, err = in()
	case "seed":
		r.so.Seed, err = strconv.ParseUint(value, 10, 64)
	case "stop":
		r.rf.stop = append(r.rf.stop, value)
	default:
		return fmt.Errorf("unknown parameter %q", name)
	}
	return err
}

// printStats writes Ollama's --verbose timing block.
func printStats(w io.Writer, st infer.Stats, load time.Duration) {
	rate := func(n int, d time.Duration) float64 {
		if d <= 0 {
			return 0
		}
		return float64(n) / d.Seconds()
	}
	fmt.Fprintf(w, "\ntotal duration:       %v\n", (load + st.PromptTime + st.EvalTime).Round(time.Microsecond))
	fmt.Fprintf(w, "load duration:        %v\n", load.Round(time.Microsecond))
	fmt.Fprintf(w, "prompt eval count:    %d token(s)\n", st.PromptTokens)
	fmt.Fprintf(w, "prompt eval duration: %v\n", st.PromptTime.Round(time.Microsecond))
	fmt.Fprintf(w, "prompt eval rate:     %.2f tokens/s\n", rate(st.PromptTokens, st.PromptTime))
	fmt.Fprintf(w, "eval count:           %d token(s)\n", st.EvalTokens)
	fmt.Fprintf(w, "eval duration:        %v\n", st.EvalTime.Round(time.Microsecond))
	fmt.Fprintf(w, "eval rate:            %.2f tokens/s\n", rate(st.EvalTokens, st.EvalTime))
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
