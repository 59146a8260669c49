#include "textflag.h"

// One 64-value group of a Q4_K block: nibbles of 32 bytes at QOFF(SI)
// times the Q8_K values at Q8OFF(DI), scaled by the scales picked from Y11
// A group recomputing the nibbles from QOFF(SI).
#define Q4K_XGROUP(QOFF, XR, Q8OFF, SA, SB) \
	VMOVDQU QOFF(SI), Y4 \
	VPAND Y8, Y4, Y5 \
	VPSRLW $4, Y4, Y6 \
	VPAND Y8, Y6, Y6 \
	VPMADDUBSW Q8OFF(XR), Y5, Y5 \
	VPMADDUBSW (Q8OFF+32)(XR), Y6, Y6 \
	VPMADDWD SA(SP), Y5, Y5 \
	VPMADDWD SB(SP), Y6, Y6 \
	VPADDD Y5, Y9, Y9 \
	VPADDD Y6, Y9, Y9

// with the shuffle masks at MA/MB(R12), added into Y9.
#define Q4K_RGROUP(QOFF, Q8OFF, MA, MB) \
	VMOVDQU QOFF(SI), Y4 \
	VPAND Y8, Y4, Y5 \
	VPSRLW $4, Y4, Y6 \
	VPAND Y8, Y6, Y6 \
	VPMADDUBSW Q8OFF(DI), Y5, Y5 \
	VPMADDUBSW (Q8OFF+32)(DI), Y6, Y6 \
	VPSHUFB MA(R12), Y11, Y12 \
	VPMADDWD Y12, Y5, Y5 \
	VPSHUFB MB(R12), Y11, Y12 \
	VPMADDWD Y12, Y6, Y6 \
	VPADDD Y5, Y9, Y9 \
	VPADDD Y6, Y9, Y9

// The eight shuffled scale vectors of a Q4_K block (scales in both lanes
// of Y11) stored at 0..224(SP).
#define Q4K_SCALEVECS \
	VPSHUFB 0(R12), Y11, Y4 \
	VMOVDQU Y4, 0(SP) \
	VPSHUFB 32(R12), Y11, Y4 \
	VMOVDQU Y4, 32(SP) \
	VPSHUFB 64(R12), Y11, Y4 \
	VMOVDQU Y4, 64(SP) \
	VPSHUFB 96(R12), Y11, Y4 \
	VMOVDQU Y4, 96(SP) \
	VPSHUFB 128(R12), Y11, Y4 \
	VMOVDQU Y4, 128(SP) \
	VPSHUFB 160(R12), Y11, Y4 \
	VMOVDQU Y4, 160(SP) \
	VPSHUFB 192(R12), Y11, Y4 \
	VMOVDQU Y4, 192(SP) \
	VPSHUFB 224(R12), Y11, Y4 \
	VMOVDQU Y4, 224(SP)

// ggml's 6-bit scale/min unpacking of a Q4_K/Q5_K block at SI (bytes
// 4..15) into Y10: 8 scales then 8 mins as int16 (clobbers AX BX DX R8-R11).
#define KSCALES \
	MOVL 4(SI), AX \
	MOVL 8(SI), BX \
	MOVL 12(SI), DX \
	MOVL DX, R8 \
	SHRL $4, R8 \
	ANDL $0x0F0F0F0F, R8 \
	MOVL BX, R9 \
	SHRL $6, R9 \
	ANDL $0x03030303, R9 \
	SHLL $4, R9 \
	ORL  R9, R8 \
	MOVL BX, R10 \
	ANDL $0x3F3F3F3F, R10 \
	MOVL DX, R11 \
	ANDL $0x0F0F0F0F, R11 \
	MOVL AX, R9 \
	SHRL $6, R9 \
	ANDL $0x03030303, R9 \
	SHLL $4, R9 \
	ORL  R9, R11 \
	ANDL $0x3F3F3F3F, AX \
	VMOVD AX, X10 \
	VPINSRD $1, R11, X10, X10 \
	VPINSRD $2, R10, X10, X10 \
	VPINSRD $3, R8, X10, X10 \
	VPMOVZXBW X10, Y10

// One 64-value group j of a Q5_K block: low/high nibbles of 32 bytes at
// QOFF(SI) plus bits 2j and 2j+1 of qh (Y3), times q8 at Q8OFF(DI), scaled
// by shuffle masks MA/MB, summed into Y9.
#define Q5K_GROUP(QOFF, Q8OFF, SHL, SHH, MA, MB) \
	VMOVDQU QOFF(SI), Y4 \
	VPAND Y8, Y4, Y5 \
	VPSRLW $4, Y4, Y6 \
	VPAND Y8, Y6, Y6 \
	VPSRLW $SHL, Y3, Y7 \
	VPAND Y14, Y7, Y7 \
	VPSLLW $4, Y7, Y7 \
	VPOR Y7, Y5, Y5 \
	VPSRLW $SHH, Y3, Y7 \
	VPAND Y14, Y7, Y7 \
	VPSLLW $4, Y7, Y7 \
	VPOR Y7, Y6, Y6 \
	VPMADDUBSW Q8OFF(DI), Y5, Y5 \
	VPMADDUBSW (Q8OFF+32)(DI), Y6, Y6 \
	VPSHUFB MA(R12), Y11, Y12 \
	VPMADDWD Y12, Y5, Y5 \
	VPADDD Y5, Y9, Y9 \
	VPSHUFB MB(R12), Y11, Y12 \
	VPMADDWD Y12, Y6, Y6 \
	VPADDD Y6, Y9, Y9

// One activation row (R9) of a Q6_K block: ACC += d_w·d_x·Σ.
#define Q6K_ROWX4_D(ACC) \
	VPXOR Y9, Y9, Y9 \
	Q6K_PARTX4(0, 4, 512) \
	Q6K_PARTX4(32, 36, 544) \
	Q6K_PARTX4(64, 68, 576) \
	Q6K_PARTX4(96, 100, 608) \
	Q6K_PARTX4(128, 132, 640) \
	Q6K_PARTX4(160, 164, 672) \
	Q6K_PARTX4(192, 196, 704) \
	Q6K_PARTX4(224, 228, 736) \
	VMOVSS (R9), X7 \
	VMULSS X13, X7, X7 \
	VCVTDQ2PS Y9, Y9 \
	VBROADCASTSS X7, Y7 \
	VFMADD231PS Y9, Y7, ACC

// One part of a Q6_K block from the stacked q-vectors (0..224(SP), chunk
// c at +128c) and scale vectors (512+32k(SP)): Y9 += scale·(q6·q8 − 32·q8).
#define Q6K_PARTX4(QOFF, Q8OFF, SOFF) \
	VMOVDQU QOFF(SP), Y4 \
	VMOVDQU Q8OFF(R9), Y7 \
	VPMADDUBSW Y7, Y4, Y4 \
	VPMADDUBSW Y7, Y14, Y7 \
	VPSUBW Y7, Y4, Y4 \
	VPMADDWD SOFF(SP), Y4, Y4 \
	VPADDD Y4, Y9, Y9

// Build q-vector k of chunk c (QREG) from ql (Y4/Y5) and qh (Y3).
#define Q6K_BUILD(OFF) \
	VPAND Y15, Y3, Y6 \
	VPSLLW $4, Y6, Y6 \
	VPAND Y8, Y4, Y1 \
	VPOR Y6, Y1, Y1 \
	VMOVDQU Y1, (OFF+0)(SP) \
	VPSRLW $2, Y3, Y6 \
	VPAND Y15, Y6, Y6 \
	VPSLLW $4, Y6, Y6 \
	VPAND Y8, Y5, Y1 \
	VPOR Y6, Y1, Y1 \
	VMOVDQU Y1, (OFF+32)(SP) \
	VPSRLW $4, Y3, Y6 \
	VPAND Y15, Y6, Y6 \
	VPSLLW $4, Y6, Y6 \
	VPSRLW $4, Y4, Y1 \
	VPAND Y8, Y1, Y1 \
	VPOR Y6, Y1, Y1 \
	VMOVDQU Y1, (OFF+64)(SP) \
	VPSRLW $6, Y3, Y6 \
	VPAND Y15, Y6, Y6 \
	VPSLLW $4, Y6, Y6 \
	VPSRLW $4, Y5, Y1 \
	VPAND Y8, Y1, Y1 \
	VPOR Y6, Y1, Y1 \
	VMOVDQU Y1, (OFF+96)(SP)

// Scale vector for sub-blocks a (low lane) and b (high lane).
#define Q6K_SCALE(A, B, OFF) \
	VPBROADCASTW (A*2+768)(SP), Y1 \
	VPBROADCASTW (B*2+768)(SP), X6 \
	VINSERTI128 $1, X6, Y1, Y1 \
	VMOVDQU Y1, OFF(SP)

#define Q80_ROW(XR, ACC) \
	VBROADCASTSS (XR), Y6 \
	VMULPS Y15, Y6, Y6 \
	VMOVDQU 4(XR), Y8 \
	VPSIGNB Y4, Y8, Y8 \
	VPMADDUBSW Y8, Y5, Y8 \
	VPMADDWD Y7, Y8, Y8 \
	VCVTDQ2PS Y8, Y8 \
	VFMADD231PS Y8, Y6, ACC

#define SCALEMASK(i, off) \
	DATA q4kmask<>+(off+0)(SB)/8, $((2*i)|(2*i+1)<<8|(2*i)<<16|(2*i+1)<<24|(2*i)<<32|(2*i+1)<<40|(2*i)<<48|(2*i+1)<<56) \
	DATA q4kmask<>+(off+8)(SB)/8, $((2*i)|(2*i+1)<<8|(2*i)<<16|(2*i+1)<<24|(2*i)<<32|(2*i+1)<<40|(2*i)<<48|(2*i+1)<<56) \
	DATA q4kmask<>+(off+16)(SB)/8, $((2*i)|(2*i+1)<<8|(2*i)<<16|(2*i+1)<<24|(2*i)<<32|(2*i+1)<<40|(2*i)<<48|(2*i+1)<<56) \
	DATA q4kmask<>+(off+24)(SB)/8, $((2*i)|(2*i+1)<<8|(2*i)<<16|(2*i+1)<<24|(2*i)<<32|(2*i+1)<<40|(2*i)<<48|(2*i+1)<<56)

#define Q6K_PART(QREG, Q8OFF, SCA, SCB) \
	VMOVDQU Q8OFF(R9), Y7 \
	VPMADDUBSW Y7, QREG, QREG \
	VPMADDUBSW Y7, Y14, Y7 \
	VPSUBW Y7, QREG, QREG \
	VPBROADCASTW SCA(SP)(R11*1), Y7 \
	VPBROADCASTW SCB(SP)(R11*1), X6 \
	VINSERTI128 $1, X6, Y7, Y7 \
	VPMADDWD Y7, QREG, QREG \
	VPADDD QREG, Y9, Y9

#define Q4K_ROW(ACC, XOFF) \
	LEAQ XOFF(DI), R9 \
	VMOVSS (R9), X7 \
	VMULSS X15, X7, X12 \
	VMULSS X10, X7, X13 \
	VMOVDQU 260(R9), Y4 \
	VEXTRACTI128 $1, Y4, X5 \
	VPHADDW X5, X4, X4 \
	VPMADDWD X4, X14, X5 \
	VCVTDQ2PS X5, X5 \
	VBROADCASTSS X13, Y13 \
	VFNMADD231PS Y5, Y13, ACC \
	VPXOR Y9, Y9, Y9 \
	Q4K_XGROUP(16, R9, 4, 0, 32) \
	Q4K_XGROUP(48, R9, 68, 64, 96) \
	Q4K_XGROUP(80, R9, 132, 128, 160) \
	Q4K_XGROUP(112, R9, 196, 192, 224) \
	VCVTDQ2PS Y9, Y9 \
	VBROADCASTSS X12, Y12 \
	VFMADD231PS Y9, Y12, ACC

#define HSUMTO(Y, X, dst) \
	VEXTRACTF128 $1, Y, X12 \
	VADDPS X12, X, X \
	VHADDPS X, X, X \
	VHADDPS X, X, X \
	MOVSS X, dst

// Integer dot products of quantized weight rows with Q8_0 activations,
// as ggml's AVX2 kernels: per 32-value block, |w|·sign(x, w) through
// VPMADDUBSW/VPMADDWD, converted to float and scaled by d_w·d_x.

// func dotQ8_0(nb int, w *byte, x *byte) float32
TEXT ·dotQ8_0(SB), NOSPLIT, $0-28
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DI
	VXORPS Y0, Y0, Y0
	MOVL $0x00010001, AX
	VMOVD AX, X7
	VPBROADCASTD X7, Y7
q80loop:
	TESTQ CX, CX
	JZ    q80done
	MOVWLZX (SI), AX
	VMOVD AX, X1
	VCVTPH2PS X1, X1
	VMULSS (DI), X1, X1
	VBROADCASTSS X1, Y1
	VMOVDQU 2(SI), Y3
	VMOVDQU 4(DI), Y4
	VPSIGNB Y3, Y3, Y5
	VPSIGNB Y3, Y4, Y6
	VPMADDUBSW Y6, Y5, Y5
	VPMADDWD Y7, Y5, Y5
	VCVTDQ2PS Y5, Y5
	VFMADD231PS Y5, Y1, Y0
	ADDQ $34, SI
	ADDQ $36, DI
	DECQ CX
	JMP  q80loop
q80done:
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func dotQ4_0(nb int, w *byte, x *byte) float32
TEXT ·dotQ4_0(SB), NOSPLIT, $0-28
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DI
	VXORPS Y0, Y0, Y0
	MOVL $0x00010001, AX
	VMOVD AX, X7
	VPBROADCASTD X7, Y7
	MOVL $0x0F0F0F0F, AX
	VMOVD AX, X8
	VPBROADCASTD X8, Y8
	MOVL $0x08080808, AX
	VMOVD AX, X9
	VPBROADCASTD X9, Y9
q40loop:
	TESTQ CX, CX
	JZ    q40done
	MOVWLZX (SI), AX
	VMOVD AX, X1
	VCVTPH2PS X1, X1
	VMULSS (DI), X1, X1
	VBROADCASTSS X1, Y1
	VMOVDQU 2(SI), X3
	VPSRLW $4, X3, X4
	VINSERTI128 $1, X4, Y3, Y3
	VPAND Y8, Y3, Y3
	VPSUBB Y9, Y3, Y3
	VMOVDQU 4(DI), Y4
	VPSIGNB Y3, Y3, Y5
	VPSIGNB Y3, Y4, Y6
	VPMADDUBSW Y6, Y5, Y5
	VPMADDWD Y7, Y5, Y5
	VCVTDQ2PS Y5, Y5
	VFMADD231PS Y5, Y1, Y0
	ADDQ $18, SI
	ADDQ $36, DI
	DECQ CX
	JMP  q40loop
q40done:
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// Shuffle masks picking int16 scale i in every word: bytes (2i, 2i+1).

SCALEMASK(0, 0)
SCALEMASK(1, 32)
SCALEMASK(2, 64)
SCALEMASK(3, 96)
SCALEMASK(4, 128)
SCALEMASK(5, 160)
SCALEMASK(6, 192)
SCALEMASK(7, 224)
GLOBL q4kmask<>(SB), RODATA|NOPTR, $256

// func dotQ4_K(nb int, w *byte, x *byte) float32
// w: Q4_K blocks (144 bytes), x: Q8_K blocks (292 bytes).
TEXT ·dotQ4_K(SB), NOSPLIT, $0-28
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DI
	LEAQ q4kmask<>(SB), R12
	VXORPS Y0, Y0, Y0          // acc
	VXORPS X13, X13, X13       // acc_m
	MOVL $0x0F0F0F0F, AX
	VMOVD AX, X8
	VPBROADCASTD X8, Y8        // m4
q4kloop:
	TESTQ CX, CX
	JZ    q4kdone
	KSCALES
	VINSERTI128 $1, X10, Y10, Y11  // scales in both lanes
	// d = y.d * x.d ; y.d * dmin
	VMOVSS (DI), X1
	MOVWLZX (SI), AX
	VMOVD AX, X2
	VCVTPH2PS X2, X2
	VMULSS X2, X1, X2
	MOVWLZX 2(SI), AX
	VMOVD AX, X3
	VCVTPH2PS X3, X3
	VMULSS X3, X1, X3
	// mins · bsums
	VMOVDQU 260(DI), Y4
	VEXTRACTI128 $1, Y4, X5
	VPHADDW X5, X4, X4
	VEXTRACTI128 $1, Y10, X5
	VPMADDWD X4, X5, X5
	VCVTDQ2PS X5, X5
	VBROADCASTSS X3, X3
	VFNMADD231PS X5, X3, X13
	// quants
	VPXOR Y9, Y9, Y9
	Q4K_RGROUP(16, 4, 0, 32)
	Q4K_RGROUP(48, 68, 64, 96)
	Q4K_RGROUP(80, 132, 128, 160)
	Q4K_RGROUP(112, 196, 192, 224)
	VCVTDQ2PS Y9, Y9
	VBROADCASTSS X2, Y2
	VFMADD231PS Y9, Y2, Y0
	ADDQ $144, SI
	ADDQ $292, DI
	DECQ CX
	JMP  q4kloop
q4kdone:
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X13, X13, X13
	VHADDPS X13, X13, X13
	VADDSS X13, X0, X0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// Q6_K: 6-bit values (ql low nibbles + qh 2 bits) − 32 with int8 scales
// per 16 values. q6·q8 − 32·q8 through VPMADDUBSW, then scaled.

// func dotQ6_K(nb int, w *byte, x *byte) float32
TEXT ·dotQ6_K(SB), NOSPLIT, $64-28
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DI
	VXORPS Y0, Y0, Y0
	MOVL $0x0F0F0F0F, AX
	VMOVD AX, X8
	VPBROADCASTD X8, Y8        // m4
	MOVL $0x03030303, AX
	VMOVD AX, X15
	VPBROADCASTD X15, Y15      // m2
	MOVL $0x20202020, AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14      // 32s
q6kloop:
	TESTQ CX, CX
	JZ    q6kdone
	VPMOVSXBW 192(SI), Y10     // 16 scales as int16
	VMOVDQU Y10, 0(SP)
	VMOVSS (DI), X1
	MOVWLZX 208(SI), AX
	VMOVD AX, X2
	VCVTPH2PS X2, X2
	VMULSS X2, X1, X2          // d
	VPXOR Y9, Y9, Y9
	MOVQ SI, R8                // ql
	LEAQ 4(DI), R9             // q8
	XORQ R11, R11              // scale byte offset: 16 per chunk (8 int16)
	XORQ R10, R10              // chunk
q6kc:
	VMOVDQU (R8), Y4           // ql[0..31]
	VMOVDQU 32(R8), Y5         // ql[32..63]
	MOVQ R10, AX
	SHLQ $5, AX
	VMOVDQU 128(SI)(AX*1), Y3  // qh[32c..]
	// q0 = (ql0 & 15) | ((qh & 3) << 4)
	VPAND Y15, Y3, Y6
	VPSLLW $4, Y6, Y6
	VPAND Y8, Y4, Y1
	VPOR Y6, Y1, Y1
	// q1 = (ql1 & 15) | (((qh >> 2) & 3) << 4)
	VPSRLW $2, Y3, Y6
	VPAND Y15, Y6, Y6
	VPSLLW $4, Y6, Y6
	VPAND Y8, Y5, Y11
	VPOR Y6, Y11, Y11
	// q2 = (ql0 >> 4) | (((qh >> 4) & 3) << 4)
	VPSRLW $4, Y3, Y6
	VPAND Y15, Y6, Y6
	VPSLLW $4, Y6, Y6
	VPSRLW $4, Y4, Y12
	VPAND Y8, Y12, Y12
	VPOR Y6, Y12, Y12
	// q3 = (ql1 >> 4) | (((qh >> 6) & 3) << 4)
	VPSRLW $6, Y3, Y6
	VPAND Y15, Y6, Y6
	VPSLLW $4, Y6, Y6
	VPSRLW $4, Y5, Y13
	VPAND Y8, Y13, Y13
	VPOR Y6, Y13, Y13
	Q6K_PART(Y1, 0, 0, 2)
	Q6K_PART(Y11, 32, 4, 6)
	Q6K_PART(Y12, 64, 8, 10)
	Q6K_PART(Y13, 96, 12, 14)
	ADDQ $64, R8
	ADDQ $128, R9
	ADDQ $16, R11
	INCQ R10
	CMPQ R10, $2
	JL   q6kc
	VCVTDQ2PS Y9, Y9
	VBROADCASTSS X2, Y2
	VFMADD231PS Y9, Y2, Y0
	ADDQ $210, SI
	ADDQ $292, DI
	DECQ CX
	JMP  q6kloop
q6kdone:
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// Four activation rows per pass over a Q4_K weight row: the scale
// unpacking and shuffles are done once per block for all four.
// One row's work: ACC += d·Σ(scale·q4·q8) − dmin·Σ(min·bsum).


// func dotQ4_Kx4(nb int, w *byte, x *byte, xstride int, out *[4]float32)
// x: four Q8_K rows, xstride bytes apart.
TEXT ·dotQ4_Kx4(SB), NOSPLIT, $512-40
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DI
	MOVQ xstride+24(FP), R13
	LEAQ q4kmask<>(SB), R12
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVL $0x0F0F0F0F, AX
	VMOVD AX, X8
	VPBROADCASTD X8, Y8
	LEAQ (R13)(R13*1), R14     // 2·stride
	LEAQ (R14)(R13*1), R15     // 3·stride
q4kx4loop:
	TESTQ CX, CX
	JZ    q4kx4done
	KSCALES
	VEXTRACTI128 $1, Y10, X14      // mins
	VINSERTI128 $1, X10, Y10, Y11  // scales twice
	Q4K_SCALEVECS
	MOVWLZX (SI), AX
	VMOVD AX, X15
	VCVTPH2PS X15, X15             // d_w
	MOVWLZX 2(SI), AX
	VMOVD AX, X10
	VCVTPH2PS X10, X10             // dmin_w
	MOVQ DI, BX
	Q4K_ROW(Y0, 0)
	ADDQ R13, DI
	Q4K_ROW(Y1, 0)
	ADDQ R13, DI
	Q4K_ROW(Y2, 0)
	ADDQ R13, DI
	Q4K_ROW(Y3, 0)
	MOVQ BX, DI
	ADDQ $144, SI
	ADDQ $292, DI
	DECQ CX
	JMP  q4kx4loop
q4kx4done:
	MOVQ out+32(FP), AX
	HSUMTO(Y0, X0, 0(AX))
	HSUMTO(Y1, X1, 4(AX))
	HSUMTO(Y2, X2, 8(AX))
	HSUMTO(Y3, X3, 12(AX))
	VZEROUPPER
	RET

// func dotQ8_0x4(nb int, w *byte, x *byte, xstride int, out *[4]float32)
// Q8_0 weights with four Q8_0 activation rows (xstride bytes apart).
TEXT ·dotQ8_0x4(SB), NOSPLIT, $0-40
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DI
	MOVQ xstride+24(FP), R13
	LEAQ (DI)(R13*1), R9
	LEAQ (R9)(R13*1), R10
	LEAQ (R10)(R13*1), R11
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVL $0x00010001, AX
	VMOVD AX, X7
	VPBROADCASTD X7, Y7
q80x4loop:
	TESTQ CX, CX
	JZ    q80x4done
	MOVWLZX (SI), AX
	VMOVD AX, X15
	VCVTPH2PS X15, X15
	VBROADCASTSS X15, Y15      // d_w
	VMOVDQU 2(SI), Y4
	VPSIGNB Y4, Y4, Y5         // |w|
	Q80_ROW(DI, Y0)
	Q80_ROW(R9, Y1)
	Q80_ROW(R10, Y2)
	Q80_ROW(R11, Y3)
	ADDQ $34, SI
	ADDQ $36, DI
	ADDQ $36, R9
	ADDQ $36, R10
	ADDQ $36, R11
	DECQ CX
	JMP  q80x4loop
q80x4done:
	MOVQ out+32(FP), AX
	HSUMTO(Y0, X0, 0(AX))
	HSUMTO(Y1, X1, 4(AX))
	HSUMTO(Y2, X2, 8(AX))
	HSUMTO(Y3, X3, 12(AX))
	VZEROUPPER
	RET

// func dotQ6_Kx4(nb int, w *byte, x *byte, xstride int, out *[4]float32)
TEXT ·dotQ6_Kx4(SB), 0, $800-40
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DI
	MOVQ xstride+24(FP), R13
	VXORPS Y0, Y0, Y0
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y2, Y2, Y2
	MOVL $0x0F0F0F0F, AX
	VMOVD AX, X8
	VPBROADCASTD X8, Y8
	MOVL $0x03030303, AX
	VMOVD AX, X15
	VPBROADCASTD X15, Y15
	MOVL $0x20202020, AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14
q6kx4loop:
	TESTQ CX, CX
	JZ    q6kx4done
	// q-vectors of both chunks
	VMOVDQU (SI), Y4
	VMOVDQU 32(SI), Y5
	VMOVDQU 128(SI), Y3
	Q6K_BUILD(0)
	VMOVDQU 64(SI), Y4
	VMOVDQU 96(SI), Y5
	VMOVDQU 160(SI), Y3
	Q6K_BUILD(128)
	// scales as int16 at 768(SP), then the eight lane-pair vectors
	VPMOVSXBW 192(SI), Y1
	VMOVDQU Y1, 768(SP)
	Q6K_SCALE(0, 1, 512)
	Q6K_SCALE(2, 3, 544)
	Q6K_SCALE(4, 5, 576)
	Q6K_SCALE(6, 7, 608)
	Q6K_SCALE(8, 9, 640)
	Q6K_SCALE(10, 11, 672)
	Q6K_SCALE(12, 13, 704)
	Q6K_SCALE(14, 15, 736)
	// d_w
	MOVWLZX 208(SI), AX
	VMOVD AX, X13
	VCVTPH2PS X13, X13         // d_w
	MOVQ DI, R9
	Q6K_ROWX4_D(Y0)
	ADDQ R13, R9
	Q6K_ROWX4_D(Y10)
	ADDQ R13, R9
	Q6K_ROWX4_D(Y11)
	ADDQ R13, R9
	Q6K_ROWX4_D(Y2)
	ADDQ $210, SI
	ADDQ $292, DI
	DECQ CX
	JMP  q6kx4loop
q6kx4done:
	MOVQ out+32(FP), AX
	HSUMTO(Y0, X0, 0(AX))
	HSUMTO(Y10, X10, 4(AX))
	HSUMTO(Y11, X11, 8(AX))
	HSUMTO(Y2, X2, 12(AX))
	VZEROUPPER
	RET

// func dotQ5_K(nb int, w *byte, x *byte) float32
// w: Q5_K blocks (176 bytes), x: Q8_K blocks (292 bytes).
TEXT ·dotQ5_K(SB), NOSPLIT, $0-28
	MOVQ nb+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DI
	LEAQ q4kmask<>(SB), R12
	VXORPS Y0, Y0, Y0
	VXORPS X13, X13, X13
	MOVL $0x0F0F0F0F, AX
	VMOVD AX, X8
	VPBROADCASTD X8, Y8
	MOVL $0x01010101, AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14
q5kloop:
	TESTQ CX, CX
	JZ    q5kdone
	KSCALES
	VINSERTI128 $1, X10, Y10, Y11
	VMOVSS (DI), X1
	MOVWLZX (SI), AX
	VMOVD AX, X2
	VCVTPH2PS X2, X2
	VMULSS X2, X1, X2
	MOVWLZX 2(SI), AX
	VMOVD AX, X15
	VCVTPH2PS X15, X15
	VMULSS X15, X1, X15
	VMOVDQU 260(DI), Y4
	VEXTRACTI128 $1, Y4, X5
	VPHADDW X5, X4, X4
	VEXTRACTI128 $1, Y10, X5
	VPMADDWD X4, X5, X5
	VCVTDQ2PS X5, X5
	VBROADCASTSS X15, X15
	VFNMADD231PS X5, X15, X13
	VMOVDQU 16(SI), Y3         // qh
	VPXOR Y9, Y9, Y9
	Q5K_GROUP(48, 4, 0, 1, 0, 32)
	Q5K_GROUP(80, 68, 2, 3, 64, 96)
	Q5K_GROUP(112, 132, 4, 5, 128, 160)
	Q5K_GROUP(144, 196, 6, 7, 192, 224)
	VCVTDQ2PS Y9, Y9
	VBROADCASTSS X2, Y2
	VFMADD231PS Y9, Y2, Y0
	ADDQ $176, SI
	ADDQ $292, DI
	DECQ CX
	JMP  q5kloop
q5kdone:
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X13, X13, X13
	VHADDPS X13, X13, X13
	VADDSS X13, X0, X0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET
