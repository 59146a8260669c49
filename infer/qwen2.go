package infer

import "fmt"

// qwen2: the llama graph with biases on the q, k and v projections and
// rotary embeddings on (i, i+d/2) pairs (NEOX ordering).
func init() {
	registerArch(&archDef{name: "qwen2", neox: true, bind: func(m *Model, b *binder) error {
		c := &m.Config
		for i := range m.Layers {
			l := &m.Layers[i]
			p := fmt.Sprintf("blk.%d.", i)
			var err error
			if l.QBias, err = b.get(p+"attn_q.bias", true, c.NHead*c.HeadDim); err != nil {
				return err
			}
			if l.KBias, err = b.get(p+"attn_k.bias", true, c.NHeadKV*c.HeadDim); err != nil {
				return err
			}
			if l.VBias, err = b.get(p+"attn_v.bias", true, c.NHeadKV*c.HeadDimV); err != nil {
				return err
			}
		}
		return nil
	}})
}
