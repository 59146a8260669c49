package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// spec is one tensor for the test writer.
type spec struct {
	name  string
	dtype string
	shape []int64
	data  []byte
}

// encodeST builds a valid safetensors file: the header lists the tensors
// (and metadata, if any) in the order given, their data follows in that
// order, and the header is padded with spaces to a multiple of 8 bytes.
func encodeST(meta map[string]string, specs ...spec) []byte {
	var h bytes.Buffer
	h.WriteByte('{')
	sep := ""
	if meta != nil {
		keys := make([]string, 0, len(meta))
		for k := range meta {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		h.WriteString(`"__metadata__":{`)
		for i, k := range keys {
			if i > 0 {
				h.WriteByte(',')
			}
			fmt.Fprintf(&h, "%s:%s", jstr(k), jstr(meta[k]))
		}
		h.WriteByte('}')
		sep = ","
	}
	off := 0
	for _, s := range specs {
		shape, _ := json.Marshal(s.shape)
		if s.shape == nil {
			shape = []byte("[]")
		}
		fmt.Fprintf(&h, `%s%s:{"dtype":%s,"shape":%s,"data_offsets":[%d,%d]}`,
			sep, jstr(s.name), jstr(s.dtype), shape, off, off+len(s.data))
		off += len(s.data)
		sep = ","
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(h.Len()))
	out = append(out, h.Bytes()...)
	for _, s := range specs {
		out = append(out, s.data...)
	}
	return out
}

// rawST is a file with exactly this header (no padding) and data buffer.
func rawST(header string, data []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	out = append(out, header...)
	return append(out, data...)
}

func jstr(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// writeFile writes b to dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// seq is n bytes counting up from start (mod 256).
func seq(start, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(start + i)
	}
	return b
}
