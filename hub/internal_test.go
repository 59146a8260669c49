package hub

import (
	"errors"
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pat, name string
		want      bool
	}{
		{"*.json", "config.json", true},
		{"*.json", "a/b/config.json", true}, // fnmatch: '*' crosses '/'
		{"*.safetensors", "model.safetensors.index.json", false},
		{"model-?????-of-*.safetensors", "model-00001-of-00002.safetensors", true},
		{"reference/", "reference/logits.bin", true},
		{"reference/", "references/x", false},
		{"[ab]*", "b.txt", true},
		{"[!ab]*", "b.txt", false},
		{"[a-c].bin", "c.bin", true},
		{"[a-c].bin", "d.bin", false},
		{"*Q4_K_M*", "x-Q4_K_M.gguf", true},
		{"", "", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"[", "[", true},
	} {
		if got := Match(c.pat, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pat, c.name, got, c.want)
		}
	}
}

func TestCheckRepoPath(t *testing.T) {
	for _, ok := range []string{"a", "a/b.c", ".gitattributes", "x/.hidden/y", "dir with space/f", "ünïcode.txt", "a..b"} {
		if err := CheckRepoPath(ok); err != nil {
			t.Errorf("%q rejected: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "/etc/passwd", "../x", "a/../../x", "a/..", "..", ".", "./a", "a//b", "a/", `a\b`, `..\x`,
		"a\x00b", "C:evil", "c:/x", "a/\x01b", string([]byte{0xff, 0xfe})} {
		err := CheckRepoPath(bad)
		if !errors.Is(err, ErrUnsafePath) {
			t.Errorf("%q accepted (%v)", bad, err)
		}
	}
	if _, err := safeJoin("/root/x", "a/b"); err != nil {
		t.Error(err)
	}
	if _, err := safeJoin("/root/x", "../y"); err == nil {
		t.Error("safeJoin let ../y out")
	}
	for _, bad := range []string{"../x", "a/b", "", ".x", "a\x00"} {
		if checkComponent("etag", bad) == nil {
			t.Errorf("etag %q accepted", bad)
		}
	}
}

func TestParseRepo(t *testing.T) {
	for in, want := range map[string]Repo{
		"org/name":             {Model, "org/name"},
		"gpt2":                 {Model, "gpt2"},
		"models/x":             {Model, "models/x"},
		"models/org/name":      {Model, "org/name"},
		"datasets/org/ds":      {Dataset, "org/ds"},
		"spaces/org/app":       {Space, "org/app"},
		"/org/Name_1.2-b/":     {Model, "org/Name_1.2-b"},
		"hfctl/tiny-shakes":    {Model, "hfctl/tiny-shakes"},
		"datasets/a/b.parquet": {Dataset, "a/b.parquet"},
	} {
		got, err := ParseRepo(in)
		if err != nil || got != want {
			t.Errorf("ParseRepo(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a/b/c", "a/b/c/d", "org/na me", "org/../x", "org/a--b", "-org/x", "org/x.", "a/ b"} {
		if _, err := ParseRepo(bad); err == nil {
			t.Errorf("ParseRepo(%q) accepted", bad)
		}
	}
	r := MustParseRepo("datasets/org/ds")
	if r.FolderName() != "datasets--org--ds" || r.String() != "datasets/org/ds" || r.urlPath() != "/datasets/org/ds" || r.apiPath() != "/api/datasets/org/ds" {
		t.Errorf("dataset names: %s %s %s %s", r.FolderName(), r, r.urlPath(), r.apiPath())
	}
	if m := MustParseRepo("org/name"); m.FolderName() != "models--org--name" || m.urlPath() != "/org/name" {
		t.Errorf("model names: %s %s", m.FolderName(), m.urlPath())
	}
	if escapeRevision("refs/pr/1") != "refs%2Fpr%2F1" || escapeFilePath("a b/c#d") != "a%20b/c%23d" {
		t.Error("escaping")
	}
}

func TestRetryAfter(t *testing.T) {
	if d := parseRetryAfter("3"); d != 3*time.Second {
		t.Error(d)
	}
	if d := parseRetryAfter("0"); d <= 0 || d > time.Second {
		t.Error(d)
	}
	if d := parseRetryAfter(time.Now().Add(10 * time.Second).UTC().Format(httpTime)); d < 8*time.Second || d > 11*time.Second {
		t.Error(d)
	}
	if d := parseRetryAfter("soon"); d != 0 {
		t.Error(d)
	}
	c := NewClient(Options{Endpoint: "http://x", NoToken: true, CacheDir: t.TempDir(), RetryBaseDelay: 100 * time.Millisecond, RetryMaxDelay: time.Second, MaxRetryAfter: 2 * time.Second})
	if d := c.backoff(0, 5*time.Second); d != 2*time.Second {
		t.Errorf("Retry-After not capped: %s", d)
	}
	if d := c.backoff(10, 0); d < 800*time.Millisecond || d > 1200*time.Millisecond {
		t.Errorf("backoff not capped: %s", d)
	}
	if d := c.backoff(1, 0); d < 160*time.Millisecond || d > 240*time.Millisecond {
		t.Errorf("backoff(1) = %s", d)
	}
}

const httpTime = "Mon, 02 Jan 2006 15:04:05 GMT"

func TestNextLink(t *testing.T) {
	h := `<https://hub/api/models/a/b/tree/main?cursor=xyz>; rel="next", <https://hub/x>; rel="prev"`
	if got := nextLink(h); got != "https://hub/api/models/a/b/tree/main?cursor=xyz" {
		t.Error(got)
	}
	if nextLink("") != "" || nextLink(`<https://hub/x>; rel="prev"`) != "" {
		t.Error("no next")
	}
}

func TestBodyMessage(t *testing.T) {
	for in, want := range map[string]string{
		`{"error":"Invalid rev id: x"}`:  "Invalid rev id: x",
		`{"error":["a","b"]}`:            "a; b",
		`{"message":"m"}`:                "m",
		"Entry not found":                "Entry not found",
		"<html><body>oops</body></html>": "",
		"":                               "",
	} {
		if got := bodyMessage([]byte(in)); got != want {
			t.Errorf("bodyMessage(%q) = %q, want %q", in, got, want)
		}
	}
}
