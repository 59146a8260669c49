package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/infer/chat"
	"github.com/hfctl/hfctl/infer/chat/jinja"
	"github.com/hfctl/hfctl/infer/tokenizer"
	"github.com/spf13/cobra"
)

func newTemplateCmd() *cobra.Command {
	var (
		messagesFile, toolsFile, templateFile, date string
		noGen, asJSON, showTokens                   bool
		vars                                        []string
	)
	cmd := &cobra.Command{
		Use:   "template MODEL.gguf --messages FILE.json",
		Short: "Render a conversation with the model's chat template",
		Long: `Renders messages with the chat template stored in the GGUF
(tokenizer.chat_template) exactly as Hugging Face transformers'
apply_chat_template does, and prints the prompt the model would see.

FILE.json is an array of messages ({"role": "user", "content": "…"}; roles
system, user, assistant, tool; assistant "tool_calls"), or an object with
"messages" and optionally "tools", "add_generation_prompt" and any extra
template variables. "-" reads standard input.`,
		Example: `  echo '[{"role":"user","content":"Hello!"}]' | hfctl template qwen3-0.6b.gguf --messages -
  hfctl template llama-3.1-8b.gguf --messages chat.json --tools tools.json --var enable_thinking=false
  hfctl template model.gguf --messages chat.json --template my.jinja --tokens`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if messagesFile == "" {
				return fmt.Errorf("--messages FILE.json is required")
			}
			f, err := gguf.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			tok, err := tokenizer.FromGGUF(f, args[0])
			if err != nil {
				return err
			}
			src := ""
			if v, ok := f.Lookup(gguf.KeyTokenizerChatTemplate); ok {
				src, _ = v.Str()
			}
			if templateFile != "" {
				b, err := os.ReadFile(templateFile)
				if err != nil {
					return err
				}
				src = string(b)
			}
			var t *chat.Template
			if src == "" {
				fmt.Fprintln(cmd.ErrOrStderr(), "note: the model has no chat template; using ChatML")
				t = chat.Fallback()
			} else if t, err = chat.New(src); err != nil {
				return fmt.Errorf("%s: chat template: %w", args[0], err)
			}
			in, err := readConversation(cmd.InOrStdin(), messagesFile)
			if err != nil {
				return err
			}
			in.AddGenerationPrompt = !noGen && in.AddGenerationPrompt
			if toolsFile != "" {
				b, err := readFileOrStdin(cmd.InOrStdin(), toolsFile)
				if err != nil {
					return err
				}
				in.Tools = b
			}
			for _, kv := range vars {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					return fmt.Errorf("--var %q: want NAME=VALUE", kv)
				}
				// JSON as Python's json.loads reads it (1 stays an int);
				// anything else is a string.
				x, err := jinja.FromJSON([]byte(v))
				if err != nil {
					x = v
				}
				in.Vars[k] = x
			}
			if date != "" {
				d, err := time.ParseInLocation("2006-01-02", date, time.Local)
				if err != nil {
					return fmt.Errorf("--date: %w", err)
				}
				in.Now = func() time.Time { return d }
			}
			if id := tok.Special.BOS; id >= 0 {
				in.BOSToken = tok.Token(id)
			}
			if id := tok.Special.EOS; id >= 0 {
				in.EOSToken = tok.Token(id)
			}
			prompt, err := t.Apply(in)
			if err != nil {
				return fmt.Errorf("chat template: %w", err)
			}
			w := cmd.OutOrStdout()
			addSpecial := in.BOSToken == "" || !strings.HasPrefix(prompt, in.BOSToken)
			switch {
			case asJSON:
				ids := tok.Encode(prompt, addSpecial, true)
				return writeJSON(w, struct {
					Prompt string  `json:"prompt"`
					IDs    []int32 `json:"ids"`
				}{prompt, ids})
			case showTokens:
				fmt.Fprint(w, prompt)
				ids := tok.Encode(prompt, addSpecial, true)
				fmt.Fprintf(cmd.ErrOrStderr(), "\n(%d tokens)\n", len(ids))
			default:
				fmt.Fprint(w, prompt)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&messagesFile, "messages", "", "JSON file with the messages (- for standard input)")
	fl.StringVar(&toolsFile, "tools", "", "JSON file with an array of tool schemas")
	fl.StringVar(&templateFile, "template", "", "use this Jinja file instead of the model's template")
	fl.BoolVar(&noGen, "no-generation-prompt", false, "do not open an assistant turn at the end")
	fl.StringArrayVar(&vars, "var", nil, "extra template variable NAME=VALUE (VALUE as JSON if it parses)")
	fl.StringVar(&date, "date", "", "date strftime_now sees (YYYY-MM-DD; default today)")
	fl.BoolVar(&asJSON, "json", false, `print {"prompt": …, "ids": […]}`)
	fl.BoolVar(&showTokens, "tokens", false, "also print the token count on standard error")
	return cmd
}

func readFileOrStdin(stdin io.Reader, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(path)
}

// readConversation reads a messages array or an object with messages,
// tools, add_generation_prompt and extra variables.
func readConversation(stdin io.Reader, path string) (chat.Input, error) {
	in := chat.Input{AddGenerationPrompt: true, Vars: map[string]any{}}
	b, err := readFileOrStdin(stdin, path)
	if err != nil {
		return in, err
	}
	trimmed := strings.TrimSpace(string(b))
	if strings.HasPrefix(trimmed, "[") {
		in.RawMessages = json.RawMessage(trimmed)
		return in, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return in, fmt.Errorf("%s: not a JSON array of messages nor an object with \"messages\": %w", path, err)
	}
	msgs, ok := obj["messages"]
	if !ok {
		return in, fmt.Errorf("%s: no \"messages\" key", path)
	}
	in.RawMessages = msgs
	for k, v := range obj {
		switch k {
		case "messages":
		case "tools":
			if string(v) != "null" {
				in.Tools = v
			}
		case "add_generation_prompt":
			if err := json.Unmarshal(v, &in.AddGenerationPrompt); err != nil {
				return in, fmt.Errorf("%s: add_generation_prompt: %w", path, err)
			}
		default:
			in.Vars[k] = v
		}
	}
	return in, nil
}
