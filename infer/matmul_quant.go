package infer

// matmulQuant is filled in when quantize/dot's kernels are available; it
// reports whether it handled the product.
func matmulQuant(c *CPU, dst, x []float32, w *Weight, n int) bool { return false }
