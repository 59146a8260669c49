package vocab

import (
	"log"
	"strings"
	"unicode"
)

// Logf receives the warnings the export produces (the ones llama.cpp's
// converter logs: an unrecognized pre-tokenizer resolved by its regex
// signature, out-of-range special token ids, malformed merges lines, ...).
// It defaults to log.Printf; set it to nil to discard them.
var Logf func(format string, args ...any) = log.Printf

func warnf(format string, args ...any) {
	if Logf != nil {
		Logf("vocab: warning: "+format, args...)
	}
}

// pyIsSpace is Python's str.isspace for one character.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyStrip is Python's str.strip().
func pyStrip(s string) string { return strings.TrimFunc(s, pyIsSpace) }

// pyFields is Python's str.split() with no separator.
func pyFields(s string) []string { return strings.FieldsFunc(s, pyIsSpace) }
