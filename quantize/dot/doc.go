// Package dot holds the CPU compute kernels of the inference runtime: the
// dot products of a weight row with an activation row for every weight
// type ggml's CPU backend multiplies, the quantization of activations to
// the type each weight type is multiplied with, and matrix-vector and
// matrix-matrix products built on them.
//
// The arithmetic is ggml's (llama.cpp b10470, ggml-cpu): a weight row of
// type w is multiplied with an activation row of type ActType(w)
// (type_traits_cpu[w].vec_dot_type), block by block, with integer sums
// inside each block scaled by the product of the block scales, so results
// agree with ggml's to float rounding.
//
// Implementations. On amd64 with AVX2, FMA and F16C (checked at run time
// through golang.org/x/sys/cpu) hand-written assembly is used for
//
//	F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K
//
// (single-row dot products and the multi-activation kernels of MatMul), and
// for the activation quantizers Q8_0 and Q8_1 and the F16 conversion.
// Everything else, every type on other architectures and every type with
// the build tag purego runs in pure Go.
//
// Exactness, checked by TestAgainstGGML against ggml's own code built from
// llama.cpp (testdata/ggmlcheck): QuantizeAct gives ggml-cpu's bytes on
// x86 (its AVX2 quantize_row_q8_0/_q8_1, not the _ref quantizers; see
// QuantizeAct) in both implementations; the assembly dot products are
// bit-identical to ggml's AVX2 ggml_vec_dot_* (same integer lanes, same
// order of float operations, built with GCC); the pure-Go ones are
// bit-identical to ggml's generic C kernels compiled without FMA
// contraction. The two differ from each other by float rounding only.
// MatMul gives Dot's bits for the quantized types; for F32, F16 and BF16
// its tiles (two weight rows by four activation rows) sum in another order.
// (llama.cpp itself multiplies prompt batches on x86 with llamafile's
// sgemm or repacked weights where it can, which also sum in other orders:
// its vec_dot results are what this package reproduces.)
//
// Functions here start no goroutines and do not allocate (QuantizeAct
// appends to the slice it is given; the pure-Go F16 dot product builds a
// 256 KB table once); callers split rows across cores (MatMulStride writes
// into a wider output).
package dot
