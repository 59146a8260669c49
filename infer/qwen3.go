package infer

import "fmt"

// qwen3: the llama graph with an RMS norm on each query and key head
// before the rotary embedding (NEOX ordering), no biases.
func init() {
	registerArch(&archDef{name: "qwen3", neox: true, bind: func(m *Model, b *binder) error {
		c := &m.Config
		for i := range m.Layers {
			l := &m.Layers[i]
			p := fmt.Sprintf("blk.%d.", i)
			var err error
			if l.QNorm, err = b.get(p+"attn_q_norm.weight", true, c.HeadDim); err != nil {
				return err
			}
			if l.KNorm, err = b.get(p+"attn_k_norm.weight", true, c.HeadDim); err != nil {
				return err
			}
		}
		return nil
	}})
}
