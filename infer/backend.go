package infer

// Backend is what a forward pass needs from a compute device. Buffers are
// device-resident float32 arrays the backend allocates; a graph (llama.go,
// qwen2.go …) is a fixed sequence of these calls per batch of tokens, so a
// GPU backend can record them once and replay them. The CPU backend (cpu.go)
// runs each call at once and is the oracle the others are tested against.
//
// Every op works on n rows (tokens) of a row-major buffer. An op must:
// accept any n ≥ 1 up to the batch size the buffers were made for; give
// results within float32 rounding of the CPU backend (quantized weights:
// within the rounding of ggml's activation quantization); never keep a
// reference to a host slice after the call returns.
type Backend interface {
	Name() string
	// NewBuffer allocates n float32 values.
	NewBuffer(n int) Buffer
	// Read copies a buffer's first len(dst) values to the host.
	Read(dst []float32, src Buffer)
	// Embed writes the rows of w for ids (dequantized) into dst.
	Embed(dst Buffer, w *Weight, ids []int32)
	// RMSNorm: dst[i] = x[i] / sqrt(mean(x[i]²) + eps) * w, per row of dim.
	RMSNorm(dst, x Buffer, w *Weight, n, dim int, eps float32)
	// MatMul: dst[j][r] = Σ_c w[r][c]·x[j][c] for n rows of x (w.Cols wide);
	// dst rows are w.Rows wide. With bias (may be nil) added.
	MatMul(dst, x Buffer, w, bias *Weight, n int)
	// RoPE rotates n rows of heads×headDim at positions pos0…pos0+n-1.
	RoPE(x Buffer, n, heads int, r *Rope, pos0 int)
	// Attention stores k and v (n rows) in the cache at pos0…, then writes
	// causal attention of q over positions 0…pos0+i into dst.
	Attention(dst, q, k, v Buffer, c KVCache, layer, n, pos0 int, a *AttnShape)
	// SwiGLU: dst = silu(gate) * up, n rows of width.
	SwiGLU(dst, gate, up Buffer, n, width int)
	// Add: dst += src over n values.
	Add(dst, src Buffer, n int)
	// NewKVCache makes a cache for layers × ctx positions.
	NewKVCache(layers, ctx int, a *AttnShape, f16 bool) KVCache
	// Close releases the backend's resources.
	Close()
}

// Buffer is a backend's array.
type Buffer interface{ Len() int }

// KVCache is a backend's key/value store.
type KVCache interface{ Ctx() int }

// Rope describes the rotary embedding of one model.
type Rope struct {
	HeadDim  int       // values per head
	Dims     int       // rotated values per head (≤ HeadDim)
	Base     float32   // frequency base
	Scale    float32   // linear position scale
	Neox     bool      // pairs (i, i+Dims/2) instead of (2i, 2i+1)
	Factors  []float32 // per-pair frequency divisors (rope_freqs), or nil
	invFreqs []float32
}

// AttnShape describes the attention of one model.
type AttnShape struct {
	Heads, KVHeads    int
	HeadDim, HeadDimV int
	Scale             float32
}
