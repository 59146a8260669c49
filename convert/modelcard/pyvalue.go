package modelcard

// Python values. The model card, config.json and generation_config.json are
// read into values that keep their Python types, because what llama.cpp
// writes, skips or fails on depends on them:
//
//	None      nil
//	bool      bool
//	int       *big.Int
//	float     float64
//	str       string
//	bytes     pyBytes (YAML !!binary)
//	list      []any
//	dict      *pyDict (only its string keys are kept; nothing looks up others)
//	others    pyOther (dates, sets, tuples, self-containing collections)

import (
	"fmt"
	"math/big"
)

// pyDict is a Python dict with string keys.
type pyDict struct {
	m    map[string]any
	size int // number of keys, including the non-string ones dropped from m
}

func newDict() *pyDict { return &pyDict{m: map[string]any{}} }

func (d *pyDict) has(key string) bool {
	_, ok := d.m[key]
	return ok
}

// get is dict.get(key): nil (None) when the key is missing.
func (d *pyDict) get(key string) any { return d.m[key] }

func (d *pyDict) set(key string, v any) {
	if !d.has(key) {
		d.size++
	}
	d.m[key] = v
}

// firstOf is d.get(k1, d.get(k2, ...)): the value of the first key present,
// even where that value is None.
func (d *pyDict) firstOf(keys ...string) any {
	for _, k := range keys {
		if d.has(k) {
			return d.get(k)
		}
	}
	return nil
}

// pyBytes is a Python bytes value.
type pyBytes string

// pyOther stands for the Python values nothing here looks into: a date or
// datetime, a set, an (omap) tuple, a list or dict that contains itself.
type pyOther struct {
	kind   string
	truthy bool
}

// truthy is Python's bool(v).
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case *big.Int:
		return x.Sign() != 0
	case float64:
		return x != 0 // NaN is true
	case string:
		return x != ""
	case pyBytes:
		return x != ""
	case []any:
		return len(x) > 0
	case *pyDict:
		return x.size > 0
	case pyOther:
		return x.truthy
	}
	return true
}

// typeName is Python's type(v).__name__, for messages.
func typeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case pyBytes:
		return "bytes"
	case []any:
		return "list"
	case *pyDict:
		return "dict"
	case pyOther:
		return x.kind
	}
	return fmt.Sprintf("%T", v)
}
