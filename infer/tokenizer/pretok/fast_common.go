package pretok

// Helpers of the hand-written splitters. They decode every code point:
// llama.cpp's decoder accepts overlong forms, so even '\'', ' ', '\r', '\n'
// and the letters of a contraction may take two to four bytes
// ("\xc0\xa7" is an apostrophe).

// contraction returns the end of the contraction ('s 't 'm 'd 're 've 'll)
// at pos (the apostrophe is the code point at pos, n bytes), or -1. fold
// makes it case-insensitive, as llama.cpp's unicode_tolower does it for these
// letters (only 'A'-'Z' lower to them).
func contraction(s string, pos, n, hi int, fold bool) int {
	p1 := pos + n
	if p1 >= hi {
		return -1
	}
	c1, n1 := rune(s[p1]), 1
	if c1 >= 0x80 {
		c1, n1 = decodeAt(s, p1)
	}
	if fold {
		c1 = lowerASCII(c1)
	}
	switch c1 {
	case 's', 't', 'm', 'd':
		return p1 + n1
	case 'r', 'v', 'l':
		p2 := p1 + n1
		if p2 >= hi {
			return -1
		}
		c2, n2 := rune(s[p2]), 1
		if c2 >= 0x80 {
			c2, n2 = decodeAt(s, p2)
		}
		if fold {
			c2 = lowerASCII(c2)
		}
		if c2 == 'e' && c1 != 'l' || c2 == 'l' && c1 == 'l' {
			return p2 + n2
		}
	}
	return -1
}

func lowerASCII(c rune) rune {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// skipNewlines returns the end of the run of \r and \n at pos.
func skipNewlines(s string, pos, hi int) int {
	for pos < hi {
		c, n := rune(s[pos]), 1
		if c >= 0x80 {
			c, n = decodeAt(s, pos)
		}
		if c != '\r' && c != '\n' {
			break
		}
		pos += n
	}
	return pos
}

// skipClass returns the end of the run of code points at pos that have one
// of the flags in mask (want true) or none of them (want false).
func skipClass(s string, pos, hi int, mask uint8, want bool) int {
	for pos < hi {
		c, n := rune(s[pos]), 1
		if c >= 0x80 {
			c, n = decodeAt(s, pos)
		}
		if (flagsOf(c)&mask != 0) != want {
			break
		}
		pos += n
	}
	return pos
}

// numberGroups appends the run of \p{N} at pos (start is the piece start)
// in pieces of at most k code points and returns its end.
func numberGroups(s string, start, pos, hi, k int, dst [][2]int) (int, [][2]int) {
	i := 0
	for pos < hi {
		c, n := rune(s[pos]), 1
		if c >= 0x80 {
			c, n = decodeAt(s, pos)
		}
		if flagsOf(c)&fNumber == 0 {
			break
		}
		pos += n
		if i++; i == k {
			dst = append(dst, [2]int{start, pos})
			start, i = pos, 0
		}
	}
	if pos > start {
		dst = append(dst, [2]int{start, pos})
	}
	return pos, dst
}
