// Code generated from llama.cpp b10470's llm_tokenizer_bpe table by hand-checked extraction; DO NOT EDIT by hand without checking src/llama-vocab.cpp.

package pretok

// typeTable: each canonical pre-tokenizer type (llama.cpp's LLAMA_VOCAB_PRE_TYPE_* in lower case)
// and the regexes applied in sequence. raw: the pieces are not GPT-2 byte-encoded.
var typeTable = map[string]typeDef{
	"llama3": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"jais2": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s{512}(?!\\S)|\\s{256}(?!\\S)|\\s{128}(?!\\S)|\\s{64}(?!\\S)|\\s{32}(?!\\S)|\\s{16}(?!\\S)|\\s{8}(?!\\S)|\\s{4}(?!\\S)|\\s{1,2}(?!\\S)|\\s{1}",
	}},
	"dbrx": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"smaug": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"deepseek_llm": {raw: false, exprs: []string{
		"[\r\n]",
		"\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
		"\\s?[!-/:-~！-／：-～‘-‟　-。]+",
		"\\s+$",
		"[一-龥ࠀ-一가-퟿]+",
		"\\p{N}+",
	}},
	"deepseek3_llm": {raw: false, exprs: []string{
		"\\p{N}{1,3}",
		"[一-龥぀-ゟ゠-ヿ]+",
		"[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
	}},
	"hunyuan_dense": {raw: false, exprs: []string{
		"\\p{N}{1,3}",
		"[一-龥぀-ゟ゠-ヿ]+",
		"[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
	}},
	"joyai_llm": {raw: false, exprs: []string{
		"\\p{N}{1,3}",
		"[一-龥぀-ゟ゠-ヿ]+",
		"[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
	}},
	"youtu": {raw: false, exprs: []string{
		"[가-힣ㄱ-ㆎ]+|[！…“”‘’—：；，、-〿︰-﹏]+|[ㄅ-ㄯ]+|[一-龥぀-ゟ゠-ヿ]+",
		"[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"deepseek_coder": {raw: false, exprs: []string{
		"[\r\n]",
		"\\s?\\p{L}+",
		"\\s?\\p{P}+",
		"[一-龥ࠀ-一가-퟿]+",
		"\\p{N}",
	}},
	"falcon": {raw: false, exprs: []string{
		"[\\p{P}\\$\\+<=>\\^~\\|`]+",
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
		"[0-9][0-9][0-9]",
	}},
	"starcoder": {raw: false, exprs: []string{
		"\\p{N}",
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"refact": {raw: false, exprs: []string{
		"\\p{N}",
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"command_r": {raw: false, exprs: []string{
		"\\p{N}",
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"smollm": {raw: false, exprs: []string{
		"\\p{N}",
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"codeshell": {raw: false, exprs: []string{
		"\\p{N}",
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"exaone": {raw: false, exprs: []string{
		"\\p{N}",
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"minerva": {raw: false, exprs: []string{
		"\\p{N}",
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"mellum2": {raw: false, exprs: []string{
		"\\p{N}",
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"gpt2": {raw: false, exprs: []string{
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"mpt": {raw: false, exprs: []string{
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"olmo": {raw: false, exprs: []string{
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"jais": {raw: false, exprs: []string{
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"trillion": {raw: false, exprs: []string{
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"granite_docling": {raw: false, exprs: []string{
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"stablelm2": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"qwen2": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"hunyuan": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"solar_open": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"qwen35": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"poro": {raw: false, exprs: []string{
		" ?[^(\\s|.,!?…。，、।۔،)]+",
	}},
	"bloom": {raw: false, exprs: []string{
		" ?[^(\\s|.,!?…。，、।۔،)]+",
	}},
	"gpt3_finnish": {raw: false, exprs: []string{
		" ?[^(\\s|.,!?…。，、।۔،)]+",
	}},
	"chatglm4": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"viking": {raw: false, exprs: []string{
		" ?[^(\\s|.,!?…。，、।۔،)]+",
		"\\p{N}",
	}},
	"tekken": {raw: false, exprs: []string{
		"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"chameleon": {raw: false, exprs: []string{
		"<sentinel:[0-9]+>",
		"(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z",
		"([\\t\\n]|    |  )",
		"\\p{N}",
		"[\\p{P}!-/:-@\\[-`{-~]",
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
	}},
	"gpt4o": {raw: false, exprs: []string{
		"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"minimax_m2": {raw: false, exprs: []string{
		"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"granite_emb_multi": {raw: false, exprs: []string{
		"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))*((?=[\\p{L}\\p{M}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))+((?=[\\p{L}\\p{M}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"tiny_aya": {raw: false, exprs: []string{
		"\\d{1,3}(?=(?:\\d{3})*\\b)",
		"[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"kimi_k2": {raw: false, exprs: []string{
		"\\p{Han}+",
	}},
	"superbpe": {raw: false, exprs: []string{
		"\\p{N}+",
		"(?=(\\d{3})+(?!\\d))",
	}},
	"bailingmoe": {raw: false, exprs: []string{
		"'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+",
	}},
	"seed_coder": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"grok_2": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"afmoe": {raw: false, exprs: []string{
		"\\p{AFMoE_digits}",
		"[一-鿿㐀-䶿豈-﫿぀-ゟ゠-ヿ･-ﾟ⼀-⿟เ-๿຀-໿ក-៿က-႟ꩠ-ꩿꧠ-꧿가-힯ᄀ-ᇿ]+",
		"[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"laguna": {raw: false, exprs: []string{
		"[^\\n]+|[\\n]+",
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"exaone_moe": {raw: false, exprs: []string{
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?(?:\\p{L}\\p{M}*(?: \\p{L}\\p{M}*)*)+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]?|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+",
	}},
	"gemma4": {raw: true, exprs: []string{
		"[^\\n]+|[\\n]+",
	}},
	"sarvam_moe": {raw: true, exprs: []string{
		"[^\\n]+|[\\n]+",
	}},
	"minicpm5": {raw: false, exprs: []string{
		"\\p{N}{1,3}",
		"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	}},
	"whitespace": {raw: true, exprs: []string{
		"\\S+",
	}},
	"default": {raw: false, exprs: []string{
		"[\\p{P}\\$\\+<=>\\^~\\|]+",
		"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
		"\\p{N}+",
		"[0-9][0-9][0-9]",
	}},
}

// aliases maps every tokenizer.ggml.pre value llama.cpp accepts to its type.
var aliases = map[string]string{
	"a.x-4.0":                  "gpt2",
	"afmoe":                    "afmoe",
	"bailingmoe":               "bailingmoe",
	"bailingmoe2":              "bailingmoe",
	"bloom":                    "bloom",
	"chameleon":                "chameleon",
	"chatglm-bpe":              "chatglm4",
	"codeshell":                "codeshell",
	"cohere2moe":               "tiny_aya",
	"command-r":                "command_r",
	"dbrx":                     "dbrx",
	"deepseek-coder":           "deepseek_coder",
	"deepseek-llm":             "deepseek_llm",
	"deepseek-r1-qwen":         "qwen2",
	"deepseek-v3":              "deepseek3_llm",
	"default":                  "default",
	"exaone":                   "exaone",
	"exaone-moe":               "exaone_moe",
	"exaone4":                  "gpt2",
	"f2llmv2":                  "qwen2",
	"falcon":                   "falcon",
	"falcon-h1":                "llama3",
	"falcon3":                  "llama3",
	"gemma4":                   "gemma4",
	"gigachat":                 "gpt2",
	"glm4":                     "chatglm4",
	"gpt-2":                    "gpt2",
	"gpt-4o":                   "gpt4o",
	"gpt3-finnish":             "gpt3_finnish",
	"granite-docling":          "granite_docling",
	"granite-embed-multi-311m": "gemma4",
	"granite-embed-multi-97m":  "granite_emb_multi",
	"grok-2":                   "grok_2",
	"hunyuan":                  "hunyuan",
	"hunyuan-dense":            "hunyuan_dense",
	"jais":                     "jais",
	"jais-2":                   "jais2",
	"jina-de":                  "gpt2",
	"jina-es":                  "gpt2",
	"jina-v1-en":               "gpt2",
	"jina-v2-code":             "gpt2",
	"jina-v2-de":               "gpt2",
	"jina-v2-es":               "gpt2",
	"jina-v5-nano":             "llama3",
	"joyai-llm":                "joyai_llm",
	"kanana2":                  "gpt4o",
	"kimi-k2":                  "kimi_k2",
	"kormo":                    "qwen2",
	"laguna":                   "laguna",
	"lfm2":                     "llama3",
	"llada-moe":                "bailingmoe",
	"llama-bpe":                "llama3",
	"llama-v3":                 "llama3",
	"llama3":                   "llama3",
	"llama4":                   "gpt4o",
	"megrez":                   "qwen2",
	"mellum":                   "gpt2",
	"mellum2":                  "mellum2",
	"midm-2.0":                 "llama3",
	"minerva-7b":               "minerva",
	"minicpm5":                 "minicpm5",
	"minimax-m2":               "minimax_m2",
	"modern-bert":              "gpt2",
	"mpt":                      "mpt",
	"olmo":                     "olmo",
	"phi-2":                    "gpt2",
	"pixtral":                  "llama3",
	"poro-chat":                "poro",
	"qwen2":                    "qwen2",
	"qwen35":                   "qwen35",
	"refact":                   "refact",
	"roberta-bpe":              "gpt2",
	"sarvam-moe":               "sarvam_moe",
	"seed-coder":               "seed_coder",
	"smaug-bpe":                "smaug",
	"smollm":                   "smollm",
	"solar-open":               "solar_open",
	"stablelm2":                "stablelm2",
	"starcoder":                "starcoder",
	"superbpe":                 "superbpe",
	"talkie":                   "gpt4o",
	"tekken":                   "tekken",
	"tiny_aya":                 "tiny_aya",
	"trillion":                 "trillion",
	"viking":                   "viking",
	"whitespace":               "whitespace",
	"youtu":                    "youtu",
}
