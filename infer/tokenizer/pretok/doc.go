// Package pretok is the pre-tokenizer of byte-level BPE vocabularies: the
// regex split that cuts text into words before the BPE merges, exactly as
// llama.cpp (build b10470) does it for each value of tokenizer.ggml.pre.
//
// # What llama.cpp does
//
// llama.cpp maps tokenizer.ggml.pre to a pre-tokenizer type (Lookup, Names)
// and each type to a list of regexes. unicode_regex_split applies them in
// order: the text starts as one piece, and each regex splits every current
// piece on its own (nothing it does can see past the ends of the piece:
// look-ahead stops there, $ matches there). Within a piece, every match is a
// piece and so is every stretch between matches, so the pieces always cover
// the text. Empty matches give empty pieces in llama.cpp; they produce no
// tokens and Split leaves them out.
//
// Text is first decoded as llama.cpp's unicode_cpts_from_utf8 does: the
// lead byte gives the sequence length and the continuation bytes must be
// 10xxxxxx and present, with no check for overlong forms, surrogates or
// values above U+10FFFF; any other byte is one U+FFFD (So, a symbol) on its
// own. Overlong forms count as the code point they spell ("\xc0\xa7" is an
// apostrophe, "\xc0\x8a" a newline). Split's byte offsets are into the
// original text, so an invalid byte is a one-byte code point. (llama.cpp
// throws when it re-encodes a piece holding a code point above U+10FFFF,
// from F4 90.. to F7 ..; Split treats those as unassigned code points.
// llama.cpp also throws for kimi_k2 and afmoe on empty text, which
// llama_tokenize never passes; Split returns no pieces.)
//
// Most regexes run on std::regex, which knows no Unicode classes, so
// llama.cpp rewrites them:
//
//   - A regex that contains \p{N}, \p{L}, \p{P}, \p{M}, \p{S} (or \p{Lu},
//     \p{Ll}, \p{Lt}, \p{Lm}, \p{Lo}) runs on a "collapsed" text of one byte
//     per code point: ASCII stays, other white space becomes \v, anything
//     else becomes a byte standing for its category. Each \p{X} becomes that
//     byte plus the category's ASCII members. This has quirks we keep:
//     \p{Lu}, \p{Ll}, \p{Lt}, \p{Lm} and \p{Lo} all mean \p{L}; \p{S} does
//     not match '~'; \s, \d, \w and \b are ASCII only.
//   - Other regexes run on the code points, with non-ASCII white space
//     replaced by \v (std::wregex's \s knows only ASCII).
//
// A few regexes, recognised by their exact text, are not run as regexes but
// by hand-written splitters: GPT-2's, Llama 3's, Qwen2's and Qwen3.5's
// regexes, [^\n]+|[\n]+, the digit grouping of AFMoE and Tiny Aya, and the
// Kimi K2 splitter (triggered by the placeholder \p{Han}+). Their results
// are what llama.cpp produces, so they are what Split produces; the Kimi K2
// and digit splitters differ from the upstream regexes they stand for (see
// fast_kimi.go, fast_misc.go).
//
// Code point classes come from llama.cpp's unicode-data.cpp, generated from
// Unicode 15.1; we build the same table from Go's unicode package (Unicode
// 15.0.0 in Go 1.26) plus what Unicode 15.1 added (unicode151).
// TestFlagsMatchLlamaCpp checks all 0x110000 code points against a dump of
// llama.cpp's table.
//
// # How we do it
//
// Every regex is translated for github.com/dlclark/regexp2 (look-ahead is
// needed) and runs on the runes llama.cpp's std::regex would see: the
// collapsed alphabet or the code points. That is the generic path (a few
// MB/s). Both engines backtrack and take the first alternative that matches,
// as ECMAScript says; after an empty match regexp2 resumes one position on
// where libstdc++ first tries a non-empty match at the same place, which no
// regex in the table can tell apart.
//
// The hand-written splitters have fast versions in Go (fast_*.go) that work
// on the UTF-8 bytes directly and allocate nothing but dst; we add three of
// our own, for \p{N}, \p{N}{1,3} and \p{N}+, so that e.g. starcoder and
// command_r are fast throughout. For each, the generic path has the regex it
// implements (for Kimi K2 and the digit grouping, a regex of ours), and the
// tests check that both give the same pieces on random text and under go test
// -fuzz (FuzzFastGeneric).
//
// testdata/splits.json.gz holds the pieces llama.cpp's own unicode_regex_split
// makes of a fixed set of inputs for every type (TestSplitsGolden);
// testdata/gen has the program and the steps that made it, and the opt-in
// tests that compare against llama.cpp directly.
package pretok
