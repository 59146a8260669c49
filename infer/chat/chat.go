// Package chat renders a model's chat template (the Jinja source that a
// GGUF file keeps in tokenizer.chat_template, or a tokenizer_config.json
// in chat_template) the way Hugging Face transformers'
// apply_chat_template(..., tokenize=False) does, with our own Jinja
// engine (package jinja):
//
//	template.render(messages=…, tools=… or None, documents=… or None,
//	                add_generation_prompt=…, bos_token=…, eos_token=…,
//	                **extra keyword arguments)
//
// with the globals raise_exception (a TemplateError carrying the
// template's message) and strftime_now (on an injectable clock).
//
// The package does not read GGUF files: the caller passes the template
// source and the special-token texts. A model without a template can
// use Fallback, the ChatML format llama.cpp uses in that case.
package chat

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/hfctl/hfctl/infer/chat/jinja"
)

// Message is one turn of a conversation. It becomes the dict templates
// see as message: role and content, then tool_calls, tool_call_id,
// name and reasoning_content when set, then Extra.
type Message struct {
	Role string
	// Content is the text. An empty Content is passed as "" (not left
	// out): templates that read message.content unconditionally work,
	// and the others render the same as without the key.
	Content string
	// Parts, when not nil, replaces Content with a list of content parts
	// ([{"type": "text", "text": …}, {"type": "image"}, …]), as JSON.
	Parts json.RawMessage
	// ToolCalls are the function calls of an assistant message.
	ToolCalls []ToolCall
	// ToolCallID and Name identify the call a tool message answers.
	ToolCallID string
	Name       string
	// Thinking is the model's reasoning, passed as reasoning_content
	// (which thinking-model templates read).
	Thinking string
	// Extra are further keys, with their JSON values.
	Extra map[string]json.RawMessage
}

// ToolCall is a function call made by the assistant.
type ToolCall struct {
	ID       string // passed as id when set
	Type     string // "function" when empty
	Function FunctionCall
}

// FunctionCall names the function and its arguments.
type FunctionCall struct {
	Name string
	// Arguments is the JSON of the arguments. transformers expects an
	// object (templates index into it and print it with tojson); a JSON
	// string (OpenAI's wire form) is passed as a string.
	Arguments json.RawMessage
}

// Tool is the JSON schema of one tool, e.g. {"type": "function",
// "function": {"name": …, "description": …, "parameters": {…}}}. Its key
// order is kept (tojson prints keys in that order).
type Tool = json.RawMessage

// Tools makes the Input.Tools array from tool schemas.
func Tools(tools ...Tool) json.RawMessage {
	if tools == nil {
		return nil
	}
	b := []byte{'['}
	for i, t := range tools {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, t...)
	}
	return append(b, ']')
}

// Input is what a render gets.
type Input struct {
	Messages []Message
	// RawMessages, when set, replaces Messages: a JSON array of message
	// objects passed as they are (content parts, extra keys, key order).
	RawMessages json.RawMessage
	// Tools is a JSON array of tool schemas, or nil for None.
	Tools json.RawMessage
	// Documents is a JSON array of documents (RAG templates), or nil for
	// None.
	Documents           json.RawMessage
	AddGenerationPrompt bool
	// BOSToken and EOSToken are the texts of the special tokens, passed
	// as bos_token and eos_token.
	BOSToken, EOSToken string
	// Vars are extra keyword arguments (enable_thinking, date_string,
	// reasoning_effort …). Go values are converted with jinja.FromGo
	// (json.RawMessage is decoded, keeping key order). They may override
	// bos_token and eos_token but not messages, tools, documents or
	// add_generation_prompt (Python would raise a TypeError).
	Vars map[string]any
	// Now is strftime_now's clock (default: time.Now).
	Now func() time.Time
}

// Template is a parsed chat template. It is safe for concurrent use.
type Template struct {
	t   *jinja.Template
	src string
}

// New parses a chat template. An error is a *jinja.SyntaxError.
func New(src string) (*Template, error) {
	t, err := jinja.Parse(src)
	if err != nil {
		return nil, err
	}
	return &Template{t: t, src: src}, nil
}

// Source returns the template text.
func (t *Template) Source() string { return t.src }

// fallbackSrc is ChatML, what llama.cpp uses for a model without a
// template; a content given as parts contributes its text parts.
const fallbackSrc = `{%- for message in messages -%}
{{- '<|im_start|>' + message['role'] + '\n' -}}
{%- if message['content'] is string -%}{{- message['content'] -}}
{%- else -%}{%- for part in message['content'] -%}{%- if part['type'] == 'text' -%}{{- part['text'] -}}{%- endif -%}{%- endfor -%}
{%- endif -%}
{{- '<|im_end|>\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}`

var fallback = func() *Template {
	t, err := New(fallbackSrc)
	if err != nil {
		panic(err)
	}
	return t
}()

// Fallback returns the ChatML template:
//
//	<|im_start|>role\ncontent<|im_end|>\n … [<|im_start|>assistant\n]
func Fallback() *Template { return fallback }

// reserved are the names Vars cannot set.
var reserved = map[string]bool{"messages": true, "tools": true, "documents": true, "add_generation_prompt": true}

// Apply renders the conversation. Errors are those of package jinja
// (a *jinja.TemplateError when the template itself refuses the
// conversation through raise_exception).
func (t *Template) Apply(in Input) (string, error) {
	msgs, err := in.messages()
	if err != nil {
		return "", err
	}
	tools, err := optionalJSON("tools", in.Tools)
	if err != nil {
		return "", err
	}
	docs, err := optionalJSON("documents", in.Documents)
	if err != nil {
		return "", err
	}
	vars := map[string]any{
		"messages":              msgs,
		"tools":                 tools,
		"documents":             docs,
		"add_generation_prompt": in.AddGenerationPrompt,
		"bos_token":             in.BOSToken,
		"eos_token":             in.EOSToken,
	}
	for k, v := range in.Vars {
		if reserved[k] {
			return "", fmt.Errorf("chat: Vars cannot set %q", k)
		}
		vars[k] = v
	}
	return t.t.Render(vars, &jinja.Options{Now: in.Now})
}

func optionalJSON(what string, raw json.RawMessage) (jinja.Value, error) {
	if raw == nil {
		return nil, nil
	}
	v, err := jinja.FromJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("chat: %s: %w", what, err)
	}
	return v, nil
}

func (in *Input) messages() (jinja.Value, error) {
	if in.RawMessages != nil {
		v, err := jinja.FromJSON(in.RawMessages)
		if err != nil {
			return nil, fmt.Errorf("chat: messages: %w", err)
		}
		if _, ok := v.([]any); !ok {
			return nil, fmt.Errorf("chat: messages: want a JSON array")
		}
		return v, nil
	}
	out := make([]any, len(in.Messages))
	for i, m := range in.Messages {
		d, err := m.value()
		if err != nil {
			return nil, fmt.Errorf("chat: message %d: %w", i, err)
		}
		out[i] = d
	}
	return out, nil
}

// value builds the message dict.
func (m Message) value() (*jinja.Dict, error) {
	d := jinja.NewDict()
	d.Set("role", m.Role)
	if m.Parts != nil {
		parts, err := jinja.FromJSON(m.Parts)
		if err != nil {
			return nil, fmt.Errorf("content parts: %w", err)
		}
		d.Set("content", parts)
	} else {
		d.Set("content", m.Content)
	}
	if len(m.ToolCalls) > 0 {
		calls := make([]any, len(m.ToolCalls))
		for i, c := range m.ToolCalls {
			call := jinja.NewDict()
			if c.ID != "" {
				call.Set("id", c.ID)
			}
			typ := c.Type
			if typ == "" {
				typ = "function"
			}
			call.Set("type", typ)
			fn := jinja.NewDict()
			fn.Set("name", c.Function.Name)
			var args jinja.Value = jinja.NewDict()
			if len(c.Function.Arguments) > 0 {
				var err error
				if args, err = jinja.FromJSON(c.Function.Arguments); err != nil {
					return nil, fmt.Errorf("tool call %d arguments: %w", i, err)
				}
			}
			fn.Set("arguments", args)
			call.Set("function", fn)
			calls[i] = call
		}
		d.Set("tool_calls", calls)
	}
	if m.ToolCallID != "" {
		d.Set("tool_call_id", m.ToolCallID)
	}
	if m.Name != "" {
		d.Set("name", m.Name)
	}
	if m.Thinking != "" {
		d.Set("reasoning_content", m.Thinking)
	}
	for _, k := range sortedKeys(m.Extra) {
		v, err := jinja.FromJSON(m.Extra[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		d.Set(k, v)
	}
	return d, nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
