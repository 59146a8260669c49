//go:build amd64 && !purego

#include "textflag.h"

// Dot products of the 32-value block formats (Q8_0, Q4_0, Q5_0 with Q8_0
// activations; Q4_1, Q5_1 with Q8_1), AVX2 + FMA + F16C, following ggml's
// AVX2 ggml_vec_dot_*: per block, the 32 int8 products are summed pairwise
// into 8 int32 lanes (maddubs + madd), converted to float and accumulated
// with one FMA by the product of the two block scales into 8 float lanes,
// which are summed (hsum_float_8) at the end. The x4 kernels do the same
// for four activation rows with one weight decode per block, so each of
// their results is bit-identical to the single-row kernel's.
//
// Registers: SI weights, R8-R11 activation rows (AX the offset in them),
// CX blocks left, Y0-Y3 accumulators, Y4 weights (signed or unsigned
// bytes), Y5 their magnitudes, X9 the weight scale (Q4_1/Q5_1: and min),
// X10 (one row) / X11 lanes (four rows) the Q8_1 min sums, R12 and Y10
// the four-row kernels' activation scales, Y14 all ones, Y15 int16 ones.

DATA lc0f<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lc0f<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lc0f<>+16(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lc0f<>+24(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL lc0f<>(SB), RODATA|NOPTR, $32

DATA lc08<>+0(SB)/8, $0x0808080808080808
DATA lc08<>+8(SB)/8, $0x0808080808080808
DATA lc08<>+16(SB)/8, $0x0808080808080808
DATA lc08<>+24(SB)/8, $0x0808080808080808
GLOBL lc08<>(SB), RODATA|NOPTR, $32

DATA lcf0<>+0(SB)/8, $0xf0f0f0f0f0f0f0f0
DATA lcf0<>+8(SB)/8, $0xf0f0f0f0f0f0f0f0
DATA lcf0<>+16(SB)/8, $0xf0f0f0f0f0f0f0f0
DATA lcf0<>+24(SB)/8, $0xf0f0f0f0f0f0f0f0
GLOBL lcf0<>(SB), RODATA|NOPTR, $32

DATA lc10<>+0(SB)/8, $0x1010101010101010
DATA lc10<>+8(SB)/8, $0x1010101010101010
DATA lc10<>+16(SB)/8, $0x1010101010101010
DATA lc10<>+24(SB)/8, $0x1010101010101010
GLOBL lc10<>(SB), RODATA|NOPTR, $32

DATA lones16<>+0(SB)/8, $0x0001000100010001
DATA lones16<>+8(SB)/8, $0x0001000100010001
DATA lones16<>+16(SB)/8, $0x0001000100010001
DATA lones16<>+24(SB)/8, $0x0001000100010001
GLOBL lones16<>(SB), RODATA|NOPTR, $32

// bytes_from_bits_32: byte i of the broadcast word is byte i/8 of qh ...
DATA lbfshuf<>+0(SB)/8, $0x0000000000000000
DATA lbfshuf<>+8(SB)/8, $0x0101010101010101
DATA lbfshuf<>+16(SB)/8, $0x0202020202020202
DATA lbfshuf<>+24(SB)/8, $0x0303030303030303
GLOBL lbfshuf<>(SB), RODATA|NOPTR, $32

// ... with every bit but bit i%8 set, so all ones iff bit i of qh is set.
DATA lbfbits<>+0(SB)/8, $0x7fbfdfeff7fbfdfe
DATA lbfbits<>+8(SB)/8, $0x7fbfdfeff7fbfdfe
DATA lbfbits<>+16(SB)/8, $0x7fbfdfeff7fbfdfe
DATA lbfbits<>+24(SB)/8, $0x7fbfdfeff7fbfdfe
GLOBL lbfbits<>(SB), RODATA|NOPTR, $32

// hsum_float_8: the 8 lanes of Y summed into lane 0 of X (X is Y's low
// half), as ggml does: (hi+lo), then pairs, then the last two.
#define HSUM8(Y, X, T) \
	VEXTRACTF128 $1, Y, T \
	VADDPS X, T, X \
	VMOVHLPS X, X, T \
	VADDPS T, X, X \
	VMOVSHDUP X, T \
	VADDSS T, X, X

// The 32 bytes of qh bits at OFF(SI) spread to bytes: all ones where set.
#define BITS32(OFF, Y) \
	VPBROADCASTD OFF(SI), Y \
	VPSHUFB lbfshuf<>(SB), Y, Y \
	VPOR lbfbits<>(SB), Y, Y \
	VPCMPEQB Y14, Y, Y

// 16 bytes of nibbles at OFF(SI) as 32 bytes in Y4: low nibbles first.
#define NIBBLES(OFF) \
	VMOVDQU OFF(SI), X4 \
	VPSRLW $4, X4, X5 \
	VINSERTI128 $1, X5, Y4, Y4 \
	VPAND lc0f<>(SB), Y4, Y4

// Weight decodes: Y4 = signed values, Y5 = |Y4|, X9 lane 0 = the scale.
#define W_Q8_0 \
	VMOVDQU 2(SI), Y4 \
	VPSIGNB Y4, Y4, Y5 \
	VCVTPH2PS (SI), X9

#define W_Q4_0 \
	NIBBLES(2) \
	VPSUBB lc08<>(SB), Y4, Y4 \
	VPSIGNB Y4, Y4, Y5 \
	VCVTPH2PS (SI), X9

#define W_Q5_0 \
	NIBBLES(6) \
	BITS32(2, Y5) \
	VPANDN lcf0<>(SB), Y5, Y5 \
	VPOR Y5, Y4, Y4 \
	VPSIGNB Y4, Y4, Y5 \
	VCVTPH2PS (SI), X9

// Unsigned weights in Y4, X9 = [d, m].
#define W_Q4_1 \
	NIBBLES(4) \
	VCVTPH2PS (SI), X9

#define W_Q5_1 \
	NIBBLES(8) \
	BITS32(4, Y5) \
	VPAND lc10<>(SB), Y5, Y5 \
	VPOR Y5, Y4, Y4 \
	VCVTPH2PS (SI), X9

// One Q8_0 activation block at P times signed weights: the sign trick
// (|w| times y with w's sign), scaled by d_w·d_y into ACC.
#define ACT_Q8_0(P, ACC) \
	VMOVDQU 2(P)(AX*1), Y6 \
	VPSIGNB Y4, Y6, Y6 \
	VPMADDUBSW Y6, Y5, Y6 \
	VPMADDWD Y15, Y6, Y6 \
	VCVTDQ2PS Y6, Y6 \
	VCVTPH2PS (P)(AX*1), X7 \
	VMULSS X7, X9, X7 \
	VBROADCASTSS X7, Y7 \
	VFMADD231PS Y6, Y7, ACC

// One Q8_1 activation block at P times unsigned weights into ACC, and
// m_w·s_y into SUMMS (ggml: summs += m*s, contracted to an FMA).
#define ACT_Q8_1(P, ACC, SUMMS) \
	VPMADDUBSW 4(P)(AX*1), Y4, Y6 \
	VPMADDWD Y15, Y6, Y6 \
	VCVTDQ2PS Y6, Y6 \
	VCVTPH2PS (P)(AX*1), X7 \
	VMULSS X7, X9, X8 \
	VBROADCASTSS X8, Y8 \
	VFMADD231PS Y6, Y8, ACC \
	VMOVSHDUP X7, X7 \
	VMOVSHDUP X9, X8 \
	VFMADD231SS X7, X8, SUMMS

// The four-row kernels get the activation block scales as float32 from
// the caller (R12: per block d0..d3, then for Q8_1 s0..s3): Y10 = d_w·
// [d0 d1 d2 d3] in both lanes, and each row's scale is a VSHUFPS of it
// (the same float products as the one-row kernels').
#define SCALES4 \
	VBROADCASTSS X9, Y8 \
	VBROADCASTF128 (R12), Y10 \
	VMULPS Y8, Y10, Y10

#define ACTD_Q8_0(P, SH, ACC) \
	VMOVDQU 2(P)(AX*1), Y6 \
	VPSIGNB Y4, Y6, Y6 \
	VPMADDUBSW Y6, Y5, Y6 \
	VPMADDWD Y15, Y6, Y6 \
	VCVTDQ2PS Y6, Y6 \
	VSHUFPS $SH, Y10, Y10, Y7 \
	VFMADD231PS Y6, Y7, ACC

#define ACTD_Q8_1(P, SH, ACC) \
	VPMADDUBSW 4(P)(AX*1), Y4, Y6 \
	VPMADDWD Y15, Y6, Y6 \
	VCVTDQ2PS Y6, Y6 \
	VSHUFPS $SH, Y10, Y10, Y7 \
	VFMADD231PS Y6, Y7, ACC

// Q8_1's min terms of the four rows: X11 lane k = fma(m_w, s_k, X11).
#define SUMMS4 \
	VMOVSHDUP X9, X8 \
	VBROADCASTSS X8, X8 \
	VFMADD231PS 16(R12), X8, X11

#define BODY4_Q8_0 \
	SCALES4 \
	ACTD_Q8_0(R8, 0x00, Y0) \
	ACTD_Q8_0(R9, 0x55, Y1) \
	ACTD_Q8_0(R10, 0xAA, Y2) \
	ACTD_Q8_0(R11, 0xFF, Y3)

#define BODY4_Q8_1 \
	SCALES4 \
	ACTD_Q8_1(R8, 0x00, Y0) \
	ACTD_Q8_1(R9, 0x55, Y1) \
	ACTD_Q8_1(R10, 0xAA, Y2) \
	ACTD_Q8_1(R11, 0xFF, Y3) \
	SUMMS4

// hsum_float_8 of each row plus its min sum (lane k of X11).
#define HSUM4ACC_Q8_1 \
	HSUM4ACC \
	VADDSS X11, X0, X0 \
	VMOVSHDUP X11, X8 \
	VADDSS X8, X1, X1 \
	VMOVHLPS X11, X11, X8 \
	VADDSS X8, X2, X2 \
	VSHUFPS $0xFF, X11, X11, X8 \
	VADDSS X8, X3, X3

#define SETUP \
	XORQ AX, AX \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3 \
	VXORPS X10, X10, X10 \
	VXORPS X11, X11, X11 \
	VXORPS X12, X12, X12 \
	VXORPS X13, X13, X13 \
	VPCMPEQB Y14, Y14, Y14 \
	VMOVDQU lones16<>(SB), Y15

#define ARGS4D \
	MOVQ nb+0(FP), CX \
	MOVQ w+8(FP), SI \
	MOVQ x+16(FP), R8 \
	MOVQ xstride+24(FP), DX \
	LEAQ (R8)(DX*1), R9 \
	LEAQ (R9)(DX*1), R10 \
	LEAQ (R10)(DX*1), R11 \
	MOVQ d+32(FP), R12

// Stores lane 0 of X0-X3 to out[k*ostride].
#define STORE4D \
	MOVQ out+40(FP), DI \
	MOVQ ostride+48(FP), DX \
	SHLQ $2, DX \
	LEAQ (DX)(DX*2), AX \
	VMOVSS X0, (DI) \
	VMOVSS X1, (DI)(DX*1) \
	VMOVSS X2, (DI)(DX*2) \
	VMOVSS X3, (DI)(AX*1)

#define HSUM4ACC \
	HSUM8(Y0, X0, X8) \
	HSUM8(Y1, X1, X8) \
	HSUM8(Y2, X2, X8) \
	HSUM8(Y3, X3, X8)

// func dotQ8_0AVX2(nb int, w, x *byte) float32
TEXT ·dotQ8_0AVX2(SB), NOSPLIT, $0-28
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), R8
	SETUP
	TESTQ CX, CX
	JLE q80done
q80loop:
	W_Q8_0
	ACT_Q8_0(R8, Y0)
	ADDQ $34, SI
	ADDQ $34, AX
	DECQ CX
	JNZ q80loop
q80done:
	HSUM8(Y0, X0, X8)
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ4_0AVX2(nb int, w, x *byte) float32
TEXT ·dotQ4_0AVX2(SB), NOSPLIT, $0-28
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), R8
	SETUP
	TESTQ CX, CX
	JLE q40done
q40loop:
	W_Q4_0
	ACT_Q8_0(R8, Y0)
	ADDQ $18, SI
	ADDQ $34, AX
	DECQ CX
	JNZ q40loop
q40done:
	HSUM8(Y0, X0, X8)
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ5_0AVX2(nb int, w, x *byte) float32
TEXT ·dotQ5_0AVX2(SB), NOSPLIT, $0-28
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), R8
	SETUP
	TESTQ CX, CX
	JLE q50done
q50loop:
	W_Q5_0
	ACT_Q8_0(R8, Y0)
	ADDQ $22, SI
	ADDQ $34, AX
	DECQ CX
	JNZ q50loop
q50done:
	HSUM8(Y0, X0, X8)
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ4_1AVX2(nb int, w, x *byte) float32
TEXT ·dotQ4_1AVX2(SB), NOSPLIT, $0-28
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), R8
	SETUP
	TESTQ CX, CX
	JLE q41done
q41loop:
	W_Q4_1
	ACT_Q8_1(R8, Y0, X10)
	ADDQ $20, SI
	ADDQ $36, AX
	DECQ CX
	JNZ q41loop
q41done:
	HSUM8(Y0, X0, X8)
	VADDSS X10, X0, X0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ5_1AVX2(nb int, w, x *byte) float32
TEXT ·dotQ5_1AVX2(SB), NOSPLIT, $0-28
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), R8
	SETUP
	TESTQ CX, CX
	JLE q51done
q51loop:
	W_Q5_1
	ACT_Q8_1(R8, Y0, X10)
	ADDQ $24, SI
	ADDQ $36, AX
	DECQ CX
	JNZ q51loop
q51done:
	HSUM8(Y0, X0, X8)
	VADDSS X10, X0, X0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ8_0x4AVX2(nb int, w, x *byte, xstride int, d *float32, out *float32, ostride int)
TEXT ·dotQ8_0x4AVX2(SB), NOSPLIT, $0-56
	ARGS4D
	SETUP
	TESTQ CX, CX
	JLE q80x4done
q80x4loop:
	W_Q8_0
	BODY4_Q8_0
	ADDQ $34, SI
	ADDQ $34, AX
	ADDQ $16, R12
	DECQ CX
	JNZ q80x4loop
q80x4done:
	HSUM4ACC
	STORE4D
	VZEROUPPER
	RET

// func dotQ4_0x4AVX2(nb int, w, x *byte, xstride int, d *float32, out *float32, ostride int)
TEXT ·dotQ4_0x4AVX2(SB), NOSPLIT, $0-56
	ARGS4D
	SETUP
	TESTQ CX, CX
	JLE q40x4done
q40x4loop:
	W_Q4_0
	BODY4_Q8_0
	ADDQ $18, SI
	ADDQ $34, AX
	ADDQ $16, R12
	DECQ CX
	JNZ q40x4loop
q40x4done:
	HSUM4ACC
	STORE4D
	VZEROUPPER
	RET

// func dotQ5_0x4AVX2(nb int, w, x *byte, xstride int, d *float32, out *float32, ostride int)
TEXT ·dotQ5_0x4AVX2(SB), NOSPLIT, $0-56
	ARGS4D
	SETUP
	TESTQ CX, CX
	JLE q50x4done
q50x4loop:
	W_Q5_0
	BODY4_Q8_0
	ADDQ $22, SI
	ADDQ $34, AX
	ADDQ $16, R12
	DECQ CX
	JNZ q50x4loop
q50x4done:
	HSUM4ACC
	STORE4D
	VZEROUPPER
	RET

// func dotQ4_1x4AVX2(nb int, w, x *byte, xstride int, d *float32, out *float32, ostride int)
TEXT ·dotQ4_1x4AVX2(SB), NOSPLIT, $0-56
	ARGS4D
	SETUP
	TESTQ CX, CX
	JLE q41x4done
q41x4loop:
	W_Q4_1
	BODY4_Q8_1
	ADDQ $20, SI
	ADDQ $36, AX
	ADDQ $32, R12
	DECQ CX
	JNZ q41x4loop
q41x4done:
	HSUM4ACC_Q8_1
	STORE4D
	VZEROUPPER
	RET

// func dotQ5_1x4AVX2(nb int, w, x *byte, xstride int, d *float32, out *float32, ostride int)
TEXT ·dotQ5_1x4AVX2(SB), NOSPLIT, $0-56
	ARGS4D
	SETUP
	TESTQ CX, CX
	JLE q51x4done
q51x4loop:
	W_Q5_1
	BODY4_Q8_1
	ADDQ $24, SI
	ADDQ $36, AX
	ADDQ $32, R12
	DECQ CX
	JNZ q51x4loop
q51x4done:
	HSUM4ACC_Q8_1
	STORE4D
	VZEROUPPER
	RET
