package main

import (
	"fmt"
	"io"

	"strconv"
	"strings"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/infer/tokenizer"
	"github.com/spf13/cobra"
)

func newTokenizeCmd() *cobra.Command {
	var (
		fromStdin, noBOS, noParseSpecial, asJSON, idsOnly, count bool
	)
	cmd := &cobra.Command{
		Use:   "tokenize MODEL.gguf [TEXT]",
		Short: "Show how a model's tokenizer splits a text",
		Long: `Tokenizes TEXT (or standard input with --stdin) with the tokenizer stored in
the GGUF's metadata, exactly as llama.cpp does, and prints each token id with
its text. BOS/EOS are added as the model asks unless --no-bos; special tokens
written in the text (<|im_start|>, <s> …) are recognised unless
--no-parse-special.`,
		Example: `  hfctl tokenize qwen3-0.6b-q8_0.gguf "Hello world"
  hfctl tokenize llama-3.2-1b.gguf --json "<|start_header_id|>user" | jq .ids
  cat prompt.txt | hfctl tokenize model.gguf --stdin --count`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var text string
			switch {
			case fromStdin && len(args) == 2:
				return fmt.Errorf("give the text as an argument or with --stdin, not both")
			case fromStdin:
				b, err := io.ReadAll(cmd.InOrStdin())
				if err != nil {
					return err
				}
				text = string(b)
			case len(args) == 2:
				text = args[1]
			default:
				return fmt.Errorf("no text: give it as the second argument or pipe it with --stdin")
			}
			tok, closeFn, err := openTokenizer(args[0])
			if err != nil {
				return err
			}
			defer closeFn()
			ids := tok.Encode(text, !noBOS, !noParseSpecial)
			w := cmd.OutOrStdout()
			switch {
			case asJSON:
				pieces := make([]string, len(ids))
				for i, id := range ids {
					pieces[i] = tok.Piece(id, true)
				}
				return writeJSON(w, struct {
					IDs    []int32  `json:"ids"`
					Pieces []string `json:"pieces"`
				}{ids, pieces})
			case count:
				fmt.Fprintln(w, len(ids))
			case idsOnly:
				s := make([]string, len(ids))
				for i, id := range ids {
					s[i] = strconv.Itoa(int(id))
				}
				fmt.Fprintf(w, "[%s]\n", strings.Join(s, ", "))
			default:
				for _, id := range ids {
					fmt.Fprintf(w, "%6d -> %s\n", id, strconv.Quote(tok.Piece(id, true)))
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&fromStdin, "stdin", false, "read the text from standard input")
	f.BoolVar(&noBOS, "no-bos", false, "do not add the BOS/EOS tokens the model asks for")
	f.BoolVar(&noParseSpecial, "no-parse-special", false, "treat special-token text in the input as plain text")
	f.BoolVar(&asJSON, "json", false, `print {"ids": [...], "pieces": [...]}`)
	f.BoolVar(&idsOnly, "ids", false, "print only the ids, as a list")
	f.BoolVar(&count, "count", false, "print only the number of tokens")
	return cmd
}

// openTokenizer opens a GGUF and builds its tokenizer; closeFn unmaps it.
func openTokenizer(path string) (*tokenizer.Tokenizer, func(), error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, nil, err
	}
	tok, err := tokenizer.FromGGUF(f, path)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return tok, func() { f.Close() }, nil
}
