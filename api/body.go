package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// A request body is decoded once, strictly, into a document: validate.go
// checks the document against the operation's input shape, and the handler
// reads the members it needs from it by their exact names. Decoding once
// leaves no room for the validator and the handler to read different
// values, as they did when the handler decoded the body again with
// encoding/json, which takes the last of a key given twice and matches keys
// in any case: {"Name":"<5,000 characters>","Name":null} was checked as
// absent and stored as given.

// A document is a JSON object of a request body. Its values are string,
// json.Number, bool, nil (null), []any and map[string]any.
type document map[string]any

// decoders keeps jsontext decoders for reuse: each holds buffers and
// state that would otherwise be allocated for every request.
var decoders = sync.Pool{New: func() any { return new(jsontext.Decoder) }}

// decodeDocument decodes body, which must hold one JSON object and nothing
// after it. Besides JSON's grammar it refuses invalid UTF-8 (jsontext's
// default) and a member given twice in one object.
func decodeDocument(body []byte) (document, error) {
	d := decoders.Get().(*jsontext.Decoder)
	defer decoders.Put(d)
	// Duplicates are found below, where the message can name the member
	// in the terms of the model rather than as a JSON pointer.
	d.Reset(bytes.NewBuffer(body), jsontext.AllowDuplicateNames(true))
	if k := d.PeekKind(); k != '{' && k != 0 {
		return nil, badRequest("the request body is not a JSON object")
	}
	v, err := readValue(d)
	if err != nil {
		return nil, bodyError(err)
	}
	if _, err := d.ReadToken(); err != io.EOF {
		return nil, badRequest("the request body has data after its JSON object")
	}
	return v.(map[string]any), nil
}

func readValue(d *jsontext.Decoder) (any, error) {
	tok, err := d.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case '{':
		return readObject(d)
	case '[':
		return readArray(d)
	case '"':
		return tok.String(), nil
	case '0':
		return json.Number(tok.String()), nil
	case 't', 'f':
		return tok.Bool(), nil
	}
	return nil, nil
}

func readObject(d *jsontext.Decoder) (map[string]any, error) {
	obj := map[string]any{}
	for d.PeekKind() != '}' {
		name, err := d.ReadToken()
		if err != nil {
			return nil, err
		}
		key := name.String()
		v, err := readValue(d)
		if err != nil {
			return nil, within(key, err)
		}
		if _, twice := obj[key]; twice {
			return nil, within(key, &memberError{problem: " is given twice; give each member once"})
		}
		obj[key] = v
	}
	_, err := d.ReadToken()
	return obj, err
}

func readArray(d *jsontext.Decoder) ([]any, error) {
	list := []any{}
	for d.PeekKind() != ']' {
		v, err := readValue(d)
		if err != nil {
			return nil, within(indexText(len(list)), err)
		}
		list = append(list, v)
	}
	_, err := d.ReadToken()
	return list, err
}

// A memberError is a problem with one member of a body. Its path, such as
// UpdateUserRequestItems[0].LicenseType, grows as the decoder unwinds, so
// that paths cost nothing unless something is wrong.
type memberError struct {
	path    string
	problem string
}

func (e *memberError) Error() string { return e.path + e.problem }

// within puts err, found inside the member or element step, under it.
func within(step string, err error) error {
	var me *memberError
	if !errors.As(err, &me) {
		return err
	}
	if me.path != "" && me.path[0] != '[' {
		step += "."
	}
	me.path = step + me.path
	return me
}

func indexText(i int) string { return "[" + strconv.Itoa(i) + "]" }

// bodyError words a decoding failure for the caller.
func bodyError(err error) error {
	var me *memberError
	if errors.As(err, &me) {
		return badRequest("%s", me.Error())
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return badRequest("the request body ends before its JSON object does")
	}
	return badRequest("the request body is not valid JSON: %s", strings.TrimPrefix(err.Error(), "jsontext: "))
}

// The accessors read members of a document. Validation has checked each
// member's type against the model, so they need not: a member absent or
// null reads as the zero value, or as nil where the handler must tell
// absent from zero.

// str returns the string member name.
func (d document) str(name string) string {
	s, _ := d[name].(string)
	return s
}

// boolean returns the boolean member name.
func (d document) boolean(name string) bool {
	b, _ := d[name].(bool)
	return b
}

// integer returns the whole number member name.
func (d document) integer(name string) int {
	n, _ := d[name].(json.Number)
	i, _ := n.Int64()
	return int(i)
}

// obj returns the object member name; nil reads as an empty object.
func (d document) obj(name string) document {
	m, _ := d[name].(map[string]any)
	return m
}

// strs returns the list of strings name.
func (d document) strs(name string) []string { return listOf[string](d, name) }

// objs returns the list of objects name.
func (d document) objs(name string) []document {
	items := listOf[map[string]any](d, name)
	out := make([]document, len(items))
	for i, m := range items {
		out[i] = m
	}
	return out
}

// optional returns member name of d, or nil when it is absent or null.
func optional[T any](d document, name string) *T {
	if v, ok := d[name].(T); ok {
		return &v
	}
	return nil
}

func listOf[T any](d document, name string) []T {
	items, _ := d[name].([]any)
	out := make([]T, len(items))
	for i, v := range items {
		out[i], _ = v.(T)
	}
	return out
}
