package safetensors

import (
	"testing"
)

func FuzzParseHeader(f *testing.F) {
	f32 := `{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`
	seeds := [][]byte{
		encodeST(nil),
		encodeST(map[string]string{"format": "pt"},
			spec{"b", "BF16", []int64{2, 2}, seq(0, 8)},
			spec{"a", "F32", []int64{1}, seq(8, 4)},
			spec{"e", "U8", []int64{0}, nil},
			spec{"s", "F64", nil, seq(3, 8)}),
		encodeST(nil, spec{"x", "F8_E4M3", []int64{3}, seq(0, 3)}, spec{"y", "I64", []int64{1, 1}, seq(0, 8)}),
		rawST(`{"a":`+f32+`}`, seq(0, 4)),
		rawST(`{"a":`+f32+`,"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}`, seq(0, 6)),
		rawST(`{"a":`+f32+`,"b":{"dtype":"F32","shape":[0],"data_offsets":[2,2]}}`, seq(0, 4)),
		rawST(`{"a":`+f32+`,"a":`+f32+`}`, seq(0, 4)),
		rawST(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, nil),
		rawST(`{"a":{"dtype":"F32","shape":[-1,-1],"data_offsets":[0,4]}}`, seq(0, 4)),
		rawST(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}`, seq(0, 4)),
		rawST(`{"__metadata__":{"a":1}}`, nil),
		rawST(`{"a":`, nil),
		rawST(`{}`, nil)[:9],
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, '{', '}'},
		{1, 2, 3},
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sf, err := ParseHeader(data, "fuzz")
		if err != nil {
			return
		}
		checkTensors(t, sf, data)
		for _, tt := range sf.Tensors {
			tt.Release() // a no-op here: data is not a mapping
			if n := min(tt.NumElements(), 64); n > 0 {
				_ = tt.Float32s(make([]float32, n), 0)
			}
		}
	})
}
