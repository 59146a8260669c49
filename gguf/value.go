// Package gguf reads and writes GGUF files (versions 2 and 3), the container
// llama.cpp and Ollama load models from.
//
// Layout of a GGUF file (little-endian):
//
//	magic "GGUF" | u32 version | u64 tensor count | u64 metadata count
//	metadata:    (string key, u32 value type, value)*
//	tensor info: (string name, u32 n_dims, u64 ne[n_dims], u32 ggml type, u64 offset)*
//	padding to general.alignment (default 32)
//	tensor data, each tensor at its offset (relative to the data start), aligned
//
// A string is a u64 byte length followed by UTF-8 bytes; an array is a u32
// element type, a u64 count and the elements.
package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// ValueType is the type tag of a metadata value.
type ValueType uint32

// The 13 GGUF metadata value types, with their on-disk tags.
const (
	TypeUint8   ValueType = 0
	TypeInt8    ValueType = 1
	TypeUint16  ValueType = 2
	TypeInt16   ValueType = 3
	TypeUint32  ValueType = 4
	TypeInt32   ValueType = 5
	TypeFloat32 ValueType = 6
	TypeBool    ValueType = 7
	TypeString  ValueType = 8
	TypeArray   ValueType = 9
	TypeUint64  ValueType = 10
	TypeInt64   ValueType = 11
	TypeFloat64 ValueType = 12
)

var valueTypeNames = [...]string{"UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32", "BOOL", "STRING", "ARRAY", "UINT64", "INT64", "FLOAT64"}

func (t ValueType) String() string {
	if int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return fmt.Sprintf("ValueType(%d)", uint32(t))
}

// Valid reports whether t is one of the 13 known value types.
func (t ValueType) Valid() bool { return t <= TypeFloat64 }

// scalarSize is the encoded size of a fixed-size scalar type, 0 for string/array.
func (t ValueType) scalarSize() int {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64:
		return 8
	}
	return 0
}

// Value is one metadata value.
//
// For a scalar, X holds the Go value of the matching type: uint8, int8,
// uint16, int16, uint32, int32, float32, bool, string, uint64, int64 or
// float64. For an array (Type == TypeArray), X holds an Array.
type Value struct {
	Type ValueType
	X    any
}

// Array is the payload of an array value. Items is a typed slice matching
// Elem: []uint8, []int8, []uint16, []int16, []uint32, []int32, []float32,
// []bool, []string, []uint64, []int64, []float64, or []Array for nested arrays.
type Array struct {
	Elem  ValueType
	Items any
}

// Len is the number of elements of the array.
func (a Array) Len() int {
	switch s := a.Items.(type) {
	case []uint8:
		return len(s)
	case []int8:
		return len(s)
	case []uint16:
		return len(s)
	case []int16:
		return len(s)
	case []uint32:
		return len(s)
	case []int32:
		return len(s)
	case []float32:
		return len(s)
	case []bool:
		return len(s)
	case []string:
		return len(s)
	case []uint64:
		return len(s)
	case []int64:
		return len(s)
	case []float64:
		return len(s)
	case []Array:
		return len(s)
	}
	return 0
}

// KV is one metadata entry. Files keep their entries in order.
type KV struct {
	Key   string
	Value Value
}

// Constructors for metadata values.
func Uint8(v uint8) Value     { return Value{TypeUint8, v} }
func Int8(v int8) Value       { return Value{TypeInt8, v} }
func Uint16(v uint16) Value   { return Value{TypeUint16, v} }
func Int16(v int16) Value     { return Value{TypeInt16, v} }
func Uint32(v uint32) Value   { return Value{TypeUint32, v} }
func Int32(v int32) Value     { return Value{TypeInt32, v} }
func Float32(v float32) Value { return Value{TypeFloat32, v} }
func Bool(v bool) Value       { return Value{TypeBool, v} }
func String(v string) Value   { return Value{TypeString, v} }
func Uint64(v uint64) Value   { return Value{TypeUint64, v} }
func Int64(v int64) Value     { return Value{TypeInt64, v} }
func Float64(v float64) Value { return Value{TypeFloat64, v} }

// Array constructors.
func Strings(v []string) Value   { return Value{TypeArray, Array{TypeString, v}} }
func Float32s(v []float32) Value { return Value{TypeArray, Array{TypeFloat32, v}} }
func Int32s(v []int32) Value     { return Value{TypeArray, Array{TypeInt32, v}} }
func Uint32s(v []uint32) Value   { return Value{TypeArray, Array{TypeUint32, v}} }
func Bools(v []bool) Value       { return Value{TypeArray, Array{TypeBool, v}} }
func Arrays(v []Array) Value     { return Value{TypeArray, Array{TypeArray, v}} }

// Str returns the value as a string, if it is one.
func (v Value) Str() (string, bool) { s, ok := v.X.(string); return s, ok }

// Arr returns the array payload, if the value is an array.
func (v Value) Arr() (Array, bool) { a, ok := v.X.(Array); return a, ok }

// Int returns an integer scalar (any width, signed or unsigned) as int64.
func (v Value) Int() (int64, bool) {
	switch x := v.X.(type) {
	case uint8:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case int16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case int32:
		return int64(x), true
	case uint64:
		if x > math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

// Float returns a float scalar as float64.
func (v Value) Float() (float64, bool) {
	switch x := v.X.(type) {
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// Bool returns a bool scalar.
func (v Value) Bool() (bool, bool) { b, ok := v.X.(bool); return b, ok }

// AppendValue appends the on-disk encoding of v (without the u32 type tag)
// to b: the bytes gguf-py hashes as a value's "serialized value bytes".
func AppendValue(b []byte, v Value) ([]byte, error) {
	le := binary.LittleEndian
	switch x := v.X.(type) {
	case uint8:
		return append(b, x), nil
	case int8:
		return append(b, byte(x)), nil
	case bool:
		if x {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case uint16:
		return le.AppendUint16(b, x), nil
	case int16:
		return le.AppendUint16(b, uint16(x)), nil
	case uint32:
		return le.AppendUint32(b, x), nil
	case int32:
		return le.AppendUint32(b, uint32(x)), nil
	case float32:
		return le.AppendUint32(b, math.Float32bits(x)), nil
	case uint64:
		return le.AppendUint64(b, x), nil
	case int64:
		return le.AppendUint64(b, uint64(x)), nil
	case float64:
		return le.AppendUint64(b, math.Float64bits(x)), nil
	case string:
		b = le.AppendUint64(b, uint64(len(x)))
		return append(b, x...), nil
	case Array:
		return appendArray(b, x)
	}
	return b, fmt.Errorf("gguf: cannot encode value of Go type %T", v.X)
}

func appendArray(b []byte, a Array) ([]byte, error) {
	le := binary.LittleEndian
	b = le.AppendUint32(b, uint32(a.Elem))
	b = le.AppendUint64(b, uint64(a.Len()))
	var err error
	switch s := a.Items.(type) {
	case []uint8:
		b = append(b, s...)
	case []int8:
		for _, x := range s {
			b = append(b, byte(x))
		}
	case []bool:
		for _, x := range s {
			if x {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
	case []uint16:
		for _, x := range s {
			b = le.AppendUint16(b, x)
		}
	case []int16:
		for _, x := range s {
			b = le.AppendUint16(b, uint16(x))
		}
	case []uint32:
		for _, x := range s {
			b = le.AppendUint32(b, x)
		}
	case []int32:
		for _, x := range s {
			b = le.AppendUint32(b, uint32(x))
		}
	case []float32:
		for _, x := range s {
			b = le.AppendUint32(b, math.Float32bits(x))
		}
	case []uint64:
		for _, x := range s {
			b = le.AppendUint64(b, x)
		}
	case []int64:
		for _, x := range s {
			b = le.AppendUint64(b, uint64(x))
		}
	case []float64:
		for _, x := range s {
			b = le.AppendUint64(b, math.Float64bits(x))
		}
	case []string:
		for _, x := range s {
			b = le.AppendUint64(b, uint64(len(x)))
			b = append(b, x...)
		}
	case []Array:
		for _, x := range s {
			if b, err = appendArray(b, x); err != nil {
				return b, err
			}
		}
	default:
		return b, fmt.Errorf("gguf: cannot encode array items of Go type %T", a.Items)
	}
	return b, nil
}

// TypeName describes a value's type as gguf_dump does: "UINT32", "ARRAY[STRING]".
func (v Value) TypeName() string {
	if a, ok := v.X.(Array); ok {
		return "ARRAY[" + a.Elem.String() + "]"
	}
	return v.Type.String()
}

// Format renders a value for humans; arrays longer than maxItems are abbreviated.
func (v Value) Format(maxItems int) string {
	a, ok := v.X.(Array)
	if !ok {
		if s, ok := v.X.(string); ok {
			return fmt.Sprintf("%q", s)
		}
		return fmt.Sprint(v.X)
	}
	n := a.Len()
	var sb strings.Builder
	sb.WriteByte('[')
	show := n
	if maxItems >= 0 && n > maxItems {
		show = maxItems
	}
	for i := 0; i < show; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(arrayItem(a, i).Format(maxItems))
	}
	if show < n {
		fmt.Fprintf(&sb, ", ... (%d items)", n)
	}
	sb.WriteByte(']')
	return sb.String()
}

// arrayItem returns element i of an array as a Value.
func arrayItem(a Array, i int) Value {
	switch s := a.Items.(type) {
	case []uint8:
		return Uint8(s[i])
	case []int8:
		return Int8(s[i])
	case []uint16:
		return Uint16(s[i])
	case []int16:
		return Int16(s[i])
	case []uint32:
		return Uint32(s[i])
	case []int32:
		return Int32(s[i])
	case []float32:
		return Float32(s[i])
	case []bool:
		return Bool(s[i])
	case []string:
		return String(s[i])
	case []uint64:
		return Uint64(s[i])
	case []int64:
		return Int64(s[i])
	case []float64:
		return Float64(s[i])
	case []Array:
		return Value{TypeArray, s[i]}
	}
	return Value{}
}
