package chat

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hfctl/hfctl/internal/testdata"
)

func TestFallback(t *testing.T) {
	got, err := Fallback().Apply(Input{Messages: []Message{{Role: "system", Content: "S"}, {Role: "user", Content: "Hi"}}, AddGenerationPrompt: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"; got != want {
		t.Errorf("got %q", got)
	}
}

// TestTypedMessages: Go messages with a tool call render as the JSON
// conversation of the shared case f_tools_gen does.
func TestTypedMessages(t *testing.T) {
	name := "Qwen-Qwen2.5-7B-Instruct"
	src, err := os.ReadFile(testdata.Path(t, "templates", name+".jinja"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(testdata.Path(t, "templates-expected", name+".f_tools_gen.txt"))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := New(string(src))
	if err != nil {
		t.Fatal(err)
	}
	call := ToolCall{Type: "function"}
	call.Function.Name = "get_weather"
	call.Function.Arguments = json.RawMessage(`{"city": "Paris"}`)
	tools := json.RawMessage(`[{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather for a city.", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "The name of the city."}}, "required": ["city"]}}}]`)
	got, err := tmpl.Apply(Input{
		Messages: []Message{
			{Role: "user", Content: "What is the weather in Paris?"},
			{Role: "assistant", ToolCalls: []ToolCall{call}},
			{Role: "tool", Content: `{"temp": 21}`},
		},
		Tools: tools, AddGenerationPrompt: true, BOSToken: "<|BOS|>", EOSToken: "<|EOS|>",
		Vars: map[string]any{"date_string": "26 Jul 2024"},
		Now:  func() time.Time { return time.Date(2024, 7, 26, 0, 0, 0, 0, time.Local) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	_ = filepath.Join
}
