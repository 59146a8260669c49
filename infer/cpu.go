package infer

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
)

// CPU is the CPU backend: plain loops over float32 rows, matrix products
// through the kernels of this package, work split across a fixed pool of
// goroutines that spin briefly between operations (as ggml's threads do)
// and sleep when idle.
type CPU struct {
	threads int
	scratch [][]float32 // per worker
	actBuf  []byte      // quantized activations, reused

	// the current job: a new task value per operation
	task    atomic.Pointer[task]
	pending atomic.Int32
	mu      sync.Mutex
	cond    *sync.Cond
	closed  atomic.Bool
}

// spinLimit is how many polls a worker makes before it sleeps.
const spinLimit = 1 << 16

// NewCPU starts a CPU backend with threads workers (≤0: all cores).
func NewCPU(threads int) *CPU {
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	c := &CPU{threads: threads}
	c.cond = sync.NewCond(&c.mu)
	for w := 1; w < threads; w++ {
		go c.worker(w)
	}
	c.scratch = make([][]float32, threads)
	return c
}

type task struct {
	job    func(w int)
	chunks int
}

func (c *CPU) worker(id int) {
	var seen *task
	for {
		t := c.task.Load()
		for spins := 0; t == seen && !c.closed.Load(); spins++ {
			if spins < spinLimit {
				if spins&127 == 127 {
					runtime.Gosched()
				}
			} else {
				c.mu.Lock()
				for c.task.Load() == seen && !c.closed.Load() {
					c.cond.Wait()
				}
				c.mu.Unlock()
			}
			t = c.task.Load()
		}
		if c.closed.Load() {
			return
		}
		seen = t
		if id < t.chunks {
			t.job(id)
			c.pending.Add(-1)
		}
	}
}

// Name implements Backend.
func (c *CPU) Name() string { return "cpu" }

// Threads is the number of workers.
func (c *CPU) Threads() int { return c.threads }

// Close stops the workers.
func (c *CPU) Close() {
	c.closed.Store(true)
	c.mu.Lock()
	c.cond.Broadcast()
	c.mu.Unlock()
}

// parallel runs fn(worker, lo, hi) over [0, n) in at most threads chunks,
// chunk boundaries multiples of align.
func (c *CPU) parallel(n, align int, fn func(w, lo, hi int)) {
	if n <= 0 {
		return
	}
	units := (n + align - 1) / align
	chunks := min(c.threads, units)
	if chunks <= 1 {
		fn(0, 0, n)
		return
	}
	per := (units + chunks - 1) / chunks * align
	t := &task{chunks: chunks, job: func(w int) {
		if lo := w * per; lo < n {
			fn(w, lo, min(n, lo+per))
		}
	}}
	c.pending.Store(int32(chunks - 1))
	c.task.Store(t)
	c.mu.Lock()
	c.cond.Broadcast()
	c.mu.Unlock()
	t.job(0)
	for spins := 0; c.pending.Load() != 0; spins++ {
		if spins&127 == 127 {
			runtime.Gosched()
		}
	}
}

func (c *CPU) scratchFor(w, n int) []float32 {
	if cap(c.scratch[w]) < n {
		c.scratch[w] = make([]float32, n)
	}
	return c.scratch[w][:n]
}

type cpuBuf []float32

func (b cpuBuf) Len() int { return len(b) }

func f32(b Buffer) []float32 { return b.(cpuBuf) }

// NewBuffer implements Backend.
func (c *CPU) NewBuffer(n int) Buffer { return cpuBuf(make([]float32, n)) }

// Read implements Backend.
func (c *CPU) Read(dst []float32, src Buffer) { copy(dst, f32(src)) }

// Embed implements Backend.
func (c *CPU) Embed(dst Buffer, w *Weight, ids []int32) {
	d := f32(dst)
	for i, id := range ids {
		rowToF32(w, int(id), d[i*w.Cols:(i+1)*w.Cols])
	}
}

// rowToF32 converts row r of w to float32.
func rowToF32(w *Weight, r int, dst []float32) {
	src := w.Data[r*w.RowSize : (r+1)*w.RowSize]
	switch w.Type {
	case gguf.F32:
		for i := range dst {
			dst[i] = math.Float32frombits(uint32(src[4*i]) | uint32(src[4*i+1])<<8 | uint32(src[4*i+2])<<16 | uint32(src[4*i+3])<<24)
		}
	case gguf.F16:
		for i := range dst {
			dst[i] = quantize.FP16ToFP32(uint16(src[2*i]) | uint16(src[2*i+1])<<8)
		}
	case gguf.BF16:
		for i := range dst {
			dst[i] = quantize.BF16ToFP32(uint16(src[2*i]) | uint16(src[2*i+1])<<8)
		}
	default:
		f, _ := quantize.Lookup(w.Type)
		f.Dequantize(dst, src)
	}
}

// RMSNorm implements Backend (sum of squares in float64, as ggml).
func (c *CPU) RMSNorm(dst, x Buffer, w *Weight, n, dim int, eps float32) {
	d, s := f32(dst), f32(x)
	g := c.scratchFor(0, dim)
	rowToF32(w, 0, g)
	for i := 0; i < n; i++ {
		row := s[i*dim : (i+1)*dim]
		var sum float64
		for _, v := range row {
			sum += float64(v * v)
		}
		scale := float32(1 / math.Sqrt(float64(float32(sum/float64(dim))+eps)))
		out := d[i*dim : (i+1)*dim]
		for j, v := range row {
			out[j] = v * scale * g[j]
		}
	}
}

// MatMul implements Backend.
func (c *CPU) MatMul(dst, x Buffer, w, bias *Weight, n int) {
	d, s := f32(dst), f32(x)
	matmul(c, d, s, w, n)
	if bias != nil {
		b := c.scratchFor(0, w.Rows)
		rowToF32(bias, 0, b)
		for j := 0; j < n; j++ {
			row := d[j*w.Rows : (j+1)*w.Rows]
			for r := range row {
				row[r] += b[r]
			}
		}
	}
}

// RoPE implements Backend.
func (c *CPU) RoPE(x Buffer, n, heads int, r *Rope, pos0 int) {
	d := f32(x)
	inv := r.freqs()
	half := r.Dims / 2
	cs := c.scratchFor(0, 2*half)
	for i := 0; i < n; i++ {
		p := float64(float32(pos0+i) * r.Scale)
		for k := 0; k < half; k++ {
			th := p * float64(inv[k])
			cs[2*k], cs[2*k+1] = float32(math.Cos(th)), float32(math.Sin(th))
		}
		for h := 0; h < heads; h++ {
			v := d[(i*heads+h)*r.HeadDim:]
			for k := 0; k < half; k++ {
				a, b := 2*k, 2*k+1
				if r.Neox {
					a, b = k, k+half
				}
				x0, x1 := v[a], v[b]
				co, si := cs[2*k], cs[2*k+1]
				v[a] = x0*co - x1*si
				v[b] = x0*si + x1*co
			}
		}
	}
}

// freqs returns θ_k = base^(-2k/dims) / factor_k.
func (r *Rope) freqs() []float32 {
	if r.invFreqs == nil {
		inv := make([]float32, r.Dims/2)
		for k := range inv {
			f := float32(1 / math.Pow(float64(r.Base), float64(2*k)/float64(r.Dims)))
			if r.Factors != nil {
				f /= r.Factors[k]
			}
			inv[k] = f
		}
		r.invFreqs = inv
	}
	return r.invFreqs
}

// SwiGLU implements Backend.
func (c *CPU) SwiGLU(dst, gate, up Buffer, n, width int) {
	d, g, u := f32(dst), f32(gate), f32(up)
	c.parallel(n*width, 1024, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			x := g[i]
			d[i] = x / (1 + float32(math.Exp(float64(-x)))) * u[i]
		}
	})
}

// Add implements Backend.
func (c *CPU) Add(dst, src Buffer, n int) {
	d, s := f32(dst), f32(src)
	for i := 0; i < n; i++ {
		d[i] += s[i]
	}
}

// Assembly helpers for an F16 cache (nil when unavailable).
var (
	attnF16Dot  func(k *uint16, q *float32, n int) float32
	attnF16Axpy func(o *float32, v *uint16, p float32, n int)
)

// cpuKV holds each layer's keys and values, F16 (as uint16) or F32.
type cpuKV struct {
	ctx    int
	kDim   int
	vDim   int
	f16    bool
	k, v   [][]float32
	kh, vh [][]uint16
}

func (kv *cpuKV) Ctx() int { return kv.ctx }

// NewKVCache implements Backend.
func (c *CPU) NewKVCache(layers, ctx int, a *AttnShape, f16 bool) KVCache {
	kv := &cpuKV{ctx: ctx, kDim: a.KVHeads * a.HeadDim, vDim: a.KVHeads * a.HeadDimV, f16: f16}
	for range layers {
		if f16 {
			kv.kh = append(kv.kh, make([]uint16, ctx*kv.kDim))
			kv.vh = append(kv.vh, make([]uint16, ctx*kv.vDim))
		} else {
			kv.k = append(kv.k, make([]float32, ctx*kv.kDim))
			kv.v = append(kv.v, make([]float32, ctx*kv.vDim))
		}
	}
	return kv
}

// Attention implements Backend.
func (c *CPU) Attention(dst, q, k, v Buffer, cache KVCache, layer, n, pos0 int, a *AttnShape) {
	kv := cache.(*cpuKV)
	ks, vs, qs, out := f32(k), f32(v), f32(q), f32(dst)
	// store
	for i := 0; i < n; i++ {
		p := pos0 + i
		if kv.f16 {
			quantize.FP32ToFP16Row(kv.kh[layer][p*kv.kDim:(p+1)*kv.kDim], ks[i*kv.kDim:(i+1)*kv.kDim])
			quantize.FP32ToFP16Row(kv.vh[layer][p*kv.vDim:(p+1)*kv.vDim], vs[i*kv.vDim:(i+1)*kv.vDim])
		} else {
			copy(kv.k[layer][p*kv.kDim:], ks[i*kv.kDim:(i+1)*kv.kDim])
			copy(kv.v[layer][p*kv.vDim:], vs[i*kv.vDim:(i+1)*kv.vDim])
		}
	}
	group := a.Heads / a.KVHeads
	hd, hdv := a.HeadDim, a.HeadDimV
	total := pos0 + n
	c.parallel(n*a.Heads, 1, func(w, lo, hi int) {
		buf := c.scratchFor(w, total+hd+hdv)
		sc, kf, vf := buf[:total], buf[total:total+hd], buf[total+hd:]
		for job := lo; job < hi; job++ {
			i, h := job/a.Heads, job%a.Heads
			g := h / group
			qv := qs[(i*a.Heads+h)*hd : (i*a.Heads+h+1)*hd]
			last := pos0 + i
			mx := float32(math.Inf(-1))
			fastK := kv.f16 && attnF16Dot != nil && hd%32 == 0
			for t := 0; t <= last; t++ {
				var s float32
				switch {
				case fastK:
					s = attnF16Dot(&kv.kh[layer][t*kv.kDim+g*hd], &qv[0], hd)
				case kv.f16:
					quantize.FP16ToFP32Row(kf, kv.kh[layer][t*kv.kDim+g*hd:t*kv.kDim+(g+1)*hd])
					s = dotF32(kf, qv)
				default:
					s = dotF32(kv.k[layer][t*kv.kDim+g*hd:t*kv.kDim+(g+1)*hd], qv)
				}
				s *= a.Scale
				sc[t] = s
				mx = max(mx, s)
			}
			var sum float64
			for t := 0; t <= last; t++ {
				e := float32(math.Exp(float64(sc[t] - mx)))
				sc[t] = e
				sum += float64(e)
			}
			inv := float32(1 / sum)
			o := out[(i*a.Heads+h)*hdv : (i*a.Heads+h+1)*hdv]
			clear(o)
			fastV := kv.f16 && attnF16Axpy != nil && hdv%8 == 0
			for t := 0; t <= last; t++ {
				if fastV {
					attnF16Axpy(&o[0], &kv.vh[layer][t*kv.vDim+g*hdv], sc[t]*inv, hdv)
					continue
				}
				var vr []float32
				if kv.f16 {
					quantize.FP16ToFP32Row(vf, kv.vh[layer][t*kv.vDim+g*hdv:t*kv.vDim+(g+1)*hdv])
					vr = vf
				} else {
					vr = kv.v[layer][t*kv.vDim+g*hdv : t*kv.vDim+(g+1)*hdv]
				}
				p := sc[t] * inv
				for d := range o {
					o[d] += p * vr[d]
				}
			}
		}
	})
}
