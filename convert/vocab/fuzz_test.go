package vocab

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hfctl/hfctl/internal/testdata"
)

// Seeds for FuzzTokenizerJSON: small tokenizer.json files covering the
// model, normalizer, pre-tokenizer, post-processor and decoder types the
// package reads.
var tokenizerJSONSeeds = []string{
	`{"version":"1.0","added_tokens":[{"id":3,"content":"<|e|>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],"normalizer":null,"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},"post_processor":{"type":"ByteLevel"},"decoder":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}}`,
	`{"added_tokens":[],"normalizer":{"type":"NFC"},"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"(?i:'s|'t)|\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"use_regex":false}]},"decoder":{"type":"ByteLevel"},"model":{"type":"BPE","ignore_merges":true,"vocab":{"a":0,"b":1,"ab":2},"merges":[["a","b"]]}}`,
	`{"added_tokens":[{"id":0,"content":"<unk>","special":true},{"id":1,"content":"<s>","special":true,"lstrip":true,"rstrip":true}],"normalizer":{"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"▁"},{"type":"Replace","pattern":{"String":" "},"content":"▁"}]},"pre_tokenizer":null,"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],"pair":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"Sequence":{"id":"B","type_id":1}}],"special_tokens":{"<s>":{"id":"<s>","ids":[1],"tokens":["<s>"]}}},"decoder":{"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},{"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]},"model":{"type":"BPE","unk_token":"<unk>","fuse_unk":true,"byte_fallback":true,"vocab":{"<unk>":0,"<s>":1,"<0x41>":2,"▁":3,"b":4,"▁b":5},"merges":["▁ b"]}}`,
	`{"normalizer":{"type":"BertNormalizer","lowercase":true},"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Digits","individual_digits":true},{"type":"Punctuation","behavior":"Contiguous"},{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":true},{"type":"WhitespaceSplit"},{"type":"Whitespace"},{"type":"BertPreTokenizer"},{"type":"CharDelimiterSplit","delimiter":"x"}]},"post_processor":{"type":"RobertaProcessing","sep":["</s>",2],"cls":["<s>",0]},"model":{"type":"BPE","continuing_subword_prefix":"##","end_of_word_suffix":"</w>","vocab":{"a":0,"##b":1,"a##b":2},"merges":[]}}`,
	`{"model":{"type":"WordPiece","unk_token":"[UNK]","vocab":{"[UNK]":0,"a":1}},"post_processor":{"type":"BertProcessing","sep":["[SEP]",1],"cls":["[CLS]",0]},"normalizer":{"type":"Sequence","normalizers":[{"type":"NFD"},{"type":"StripAccents"},{"type":"Lowercase"},{"type":"Strip","strip_left":true,"strip_right":true}]}}`,
	`{"model":{"type":"Unigram","vocab":[["<unk>",0.0],["a",-1.5]]},"pre_tokenizer":{"type":"Metaspace","replacement":"▁","add_prefix_space":true}}`,
	`{"model":{"vocab":{"a":0},"merges":[]},"added_tokens":[{"id":1,"content":"tok","single_word":true}]}`,
	`{"model":{"type":"BPE","vocab":{"\u0120":0,"\ud83d\ude00":1},"merges":[]},"pre_tokenizer":{"type":"Split","pattern":{"String":"a"},"behavior":"MergedWithNext","invert":true}}`,
	`[]`, `{}`, `{"model":null}`, `{"model":{"type":"BPE","vocab":{"a":1.5}}}`,
}

// FuzzTokenizerJSON parses tokenizer.json input and runs every path that
// consumes it (vocabulary listing, merges, SpecialVocab, the encoding
// pipeline used for the check hash). Errors are fine; panics and hangs are
// not.
func FuzzTokenizerJSON(f *testing.F) {
	for _, s := range tokenizerJSONSeeds {
		f.Add([]byte(s))
	}
	if td := testdata.Dir(); td != "" {
		if b, err := os.ReadFile(filepath.Join(td, "tokenizers", "mistral", "tokenizer_config.json")); err == nil {
			f.Add(b)
		}
	}
	dir := f.TempDir() // an empty model folder: only the parsed file is used
	old := Logf
	Logf = nil
	defer func() { Logf = old }()
	f.Fuzz(func(t *testing.T, data []byte) {
		tj, err := parseTokenizerJSON(filepath.Join(dir, "tokenizer.json"), data)
		if err != nil {
			return
		}
		tj.vocabEntries()
		tj.mergePairList()
		for _, hp := range []map[string]any{nil, {"vocab_size": 8.0}} {
			for _, llamaHF := range []bool{false, true} {
				x := &exporter{dir: dir, hparams: hp, w: newKVList(), tjLoaded: true, tj: tj}
				if llamaHF {
					x.setVocabLlamaHF()
				} else {
					x.setVocabGPT2()
				}
				if h, err := x.loadHFTokenizer(); err == nil {
					if p, err := h.pipeline(); err == nil {
						p.encode("Hello wörld 123 <|e|> <s>  tok\n\t!")
					}
					h.decodeOne("▁a<0x41>Ġb")
					h.preSignature()
				}
			}
		}
	})
}

// FuzzSentencePieceModel parses tokenizer.model input.
func FuzzSentencePieceModel(f *testing.F) {
	f.Add(spModelBytes([][]byte{pbPiece("<unk>", 0, spUnknown), pbPiece("<s>", 0, spControl), pbPiece("▁a", -1.5, 0)}, nil))
	var bytePieces [][]byte
	bytePieces = append(bytePieces, pbPiece("<unk>", 0, spUnknown))
	for b := 0; b < 256; b++ {
		bytePieces = append(bytePieces, pbPiece(string([]byte{'<', '0', 'x', "0123456789ABCDEF"[b>>4], "0123456789ABCDEF"[b&15], '>'}), 0, spByte))
	}
	f.Add(spModelBytes(bytePieces, pbVarint(pbVarint(pbVarint(pbVarint(nil, 3<<3), 2), 35<<3), 1)))
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0x02, 0x0a, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseSentencePiece(data)
		if err != nil {
			return
		}
		if len(m.Pieces) == 0 {
			t.Fatal("model without pieces accepted")
		}
		for _, p := range m.Pieces {
			if p.Type < spNormal || p.Type > spByte {
				t.Fatalf("piece type %d", p.Type)
			}
		}
	})
}
