package tokenizer

// unescapeRWKV decodes an RWKV vocabulary entry (\t \n \r \xNN and \c
// escapes) into its bytes.
func unescapeRWKV(s string) []byte {
	out := make([]byte, 0, len(s))
	escaping := false
	hexLeft, acc := 0, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case hexLeft > 0:
			v := c - '0'
			if c >= 'a' {
				v = c - 'a' + 10
			}
			acc = acc<<4 + v
			hexLeft--
			if hexLeft == 0 {
				out = append(out, acc)
				acc = 0
			}
		case escaping:
			switch c {
			case 't':
				out = append(out, '\t')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 'x':
				hexLeft = 2
			default:
				out = append(out, c)
			}
			escaping = false
		case c == '\\':
			escaping = true
		default:
			out = append(out, c)
		}
	}
	return out
}

// rwkvEncode is greedy longest match over the byte trie; a byte no token
// starts with becomes the unknown token.
func (t *Tokenizer) rwkvEncode(out []int32, text string) []int32 {
	pos := 0
	for pos < len(text) {
		n := t.rw.child(text[pos])
		start := pos
		if n == nil {
			if t.Special.UNK != None {
				out = append(out, t.Special.UNK)
			}
			pos++
			continue
		}
		id, end := int32(0), 0
		for n != nil {
			if n.has {
				id, end = n.value, pos+1
			}
			if pos+1 >= len(text) {
				break
			}
			pos++
			n = n.child(text[pos])
		}
		if end == 0 {
			// No token is a prefix here (llama.cpp would loop forever):
			// skip the byte as unknown.
			if t.Special.UNK != None {
				out = append(out, t.Special.UNK)
			}
			pos = start + 1
			continue
		}
		out = append(out, id)
		pos = end
	}
	return out
}
