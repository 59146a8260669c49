// Command hfctl connects the Hugging Face Hub to the GGUF world: it
// converts safetensors model folders to GGUF and inspects both.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "hfctl:", err)
		os.Exit(1)
	}
}
