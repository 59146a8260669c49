package jinja

import (
	"fmt"
	"math/big"
	"strings"
	"time"
)

// globals are the names every template sees: jinja2's defaults (range,
// dict, namespace, cycler, joiner, lipsum) and transformers'
// raise_exception and strftime_now.
func globals(r *renderer) map[string]Value {
	fn := func(name string, f func(a *args) (Value, error)) *Func {
		return &Func{name: name, fn: f}
	}
	return map[string]Value{
		"range": fn("range", pyRange),
		"dict": fn("dict", func(a *args) (Value, error) {
			return dictArgs("dict", a)
		}),
		"namespace": fn("namespace", func(a *args) (Value, error) {
			d, err := dictArgs("Namespace", a)
			if err != nil {
				return nil, err
			}
			return &Namespace{d}, nil
		}),
		"cycler": fn("cycler", func(a *args) (Value, error) {
			if len(a.pos) == 0 {
				return nil, &RuntimeError{"at least one item has to be provided"}
			}
			return &cycler{items: append([]Value(nil), a.pos...)}, nil
		}),
		"joiner": fn("joiner", func(a *args) (Value, error) {
			p, err := a.bind("Joiner", "sep")
			if err != nil {
				return nil, err
			}
			return &joiner{sep: or(p[0], ", ")}, nil
		}),
		"lipsum": fn("generate_lorem_ipsum", func(a *args) (Value, error) {
			p, err := a.bind("generate_lorem_ipsum", "n", "html", "min", "max")
			if err != nil {
				return nil, err
			}
			n, err := intArg(or(p[0], int64(5)), "")
			if err != nil {
				return nil, err
			}
			n = max(0, min(n, 1000))
			para := "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua."
			parts := make([]string, n)
			for i := range parts {
				if truthy(or(p[1], true)) {
					parts[i] = "<p>" + para + "</p>"
				} else {
					parts[i] = para
				}
			}
			if truthy(or(p[1], true)) {
				return Markup(strings.Join(parts, "\n")), nil
			}
			return strings.Join(parts, "\n\n"), nil
		}),
		"raise_exception": fn("raise_exception", func(a *args) (Value, error) {
			p, err := a.bind("raise_exception", "message")
			if err != nil {
				return nil, err
			}
			if p[0] == missing {
				return nil, &TypeError{"raise_exception() missing 1 required positional argument: 'message'"}
			}
			return nil, &TemplateError{toStr(p[0])}
		}),
		"strftime_now": fn("strftime_now", func(a *args) (Value, error) {
			p, err := a.bind("strftime_now", "format")
			if err != nil {
				return nil, err
			}
			f, err := strArg(p[0], "strftime_now")
			if err != nil {
				return nil, err
			}
			return strftime(r.now(), f), nil
		}),
	}
}

// pyRange is the sandbox's range(): at most maxRange items.
func pyRange(a *args) (Value, error) {
	if a.kw != nil && a.kw.Len() > 0 {
		return nil, &TypeError{"range() takes no keyword arguments"}
	}
	switch len(a.pos) {
	case 0:
		return nil, &TypeError{"range expected at least 1 argument, got 0"}
	case 1, 2, 3:
	default:
		return nil, typeErrorf("range expected at most 3 arguments, got %d", len(a.pos))
	}
	nums := make([]int64, len(a.pos))
	for i, v := range a.pos {
		if b, ok := v.(*big.Int); ok {
			nums[i] = int64(b.Sign()) << 62
			continue
		}
		n, err := intArg(v, "")
		if err != nil {
			return nil, err
		}
		nums[i] = n
	}
	rg := &Range{step: 1}
	switch len(nums) {
	case 1:
		rg.stop = nums[0]
	case 2:
		rg.start, rg.stop = nums[0], nums[1]
	case 3:
		rg.start, rg.stop, rg.step = nums[0], nums[1], nums[2]
	}
	if rg.step == 0 {
		return nil, &RuntimeError{"range() arg 3 must not be zero"}
	}
	if rg.len() > maxRange {
		return nil, runtimeErrorf("Range too big. The sandbox blocks ranges larger than MAX_RANGE (%d).", maxRange)
	}
	return rg, nil
}

// dictArgs is dict(*args, **kwargs).
func dictArgs(name string, a *args) (*Dict, error) {
	d := NewDict()
	if len(a.pos) > 1 {
		return nil, typeErrorf("%s expected at most 1 argument, got %d", name, len(a.pos))
	}
	if len(a.pos) == 1 {
		switch src := a.pos[0].(type) {
		case *Dict:
			d = src.copy()
		default:
			items, err := iterate(src)
			if err != nil {
				return nil, err
			}
			for i, it := range items {
				kv, err := iterate(it)
				if err != nil {
					return nil, typeErrorf("cannot convert dictionary update sequence element #%d to a sequence", i)
				}
				if len(kv) != 2 {
					return nil, runtimeErrorf("dictionary update sequence element #%d has length %d; 2 is required", i, len(kv))
				}
				if _, ok := hashKey(kv[0]); !ok {
					return nil, typeErrorf("unhashable type: '%s'", typeName(kv[0]))
				}
				d.Set(kv[0], kv[1])
			}
		}
	}
	if a.kw != nil {
		for i, k := range a.kw.keys {
			d.Set(k, a.kw.vals[i])
		}
	}
	return d, nil
}

// cycler is jinja2.utils.Cycler.
type cycler struct {
	items []Value
	pos   int
}

func (c *cycler) attr(name string) (Value, bool) {
	switch name {
	case "items":
		return append([]Value(nil), c.items...), true
	case "pos":
		return int64(c.pos), true
	case "current":
		return c.items[c.pos], true
	case "next", "__next__":
		return &Func{name: "next", self: "Cycler", fn: func(a *args) (Value, error) {
			v := c.items[c.pos]
			c.pos = (c.pos + 1) % len(c.items)
			return v, nil
		}}, true
	case "reset":
		return &Func{name: "reset", self: "Cycler", fn: func(a *args) (Value, error) {
			c.pos = 0
			return nil, nil
		}}, true
	}
	return nil, false
}

// joiner is jinja2.utils.Joiner: "" on the first call, then sep.
type joiner struct {
	sep  Value
	used bool
}

func (j *joiner) call() Value {
	if !j.used {
		j.used = true
		return ""
	}
	return j.sep
}

var (
	weekdays = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	months   = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// strftime formats t as Python's datetime.strftime does for a naive
// datetime in the C locale.
func strftime(t time.Time, f string) string {
	var b strings.Builder
	rs := []rune(f)
	for i := 0; i < len(rs); i++ {
		if rs[i] != '%' || i+1 >= len(rs) {
			b.WriteRune(rs[i])
			continue
		}
		i++
		switch rs[i] {
		case 'a':
			b.WriteString(weekdays[t.Weekday()][:3])
		case 'A':
			b.WriteString(weekdays[t.Weekday()])
		case 'w':
			fmt.Fprintf(&b, "%d", int(t.Weekday()))
		case 'u':
			fmt.Fprintf(&b, "%d", (int(t.Weekday())+6)%7+1)
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'b', 'h':
			b.WriteString(months[t.Month()-1][:3])
		case 'B':
			b.WriteString(months[t.Month()-1])
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'Y':
			fmt.Fprintf(&b, "%d", t.Year())
		case 'C':
			fmt.Fprintf(&b, "%02d", t.Year()/100)
		case 'G':
			y, _ := t.ISOWeek()
			fmt.Fprintf(&b, "%d", y)
		case 'g':
			y, _ := t.ISOWeek()
			fmt.Fprintf(&b, "%02d", y%100)
		case 'V':
			_, w := t.ISOWeek()
			fmt.Fprintf(&b, "%02d", w)
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'k':
			fmt.Fprintf(&b, "%2d", t.Hour())
		case 'I', 'l':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			if rs[i] == 'I' {
				fmt.Fprintf(&b, "%02d", h)
			} else {
				fmt.Fprintf(&b, "%2d", h)
			}
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'P':
			if t.Hour() < 12 {
				b.WriteString("am")
			} else {
				b.WriteString("pm")
			}
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'f':
			fmt.Fprintf(&b, "%06d", t.Nanosecond()/1000)
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'U':
			fmt.Fprintf(&b, "%02d", (t.YearDay()+6-int(t.Weekday()))/7)
		case 'W':
			fmt.Fprintf(&b, "%02d", (t.YearDay()+6-(int(t.Weekday())+6)%7)/7)
		case 'c':
			b.WriteString(strftime(t, "%a %b %e %H:%M:%S %Y"))
		case 'x', 'D':
			b.WriteString(strftime(t, "%m/%d/%y"))
		case 'X', 'T':
			b.WriteString(strftime(t, "%H:%M:%S"))
		case 'R':
			b.WriteString(strftime(t, "%H:%M"))
		case 'F':
			b.WriteString(strftime(t, "%Y-%m-%d"))
		case 'r':
			b.WriteString(strftime(t, "%I:%M:%S %p"))
		case 's':
			fmt.Fprintf(&b, "%d", t.Unix())
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'z', 'Z': // a naive datetime has no zone
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteRune(rs[i])
		}
	}
	return b.String()
}
