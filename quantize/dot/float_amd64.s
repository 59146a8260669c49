//go:build amd64 && !purego

#include "textflag.h"

// F32, F16 and BF16 dot products (AVX2 + FMA + F16C) and the activation
// quantizers.
//
// The single-row kernels are ggml's AVX2 ggml_vec_dot_f32 / _f16 / _bf16:
// four 8-lane accumulators over steps of 32 values, reduced as
// GGML_F32x8_REDUCE (F32, F16) or as ggml_vec_dot_bf16's AVX2 code does.
// For F16 and BF16 the caller adds the last n%32 products (in float64, as
// ggml).

DATA fabs<>+0(SB)/8, $0x7fffffff7fffffff
DATA fabs<>+8(SB)/8, $0x7fffffff7fffffff
DATA fabs<>+16(SB)/8, $0x7fffffff7fffffff
DATA fabs<>+24(SB)/8, $0x7fffffff7fffffff
GLOBL fabs<>(SB), RODATA|NOPTR, $32

// _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)
DATA fperm<>+0(SB)/8, $0x0000000400000000
DATA fperm<>+8(SB)/8, $0x0000000500000001
DATA fperm<>+16(SB)/8, $0x0000000600000002
DATA fperm<>+24(SB)/8, $0x0000000700000003
GLOBL fperm<>(SB), RODATA|NOPTR, $32

DATA f127<>+0(SB)/4, $127.0
GLOBL f127<>(SB), RODATA|NOPTR, $4

#define HSUM8(Y, X, T) \
	VEXTRACTF128 $1, Y, T \
	VADDPS X, T, X \
	VMOVHLPS X, X, T \
	VADDPS T, X, X \
	VMOVSHDUP X, T \
	VADDSS T, X, X

// GGML_F32x8_REDUCE of Y0-Y3 into X0 lane 0.
#define REDUCE_F32 \
	VADDPS Y2, Y0, Y0 \
	VADDPS Y3, Y1, Y1 \
	VADDPS Y1, Y0, Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS X1, X0, X0 \
	VHADDPS X0, X0, X0 \
	VHADDPS X0, X0, X0

#define ZERO4 \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3

// The two-weight-row by four-activation-row kernels: n (a multiple of 8)
// values, one 8-lane accumulator per pair (Y0-Y7: activation k, row r in
// Y(2k+r)), weights at (SI) and (R12), activations at R8-R11, all indexed
// by AX.
#define ARGS2X4 \
	MOVQ n+0(FP), CX \
	MOVQ w+8(FP), SI \
	MOVQ wstride+16(FP), R12 \
	ADDQ SI, R12 \
	MOVQ x+24(FP), R8 \
	MOVQ xstride+32(FP), DX \
	LEAQ (R8)(DX*1), R9 \
	LEAQ (R9)(DX*1), R10 \
	LEAQ (R10)(DX*1), R11 \
	XORQ AX, AX \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3 \
	VXORPS Y4, Y4, Y4 \
	VXORPS Y5, Y5, Y5 \
	VXORPS Y6, Y6, Y6 \
	VXORPS Y7, Y7, Y7 \
	SHRQ $3, CX

#define STEP2X4 \
	VFMADD231PS Y10, Y8, Y0 \
	VFMADD231PS Y10, Y9, Y1 \
	VFMADD231PS Y11, Y8, Y2 \
	VFMADD231PS Y11, Y9, Y3 \
	VFMADD231PS Y12, Y8, Y4 \
	VFMADD231PS Y12, Y9, Y5 \
	VFMADD231PS Y13, Y8, Y6 \
	VFMADD231PS Y13, Y9, Y7

#define STORE2X4 \
	MOVQ out+40(FP), DI \
	MOVQ ostride+48(FP), DX \
	SHLQ $2, DX \
	HSUM8(Y0, X0, X15) \
	VMOVSS X0, (DI) \
	HSUM8(Y1, X1, X15) \
	VMOVSS X1, 4(DI) \
	ADDQ DX, DI \
	HSUM8(Y2, X2, X15) \
	VMOVSS X2, (DI) \
	HSUM8(Y3, X3, X15) \
	VMOVSS X3, 4(DI) \
	ADDQ DX, DI \
	HSUM8(Y4, X4, X15) \
	VMOVSS X4, (DI) \
	HSUM8(Y5, X5, X15) \
	VMOVSS X5, 4(DI) \
	ADDQ DX, DI \
	HSUM8(Y6, X6, X15) \
	VMOVSS X6, (DI) \
	HSUM8(Y7, X7, X15) \
	VMOVSS X7, 4(DI)

// One block of 32 floats at SI quantized as ggml's AVX2 quantize_row_q8_0:
// Y0 = the 32 int8 in order, X7 lane 0 = d; the int32 values before
// packing are summed (wrapping) into Y9 if SUM is set.
#define Q8BLOCK \
	VMOVUPS (SI), Y0 \
	VMOVUPS 32(SI), Y1 \
	VMOVUPS 64(SI), Y2 \
	VMOVUPS 96(SI), Y3 \
	VANDPS Y15, Y0, Y4 \
	VANDPS Y15, Y1, Y5 \
	VMAXPS Y5, Y4, Y4 \
	VANDPS Y15, Y2, Y5 \
	VMAXPS Y5, Y4, Y4 \
	VANDPS Y15, Y3, Y5 \
	VMAXPS Y5, Y4, Y4 \
	VEXTRACTF128 $1, Y4, X5 \
	VMAXPS X4, X5, X5 \
	VMOVHLPS X5, X5, X6 \
	VMAXPS X6, X5, X5 \
	VMOVSHDUP X5, X6 \
	VMAXSS X6, X5, X5 \
	VDIVSS X13, X5, X7 \
	VDIVSS X5, X13, X8 \
	VCMPSS $4, X12, X5, X6 \
	VANDPS X6, X8, X8 \
	VBROADCASTSS X8, Y8 \
	VMULPS Y8, Y0, Y0 \
	VMULPS Y8, Y1, Y1 \
	VMULPS Y8, Y2, Y2 \
	VMULPS Y8, Y3, Y3 \
	VROUNDPS $0, Y0, Y0 \
	VROUNDPS $0, Y1, Y1 \
	VROUNDPS $0, Y2, Y2 \
	VROUNDPS $0, Y3, Y3 \
	VCVTPS2DQ Y0, Y0 \
	VCVTPS2DQ Y1, Y1 \
	VCVTPS2DQ Y2, Y2 \
	VCVTPS2DQ Y3, Y3

#define Q8PACK \
	VPACKSSDW Y1, Y0, Y0 \
	VPACKSSDW Y3, Y2, Y2 \
	VPACKSSWB Y2, Y0, Y0 \
	VPERMD Y0, Y14, Y0

// AX (an F16 from vcvtps2ph) as GGML_CPU_FP32_TO_FP16 has it: a NaN is
// 0x7e00 with its sign (clobbers BX).
#define F16NAN \
	MOVL AX, BX \
	ANDL $0x7fff, BX \
	CMPL BX, $0x7c00 \
	JLS 3(PC) \
	ANDL $0x8000, AX \
	ORL $0x7e00, AX

#define Q8SETUP \
	MOVQ y+0(FP), DI \
	MOVQ x+8(FP), SI \
	MOVQ nb+16(FP), CX \
	VMOVDQU fabs<>(SB), Y15 \
	VMOVDQU fperm<>(SB), Y14 \
	VMOVSS f127<>(SB), X13 \
	VXORPS X12, X12, X12

// func dotF32AVX2(n int, w, x *byte) float32
// The n%32 leftovers are added in order as GCC compiles ggml's sumf +=
// x[i]*y[i]: rounded products for all but the last n%4, FMAs for those.
TEXT ·dotF32AVX2(SB), NOSPLIT, $0-28
	MOVQ n+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DI
	MOVQ CX, DX
	ANDQ $31, DX
	MOVQ DX, BX
	ANDQ $3, BX
	SUBQ BX, DX
	ZERO4
	SHRQ $5, CX
	JZ f32done
f32loop:
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMOVUPS 64(SI), Y6
	VMOVUPS 96(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ f32loop
f32done:
	REDUCE_F32
	TESTQ DX, DX
	JZ f32tail3
f32tail:
	VMOVSS (SI), X1
	VMULSS (DI), X1, X1
	VADDSS X1, X0, X0
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ DX
	JNZ f32tail
f32tail3:
	TESTQ BX, BX
	JZ f32end
f32tail1:
	VMOVSS (SI), X1
	VFMADD231SS (DI), X1, X0
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ BX
	JNZ f32tail1
f32end:
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotF16AVX2(n int, w, x *byte) float32 (n a multiple of 32)
TEXT ·dotF16AVX2(SB), NOSPLIT, $0-28
	MOVQ n+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DI
	ZERO4
	SHRQ $5, CX
	JZ f16done
f16loop:
	VCVTPH2PS (SI), Y4
	VCVTPH2PS (DI), Y8
	VFMADD231PS Y8, Y4, Y0
	VCVTPH2PS 16(SI), Y5
	VCVTPH2PS 16(DI), Y9
	VFMADD231PS Y9, Y5, Y1
	VCVTPH2PS 32(SI), Y6
	VCVTPH2PS 32(DI), Y10
	VFMADD231PS Y10, Y6, Y2
	VCVTPH2PS 48(SI), Y7
	VCVTPH2PS 48(DI), Y11
	VFMADD231PS Y11, Y7, Y3
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ f16loop
f16done:
	REDUCE_F32
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// 8 bfloat16 at M widened to float32 in Y.
#define LOADBF16(M, Y) \
	VPMOVZXWD M, Y \
	VPSLLD $16, Y, Y

// func dotBF16AVX2(n int, w, x *byte) float32 (n a multiple of 32)
TEXT ·dotBF16AVX2(SB), NOSPLIT, $0-28
	MOVQ n+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DI
	ZERO4
	SHRQ $5, CX
	JZ bf16done
bf16loop:
	LOADBF16((SI), Y4)
	LOADBF16((DI), Y8)
	VFMADD231PS Y8, Y4, Y0
	LOADBF16(16(SI), Y5)
	LOADBF16(16(DI), Y9)
	VFMADD231PS Y9, Y5, Y1
	LOADBF16(32(SI), Y6)
	LOADBF16(32(DI), Y10)
	VFMADD231PS Y10, Y6, Y2
	LOADBF16(48(SI), Y7)
	LOADBF16(48(DI), Y11)
	VFMADD231PS Y11, Y7, Y3
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ bf16loop
bf16done:
	// c1 = (c1+c3) + (c2+c4), then hi+lo, pairs, last two.
	VADDPS Y2, Y0, Y0
	VADDPS Y3, Y1, Y1
	VADDPS Y1, Y0, Y0
	HSUM8(Y0, X0, X1)
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET




// func dotF32x2x4AVX2(n int, w *byte, wstride int, x *byte, xstride int, out *float32, ostride int)
TEXT ·dotF32x2x4AVX2(SB), NOSPLIT, $0-56
	ARGS2X4
	JZ f32x8done
f32x8loop:
	VMOVUPS (SI)(AX*1), Y8
	VMOVUPS (R12)(AX*1), Y9
	VMOVUPS (R8)(AX*1), Y10
	VMOVUPS (R9)(AX*1), Y11
	VMOVUPS (R10)(AX*1), Y12
	VMOVUPS (R11)(AX*1), Y13
	STEP2X4
	ADDQ $32, AX
	DECQ CX
	JNZ f32x8loop
f32x8done:
	STORE2X4
	VZEROUPPER
	RET

// func dotF16x2x4AVX2(n int, w *byte, wstride int, x *byte, xstride int, out *float32, ostride int)
TEXT ·dotF16x2x4AVX2(SB), NOSPLIT, $0-56
	ARGS2X4
	JZ f16x8done
f16x8loop:
	VCVTPH2PS (SI)(AX*1), Y8
	VCVTPH2PS (R12)(AX*1), Y9
	VCVTPH2PS (R8)(AX*1), Y10
	VCVTPH2PS (R9)(AX*1), Y11
	VCVTPH2PS (R10)(AX*1), Y12
	VCVTPH2PS (R11)(AX*1), Y13
	STEP2X4
	ADDQ $16, AX
	DECQ CX
	JNZ f16x8loop
f16x8done:
	STORE2X4
	VZEROUPPER
	RET

// func dotBF16x2x4AVX2(n int, w *byte, wstride int, x *byte, xstride int, out *float32, ostride int)
TEXT ·dotBF16x2x4AVX2(SB), NOSPLIT, $0-56
	ARGS2X4
	JZ bf16x8done
bf16x8loop:
	LOADBF16((SI)(AX*1), Y8)
	LOADBF16((R12)(AX*1), Y9)
	LOADBF16((R8)(AX*1), Y10)
	LOADBF16((R9)(AX*1), Y11)
	LOADBF16((R10)(AX*1), Y12)
	LOADBF16((R11)(AX*1), Y13)
	STEP2X4
	ADDQ $16, AX
	DECQ CX
	JNZ bf16x8loop
bf16x8done:
	STORE2X4
	VZEROUPPER
	RET

// func actF16AVX2(y *byte, x *float32, n int) (n a multiple of 8)
TEXT ·actF16AVX2(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JZ actf16done
actf16loop:
	VMOVUPS (SI), Y0
	VCVTPS2PH $0, Y0, X1
	VMOVDQU X1, (DI)
	ADDQ $32, SI
	ADDQ $16, DI
	DECQ CX
	JNZ actf16loop
actf16done:
	VZEROUPPER
	RET




// func actQ8_0AVX2(y *byte, x *float32, nb int)
TEXT ·actQ8_0AVX2(SB), NOSPLIT, $0-24
	Q8SETUP
	TESTQ CX, CX
	JLE actq80done
actq80loop:
	Q8BLOCK
	Q8PACK
	VCVTPS2PH $0, X7, X7
	VMOVD X7, AX
	F16NAN
	MOVW AX, (DI)
	VMOVDQU Y0, 2(DI)
	ADDQ $128, SI
	ADDQ $34, DI
	DECQ CX
	JNZ actq80loop
actq80done:
	VZEROUPPER
	RET

// func actQ8_1AVX2(y *byte, x *float32, nb int)
TEXT ·actQ8_1AVX2(SB), NOSPLIT, $0-24
	Q8SETUP
	TESTQ CX, CX
	JLE actq81done
actq81loop:
	Q8BLOCK
	VPADDD Y1, Y0, Y9
	VPADDD Y3, Y2, Y10
	VPADDD Y10, Y9, Y9
	VEXTRACTI128 $1, Y9, X10
	VPADDD X10, X9, X9
	VPSHUFD $0x4E, X9, X10
	VPADDD X10, X9, X9
	VPSHUFD $0xB1, X9, X10
	VPADDD X10, X9, X9
	VMOVD X9, AX
	VCVTSI2SSL AX, X10, X10
	VMULSS X10, X7, X10
	VCVTPS2PH $0, X10, X10
	VMOVD X10, AX
	F16NAN
	MOVW AX, 2(DI)
	Q8PACK
	VCVTPS2PH $0, X7, X7
	VMOVD X7, AX
	F16NAN
	MOVW AX, (DI)
	VMOVDQU Y0, 4(DI)
	ADDQ $128, SI
	ADDQ $36, DI
	DECQ CX
	JNZ actq81loop
actq81done:
	VZEROUPPER
	RET
