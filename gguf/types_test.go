package gguf

import (
	"math"
	"testing"
)

func TestTypeTable(t *testing.T) {
	// value, block size, bytes per block, from ggml.c's type_traits and the
	// block structs of ggml-common.h (gguf-py's GGML_QUANT_SIZES agrees
	// except for Q8_1, where it still says 40: the ggml struct is 36 bytes).
	want := map[string][3]int{
		"F32": {0, 1, 4}, "F16": {1, 1, 2}, "Q4_0": {2, 32, 18}, "Q4_1": {3, 32, 20},
		"Q5_0": {6, 32, 22}, "Q5_1": {7, 32, 24}, "Q8_0": {8, 32, 34}, "Q8_1": {9, 32, 36},
		"Q2_K": {10, 256, 84}, "Q3_K": {11, 256, 110}, "Q4_K": {12, 256, 144}, "Q5_K": {13, 256, 176},
		"Q6_K": {14, 256, 210}, "Q8_K": {15, 256, 292}, "IQ2_XXS": {16, 256, 66}, "IQ2_XS": {17, 256, 74},
		"IQ3_XXS": {18, 256, 98}, "IQ1_S": {19, 256, 50}, "IQ4_NL": {20, 32, 18}, "IQ3_S": {21, 256, 110},
		"IQ2_S": {22, 256, 82}, "IQ4_XS": {23, 256, 136}, "I8": {24, 1, 1}, "I16": {25, 1, 2},
		"I32": {26, 1, 4}, "I64": {27, 1, 8}, "F64": {28, 1, 8}, "IQ1_M": {29, 256, 56},
		"BF16": {30, 1, 2}, "TQ1_0": {34, 256, 54}, "TQ2_0": {35, 256, 66}, "MXFP4": {39, 32, 17},
		"NVFP4": {40, 64, 36}, "Q1_0": {41, 128, 18}, "Q2_0": {42, 64, 18},
	}
	n := 0
	for v := Type(0); v < 64; v++ {
		ti, ok := v.Info()
		if !ok {
			continue
		}
		n++
		w, found := want[ti.Name]
		if !found || w != [3]int{int(v), ti.BlockSize, ti.TypeSize} {
			t.Errorf("%d %s: block %d size %d, want %v", v, ti.Name, ti.BlockSize, ti.TypeSize, w)
		}
		if ti.Quantized != (ti.BlockSize > 1) {
			t.Errorf("%s: Quantized %v", ti.Name, ti.Quantized)
		}
		if v.String() != ti.Name {
			t.Errorf("String %q, want %q", v.String(), ti.Name)
		}
		if p, ok := ParseType(ti.Name); !ok || p != v {
			t.Errorf("ParseType(%q) = %v, %v", ti.Name, p, ok)
		}
	}
	if n != len(want) {
		t.Errorf("%d known types, want %d", n, len(want))
	}
	for _, v := range []Type{4, 5, 31, 32, 33, 36, 37, 38, 43, 1 << 31} {
		if _, ok := v.Info(); ok || v.Known() {
			t.Errorf("type %d is known", v)
		}
	}
	if s := Type(4).String(); s != "Type(4)" {
		t.Errorf("String of 4: %q", s)
	}
	for in, want := range map[string]Type{"q4_k": Q4_K, "bf16": BF16, "Iq2_Xxs": IQ2_XXS, "mxfp4": MXFP4} {
		if got, ok := ParseType(in); !ok || got != want {
			t.Errorf("ParseType(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := ParseType("Q4_2"); ok {
		t.Error("ParseType(Q4_2) succeeded")
	}
}

func TestSizes(t *testing.T) {
	for _, c := range []struct {
		t     Type
		shape []uint64
		want  uint64
	}{
		{Q4_K, []uint64{256}, 144},
		{Q4_K, []uint64{4096, 4096}, 4096 * 4096 / 256 * 144},
		{Q6_K, []uint64{512, 3}, 2 * 210 * 3},
		{Q8_0, []uint64{128, 32000}, 4 * 34 * 32000},
		{BF16, []uint64{7, 3, 2}, 84},
		{MXFP4, []uint64{64}, 34},
		{TQ1_0, []uint64{256, 1, 1, 2}, 108},
		{NVFP4, []uint64{128}, 72},
		{F32, []uint64{0, 7}, 0},
		{F32, []uint64{7, 0, math.MaxUint64}, 0},
	} {
		got, err := TensorBytes(c.t, c.shape)
		if err != nil || got != c.want {
			t.Errorf("TensorBytes(%s, %v) = %d, %v; want %d", c.t, c.shape, got, err, c.want)
		}
	}
	if r, err := Q5_0.RowSize(4096); err != nil || r != 128*22 {
		t.Errorf("RowSize: %d, %v", r, err)
	}
	for _, c := range []struct {
		t     Type
		shape []uint64
	}{
		{Q4_K, []uint64{128}},            // not a block multiple
		{Type(5), []uint64{32}},          // unknown
		{F32, nil},                       // no dimensions
		{F64, []uint64{1 << 61, 2}},      // overflow
		{F32, []uint64{1 << 62, 1}},      // row overflow
		{I8, []uint64{1 << 32, 1 << 32}}, // product overflow
	} {
		if n, err := TensorBytes(c.t, c.shape); err == nil {
			t.Errorf("TensorBytes(%s, %v) = %d, no error", c.t, c.shape, n)
		}
	}
	if _, err := Q8_0.RowSize(33); err == nil {
		t.Error("RowSize(33) of Q8_0: no error")
	}
}

func TestFileType(t *testing.T) {
	for ft, want := range map[FileType]string{
		FileTypeAllF32: "F32", FileTypeMostlyF16: "F16", FileTypeMostlyQ4_0: "Q4_0",
		FileTypeMostlyQ8_0: "Q8_0", FileTypeMostlyQ4_K_M: "Q4_K_M", FileTypeMostlyBF16: "BF16",
		FileTypeMostlyMXFP4_MOE: "MXFP4_MOE", FileTypeMostlyQ2_0: "Q2_0", FileType(4): "FileType(4)",
	} {
		if got := ft.String(); got != want {
			t.Errorf("%d: %q, want %q", uint32(ft), got, want)
		}
	}
	if FileTypeMostlyQ4_K_M != 15 || FileTypeMostlyBF16 != 32 || FileTypeMostlyTQ1_0 != 36 || FileTypeMostlyQ2_0 != 41 {
		t.Error("file type values")
	}
	for name, want := range map[string]FileType{"q4_k_m": FileTypeMostlyQ4_K_M, "Q4_K": FileTypeMostlyQ4_K_M, "q3_k": FileTypeMostlyQ3_K_M,
		"Q5_K": FileTypeMostlyQ5_K_M, "f32": FileTypeAllF32, "IQ2_M": FileTypeMostlyIQ2_M} {
		if got, ok := ParseFileType(name); !ok || got != want {
			t.Errorf("ParseFileType(%q) = %v, %v", name, got, ok)
		}
	}
	for ft := FileType(0); ft < 64; ft++ {
		if n, ok := fileTypeNames[ft]; ok {
			if back, ok := ParseFileType(n); !ok || back != ft {
				t.Errorf("round trip of %s", n)
			}
		}
	}
	if _, ok := ParseFileType("Q4_2"); ok {
		t.Error("ParseFileType(Q4_2) succeeded")
	}
}

func TestArchKey(t *testing.T) {
	if k := ArchKey(KeyContextLength, "llama"); k != "llama.context_length" {
		t.Error(k)
	}
	if k := ArchKey(KeyAttentionLayerNormRMSEpsilon, "qwen3"); k != "qwen3.attention.layer_norm_rms_epsilon" {
		t.Error(k)
	}
	if k := ArchKey(KeyRopeScalingOrigCtxLen, "x"); k != "x.rope.scaling.original_context_length" {
		t.Error(k)
	}
	if k := ArchKey(KeyTokenizerChatTemplateNamed, "tool_use"); k != "tokenizer.chat_template.tool_use" {
		t.Error(k)
	}
}
