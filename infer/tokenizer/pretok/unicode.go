package pretok

import (
	"sync"
	"unicode"
)

// Code point classes as llama.cpp's unicode_cpt_flags sees them. llama.cpp
// gives every code point one general category (N, L, Z, M, P, S, C, or
// "undefined" for unassigned ones) plus a separate White_Space bit. We keep
// what the splitters look at: the five categories that have a regex class,
// white space, and llama.cpp's fixed "Han" ranges (unicode_cpt_is_han, used
// by the Kimi K2 splitter). Z, C and unassigned code points have no category
// bit here.
const (
	fNumber = 1 << iota // \p{N}: Nd, Nl, No
	fLetter             // \p{L}: Lu, Ll, Lt, Lm, Lo
	fPunct              // \p{P}
	fMark               // \p{M}: Mn, Mc, Me
	fSymbol             // \p{S}
	fSpace              // White_Space (llama.cpp's unicode_set_whitespace)
	fHan                // inside llama.cpp's Han ranges (any category)
)

// maxCodePoint is llama.cpp's MAX_CODEPOINTS: code points at or above it
// (which its UTF-8 decoder can produce from F4 90.. to F7 ..) are treated
// as unassigned.
const maxCodePoint = 0x110000

// asciiFlags holds the flags of U+0000..U+007F (filled in with the rest).
var asciiFlags [128]uint8

// The flags of the other code points: a two-stage table, 256 code points
// per block; blockIndex[cp>>8] picks a block in blocks.
var (
	blockIndex [maxCodePoint >> 8]uint16
	blocks     [][256]uint8
	tablesOnce sync.Once
)

// unicode151 lists the code points whose category changed between the
// Unicode edition of Go's unicode package (15.0.0 as of Go 1.26) and the
// one llama.cpp b10470's unicode-data.cpp was generated from (15.1.0):
// everything Unicode 15.1 newly assigned. TestFlagsMatchLlamaCpp checks the
// whole table against llama.cpp's, so a newer Go with different tables is
// noticed.
var unicode151 = []struct {
	lo, hi rune
	flags  uint8
}{
	{0x2FFC, 0x2FFF, fSymbol},   // ideographic description characters (So)
	{0x31EF, 0x31EF, fSymbol},   // CJK stroke HXG (So)
	{0x2EBF0, 0x2EE5D, fLetter}, // CJK Unified Ideographs Extension I (Lo)
}

// hanRanges are the ranges of llama.cpp's unicode_cpt_is_han: CJK Unified
// Ideographs, Extensions A-F and the compatibility ideographs, as fixed
// ranges (unassigned code points inside them count; Extension G and later do
// not).
var hanRanges = [][2]rune{
	{0x3400, 0x4DBF},
	{0x4E00, 0x9FFF},
	{0xF900, 0xFAFF},
	{0x20000, 0x2A6DF},
	{0x2A700, 0x2EBEF},
	{0x2F800, 0x2FA1F},
}

func initTables() {
	tablesOnce.Do(buildTables)
}

func buildTables() {
	all := make([]uint8, maxCodePoint)
	set := func(t *unicode.RangeTable, f uint8) {
		for _, r := range t.R16 {
			for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
				all[c] |= f
			}
		}
		for _, r := range t.R32 {
			for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
				all[c] |= f
			}
		}
	}
	set(unicode.N, fNumber)
	set(unicode.L, fLetter)
	set(unicode.P, fPunct)
	set(unicode.M, fMark)
	set(unicode.S, fSymbol)
	for _, p := range unicode151 {
		for c := p.lo; c <= p.hi; c++ {
			all[c] = p.flags
		}
	}
	set(unicode.White_Space, fSpace)
	for _, h := range hanRanges {
		for c := h[0]; c <= h[1]; c++ {
			all[c] |= fHan
		}
	}
	copy(asciiFlags[:], all[:128])

	seen := map[[256]uint8]uint16{}
	for b := range blockIndex {
		var blk [256]uint8
		copy(blk[:], all[b<<8:])
		i, ok := seen[blk]
		if !ok {
			i = uint16(len(blocks))
			blocks = append(blocks, blk)
			seen[blk] = i
		}
		blockIndex[b] = i
	}
}

// flagsOf returns the class flags of a code point (0 for code points past
// U+10FFFF).
func flagsOf(r rune) uint8 {
	if r < 0x80 {
		return asciiFlags[r]
	}
	if r >= maxCodePoint {
		return 0
	}
	return blocks[blockIndex[r>>8]][r&0xFF]
}

// cpAt is decodeAt with the ASCII case inline.
func cpAt(s string, i int) (rune, int) {
	if c := s[i]; c < 0x80 {
		return rune(c), 1
	}
	return decodeAt(s, i)
}

// decodeAt decodes the code point at byte offset i (< len(s)) the way
// llama.cpp's unicode_cpt_from_utf8 does: the lead byte gives the length,
// the continuation bytes must be 10xxxxxx and present; there is no check for
// overlong forms, surrogates or values past U+10FFFF. A byte that does not
// start such a sequence becomes U+FFFD and is consumed alone
// (unicode_cpts_from_utf8).
func decodeAt(s string, i int) (rune, int) {
	c := s[i]
	switch {
	case c < 0x80:
		return rune(c), 1
	case c < 0xC0:
		return 0xFFFD, 1
	case c < 0xE0:
		if i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
		}
	case c < 0xF0:
		if i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			return rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
		}
	case c < 0xF8:
		if i+3 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 && s[i+3]&0xC0 == 0x80 {
			return rune(c&0x07)<<18 | rune(s[i+1]&0x3F)<<12 | rune(s[i+2]&0x3F)<<6 | rune(s[i+3]&0x3F), 4
		}
	}
	return 0xFFFD, 1
}

// Collapsed alphabet. For a regex that uses a \p{..} class, llama.cpp does
// not run std::regex on the code points but on one byte per code point:
// ASCII stays itself, other white space becomes \v, and everything else
// becomes a byte standing for its category; the regex's \p{..} classes are
// rewritten to that byte plus the ASCII members of the category.
const (
	colOther  = 0xD0 // Z (not white space), C, unassigned
	colNumber = 0xD1
	colLetter = 0xD2
	colPunct  = 0xD3
	colMark   = 0xD4
	colSymbol = 0xD5
	// Not llama.cpp's: the alphabet of our regex form of its Kimi K2
	// splitter also tells the code points of its Han ranges apart.
	colHanLetter = 0xD6
	colHanOther  = 0xD7
)

// alphabet says what a generic step's regex runs on.
type alphabet uint8

const (
	// alphaWide: the code points, non-ASCII white space replaced by \v
	// (llama.cpp's std::wregex path, for regexes without \p{..}).
	alphaWide alphabet = iota
	// alphaCollapsed: llama.cpp's collapsed bytes (regexes with \p{..}).
	alphaCollapsed
	// alphaHan: alphaCollapsed, but code points in the Han ranges become
	// colHanLetter/colHanOther.
	alphaHan
)

// symbol maps a decoded code point to the rune a regex of alphabet a sees.
func (a alphabet) symbol(r rune) rune {
	if r < 0x80 {
		return r
	}
	f := flagsOf(r)
	if f&fSpace != 0 {
		return '\v'
	}
	if a == alphaWide {
		if r > unicode.MaxRune {
			// llama.cpp cannot even re-encode these (it throws); any
			// code point no regex names behaves the same.
			return unicode.MaxRune
		}
		return r
	}
	if a == alphaHan && f&fHan != 0 {
		if f&fLetter != 0 {
			return colHanLetter
		}
		return colHanOther
	}
	switch f &^ fHan {
	case fNumber:
		return colNumber
	case fLetter:
		return colLetter
	case fPunct:
		return colPunct
	case fMark:
		return colMark
	case fSymbol:
		return colSymbol
	}
	return colOther
}
