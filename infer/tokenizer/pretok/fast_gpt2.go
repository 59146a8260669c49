package pretok

// splitGPT2 is llama.cpp's hand-written splitter for GPT-2's regex
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)
//
// (unicode_regex_split_custom_gpt2): at each position the first alternative
// that matches gives the piece. A single white space code point before a
// non-space (which the regex leaves unmatched) is a piece of its own, as the
// unmatched stretch would be.
func splitGPT2(s string, lo, hi int, dst [][2]int) [][2]int {
	for pos := lo; pos < hi; {
		start := pos
		c, n := rune(s[pos]), 1
		if c >= 0x80 {
			c, n = decodeAt(s, pos)
		}

		// 's 't 'm 'd 're 've 'll (case-sensitive).
		if c == '\'' {
			if end := contraction(s, pos, n, hi, false); end >= 0 {
				pos = end
				dst = append(dst, [2]int{start, pos})
				continue
			}
		}

		// The optional leading space: the classes are tested on the code
		// point after it.
		f2, p, in := flagsOf(c), pos, true
		if c == ' ' {
			p = pos + n
			if p < hi {
				c1, _ := cpAt(s, p)
				f2 = flagsOf(c1)
			} else {
				f2, in = 0, false
			}
		}
		var class uint8
		switch {
		case f2&fLetter != 0: // ' ?\p{L}+'
			class = fLetter
		case f2&fNumber != 0: // ' ?\p{N}+'
			class = fNumber
		case in && f2&fSpace == 0: // ' ?[^\s\p{L}\p{N}]+'
			pos = skipClass(s, p, hi, fSpace|fLetter|fNumber, false)
			dst = append(dst, [2]int{start, pos})
			continue
		}
		if class != 0 {
			pos = skipClass(s, p, hi, class, true)
			dst = append(dst, [2]int{start, pos})
			continue
		}

		// White space: '\s+(?!\S)' keeps the last one for the next piece
		// when a non-space follows; a lone one is a piece of its own.
		pos = spaceRun(s, pos, hi, n, false)
		dst = append(dst, [2]int{start, pos})
	}
	return dst
}

// spaceRun is the white-space tail shared by the splitters: pos is at a
// code point (n bytes) that no earlier alternative took. It returns where
// the piece starting at pos ends:
//
//	\s*[\r\n]+   (only if newlines): up to the last \r or \n of the run
//	\s+(?!\S)    all but the last of a run of two or more that a
//	             non-space follows
//	\s+          the whole run otherwise
//
// or just past the code point if it is not white space.
func spaceRun(s string, pos, hi, n int, newlines bool) int {
	p, count, lastStart, lastNL := pos, 0, pos, -1
	for p < hi {
		c, m := rune(s[p]), 1
		if c >= 0x80 {
			c, m = decodeAt(s, p)
		}
		if flagsOf(c)&fSpace == 0 {
			break
		}
		if c == '\r' || c == '\n' {
			lastNL = p + m
		}
		lastStart = p
		p += m
		count++
	}
	switch {
	case newlines && lastNL >= 0:
		return lastNL
	case count > 1 && p < hi:
		return lastStart
	case count > 0:
		return p
	}
	return pos + n
}
