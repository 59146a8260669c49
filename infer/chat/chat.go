// Package chat renders a model's chat template (tokenizer.chat_template)
// the way Hugging Face transformers' apply_chat_template does, with our
// own Jinja engine (package jinja): the same variables (messages, tools,
// documents, add_generation_prompt, bos_token, eos_token and extra
// keyword arguments), raise_exception and strftime_now.
//
// It does not read GGUF files: the caller passes the template source and
// the special-token texts.
package chat

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hfctl/hfctl/infer/chat/jinja"
)

// Message is one turn of a conversation.
type Message struct {
	Role       string     `json:"role"`
	Content    string     `json:"content"`
	ToolCalls  []ToolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
	Name       string     `json:"name,omitempty"`
	// Thinking is the model's reasoning (rendered as reasoning_content,
	// which thinking-model templates read).
	Thinking string `json:"reasoning_content,omitempty"`
}

// ToolCall is a function call made by the assistant.
type ToolCall struct {
	ID       string `json:"id,omitempty"`
	Type     string `json:"type,omitempty"`
	Function struct {
		Name string `json:"name"`
		// Arguments is a JSON object (templates index into it).
		Arguments json.RawMessage `json:"arguments"`
	} `json:"function"`
}

// Input is what a render gets.
type Input struct {
	Messages []Message
	// RawMessages, when set, replaces Messages: a JSON array of message
	// objects passed through as they are (content parts, extra keys).
	RawMessages json.RawMessage
	// Tools is a JSON array of tool schemas, or nil (None).
	Tools               json.RawMessage
	AddGenerationPrompt bool
	BOSToken, EOSToken  string
	// Vars are extra keyword arguments (enable_thinking, …).
	Vars map[string]any
	// Now is strftime_now's clock (default: time.Now).
	Now func() time.Time
}

// Template is a parsed chat template.
type Template struct {
	t   *jinja.Template
	src string
}

// New parses a chat template.
func New(src string) (*Template, error) {
	t, err := jinja.Parse(src)
	if err != nil {
		return nil, err
	}
	return &Template{t: t, src: src}, nil
}

// Source returns the template text.
func (t *Template) Source() string { return t.src }

// fallbackSrc is ChatML, what llama.cpp uses for a model without a template.
const fallbackSrc = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

// Fallback returns the ChatML template.
func Fallback() *Template {
	t, err := New(fallbackSrc)
	if err != nil {
		panic(err)
	}
	return t
}

// Apply renders the conversation.
func (t *Template) Apply(in Input) (string, error) {
	var msgs jinja.Value
	if in.RawMessages != nil {
		v, err := jinja.FromJSON(in.RawMessages)
		if err != nil {
			return "", fmt.Errorf("messages: %w", err)
		}
		msgs = v
	} else {
		data, err := json.Marshal(in.Messages)
		if err != nil {
			return "", err
		}
		if msgs, err = jinja.FromJSON(data); err != nil {
			return "", err
		}
		msgs = dropEmptyContent(msgs, in.Messages)
	}
	var tools jinja.Value
	if in.Tools != nil {
		v, err := jinja.FromJSON(in.Tools)
		if err != nil {
			return "", fmt.Errorf("tools: %w", err)
		}
		tools = v
	}
	vars := map[string]any{
		"messages":              msgs,
		"tools":                 tools,
		"documents":             nil,
		"add_generation_prompt": in.AddGenerationPrompt,
		"bos_token":             in.BOSToken,
		"eos_token":             in.EOSToken,
	}
	for k, v := range in.Vars {
		vars[k] = v
	}
	return t.t.Render(vars, &jinja.Options{Now: in.Now})
}

// dropEmptyContent removes "content": "" from assistant messages that only
// carry tool calls, as the OpenAI/transformers convention has no content
// key there (templates test `message.content is defined`).
func dropEmptyContent(v jinja.Value, msgs []Message) jinja.Value {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	for i, m := range msgs {
		if m.Content == "" && len(m.ToolCalls) > 0 && i < len(list) {
			if d, ok := list[i].(*jinja.Dict); ok {
				nd := jinja.NewDict()
				for _, k := range d.Keys() {
					if k == "content" {
						continue
					}
					val, _ := d.Get(k)
					nd.Set(k, val)
				}
				list[i] = nd
			}
		}
	}
	return list
}
