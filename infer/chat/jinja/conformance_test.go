package jinja

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hfctl/hfctl/internal/testdata"
)

type expectedIndex struct {
	Results map[string]map[string]struct {
		Status       string `json:"status"`
		Exception    string `json:"exception"`
		Message      string `json:"message"`
		EnginesAgree bool   `json:"engines_agree"`
	} `json:"results"`
}

// TestTemplatesConformance renders every template of the shared set with
// every case exactly as transformers' apply_chat_template and compares the
// bytes with Python's output (or expects an error where Python raised).
func TestTemplatesConformance(t *testing.T) {
	tdir := testdata.Path(t, "templates")
	edir := testdata.Path(t, "templates-expected")
	var cases struct {
		Variables map[string]any    `json:"variables"`
		Cases     []json.RawMessage `json:"cases"`
	}
	data, err := os.ReadFile(filepath.Join(edir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	var idx expectedIndex
	data, _ = os.ReadFile(filepath.Join(edir, "index.json"))
	if err := json.Unmarshal(data, &idx); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(tdir, "*.jinja"))
	now := func() time.Time { return time.Date(2024, 7, 26, 0, 0, 0, 0, time.Local) }
	total, pass, agreeTotal, agreePass := 0, 0, 0, 0
	var fails []string
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".jinja")
		src, _ := os.ReadFile(f)
		tmpl, perr := Parse(string(src))
		for _, raw := range cases.Cases {
			c, err := FromJSON(raw)
			if err != nil {
				t.Fatal(err)
			}
			cd := c.(*Dict)
			id, _ := cd.Get("id")
			cid := id.(string)
			exp := idx.Results[name][cid]
			total++
			if exp.EnginesAgree {
				agreeTotal++
			}
			var got string
			var rerr error
			if perr != nil {
				rerr = perr
			} else {
				msgs, _ := cd.Get("messages")
				tools, _ := cd.Get("tools")
				agp, _ := cd.Get("add_generation_prompt")
				vars := map[string]any{"messages": msgs, "tools": tools, "documents": nil, "add_generation_prompt": agp}
				for k, v := range cases.Variables {
					vars[k] = v
				}
				got, rerr = tmpl.Render(vars, &Options{Now: now})
			}
			ok := false
			var why string
			if exp.Status == "error" {
				if rerr == nil {
					why = "rendered, Python raised " + exp.Exception + ": " + exp.Message
				} else if exp.Exception == "jinja2.exceptions.TemplateError" {
					var te *TemplateError
					if errors.As(rerr, &te) && te.Msg == exp.Message {
						ok = true
					} else {
						why = "error " + rerr.Error() + ", want TemplateError " + exp.Message
					}
				} else {
					ok = true
				}
			} else {
				want, _ := os.ReadFile(filepath.Join(edir, name+"."+cid+".txt"))
				if rerr != nil {
					why = "error: " + rerr.Error()
				} else if got != string(want) {
					why = "text differs: " + firstDiff(got, string(want))
				} else {
					ok = true
				}
			}
			if ok {
				pass++
				if exp.EnginesAgree {
					agreePass++
				}
				continue
			}
			fails = append(fails, name+"."+cid+": "+why)
			if exp.EnginesAgree {
				t.Errorf("%s.%s: %s", name, cid, why)
			} else {
				t.Logf("(informative case) %s.%s: %s", name, cid, why)
			}
		}
	}
	sort.Strings(fails)
	t.Logf("passed %d/%d cases (%d/%d where the reference engines agree)", pass, total, agreePass, agreeTotal)
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-40)
	return "at byte " + itoa(i) + ":\n   got …" + quote(a[lo:min(len(a), i+60)]) + "\n  want …" + quote(b[lo:min(len(b), i+60)])
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
