package tokenizer

// trie is a byte trie mapping keys to token ids (llama.cpp's naive_trie).
type trie struct {
	children map[byte]*trie
	has      bool
	value    int32
}

func newTrie() *trie { return &trie{} }

func (t *trie) insert(key []byte, value int32) {
	n := t
	for _, c := range key {
		if n.children == nil {
			n.children = map[byte]*trie{}
		}
		ch := n.children[c]
		if ch == nil {
			ch = &trie{}
			n.children[c] = ch
		}
		n = ch
	}
	n.has, n.value = true, value
}

func (t *trie) child(c byte) *trie {
	if t == nil || t.children == nil {
		return nil
	}
	return t.children[c]
}

// longestPath is naive_trie::get_longest_prefix: the length of the longest
// prefix of s that is a path in the trie (not necessarily a whole key).
func (t *trie) longestPath(s string) int {
	n, i := t, 0
	for i < len(s) {
		n = n.child(s[i])
		if n == nil {
			break
		}
		i++
	}
	return i
}
