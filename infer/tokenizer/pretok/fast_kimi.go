package pretok

// splitKimiK2 is llama.cpp's hand-written Kimi K2 splitter
// (unicode_regex_split_custom_kimi_k2), which llama.cpp runs for the
// placeholder regex \p{Han}+. In order, a piece is:
//
//	a run of code points in the Han ranges (unicode_cpt_is_han);
//	an optional code point that is not \r, \n, a letter or a number, then
//	  letters outside the Han ranges, then an optional contraction
//	  ('s 't 're 've 'm 'll 'd, case-insensitive);
//	\p{N}{1,3};
//	' ?[^\s\p{L}\p{N}]+[\r\n]*', then the white-space rules of Llama 3.
//
// regexKimiK2 is the same as a regex.
func splitKimiK2(s string, lo, hi int, dst [][2]int) [][2]int {
	for pos := lo; pos < hi; {
		start := pos
		c, n := rune(s[pos]), 1
		if c >= 0x80 {
			c, n = decodeAt(s, pos)
		}
		f := flagsOf(c)

		if f&fHan != 0 {
			pos = skipClass(s, pos+n, hi, fHan, true)
			dst = append(dst, [2]int{start, pos})
			continue
		}

		// Letters outside the Han ranges, with one leading code point
		// that is not \r, \n, a letter or a number.
		lead := c != '\r' && c != '\n' && f&(fLetter|fNumber) == 0
		isWord := f&fLetter != 0
		if lead && pos+n < hi {
			c1, _ := cpAt(s, pos+n)
			isWord = flagsOf(c1)&(fLetter|fHan) == fLetter
		}
		if isWord {
			pos += n
			for pos < hi {
				c1, n1 := rune(s[pos]), 1
				if c1 >= 0x80 {
					c1, n1 = decodeAt(s, pos)
				}
				if flagsOf(c1)&(fLetter|fHan) != fLetter {
					break
				}
				pos += n1
			}
			if pos < hi {
				if c1, n1 := cpAt(s, pos); c1 == '\'' {
					if end := contraction(s, pos, n1, hi, true); end >= 0 {
						pos = end
					}
				}
			}
			dst = append(dst, [2]int{start, pos})
			continue
		}

		if f&fNumber != 0 {
			pos, dst = numberGroups(s, start, pos, hi, 3, dst)
			continue
		}

		f2, p, in := f, pos, true
		if c == ' ' {
			p = pos + n
			f2, in = 0, p < hi
			if in {
				c1, _ := cpAt(s, p)
				f2 = flagsOf(c1)
			}
		}
		if in && f2&(fSpace|fLetter|fNumber) == 0 {
			pos = skipClass(s, p, hi, fSpace|fLetter|fNumber, false)
			pos = skipNewlines(s, pos, hi)
			dst = append(dst, [2]int{start, pos})
			continue
		}

		pos = spaceRun(s, pos, hi, n, true)
		dst = append(dst, [2]int{start, pos})
	}
	return dst
}
