package pretok

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hfctl/hfctl/internal/testdata"
)

// The tests here run llama.cpp's own unicode_regex_split through splitref
// (testdata/gen) and are skipped unless PRETOK_SPLITREF names the binary.

// refResult is splitref's answer for one text: the pieces' lengths in code
// points (empty pieces dropped), or the message of the exception it threw.
type refResult struct {
	lens []int
	err  string
}

func splitrefPath(t testing.TB) string {
	p := os.Getenv("PRETOK_SPLITREF")
	if p == "" {
		t.Skip("PRETOK_SPLITREF not set (see testdata/gen/build.sh)")
	}
	return p
}

// runSplitref splits texts with regexes in llama.cpp.
func runSplitref(t testing.TB, bin string, regexes, texts []string) []refResult {
	t.Helper()
	var in bytes.Buffer
	putStr := func(s string) {
		in.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(s))))
		in.WriteString(s)
	}
	in.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(regexes))))
	for _, r := range regexes {
		putStr(r)
	}
	in.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(texts))))
	for _, s := range texts {
		putStr(s)
	}
	cmd := exec.Command(bin)
	cmd.Stdin = &in
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var res []refResult
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "ERR "); ok {
			res = append(res, refResult{err: rest})
			continue
		}
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "OK" {
			t.Fatalf("splitref: bad line %q", line)
		}
		r := refResult{lens: []int{}}
		for _, x := range f[1:] {
			n, err := strconv.Atoi(x)
			if err != nil {
				t.Fatalf("splitref: bad line %q", line)
			}
			if n > 0 {
				r.lens = append(r.lens, n)
			}
		}
		res = append(res, r)
	}
	if err := sc.Err(); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("splitref: %v", err)
	}
	if len(res) != len(texts) {
		t.Fatalf("splitref: %d results for %d texts", len(res), len(texts))
	}
	return res
}

// typeGroup is a set of types with the same regexes.
type typeGroup struct {
	types   []string
	regexes []string
	s       *Splitter
}

func typeGroups(t testing.TB) []typeGroup {
	var out []typeGroup
	for _, s := range allSplitters(t) {
		i := slices.IndexFunc(out, func(g typeGroup) bool { return slices.Equal(g.regexes, s.Regexes()) })
		if i < 0 {
			out = append(out, typeGroup{regexes: s.Regexes(), s: s})
			i = len(out) - 1
		}
		out[i].types = append(out[i].types, s.Name())
	}
	return out
}

// compareRef checks Split against splitref's results; it returns the
// number of texts compared, of mismatches, and of texts llama.cpp threw on.
func compareRef(t *testing.T, g typeGroup, texts []string, ref []refResult) (compared, bad, threw int) {
	t.Helper()
	for i, text := range texts {
		if ref[i].err != "" {
			// llama.cpp throws on code points above U+10FFFF, and for
			// kimi_k2 and afmoe on empty text (their placeholder regex
			// reaches std::regex; llama_tokenize never passes empty text).
			if text != "" {
				threw++
			}
			continue
		}
		compared++
		got := g.s.Split(text, nil)
		if lens := cpLens(text, got); !slices.Equal(lens, ref[i].lens) {
			bad++
			if bad <= 5 {
				t.Errorf("%s: %q:\ngot       %v %s\nllama.cpp %v", g.types[0], text, lens, show(text, got), ref[i].lens)
			}
		}
	}
	return
}

// vocabTexts returns the inputs of llama.cpp's tokenizer tests in the
// shared test data (every vocab's .inp), without duplicates.
func vocabTexts(t testing.TB) []string {
	dir := testdata.Dir()
	if dir == "" {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(dir, "vocab", "*.inp"))
	var out []string
	seen := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases := strings.Split(string(b), "\n__ggml_vocab_test__\n")
		if cases[len(cases)-1] == "" {
			cases = cases[:len(cases)-1]
		}
		for _, c := range cases {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// TestReferenceVocab compares every type on llama.cpp's tokenizer test
// inputs (which include each vocab's own type).
func TestReferenceVocab(t *testing.T) {
	bin := splitrefPath(t)
	texts := vocabTexts(t)
	if len(texts) == 0 {
		t.Skip("no shared test data")
	}
	total := 0
	for _, g := range typeGroups(t) {
		ref := runSplitref(t, bin, g.regexes, texts)
		n, bad, threw := compareRef(t, g, texts, ref)
		total += n
		if bad > 0 || threw > 0 {
			t.Errorf("%v: %d of %d differ, %d threw", g.types, bad, n, threw)
		}
	}
	t.Logf("%d texts x %d regex lists: %d comparisons", len(texts), len(typeGroups(t)), total)
}

// TestReferenceRandom compares every type on random text.
func TestReferenceRandom(t *testing.T) {
	bin := splitrefPath(t)
	n := 20000
	if s := os.Getenv("PRETOK_RANDOM"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	texts := make([]string, n)
	for i := range texts {
		texts[i] = randomText(rng, 1+i%80)
	}
	// Code points above U+10FFFF (llama.cpp throws when it re-encodes them).
	texts = append(texts, "a\xf4\x90\x80\x80b", "\xf7\xbf\xbf\xbf")
	total, totalThrew := 0, 0
	for _, g := range typeGroups(t) {
		t0 := time.Now()
		ref := runSplitref(t, bin, g.regexes, texts)
		t1 := time.Now()
		c, bad, threw := compareRef(t, g, texts, ref)
		t.Logf("%v: llama.cpp %v, ours %v", g.types, t1.Sub(t0), time.Since(t1))
		total += c
		totalThrew += threw
		if bad > 0 {
			t.Errorf("%v: %d of %d differ", g.types, bad, c)
		}
	}
	t.Logf("%d texts x %d regex lists: %d comparisons, %d threw in llama.cpp", len(texts), len(typeGroups(t)), total, totalThrew)
}

func TestGroupsCoverTypes(t *testing.T) {
	n := 0
	for _, g := range typeGroups(t) {
		n += len(g.types)
	}
	if n != len(preTypes) {
		t.Fatal(fmt.Sprint(n, len(preTypes)))
	}
}
