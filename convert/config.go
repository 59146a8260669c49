package convert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// Config is a model's config.json, with the defaults transformers fills in
// for the architecture's config class.
//
// llama.cpp's converter reads config.json through transformers'
// AutoConfig(...).to_dict(), which adds every field the config class
// defines. Keys such as head_dim (Llama, Mistral, Qwen3) or
// num_key_value_heads therefore reach the GGUF even when config.json omits
// them; each architecture lists those defaults (transformers 4.57.6, the
// version llama.cpp b10470 pins) so our output matches.
type Config struct {
	Path   string         // path of config.json
	HFArch string         // architectures[0], e.g. "LlamaForCausalLM"
	Raw    map[string]any // decoded config; numbers are json.Number
}

// LoadConfig reads DIR/config.json.
func LoadConfig(dir string) (*Config, error) {
	path := filepath.Join(dir, "config.json")
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no config.json: hfctl converts Hugging Face model folders (config.json, *.safetensors, tokenizer files); download the whole repository", dir)
		}
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	raw, err := decodeJSONObject(b)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid JSON: %v", path, err)
	}
	c := &Config{Path: path, Raw: raw}
	// Configs of multimodal or nested models keep the text model's settings
	// in a sub-config; llama.cpp lifts it to the top level.
	for _, alias := range []string{"llm_config", "lm_config", "language_config", "lfm"} {
		if sub, ok := raw[alias].(map[string]any); ok {
			raw["text_config"] = sub
		}
	}
	arch := ""
	if a, ok := raw["architectures"].([]any); ok && len(a) > 0 {
		arch, _ = a[0].(string)
	}
	if tc, ok := raw["text_config"].(map[string]any); ok {
		if a, ok := tc["architectures"].([]any); ok && len(a) > 0 {
			if s, ok := a[0].(string); ok {
				arch = s
			}
		}
		for k, v := range tc {
			raw[k] = v
		}
	}
	if arch == "" {
		return nil, fmt.Errorf("%s: no \"architectures\" entry: cannot tell which model this is", path)
	}
	c.HFArch = arch
	return c, nil
}

func decodeJSONObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

// applyDefaults sets each missing (or null) key to its default.
func (c *Config) applyDefaults(defaults map[string]any) {
	for k, v := range defaults {
		if cur, ok := c.Raw[k]; !ok || cur == nil {
			c.Raw[k] = v
		}
	}
}

// Has reports whether key is present and not null.
func (c *Config) Has(key string) bool {
	v, ok := c.Raw[key]
	return ok && v != nil
}

// find returns the first present, non-null key among keys (find_hparam).
func (c *Config) find(keys ...string) (string, any, bool) {
	for _, k := range keys {
		if v, ok := c.Raw[k]; ok && v != nil {
			return k, v, true
		}
	}
	return "", nil, false
}

// Int returns the first present key among keys as an integer.
func (c *Config) Int(keys ...string) (int64, bool, error) {
	k, v, ok := c.find(keys...)
	if !ok {
		return 0, false, nil
	}
	n, err := toInt(v)
	if err != nil {
		return 0, false, fmt.Errorf("%s: %q: %v", c.Path, k, err)
	}
	return n, true, nil
}

// MustInt is Int for a required key.
func (c *Config) MustInt(keys ...string) (int64, error) {
	n, ok, err := c.Int(keys...)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("%s: missing %q", c.Path, keys[0])
	}
	return n, nil
}

// Float returns the first present key among keys as a float.
func (c *Config) Float(keys ...string) (float64, bool, error) {
	k, v, ok := c.find(keys...)
	if !ok {
		return 0, false, nil
	}
	f, err := toFloat(v)
	if err != nil {
		return 0, false, fmt.Errorf("%s: %q: %v", c.Path, k, err)
	}
	return f, true, nil
}

// Bool returns key as a bool.
func (c *Config) Bool(key string) (bool, bool) {
	b, ok := c.Raw[key].(bool)
	return b, ok
}

// Map returns key as a JSON object.
func (c *Config) Map(key string) map[string]any {
	m, _ := c.Raw[key].(map[string]any)
	return m
}

// Plain returns the config with numbers as float64, the form other
// packages (tokenizer export) take.
func (c *Config) Plain() map[string]any {
	return plain(c.Raw).(map[string]any)
}

func plain(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plain(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = plain(e)
		}
		return s
	}
	return v
}

func toInt(v any) (int64, error) {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
		f, err := x.Float64()
		if err != nil || f != float64(int64(f)) {
			return 0, fmt.Errorf("want an integer, got %s", x)
		}
		return int64(f), nil
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case float64:
		if x != float64(int64(x)) {
			return 0, fmt.Errorf("want an integer, got %v", x)
		}
		return int64(x), nil
	}
	return 0, fmt.Errorf("want an integer, got %T", v)
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case json.Number:
		return strconv.ParseFloat(string(x), 64)
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case float64:
		return x, nil
	}
	return 0, fmt.Errorf("want a number, got %T", v)
}
