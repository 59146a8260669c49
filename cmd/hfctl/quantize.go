package main

import (
	"fmt"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/hfctl/hfctl/gguf"
	"github.com/hfctl/hfctl/quantize"
	"github.com/spf13/cobra"
)

func newQuantizeCmd() *cobra.Command {
	var (
		threads                    int
		pure, leaveOutput, requant bool
		dryRun, quiet, asJSON      bool
		outputType, tokenEmbdType  string
		tensorTypes                []string
	)
	cmd := &cobra.Command{
		Use:   "quantize IN.gguf OUT.gguf TYPE",
		Short: "Quantize a GGUF file as llama-quantize does (same bytes)",
		Long: `Quantize a GGUF model to TYPE with llama-quantize's per-tensor policy and
block formats, byte for byte. TYPE is one of:
  ` + strings.Join(quantize.FileTypes, " ") + `
(Q3_K, Q4_K, Q5_K are aliases of the _M types; a llama_ftype number works too).
Q2_K_S needs an importance matrix, which hfctl does not read yet.`,
		Example: `  hfctl quantize model-f16.gguf model-Q4_K_M.gguf Q4_K_M
  hfctl quantize model-f16.gguf model-Q8_0.gguf Q8_0 --threads 8
  hfctl quantize model-f16.gguf x.gguf Q4_K_M --dry-run
  hfctl quantize model-f16.gguf m.gguf Q4_K_M --tensor-type 'attn_v=q8_0' --output-tensor-type q8_0`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			ft, err := quantize.ParseFileType(args[2])
			if err != nil {
				return err
			}
			opt := quantize.Options{FileType: ft, Pure: pure, LeaveOutput: leaveOutput, AllowRequantize: requant, Threads: threads}
			if opt.OutputType, err = parseTensorType(outputType); err != nil {
				return err
			}
			if opt.TokenEmbeddingType, err = parseTensorType(tokenEmbdType); err != nil {
				return err
			}
			for _, tt := range tensorTypes {
				pat, typ, ok := strings.Cut(tt, "=")
				if !ok {
					return fmt.Errorf("--tensor-type %q: want PATTERN=TYPE", tt)
				}
				re, err := regexp.Compile(pat)
				if err != nil {
					return fmt.Errorf("--tensor-type %q: %v", tt, err)
				}
				t, err := parseTensorType(typ)
				if err != nil {
					return err
				}
				opt.TensorTypes = append(opt.TensorTypes, quantize.TensorTypeOverride{Pattern: re, Type: *t})
			}
			if dryRun {
				f, err := gguf.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				plan, err := quantize.PlanFile(f, opt)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), plan.Tensors)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "TENSOR\tSHAPE\tFROM\tTO\tBYTES\tNOTE")
				for _, t := range plan.Tensors {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", t.Name, shapeString(t.Shape), t.Type, t.To, t.Bytes, t.Warning)
				}
				tw.Flush()
				fmt.Fprintf(cmd.OutOrStdout(), "\n%s: tensor data %s (input file %s)\n", ft, humanBytes(plan.Bytes), humanBytes(uint64(f.Size)))
				return nil
			}
			bar := newProgress(cmd.ErrOrStderr(), "quantizing", quiet || asJSON)
			res, err := quantize.QuantizeFile(args[0], args[1], opt, bar.update)
			bar.finish()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), res)
			}
			if !quiet {
				fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s, %d tensors, %s -> %s\n", res.Path, res.FileType, res.Tensors,
					humanBytes(uint64(res.InBytes)), humanBytes(uint64(res.OutBytes)))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVarP(&threads, "threads", "t", 0, "quantization threads (default: all cores)")
	f.BoolVar(&pure, "pure", false, "no per-tensor mixture: every quantizable tensor gets the base type")
	f.BoolVar(&leaveOutput, "leave-output-tensor", false, "leave output.weight unquantized")
	f.BoolVar(&requant, "allow-requantize", false, "allow quantizing already quantized tensors (lossy)")
	f.StringVar(&outputType, "output-tensor-type", "", "type for output.weight")
	f.StringVar(&tokenEmbdType, "token-embedding-type", "", "type for token_embd.weight")
	f.StringArrayVar(&tensorTypes, "tensor-type", nil, "PATTERN=TYPE: tensors whose name matches the regex get TYPE (repeatable)")
	f.BoolVar(&dryRun, "dry-run", false, "print the per-tensor plan and the final size; write nothing")
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress or summary")
	f.BoolVar(&asJSON, "json", false, "print the result (or the --dry-run plan) as JSON")
	_ = cmd.RegisterFlagCompletionFunc("output-tensor-type", completeTypes)
	_ = cmd.RegisterFlagCompletionFunc("token-embedding-type", completeTypes)
	cmd.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 2 {
			return quantize.FileTypes, cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveDefault
	}
	return cmd
}

func completeTypes(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"}, cobra.ShellCompDirectiveNoFileComp
}

// parseTensorType reads a ggml tensor type name; "" is unset.
func parseTensorType(s string) (*gguf.Type, error) {
	if s == "" {
		return nil, nil
	}
	t, ok := gguf.ParseType(s)
	if !ok {
		return nil, fmt.Errorf("unknown tensor type %q", s)
	}
	if info, _ := t.Info(); info.Quantized {
		// Q8_1 and Q8_K are activation formats llama-quantize cannot write.
		if _, ok := quantize.Lookup(t); !ok || t == gguf.Q8_1 || t == gguf.Q8_K {
			return nil, fmt.Errorf("hfctl cannot write tensor type %s", t)
		}
	}
	return &t, nil
}
