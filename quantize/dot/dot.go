package dot

import (
	"fmt"
	"unsafe"

	"github.com/hfctl/hfctl/gguf"
)

// maxType bounds the gguf.Type values the tables below are indexed by.
const maxType = 64

// actTypes is type_traits_cpu[].vec_dot_type of ggml-cpu.c (b10470): the
// type src1 (the activations) is converted to before the dot products.
var actTypes = [maxType]gguf.Type{
	gguf.F32:     gguf.F32,
	gguf.F16:     gguf.F16,
	gguf.BF16:    gguf.BF16,
	gguf.Q1_0:    gguf.Q8_0,
	gguf.Q2_0:    gguf.Q8_0,
	gguf.Q4_0:    gguf.Q8_0,
	gguf.Q4_1:    gguf.Q8_1,
	gguf.Q5_0:    gguf.Q8_0,
	gguf.Q5_1:    gguf.Q8_1,
	gguf.Q8_0:    gguf.Q8_0,
	gguf.Q8_1:    gguf.Q8_1,
	gguf.MXFP4:   gguf.Q8_0,
	gguf.NVFP4:   gguf.Q8_0,
	gguf.Q2_K:    gguf.Q8_K,
	gguf.Q3_K:    gguf.Q8_K,
	gguf.Q4_K:    gguf.Q8_K,
	gguf.Q5_K:    gguf.Q8_K,
	gguf.Q6_K:    gguf.Q8_K,
	gguf.Q8_K:    gguf.Q8_K, // no vec_dot of its own: an activation type
	gguf.IQ2_XXS: gguf.Q8_K,
	gguf.IQ2_XS:  gguf.Q8_K,
	gguf.IQ3_XXS: gguf.Q8_K,
	gguf.IQ3_S:   gguf.Q8_K,
	gguf.IQ2_S:   gguf.Q8_K,
	gguf.IQ1_S:   gguf.Q8_K,
	gguf.IQ1_M:   gguf.Q8_K,
	gguf.IQ4_NL:  gguf.Q8_0,
	gguf.IQ4_XS:  gguf.Q8_K,
	gguf.TQ1_0:   gguf.Q8_K,
	gguf.TQ2_0:   gguf.Q8_K,
}

// hasActType marks the entries of actTypes that are set (F32 is 0).
var hasActType = func() (m [maxType]bool) {
	for _, t := range []gguf.Type{gguf.F32, gguf.F16, gguf.BF16, gguf.Q1_0, gguf.Q2_0,
		gguf.Q4_0, gguf.Q4_1, gguf.Q5_0, gguf.Q5_1, gguf.Q8_0, gguf.Q8_1, gguf.MXFP4,
		gguf.NVFP4, gguf.Q2_K, gguf.Q3_K, gguf.Q4_K, gguf.Q5_K, gguf.Q6_K, gguf.Q8_K,
		gguf.IQ2_XXS, gguf.IQ2_XS, gguf.IQ3_XXS, gguf.IQ3_S, gguf.IQ2_S, gguf.IQ1_S,
		gguf.IQ1_M, gguf.IQ4_NL, gguf.IQ4_XS, gguf.TQ1_0, gguf.TQ2_0} {
		m[t] = true
	}
	return m
}()

// ActType returns the activation type ggml's CPU backend multiplies weights
// of type w with (type_traits_cpu[w].vec_dot_type): F32, F16 and BF16 with
// themselves, Q4_0, Q5_0, Q8_0 (and IQ4_NL, MXFP4, NVFP4, Q1_0, Q2_0) with
// Q8_0, Q4_1 and Q5_1 with Q8_1, the k-quants (and the other i-quants and
// ternary types) with Q8_K. An activation type maps to itself (Q8_K too,
// which has no entry in ggml). It panics for a type ggml cannot multiply
// (integer types, F64, unknown values). Supported tells whether this
// package has the dot product.
func ActType(w gguf.Type) gguf.Type {
	if w >= maxType || !hasActType[w] {
		panic(fmt.Sprintf("dot: %s has no activation type", w))
	}
	return actTypes[w]
}

// Supported reports whether Dot, MatVec and MatMul handle weight type w.
func Supported(w gguf.Type) bool {
	return w < maxType && kernelTable[w].dot != nil
}

// RowSize returns the bytes of a row of n values of type t (n a multiple
// of t's block size; it panics otherwise).
func RowSize(t gguf.Type, n int) int {
	bs, ts := blockOf(t)
	if n < 0 || n%bs != 0 {
		panic(fmt.Sprintf("dot: %d values are not a whole number of %s blocks", n, t))
	}
	return n / bs * ts
}

// ActRowSize is RowSize(ActType(w), n): the bytes of one activation row.
func ActRowSize(w gguf.Type, n int) int { return RowSize(ActType(w), n) }

type blockInfo struct{ bs, ts int }

var blocks = func() (b [maxType]blockInfo) {
	for t := gguf.Type(0); t < maxType; t++ {
		if info, ok := t.Info(); ok {
			b[t] = blockInfo{info.BlockSize, info.TypeSize}
		}
	}
	return b
}()

func blockOf(t gguf.Type) (bs, ts int) {
	if t >= maxType || blocks[t].bs == 0 {
		panic(fmt.Sprintf("dot: unknown type %s", t))
	}
	return blocks[t].bs, blocks[t].ts
}

// The kernels of one weight type. Quantized types: nb blocks of the weight
// row at w times nb activation blocks at x. Float types (F32, F16, BF16):
// nb is the number of values.
type kernels struct {
	// dot is one weight row times one activation row.
	dot func(nb int, w, x *byte) float32
	// dot4 is one weight row times four activation rows xstride bytes
	// apart; result k goes to out[k*ostride] (ostride in floats). Each
	// result is bit-identical to dot's for the same rows (quantized types).
	dot4 func(nb int, w, x *byte, xstride int, out *float32, ostride int)
	// scaled: dot4Scaled has a kernel for the type, dot4 with the
	// activation block scales handed over as float32 (see actScales),
	// which saves converting them for every weight row. (A direct call,
	// not a func value, so MatMul's stack buffer of scales does not
	// escape.)
	scaled bool
	// dot2x4 (float types) is two weight rows (wstride bytes apart) times
	// four activation rows: out[k*ostride+r] for weight row r and
	// activation k. It handles the first n&^7 values; the caller adds the
	// rest. The summation order differs from dot's.
	dot2x4 func(n int, w *byte, wstride int, x *byte, xstride int, out *float32, ostride int)
}

// kernelTable holds the kernels in use: the pure-Go ones, replaced by
// assembly at init where the CPU has it. genericTable keeps the pure-Go
// ones (for the tests).
var (
	kernelTable  = genericKernels()
	genericTable = genericKernels()
)

func kernelsOf(w gguf.Type) *kernels {
	if w >= maxType || kernelTable[w].dot == nil {
		panic(fmt.Sprintf("dot: no kernel for weight type %s", w))
	}
	return &kernelTable[w]
}

func isFloat(w gguf.Type) bool { return w == gguf.F32 || w == gguf.F16 || w == gguf.BF16 }

// Dot returns the dot product of one weight row (n values of type w) with
// one activation row of type ActType(w), as ggml's vec_dot for w computes
// it. n must be a multiple of w's block size.
func Dot(w gguf.Type, n int, wrow, act []byte) float32 {
	k := kernelsOf(w)
	wsz, asz := RowSize(w, n), ActRowSize(w, n)
	if len(wrow) < wsz || len(act) < asz {
		panic(fmt.Sprintf("dot: Dot of %d %s values: row %d bytes, activations %d (want %d, %d)", n, w, len(wrow), len(act), wsz, asz))
	}
	if n == 0 {
		return 0
	}
	bs, _ := blockOf(w)
	return k.dot(n/bs, unsafe.SliceData(wrow), unsafe.SliceData(act))
}

// MatVec sets out[r] = Dot(w, n, row r of W, act) for r < rows; W holds
// rows consecutive rows of RowSize(w, n) bytes.
func MatVec(w gguf.Type, rows, n int, W, act []byte, out []float32) {
	k := kernelsOf(w)
	wsz, asz := RowSize(w, n), ActRowSize(w, n)
	if rows < 0 || len(W) < rows*wsz || len(act) < asz || len(out) < rows {
		panic(fmt.Sprintf("dot: MatVec %d×%d %s: W %d bytes, activations %d, out %d", rows, n, w, len(W), len(act), len(out)))
	}
	if rows == 0 {
		return
	}
	if n == 0 {
		clear(out[:rows])
		return
	}
	bs, _ := blockOf(w)
	nb := n / bs
	wp, ap := unsafe.SliceData(W), unsafe.SliceData(act)
	out = out[:rows]
	for r := range out {
		out[r] = k.dot(nb, (*byte)(unsafe.Add(unsafe.Pointer(wp), r*wsz)), ap)
	}
}

// MatMul multiplies W (rows rows of n values of type w) with nact
// activation rows of type ActType(w), each ActRowSize(w, n) bytes after the
// previous one: out[j*rows+r] = Dot(w, n, row r of W, activation row j).
// Several activation rows share each load of a weight block, so it is
// faster than nact calls of MatVec. For the quantized types every result is
// bit-identical to Dot's; for F32, F16 and BF16 the summation order differs
// (float rounding).
func MatMul(w gguf.Type, rows, n int, W, acts []byte, nact int, out []float32) {
	MatMulStride(w, rows, n, W, acts, nact, out, rows)
}

// MatMulStride is MatMul writing out[j*ldOut+r] (ldOut >= rows), for
// callers that split the rows of a bigger product across cores.
func MatMulStride(w gguf.Type, rows, n int, W, acts []byte, nact int, out []float32, ldOut int) {
	k := kernelsOf(w)
	wsz, asz := RowSize(w, n), ActRowSize(w, n)
	if rows < 0 || nact < 0 || ldOut < rows || len(W) < rows*wsz || len(acts) < nact*asz ||
		(nact > 0 && len(out) < (nact-1)*ldOut+rows) {
		panic(fmt.Sprintf("dot: MatMul %d×%d %s by %d: W %d bytes, activations %d, out %d (stride %d)", rows, n, w, nact, len(W), len(acts), len(out), ldOut))
	}
	if rows == 0 || nact == 0 {
		return
	}
	if n == 0 {
		for j := 0; j < nact; j++ {
			clear(out[j*ldOut : j*ldOut+rows])
		}
		return
	}
	if isFloat(w) {
		matMulFloat(w, k, rows, n, W, acts, nact, out, ldOut)
		return
	}
	bs, _ := blockOf(w)
	nb := n / bs
	if k.scaled {
		matMulScaled(w, k, rows, nb, W, acts, nact, out, ldOut)
		return
	}
	wp, ap, op := unsafe.Pointer(unsafe.SliceData(W)), unsafe.Pointer(unsafe.SliceData(acts)), unsafe.Pointer(unsafe.SliceData(out))
	// Tiles of weight rows small enough to stay in L1/L2 while groups of
	// four activation rows pass over them.
	tile := max(1, tileBytes/wsz)
	for r0 := 0; r0 < rows; r0 += tile {
		r1 := min(r0+tile, rows)
		j := 0
		for ; j+4 <= nact; j += 4 {
			x := (*byte)(unsafe.Add(ap, j*asz))
			for r := r0; r < r1; r++ {
				k.dot4(nb, (*byte)(unsafe.Add(wp, r*wsz)), x, asz, (*float32)(unsafe.Add(op, 4*(j*ldOut+r))), ldOut)
			}
		}
		for ; j < nact; j++ {
			x := (*byte)(unsafe.Add(ap, j*asz))
			for r := r0; r < r1; r++ {
				*(*float32)(unsafe.Add(op, 4*(j*ldOut+r))) = k.dot(nb, (*byte)(unsafe.Add(wp, r*wsz)), x)
			}
		}
	}
}

// scaleBufLen is the float32s of activation block scales MatMul keeps on
// its stack for the dot4d kernels.
const scaleBufLen = 8192

// matMulScaled is MatMulStride for the kernels taking float32 activation
// scales: chunks of groups of four activation rows have their block scales
// converted once into a stack buffer, then run over tiles of weight rows.
func matMulScaled(w gguf.Type, k *kernels, rows, nb int, W, acts []byte, nact int, out []float32, ldOut int) {
	at := ActType(w)
	_, ats := blockOf(at)
	_, wts := blockOf(w)
	wsz, asz := nb*wts, nb*ats
	per := 4 // floats per block and group: d0..d3 (Q8_1: then s0..s3)
	if at == gguf.Q8_1 {
		per = 8
	}
	var buf [scaleBufLen]float32
	gmax := len(buf) / (per * nb) // groups per chunk
	wp, ap, op := unsafe.Pointer(unsafe.SliceData(W)), unsafe.Pointer(unsafe.SliceData(acts)), unsafe.Pointer(unsafe.SliceData(out))
	groups := nact / 4
	if gmax == 0 {
		groups = 0 // rows too long for the buffer: one-row kernels
	}
	tile := max(1, tileBytes/wsz)
	for g0 := 0; g0 < groups; g0 += gmax {
		g1 := min(g0+gmax, groups)
		for g := g0; g < g1; g++ {
			actScales(buf[(g-g0)*per*nb:(g-g0+1)*per*nb], acts[4*g*asz:], asz, nb, ats, per)
		}
		for r0 := 0; r0 < rows; r0 += tile {
			r1 := min(r0+tile, rows)
			for g := g0; g < g1; g++ {
				x := (*byte)(unsafe.Add(ap, 4*g*asz))
				d := &buf[(g-g0)*per*nb]
				for r := r0; r < r1; r++ {
					dot4Scaled(w, nb, (*byte)(unsafe.Add(wp, r*wsz)), x, asz, d, (*float32)(unsafe.Add(op, 4*(4*g*ldOut+r))), ldOut)
				}
			}
		}
	}
	for j := 4 * groups; j < nact; j++ {
		x := (*byte)(unsafe.Add(ap, j*asz))
		for r := 0; r < rows; r++ {
			*(*float32)(unsafe.Add(op, 4*(j*ldOut+r))) = k.dot(nb, (*byte)(unsafe.Add(wp, r*wsz)), x)
		}
	}
}

// actScales converts the f16 block scales of four activation rows (asz
// bytes apart, blocks of ats bytes) for a dot4d kernel: per block the four
// d, then (per == 8, Q8_1) the four s.
func actScales(d []float32, acts []byte, asz, nb, ats, per int) {
	for k := 0; k < 4; k++ {
		row := acts[k*asz : k*asz+nb*ats]
		for b := 0; b < nb; b++ {
			d[b*per+k] = f16(row[b*ats:])
			if per == 8 {
				d[b*per+4+k] = f16(row[b*ats+2:])
			}
		}
	}
}

// tileBytes is the weight bytes MatMul runs each group of activation rows
// over before moving to the next group.
const tileBytes = 16 << 10
