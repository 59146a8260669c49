package vocab

import (
	"container/heap"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
	"golang.org/x/text/unicode/norm"
)

// This file is a Go rendition of the parts of the Hugging Face tokenizers
// pipeline needed to encode llama.cpp's check text: added-token extraction,
// normalizers, pre-tokenizers, the BPE model and post-processors. It works on
// strings rather than tracking offsets; the one offset-dependent rule
// (Metaspace prepend_scheme "first") uses a flag marking the piece that
// starts the input.

// errUnsupported marks a tokenizer component the Go pipeline does not
// implement; the pre-tokenizer is then identified by its signature instead.
var errUnsupported = errors.New("unsupported tokenizer component")

func unsupported(what string) error { return fmt.Errorf("%w: %s", errUnsupported, what) }

// piece is one split of the input: text still to be processed, or a token
// id already decided (an added token).
type piece struct {
	s       string
	atStart bool // starts at offset 0 of the original input
	id      int64
	done    bool
}

// pipeline encodes text like tokenizers' Tokenizer.encode(text, add_special_tokens=True).
type pipeline struct {
	addedRaw  *addedMatcher // added tokens matched on the original text
	addedNorm *addedMatcher // added tokens matched on normalized text
	norm      normalizer
	pre       preTokenizer
	model     *bpeModel
	post      postProcessor
}

func (p *pipeline) encode(text string) ([]int64, error) {
	pieces := p.addedRaw.split([]piece{{s: text, atStart: true}})
	if p.norm != nil {
		for i := range pieces {
			if pieces[i].done {
				continue
			}
			s, err := p.norm.normalize(pieces[i].s)
			if err != nil {
				return nil, err
			}
			pieces[i].s = s
		}
	}
	pieces = p.addedNorm.split(pieces)
	if p.pre != nil {
		var err error
		if pieces, err = p.pre.preTokenize(pieces); err != nil {
			return nil, err
		}
	}
	var ids []int64
	for _, pc := range pieces {
		if pc.done {
			ids = append(ids, pc.id)
			continue
		}
		if pc.s == "" {
			continue
		}
		t, err := p.model.tokenize(pc.s)
		if err != nil {
			return nil, err
		}
		ids = append(ids, t...)
	}
	if p.post != nil {
		return p.post.process(ids), nil
	}
	return ids, nil
}

// ---- added tokens ----

type addedMatcher struct {
	toks    []addedToken
	byFirst map[byte][]int // indexes into toks, longest content first
}

func newAddedMatcher(toks []addedToken) *addedMatcher {
	m := &addedMatcher{byFirst: map[byte][]int{}}
	for _, t := range toks {
		if t.Content == "" {
			continue
		}
		m.toks = append(m.toks, t)
		i := len(m.toks) - 1
		m.byFirst[t.Content[0]] = append(m.byFirst[t.Content[0]], i)
	}
	for b, l := range m.byFirst {
		// Longest first; among equal lengths keep the first added.
		sorted := make([]int, len(l))
		copy(sorted, l)
		for i := 1; i < len(sorted); i++ {
			for j := i; j > 0 && len(m.toks[sorted[j]].Content) > len(m.toks[sorted[j-1]].Content); j-- {
				sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
			}
		}
		m.byFirst[b] = sorted
	}
	return m
}

// split extracts added tokens from the text pieces: leftmost-longest,
// non-overlapping matches, with single_word/lstrip/rstrip handled as in
// tokenizers' AddedVocabulary::find_matches.
func (m *addedMatcher) split(in []piece) []piece {
	if m == nil || len(m.toks) == 0 {
		return in
	}
	var out []piece
	for _, pc := range in {
		if pc.done {
			out = append(out, pc)
			continue
		}
		s := pc.s
		startOffset := 0
		pos := 0
		for pos < len(s) {
			ti, mstart := m.next(s, pos)
			if ti < 0 {
				break
			}
			t := m.toks[ti]
			start, stop := mstart, mstart+len(t.Content)
			pos = stop
			if t.SingleWord {
				startSpace := start == 0 || !endsWithWord(s[:start])
				stopSpace := stop == len(s) || !startsWithWord(s[stop:])
				if !startSpace || !stopSpace {
					continue
				}
			}
			if t.LStrip {
				ns := len(strings.TrimRightFunc(s[:start], unicode.IsSpace))
				start = max(ns, startOffset)
			}
			if t.RStrip {
				stop += len(s[stop:]) - len(strings.TrimLeftFunc(s[stop:], unicode.IsSpace))
			}
			if startOffset < start {
				out = append(out, piece{s: s[startOffset:start], atStart: pc.atStart && startOffset == 0})
			}
			out = append(out, piece{s: s[start:stop], id: t.ID, done: true})
			startOffset = stop
		}
		if startOffset < len(s) || len(s) == 0 {
			out = append(out, piece{s: s[startOffset:], atStart: pc.atStart && startOffset == 0})
		}
	}
	return out
}

// next finds the leftmost match at or after pos (longest at that position).
func (m *addedMatcher) next(s string, pos int) (tok, start int) {
	for i := pos; i < len(s); i++ {
		for _, ti := range m.byFirst[s[i]] {
			if strings.HasPrefix(s[i:], m.toks[ti].Content) {
				return ti, i
			}
		}
	}
	return -1, 0
}

func isWordChar(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r)
}

func endsWithWord(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return s != "" && isWordChar(r)
}

func startsWithWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && isWordChar(r)
}

// ---- normalizers ----

type normalizer interface {
	normalize(s string) (string, error)
}

type normFunc func(string) (string, error)

func (f normFunc) normalize(s string) (string, error) { return f(s) }

type normSeq []normalizer

func (q normSeq) normalize(s string) (string, error) {
	var err error
	for _, n := range q {
		if s, err = n.normalize(s); err != nil {
			return "", err
		}
	}
	return s, nil
}

func buildNormalizer(v any, depth int) (normalizer, error) {
	if v == nil {
		return nil, nil
	}
	d, ok := v.(*pyDict)
	if !ok || depth > maxJSONDepth {
		return nil, unsupported("normalizer is not an object")
	}
	switch t := typeName(d); t {
	case "NFC":
		return normFunc(func(s string) (string, error) { return norm.NFC.String(s), nil }), nil
	case "NFD":
		return normFunc(func(s string) (string, error) { return norm.NFD.String(s), nil }), nil
	case "NFKC":
		return normFunc(func(s string) (string, error) { return norm.NFKC.String(s), nil }), nil
	case "NFKD":
		return normFunc(func(s string) (string, error) { return norm.NFKD.String(s), nil }), nil
	case "Lowercase":
		return normFunc(func(s string) (string, error) { return rustLower(s), nil }), nil
	case "Strip":
		left := d.val("strip_left") != false
		right := d.val("strip_right") != false
		return normFunc(func(s string) (string, error) {
			if left {
				s = strings.TrimLeftFunc(s, unicode.IsSpace)
			}
			if right {
				s = strings.TrimRightFunc(s, unicode.IsSpace)
			}
			return s, nil
		}), nil
	case "StripAccents":
		return normFunc(func(s string) (string, error) { return stripMarks(s), nil }), nil
	case "Prepend":
		pre, ok := d.val("prepend").(string)
		if !ok {
			return nil, unsupported("Prepend without a string")
		}
		return normFunc(func(s string) (string, error) {
			if s == "" {
				return s, nil
			}
			return pre + s, nil
		}), nil
	case "Replace":
		content, ok := d.val("content").(string)
		if !ok {
			return nil, unsupported("Replace without content")
		}
		pat, err := buildPattern(d.val("pattern"))
		if err != nil {
			return nil, err
		}
		return normFunc(func(s string) (string, error) {
			ms, err := pat.find(s)
			if err != nil {
				return "", err
			}
			if len(ms) == 0 {
				return s, nil
			}
			var b strings.Builder
			last := 0
			for _, m := range ms {
				b.WriteString(s[last:m[0]])
				b.WriteString(content)
				last = m[1]
			}
			b.WriteString(s[last:])
			return b.String(), nil
		}), nil
	case "BertNormalizer":
		return bertNormalizer(d), nil
	case "ByteLevel":
		return normFunc(func(s string) (string, error) { return byteLevelString(s), nil }), nil
	case "Sequence":
		list, ok := d.val("normalizers").([]any)
		if !ok {
			return nil, unsupported("Sequence normalizer without a list")
		}
		var q normSeq
		for _, e := range list {
			n, err := buildNormalizer(e, depth+1)
			if err != nil {
				return nil, err
			}
			if n != nil {
				q = append(q, n)
			}
		}
		return q, nil
	default:
		return nil, unsupported("normalizer " + t)
	}
}

// rustLower is Rust's char-by-char to_lowercase.
func rustLower(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == 'İ' {
			b.WriteString("i\u0307")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func stripMarks(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, s)
}

func bertNormalizer(d *pyDict) normalizer {
	clean := d.val("clean_text") != false
	chinese := d.val("handle_chinese_chars") != false
	lower := d.val("lowercase") != false
	strip := lower
	if v, ok := d.get("strip_accents"); ok && v != nil {
		strip = pyTruthy(v)
	}
	return normFunc(func(s string) (string, error) {
		var b strings.Builder
		for _, r := range s {
			if clean {
				if r == 0 || r == 0xfffd || isBertControl(r) {
					continue
				}
				if isBertWhitespace(r) {
					r = ' '
				}
			}
			if chinese && isCJK(r) {
				b.WriteByte(' ')
				b.WriteRune(r)
				b.WriteByte(' ')
				continue
			}
			b.WriteRune(r)
		}
		out := b.String()
		if strip {
			out = stripMarks(norm.NFD.String(out))
		}
		if lower {
			out = rustLower(out)
		}
		return out, nil
	})
}

func isBertWhitespace(r rune) bool {
	switch r {
	case '\t', '\n', '\r', ' ':
		return true
	}
	return unicode.Is(unicode.Zs, r)
}

func isBertControl(r rune) bool {
	switch r {
	case '\t', '\n', '\r':
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Cn, unicode.Co)
}

func isCJK(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) || (r >= 0x20000 && r <= 0x2A6DF) ||
		(r >= 0x2A700 && r <= 0x2B73F) || (r >= 0x2B740 && r <= 0x2B81F) || (r >= 0x2B920 && r <= 0x2CEAF) ||
		(r >= 0xF900 && r <= 0xFAFF) || (r >= 0x2F800 && r <= 0x2FA1F)
}

// ---- patterns ----

type pattern interface {
	// find returns the non-overlapping matches as byte offsets.
	find(s string) ([][2]int, error)
}

type literalPattern string

func (p literalPattern) find(s string) ([][2]int, error) {
	if p == "" {
		return nil, nil
	}
	var out [][2]int
	for i := 0; i <= len(s); {
		j := strings.Index(s[i:], string(p))
		if j < 0 {
			break
		}
		out = append(out, [2]int{i + j, i + j + len(p)})
		i += j + len(p)
	}
	return out, nil
}

type regexPattern struct{ re *regexp2.Regexp }

func (p regexPattern) find(s string) ([][2]int, error) {
	if s == "" {
		return nil, nil
	}
	runes := make([]rune, 0, len(s))
	offs := make([]int, 0, len(s)+1)
	for i, r := range s {
		runes = append(runes, r)
		offs = append(offs, i)
	}
	offs = append(offs, len(s))
	var out [][2]int
	m, err := p.re.FindRunesMatch(runes)
	for ; m != nil && err == nil; m, err = p.re.FindNextMatch(m) {
		out = append(out, [2]int{offs[m.Index], offs[m.Index+m.Length]})
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

type charPattern func(rune) bool

// find returns every matching character as its own match, as tokenizers'
// Pattern impl for char predicates does.
func (f charPattern) find(s string) ([][2]int, error) {
	var out [][2]int
	for i, r := range s {
		if f(r) {
			out = append(out, [2]int{i, i + utf8.RuneLen(r)})
		}
	}
	return out, nil
}

// regexTimeout bounds one regex search.
const regexTimeout = 2 * time.Second

var (
	regexMu    sync.Mutex
	regexCache = map[string]*regexp2.Regexp{}
)

// compileRegex compiles a tokenizers (Oniguruma) pattern with regexp2, whose
// .NET syntax covers the look-arounds, \p{..} classes and inline flags these
// patterns use. Possessive quantifiers are not supported.
func compileRegex(expr string) (*regexp2.Regexp, error) {
	regexMu.Lock()
	defer regexMu.Unlock()
	if re, ok := regexCache[expr]; ok {
		return re, nil
	}
	re, err := regexp2.Compile(expr, regexp2.None)
	if err != nil {
		return nil, unsupported(fmt.Sprintf("regex %q: %v", expr, err))
	}
	// A backtracking engine can take exponential time on hostile
	// patterns; give up (the check hash then cannot be computed).
	re.MatchTimeout = regexTimeout
	if len(regexCache) < 64 {
		regexCache[expr] = re
	}
	return re, nil
}

func buildPattern(v any) (pattern, error) {
	d, ok := v.(*pyDict)
	if !ok {
		return nil, unsupported("pattern is not an object")
	}
	if s, ok := d.val("String").(string); ok {
		return literalPattern(s), nil
	}
	if s, ok := d.val("Regex").(string); ok {
		re, err := compileRegex(s)
		if err != nil {
			return nil, err
		}
		return regexPattern{re}, nil
	}
	return nil, unsupported("pattern without String or Regex")
}

// split behaviors (tokenizers SplitDelimiterBehavior).
const (
	bhRemoved = iota
	bhIsolated
	bhMergedWithPrevious
	bhMergedWithNext
	bhContiguous
)

func parseBehavior(v any, dflt int) (int, error) {
	if v == nil {
		return dflt, nil
	}
	switch v {
	case "Removed":
		return bhRemoved, nil
	case "Isolated":
		return bhIsolated, nil
	case "MergedWithPrevious":
		return bhMergedWithPrevious, nil
	case "MergedWithNext":
		return bhMergedWithNext, nil
	case "Contiguous":
		return bhContiguous, nil
	}
	return 0, unsupported(fmt.Sprintf("split behavior %v", v))
}

type span struct {
	a, b  int
	match bool
}

// splitString is NormalizedString::split: pattern matches (optionally
// inverted) combined with a delimiter behavior; empty results are dropped by
// the caller.
func splitString(s string, p pattern, behavior int, invert bool) ([][2]int, error) {
	ms, err := p.find(s)
	if err != nil {
		return nil, err
	}
	var spans []span
	prev := 0
	for _, m := range ms {
		if prev != m[0] {
			spans = append(spans, span{prev, m[0], false})
		}
		spans = append(spans, span{m[0], m[1], true})
		prev = m[1]
	}
	if prev != len(s) {
		spans = append(spans, span{prev, len(s), false})
	}
	if invert {
		for i := range spans {
			spans[i].match = !spans[i].match
		}
	}
	var out [][2]int
	switch behavior {
	case bhRemoved:
		for _, sp := range spans {
			if !sp.match {
				out = append(out, [2]int{sp.a, sp.b})
			}
		}
	case bhIsolated:
		for _, sp := range spans {
			out = append(out, [2]int{sp.a, sp.b})
		}
	case bhContiguous:
		prevMatch := false
		for _, sp := range spans {
			if sp.match == prevMatch && len(out) > 0 {
				out[len(out)-1][1] = sp.b
			} else {
				out = append(out, [2]int{sp.a, sp.b})
			}
			prevMatch = sp.match
		}
	case bhMergedWithPrevious:
		prevMatch := false
		for _, sp := range spans {
			if sp.match && !prevMatch && len(out) > 0 {
				out[len(out)-1][1] = sp.b
			} else {
				out = append(out, [2]int{sp.a, sp.b})
			}
			prevMatch = sp.match
		}
	case bhMergedWithNext:
		prevMatch := false
		var rev [][2]int
		for i := len(spans) - 1; i >= 0; i-- {
			sp := spans[i]
			if sp.match && !prevMatch && len(rev) > 0 {
				rev[len(rev)-1][0] = sp.a
			} else {
				rev = append(rev, [2]int{sp.a, sp.b})
			}
			prevMatch = sp.match
		}
		for i := len(rev) - 1; i >= 0; i-- {
			out = append(out, rev[i])
		}
	}
	return out, nil
}

// splitPieces applies f to each text piece and replaces it with the
// non-empty results.
func splitPieces(in []piece, f func(pc piece) ([]piece, error)) ([]piece, error) {
	var out []piece
	for _, pc := range in {
		if pc.done {
			out = append(out, pc)
			continue
		}
		parts, err := f(pc)
		if err != nil {
			return nil, err
		}
		for _, p := range parts {
			if p.s != "" {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

func splitPiece(pc piece, p pattern, behavior int, invert bool) ([]piece, error) {
	offs, err := splitString(pc.s, p, behavior, invert)
	if err != nil {
		return nil, err
	}
	out := make([]piece, len(offs))
	for i, o := range offs {
		out[i] = piece{s: pc.s[o[0]:o[1]], atStart: pc.atStart && o[0] == 0}
	}
	return out, nil
}

// ---- pre-tokenizers ----

type preTokenizer interface {
	preTokenize([]piece) ([]piece, error)
}

type preFunc func([]piece) ([]piece, error)

func (f preFunc) preTokenize(p []piece) ([]piece, error) { return f(p) }

// gpt2Pattern is the regex of tokenizers' ByteLevel pre-tokenizer.
const gpt2Pattern = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`

func buildPreTokenizer(v any, depth int) (preTokenizer, error) {
	if v == nil {
		return nil, nil
	}
	d, ok := v.(*pyDict)
	if !ok || depth > maxJSONDepth {
		return nil, unsupported("pre_tokenizer is not an object")
	}
	switch t := typeName(d); t {
	case "Sequence":
		list, ok := d.val("pretokenizers").([]any)
		if !ok {
			return nil, unsupported("Sequence pre_tokenizer without a list")
		}
		var steps []preTokenizer
		for _, e := range list {
			p, err := buildPreTokenizer(e, depth+1)
			if err != nil {
				return nil, err
			}
			if p != nil {
				steps = append(steps, p)
			}
		}
		return preFunc(func(in []piece) ([]piece, error) {
			var err error
			for _, s := range steps {
				if in, err = s.preTokenize(in); err != nil {
					return nil, err
				}
			}
			return in, nil
		}), nil
	case "ByteLevel":
		return byteLevelPre(d.val("add_prefix_space") == true, d.val("use_regex") != false)
	case "Split":
		pat, err := buildPattern(d.val("pattern"))
		if err != nil {
			return nil, err
		}
		bh, err := parseBehavior(d.val("behavior"), -1)
		if err != nil || bh < 0 {
			return nil, unsupported("Split without a behavior")
		}
		invert := d.val("invert") == true
		return preFunc(func(in []piece) ([]piece, error) {
			return splitPieces(in, func(pc piece) ([]piece, error) { return splitPiece(pc, pat, bh, invert) })
		}), nil
	case "Digits":
		bh := bhContiguous
		if d.val("individual_digits") == true {
			bh = bhIsolated
		}
		return preFunc(func(in []piece) ([]piece, error) {
			return splitPieces(in, func(pc piece) ([]piece, error) { return splitPiece(pc, charPattern(unicode.IsNumber), bh, false) })
		}), nil
	case "Punctuation":
		bh, err := parseBehavior(d.val("behavior"), bhIsolated)
		if err != nil {
			return nil, err
		}
		return preFunc(func(in []piece) ([]piece, error) {
			return splitPieces(in, func(pc piece) ([]piece, error) { return splitPiece(pc, charPattern(isPunc), bh, false) })
		}), nil
	case "Metaspace":
		return metaspacePre(d)
	case "Whitespace":
		re, err := compileRegex(`\w+|[^\w\s]+`)
		if err != nil {
			return nil, err
		}
		return preFunc(func(in []piece) ([]piece, error) {
			return splitPieces(in, func(pc piece) ([]piece, error) { return splitPiece(pc, regexPattern{re}, bhRemoved, true) })
		}), nil
	case "WhitespaceSplit":
		return preFunc(func(in []piece) ([]piece, error) {
			return splitPieces(in, func(pc piece) ([]piece, error) { return splitPiece(pc, charPattern(unicode.IsSpace), bhRemoved, false) })
		}), nil
	case "BertPreTokenizer":
		return preFunc(func(in []piece) ([]piece, error) {
			out, err := splitPieces(in, func(pc piece) ([]piece, error) { return splitPiece(pc, charPattern(unicode.IsSpace), bhRemoved, false) })
			if err != nil {
				return nil, err
			}
			return splitPieces(out, func(pc piece) ([]piece, error) { return splitPiece(pc, charPattern(isPunc), bhIsolated, false) })
		}), nil
	case "CharDelimiterSplit":
		ds, ok := d.val("delimiter").(string)
		if !ok || utf8.RuneCountInString(ds) != 1 {
			return nil, unsupported("CharDelimiterSplit delimiter")
		}
		dr, _ := utf8.DecodeRuneInString(ds)
		return preFunc(func(in []piece) ([]piece, error) {
			return splitPieces(in, func(pc piece) ([]piece, error) {
				return splitPiece(pc, charPattern(func(r rune) bool { return r == dr }), bhRemoved, false)
			})
		}), nil
	default:
		return nil, unsupported("pre_tokenizer " + t)
	}
}

func isPunc(r rune) bool {
	return (r < 128 && unicode.IsPrint(r) && !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ') || unicode.IsPunct(r)
}

func byteLevelPre(addPrefix, useRegex bool) (preTokenizer, error) {
	var re *regexp2.Regexp
	if useRegex {
		var err error
		if re, err = compileRegex(gpt2Pattern); err != nil {
			return nil, err
		}
	}
	return preFunc(func(in []piece) ([]piece, error) {
		return splitPieces(in, func(pc piece) ([]piece, error) {
			if addPrefix && !strings.HasPrefix(pc.s, " ") {
				pc.s = " " + pc.s
			}
			parts := []piece{pc}
			if useRegex {
				var err error
				if parts, err = splitPiece(pc, regexPattern{re}, bhIsolated, false); err != nil {
					return nil, err
				}
			}
			for i := range parts {
				parts[i].s = byteLevelString(parts[i].s)
			}
			return parts, nil
		})
	}), nil
}

func metaspacePre(d *pyDict) (preTokenizer, error) {
	rs, ok := d.val("replacement").(string)
	if !ok || utf8.RuneCountInString(rs) != 1 {
		return nil, unsupported("Metaspace replacement")
	}
	rep, _ := utf8.DecodeRuneInString(rs)
	scheme := "always"
	if s, ok := d.val("prepend_scheme").(string); ok {
		scheme = s
	} else if v, ok := d.get("add_prefix_space"); ok && v == false {
		scheme = "never"
	}
	split := d.val("split") != false
	return preFunc(func(in []piece) ([]piece, error) {
		return splitPieces(in, func(pc piece) ([]piece, error) {
			pc.s = strings.ReplaceAll(pc.s, " ", rs)
			if !strings.HasPrefix(pc.s, rs) && (scheme == "always" || scheme == "first" && pc.atStart) {
				pc.s = rs + pc.s
			}
			if !split {
				return []piece{pc}, nil
			}
			return splitPiece(pc, charPattern(func(r rune) bool { return r == rep }), bhMergedWithNext, false)
		})
	}), nil
}

// ---- byte-level alphabet ----

var byteToRune, runeToByte = byteLevelTables()

// byteLevelTables builds GPT-2's reversible byte → printable character map:
// printable Latin-1 bytes map to themselves, the others to U+0100 onwards.
func byteLevelTables() ([256]rune, map[rune]byte) {
	var b2r [256]rune
	r2b := make(map[rune]byte, 256)
	n := rune(0)
	for b := 0; b < 256; b++ {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			b2r[b] = rune(b)
		} else {
			b2r[b] = 256 + n
			n++
		}
		r2b[b2r[b]] = byte(b)
	}
	return b2r, r2b
}

func byteLevelString(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 2)
	for i := 0; i < len(s); i++ {
		b.WriteRune(byteToRune[s[i]])
	}
	return b.String()
}

// ---- BPE model ----

type bpeMerge struct {
	rank  int
	newID uint32
}

type bpeModel struct {
	vocab        map[string]uint32
	merges       map[uint64]bpeMerge
	unk          *string
	fuseUnk      bool
	byteFallback bool
	ignoreMerges bool
	prefix       *string
	suffix       *string
}

func newBPEModel(vocab []vocabEntry, merges [][2]string, mj *modelJSON) (*bpeModel, error) {
	m := &bpeModel{vocab: make(map[string]uint32, len(vocab)), merges: make(map[uint64]bpeMerge, len(merges))}
	for _, e := range vocab {
		m.vocab[e.tok] = uint32(e.id)
	}
	prefixLen := 0
	if mj != nil {
		m.unk = mj.UnkToken
		m.fuseUnk = mj.FuseUnk
		m.byteFallback = mj.ByteFallback
		m.ignoreMerges = mj.IgnoreMerges
		if mj.ContinuingSubwordPrefix != "" {
			p := mj.ContinuingSubwordPrefix
			m.prefix = &p
			prefixLen = len(p)
		}
		if mj.EndOfWordSuffix != "" {
			s := mj.EndOfWordSuffix
			m.suffix = &s
		}
	}
	for rank, p := range merges {
		a, ok := m.vocab[p[0]]
		if !ok {
			return nil, fmt.Errorf("merge %d: token %q is not in the vocabulary", rank+1, p[0])
		}
		b, ok := m.vocab[p[1]]
		if !ok {
			return nil, fmt.Errorf("merge %d: token %q is not in the vocabulary", rank+1, p[1])
		}
		if len(p[1]) < prefixLen {
			return nil, fmt.Errorf("merge %d: token %q is shorter than the subword prefix", rank+1, p[1])
		}
		nt := p[0] + p[1][prefixLen:]
		nid, ok := m.vocab[nt]
		if !ok {
			return nil, fmt.Errorf("merge %d: merged token %q is not in the vocabulary", rank+1, nt)
		}
		m.merges[pairKey(a, b)] = bpeMerge{rank, nid}
	}
	return m, nil
}

func pairKey(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

type bpeSymbol struct {
	id         uint32
	prev, next int
	n          int // byte length; 0 once merged away
}

type mergeItem struct {
	pos, rank int
	newID     uint32
}

type mergeHeap []mergeItem

func (h mergeHeap) Len() int { return len(h) }
func (h mergeHeap) Less(i, j int) bool {
	if h[i].rank != h[j].rank {
		return h[i].rank < h[j].rank
	}
	return h[i].pos < h[j].pos
}
func (h mergeHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *mergeHeap) Push(x any)   { *h = append(*h, x.(mergeItem)) }
func (h *mergeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (m *bpeModel) tokenize(w string) ([]int64, error) {
	if m.ignoreMerges {
		if id, ok := m.vocab[w]; ok {
			return []int64{int64(id)}, nil
		}
	}
	var syms []bpeSymbol
	add := func(id uint32, n int) {
		prev := len(syms) - 1
		if prev >= 0 {
			syms[prev].next = len(syms)
		}
		syms = append(syms, bpeSymbol{id: id, prev: prev, next: -1, n: n})
	}
	haveUnk := false
	var unkID uint32
	unkLen := 0
	for i, r := range w {
		n := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, n = utf8.DecodeRuneInString(w[i:])
		}
		s := w[i : i+n]
		if i > 0 && m.prefix != nil {
			s = *m.prefix + s
		}
		if i+n == len(w) && m.suffix != nil {
			s += *m.suffix
		}
		if id, ok := m.vocab[s]; ok {
			if haveUnk {
				add(unkID, unkLen)
				haveUnk = false
			}
			add(id, n)
			continue
		}
		if m.byteFallback {
			ids := make([]uint32, 0, len(s))
			all := true
			for j := 0; j < len(s); j++ {
				id, ok := m.vocab[fmt.Sprintf("<0x%02X>", s[j])]
				if !ok {
					all = false
					break
				}
				ids = append(ids, id)
			}
			if all {
				for _, id := range ids {
					add(id, 1)
				}
				continue
			}
		}
		if m.unk != nil {
			uid, ok := m.vocab[*m.unk]
			if !ok {
				return nil, fmt.Errorf("unk token %q is not in the vocabulary", *m.unk)
			}
			switch {
			case haveUnk && m.fuseUnk:
				unkLen += n
			case haveUnk:
				add(unkID, unkLen)
				unkID, unkLen = uid, n
			default:
				haveUnk, unkID, unkLen = true, uid, n
			}
		}
	}
	if haveUnk {
		add(unkID, unkLen)
	}

	h := &mergeHeap{}
	for i := 0; i+1 < len(syms); i++ {
		if mg, ok := m.merges[pairKey(syms[i].id, syms[i+1].id)]; ok {
			*h = append(*h, mergeItem{i, mg.rank, mg.newID})
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		top := heap.Pop(h).(mergeItem)
		cur := &syms[top.pos]
		if cur.n == 0 || cur.next == -1 {
			continue
		}
		nextPos := cur.next
		right := syms[nextPos]
		if mg, ok := m.merges[pairKey(cur.id, right.id)]; !ok || mg.newID != top.newID {
			continue
		}
		cur.id = top.newID
		cur.n += right.n
		cur.next = right.next
		syms[nextPos].n = 0
		if right.next >= 0 && right.next < len(syms) {
			syms[right.next].prev = top.pos
		}
		if cur.prev >= 0 {
			if mg, ok := m.merges[pairKey(syms[cur.prev].id, cur.id)]; ok {
				heap.Push(h, mergeItem{cur.prev, mg.rank, mg.newID})
			}
		}
		if cur.next >= 0 && cur.next < len(syms) {
			if mg, ok := m.merges[pairKey(cur.id, syms[cur.next].id)]; ok {
				heap.Push(h, mergeItem{top.pos, mg.rank, mg.newID})
			}
		}
	}
	out := make([]int64, 0, len(syms))
	for _, s := range syms {
		if s.n != 0 {
			out = append(out, int64(s.id))
		}
	}
	return out, nil
}

// ---- post-processors ----

type postProcessor interface {
	process(ids []int64) []int64
}

type postFunc func([]int64) []int64

func (f postFunc) process(ids []int64) []int64 { return f(ids) }

func buildPostProcessor(v any, depth int) (postProcessor, error) {
	if v == nil {
		return nil, nil
	}
	d, ok := v.(*pyDict)
	if !ok || depth > maxJSONDepth {
		return nil, unsupported("post_processor is not an object")
	}
	switch t := typeName(d); t {
	case "ByteLevel":
		return nil, nil
	case "Sequence":
		list, ok := d.val("processors").([]any)
		if !ok {
			return nil, unsupported("Sequence post_processor without a list")
		}
		var steps []postProcessor
		for _, e := range list {
			p, err := buildPostProcessor(e, depth+1)
			if err != nil {
				return nil, err
			}
			if p != nil {
				steps = append(steps, p)
			}
		}
		return postFunc(func(ids []int64) []int64 {
			for _, s := range steps {
				ids = s.process(ids)
			}
			return ids
		}), nil
	case "TemplateProcessing":
		single, ok := d.val("single").([]any)
		if !ok {
			return nil, unsupported("TemplateProcessing without a single template")
		}
		specials, _ := d.val("special_tokens").(*pyDict)
		var parts [][]int64 // nil entry: the sequence
		for _, e := range single {
			if st := dictGet(e, "SpecialToken"); st != nil {
				name, _ := dictGet(st, "id").(string)
				ent := specials.val(name)
				idl, ok := dictGet(ent, "ids").([]any)
				if !ok {
					return nil, unsupported(fmt.Sprintf("TemplateProcessing special token %q has no ids", name))
				}
				var ids []int64
				for _, x := range idl {
					n, ok, big := pyInt(x)
					if !ok || big {
						return nil, unsupported("TemplateProcessing special token id")
					}
					ids = append(ids, n)
				}
				parts = append(parts, ids)
				continue
			}
			if dictGet(e, "Sequence") != nil {
				parts = append(parts, nil)
				continue
			}
			return nil, unsupported("TemplateProcessing piece")
		}
		return templatePost(parts), nil
	case "RobertaProcessing", "BertProcessing":
		cls, ok1 := tokenIDPair(d.val("cls"))
		sep, ok2 := tokenIDPair(d.val("sep"))
		if !ok1 || !ok2 {
			return nil, unsupported(t + " without cls/sep")
		}
		return templatePost([][]int64{{cls}, nil, {sep}}), nil
	default:
		return nil, unsupported("post_processor " + t)
	}
}

func templatePost(parts [][]int64) postProcessor {
	return postFunc(func(ids []int64) []int64 {
		var out []int64
		for _, p := range parts {
			if p == nil {
				out = append(out, ids...)
			} else {
				out = append(out, p...)
			}
		}
		return out
	})
}

func tokenIDPair(v any) (int64, bool) {
	l, ok := v.([]any)
	if !ok || len(l) != 2 {
		return 0, false
	}
	n, ok, big := pyInt(l[1])
	return n, ok && !big
}
