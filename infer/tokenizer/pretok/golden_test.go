package pretok

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"testing"
	"unicode/utf8"
)

// splitsFile holds llama.cpp's pieces for a fixed set of inputs and every
// type: TestGenerateSplits writes it with splitref, TestSplitsGolden
// checks Split against it.
const splitsFile = "testdata/splits.json.gz"

var update = flag.Bool("pretok.update", false, "rewrite testdata/splits.json.gz and testdata/llama_flags.txt.gz from splitref (PRETOK_SPLITREF)")

type goldenInput struct {
	S   string `json:"s,omitempty"`   // the text, if valid UTF-8
	B64 string `json:"b64,omitempty"` // else its bytes
	Len int    `json:"len"`           // its length in bytes
}

func (in goldenInput) text() string {
	if in.B64 == "" {
		return in.S
	}
	b, _ := base64.StdEncoding.DecodeString(in.B64)
	return string(b)
}

type goldenGroup struct {
	Types   []string `json:"types"`
	Regexes []string `json:"regexes"`
	// Pieces[i] is the length in code points of each piece of input i,
	// empty pieces left out; null where llama.cpp threw.
	Pieces [][]int `json:"pieces"`
}

type goldenFile struct {
	Source string        `json:"source"`
	Inputs []goldenInput `json:"inputs"`
	Groups []goldenGroup `json:"groups"`
}

func readGolden(t testing.TB) *goldenFile {
	t.Helper()
	b, err := os.ReadFile(splitsFile)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.NewDecoder(zr).Decode(&g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// TestSplitsGolden checks Split for every type against llama.cpp's pieces.
func TestSplitsGolden(t *testing.T) {
	g := readGolden(t)
	texts := make([]string, len(g.Inputs))
	for i, in := range g.Inputs {
		texts[i] = in.text()
		if len(texts[i]) != in.Len {
			t.Fatalf("input %d: %d bytes, want %d", i, len(texts[i]), in.Len)
		}
	}
	covered := map[string]bool{}
	compared := 0
	for _, grp := range g.Groups {
		for _, name := range grp.Types {
			covered[name] = true
			s, err := byType(name)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Regexes(), grp.Regexes) {
				t.Errorf("%s: regexes differ from the ones the file was made with:\nours %q\nfile %q", name, s.Regexes(), grp.Regexes)
				continue
			}
			bad := 0
			for i, text := range texts {
				if grp.Pieces[i] == nil {
					continue
				}
				compared++
				got := s.Split(text, nil)
				if lens := cpLens(text, got); !slices.Equal(lens, grp.Pieces[i]) {
					if bad++; bad <= 3 {
						t.Errorf("%s: %q:\ngot       %v %s\nllama.cpp %v", name, text, lens, show(text, got), grp.Pieces[i])
					}
				}
			}
			if bad > 0 {
				t.Errorf("%s: %d of %d inputs differ", name, bad, len(texts))
			}
		}
	}
	for _, name := range Types() {
		if !covered[name] {
			t.Errorf("%s: not in %s", name, splitsFile)
		}
	}
	t.Logf("%d inputs, %d types: %d comparisons", len(texts), len(covered), compared)
}

// goldenTexts are the inputs of the golden file: llama.cpp's tokenizer test
// inputs, the seeds of the fast/generic tests, and random text.
func goldenTexts(t testing.TB) []string {
	texts := vocabTexts(t)
	if len(texts) == 0 {
		t.Fatal("the golden file is made with the shared test data (HFCTL_TESTDATA)")
	}
	texts = append(texts, fastSeeds...)
	rng := rand.New(rand.NewPCG(9, 10))
	for i := range 360 {
		texts = append(texts, randomText(rng, 1+i%60))
	}
	return texts
}

// TestGenerateSplits makes the golden files with splitref; without
// -pretok.update it only checks that they are what splitref gives now.
//
//	PRETOK_SPLITREF=/tmp/splitref go test -run GenerateSplits -pretok.update
func TestGenerateSplits(t *testing.T) {
	bin := splitrefPath(t)
	texts := goldenTexts(t)
	g := goldenFile{Source: "llama.cpp b10470 unicode_regex_split(text, regexes, false), via testdata/gen/splitref"}
	for _, s := range texts {
		in := goldenInput{S: s, Len: len(s)}
		if !utf8.ValidString(s) {
			in = goldenInput{B64: base64.StdEncoding.EncodeToString([]byte(s)), Len: len(s)}
		}
		g.Inputs = append(g.Inputs, in)
	}
	for _, grp := range typeGroups(t) {
		gg := goldenGroup{Types: grp.types, Regexes: grp.regexes}
		for _, r := range runSplitref(t, bin, grp.regexes, texts) {
			if r.err != "" {
				gg.Pieces = append(gg.Pieces, nil)
			} else {
				gg.Pieces = append(gg.Pieces, r.lens)
			}
		}
		g.Groups = append(g.Groups, gg)
	}
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&g); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(js.Bytes())
	zw.Close()

	flags, err := exec.Command(bin, "-flags").Output()
	if err != nil {
		t.Fatal(err)
	}
	var fz bytes.Buffer
	zw, _ = gzip.NewWriterLevel(&fz, gzip.BestCompression)
	zw.Write(flags)
	zw.Close()

	if *update {
		if err := os.WriteFile(splitsFile, gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(flagsFile, fz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes, %d inputs x %d groups) and %s", splitsFile, gz.Len(), len(texts), len(g.Groups), flagsFile)
		return
	}
	old := readGolden(t)
	oldJS, _ := json.Marshal(old)
	newJS, _ := json.Marshal(&g)
	if !bytes.Equal(oldJS, newJS) {
		t.Errorf("%s is not what splitref gives now; rerun with -pretok.update", splitsFile)
	}
	oldFlags, err := os.ReadFile(flagsFile)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(oldFlags))
	if err != nil {
		t.Fatal(err)
	}
	var ob bytes.Buffer
	ob.ReadFrom(zr)
	if !bytes.Equal(ob.Bytes(), flags) {
		t.Errorf("%s is not what splitref -flags gives now; rerun with -pretok.update", flagsFile)
	}
}
