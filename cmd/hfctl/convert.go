package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hfctl/hfctl/convert"
	"github.com/spf13/cobra"
)

func newConvertCmd() *cobra.Command {
	var (
		out, outType, name string
		threads            int
		quiet, asJSON      bool
	)
	cmd := &cobra.Command{
		Use:   "convert DIR",
		Short: "Convert a Hugging Face safetensors model folder to GGUF",
		Long: `Convert a Hugging Face model folder (config.json, *.safetensors, tokenizer
files) to a GGUF file, as llama.cpp's convert_hf_to_gguf.py does, byte for byte.

Supported architectures: ` + strings.Join(convert.Supported(), ", ") + `.
The output is written to a temporary file and renamed when complete.`,
		Example: `  hfctl convert ./Llama-3.2-1B-Instruct -o llama-3.2-1b-f16.gguf
  hfctl convert ./Qwen3-0.6B --outtype bf16 -o qwen3-0.6b-bf16.gguf
  hfctl convert ./Qwen3-0.6B --outtype q4_k_m -o qwen3-0.6b-Q4_K_M.gguf
  hfctl convert ./tiny-shakespeare --outtype f32 --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bar := newProgress(cmd.ErrOrStderr(), "converting", quiet || asJSON)
			plan, err := convert.Prepare(args[0], convert.Options{OutType: outType, ModelName: name})
			if err != nil {
				return err
			}
			defer plan.Close()
			if out == "" {
				out = plan.DefaultOutput()
			}
			res, err := plan.Write(out, convert.Options{Threads: threads, Progress: bar.update})
			bar.finish()
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			if !quiet {
				fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s %s, %d tensors, %d parameters, %s\n",
					res.Path, res.Arch, res.FileType, res.Tensors, res.Params, humanBytes(uint64(res.Bytes)))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "output GGUF path (default: llama.cpp's name for the model, e.g. Name-1.2B-F16.gguf)")
	f.StringVar(&outType, "outtype", "auto", "output type: "+strings.Join(convert.OutTypes, ", ")+", or a llama-quantize type (q4_k_m, q6_k, ...)")
	f.StringVar(&name, "model-name", "", "override general.name")
	f.IntVarP(&threads, "threads", "t", 0, "conversion threads (default: all cores)")
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress or summary")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	_ = cmd.RegisterFlagCompletionFunc("outtype", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return convert.OutTypes, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}
