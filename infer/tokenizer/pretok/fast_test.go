package pretok

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unicode/utf8"
)

// fastTypes are the types with a hand-written step, one per distinct list
// of steps (the others share these lists).
func fastTypes(t testing.TB) []*Splitter {
	var out []*Splitter
	seen := map[string]bool{}
	for _, s := range allSplitters(t) {
		key := ""
		for _, e := range s.Regexes() {
			key += e + "\x00"
		}
		if s.hasFast() && !seen[key] {
			seen[key] = true
			out = append(out, s)
		}
	}
	return out
}

func compareFastGeneric(t *testing.T, s *Splitter, text string) bool {
	t.Helper()
	fast := s.Split(text, nil)
	gen := s.splitGeneric(text, nil)
	if err := checkPieces(text, fast); err != nil {
		t.Errorf("%s: %q: %v: %s", s.Name(), text, err, show(text, fast))
		return false
	}
	if !slices.Equal(fast, gen) {
		t.Errorf("%s: %q:\nfast    %s\ngeneric %s", s.Name(), text, show(text, fast), show(text, gen))
		return false
	}
	return true
}

// fastSeeds are inputs for the fast/generic comparison and the fuzz corpus.
var fastSeeds = []string{
	"",
	" ",
	"  ",
	"\t",
	"a",
	"'s",
	"'",
	"x's",
	"'LL'Ll'll 'RE're've'VE'D'M'T'S",
	"Hello world, it's 2024!  Numbers: 1234567 and ١٢٣٤.\n\n\tTabs\r\n",
	"  leading and trailing  ",
	"a  b\t\tc\n \n d",
	"e\u0301\u0301 \u0301a \u0301",
	"हिन्दी नमस्ते",
	"中文字 漢字ひらがな カタカナ 한국어",
	"\U0002ebf0\U0002a6e0\u4e00x\u2ffc",
	"😀👍🏽 🇺🇸!!",
	"\u00a0\u00a0x\u3000\u3000y\u0085z",
	"\x80\xff\xc3(\xe4\xb8\xed\xa0\x80\xc0\x80",
	"\xf4\x90\x80\x80\xf7\xbf\xbf\xbf",
	"1 12 123 1234 12345 123456 1234567",
	"x1234y56z",
	"ab1234",
	"\n\n\na\n",
	"<sentinel:5>IMGIMGABZ",
	"ǅungla Ǉ ʰa",
	"'é' '1 '\n",
	"...\r\n\r\n",
	" \r\n x",
	"~~~ ~€",
	"0000000!!!\xc0\x8d0",
	"it\xc0\xa7\xc1\xb3 x\xc0\xa7\xc1\x92\xe0\x81\xa5",
	"\xc0\xa0word\xc0\xa0\xc0\xa0\xc0\xa0x\xc0\x8a\xc0\x8a\n\xc0\x8d",
	"12\xc0\xb034\xf0\x80\x80\xb05",
}

func TestFastMatchesGeneric(t *testing.T) {
	types := fastTypes(t)
	for _, s := range types {
		for _, text := range fastSeeds {
			compareFastGeneric(t, s, text)
		}
	}
	n := 3000
	if testing.Short() {
		n = 300
	}
	rng := rand.New(rand.NewPCG(1, 2))
	fails := 0
	for i := range n {
		text := randomText(rng, 1+i%40)
		for _, s := range types {
			if !compareFastGeneric(t, s, text) {
				fails++
			}
		}
		if fails > 20 {
			t.Fatal("too many failures")
		}
	}
}

// FuzzFastGeneric checks every hand-written splitter against the regex it
// implements:
//
//	go test -run '^$' -fuzz FuzzFastGeneric -fuzztime 3m
func FuzzFastGeneric(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		f.Add(randomText(rng, 30))
	}
	types := fastTypes(f)
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4096 {
			return
		}
		for _, s := range types {
			compareFastGeneric(t, s, text)
		}
	})
}

// TestSplitInvariants checks every type on random text: pieces cover the
// text, in order, non-empty, on code point boundaries.
func TestSplitInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	texts := append([]string(nil), fastSeeds...)
	for range 300 {
		texts = append(texts, randomText(rng, 30))
	}
	for _, s := range allSplitters(t) {
		for _, text := range texts {
			p := s.Split(text, nil)
			if err := checkPieces(text, p); err != nil {
				t.Fatalf("%s: %q: %v: %s", s.Name(), text, err, show(text, p))
			}
			for _, q := range p {
				if utf8.ValidString(text) && (!utf8.RuneStart(text[q[0]]) || q[1] < len(text) && !utf8.RuneStart(text[q[1]])) {
					t.Fatalf("%s: %q: piece %v not on a rune boundary", s.Name(), text, q)
				}
			}
		}
	}
}

// TestSplitAppends checks that Split appends to dst.
func TestSplitAppends(t *testing.T) {
	s, err := Lookup("llama-bpe")
	if err != nil {
		t.Fatal(err)
	}
	dst := [][2]int{{7, 9}}
	dst = s.Split("a b", dst)
	if want := [][2]int{{7, 9}, {0, 1}, {1, 3}}; !slices.Equal(dst, want) {
		t.Fatalf("got %v, want %v", dst, want)
	}
}

// TestFastZeroAlloc checks that the hand-written paths allocate nothing
// once dst is large enough.
func TestFastZeroAlloc(t *testing.T) {
	text := "Hello world, it's 2024!  Numbers: 1234567 and ١٢٣٤.\n\n\tTabs 中文字 😀 e\u0301\r\n"
	for _, name := range []string{"gpt-2", "llama-bpe", "qwen2", "qwen35", "kimi-k2", "gemma4", "laguna", "starcoder", "command-r"} {
		s, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		dst := s.Split(text, nil)
		allocs := testing.AllocsPerRun(100, func() {
			dst = s.Split(text, dst[:0])
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per Split", name, allocs)
		}
	}
}
