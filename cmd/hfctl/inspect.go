package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/hfctl/hfctl/convert"
	"github.com/hfctl/hfctl/gguf"
	"github.com/spf13/cobra"
)

func newInspectCmd() *cobra.Command {
	var (
		asJSON    bool
		maxItems  int
		noTensors bool
	)
	cmd := &cobra.Command{
		Use:   "inspect FILE.gguf|DIR",
		Short: "Show a GGUF file's metadata and tensors, or what a model folder holds",
		Long: `For a GGUF file: its version, metadata (long arrays abbreviated) and tensor
table. For a Hugging Face model folder: architecture, parameter count,
dtypes, shards and tokenizer kind.`,
		Example: `  hfctl inspect model.gguf
  hfctl inspect model.gguf --json | jq '.metadata["general.name"]'
  hfctl inspect ./Qwen3-0.6B`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := os.Stat(args[0])
			if err != nil {
				return err
			}
			if st.IsDir() {
				info, err := convert.InspectDir(args[0])
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), info)
				}
				printDirInfo(cmd.OutOrStdout(), info)
				return nil
			}
			f, err := gguf.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), ggufJSON(f, maxItems, !noTensors))
			}
			printGGUF(cmd.OutOrStdout(), args[0], f, maxItems, !noTensors)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().IntVar(&maxItems, "max-items", 8, "array elements shown before abbreviating (-1: all)")
	cmd.Flags().BoolVar(&noTensors, "no-tensors", false, "omit the tensor table")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func printGGUF(w io.Writer, path string, f *gguf.File, maxItems int, tensors bool) {
	fmt.Fprintf(w, "%s: GGUF v%d, %d metadata keys, %d tensors, alignment %d, data at %d, %s\n",
		path, f.Version, len(f.KV), len(f.Tensors), f.Alignment, f.DataOffset, humanBytes(uint64(f.Size)))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nKEY\tTYPE\tVALUE")
	for _, kv := range f.KV {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", kv.Key, kv.Value.TypeName(), oneLine(kv.Value.Format(maxItems), 160))
	}
	tw.Flush()
	if !tensors {
		return
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\n#\tNAME\tTYPE\tSHAPE\tBYTES")
	var params uint64
	for i, t := range f.Tensors {
		params += t.NumElements()
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\n", i, t.Name, t.Type, shapeString(t.Shape), t.Size)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d parameters\n", params)
}

func oneLine(s string, max int) string {
	s = strings.ReplaceAll(s, "\n", `\n`)
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

func shapeString(shape []uint64) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

type ggufTensorJSON struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Shape  []uint64 `json:"shape"`
	Offset uint64   `json:"offset"`
	Bytes  uint64   `json:"bytes"`
}

type kvJSON struct {
	Type  string `json:"type"`
	Value any    `json:"value,omitempty"`
	Count int    `json:"count,omitempty"`
}

func ggufJSON(f *gguf.File, maxItems int, tensors bool) map[string]any {
	md := map[string]kvJSON{}
	for _, kv := range f.KV {
		e := kvJSON{Type: kv.Value.TypeName()}
		if a, ok := kv.Value.Arr(); ok {
			e.Count = a.Len()
			if maxItems < 0 || a.Len() <= maxItems {
				e.Value = a.Items
			}
		} else {
			e.Value = kv.Value.X
		}
		md[kv.Key] = e
	}
	out := map[string]any{
		"version": f.Version, "alignment": f.Alignment, "data_offset": f.DataOffset,
		"size": f.Size, "metadata": md, "tensor_count": len(f.Tensors),
	}
	if tensors {
		ts := make([]ggufTensorJSON, len(f.Tensors))
		for i, t := range f.Tensors {
			ts[i] = ggufTensorJSON{t.Name, t.Type.String(), t.Shape, t.Offset, t.Size}
		}
		out["tensors"] = ts
	}
	return out
}

func printDirInfo(w io.Writer, d *convert.DirInfo) {
	support := "supported, converts to " + d.Arch
	if !d.Supported {
		support = "NOT supported (hfctl converts " + strings.Join(convert.Supported(), ", ") + ")"
	}
	fmt.Fprintf(w, "%s: Hugging Face model folder\n", d.Dir)
	fmt.Fprintf(w, "architecture: %s (%s)\n", d.HFArch, support)
	fmt.Fprintf(w, "parameters:   %d (%.2fB) in %d tensors\n", d.Params, float64(d.Params)/1e9, d.Tensors)
	var dts []string
	for k, v := range d.DTypes {
		dts = append(dts, fmt.Sprintf("%s×%d", k, v))
	}
	sort.Strings(dts)
	fmt.Fprintf(w, "dtypes:       %s\n", strings.Join(dts, ", "))
	if d.Tokenizer != "" {
		fmt.Fprintf(w, "tokenizer:    %s\n", d.Tokenizer)
	} else {
		fmt.Fprintf(w, "tokenizer:    missing or unreadable: %s\n", d.TokenizerE)
	}
	fmt.Fprintf(w, "shards:\n")
	for _, s := range d.Shards {
		fmt.Fprintf(w, "  %s  %d tensors  %s\n", s.File, s.Tensors, humanBytes(uint64(s.Bytes)))
	}
	keys := make([]string, 0, len(d.Config))
	for k := range d.Config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "config:\n")
	for _, k := range keys {
		b, _ := json.Marshal(d.Config[k])
		fmt.Fprintf(w, "  %s: %s\n", k, b)
	}
}
