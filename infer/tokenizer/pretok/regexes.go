package pretok

// The regexes of each pre-tokenizer type, exactly as llama.cpp b10470 lists
// them (llm_tokenizer_bpe's constructor in src/llama-vocab.cpp); the Go
// string literals are written with the same escapes as the C++ ones.
// TestRegexTableMatchesLlamaCpp compares this table with the C++ source
// when it is available.

// Regexes shared by several types.
const (
	// GPT-2's regex without its trailing |\s+ (llama.cpp has a hand-written
	// splitter for it).
	exprGPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"

	// Llama 3's regex with (?i:...) spelled out (hand-written splitter).
	exprLlama3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

	// Llama 3's regex as tokenizer.json has it; llama.cpp's splitter
	// dispatch accepts it too (no type uses it).
	exprLlama3CaseInsensitive = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

	// Qwen2's regex: Llama 3's with single digits (hand-written splitter).
	exprQwen2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

	// Qwen3.5's regex: Qwen2's with combining marks in words
	// (hand-written splitter).
	exprQwen35 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

	// Not a regex: llama.cpp's trigger for its Kimi K2 splitter.
	exprKimiK2 = "\\p{Han}+"

	// Not a regex: llama.cpp's trigger for its digit-grouping splitter.
	exprAFMoEDigits = "\\p{AFMoE_digits}"

	// Tiny Aya's digit regex; llama.cpp runs its digit-grouping splitter
	// for it instead.
	exprTinyAyaDigits = "\\d{1,3}(?=(?:\\d{3})*\\b)"

	// Runs of non-newlines and of newlines (hand-written splitter).
	exprNewlines = "[^\\n]+|[\\n]+"

	exprDeepSeek3 = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"

	exprGPT4o = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

	exprBloom = " ?[^(\\s|.,!?…。，、।۔،)]+"
)

// preType is one of llama.cpp's LLAMA_VOCAB_PRE_TYPE_* values.
type preType struct {
	name  string   // the enum name in lower case, without the prefix
	raw   bool     // llama.cpp's byte_encode = false
	exprs []string // applied in order
}

// preTypes lists every type llama.cpp b10470 can select for a BPE
// vocabulary (LLAMA_VOCAB_PRE_TYPE_CHATGLM3, _LLAMA4 and _PIXTRAL exist in
// the enum but no name selects them).
var preTypes = []preType{
	{name: "default", exprs: []string{
		"[\\p{P}\\$\\+<=>\\^~\\|]+",
		exprGPT2,
		"\\p{N}+",
		"[0-9][0-9][0-9]",
	}},
	{name: "llama3", exprs: []string{exprLlama3}},
	{name: "jais2", exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s{512}(?!\\S)|\\s{256}(?!\\S)|\\s{128}(?!\\S)|\\s{64}(?!\\S)|\\s{32}(?!\\S)|\\s{16}(?!\\S)|\\s{8}(?!\\S)|\\s{4}(?!\\S)|\\s{1,2}(?!\\S)|\\s{1}",
	}},
	{name: "dbrx", exprs: []string{exprLlama3}},
	{name: "smaug", exprs: []string{exprLlama3}},
	{name: "deepseek_llm", exprs: []string{
		"[\r\n]",
		"\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
		"\\s?[!-/:-~！-／：-～‘-‟　-。]+",
		"\\s+$",
		"[一-龥ࠀ-一가-퟿]+",
		"\\p{N}+",
	}},
	{name: "deepseek3_llm", exprs: []string{"\\p{N}{1,3}", "[一-龥぀-ゟ゠-ヿ]+", exprDeepSeek3}},
	{name: "hunyuan_dense", exprs: []string{"\\p{N}{1,3}", "[一-龥぀-ゟ゠-ヿ]+", exprDeepSeek3}},
	{name: "joyai_llm", exprs: []string{"\\p{N}{1,3}", "[一-龥぀-ゟ゠-ヿ]+", exprDeepSeek3}},
	{name: "youtu", exprs: []string{
		"[가-힣ㄱ-ㆎ]+|[！…“”‘’—：；，、-〿︰-﹏]+|[ㄅ-ㄯ]+|[一-龥぀-ゟ゠-ヿ]+",
		"[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	{name: "deepseek_coder", exprs: []string{
		"[\r\n]",
		"\\s?\\p{L}+",
		"\\s?\\p{P}+",
		"[一-龥ࠀ-一가-퟿]+",
		"\\p{N}",
	}},
	{name: "falcon", exprs: []string{
		"[\\p{P}\\$\\+<=>\\^~\\|`]+",
		exprGPT2,
		"[0-9][0-9][0-9]",
	}},
	{name: "starcoder", exprs: []string{"\\p{N}", exprGPT2}},
	{name: "refact", exprs: []string{"\\p{N}", exprGPT2}},
	{name: "command_r", exprs: []string{"\\p{N}", exprGPT2}},
	{name: "smollm", exprs: []string{"\\p{N}", exprGPT2}},
	{name: "codeshell", exprs: []string{"\\p{N}", exprGPT2}},
	{name: "exaone", exprs: []string{"\\p{N}", exprGPT2}},
	{name: "minerva", exprs: []string{"\\p{N}", exprGPT2}},
	{name: "mellum2", exprs: []string{"\\p{N}", exprGPT2}},
	{name: "gpt2", exprs: []string{exprGPT2}},
	{name: "mpt", exprs: []string{exprGPT2}},
	{name: "olmo", exprs: []string{exprGPT2}},
	{name: "jais", exprs: []string{exprGPT2}},
	{name: "trillion", exprs: []string{exprGPT2}},
	{name: "granite_docling", exprs: []string{exprGPT2}},
	{name: "stablelm2", exprs: []string{exprQwen2}},
	{name: "qwen2", exprs: []string{exprQwen2}},
	{name: "hunyuan", exprs: []string{exprQwen2}},
	{name: "solar_open", exprs: []string{exprQwen2}},
	{name: "qwen35", exprs: []string{exprQwen35}},
	{name: "poro", exprs: []string{exprBloom}},
	{name: "bloom", exprs: []string{exprBloom}},
	{name: "gpt3_finnish", exprs: []string{exprBloom}},
	{name: "chatglm4", exprs: []string{exprLlama3}},
	{name: "viking", exprs: []string{exprBloom, "\\p{N}"}},
	{name: "tekken", exprs: []string{
		"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	{name: "chameleon", exprs: []string{
		"<sentinel:[0-9]+>",
		"(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z",
		"([\\t\\n]|    |  )",
		"\\p{N}",
		"[\\p{P}!-/:-@\\[-`{-~]",
		exprGPT2,
	}},
	{name: "gpt4o", exprs: []string{exprGPT4o}},
	{name: "minimax_m2", exprs: []string{exprGPT4o}},
	{name: "granite_emb_multi", exprs: []string{
		"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))*((?=[\\p{L}\\p{M}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))+((?=[\\p{L}\\p{M}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	{name: "tiny_aya", exprs: []string{
		exprTinyAyaDigits,
		"[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	{name: "kimi_k2", exprs: []string{exprKimiK2}},
	{name: "superbpe", exprs: []string{"\\p{N}+", "(?=(\\d{3})+(?!\\d))"}},
	{name: "bailingmoe", exprs: []string{
		"'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+",
	}},
	{name: "seed_coder", exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	{name: "grok_2", exprs: []string{exprQwen2}},
	{name: "afmoe", exprs: []string{
		exprAFMoEDigits,
		"[一-鿿㐀-䶿豈-﫿぀-ゟ゠-ヿ･-ﾟ⼀-⿟เ-๿຀-໿ក-៿က-႟ꩠ-ꩿꧠ-꧿가-힯ᄀ-ᇿ]+",
		"[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	{name: "laguna", exprs: []string{exprNewlines, exprQwen2}},
	{name: "exaone_moe", exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?(?:\\p{L}\\p{M}*(?: \\p{L}\\p{M}*)*)+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]?|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+",
	}},
	{name: "gemma4", raw: true, exprs: []string{exprNewlines}},
	{name: "sarvam_moe", raw: true, exprs: []string{exprNewlines}},
	{name: "minicpm5", exprs: []string{
		"\\p{N}{1,3}",
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	{name: "whitespace", raw: true, exprs: []string{"\\S+"}},
}

// Our regex forms of llama.cpp's hand-written splitters whose trigger is not
// itself the regex they implement. They are what the generic path runs in
// place of the splitter (tests compare the two).
const (
	// The digit grouping (unicode_regex_split_custom_afmoe): each run of
	// \p{N} is cut into a head of (length mod 3) and groups of three, and the
	// text before a run stays in the piece of its first group.
	regexDigitGroups = "[^\\p{N}]*?(?:\\p{N}{1,2}(?=(?:\\p{N}{3})*(?!\\p{N}))|\\p{N}{3})"

	// The Kimi K2 splitter (unicode_regex_split_custom_kimi_k2), in the
	// alphaHan alphabet: \xD6 is a letter inside llama.cpp's Han ranges, \xD7
	// any other code point there, and \p{L} the letters outside them. It is
	// not the K2 regex of tokenization_kimi.py: llama.cpp's splitter treats
	// any letter outside the Han ranges as [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] and
	// [\p{Ll}\p{Lm}\p{Lo}\p{M}] alike and marks as non-letters.
	regexKimiK2 = "[\\xD6\\xD7]+|[^\\r\\n\\p{L}\\p{N}\\xD6]?\\p{L}+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}\\xD6]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
)
