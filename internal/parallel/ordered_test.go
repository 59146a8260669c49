package parallel

import "testing"

func TestOrdered(t *testing.T) {
	for _, workers := range []int{1, 2, 5} {
		var got []byte
		err := Ordered(100, workers, func(i int, buf []byte) ([]byte, error) {
			return append(buf, byte(i)), nil
		}, func(b []byte) error { got = append(got, b...); return nil })
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range got {
			if int(b) != i {
				t.Fatalf("workers=%d: chunk %d out of order", workers, i)
			}
		}
		if len(got) != 100 {
			t.Fatalf("%d chunks", len(got))
		}
	}
}
