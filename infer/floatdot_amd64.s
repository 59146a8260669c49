#include "textflag.h"

// Dot products of 16-bit float weight rows (F16 or BF16) with float32
// activations, AVX2 + FMA (+ F16C for F16). n is a multiple of 32 (1-row)
// or 16 (4-row); the Go wrappers handle the rest.

// Four activation rows at once (x, x+stride, x+2·stride, x+3·stride
// floats): each weight vector is loaded and converted once.
#define HSUM(Y, X, dst) \
	VEXTRACTF128 $1, Y, X15 \
	VADDPS X15, X, X \
	VHADDPS X, X, X \
	VHADDPS X, X, X \
	MOVSS X, dst

// One weight row (LOADn converts 8 weights into Y4..Y7) × one activation
// row, 32 elements per step in four accumulators.
#define KERNEL1x1(NAME, L0, L1, L2, L3, WSTEP) \
TEXT NAME(SB), NOSPLIT, $0-28 \
	MOVQ w+0(FP), SI \
	MOVQ x+8(FP), DI \
	MOVQ n+16(FP), CX \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3 \
loop: \
	CMPQ CX, $32 \
	JL   done \
	L0 \
	L1 \
	L2 \
	L3 \
	VFMADD231PS (DI), Y4, Y0 \
	VFMADD231PS 32(DI), Y5, Y1 \
	VFMADD231PS 64(DI), Y6, Y2 \
	VFMADD231PS 96(DI), Y7, Y3 \
	ADDQ $WSTEP, SI \
	ADDQ $128, DI \
	SUBQ $32, CX \
	JMP  loop \
done: \
	VADDPS Y1, Y0, Y0 \
	VADDPS Y3, Y2, Y2 \
	VADDPS Y2, Y0, Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS X1, X0, X0 \
	VHADDPS X0, X0, X0 \
	VHADDPS X0, X0, X0 \
	VZEROUPPER \
	MOVSS X0, ret+24(FP) \
	RET

#define CVH(off, Y) VCVTPH2PS off(SI), Y
#define CVB(off, Y) VPMOVZXWD off(SI), Y; VPSLLD $16, Y, Y
#define CVF(off, Y) VMOVUPS off(SI), Y

// func dotF16x1(w *uint16, x *float32, n int) float32
KERNEL1x1(·dotF16x1, CVH(0, Y4), CVH(16, Y5), CVH(32, Y6), CVH(48, Y7), 64)

// func dotBF16x1(w *uint16, x *float32, n int) float32
KERNEL1x1(·dotBF16x1, CVB(0, Y4), CVB(16, Y5), CVB(32, Y6), CVB(48, Y7), 64)

// func dotF32x1(w *float32, x *float32, n int) float32
KERNEL1x1(·dotF32x1, CVF(0, Y4), CVF(32, Y5), CVF(64, Y6), CVF(96, Y7), 128)



// One weight row × four activation rows, 16 elements per step.
#define KERNEL1x4(NAME, L0, L1, WSTEP) \
TEXT NAME(SB), NOSPLIT, $0-40 \
	MOVQ w+0(FP), SI \
	MOVQ x+8(FP), DI \
	MOVQ stride+16(FP), R8 \
	SHLQ $2, R8 \
	MOVQ n+24(FP), CX \
	LEAQ (DI)(R8*1), R9 \
	LEAQ (R9)(R8*1), R10 \
	LEAQ (R10)(R8*1), R11 \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3 \
	VXORPS Y4, Y4, Y4 \
	VXORPS Y5, Y5, Y5 \
	VXORPS Y6, Y6, Y6 \
	VXORPS Y7, Y7, Y7 \
loop: \
	CMPQ CX, $16 \
	JL   done \
	L0 \
	L1 \
	VFMADD231PS (DI), Y8, Y0 \
	VFMADD231PS 32(DI), Y9, Y4 \
	VFMADD231PS (R9), Y8, Y1 \
	VFMADD231PS 32(R9), Y9, Y5 \
	VFMADD231PS (R10), Y8, Y2 \
	VFMADD231PS 32(R10), Y9, Y6 \
	VFMADD231PS (R11), Y8, Y3 \
	VFMADD231PS 32(R11), Y9, Y7 \
	ADDQ $WSTEP, SI \
	ADDQ $64, DI \
	ADDQ $64, R9 \
	ADDQ $64, R10 \
	ADDQ $64, R11 \
	SUBQ $16, CX \
	JMP  loop \
done: \
	MOVQ out+32(FP), AX \
	VADDPS Y4, Y0, Y0 \
	VADDPS Y5, Y1, Y1 \
	VADDPS Y6, Y2, Y2 \
	VADDPS Y7, Y3, Y3 \
	HSUM(Y0, X0, 0(AX)) \
	HSUM(Y1, X1, 4(AX)) \
	HSUM(Y2, X2, 8(AX)) \
	HSUM(Y3, X3, 12(AX)) \
	VZEROUPPER \
	RET

// func dotF16x4(w *uint16, x *float32, stride int, n int, out *[4]float32)
KERNEL1x4(·dotF16x4, CVH(0, Y8), CVH(16, Y9), 32)

// func dotBF16x4(w *uint16, x *float32, stride int, n int, out *[4]float32)
KERNEL1x4(·dotBF16x4, CVB(0, Y8), CVB(16, Y9), 32)

// func dotF32x4(w *float32, x *float32, stride int, n int, out *[4]float32)
KERNEL1x4(·dotF32x4, CVF(0, Y8), CVF(32, Y9), 64)

// func axpyF16(o *float32, v *uint16, p float32, n int)   o[i] += p·v[i], n a multiple of 8
TEXT ·axpyF16(SB), NOSPLIT, $0-32
	MOVQ o+0(FP), DI
	MOVQ v+8(FP), SI
	VBROADCASTSS p+16(FP), Y1
	MOVQ n+24(FP), CX
axloop:
	CMPQ CX, $8
	JL   axdone
	VCVTPH2PS (SI), Y2
	VFMADD213PS (DI), Y1, Y2
	VMOVUPS Y2, (DI)
	ADDQ $16, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  axloop
axdone:
	VZEROUPPER
	RET

// Three weight rows (w, w+ws, w+2·ws bytes) × four activation rows, 8
// elements per step: 7 loads feed 12 FMAs into 12 accumulators. out gets
// the 12 sums row-major by weight row.
#define KERNEL3x4(NAME, L0, L1, L2, WSTEP) \
TEXT NAME(SB), NOSPLIT, $0-48 \
	MOVQ w+0(FP), SI \
	MOVQ wstride+8(FP), R12 \
	LEAQ (SI)(R12*1), DX \
	LEAQ (DX)(R12*1), BX \
	MOVQ x+16(FP), DI \
	MOVQ stride+24(FP), R8 \
	SHLQ $2, R8 \
	MOVQ n+32(FP), CX \
	LEAQ (DI)(R8*1), R9 \
	LEAQ (R9)(R8*1), R10 \
	LEAQ (R10)(R8*1), R11 \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3 \
	VXORPS Y4, Y4, Y4 \
	VXORPS Y5, Y5, Y5 \
	VXORPS Y6, Y6, Y6 \
	VXORPS Y7, Y7, Y7 \
	VXORPS Y8, Y8, Y8 \
	VXORPS Y9, Y9, Y9 \
	VXORPS Y10, Y10, Y10 \
	VXORPS Y11, Y11, Y11 \
loop: \
	CMPQ CX, $8 \
	JL   done \
	L0 \
	L1 \
	L2 \
	VMOVUPS (DI), Y15 \
	VFMADD231PS Y15, Y12, Y0 \
	VFMADD231PS Y15, Y13, Y4 \
	VFMADD231PS Y15, Y14, Y8 \
	VMOVUPS (R9), Y15 \
	VFMADD231PS Y15, Y12, Y1 \
	VFMADD231PS Y15, Y13, Y5 \
	VFMADD231PS Y15, Y14, Y9 \
	VMOVUPS (R10), Y15 \
	VFMADD231PS Y15, Y12, Y2 \
	VFMADD231PS Y15, Y13, Y6 \
	VFMADD231PS Y15, Y14, Y10 \
	VMOVUPS (R11), Y15 \
	VFMADD231PS Y15, Y12, Y3 \
	VFMADD231PS Y15, Y13, Y7 \
	VFMADD231PS Y15, Y14, Y11 \
	ADDQ $WSTEP, SI \
	ADDQ $WSTEP, DX \
	ADDQ $WSTEP, BX \
	ADDQ $32, DI \
	ADDQ $32, R9 \
	ADDQ $32, R10 \
	ADDQ $32, R11 \
	SUBQ $8, CX \
	JMP  loop \
done: \
	MOVQ out+40(FP), AX \
	HSUM(Y0, X0, 0(AX)) \
	HSUM(Y1, X1, 4(AX)) \
	HSUM(Y2, X2, 8(AX)) \
	HSUM(Y3, X3, 12(AX)) \
	HSUM(Y4, X4, 16(AX)) \
	HSUM(Y5, X5, 20(AX)) \
	HSUM(Y6, X6, 24(AX)) \
	HSUM(Y7, X7, 28(AX)) \
	HSUM(Y8, X8, 32(AX)) \
	HSUM(Y9, X9, 36(AX)) \
	HSUM(Y10, X10, 40(AX)) \
	HSUM(Y11, X11, 44(AX)) \
	VZEROUPPER \
	RET

#define LH3(R, Y) VCVTPH2PS (R), Y
#define LB3(R, Y) VPMOVZXWD (R), Y; VPSLLD $16, Y, Y
#define LF3(R, Y) VMOVUPS (R), Y

// func dotF16x3x4(w *uint16, wstride int, x *float32, stride int, n int, out *[12]float32)
KERNEL3x4(·dotF16x3x4, LH3(SI, Y12), LH3(DX, Y13), LH3(BX, Y14), 16)

// func dotBF16x3x4(w *uint16, wstride int, x *float32, stride int, n int, out *[12]float32)
KERNEL3x4(·dotBF16x3x4, LB3(SI, Y12), LB3(DX, Y13), LB3(BX, Y14), 16)

// func dotF32x3x4(w *float32, wstride int, x *float32, stride int, n int, out *[12]float32)
KERNEL3x4(·dotF32x3x4, LF3(SI, Y12), LF3(DX, Y13), LF3(BX, Y14), 32)
