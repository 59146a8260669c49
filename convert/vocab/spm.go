package vocab

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"unicode/utf8"
)

// SentencePiece piece types (sentencepiece_model.proto, ModelProto.SentencePiece.Type).
const (
	spNormal      = 1
	spUnknown     = 2
	spControl     = 3
	spUserDefined = 4
	spUnused      = 5
	spByte        = 6
)

type spPiece struct {
	Piece string
	Score float32
	Type  int
}

// spModel is the part of a SentencePiece ModelProto the export needs.
type spModel struct {
	Pieces []spPiece

	// trainer_spec
	ModelType    int // 1 UNIGRAM (default), 2 BPE, 3 WORD, 4 CHAR
	ByteFallback bool

	// normalizer_spec
	AddDummyPrefix bool // default true
}

// loadSentencePiece reads tokenizer.model and checks it the way
// SentencePieceProcessor.LoadFromFile does; errors name the file.
func loadSentencePiece(path string) (*spModel, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := parseSentencePiece(data)
	if err != nil {
		return nil, fmt.Errorf("%s: malformed SentencePiece model: %w", path, err)
	}
	return m, nil
}

// Protobuf wire types.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireStart   = 3
	wireEnd     = 4
	wireFixed32 = 5
)

type pbReader struct {
	b []byte
	i int
}

var errTruncated = errors.New("truncated protobuf")

func (r *pbReader) done() bool { return r.i >= len(r.b) }

func (r *pbReader) varint() (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if r.i >= len(r.b) {
			return 0, errTruncated
		}
		c := r.b[r.i]
		r.i++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
	return 0, errors.New("varint overflows 64 bits")
}

// field reads a field key.
func (r *pbReader) field() (num int, wire int, err error) {
	k, err := r.varint()
	if err != nil {
		return 0, 0, err
	}
	if k>>3 == 0 || k>>3 > 1<<29-1 {
		return 0, 0, fmt.Errorf("invalid field number %d", k>>3)
	}
	return int(k >> 3), int(k & 7), nil
}

func (r *pbReader) bytes() ([]byte, error) {
	n, err := r.varint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.b)-r.i) {
		return nil, errTruncated
	}
	out := r.b[r.i : r.i+int(n)]
	r.i += int(n)
	return out, nil
}

func (r *pbReader) fixed32() (uint32, error) {
	if len(r.b)-r.i < 4 {
		return 0, errTruncated
	}
	b := r.b[r.i:]
	r.i += 4
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24, nil
}

// skip skips a field's value. Groups (wire types 3/4) are not used by
// sentencepiece_model.proto and are rejected.
func (r *pbReader) skip(wire int) error {
	switch wire {
	case wireVarint:
		_, err := r.varint()
		return err
	case wireFixed64:
		if len(r.b)-r.i < 8 {
			return errTruncated
		}
		r.i += 8
		return nil
	case wireBytes:
		_, err := r.bytes()
		return err
	case wireFixed32:
		_, err := r.fixed32()
		return err
	}
	return fmt.Errorf("unsupported wire type %d", wire)
}

// boolVarint reads a bool encoded as a varint (any non-zero value is true).
func (r *pbReader) boolVarint(wire int) (bool, error) {
	if wire != wireVarint {
		return false, fmt.Errorf("bool field has wire type %d", wire)
	}
	v, err := r.varint()
	return v != 0, err
}

func parseSentencePiece(data []byte) (*spModel, error) {
	m := &spModel{ModelType: 1, AddDummyPrefix: true}
	r := &pbReader{b: data}
	for !r.done() {
		num, wire, err := r.field()
		if err != nil {
			return nil, err
		}
		switch {
		case num == 1 && wire == wireBytes:
			b, err := r.bytes()
			if err != nil {
				return nil, err
			}
			p, err := parsePiece(b)
			if err != nil {
				return nil, fmt.Errorf("piece %d: %w", len(m.Pieces), err)
			}
			m.Pieces = append(m.Pieces, p)
		case num == 2 && wire == wireBytes:
			b, err := r.bytes()
			if err != nil {
				return nil, err
			}
			if err := parseTrainerSpec(b, m); err != nil {
				return nil, fmt.Errorf("trainer_spec: %w", err)
			}
		case num == 3 && wire == wireBytes:
			b, err := r.bytes()
			if err != nil {
				return nil, err
			}
			if err := parseNormalizerSpec(b, m); err != nil {
				return nil, fmt.Errorf("normalizer_spec: %w", err)
			}
		case num <= 5 && wire != wireBytes:
			return nil, fmt.Errorf("field %d has wire type %d, want 2", num, wire)
		default:
			if err := r.skip(wire); err != nil {
				return nil, err
			}
		}
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m, nil
}

func parsePiece(b []byte) (spPiece, error) {
	p := spPiece{Type: spNormal}
	r := &pbReader{b: b}
	for !r.done() {
		num, wire, err := r.field()
		if err != nil {
			return p, err
		}
		switch num {
		case 1:
			if wire != wireBytes {
				return p, fmt.Errorf("piece has wire type %d", wire)
			}
			s, err := r.bytes()
			if err != nil {
				return p, err
			}
			if !utf8.Valid(s) {
				return p, errors.New("piece is not valid UTF-8")
			}
			p.Piece = string(s)
		case 2:
			if wire != wireFixed32 {
				return p, fmt.Errorf("score has wire type %d", wire)
			}
			u, err := r.fixed32()
			if err != nil {
				return p, err
			}
			p.Score = math.Float32frombits(u)
		case 3:
			if wire != wireVarint {
				return p, fmt.Errorf("type has wire type %d", wire)
			}
			v, err := r.varint()
			if err != nil {
				return p, err
			}
			// An enum value proto2 does not know is kept as an
			// unknown field; the piece keeps its default type.
			if v >= spNormal && v <= spByte {
				p.Type = int(v)
			}
		default:
			if err := r.skip(wire); err != nil {
				return p, err
			}
		}
	}
	return p, nil
}

func parseTrainerSpec(b []byte, m *spModel) error {
	r := &pbReader{b: b}
	for !r.done() {
		num, wire, err := r.field()
		if err != nil {
			return err
		}
		switch num {
		case 3: // model_type
			if wire != wireVarint {
				return fmt.Errorf("model_type has wire type %d", wire)
			}
			v, err := r.varint()
			if err != nil {
				return err
			}
			if v >= 1 && v <= 4 {
				m.ModelType = int(v)
			}
		case 35: // byte_fallback
			if m.ByteFallback, err = r.boolVarint(wire); err != nil {
				return err
			}
		default:
			if err := r.skip(wire); err != nil {
				return err
			}
		}
	}
	return nil
}

func parseNormalizerSpec(b []byte, m *spModel) error {
	r := &pbReader{b: b}
	for !r.done() {
		num, wire, err := r.field()
		if err != nil {
			return err
		}
		switch num {
		case 3: // add_dummy_prefix
			if m.AddDummyPrefix, err = r.boolVarint(wire); err != nil {
				return err
			}
		default:
			if err := r.skip(wire); err != nil {
				return err
			}
		}
	}
	return nil
}

// validate applies the checks SentencePieceProcessor makes when it loads a
// model (ModelInterface::InitializePieces).
func (m *spModel) validate() error {
	if len(m.Pieces) == 0 {
		return errors.New("no pieces")
	}
	normal := make(map[string]bool, len(m.Pieces))
	reserved := map[string]bool{}
	unk := -1
	var bytesFound [256]bool
	for i, p := range m.Pieces {
		if p.Piece == "" {
			return fmt.Errorf("piece %d is empty", i)
		}
		set := reserved
		if p.Type == spNormal || p.Type == spUserDefined || p.Type == spUnused {
			set = normal
		}
		if set[p.Piece] {
			return fmt.Errorf("piece %d (%q) is already defined", i, p.Piece)
		}
		set[p.Piece] = true
		switch p.Type {
		case spUnknown:
			if unk >= 0 {
				return fmt.Errorf("unk is defined twice (pieces %d and %d)", unk, i)
			}
			unk = i
		case spByte:
			if !m.ByteFallback {
				return fmt.Errorf("byte piece %q found although byte_fallback is false", p.Piece)
			}
			b, ok := pieceToByte(p.Piece)
			if !ok {
				return fmt.Errorf("byte piece %q is invalid", p.Piece)
			}
			bytesFound[b] = true
		}
	}
	if unk < 0 {
		return errors.New("unk is not defined")
	}
	if m.ByteFallback {
		for b, ok := range bytesFound {
			if !ok {
				return fmt.Errorf("byte_fallback is true but byte piece <0x%02X> is missing", b)
			}
		}
	}
	return nil
}

// pieceToByte decodes "<0xXX>".
func pieceToByte(s string) (byte, bool) {
	if len(s) != 6 || s[:3] != "<0x" || s[5] != '>' {
		return 0, false
	}
	v, err := strconv.ParseUint(s[3:5], 16, 8)
	if err != nil || fmt.Sprintf("<0x%02X>", v) != s {
		return 0, false
	}
	return byte(v), true
}
