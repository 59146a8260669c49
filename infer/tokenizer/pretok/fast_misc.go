package pretok

// splitNewlines is llama.cpp's hand-written splitter for [^\n]+|[\n]+
// (unicode_regex_split_custom_newlines): runs of newlines and runs of
// anything else. (Overlong forms of '\n' count: "\xc0\x8a" is a newline.)
func splitNewlines(s string, lo, hi int, dst [][2]int) [][2]int {
	for pos := lo; pos < hi; {
		start := pos
		c, n := rune(s[pos]), 1
		if c >= 0x80 {
			c, n = decodeAt(s, pos)
		}
		nl := c == '\n'
		for pos += n; pos < hi; pos += n {
			c, n = cpAt(s, pos)
			if (c == '\n') != nl {
				break
			}
		}
		dst = append(dst, [2]int{start, pos})
	}
	return dst
}

// splitDigitGroups is llama.cpp's hand-written digit grouping
// (unicode_regex_split_custom_afmoe), run for AFMoE's \p{AFMoE_digits} and
// for Tiny Aya's \d{1,3}(?=(?:\d{3})*\b): every run of \p{N} (any number,
// not only 0-9) is cut into a head of (length mod 3) code points, if that is
// not 0, and groups of three. The text before a run is not a piece of its
// own: it goes with the run's first group; the text after the last run is
// one piece.
func splitDigitGroups(s string, lo, hi int, dst [][2]int) [][2]int {
	start := lo
	for pos := lo; pos < hi; {
		c, n := rune(s[pos]), 1
		if c >= 0x80 {
			c, n = decodeAt(s, pos)
		}
		if flagsOf(c)&fNumber == 0 {
			pos += n
			continue
		}
		end, count := pos, 0
		for end < hi {
			c1, n1 := rune(s[end]), 1
			if c1 >= 0x80 {
				c1, n1 = decodeAt(s, end)
			}
			if flagsOf(c1)&fNumber == 0 {
				break
			}
			end += n1
			count++
		}
		head := count % 3
		for i := 1; pos < end; i++ {
			_, n1 := cpAt(s, pos)
			pos += n1
			if (i-head)%3 == 0 {
				dst = append(dst, [2]int{start, pos})
				start = pos
			}
		}
	}
	if start < hi {
		dst = append(dst, [2]int{start, hi})
	}
	return dst
}

// numberRuns returns a splitter for the regexes \p{N} (k = 1), \p{N}{1,3}
// (k = 3) and \p{N}+ (k = 0): each run of numbers in pieces of at most k
// code points (no limit for 0), the text between runs in pieces of its own.
// llama.cpp runs these regexes on std::regex; the splitters are ours, for
// speed, and tested against the regexes like the others.
func numberRuns(k int) fastFunc {
	return func(s string, lo, hi int, dst [][2]int) [][2]int {
		start := lo
		for pos := lo; pos < hi; {
			c, n := rune(s[pos]), 1
			if c >= 0x80 {
				c, n = decodeAt(s, pos)
			}
			if flagsOf(c)&fNumber == 0 {
				pos += n
				continue
			}
			if pos > start {
				dst = append(dst, [2]int{start, pos})
			}
			pos, dst = numberGroups(s, pos, pos, hi, k, dst)
			start = pos
		}
		if start < hi {
			dst = append(dst, [2]int{start, hi})
		}
		return dst
	}
}
