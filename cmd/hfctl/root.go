package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if dirty {
				rev += "-dirty"
			}
			return "devel-" + rev
		}
	}
	return "devel"
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "hfctl",
		Short: "Hugging Face models to GGUF: convert, inspect (quantize and run next)",
		Long: `hfctl converts Hugging Face safetensors model folders to GGUF files that
llama.cpp and Ollama load, byte-identical to llama.cpp's own converter,
without Python.`,
		Example: `  hfctl convert ./TinyLlama-1.1B-Chat-v1.0 -o tinyllama-f16.gguf
  hfctl inspect tinyllama-f16.gguf
  hfctl completion bash > /etc/bash_completion.d/hfctl`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newVersionCmd(), newConvertCmd(), newQuantizeCmd(), newInspectCmd(), newTokenizeCmd(), newTemplateCmd(), newRunCmd(), newBenchCmd(), newDownloadCmd(), newUploadCmd())
	root.CompletionOptions.HiddenDefaultCmd = false
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print hfctl's version",
		Example: "  hfctl version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "hfctl %s\n", versionString())
			return nil
		},
	}
}
