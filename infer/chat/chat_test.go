package chat

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfctl/hfctl/infer/chat/jinja"
	"github.com/hfctl/hfctl/internal/testdata"
)

var frozen = func() time.Time { return time.Date(2024, 7, 26, 0, 0, 0, 0, time.Local) }

func TestFallback(t *testing.T) {
	for _, c := range []struct {
		in   Input
		want string
	}{
		{Input{Messages: []Message{{Role: "system", Content: "S"}, {Role: "user", Content: "Hi"}}, AddGenerationPrompt: true},
			"<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"},
		{Input{Messages: []Message{{Role: "user", Content: "a\nb"}, {Role: "assistant", Content: "c"}}},
			"<|im_start|>user\na\nb<|im_end|>\n<|im_start|>assistant\nc<|im_end|>\n"},
		{Input{Messages: []Message{{Role: "user", Parts: json.RawMessage(`[{"type": "text", "text": "look "}, {"type": "image"}, {"type": "text", "text": "here"}]`)}}},
			"<|im_start|>user\nlook here<|im_end|>\n"},
		{Input{RawMessages: json.RawMessage(`[{"role": "user", "content": "raw"}]`), AddGenerationPrompt: true},
			"<|im_start|>user\nraw<|im_end|>\n<|im_start|>assistant\n"},
		{Input{}, ""},
	} {
		got, err := Fallback().Apply(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

// TestMessageDict checks what a typed message looks like to a template.
func TestMessageDict(t *testing.T) {
	tm, err := New("{{ messages|tojson }}|{{ tools }}|{{ documents }}|{{ bos_token }}{{ eos_token }}|{{ x }}")
	if err != nil {
		t.Fatal(err)
	}
	got, err := tm.Apply(Input{
		Messages: []Message{
			{Role: "user", Content: "q"},
			{Role: "assistant", Thinking: "hmm", ToolCalls: []ToolCall{{ID: "c1", Function: FunctionCall{Name: "f", Arguments: json.RawMessage(`{"b": 1, "a": [true, null, 1.5]}`)}}}},
			{Role: "tool", ToolCallID: "c1", Name: "f", Content: "r", Extra: map[string]json.RawMessage{"z": json.RawMessage(`{"k": 2}`)}},
		},
		BOSToken: "<s>", EOSToken: "</s>", Vars: map[string]any{"x": json.RawMessage(`{"y": 1}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"role": "user", "content": "q"}, {"role": "assistant", "content": "", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"b": 1, "a": [true, null, 1.5]}}}], "reasoning_content": "hmm"}, ` +
		`{"role": "tool", "content": "r", "tool_call_id": "c1", "name": "f", "z": {"k": 2}}]|None|None|<s></s>|{'y': 1}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestInputErrors(t *testing.T) {
	tm, _ := New("{{ messages }}")
	if _, err := tm.Apply(Input{Vars: map[string]any{"messages": 1}}); err == nil {
		t.Error("Vars may not set messages")
	}
	if _, err := tm.Apply(Input{RawMessages: json.RawMessage(`{"role": "user"}`)}); err == nil {
		t.Error("RawMessages must be an array")
	}
	if _, err := tm.Apply(Input{Tools: json.RawMessage(`[`)}); err == nil {
		t.Error("bad tools JSON accepted")
	}
	if _, err := New("{% if %}"); err == nil {
		t.Error("bad template accepted")
	}
	tm, _ = New("{{ raise_exception('no ' + messages[0].role) }}")
	_, err := tm.Apply(Input{Messages: []Message{{Role: "system"}}})
	var te *jinja.TemplateError
	if !errors.As(err, &te) || te.Msg != "no system" {
		t.Errorf("got %v", err)
	}
	tm, _ = New("{{ strftime_now('%d %b %Y') }}")
	if got, _ := tm.Apply(Input{Now: frozen}); got != "26 Jul 2024" {
		t.Errorf("strftime_now: %q", got)
	}
	if got := Tools(json.RawMessage(`{"a":1}`), json.RawMessage(`{"b":2}`)); string(got) != `[{"a":1},{"b":2}]` {
		t.Errorf("Tools: %s", got)
	}
}

type sharedCase struct {
	ID                  string          `json:"id"`
	Messages            json.RawMessage `json:"messages"`
	Tools               json.RawMessage `json:"tools"`
	AddGenerationPrompt bool            `json:"add_generation_prompt"`
}

func loadShared(t *testing.T) (tdir, edir string, cases []sharedCase) {
	tdir = testdata.Path(t, "templates")
	edir = testdata.Path(t, "templates-expected")
	var doc struct {
		Cases []sharedCase `json:"cases"`
	}
	data, err := os.ReadFile(filepath.Join(edir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return tdir, edir, doc.Cases
}

// check compares a render with the shared expectation.
func check(t *testing.T, edir, name, id, got string, err error) bool {
	t.Helper()
	base := filepath.Join(edir, name+"."+id)
	if want, rerr := os.ReadFile(base + ".txt"); rerr == nil {
		if err != nil {
			t.Errorf("%s.%s: %v", name, id, err)
			return false
		}
		if got != string(want) {
			t.Errorf("%s.%s: output differs", name, id)
			return false
		}
		return true
	}
	if err == nil {
		t.Errorf("%s.%s: rendered, Python raised", name, id)
		return false
	}
	return true
}

// TestSharedCasesThroughApply renders the shared set through Apply with
// the JSON conversations (RawMessages): the chat layer must pass exactly
// what transformers passes.
func TestSharedCasesThroughApply(t *testing.T) {
	tdir, edir, cases := loadShared(t)
	files, _ := filepath.Glob(filepath.Join(tdir, "*.jinja"))
	n := 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".jinja")
		src, _ := os.ReadFile(f)
		tm, err := New(string(src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, c := range cases {
			in := Input{RawMessages: c.Messages, AddGenerationPrompt: c.AddGenerationPrompt, BOSToken: "<|BOS|>", EOSToken: "<|EOS|>",
				Vars: map[string]any{"date_string": "26 Jul 2024"}, Now: frozen}
			if string(c.Tools) != "null" {
				in.Tools = c.Tools
			}
			got, err := tm.Apply(in)
			if check(t, edir, name, c.ID, got, err) {
				n++
			}
		}
	}
	t.Logf("%d/%d renders as transformers", n, len(files)*len(cases))
}

// TestSharedCasesTyped renders the shared conversations built with the
// typed Message API. Case f has no content key on the tool-call message,
// which Message cannot express (it passes ""): it is compared with case
// g, which has "content": "" and is otherwise the same.
func TestSharedCasesTyped(t *testing.T) {
	tdir, edir, _ := loadShared(t)
	system := Message{Role: "system", Content: "You are a helpful assistant."}
	user1 := Message{Role: "user", Content: "Hello!"}
	asst1 := Message{Role: "assistant", Content: "Hi there! How can I help you today?"}
	user2 := Message{Role: "user", Content: "What is the capital of France?"}
	call := ToolCall{Type: "function", Function: FunctionCall{Name: "get_weather", Arguments: json.RawMessage(`{"city": "Paris"}`)}}
	tool := Tool(`{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather for a city.", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "The name of the city."}}, "required": ["city"]}}}`)
	typed := []struct {
		id  string
		in  Input
		gen bool
	}{
		{"a_user_gen", Input{Messages: []Message{user1}}, true},
		{"b_system_multiturn_gen", Input{Messages: []Message{system, user1, asst1, user2}}, true},
		{"c_system_multiturn_nogen", Input{Messages: []Message{system, user1, asst1, user2}}, false},
		{"d_user_assistant_nogen", Input{Messages: []Message{user1, asst1}}, false},
		{"e_unicode_gen", Input{Messages: []Message{{Role: "user", Content: "Bonjour ! Ça va très bien, merci. Voilà un café ☕ et une crêpe 🥞.\nDeuxième ligne : « à bientôt » 😀"}}}, true},
		{"g_tools_content_gen", Input{Messages: []Message{{Role: "user", Content: "What is the weather in Paris?"}, {Role: "assistant", ToolCalls: []ToolCall{call}}, {Role: "tool", Content: `{"temp": 21}`}},
			Tools: Tools(tool)}, true},
	}
	files, _ := filepath.Glob(filepath.Join(tdir, "*.jinja"))
	n := 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".jinja")
		src, _ := os.ReadFile(f)
		tm, err := New(string(src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, c := range typed {
			in := c.in
			in.AddGenerationPrompt, in.BOSToken, in.EOSToken, in.Now = c.gen, "<|BOS|>", "<|EOS|>", frozen
			in.Vars = map[string]any{"date_string": "26 Jul 2024"}
			got, err := tm.Apply(in)
			if check(t, edir, name, c.id, got, err) {
				n++
			}
		}
	}
	t.Logf("%d/%d typed renders as transformers", n, len(files)*len(typed))
}
