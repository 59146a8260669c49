package vocab

import "github.com/hfctl/hfctl/gguf"

// kvList mirrors the ordered dictionary gguf-py's GGUFWriter keeps its
// metadata in: setting a key that already exists replaces the value but keeps
// the key's original position; removing a key drops it.
type kvList struct {
	kvs []gguf.KV
	pos map[string]int
}

func newKVList() *kvList { return &kvList{pos: map[string]int{}} }

func (l *kvList) set(key string, v gguf.Value) {
	if i, ok := l.pos[key]; ok {
		l.kvs[i].Value = v
		return
	}
	l.pos[key] = len(l.kvs)
	l.kvs = append(l.kvs, gguf.KV{Key: key, Value: v})
}

func (l *kvList) remove(key string) {
	i, ok := l.pos[key]
	if !ok {
		return
	}
	l.kvs = append(l.kvs[:i], l.kvs[i+1:]...)
	delete(l.pos, key)
	for j := i; j < len(l.kvs); j++ {
		l.pos[l.kvs[j].Key] = j
	}
}

// setString skips empty strings, as GGUFWriter.add_string does.
func (l *kvList) setString(key, s string) {
	if s == "" {
		return
	}
	l.set(key, gguf.String(s))
}

// setStrings skips empty arrays, as GGUFWriter.add_array does.
func (l *kvList) setStrings(key string, s []string) {
	if len(s) == 0 {
		return
	}
	l.set(key, gguf.Strings(s))
}

func (l *kvList) setFloat32s(key string, s []float32) {
	if len(s) == 0 {
		return
	}
	l.set(key, gguf.Float32s(s))
}

func (l *kvList) setInt32s(key string, s []int32) {
	if len(s) == 0 {
		return
	}
	l.set(key, gguf.Int32s(s))
}

// Metadata keys written by the tokenizer export (gguf-py constants.Keys.Tokenizer).
const (
	keyModel          = "tokenizer.ggml.model"
	keyPre            = "tokenizer.ggml.pre"
	keyTokens         = "tokenizer.ggml.tokens"
	keyTokenType      = "tokenizer.ggml.token_type"
	keyScores         = "tokenizer.ggml.scores"
	keyMerges         = "tokenizer.ggml.merges"
	keyAddSpacePrefix = "tokenizer.ggml.add_space_prefix"
	keyChatTemplate   = "tokenizer.chat_template"
	keyChatTemplates  = "tokenizer.chat_templates"
	keyLowercase      = "tokenizer.ggml.normalizer.lowercase"
	keyStripAccents   = "tokenizer.ggml.normalizer.strip_accents"
)

// specialIDKeys maps a SpecialVocab token type to its metadata key. Types
// without an entry (cls, prefix, suffix, middle) have no GGUFWriter handler
// and are skipped, as in gguf-py.
var specialIDKeys = map[string]string{
	"bos":  "tokenizer.ggml.bos_token_id",
	"eos":  "tokenizer.ggml.eos_token_id",
	"unk":  "tokenizer.ggml.unknown_token_id",
	"sep":  "tokenizer.ggml.seperator_token_id",
	"pad":  "tokenizer.ggml.padding_token_id",
	"mask": "tokenizer.ggml.mask_token_id",
	"eot":  "tokenizer.ggml.eot_token_id",
	"eom":  "tokenizer.ggml.eom_token_id",
}

// addSpecialKeys maps the add_<type>_token flags that have a writer handler.
var addSpecialKeys = map[string]string{
	"bos": "tokenizer.ggml.add_bos_token",
	"eos": "tokenizer.ggml.add_eos_token",
	"sep": "tokenizer.ggml.add_sep_token",
}

// Token types (gguf.TokenType / SentencePieceTokenTypes).
const (
	ttNormal      int32 = 1
	ttUnknown     int32 = 2
	ttControl     int32 = 3
	ttUserDefined int32 = 4
	ttUnused      int32 = 5
	ttByte        int32 = 6
)
