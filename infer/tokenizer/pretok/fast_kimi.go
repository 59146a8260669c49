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
		c, n := cpAt(s, pos)
		f := flagsOf(c)

		if f&fHan != 0 {
			pos += n
			for pos < hi {
				c1, n1 := cpAt(s, pos)
				if flagsOf(c1)&fHan == 0 {
					break
				}
				pos += n1
			}
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
				c1, n1 := cpAt(s, pos)
				if flagsOf(c1)&(fLetter|fHan) != fLetter {
					break
				}
				pos += n1
			}
			if pos+1 < hi && s[pos] == '\'' {
				switch c1 := s[pos+1] | 0x20; c1 {
				case 's', 't', 'm', 'd':
					pos += 2
				case 'r', 'v', 'l':
					if pos+2 < hi {
						if c2 := s[pos+2] | 0x20; c2 == 'e' && c1 != 'l' || c2 == 'l' && c1 == 'l' {
							pos += 3
						}
					}
				}
			}
			dst = append(dst, [2]int{start, pos})
			continue
		}

		if f&fNumber != 0 {
			k := 0
			for pos < hi {
				c1, n1 := cpAt(s, pos)
				if flagsOf(c1)&fNumber == 0 {
					break
				}
				pos += n1
				if k++; k == 3 {
					dst = append(dst, [2]int{start, pos})
					start, k = pos, 0
				}
			}
			if pos > start {
				dst = append(dst, [2]int{start, pos})
			}
			continue
		}

		f2, p, in := f, pos, true
		if c == ' ' {
			p = pos + 1
			f2, in = 0, p < hi
			if in {
				c1, _ := cpAt(s, p)
				f2 = flagsOf(c1)
			}
		}
		if in && f2&(fSpace|fLetter|fNumber) == 0 {
			pos = p
			for pos < hi {
				c1, n1 := cpAt(s, pos)
				if flagsOf(c1)&(fSpace|fLetter|fNumber) != 0 {
					break
				}
				pos += n1
			}
			for pos < hi && (s[pos] == '\r' || s[pos] == '\n') {
				pos++
			}
			dst = append(dst, [2]int{start, pos})
			continue
		}

		pos = spaceRun(s, pos, hi, n, true)
		dst = append(dst, [2]int{start, pos})
	}
	return dst
}
