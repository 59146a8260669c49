//go:build !amd64 || purego

package dot

import "github.com/hfctl/hfctl/gguf"

// haveAsm: no assembly in this build.
const haveAsm = false

func dot4Scaled(w gguf.Type, nb int, W, x *byte, xstride int, d *float32, out *float32, ostride int) {
	panic("dot: no scaled kernel for " + w.String())
}
