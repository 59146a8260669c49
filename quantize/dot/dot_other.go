//go:build !amd64 || purego

package dot

// haveAsm: no assembly in this build.
const haveAsm = false
