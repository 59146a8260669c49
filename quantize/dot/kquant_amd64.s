//go:build amd64 && !purego

#include "textflag.h"

// Dot products of the k-quants with Q8_K activations (292-byte blocks:
// f32 d | 256 int8 | 16 int16 sums of 16), AVX2 + FMA + F16C, after
// ggml's AVX2 ggml_vec_dot_q*_K_q8_K: per 256-value super-block the
// products are summed in 8 int32 lanes (maddubs, then madd with the
// sub-block scales), converted to float and accumulated with one FMA by
// d_w·d_y into 8 float lanes; the mins (Q2_K, Q4_K, Q5_K) go through the
// activation block sums as ggml does, and Q6_K's offset 32 as well. The
// integer lanes are ggml's, so the results are bit-identical to ggml's
// AVX2 code.
//
// The kernels are written once for one or four activation rows (R8-R11,
// 292·nb bytes each), with the float accumulators in the frame: acc k at
// 32k(SP), Q4_K's 4-lane min accumulator / Q5_K's scalar min sum at
// 128+16k(SP). Integer sums: Y6-Y9. So the four-row kernels give each row
// the bits of the one-row kernel.

DATA kc0f<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA kc0f<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA kc0f<>+16(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA kc0f<>+24(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL kc0f<>(SB), RODATA|NOPTR, $32

DATA kc03<>+0(SB)/8, $0x0303030303030303
DATA kc03<>+8(SB)/8, $0x0303030303030303
DATA kc03<>+16(SB)/8, $0x0303030303030303
DATA kc03<>+24(SB)/8, $0x0303030303030303
GLOBL kc03<>(SB), RODATA|NOPTR, $32

DATA kc04<>+0(SB)/8, $0x0404040404040404
DATA kc04<>+8(SB)/8, $0x0404040404040404
DATA kc04<>+16(SB)/8, $0x0404040404040404
DATA kc04<>+24(SB)/8, $0x0404040404040404
GLOBL kc04<>(SB), RODATA|NOPTR, $32

DATA kc10<>+0(SB)/8, $0x1010101010101010
DATA kc10<>+8(SB)/8, $0x1010101010101010
DATA kc10<>+16(SB)/8, $0x1010101010101010
DATA kc10<>+24(SB)/8, $0x1010101010101010
GLOBL kc10<>(SB), RODATA|NOPTR, $32

DATA kc20<>+0(SB)/8, $0x2020202020202020
DATA kc20<>+8(SB)/8, $0x2020202020202020
GLOBL kc20<>(SB), RODATA|NOPTR, $16

DATA kc30<>+0(SB)/8, $0x3030303030303030
DATA kc30<>+8(SB)/8, $0x3030303030303030
DATA kc30<>+16(SB)/8, $0x3030303030303030
DATA kc30<>+24(SB)/8, $0x3030303030303030
GLOBL kc30<>(SB), RODATA|NOPTR, $32

// get_scale_shuffle_k4(i): int16 i in every lane.
DATA k4shuf<>+0(SB)/8, $0x0100010001000100
DATA k4shuf<>+8(SB)/8, $0x0100010001000100
DATA k4shuf<>+16(SB)/8, $0x0100010001000100
DATA k4shuf<>+24(SB)/8, $0x0100010001000100
DATA k4shuf<>+32(SB)/8, $0x0302030203020302
DATA k4shuf<>+40(SB)/8, $0x0302030203020302
DATA k4shuf<>+48(SB)/8, $0x0302030203020302
DATA k4shuf<>+56(SB)/8, $0x0302030203020302
DATA k4shuf<>+64(SB)/8, $0x0504050405040504
DATA k4shuf<>+72(SB)/8, $0x0504050405040504
DATA k4shuf<>+80(SB)/8, $0x0504050405040504
DATA k4shuf<>+88(SB)/8, $0x0504050405040504
DATA k4shuf<>+96(SB)/8, $0x0706070607060706
DATA k4shuf<>+104(SB)/8, $0x0706070607060706
DATA k4shuf<>+112(SB)/8, $0x0706070607060706
DATA k4shuf<>+120(SB)/8, $0x0706070607060706
DATA k4shuf<>+128(SB)/8, $0x0908090809080908
DATA k4shuf<>+136(SB)/8, $0x0908090809080908
DATA k4shuf<>+144(SB)/8, $0x0908090809080908
DATA k4shuf<>+152(SB)/8, $0x0908090809080908
DATA k4shuf<>+160(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA k4shuf<>+168(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA k4shuf<>+176(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA k4shuf<>+184(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA k4shuf<>+192(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA k4shuf<>+200(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA k4shuf<>+208(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA k4shuf<>+216(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA k4shuf<>+224(SB)/8, $0x0f0e0f0e0f0e0f0e
DATA k4shuf<>+232(SB)/8, $0x0f0e0f0e0f0e0f0e
DATA k4shuf<>+240(SB)/8, $0x0f0e0f0e0f0e0f0e
DATA k4shuf<>+248(SB)/8, $0x0f0e0f0e0f0e0f0e
GLOBL k4shuf<>(SB), RODATA|NOPTR, $256

// get_scale_shuffle_q3k(i): with 8 int16 scales in both lanes, scale 2i
// in the low lane and 2i+1 in the high one.
DATA q3shuf<>+0(SB)/8, $0x0100010001000100
DATA q3shuf<>+8(SB)/8, $0x0100010001000100
DATA q3shuf<>+16(SB)/8, $0x0302030203020302
DATA q3shuf<>+24(SB)/8, $0x0302030203020302
DATA q3shuf<>+32(SB)/8, $0x0504050405040504
DATA q3shuf<>+40(SB)/8, $0x0504050405040504
DATA q3shuf<>+48(SB)/8, $0x0706070607060706
DATA q3shuf<>+56(SB)/8, $0x0706070607060706
DATA q3shuf<>+64(SB)/8, $0x0908090809080908
DATA q3shuf<>+72(SB)/8, $0x0908090809080908
DATA q3shuf<>+80(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA q3shuf<>+88(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA q3shuf<>+96(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA q3shuf<>+104(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA q3shuf<>+112(SB)/8, $0x0f0e0f0e0f0e0f0e
DATA q3shuf<>+120(SB)/8, $0x0f0e0f0e0f0e0f0e
GLOBL q3shuf<>(SB), RODATA|NOPTR, $128

#define HSUM8(Y, X, T) \
	VEXTRACTF128 $1, Y, T \
	VADDPS X, T, X \
	VMOVHLPS X, X, T \
	VADDPS T, X, X \
	VMOVSHDUP X, T \
	VADDSS T, X, X

#define HSUM4(X, T) \
	VMOVHLPS X, X, T \
	VADDPS T, X, X \
	VMOVSHDUP X, T \
	VADDSS T, X, X

// Arguments and the zeroed frame.
#define ARGS1 \
	MOVQ nb+0(FP), CX \
	MOVQ w+8(FP), SI \
	MOVQ x+16(FP), R8

#define ARGS4 \
	MOVQ nb+0(FP), CX \
	MOVQ w+8(FP), SI \
	MOVQ x+16(FP), R8 \
	MOVQ xstride+24(FP), DX \
	LEAQ (R8)(DX*1), R9 \
	LEAQ (R9)(DX*1), R10 \
	LEAQ (R10)(DX*1), R11

#define ZERO \
	VXORPS Y0, Y0, Y0 \
	VMOVUPS Y0, 0(SP) \
	VMOVUPS Y0, 32(SP) \
	VMOVUPS Y0, 64(SP) \
	VMOVUPS Y0, 96(SP) \
	VMOVUPS Y0, 128(SP) \
	VMOVUPS Y0, 160(SP) \
	VPXOR Y6, Y6, Y6 \
	VPXOR Y7, Y7, Y7 \
	VPXOR Y8, Y8, Y8 \
	VPXOR Y9, Y9, Y9

#define NEXT1(WSIZE) \
	ADDQ $WSIZE, SI \
	ADDQ $292, R8

#define NEXT4(WSIZE) \
	ADDQ $WSIZE, SI \
	ADDQ $292, R8 \
	ADDQ $292, R9 \
	ADDQ $292, R10 \
	ADDQ $292, R11

// End of a super-block for the activation row at P: ACC(SP) +=
// (d_w·d_y)·float(SUMI) (d_w in X12 lane 0); SUMI is cleared.
#define FIN(P, SUMI, ACC) \
	VCVTDQ2PS SUMI, SUMI \
	VMULSS (P), X12, X4 \
	VBROADCASTSS X4, Y4 \
	VFMADD213PS ACC(SP), SUMI, Y4 \
	VMOVUPS Y4, ACC(SP) \
	VPXOR SUMI, SUMI, SUMI

// FIN with the accumulator in register ACC (the one-row kernels: no
// store-to-load chain through the frame). Same float operation.
#define FINR(P, SUMI, ACC) \
	VCVTDQ2PS SUMI, SUMI \
	VMULSS (P), X12, X4 \
	VBROADCASTSS X4, Y4 \
	VFMADD231PS SUMI, Y4, ACC \
	VPXOR SUMI, SUMI, SUMI

// Zeroed register state of the one-row kernels: sum Y6, accumulators Y7
// and X8.
#define ZERO1 \
	VPXOR Y6, Y6, Y6 \
	VXORPS Y7, Y7, Y7 \
	VXORPS Y8, Y8, Y8

#define RESULT1 \
	HSUM8(Y7, X7, X1)

// 32 weights (unsigned bytes in WQ) times the activations at OFF(P),
// weighted by the int16 scales in SC, into SUMI.
#define MAC(P, OFF, WQ, SC, SUMI) \
	VPMADDUBSW OFF(P), WQ, Y4 \
	VPMADDWD SC, Y4, Y4 \
	VPADDD Y4, SUMI, SUMI

#define MAC1(OFF, WQ, SC) \
	MAC(R8, OFF, WQ, SC, Y6)

#define MAC4(OFF, WQ, SC) \
	MAC(R8, OFF, WQ, SC, Y6) \
	MAC(R9, OFF, WQ, SC, Y7) \
	MAC(R10, OFF, WQ, SC, Y8) \
	MAC(R11, OFF, WQ, SC, Y9)

// ---------------------------------------------------------------- Q4_K
// Block (144 B): f16 d | f16 dmin | 12 B scales | 128 B nibbles.

// ggml's utmp unpacking of the 12 scale bytes at 4(SI): Y14 = the 8
// scales as int16 in both lanes, X13 = the 8 mins as int16 (clobbers AX
// BX DX R12 R13 X0).
#define KSCALES \
	MOVL 4(SI), AX \
	MOVL 8(SI), BX \
	MOVL 12(SI), DX \
	MOVL DX, R12 \
	SHRL $4, R12 \
	ANDL $0x0f0f0f0f, R12 \
	MOVL BX, R13 \
	SHRL $6, R13 \
	ANDL $0x03030303, R13 \
	SHLL $4, R13 \
	ORL R13, R12 \
	ANDL $0x3f3f3f3f, BX \
	ANDL $0x0f0f0f0f, DX \
	MOVL AX, R13 \
	SHRL $6, R13 \
	ANDL $0x03030303, R13 \
	SHLL $4, R13 \
	ORL R13, DX \
	ANDL $0x3f3f3f3f, AX \
	VMOVD AX, X0 \
	VPINSRD $1, DX, X0, X0 \
	VPINSRD $2, BX, X0, X0 \
	VPINSRD $3, R12, X0, X0 \
	VPMOVZXBW X0, Y0 \
	VPERMQ $0x44, Y0, Y14 \
	VEXTRACTI128 $1, Y0, X13

// X12 = [d, dmin], X11 lane 0 = dmin.
#define KHEAD \
	KSCALES \
	VCVTPH2PS (SI), X12 \
	VMOVSHDUP X12, X11

// Q4_K mins of the row at P: the 4-lane AM(SP) −= (d_y·dmin)·
// float(mins·(pairwise block sums)) (ggml's acc_m).
#define Q4K_MINS(P, AM) \
	VMOVDQU 260(P), X0 \
	VPHADDW 276(P), X0, X0 \
	VPMADDWD X13, X0, X0 \
	VCVTDQ2PS X0, X0 \
	VMULSS (P), X11, X1 \
	VBROADCASTSS X1, X1 \
	VMOVUPS AM(SP), X2 \
	VFNMADD231PS X0, X1, X2 \
	VMOVUPS X2, AM(SP)

#define Q4K_MINSR(P, AM) \
	VMOVDQU 260(P), X0 \
	VPHADDW 276(P), X0, X0 \
	VPMADDWD X13, X0, X0 \
	VCVTDQ2PS X0, X0 \
	VMULSS (P), X11, X1 \
	VBROADCASTSS X1, X1 \
	VFNMADD231PS X0, X1, AM

// Nibbles of 64 values at QOFF(SI): Y1 low (sub-block 2j), Y0 high; their
// scales Y2, Y3.
#define Q4K_W(QOFF, SL, SH) \
	VMOVDQU QOFF(SI), Y1 \
	VPSRLW $4, Y1, Y0 \
	VPAND Y15, Y1, Y1 \
	VPAND Y15, Y0, Y0 \
	VPSHUFB SL, Y14, Y2 \
	VPSHUFB SH, Y14, Y3

#define Q4K_BODY(MACN) \
	Q4K_W(16, k4shuf<>+0(SB), k4shuf<>+32(SB)) \
	MACN(4, Y1, Y2) \
	MACN(36, Y0, Y3) \
	Q4K_W(48, k4shuf<>+64(SB), k4shuf<>+96(SB)) \
	MACN(68, Y1, Y2) \
	MACN(100, Y0, Y3) \
	Q4K_W(80, k4shuf<>+128(SB), k4shuf<>+160(SB)) \
	MACN(132, Y1, Y2) \
	MACN(164, Y0, Y3) \
	Q4K_W(112, k4shuf<>+192(SB), k4shuf<>+224(SB)) \
	MACN(196, Y1, Y2) \
	MACN(228, Y0, Y3)

// Result k: hsum_float_8(acc) + hsum of the 4-lane acc_m, in X0.
#define Q4K_RESULT(ACC, AM) \
	VMOVUPS ACC(SP), Y0 \
	HSUM8(Y0, X0, X1) \
	VMOVUPS AM(SP), X2 \
	HSUM4(X2, X1) \
	VADDSS X2, X0, X0

// Stores X0 to out[k*ostride] (K = 0..3 as a register offset expression).
#define OUTK(K) \
	MOVQ out+32(FP), DI \
	MOVQ ostride+40(FP), DX \
	IMULQ $(4*K), DX \
	VMOVSS X0, (DI)(DX*1)

// func dotQ4_KAVX2(nb int, w, x *byte) float32
TEXT ·dotQ4_KAVX2(SB), NOSPLIT, $0-28
	ARGS1
	ZERO1
	VMOVDQU kc0f<>(SB), Y15
	TESTQ CX, CX
	JLE q4kdone
q4kloop:
	KHEAD
	Q4K_MINSR(R8, X8)
	Q4K_BODY(MAC1)
	FINR(R8, Y6, Y7)
	NEXT1(144)
	DECQ CX
	JNZ q4kloop
q4kdone:
	HSUM8(Y7, X7, X1)
	HSUM4(X8, X1)
	VADDSS X8, X7, X7
	VMOVSS X7, ret+24(FP)
	VZEROUPPER
	RET


// func dotQ4_Kx4AVX2(nb int, w, x *byte, xstride int, out *float32, ostride int)
TEXT ·dotQ4_Kx4AVX2(SB), NOSPLIT, $192-48
	ARGS4
	ZERO
	VMOVDQU kc0f<>(SB), Y15
	TESTQ CX, CX
	JLE q4kx4done
q4kx4loop:
	KHEAD
	Q4K_MINS(R8, 128)
	Q4K_MINS(R9, 144)
	Q4K_MINS(R10, 160)
	Q4K_MINS(R11, 176)
	Q4K_BODY(MAC4)
	FIN(R8, Y6, 0)
	FIN(R9, Y7, 32)
	FIN(R10, Y8, 64)
	FIN(R11, Y9, 96)
	NEXT4(144)
	DECQ CX
	JNZ q4kx4loop
q4kx4done:
	Q4K_RESULT(0, 128)
	OUTK(0)
	Q4K_RESULT(32, 144)
	OUTK(1)
	Q4K_RESULT(64, 160)
	OUTK(2)
	Q4K_RESULT(96, 176)
	OUTK(3)
	VZEROUPPER
	RET

// ---------------------------------------------------------------- Q5_K
// Block (176 B): f16 d | f16 dmin | 12 B scales | 32 B high bits | 128 B
// nibbles. Y10 holds the high bits.

// Q5_K mins of the row at P: the scalar AM(SP) −= (d_y·dmin)·hsum (ggml's
// summs += dmin*hsum, contracted to an FMA).
#define Q5K_MINS(P, AM) \
	VMOVDQU 260(P), X0 \
	VPHADDW 276(P), X0, X0 \
	VPMADDWD X13, X0, X0 \
	VPHADDD X0, X0, X0 \
	VPHADDD X0, X0, X0 \
	VCVTDQ2PS X0, X0 \
	VMULSS (P), X11, X1 \
	VMOVSS AM(SP), X2 \
	VFNMADD231SS X0, X1, X2 \
	VMOVSS X2, AM(SP)

#define Q5K_MINSR(P, AM) \
	VMOVDQU 260(P), X0 \
	VPHADDW 276(P), X0, X0 \
	VPMADDWD X13, X0, X0 \
	VPHADDD X0, X0, X0 \
	VPHADDD X0, X0, X0 \
	VCVTDQ2PS X0, X0 \
	VMULSS (P), X11, X1 \
	VFNMADD231SS X0, X1, AM

// As Q4K_W plus the fifth bits: bit b of the high-bit bytes moved to bit 4
// by a 16-bit shift (OP0 $S0 for the low nibbles, OP1 $S1 for the high).
#define Q5K_W(QOFF, OP0, S0, OP1, S1, SL, SH) \
	VMOVDQU QOFF(SI), Y1 \
	VPSRLW $4, Y1, Y0 \
	VPAND Y15, Y1, Y1 \
	VPAND Y15, Y0, Y0 \
	OP0 $S0, Y10, Y2 \
	VPAND kc10<>(SB), Y2, Y2 \
	VPOR Y2, Y1, Y1 \
	OP1 $S1, Y10, Y3 \
	VPAND kc10<>(SB), Y3, Y3 \
	VPOR Y3, Y0, Y0 \
	VPSHUFB SL, Y14, Y2 \
	VPSHUFB SH, Y14, Y3

#define Q5K_BODY(MACN) \
	Q5K_W(48, VPSLLW, 4, VPSLLW, 3, k4shuf<>+0(SB), k4shuf<>+32(SB)) \
	MACN(4, Y1, Y2) \
	MACN(36, Y0, Y3) \
	Q5K_W(80, VPSLLW, 2, VPSLLW, 1, k4shuf<>+64(SB), k4shuf<>+96(SB)) \
	MACN(68, Y1, Y2) \
	MACN(100, Y0, Y3) \
	Q5K_W(112, VPSRLW, 0, VPSRLW, 1, k4shuf<>+128(SB), k4shuf<>+160(SB)) \
	MACN(132, Y1, Y2) \
	MACN(164, Y0, Y3) \
	Q5K_W(144, VPSRLW, 2, VPSRLW, 3, k4shuf<>+192(SB), k4shuf<>+224(SB)) \
	MACN(196, Y1, Y2) \
	MACN(228, Y0, Y3)

#define Q5K_RESULT(ACC, AM) \
	VMOVUPS ACC(SP), Y0 \
	HSUM8(Y0, X0, X1) \
	VADDSS AM(SP), X0, X0

// func dotQ5_KAVX2(nb int, w, x *byte) float32
TEXT ·dotQ5_KAVX2(SB), NOSPLIT, $0-28
	ARGS1
	ZERO1
	VMOVDQU kc0f<>(SB), Y15
	TESTQ CX, CX
	JLE q5kdone
q5kloop:
	KHEAD
	VMOVDQU 16(SI), Y10
	Q5K_MINSR(R8, X8)
	Q5K_BODY(MAC1)
	FINR(R8, Y6, Y7)
	NEXT1(176)
	DECQ CX
	JNZ q5kloop
q5kdone:
	HSUM8(Y7, X7, X1)
	VADDSS X8, X7, X7
	VMOVSS X7, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ5_Kx4AVX2(nb int, w, x *byte, xstride int, out *float32, ostride int)
TEXT ·dotQ5_Kx4AVX2(SB), NOSPLIT, $192-48
	ARGS4
	ZERO
	VMOVDQU kc0f<>(SB), Y15
	TESTQ CX, CX
	JLE q5kx4done
q5kx4loop:
	KHEAD
	VMOVDQU 16(SI), Y10
	Q5K_MINS(R8, 128)
	Q5K_MINS(R9, 144)
	Q5K_MINS(R10, 160)
	Q5K_MINS(R11, 176)
	Q5K_BODY(MAC4)
	FIN(R8, Y6, 0)
	FIN(R9, Y7, 32)
	FIN(R10, Y8, 64)
	FIN(R11, Y9, 96)
	NEXT4(176)
	DECQ CX
	JNZ q5kx4loop
q5kx4done:
	Q5K_RESULT(0, 128)
	OUTK(0)
	Q5K_RESULT(32, 144)
	OUTK(1)
	Q5K_RESULT(64, 160)
	OUTK(2)
	Q5K_RESULT(96, 176)
	OUTK(3)
	VZEROUPPER
	RET

// ---------------------------------------------------------------- Q6_K
// Block (210 B): 128 B low nibbles | 64 B high 2-bit pairs | 16 int8
// scales | f16 d. Values are q − 32 with q in 0..63: the products use q,
// and 32·Σ scale·(block sum) is taken off first (ggml's q8sclsub).

// Y13 = the 16 scales as int16, X12 lane 0 = d.
#define Q6K_HEAD \
	VPMOVSXBW 192(SI), Y13 \
	MOVWLZX 208(SI), AX \
	VMOVD AX, X12 \
	VCVTPH2PS X12, X12

#define Q6K_CORR(P, SUMI) \
	VPMADDWD 260(P), Y13, Y4 \
	VPSLLD $5, Y4, Y4 \
	VPSUBD Y4, SUMI, SUMI

// Weights of 128 values: Y0 = low nibble bytes QL(SI), Y1 = QL+32, Y2 =
// high pairs QH(SI); Y14 = this half's 8 scales in both lanes.
#define Q6K_LOAD(QL, QH, PERM) \
	VMOVDQU QL(SI), Y0 \
	VMOVDQU (QL+32)(SI), Y1 \
	VMOVDQU QH(SI), Y2 \
	VPERMQ $PERM, Y13, Y14

// Sub-vector i: Y3 = ((SRC >> LS) & 15) | ((QH HOP HS) & 0x30), Y5 its
// scales.
#define Q6K_Q(SRC, LS, HOP, HS, SHUF) \
	VPSRLW $LS, SRC, Y3 \
	VPAND Y15, Y3, Y3 \
	HOP $HS, Y2, Y10 \
	VPAND kc30<>(SB), Y10, Y10 \
	VPOR Y10, Y3, Y3 \
	VPSHUFB SHUF, Y14, Y5

#define Q6K_BODY(MACN) \
	Q6K_LOAD(0, 128, 0x44) \
	Q6K_Q(Y0, 0, VPSLLW, 4, q3shuf<>+0(SB)) \
	MACN(4, Y3, Y5) \
	Q6K_Q(Y1, 0, VPSLLW, 2, q3shuf<>+32(SB)) \
	MACN(36, Y3, Y5) \
	Q6K_Q(Y0, 4, VPSRLW, 0, q3shuf<>+64(SB)) \
	MACN(68, Y3, Y5) \
	Q6K_Q(Y1, 4, VPSRLW, 2, q3shuf<>+96(SB)) \
	MACN(100, Y3, Y5) \
	Q6K_LOAD(64, 160, 0xEE) \
	Q6K_Q(Y0, 0, VPSLLW, 4, q3shuf<>+0(SB)) \
	MACN(132, Y3, Y5) \
	Q6K_Q(Y1, 0, VPSLLW, 2, q3shuf<>+32(SB)) \
	MACN(164, Y3, Y5) \
	Q6K_Q(Y0, 4, VPSRLW, 0, q3shuf<>+64(SB)) \
	MACN(196, Y3, Y5) \
	Q6K_Q(Y1, 4, VPSRLW, 2, q3shuf<>+96(SB)) \
	MACN(228, Y3, Y5)

#define ACC_RESULT(ACC) \
	VMOVUPS ACC(SP), Y0 \
	HSUM8(Y0, X0, X1)

// func dotQ6_KAVX2(nb int, w, x *byte) float32
TEXT ·dotQ6_KAVX2(SB), NOSPLIT, $0-28
	ARGS1
	ZERO1
	VMOVDQU kc0f<>(SB), Y15
	TESTQ CX, CX
	JLE q6kdone
q6kloop:
	Q6K_HEAD
	Q6K_CORR(R8, Y6)
	Q6K_BODY(MAC1)
	FINR(R8, Y6, Y7)
	NEXT1(210)
	DECQ CX
	JNZ q6kloop
q6kdone:
	RESULT1
	VMOVSS X7, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ6_Kx4AVX2(nb int, w, x *byte, xstride int, out *float32, ostride int)
TEXT ·dotQ6_Kx4AVX2(SB), NOSPLIT, $192-48
	ARGS4
	ZERO
	VMOVDQU kc0f<>(SB), Y15
	TESTQ CX, CX
	JLE q6kx4done
q6kx4loop:
	Q6K_HEAD
	Q6K_CORR(R8, Y6)
	Q6K_CORR(R9, Y7)
	Q6K_CORR(R10, Y8)
	Q6K_CORR(R11, Y9)
	Q6K_BODY(MAC4)
	FIN(R8, Y6, 0)
	FIN(R9, Y7, 32)
	FIN(R10, Y8, 64)
	FIN(R11, Y9, 96)
	NEXT4(210)
	DECQ CX
	JNZ q6kx4loop
q6kx4done:
	ACC_RESULT(0)
	OUTK(0)
	ACC_RESULT(32)
	OUTK(1)
	ACC_RESULT(64)
	OUTK(2)
	ACC_RESULT(96)
	OUTK(3)
	VZEROUPPER
	RET

// ---------------------------------------------------------------- Q3_K
// Block (110 B): 32 B high-bit mask | 64 B 2-bit values | 12 B scales |
// f16 d. Values are q3 − 4·(1 − h) in −4..3: as ggml, maddubs of the two
// low bits minus maddubs of the 4s where the high bit is clear. Y10 = the
// mask.

// Y13 = the 16 scales (6 bits − 32) as int16, X12 lane 0 = d (clobbers AX
// BX DX R12 R13 X0).
#define Q3K_HEAD \
	MOVL 96(SI), AX \
	MOVL 100(SI), BX \
	MOVL 104(SI), DX \
	MOVL DX, R12 \
	ANDL $0x03030303, R12 \
	SHLL $4, R12 \
	MOVL AX, R13 \
	ANDL $0x0f0f0f0f, R13 \
	ORL R13, R12 \
	VMOVD R12, X0 \
	MOVL DX, R12 \
	SHRL $2, R12 \
	ANDL $0x03030303, R12 \
	SHLL $4, R12 \
	MOVL BX, R13 \
	ANDL $0x0f0f0f0f, R13 \
	ORL R13, R12 \
	VPINSRD $1, R12, X0, X0 \
	MOVL DX, R12 \
	SHRL $4, R12 \
	ANDL $0x03030303, R12 \
	SHLL $4, R12 \
	SHRL $4, AX \
	ANDL $0x0f0f0f0f, AX \
	ORL AX, R12 \
	VPINSRD $2, R12, X0, X0 \
	SHRL $6, DX \
	ANDL $0x03030303, DX \
	SHLL $4, DX \
	SHRL $4, BX \
	ANDL $0x0f0f0f0f, BX \
	ORL BX, DX \
	VPINSRD $3, DX, X0, X0 \
	VPSUBB kc20<>(SB), X0, X0 \
	VPMOVSXBW X0, Y13 \
	MOVWLZX 108(SI), AX \
	VMOVD AX, X12 \
	VCVTPH2PS X12, X12 \
	VMOVDQU (SI), Y10

// Sub-vector i: Y3 = (Y0 >> 2i) & 3, Y2 = 4 where mask bit b (moved to
// bit 2 by HOP $HS) is clear, Y5 the scales.
#define Q3K_Q(LS, HOP, HS, SHUF) \
	VPSRLW $LS, Y0, Y3 \
	VPAND kc03<>(SB), Y3, Y3 \
	HOP $HS, Y10, Y2 \
	VPANDN kc04<>(SB), Y2, Y2 \
	VPSHUFB SHUF, Y14, Y5

#define MAC3(P, OFF, SUMI) \
	VPMADDUBSW OFF(P), Y3, Y4 \
	VPMADDUBSW OFF(P), Y2, Y1 \
	VPSUBW Y1, Y4, Y4 \
	VPMADDWD Y5, Y4, Y4 \
	VPADDD Y4, SUMI, SUMI

#define MAC3_1(OFF, WQ, SC) \
	MAC3(R8, OFF, Y6)

#define MAC3_4(OFF, WQ, SC) \
	MAC3(R8, OFF, Y6) \
	MAC3(R9, OFF, Y7) \
	MAC3(R10, OFF, Y8) \
	MAC3(R11, OFF, Y9)

#define Q3K_BODY(MACN) \
	VMOVDQU 32(SI), Y0 \
	VPERMQ $0x44, Y13, Y14 \
	Q3K_Q(0, VPSLLW, 2, q3shuf<>+0(SB)) \
	MACN(4, Y3, Y5) \
	Q3K_Q(2, VPSLLW, 1, q3shuf<>+32(SB)) \
	MACN(36, Y3, Y5) \
	Q3K_Q(4, VPSRLW, 0, q3shuf<>+64(SB)) \
	MACN(68, Y3, Y5) \
	Q3K_Q(6, VPSRLW, 1, q3shuf<>+96(SB)) \
	MACN(100, Y3, Y5) \
	VMOVDQU 64(SI), Y0 \
	VPERMQ $0xEE, Y13, Y14 \
	Q3K_Q(0, VPSRLW, 2, q3shuf<>+0(SB)) \
	MACN(132, Y3, Y5) \
	Q3K_Q(2, VPSRLW, 3, q3shuf<>+32(SB)) \
	MACN(164, Y3, Y5) \
	Q3K_Q(4, VPSRLW, 4, q3shuf<>+64(SB)) \
	MACN(196, Y3, Y5) \
	Q3K_Q(6, VPSRLW, 5, q3shuf<>+96(SB)) \
	MACN(228, Y3, Y5)

// func dotQ3_KAVX2(nb int, w, x *byte) float32
TEXT ·dotQ3_KAVX2(SB), NOSPLIT, $0-28
	ARGS1
	ZERO1
	TESTQ CX, CX
	JLE q3kdone
q3kloop:
	Q3K_HEAD
	Q3K_BODY(MAC3_1)
	FINR(R8, Y6, Y7)
	NEXT1(110)
	DECQ CX
	JNZ q3kloop
q3kdone:
	RESULT1
	VMOVSS X7, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ3_Kx4AVX2(nb int, w, x *byte, xstride int, out *float32, ostride int)
TEXT ·dotQ3_Kx4AVX2(SB), NOSPLIT, $192-48
	ARGS4
	ZERO
	TESTQ CX, CX
	JLE q3kx4done
q3kx4loop:
	Q3K_HEAD
	Q3K_BODY(MAC3_4)
	FIN(R8, Y6, 0)
	FIN(R9, Y7, 32)
	FIN(R10, Y8, 64)
	FIN(R11, Y9, 96)
	NEXT4(110)
	DECQ CX
	JNZ q3kx4loop
q3kx4done:
	ACC_RESULT(0)
	OUTK(0)
	ACC_RESULT(32)
	OUTK(1)
	ACC_RESULT(64)
	OUTK(2)
	ACC_RESULT(96)
	OUTK(3)
	VZEROUPPER
	RET

// ---------------------------------------------------------------- Q2_K
// Block (84 B): 16 B scales (low nibble scale, high nibble min) | 64 B
// 2-bit values | f16 d | f16 dmin. Y13 = scales, Y11 = mins (int16).

#define Q2K_HEAD \
	VMOVDQU (SI), X0 \
	VPSRLW $4, X0, X1 \
	VPAND kc0f<>(SB), X0, X0 \
	VPAND kc0f<>(SB), X1, X1 \
	VPMOVZXBW X0, Y13 \
	VPMOVZXBW X1, Y11 \
	MOVL 80(SI), AX \
	VMOVD AX, X12 \
	VCVTPH2PS X12, X12 \
	VMOVSHDUP X12, X10

// ggml: acc = fma(−d_y·dmin, float(mins·block sums), acc), before the
// super-block's products.
#define Q2K_MINS(P, ACC) \
	VPMADDWD 260(P), Y11, Y4 \
	VCVTDQ2PS Y4, Y4 \
	VMULSS (P), X10, X5 \
	VBROADCASTSS X5, Y5 \
	VFNMADD213PS ACC(SP), Y4, Y5 \
	VMOVUPS Y5, ACC(SP)

#define Q2K_MINSR(P, ACC) \
	VPMADDWD 260(P), Y11, Y4 \
	VCVTDQ2PS Y4, Y4 \
	VMULSS (P), X10, X5 \
	VBROADCASTSS X5, Y5 \
	VFNMADD231PS Y4, Y5, ACC

#define Q2K_Q(LS, SHUF) \
	VPSRLW $LS, Y0, Y3 \
	VPAND kc03<>(SB), Y3, Y3 \
	VPSHUFB SHUF, Y14, Y5

#define Q2K_BODY(MACN) \
	VMOVDQU 16(SI), Y0 \
	VPERMQ $0x44, Y13, Y14 \
	Q2K_Q(0, q3shuf<>+0(SB)) \
	MACN(4, Y3, Y5) \
	Q2K_Q(2, q3shuf<>+32(SB)) \
	MACN(36, Y3, Y5) \
	Q2K_Q(4, q3shuf<>+64(SB)) \
	MACN(68, Y3, Y5) \
	Q2K_Q(6, q3shuf<>+96(SB)) \
	MACN(100, Y3, Y5) \
	VMOVDQU 48(SI), Y0 \
	VPERMQ $0xEE, Y13, Y14 \
	Q2K_Q(0, q3shuf<>+0(SB)) \
	MACN(132, Y3, Y5) \
	Q2K_Q(2, q3shuf<>+32(SB)) \
	MACN(164, Y3, Y5) \
	Q2K_Q(4, q3shuf<>+64(SB)) \
	MACN(196, Y3, Y5) \
	Q2K_Q(6, q3shuf<>+96(SB)) \
	MACN(228, Y3, Y5)

// func dotQ2_KAVX2(nb int, w, x *byte) float32
TEXT ·dotQ2_KAVX2(SB), NOSPLIT, $0-28
	ARGS1
	ZERO1
	TESTQ CX, CX
	JLE q2kdone
q2kloop:
	Q2K_HEAD
	Q2K_MINSR(R8, Y7)
	Q2K_BODY(MAC1)
	FINR(R8, Y6, Y7)
	NEXT1(84)
	DECQ CX
	JNZ q2kloop
q2kdone:
	RESULT1
	VMOVSS X7, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ2_Kx4AVX2(nb int, w, x *byte, xstride int, out *float32, ostride int)
TEXT ·dotQ2_Kx4AVX2(SB), NOSPLIT, $192-48
	ARGS4
	ZERO
	TESTQ CX, CX
	JLE q2kx4done
q2kx4loop:
	Q2K_HEAD
	Q2K_MINS(R8, 0)
	Q2K_MINS(R9, 32)
	Q2K_MINS(R10, 64)
	Q2K_MINS(R11, 96)
	Q2K_BODY(MAC4)
	FIN(R8, Y6, 0)
	FIN(R9, Y7, 32)
	FIN(R10, Y8, 64)
	FIN(R11, Y9, 96)
	NEXT4(84)
	DECQ CX
	JNZ q2kx4loop
q2kx4done:
	ACC_RESULT(0)
	OUTK(0)
	ACC_RESULT(32)
	OUTK(1)
	ACC_RESULT(64)
	OUTK(2)
	ACC_RESULT(96)
	OUTK(3)
	VZEROUPPER
	RET
