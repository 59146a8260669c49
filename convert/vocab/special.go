package vocab

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hfctl/hfctl/gguf"
)

// specialVocab mirrors gguf-py's SpecialVocab: merges, special token ids,
// add_<type>_token flags, the chat template and normalizer flags, gathered
// from tokenizer.json, tokenizer_config.json, config.json and the chat
// template files, in the same order and with the same precedence.
type specialVocab struct {
	dir        string
	nVocab     int // -1: no limit
	loadMerges bool
	types      []string

	merges []string
	ids    []typedInt  // insertion order
	add    []typedBool // insertion order

	chatTemplate any // nil, string or []any
	lowercase    any // nil or a JSON value (written as its truthiness)
	stripAccents any
}

type typedInt struct {
	typ string
	id  int64
}

type typedBool struct {
	typ string
	v   bool
}

var defaultSpecialTypes = []string{"bos", "eos", "unk", "sep", "pad", "cls", "mask"}

// newSpecialVocab loads a SpecialVocab. tj is the parsed tokenizer.json of
// dir or nil if there is none.
func (x *exporter) newSpecialVocab(loadMerges bool, types []string, nVocab int) (*specialVocab, error) {
	sv := &specialVocab{dir: x.dir, nVocab: nVocab, loadMerges: loadMerges}
	if types == nil {
		types = defaultSpecialTypes
	}
	sv.types = append([]string(nil), types...)
	if err := sv.loadFromTokenizerJSON(x); err != nil {
		return nil, err
	}
	if err := sv.loadFromConfigJSON(); err != nil {
		return nil, err
	}
	if sv.loadMerges && len(sv.merges) == 0 {
		if err := sv.loadMergesTxt(); err != nil {
			return nil, err
		}
	}
	return sv, nil
}

func (sv *specialVocab) hasType(t string) bool {
	for _, s := range sv.types {
		if s == t {
			return true
		}
	}
	return false
}

func (sv *specialVocab) setAdd(typ string, v bool) {
	for i := range sv.add {
		if sv.add[i].typ == typ {
			sv.add[i].v = v
			return
		}
	}
	sv.add = append(sv.add, typedBool{typ, v})
}

// setSpecialToken is SpecialVocab._set_special_token: only ints count, the
// first id set for a type wins, ids at or past n_vocab are skipped.
func (sv *specialVocab) setSpecialToken(typ string, tid any) error {
	n, isInt, big := pyInt(tid)
	if !isInt {
		return nil
	}
	if big {
		if num, ok := tid.(json.Number); ok && strings.HasPrefix(string(num), "-") {
			n = -1
		}
	}
	if n < 0 {
		return fmt.Errorf("invalid value for special token type %s: %s", typ, pyRepr(tid))
	}
	if big || n > 1<<32-1 {
		if sv.nVocab >= 0 {
			warnf("special token type %s, id %s out of range, must be under %d - skipping", typ, pyRepr(tid), sv.nVocab)
			return nil
		}
		return fmt.Errorf("special token type %s: id %s does not fit in a uint32", typ, pyRepr(tid))
	}
	if sv.nVocab < 0 || n < int64(sv.nVocab) {
		for _, e := range sv.ids {
			if e.typ == typ {
				return nil
			}
		}
		sv.ids = append(sv.ids, typedInt{typ, n})
		return nil
	}
	warnf("special token type %s, id %d out of range, must be under %d - skipping", typ, n, sv.nVocab)
	return nil
}

func (sv *specialVocab) parseNormalizer(v any, depth int) {
	d, ok := v.(*pyDict)
	if !ok || depth > maxJSONDepth {
		return
	}
	switch typeName(d) {
	case "Lowercase":
		sv.lowercase = true
	case "StripAccents":
		sv.stripAccents = true
	case "BertNormalizer":
		if v, ok := d.get("lowercase"); ok {
			sv.lowercase = v
		}
		if v, ok := d.get("strip_accents"); ok {
			sv.stripAccents = v
		}
	case "Sequence":
		if list, ok := d.val("normalizers").([]any); ok {
			for _, n := range list {
				sv.parseNormalizer(n, depth+1)
			}
		}
	}
}

// dictGet is Python's obj.get(key) on a value that should be a dict; other
// values behave like an empty dict.
func dictGet(v any, key string) any {
	d, ok := v.(*pyDict)
	if !ok {
		return nil
	}
	return d.val(key)
}

// pyIn is Python's `x in (a, b, ...)`.
func pyIn(x any, set ...any) bool {
	for _, s := range set {
		if pyEqual(x, s) {
			return true
		}
	}
	return false
}

func (sv *specialVocab) loadFromTokenizerJSON(x *exporter) error {
	tj, err := x.tokenizerJSON()
	if err != nil && err != errNoTokenizerJSON {
		return err
	}
	var addedTokens []any
	if tj != nil {
		if sv.loadMerges {
			if err := sv.mergesFromTokenizerJSON(tj); err != nil {
				return err
			}
		}
		if tj.normalizerPy != nil && pyTruthy(tj.normalizerPy) {
			sv.parseNormalizer(tj.normalizerPy, 0)
		}
		addedTokens, _ = tj.addedPy.([]any)
	}
	cfgPath := filepath.Join(sv.dir, "tokenizer_config.json")
	var cfg *pyDict
	if isFile(cfgPath) {
		v, err := readPyJSON(cfgPath)
		if err != nil {
			return err
		}
		if cfg, _ = v.(*pyDict); cfg == nil && v != nil {
			return fmt.Errorf("%s: expected a JSON object at the top level", cfgPath)
		}
	}
	cfgTruthy := cfg.len() > 0
	if tj != nil && len(tj.top) > 0 {
		sv.applyPostProcessor(tj, cfg, cfgTruthy)
	}
	if !cfgTruthy {
		return nil
	}

	var alt any
	jinja := filepath.Join(sv.dir, "chat_template.jinja")
	ctJSON := filepath.Join(sv.dir, "chat_template.json")
	if isFile(jinja) {
		s, err := readTextFile(jinja)
		if err != nil {
			return err
		}
		alt = s
		extra, _ := filepath.Glob(filepath.Join(sv.dir, "additional_chat_templates", "*.jinja"))
		sort.Strings(extra)
		var files []string
		for _, f := range extra {
			if isFile(f) {
				files = append(files, f)
			}
		}
		if len(files) > 0 {
			d := &pyDict{m: map[string]any{}}
			d.set("name", "default")
			d.set("template", s)
			list := []any{d}
			for _, f := range files {
				t, err := readTextFile(f)
				if err != nil {
					return err
				}
				e := &pyDict{m: map[string]any{}}
				e.set("name", strings.TrimSuffix(filepath.Base(f), ".jinja"))
				e.set("template", t)
				list = append(list, e)
			}
			alt = list
		}
	} else if isFile(ctJSON) {
		v, err := readPyJSON(ctJSON)
		if err != nil {
			return err
		}
		d, ok := v.(*pyDict)
		if !ok {
			return fmt.Errorf("%s: expected a JSON object at the top level", ctJSON)
		}
		alt = d.val("chat_template")
	}
	ct, ok := cfg.get("chat_template")
	if !ok {
		ct = alt
	}
	switch ct.(type) {
	case nil, string, []any:
		sv.chatTemplate = ct
	default:
		warnf("bad type for chat_template field in %s - ignoring", cfgPath)
	}

	for i := 0; i < len(sv.types); i++ {
		typ := sv.types[i]
		if b, ok := cfg.val("add_" + typ + "_token").(bool); ok {
			sv.setAdd(typ, b)
		}
		var content string
		switch e := cfg.val(typ + "_token").(type) {
		case string:
			content = e
		case *pyDict:
			c, ok := e.val("content").(string)
			if !ok {
				continue
			}
			content = c
		default:
			continue
		}
		var id any
		for _, a := range addedTokens {
			if pyEqual(dictGet(a, "content"), content) {
				id = dictGet(a, "id")
				break
			}
		}
		if err := sv.setSpecialToken(typ, id); err != nil {
			return fmt.Errorf("%s: %w", cfgPath, err)
		}
	}
	return nil
}

func (sv *specialVocab) mergesFromTokenizerJSON(tj *tokenizerJSON) error {
	if tj.modelErr != nil {
		return nil
	}
	pairs, legacy, asPairs, err := tj.merges()
	if err != nil {
		return err
	}
	if !asPairs {
		sv.merges = legacy
		return nil
	}
	if len(pairs) == 0 {
		return nil
	}
	spaced := false
	out := make([]string, len(pairs))
	for i, p := range pairs {
		if strings.Contains(p[0], " ") || strings.Contains(p[1], " ") {
			spaced = true
		}
		out[i] = strings.ReplaceAll(p[0], " ", "\u0120") + " " + strings.ReplaceAll(p[1], " ", "\u0120")
	}
	if spaced {
		warnf("spaces in merges detected, encoding as %q", "\u0120")
	}
	sv.merges = out
	return nil
}

// applyPostProcessor is the crude TemplateProcessing/RobertaProcessing
// analysis of SpecialVocab: it decides add_bos/add_eos/add_sep and may fill
// in bos/cls/eos/sep/eot/eom entries of the (in-memory) tokenizer_config.
func (sv *specialVocab) applyPostProcessor(tj *tokenizerJSON, cfg *pyDict, cfgTruthy bool) {
	specialBOS := cfg.val("bos_token")
	specialCLS := cfg.val("cls_token")
	specialEOS := cfg.val("eos_token")
	specialSEP := cfg.val("sep_token")
	if !pyTruthy(specialBOS) && pyTruthy(specialCLS) && cfgTruthy {
		specialBOS = specialCLS
		cfg.set("bos_token", specialBOS)
	}
	if !pyTruthy(specialEOS) && pyTruthy(specialSEP) && cfgTruthy {
		specialEOS = specialSEP
		cfg.set("eos_token", specialEOS)
	}
	pp := tj.postPy
	if !pyTruthy(pp) {
		return
	}
	procs := []any{pp}
	if d, ok := pp.(*pyDict); ok {
		if v, ok := d.get("processors"); ok {
			l, ok := v.([]any)
			if !ok {
				return
			}
			procs = l
		}
	}
	for _, proc := range procs {
		switch dictGet(proc, "type") {
		case "RobertaProcessing":
			sv.setAdd("bos", true)
			sv.setAdd("eos", true)
			sv.setAdd("sep", true)
			if !pyTruthy(specialCLS) && cfgTruthy {
				specialCLS = firstOr(dictGet(proc, "cls"), specialBOS, proc, "cls")
				cfg.set("cls_token", specialCLS)
			}
			if !pyTruthy(specialSEP) && cfgTruthy {
				specialSEP = firstOr(dictGet(proc, "sep"), specialEOS, proc, "sep")
				cfg.set("sep_token", specialSEP)
			}
		case "TemplateProcessing":
			single, _ := dictGet(proc, "single").([]any)
			pair, _ := dictGet(proc, "pair").([]any)
			var first, last any
			if len(single) > 1 {
				first = dictGet(dictGet(single[0], "SpecialToken"), "id")
				if pyTruthy(first) {
					if !cfgTruthy {
						specialBOS = first
					} else if !pyIn(first, specialBOS, specialCLS) {
						if !pyTruthy(specialBOS) {
							specialBOS = first
							cfg.set("bos_token", first)
						}
						if !pyTruthy(specialCLS) {
							specialCLS = first
							cfg.set("cls_token", first)
						}
					}
					sv.setAdd("bos", pyIn(first, specialBOS, specialCLS))
				}
				last = dictGet(dictGet(single[len(single)-1], "SpecialToken"), "id")
				if pyTruthy(last) {
					if !cfgTruthy {
						specialEOS = last
					} else if !pyEqual(last, specialEOS) {
						if !sv.hasType("eot") {
							sv.types = append(sv.types, "eot")
							cfg.set("eot_token", specialEOS)
						} else if !sv.hasType("eom") {
							sv.types = append(sv.types, "eom")
							cfg.set("eom_token", specialEOS)
						} else {
							warnf("overriding EOS token %s with %s without EOT/EOM fallback", pyRepr(specialEOS), pyRepr(last))
						}
						specialEOS = last
						cfg.set("eos_token", last)
					}
					sv.setAdd("eos", pyEqual(last, specialEOS))
				}
			}
			if len(pair) > 0 {
				start, stop := 0, len(pair)
				if pyTruthy(first) && pyEqual(dictGet(dictGet(pair[0], "SpecialToken"), "id"), first) {
					start = 1
				}
				if pyTruthy(last) && pyEqual(dictGet(dictGet(pair[len(pair)-1], "SpecialToken"), "id"), last) {
					stop = len(pair) - 1
				}
				if start >= stop {
					continue
				}
				p := pair[start:stop]
				a := dictGet(dictGet(p[0], "Sequence"), "id")
				b := dictGet(dictGet(p[len(p)-1], "Sequence"), "id")
				if !pyEqual(a, "A") || !pyEqual(b, "B") || len(p) <= 2 {
					continue
				}
				p = p[1 : len(p)-1]
				addSep := false
				if e := dictGet(dictGet(p[0], "SpecialToken"), "id"); pyTruthy(e) {
					if pyIn(e, specialSEP, specialEOS) && !pyTruthy(last) {
						addSep = true
					}
				}
				if len(p) == 2 {
					if e := dictGet(dictGet(p[1], "SpecialToken"), "id"); pyTruthy(e) {
						if pyIn(e, specialSEP, specialEOS) {
							addSep = true
						}
					}
				}
				sv.setAdd("sep", addSep)
				if addSep && !pyTruthy(specialSEP) && cfgTruthy {
					cfg.set("sep_token", specialEOS)
				}
			}
		}
	}
}

// firstOr is Python's proc.get(key, [dflt])[0] for a list-valued entry.
func firstOr(v any, dflt any, proc any, key string) any {
	if d, ok := proc.(*pyDict); ok {
		if _, has := d.get(key); !has {
			return dflt
		}
	}
	if l, ok := v.([]any); ok && len(l) > 0 {
		return l[0]
	}
	if s, ok := v.(string); ok && s != "" {
		for _, r := range s {
			return string(r)
		}
	}
	return nil
}

func (sv *specialVocab) loadFromConfigJSON() error {
	path := filepath.Join(sv.dir, "config.json")
	if !isFile(path) {
		return nil
	}
	cfg, err := readPyJSONDict(path)
	if err != nil {
		return err
	}
	for _, typ := range sv.types {
		id := cfg.val(typ + "_token_id")
		if id == nil {
			if tc, ok := cfg.get("text_config"); ok {
				id = dictGet(tc, typ+"_token_id")
			}
		}
		if err := sv.setSpecialToken(typ, id); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

// loadMergesTxt reads merges.txt (or the OpenAI name vocab.bpe) the way
// SpecialVocab._try_load_merges_txt does.
func (sv *specialVocab) loadMergesTxt() error {
	path := filepath.Join(sv.dir, "merges.txt")
	if !isFile(path) {
		alt := filepath.Join(sv.dir, "vocab.bpe")
		if !isFile(alt) {
			warnf("adding merges requested but no merges found, output may be non-functional")
			return nil
		}
		path = alt
	}
	merges, err := readMergesTxt(path)
	if err != nil {
		return err
	}
	sv.merges = merges
	if len(merges) == 0 {
		warnf("adding merges requested but no merges found, output may be non-functional")
	}
	return nil
}

// readMergesTxt parses a merges file: an optional first line starting with
// '#', then one "a b" pair per line; blank lines are skipped and malformed
// lines ignored (with a warning).
func readMergesTxt(path string) ([]string, error) {
	text, err := readTextFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(text, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	lineNum := 0
	if len(lines) > 0 && strings.HasPrefix(pyStrip(lines[0]), "#") {
		lines = lines[1:]
		lineNum = 1
	}
	var merges []string
	for _, line := range lines {
		lineNum++
		line = pyStrip(line)
		if line == "" {
			continue
		}
		parts := pyFields(line)
		if len(parts) != 2 {
			warnf("%s: line %d: entry malformed, ignoring", filepath.Base(path), lineNum)
			continue
		}
		merges = append(merges, parts[0]+" "+parts[1])
	}
	return merges, nil
}

// readTextFile reads a UTF-8 text file as Python's open() in text mode does:
// \r\n and lone \r become \n.
func readTextFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(data) {
		return "", fmt.Errorf("%s: not valid UTF-8", path)
	}
	s := string(data)
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s, nil
}

// addTo writes the collected values as SpecialVocab.add_to_gguf does.
func (sv *specialVocab) addTo(w *kvList) error {
	if len(sv.merges) > 0 {
		w.setStrings(keyMerges, sv.merges)
	} else if sv.loadMerges {
		warnf("adding merges requested but no merges found, output may be non-functional")
	}
	for _, e := range sv.ids {
		key, ok := specialIDKeys[e.typ]
		if !ok {
			continue // no writer handler (cls, prefix, suffix, middle)
		}
		w.set(key, gguf.Uint32(uint32(e.id)))
	}
	for _, e := range sv.add {
		key, ok := addSpecialKeys[e.typ]
		if !ok {
			continue
		}
		w.set(key, gguf.Bool(e.v))
	}
	if sv.chatTemplate != nil {
		if err := addChatTemplate(w, sv.chatTemplate); err != nil {
			return err
		}
	}
	if sv.lowercase != nil {
		w.set(keyLowercase, gguf.Bool(pyTruthy(sv.lowercase)))
	}
	if sv.stripAccents != nil {
		w.set(keyStripAccents, gguf.Bool(pyTruthy(sv.stripAccents)))
	}
	return nil
}

// addChatTemplate is GGUFWriter.add_chat_template: a string is written as
// tokenizer.chat_template; a list of {name, template} entries writes each
// named template as tokenizer.chat_template.NAME, their names as
// tokenizer.chat_templates, and the "default" one as tokenizer.chat_template.
// (gguf-py collects the names in a Python set, whose order is not defined;
// they are written here in first-appearance order.)
func addChatTemplate(w *kvList, v any) error {
	if s, ok := v.(string); ok {
		w.setString(keyChatTemplate, s)
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	var def *string
	var names []string
	seen := map[string]bool{}
	for _, choice := range list {
		d, ok := choice.(*pyDict)
		if !ok {
			return fmt.Errorf("chat template list entry is not an object")
		}
		name := ""
		if rawName, ok := d.get("name"); ok {
			s, ok := rawName.(string)
			if !ok {
				return fmt.Errorf("chat template name %s is not a string", pyRepr(rawName))
			}
			name = sanitizeTemplateName(s)
		}
		tmpl, _ := d.get("template")
		if name == "" || tmpl == nil {
			continue
		}
		ts, ok := tmpl.(string)
		if !ok {
			return fmt.Errorf("chat template %q is not a string", name)
		}
		if name == "default" {
			t := ts
			def = &t
			continue
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
		w.setString(keyChatTemplate+"."+name, ts)
	}
	if len(names) > 0 {
		w.setStrings(keyChatTemplates, names)
	}
	if def != nil {
		w.setString(keyChatTemplate, *def)
	}
	return nil
}

func sanitizeTemplateName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
