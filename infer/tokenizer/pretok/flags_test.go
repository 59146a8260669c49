package pretok

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"testing"
)

// flagsFile is llama.cpp b10470's code point classes as splitref -flags
// prints them (testdata/gen): "start category whitespace han" wherever one
// changes.
const flagsFile = "testdata/llama_flags.txt.gz"

// llamaCategory maps llama.cpp's category_flag() to our category bit.
func llamaCategory(cat int) uint8 {
	switch cat {
	case 0x02:
		return fNumber
	case 0x04:
		return fLetter
	case 0x10:
		return fMark
	case 0x20:
		return fPunct
	case 0x40:
		return fSymbol
	}
	return 0 // undefined, separator, control
}

// TestFlagsMatchLlamaCpp checks our class of every code point (built from
// Go's unicode tables plus unicode151) against llama.cpp's table.
func TestFlagsMatchLlamaCpp(t *testing.T) {
	initTables()
	f, err := os.Open(flagsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	type rng struct {
		start rune
		flags uint8
	}
	var ranges []rng
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		var start rune
		var cat, ws, han int
		if _, err := fmt.Sscanf(sc.Text(), "%X %X %d %d", &start, &cat, &ws, &han); err != nil {
			t.Fatalf("%s: %q: %v", flagsFile, sc.Text(), err)
		}
		fl := llamaCategory(cat)
		if ws == 1 {
			fl |= fSpace
		}
		if han == 1 {
			fl |= fHan
		}
		ranges = append(ranges, rng{start, fl})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(ranges) == 0 || ranges[0].start != 0 {
		t.Fatalf("%s: bad table", flagsFile)
	}
	bad := 0
	for i, r := range ranges {
		end := rune(maxCodePoint)
		if i+1 < len(ranges) {
			end = ranges[i+1].start
		}
		for c := r.start; c < end; c++ {
			if got := flagsOf(c); got != r.flags {
				if bad++; bad <= 20 {
					t.Errorf("U+%04X: flags %#x, llama.cpp %#x", c, got, r.flags)
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d code points differ (Go's unicode tables are Unicode %s)", bad, "15.0.0 in Go 1.26; see unicode151")
	}
	for _, c := range []rune{maxCodePoint, 0x1FFFFF} {
		if flagsOf(c) != 0 {
			t.Errorf("U+%X: flags %#x, want none", c, flagsOf(c))
		}
	}
}

// TestDecodeLikeLlamaCpp checks decodeAt on the byte sequences that matter.
func TestDecodeLikeLlamaCpp(t *testing.T) {
	for _, c := range []struct {
		in   string
		cp   rune
		size int
	}{
		{"a", 'a', 1},
		{"\x00", 0, 1},
		{"é", 0xE9, 2},
		{"中", 0x4E2D, 3},
		{"😀", 0x1F600, 4},
		{"\x80", 0xFFFD, 1},         // continuation byte
		{"\xbf\xbf", 0xFFFD, 1},     //
		{"\xc3", 0xFFFD, 1},         // truncated
		{"\xc3(", 0xFFFD, 1},        // bad continuation
		{"\xe4\xb8", 0xFFFD, 1},     // truncated
		{"\xf0\x9f\x98", 0xFFFD, 1}, // truncated
		{"\xc0\x80", 0, 2},          // overlong: accepted
		{"\xe0\x80\x80", 0, 3},      // overlong: accepted
		{"\xed\xa0\x80", 0xD800, 3}, // surrogate: accepted
		{"\xf4\x90\x80\x80", 0x110000, 4},
		{"\xf7\xbf\xbf\xbf", 0x1FFFFF, 4},
		{"\xf8\x88\x80\x80\x80", 0xFFFD, 1},
		{"\xff", 0xFFFD, 1},
	} {
		cp, n := decodeAt(c.in, 0)
		if cp != c.cp || n != c.size {
			t.Errorf("%q: got U+%04X/%d, want U+%04X/%d", c.in, cp, n, c.cp, c.size)
		}
	}
}
