package jinja

import "fmt"

// The errors a parse or render returns. Each is a distinct type so that
// callers can tell them apart with errors.As; their messages follow the
// wording of Python's jinja2 where that is cheap to reproduce (only the
// TemplateError text, the argument of raise_exception, is normative).
type (
	// SyntaxError is a template that does not parse (jinja2's
	// TemplateSyntaxError, and TemplateAssertionError for an unknown
	// filter or test found at compile time).
	SyntaxError struct {
		Line int
		Msg  string
	}
	// TemplateError is raised by the template itself through
	// raise_exception(message); Msg is the message verbatim.
	TemplateError struct{ Msg string }
	// UndefinedError: an undefined value was printed through an
	// operation that needs a value (+, indexing, calling, json …).
	UndefinedError struct{ Msg string }
	// TypeError: an operation on values of the wrong type (Python's
	// TypeError, e.g. iterating None or str + int).
	TypeError struct{ Msg string }
	// SecurityError: the sandbox refused an attribute or method
	// (names starting with "_", methods that mutate a list or dict).
	SecurityError struct{ Msg string }
	// RuntimeError: any other failure Python would raise (division by
	// zero, a value error, an unknown filter reached at run time …).
	RuntimeError struct{ Msg string }
	// LimitError: the template exceeded a resource limit that protects
	// the caller from hostile templates (output size, recursion depth,
	// number of evaluation steps, size of a built value).
	LimitError struct{ Msg string }
)

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("template syntax error (line %d): %s", e.Line, e.Msg)
}
func (e *TemplateError) Error() string  { return e.Msg }
func (e *UndefinedError) Error() string { return e.Msg }
func (e *TypeError) Error() string      { return e.Msg }
func (e *SecurityError) Error() string  { return e.Msg }
func (e *RuntimeError) Error() string   { return e.Msg }
func (e *LimitError) Error() string     { return "template limit exceeded: " + e.Msg }

func typeErrorf(format string, args ...any) error {
	return &TypeError{fmt.Sprintf(format, args...)}
}

func runtimeErrorf(format string, args ...any) error {
	return &RuntimeError{fmt.Sprintf(format, args...)}
}
