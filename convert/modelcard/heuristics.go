package modelcard

// Name heuristics: how llama.cpp (gguf-py metadata.py and utility.py) splits a
// model id such as "mistralai/Mistral-7B-Instruct-v0.3" into organization,
// basename, size label, finetune and version, turns ids into titles, prints
// parameter counts, and builds the default output file name.

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// idParts is what get_model_id_components derives from a model id. org is
// nil where Python returns None (it can be "" for an id like "/x"); the other
// parts are never empty when present, so "" stands for None.
type idParts struct {
	fullName                               string
	org                                    *string
	basename, finetune, version, sizeLabel string
}

// The patterns of get_model_id_components. Python matches them with
// re.IGNORECASE against str, so \d is any Unicode decimal digit, \w any
// letter, digit or underscore, and a pattern "i" also matches "ı" and "İ"
// (Go's case folding already covers the Kelvin sign for "k" and "ſ" for "s").
var (
	reVersionPart  = regexp.MustCompile(`(?i)^(?:(?:v|[iı\x{130}]ter)?\p{Nd}+(?:[.]\p{Nd}+)*)$`)
	reQuantPart    = regexp.MustCompile(`(?i)^(?:[iı\x{130}]?q\p{Nd}(?:_[\p{L}\p{N}_])*|b?fp?(?:16|32))$`)
	reSizePart     = regexp.MustCompile(`(?i)^(?:(?:a|\p{Nd}+x)?\p{Nd}+(?:[._]\p{Nd}+)?[kmbt]\p{Nd}?|small|m[iı\x{130}]n[iı\x{130}]|med[iı\x{130}]um|large|x?xl)$`)
	reFinetunePart = regexp.MustCompile(`(?i)^(?:chat|[iı\x{130}]nstruct|v[iı\x{130}]s[iı\x{130}]on|lora)$`)
	// id_to_title leaves versions ("v1.2") and words starting with a digit alone.
	reKeepCase = regexp.MustCompile(`^(?:v\p{Nd}+(?:\.\p{Nd}+)*|\p{Nd}.*)$`)
)

// partKinds is the set of annotations of one dash-separated part of a name.
type partKinds uint8

const (
	kindBasename partKinds = 1 << iota
	kindSizeLabel
	kindFinetune
	kindVersion
	kindType
)

func (k partKinds) has(x partKinds) bool { return k&x != 0 }
func (k partKinds) count() int {
	n := 0
	for ; k != 0; k &= k - 1 {
		n++
	}
	return n
}

// modelIDComponents ports Metadata.get_model_id_components. totalParams is
// the model's parameter count (negative for a LoRA adapter, 0 if unknown); it
// decides whether a size-like part such as "4k" is the size or, far from the
// real count, part of the finetune (a context length, a token count).
func modelIDComponents(modelID string, totalParams int64) idParts {
	if strings.Contains(modelID, " ") {
		// A human-readable name rather than an id.
		return idParts{fullName: modelID}
	}
	var out idParts
	if org, name, ok := strings.Cut(modelID, "/"); ok {
		out.fullName = name
		if !strings.HasPrefix(org, ".") { // "./x" and "../x" are paths, not orgs
			out.org = &org
		}
	} else {
		out.fullName = modelID
	}

	var parts []string
	for _, p := range strings.Split(out.fullName, "-") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	kinds := make([]partKinds, len(parts))

	for i, part := range parts {
		switch {
		case reVersionPart.MatchString(part):
			kinds[i] |= kindVersion
		case reQuantPart.MatchString(part):
			// A quantization type; not expected in a base model's name.
			kinds[i] |= kindType
			parts[i] = pyUpper(part)
		case i > 0 && reSizePart.MatchString(part):
			parts[i] = sizePart(part, &kinds[i], totalParams)
		case i > 0 && reFinetunePart.MatchString(part):
			if totalParams < 0 && strings.ToLower(part) == "lora" {
				// The output is a LoRA adapter anyway; the suffix says so.
				kinds[i] |= kindType
			} else {
				kinds[i] |= kindFinetune
			}
		}
	}

	// Word sizes ("mini", "large") give way to a numeric size label.
	numericSize := false
	for i, p := range parts {
		if kinds[i].has(kindSizeLabel) && strings.IndexFunc(p, isDecimal) >= 0 {
			numericSize = true
		}
	}
	if numericSize {
		for i, p := range parts {
			if kinds[i].has(kindSizeLabel) && strings.IndexFunc(p, func(r rune) bool { return !isAlpha(r) }) < 0 {
				kinds[i] &^= kindSizeLabel
			}
		}
	}

	// The basename is the leading run of plain words and versions; plain
	// words after it belong to the finetune.
	atStart := true
	for i, p := range parts {
		first := []rune(p)[0]
		if atStart && ((kinds[i] == 0 && isAlpha(first)) || kinds[i].has(kindVersion)) {
			kinds[i] |= kindBasename
		} else {
			atStart = false
			if kinds[i] == 0 {
				kinds[i] |= kindFinetune
			}
		}
	}
	// A version that ends the name is the version, not part of the basename.
	for i := len(parts) - 1; i >= 0; i-- {
		if !kinds[i].has(kindBasename) || kinds[i].count() < 2 {
			break
		}
		kinds[i] &^= kindBasename
	}

	join := func(want func(partKinds) bool, dedup bool) string {
		var sel []string
		seen := map[string]bool{}
		for i, p := range parts {
			if want(kinds[i]) && !(dedup && seen[p]) {
				sel = append(sel, p)
				seen[p] = true
			}
		}
		return strings.Join(sel, "-")
	}
	out.basename = join(func(k partKinds) bool { return k.has(kindBasename) }, false)
	out.sizeLabel = join(func(k partKinds) bool { return k.has(kindSizeLabel) }, true)
	out.finetune = join(func(k partKinds) bool { return k.has(kindFinetune) }, false)
	out.version = join(func(k partKinds) bool { return k.has(kindVersion) && !k.has(kindBasename) }, false)

	if out.sizeLabel == "" && out.finetune == "" && out.version == "" {
		out.basename = "" // too ambiguous
	}
	return out
}

// sizePart normalizes a part that looks like a size ("7b" -> "7B", "1_6B" ->
// "1.6B", bloom's "7b1" -> "7.1B") and annotates it: as the size label, or as
// finetune (lowercased, "100b") when it is too far from the real count.
func sizePart(part string, kinds *partKinds, totalParams int64) string {
	r := []rune(strings.ReplaceAll(part, "_", "."))
	n := len(r)
	if n >= 2 && isDecimal(r[n-1]) {
		r = append(append(r[:n-2:n-2], '.', r[n-1]), r[n-2])
		n = len(r)
	}
	if n > 1 && isDecimal(r[n-2]) && strings.ContainsRune("kmbt", r[n-1]) {
		r[n-1] = unicode.ToUpper(r[n-1])
	}
	if totalParams != 0 {
		if f, ok := pyFloat(string(r[:n-1])); ok {
			label := f * math.Pow(1000, float64(strings.IndexRune(" KMBT", r[n-1])))
			// LoRA adapters may hold only some layers, so for them only a
			// label below 1/8 of the count is rejected; otherwise the label
			// must be within 7/8 of the count either way.
			tooSmall := totalParams < 0 && cmpFloatInt(label, new(big.Int).Quo(big.NewInt(-totalParams), big.NewInt(8))) < 0
			tooFar := totalParams > 0 && cmpFloatInt(math.Abs(label-float64(totalParams)),
				new(big.Int).Quo(new(big.Int).Mul(big.NewInt(7), big.NewInt(totalParams)), big.NewInt(8))) > 0
			if tooSmall || tooFar {
				*kinds |= kindFinetune
				r[n-1] = unicode.ToLower(r[n-1])
			}
		}
	}
	if *kinds == 0 {
		*kinds |= kindSizeLabel
	}
	return string(r)
}

// cmpFloatInt compares a float with an integer exactly, as Python does.
func cmpFloatInt(f float64, i *big.Int) int {
	return new(big.Float).SetFloat64(f).Cmp(new(big.Float).SetInt(i))
}

// idToTitle ports Metadata.id_to_title: dashes become spaces, and each
// all-lowercase word is title-cased unless it is a version or starts with a
// digit ("hermes-2-pro-llama-3-8b-DPO" -> "Hermes 2 Pro Llama 3 8b DPO").
func idToTitle(s string) string {
	words := pyFields(strings.ReplaceAll(s, "-", " "))
	for i, w := range words {
		if pyIsLower(w) && !reKeepCase.MatchString(w) {
			words[i] = pyTitle(w)
		}
	}
	return strings.Join(words, " ")
}

// SizeLabel is llama.cpp's size_label: the rounded parameter count ("9.0M",
// "1.2B"), or for a mixture of experts the expert count times the parameters
// one token sees ("8x7.2B" from the shared plus one expert's parameters).
// llama.cpp writes it only when the model card gives none and Total > 0.
func SizeLabel(p Params) string {
	if p.ExpertCount > 0 {
		return strconv.Itoa(p.ExpertCount) + "x" + roundedCount(absInt(p.Shared)+absInt(p.Expert), 2)
	}
	return roundedCount(absInt(p.Total), 2)
}

func absInt(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// roundedCount ports model_weight_count_rounded_notation: the count scaled
// to K, M, B or T, with enough decimals for minDigits significant digits.
func roundedCount(n int64, minDigits int) string {
	f := float64(n)
	var scaled float64
	var suffix string
	switch {
	case n > 1_000_000_000_000:
		scaled, suffix = f*1e-12, "T"
	case n > 1_000_000_000:
		scaled, suffix = f*1e-9, "B"
	case n > 1_000_000:
		scaled, suffix = f*1e-6, "M"
	default:
		scaled, suffix = f*1e-3, "K"
	}
	intDigits := strings.TrimLeft(strconv.FormatFloat(math.RoundToEven(scaled), 'f', 0, 64), "0")
	decimals := max(minDigits-len(intDigits), 0)
	return strconv.FormatFloat(scaled, 'f', decimals, 64) + suffix
}

// NamingConvention is llama.cpp's naming_convention: the default output file
// name without ".gguf", e.g. "Tiny-Shakespeare-9.0M-F16" or
// "Mixtral-8x7B-Instruct-v0.1-Q8_0". The base name is preferred to the model
// name ("ggml-model" if neither); outputType is the file type's name such as
// "F16" or "Q8_0"; modelType is "", "LoRA" or "vocab". An empty argument
// stands for Python's None; Metadata.FileStem keeps the difference between
// an empty and an absent value where the model card makes one.
func NamingConvention(modelName, baseName, finetune, version, sizeLabel, outputType, modelType string) string {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return namingConvention(opt(modelName), opt(baseName), opt(finetune), opt(version), opt(sizeLabel), opt(outputType), opt(modelType))
}

func namingConvention(modelName, baseName, finetune, version, sizeLabel, outputType, modelType *string) string {
	clean := func(s string) string { return strings.ReplaceAll(pyStrip(s), " ", "-") }
	name := "ggml-model"
	if baseName != nil {
		name = strings.ReplaceAll(clean(*baseName), "/", "-")
	} else if modelName != nil {
		name = strings.ReplaceAll(clean(*modelName), "/", "-")
	}
	var b strings.Builder
	b.WriteString(name)
	if sizeLabel != nil {
		b.WriteString("-" + *sizeLabel)
	}
	if finetune != nil {
		b.WriteString("-" + clean(*finetune))
	}
	if version != nil {
		b.WriteString("-" + clean(*version))
	}
	if outputType != nil {
		b.WriteString("-" + pyUpper(clean(*outputType)))
	}
	if modelType != nil {
		b.WriteString("-" + clean(*modelType))
	}
	return b.String()
}
