package testdata

import (
	"bytes"
	"slices"
	"testing"

	"github.com/hfctl/hfctl/gguf"
)

// DiffGGUF reports, as test errors, every metadata and tensor difference
// between two GGUF files (for explaining a failed byte comparison).
func DiffGGUF(t testing.TB, gotPath, wantPath string) {
	t.Helper()
	g, err := gguf.Open(gotPath)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	w, err := gguf.Open(wantPath)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := range max(len(g.KV), len(w.KV)) {
		var gk, wk string
		var gb, wb []byte
		if i < len(g.KV) {
			gk = g.KV[i].Key
			gb, _ = gguf.AppendValue(nil, g.KV[i].Value)
		}
		if i < len(w.KV) {
			wk = w.KV[i].Key
			wb, _ = gguf.AppendValue(nil, w.KV[i].Value)
		}
		if gk != wk || !bytes.Equal(gb, wb) {
			gs, ws := "", ""
			if i < len(g.KV) {
				gs = g.KV[i].Value.Format(4)
			}
			if i < len(w.KV) {
				ws = w.KV[i].Value.Format(4)
			}
			t.Errorf("key %d: got %s=%s, want %s=%s", i, gk, gs, wk, ws)
		}
	}
	for i := range max(len(g.Tensors), len(w.Tensors)) {
		if i >= len(g.Tensors) || i >= len(w.Tensors) {
			t.Errorf("tensor count %d, want %d", len(g.Tensors), len(w.Tensors))
			break
		}
		gt, wt := &g.Tensors[i], &w.Tensors[i]
		if gt.Name != wt.Name || gt.Type != wt.Type || !slices.Equal(gt.Shape, wt.Shape) || gt.Offset != wt.Offset {
			t.Errorf("tensor %d: got %s %s %v @%d, want %s %s %v @%d", i, gt.Name, gt.Type, gt.Shape, gt.Offset, wt.Name, wt.Type, wt.Shape, wt.Offset)
		} else if !bytes.Equal(g.TensorData(gt), w.TensorData(wt)) {
			t.Errorf("tensor %s: data differs", gt.Name)
		}
	}
}
