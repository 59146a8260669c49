package gguf

import (
	"fmt"
	"math/bits"
	"strings"
)

// Type is a ggml tensor type (enum ggml_type), stored as a u32 in tensor infos.
type Type uint32

// The ggml tensor types. Values 4, 5, 31-33 and 36-38 were removed from ggml
// and are unknown here, as they are to llama.cpp's GGUF loader.
const (
	F32     Type = 0
	F16     Type = 1
	Q4_0    Type = 2
	Q4_1    Type = 3
	Q5_0    Type = 6
	Q5_1    Type = 7
	Q8_0    Type = 8
	Q8_1    Type = 9
	Q2_K    Type = 10
	Q3_K    Type = 11
	Q4_K    Type = 12
	Q5_K    Type = 13
	Q6_K    Type = 14
	Q8_K    Type = 15
	IQ2_XXS Type = 16
	IQ2_XS  Type = 17
	IQ3_XXS Type = 18
	IQ1_S   Type = 19
	IQ4_NL  Type = 20
	IQ3_S   Type = 21
	IQ2_S   Type = 22
	IQ4_XS  Type = 23
	I8      Type = 24
	I16     Type = 25
	I32     Type = 26
	I64     Type = 27
	F64     Type = 28
	IQ1_M   Type = 29
	BF16    Type = 30
	TQ1_0   Type = 34
	TQ2_0   Type = 35
	MXFP4   Type = 39
	NVFP4   Type = 40
	Q1_0    Type = 41
	Q2_0    Type = 42
)

// TypeInfo describes the storage of a ggml type: values are stored in blocks
// of BlockSize elements taking TypeSize bytes each.
type TypeInfo struct {
	Name      string // upper-case ggml name, e.g. "Q4_K"
	BlockSize int    // elements per block
	TypeSize  int    // bytes per block
	Quantized bool
}

// qk is the super-block size of the k-quants and most i-quants (QK_K).
const qk = 256

// typeTable holds block sizes and byte sizes as in ggml.c's type_traits
// (block sizes checked against the block structs of ggml-common.h and
// gguf-py's GGML_QUANT_SIZES).
var typeTable = map[Type]TypeInfo{
	F32:     {"F32", 1, 4, false},
	F16:     {"F16", 1, 2, false},
	Q4_0:    {"Q4_0", 32, 2 + 16, true},
	Q4_1:    {"Q4_1", 32, 2 + 2 + 16, true},
	Q5_0:    {"Q5_0", 32, 2 + 4 + 16, true},
	Q5_1:    {"Q5_1", 32, 2 + 2 + 4 + 16, true},
	Q8_0:    {"Q8_0", 32, 2 + 32, true},
	Q8_1:    {"Q8_1", 32, 2 + 2 + 32, true},
	Q2_K:    {"Q2_K", qk, 2 + 2 + qk/16 + qk/4, true},
	Q3_K:    {"Q3_K", qk, 2 + qk/4 + qk/8 + 12, true},
	Q4_K:    {"Q4_K", qk, 2 + 2 + 12 + qk/2, true},
	Q5_K:    {"Q5_K", qk, 2 + 2 + 12 + qk/2 + qk/8, true},
	Q6_K:    {"Q6_K", qk, 2 + qk/16 + 3*qk/4, true},
	Q8_K:    {"Q8_K", qk, 4 + qk + qk/16*2, true},
	IQ2_XXS: {"IQ2_XXS", qk, 2 + qk/8*2, true},
	IQ2_XS:  {"IQ2_XS", qk, 2 + qk/8*2 + qk/32, true},
	IQ3_XXS: {"IQ3_XXS", qk, 2 + 3*(qk/8), true},
	IQ1_S:   {"IQ1_S", qk, 2 + qk/8 + qk/16, true},
	IQ4_NL:  {"IQ4_NL", 32, 2 + 16, true},
	IQ3_S:   {"IQ3_S", qk, 2 + 13*(qk/32) + 4, true},
	IQ2_S:   {"IQ2_S", qk, 2 + qk/4 + qk/16, true},
	IQ4_XS:  {"IQ4_XS", qk, 2 + 2 + qk/64 + qk/2, true},
	I8:      {"I8", 1, 1, false},
	I16:     {"I16", 1, 2, false},
	I32:     {"I32", 1, 4, false},
	I64:     {"I64", 1, 8, false},
	F64:     {"F64", 1, 8, false},
	IQ1_M:   {"IQ1_M", qk, qk/8 + qk/16 + qk/32, true},
	BF16:    {"BF16", 1, 2, false},
	TQ1_0:   {"TQ1_0", qk, 2 + qk/64 + (qk-4*qk/64)/5, true},
	TQ2_0:   {"TQ2_0", qk, 2 + qk/4, true},
	MXFP4:   {"MXFP4", 32, 1 + 16, true},
	NVFP4:   {"NVFP4", 64, 4 + 32, true},
	Q1_0:    {"Q1_0", 128, 2 + 128/8, true},
	Q2_0:    {"Q2_0", 64, 2 + 64/4, true},
}

var typeByName = func() map[string]Type {
	m := make(map[string]Type, len(typeTable))
	for t, ti := range typeTable {
		m[ti.Name] = t
	}
	return m
}()

// Info returns the storage description of t; false if t is not a known type.
func (t Type) Info() (TypeInfo, bool) {
	ti, ok := typeTable[t]
	return ti, ok
}

// Known reports whether t is a ggml type this package knows the layout of.
func (t Type) Known() bool {
	_, ok := typeTable[t]
	return ok
}

// String returns the ggml name in upper case ("Q4_K", "BF16"), or "Type(N)".
func (t Type) String() string {
	if ti, ok := typeTable[t]; ok {
		return ti.Name
	}
	return fmt.Sprintf("Type(%d)", uint32(t))
}

// ParseType looks a type up by its ggml name, ignoring case ("q4_k", "BF16").
func ParseType(name string) (Type, bool) {
	t, ok := typeByName[strings.ToUpper(strings.TrimSpace(name))]
	return t, ok
}

// RowSize returns the bytes taken by ne0 consecutive elements of type t.
// ne0 must be a multiple of the type's block size.
func (t Type) RowSize(ne0 uint64) (uint64, error) {
	ti, ok := typeTable[t]
	if !ok {
		return 0, fmt.Errorf("unknown ggml type %d", uint32(t))
	}
	bs := uint64(ti.BlockSize)
	if ne0%bs != 0 {
		return 0, fmt.Errorf("row of %d elements is not a multiple of the %s block size %d", ne0, ti.Name, bs)
	}
	hi, lo := bits.Mul64(ne0/bs, uint64(ti.TypeSize))
	if hi != 0 {
		return 0, fmt.Errorf("row of %d %s elements overflows 64 bits", ne0, ti.Name)
	}
	return lo, nil
}

// TensorBytes returns the byte size of a tensor of type t with the given shape
// (ne0 first). The shape must have at least one dimension; ne0 must be a
// multiple of the block size. A zero dimension gives 0 bytes.
func TensorBytes(t Type, shape []uint64) (uint64, error) {
	if len(shape) == 0 {
		return 0, fmt.Errorf("tensor shape has no dimensions")
	}
	row, err := t.RowSize(shape[0])
	if err != nil {
		return 0, err
	}
	for _, d := range shape[1:] {
		if d == 0 {
			return 0, nil
		}
	}
	if row == 0 {
		return 0, nil
	}
	size := row
	for _, d := range shape[1:] {
		hi, lo := bits.Mul64(size, d)
		if hi != 0 {
			return 0, fmt.Errorf("size of %s tensor with shape %v overflows 64 bits", t, shape)
		}
		size = lo
	}
	return size, nil
}

// FileType is llama.cpp's enum llama_ftype, the value of general.file_type:
// the predominant tensor type of a model file.
type FileType uint32

// The llama_ftype values of include/llama.h. Values 4-6 and 33-35 were removed.
const (
	FileTypeAllF32          FileType = 0
	FileTypeMostlyF16       FileType = 1
	FileTypeMostlyQ4_0      FileType = 2
	FileTypeMostlyQ4_1      FileType = 3
	FileTypeMostlyQ8_0      FileType = 7
	FileTypeMostlyQ5_0      FileType = 8
	FileTypeMostlyQ5_1      FileType = 9
	FileTypeMostlyQ2_K      FileType = 10
	FileTypeMostlyQ3_K_S    FileType = 11
	FileTypeMostlyQ3_K_M    FileType = 12
	FileTypeMostlyQ3_K_L    FileType = 13
	FileTypeMostlyQ4_K_S    FileType = 14
	FileTypeMostlyQ4_K_M    FileType = 15
	FileTypeMostlyQ5_K_S    FileType = 16
	FileTypeMostlyQ5_K_M    FileType = 17
	FileTypeMostlyQ6_K      FileType = 18
	FileTypeMostlyIQ2_XXS   FileType = 19
	FileTypeMostlyIQ2_XS    FileType = 20
	FileTypeMostlyQ2_K_S    FileType = 21
	FileTypeMostlyIQ3_XS    FileType = 22
	FileTypeMostlyIQ3_XXS   FileType = 23
	FileTypeMostlyIQ1_S     FileType = 24
	FileTypeMostlyIQ4_NL    FileType = 25
	FileTypeMostlyIQ3_S     FileType = 26
	FileTypeMostlyIQ3_M     FileType = 27
	FileTypeMostlyIQ2_S     FileType = 28
	FileTypeMostlyIQ2_M     FileType = 29
	FileTypeMostlyIQ4_XS    FileType = 30
	FileTypeMostlyIQ1_M     FileType = 31
	FileTypeMostlyBF16      FileType = 32
	FileTypeMostlyTQ1_0     FileType = 36
	FileTypeMostlyTQ2_0     FileType = 37
	FileTypeMostlyMXFP4_MOE FileType = 38
	FileTypeMostlyNVFP4     FileType = 39
	FileTypeMostlyQ1_0      FileType = 40
	FileTypeMostlyQ2_0      FileType = 41
	FileTypeGuessed         FileType = 1024 // not stored in files: llama.cpp's "not specified"
)

// fileTypeNames are llama-quantize's names for the file types.
var fileTypeNames = map[FileType]string{
	FileTypeAllF32:          "F32",
	FileTypeMostlyF16:       "F16",
	FileTypeMostlyQ4_0:      "Q4_0",
	FileTypeMostlyQ4_1:      "Q4_1",
	FileTypeMostlyQ8_0:      "Q8_0",
	FileTypeMostlyQ5_0:      "Q5_0",
	FileTypeMostlyQ5_1:      "Q5_1",
	FileTypeMostlyQ2_K:      "Q2_K",
	FileTypeMostlyQ3_K_S:    "Q3_K_S",
	FileTypeMostlyQ3_K_M:    "Q3_K_M",
	FileTypeMostlyQ3_K_L:    "Q3_K_L",
	FileTypeMostlyQ4_K_S:    "Q4_K_S",
	FileTypeMostlyQ4_K_M:    "Q4_K_M",
	FileTypeMostlyQ5_K_S:    "Q5_K_S",
	FileTypeMostlyQ5_K_M:    "Q5_K_M",
	FileTypeMostlyQ6_K:      "Q6_K",
	FileTypeMostlyIQ2_XXS:   "IQ2_XXS",
	FileTypeMostlyIQ2_XS:    "IQ2_XS",
	FileTypeMostlyQ2_K_S:    "Q2_K_S",
	FileTypeMostlyIQ3_XS:    "IQ3_XS",
	FileTypeMostlyIQ3_XXS:   "IQ3_XXS",
	FileTypeMostlyIQ1_S:     "IQ1_S",
	FileTypeMostlyIQ4_NL:    "IQ4_NL",
	FileTypeMostlyIQ3_S:     "IQ3_S",
	FileTypeMostlyIQ3_M:     "IQ3_M",
	FileTypeMostlyIQ2_S:     "IQ2_S",
	FileTypeMostlyIQ2_M:     "IQ2_M",
	FileTypeMostlyIQ4_XS:    "IQ4_XS",
	FileTypeMostlyIQ1_M:     "IQ1_M",
	FileTypeMostlyBF16:      "BF16",
	FileTypeMostlyTQ1_0:     "TQ1_0",
	FileTypeMostlyTQ2_0:     "TQ2_0",
	FileTypeMostlyMXFP4_MOE: "MXFP4_MOE",
	FileTypeMostlyNVFP4:     "NVFP4",
	FileTypeMostlyQ1_0:      "Q1_0",
	FileTypeMostlyQ2_0:      "Q2_0",
	FileTypeGuessed:         "GUESSED",
}

var fileTypeByName = func() map[string]FileType {
	m := make(map[string]FileType, len(fileTypeNames)+3)
	for ft, n := range fileTypeNames {
		m[n] = ft
	}
	// llama-quantize's aliases.
	m["Q3_K"] = FileTypeMostlyQ3_K_M
	m["Q4_K"] = FileTypeMostlyQ4_K_M
	m["Q5_K"] = FileTypeMostlyQ5_K_M
	return m
}()

// String returns llama-quantize's name for the file type ("Q4_K_M", "BF16"),
// or "FileType(N)" for an unknown value.
func (ft FileType) String() string {
	if n, ok := fileTypeNames[ft]; ok {
		return n
	}
	return fmt.Sprintf("FileType(%d)", uint32(ft))
}

// ParseFileType looks a file type up by its llama-quantize name, ignoring
// case; the aliases Q3_K, Q4_K and Q5_K mean the _M variants, as in
// llama-quantize.
func ParseFileType(name string) (FileType, bool) {
	ft, ok := fileTypeByName[strings.ToUpper(strings.TrimSpace(name))]
	return ft, ok
}
