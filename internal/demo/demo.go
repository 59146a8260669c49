// Package demo embeds the small model `hfctl run` uses when no model is
// named: tiny-shakespeare (a 9M-parameter Llama trained on Shakespeare, see
// ../shared/testdata/models/tiny-shakespeare/README.md), converted to Q8_0 by
// hfctl itself with scripts/make-demo.sh.
package demo

import _ "embed"

// Name is how the demo model is shown.
const Name = "tiny-shakespeare (embedded demo, Q8_0)"

// GGUF is the model file.
//
//go:embed tiny-shakespeare-q8_0.gguf
var GGUF []byte
