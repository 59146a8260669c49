package pretok

// splitLlama3 is llama.cpp's hand-written splitter for Llama 3's regex
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// (unicode_regex_split_custom_llama3).
func splitLlama3(s string, lo, hi int, dst [][2]int) [][2]int {
	return splitWords(s, lo, hi, dst, 3, fLetter)
}

// splitQwen2 is llama.cpp's hand-written splitter for Qwen2's regex, Llama
// 3's with \p{N} for \p{N}{1,3} (unicode_regex_split_custom_qwen2).
func splitQwen2(s string, lo, hi int, dst [][2]int) [][2]int {
	return splitWords(s, lo, hi, dst, 1, fLetter)
}

// splitQwen35 is llama.cpp's hand-written splitter for Qwen3.5's regex
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// (unicode_regex_split_custom_qwen35): Qwen2's with combining marks in
// words.
func splitQwen35(s string, lo, hi int, dst [][2]int) [][2]int {
	return splitWords(s, lo, hi, dst, 1, fLetter|fMark)
}

// splitWords implements the three: digits is the most \p{N} in one piece,
// word the classes of a word (\p{L}, or [\p{L}\p{M}]).
func splitWords(s string, lo, hi int, dst [][2]int, digits int, word uint8) [][2]int {
	for pos := lo; pos < hi; {
		start := pos
		c, n := rune(s[pos]), 1
		if c >= 0x80 {
			c, n = decodeAt(s, pos)
		}

		// Contractions, case-insensitive.
		if c == '\'' {
			if end := contraction(s, pos, n, hi, true); end >= 0 {
				pos = end
				dst = append(dst, [2]int{start, pos})
				continue
			}
		}

		f := flagsOf(c)

		// [^\r\n\p{L}\p{N}]?\p{L}+ (or [\p{L}\p{M}]+): a word, with any one
		// code point but a newline or number before it.
		if c != '\r' && c != '\n' && f&fNumber == 0 {
			isWord := f&word != 0
			if !isWord && pos+n < hi {
				c1, _ := cpAt(s, pos+n)
				isWord = flagsOf(c1)&word != 0
			}
			if isWord {
				pos = skipClass(s, pos+n, hi, word, true)
				dst = append(dst, [2]int{start, pos})
				continue
			}
		}

		// \p{N}{1,digits}, repeatedly.
		if f&fNumber != 0 {
			pos, dst = numberGroups(s, start, pos, hi, digits, dst)
			continue
		}

		// ' ?[^\s\p{L}\p{N}]+[\r\n]*' (marks too for Qwen3.5). A space at
		// the end of the piece is taken here alone.
		f2, p := f, pos
		if c == ' ' {
			p = pos + n
			f2 = 0
			if p < hi {
				c1, _ := cpAt(s, p)
				f2 = flagsOf(c1)
			}
		}
		if f2&(fSpace|word|fNumber) == 0 {
			pos = skipClass(s, p, hi, fSpace|word|fNumber, false)
			pos = skipNewlines(s, pos, hi)
			dst = append(dst, [2]int{start, pos})
			continue
		}

		pos = spaceRun(s, pos, hi, n, true)
		dst = append(dst, [2]int{start, pos})
	}
	return dst
}
