package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hfctl/hfctl/hub"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// hubFlags are the connection flags shared by download and upload.
type hubFlags struct {
	token, cacheDir, repoType string
	workers                   int
}

func (f *hubFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.token, "token", "", "access token (default: $HF_TOKEN, else $HF_HOME/token)")
	fl.StringVar(&f.repoType, "repo-type", "model", "repository type: model, dataset or space")
	fl.IntVar(&f.workers, "max-workers", 8, "files transferred at once")
	_ = cmd.RegisterFlagCompletionFunc("repo-type", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"model", "dataset", "space"}, cobra.ShellCompDirectiveNoFileComp
	})
}

func (f *hubFlags) client() *hub.Client {
	return hub.NewClient(hub.Options{
		Token:       f.token,
		CacheDir:    f.cacheDir,
		Concurrency: f.workers,
		UserAgent:   "hfctl/" + versionString(),
	})
}

func (f *hubFlags) repo(s string) (hub.Repo, error) {
	r, err := hub.ParseRepo(s)
	if err != nil {
		return r, err
	}
	switch f.repoType {
	case "", "model", "models":
	case "dataset", "datasets":
		if r.Type == hub.Model && !strings.HasPrefix(s, "models/") {
			r.Type = hub.Dataset
		}
	case "space", "spaces":
		if r.Type == hub.Model && !strings.HasPrefix(s, "models/") {
			r.Type = hub.Space
		}
	default:
		return r, fmt.Errorf("--repo-type %q: want model, dataset or space", f.repoType)
	}
	return r, nil
}

func newDownloadCmd() *cobra.Command {
	var (
		hf                 hubFlags
		revision, localDir string
		include, exclude   []string
		quiet, asJSON      bool
	)
	cmd := &cobra.Command{
		Use:   "download REPO [FILES...]",
		Short: "Download a repository (or some of its files) from the Hugging Face Hub",
		Long: `Download files from the Hugging Face Hub into the huggingface_hub cache
(~/.cache/huggingface/hub, or $HF_HUB_CACHE, or $HF_HOME/hub), in the very
layout Python's huggingface_hub uses: a cache filled by either serves both.
Prints the snapshot folder at the end (the file's path when one file is asked
for, as ` + "`hf download`" + ` does).

Large files download in parallel byte ranges; an interrupted download resumes
where it stopped; every LFS file is checked against its sha256 before it is
visible; files already in the cache are not downloaded again.

HF_ENDPOINT points at another Hub (a mirror, or scripts/fakehub);
HF_HUB_OFFLINE=1 resolves from the cache only.`,
		Example: `  hfctl download TinyLlama/TinyLlama-1.1B-Chat-v1.0
  hfctl download Qwen/Qwen3-0.6B config.json tokenizer.json
  hfctl download bartowski/Llama-3.2-1B-Instruct-GGUF --include '*Q4_K_M*'
  hfctl download org/model --exclude '*.bin' --exclude 'original/*' --local-dir ./model
  hfctl download datasets/org/data --revision refs/convert/parquet
  HF_HUB_OFFLINE=1 hfctl download org/model   # from the cache, no network`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			repo, err := hf.repo(args[0])
			if err != nil {
				return err
			}
			c := hf.client()
			bars := newMultiBar(cmd.ErrOrStderr(), quiet || asJSON)
			files := args[1:]
			if len(files) == 1 && len(include) == 0 && len(exclude) == 0 {
				p, err := c.DownloadFile(cmd.Context(), repo, revision, files[0], hub.FileOptions{LocalDir: localDir, Progress: bars.update})
				bars.finish()
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), map[string]any{"repo": repo.String(), "revision": orMain(revision), "path": p})
				}
				fmt.Fprintln(cmd.OutOrStdout(), p)
				return nil
			}
			res, err := c.Download(cmd.Context(), repo, hub.DownloadOptions{
				Revision: revision, Files: files, Include: include, Exclude: exclude,
				LocalDir: localDir, Progress: bars.update,
			})
			bars.finish()
			if err != nil {
				return err
			}
			if asJSON {
				type file struct {
					Path   string `json:"path"`
					Local  string `json:"local"`
					Size   int64  `json:"size"`
					Cached bool   `json:"cached"`
				}
				out := struct {
					Repo       string `json:"repo"`
					Revision   string `json:"revision"`
					Commit     string `json:"commit"`
					Path       string `json:"path"`
					Downloaded int64  `json:"downloaded_bytes"`
					Offline    bool   `json:"offline"`
					Files      []file `json:"files"`
				}{repo.String(), res.Revision, res.Commit, res.Dir, res.Downloaded, res.Offline, []file{}}
				for _, f := range res.Files {
					out.Files = append(out.Files, file{f.Path, f.Local, f.Size, f.Cached})
				}
				return printJSON(cmd.OutOrStdout(), out)
			}
			if len(res.Files) == 0 && !quiet {
				fmt.Fprintln(cmd.ErrOrStderr(), "hfctl: no file matched")
			}
			fmt.Fprintln(cmd.OutOrStdout(), res.Dir)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&revision, "revision", "", "branch, tag or commit (default main)")
	f.StringArrayVar(&include, "include", nil, "only files matching this glob (fnmatch: '*' crosses '/'); repeatable")
	f.StringArrayVar(&exclude, "exclude", nil, "skip files matching this glob; repeatable")
	f.StringVar(&localDir, "local-dir", "", "put plain files in this folder instead of the cache's snapshot")
	f.StringVar(&hf.cacheDir, "cache-dir", "", "hub cache folder (default: $HF_HUB_CACHE, else $HF_HOME/hub)")
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress bars")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	hf.register(cmd)
	return cmd
}

func orMain(rev string) string {
	if rev == "" {
		return "main"
	}
	return rev
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// multiBar draws one line per file in flight and a total line on a
// terminal, redrawn in place at most ten times a second; nothing when the
// output is not a terminal (or quiet).
type multiBar struct {
	mu      sync.Mutex
	w       io.Writer
	enabled bool
	width   int
	start   time.Time
	last    time.Time
	lines   int
	active  map[string]*fileState
	final   hub.Progress
}

type fileState struct {
	p     hub.Progress
	since time.Time
}

func newMultiBar(w io.Writer, quiet bool) *multiBar {
	m := &multiBar{w: w, start: time.Now(), active: map[string]*fileState{}, width: 80}
	if f, ok := w.(*os.File); ok && !quiet && term.IsTerminal(int(f.Fd())) {
		m.enabled = true
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 40 {
			m.width = cols
		}
	}
	return m
}

func (m *multiBar) update(p hub.Progress) {
	if !m.enabled {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.final = p
	if p.Path != "" {
		switch p.Phase {
		case hub.PhaseDone, hub.PhaseCached, hub.PhaseSkipped:
			delete(m.active, p.Path)
		default:
			fs := m.active[p.Path]
			if fs == nil {
				fs = &fileState{since: time.Now()}
				m.active[p.Path] = fs
			}
			fs.p = p
		}
	}
	if now := time.Now(); now.Sub(m.last) >= 100*time.Millisecond {
		m.last = now
		m.draw()
	}
}

func (m *multiBar) bar(frac float64, width int) string {
	frac = min(max(frac, 0), 1)
	n := int(frac * float64(width))
	return "[" + strings.Repeat("=", n) + strings.Repeat(" ", width-n) + "]"
}

func (m *multiBar) draw() {
	var sb strings.Builder
	if m.lines > 1 {
		fmt.Fprintf(&sb, "\x1b[%dA", m.lines-1)
	}
	names := make([]string, 0, len(m.active))
	for n := range m.active {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return m.active[names[i]].since.Before(m.active[names[j]].since) })
	const maxLines = 8
	more := 0
	if len(names) > maxLines {
		more = len(names) - maxLines
		names = names[:maxLines]
	}
	lines := 0
	nameW := max(m.width-60, 16)
	for _, n := range names {
		p := m.active[n].p
		label := n
		if len(label) > nameW {
			label = "…" + label[len(label)-nameW+1:]
		}
		frac, sizes := 0.0, humanBytes(uint64(max(p.FileBytes, 0)))
		if p.FileSize > 0 {
			frac = float64(p.FileBytes) / float64(p.FileSize)
			sizes += "/" + humanBytes(uint64(p.FileSize))
		}
		state := ""
		if p.Phase == hub.PhaseHashing {
			state = " hashing"
		}
		fmt.Fprintf(&sb, "\r\x1b[K%-*s %s %5.1f%% %s%s\n", nameW, label, m.bar(frac, 20), 100*frac, sizes, state)
		lines++
	}
	if more > 0 {
		fmt.Fprintf(&sb, "\r\x1b[K… and %d more\n", more)
		lines++
	}
	p := m.final
	frac := 0.0
	if p.Total > 0 {
		frac = float64(p.Bytes) / float64(p.Total)
	}
	rate := float64(p.Transferred) / max(time.Since(m.start).Seconds(), 1e-3)
	fmt.Fprintf(&sb, "\r\x1b[K%-*s %s %5.1f%% %s/%s %s/s, %d/%d files", nameW, "total", m.bar(frac, 20), 100*frac,
		humanBytes(uint64(max(p.Bytes, 0))), humanBytes(uint64(max(p.Total, 0))), humanBytes(uint64(rate)), p.FilesDone, p.Files)
	sb.WriteString("\x1b[J") // clear what a taller previous frame left below
	io.WriteString(m.w, sb.String())
	m.lines = lines + 1
}

func (m *multiBar) finish() {
	if !m.enabled {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lines == 0 && m.final.Files == 0 {
		return
	}
	m.active = map[string]*fileState{}
	m.draw()
	fmt.Fprintln(m.w)
}
