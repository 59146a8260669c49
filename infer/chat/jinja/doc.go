// Package jinja is a Jinja2 engine, in pure Go with the standard library
// only, that renders chat templates exactly as Hugging Face transformers
// does: Python's jinja2 3.1.2 in an ImmutableSandboxedEnvironment with
// trim_blocks and lstrip_blocks on, keep_trailing_newline off, the
// loopcontrols extension ({% break %}, {% continue %}), transformers'
// {% generation %} tag (its body renders unchanged), transformers' tojson
// (json.dumps with ensure_ascii=False; ensure_ascii, indent, separators
// and sort_keys can be overridden), and the globals raise_exception and
// strftime_now.
//
// Use:
//
//	t, err := jinja.Parse(src)          // *SyntaxError on bad input
//	out, err := t.Render(vars, &jinja.Options{Now: clock})
//
// Values follow Python: None, bool, int (unbounded), float (printed as
// Python's repr), str, list, tuple, insertion-ordered dict (FromJSON
// decodes JSON the way json.loads does), Markup (|safe), and jinja2's
// lenient Undefined (prints as "", is false, iterates as empty; using it
// in arithmetic, calls, indexing or tojson fails with UndefinedError).
// Scoping is jinja2's (a {% set %} inside a loop does not leak out; use
// namespace()), as are the sandbox rules (attributes starting with "_"
// and methods that mutate a list or dict raise SecurityError), every
// built-in filter and test, the str/dict/list methods, str.format and
// "%" formatting, and the compile-time behaviour that shows (an unknown
// filter outside an {% if %} is a syntax error; constant expressions are
// folded, so a constant slice of a non-sequence is Undefined).
//
// Errors are typed: SyntaxError, TemplateError (raise_exception, with the
// template's message), UndefinedError, TypeError, SecurityError,
// RuntimeError (Python's other exceptions) and LimitError. The engine
// never panics; hostile templates are stopped by limits on output size,
// evaluation steps, call depth, range() size (100000, as the sandbox)
// and the size of built values.
//
// Known differences from jinja2 3.1.2: list.pop and list.clear are
// refused by the sandbox (as jinja2 3.1.5 and later do; 3.1.2 still
// allowed them); \N{name} escapes in string literals, complex numbers
// and the urlize filter are not supported; wordwrap is a simplified
// textwrap; lipsum returns fixed text; reprs of functions, methods and
// generators show a fixed address; Python's recursion limit is replaced
// by the limits above.
package jinja
