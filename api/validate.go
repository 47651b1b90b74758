package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/belfryhq/belfry"
)

// The SDKs validate little (botocore: required, types, min; Go: required),
// so the server checks every constraint of the model itself and answers
// BadRequest with a message a person can act on (chime-behaviour.md §1.7).

// patterns holds each model pattern compiled once, anchored to the whole
// value: the model's patterns describe whole values.
var patterns = compilePatterns()

func compilePatterns() map[string]*regexp.Regexp {
	out := map[string]*regexp.Regexp{}
	for _, s := range shapes {
		if s.Pattern != "" {
			out[s.Name] = compilePattern(s.Pattern)
		}
	}
	return out
}

// compilePattern compiles a model pattern the way the service applies it,
// as a java.util.regex pattern without flags: matched against the whole
// value, with '.' matching any character but a line terminator (\n, \r,
// U+0085, U+2028, U+2029), so that "ok\nname" is no NonEmptyString.
func compilePattern(p string) *regexp.Regexp {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		panic(fmt.Sprintf("api: model pattern %q: %v", p, err))
	}
	return regexp.MustCompile(`^(?:` + javaDot(re).String() + `)$`)
}

// notLineTerminator is the character class of Java's '.': every character
// but \n, \r, U+0085, U+2028 and U+2029, as pairs of range bounds.
var notLineTerminator = []rune{0, '\n' - 1, '\n' + 1, '\r' - 1, '\r' + 1, 0x84, 0x86, 0x2027, 0x202A, unicode.MaxRune}

// javaDot replaces each '.' of re with notLineTerminator.
func javaDot(re *syntax.Regexp) *syntax.Regexp {
	if re.Op == syntax.OpAnyChar || re.Op == syntax.OpAnyCharNotNL {
		return &syntax.Regexp{Op: syntax.OpCharClass, Rune: notLineTerminator}
	}
	for i, sub := range re.Sub {
		re.Sub[i] = javaDot(sub)
	}
	return re
}

// validateInput decodes a request's body and checks it, the labels and the
// query against the operation's input shape. It returns the body, which
// the handler reads its input from.
func validateInput(op *operation, labels map[string]string, query url.Values, body []byte) (document, error) {
	in := shapes[op.Input]
	if in == nil {
		return nil, nil
	}
	doc, err := decodeBody(in, body)
	if err != nil {
		return nil, err
	}
	if err := checkKeyCase("", in, doc); err != nil {
		return nil, err
	}
	for _, m := range in.Members {
		v, present, err := memberValue(m, labels, query, doc)
		if err != nil {
			return nil, err
		}
		if !present {
			if m.Required {
				return nil, badRequest("%s is required", m.Name)
			}
			continue
		}
		if err := validateValue(m.Name, shapes[m.Shape], v); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// memberValue finds member m where the wire carries it. Headers are not
// read: no input Belfry handles has a member there.
func memberValue(m member, labels map[string]string, query url.Values, doc document) (any, bool, error) {
	switch m.Location {
	case "uri":
		v, present := labels[m.LocationName]
		if present && !belfry.ValidText(v) {
			// No resource has such an ID: Belfry makes no such IDs, and
			// no store could keep one.
			return nil, false, belfry.Errorf(belfry.NotFound, "%s %q does not exist", m.Name, v)
		}
		return v, present, nil
	case "querystring":
		return queryValue(m, query)
	case "header":
		return nil, false, nil
	}
	v, present := doc[m.Name]
	return v, present && v != nil, nil
}

// decodeBody decodes the body of an operation whose input has body
// members; an empty body is an empty document. Other operations' bodies
// are not read.
func decodeBody(in *shape, body []byte) (document, error) {
	hasBody := slices.ContainsFunc(in.Members, func(m member) bool { return m.Location == "" })
	if !hasBody || len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	return decodeDocument(body)
}

func queryValue(m member, q url.Values) (any, bool, error) {
	vs, ok := q[m.LocationName]
	if !ok {
		return nil, false, nil
	}
	if len(vs) > 1 {
		return nil, false, badRequest("query parameter %s is given %d times; give it once", m.LocationName, len(vs))
	}
	if t := shapes[m.Shape].Type; t == "integer" || t == "long" {
		n, err := strconv.ParseInt(vs[0], 10, 64)
		if err != nil {
			return nil, false, badRequest("query parameter %s must be a whole number, not %q", m.LocationName, vs[0])
		}
		return json.Number(strconv.FormatInt(n, 10)), true, nil
	}
	return vs[0], true, nil
}

// validateValue checks v, found at path, against shape s.
func validateValue(path string, s *shape, v any) error {
	switch s.Type {
	case "string":
		str, ok := v.(string)
		if !ok {
			return badRequest("%s must be a string", path)
		}
		return validateString(path, s, str)
	case "integer", "long":
		n, ok := v.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil {
			return badRequest("%s must be a whole number", path)
		}
		if (s.HasMin && i < s.Min) || (s.HasMax && i > s.Max) {
			return badRequest("%s is %d; it must be from %s", path, i, rangeText(s))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return badRequest("%s must be true or false", path)
		}
	case "list":
		return validateList(path, s, v)
	case "structure":
		return validateStruct(path, s, v)
	default:
		return badRequest("%s cannot be given in a request", path)
	}
	return nil
}

func validateString(path string, s *shape, str string) error {
	if !belfry.ValidText(str) {
		return badRequest("%s must be UTF-8 text without NUL characters", path)
	}
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
		if s.Sensitive {
			return badRequest("%s must be one of %s", path, strings.Join(s.Enum, ", "))
		}
		return badRequest("%s is %q; it must be one of %s", path, str, strings.Join(s.Enum, ", "))
	}
	if n := int64(utf8.RuneCountInString(str)); (s.HasMin && n < s.Min) || (s.HasMax && n > s.Max) {
		return badRequest("%s is %d characters long; it must be %s characters", path, n, rangeText(s))
	}
	if re := patterns[s.Name]; re != nil && !re.MatchString(str) {
		if s.Sensitive {
			return badRequest("%s is not a valid %s (it must match %s)", path, s.Name, s.Pattern)
		}
		return badRequest("%s %q is not a valid %s (it must match %s)", path, str, s.Name, s.Pattern)
	}
	return nil
}

func validateList(path string, s *shape, v any) error {
	items, ok := v.([]any)
	if !ok {
		return badRequest("%s must be a list", path)
	}
	if n := int64(len(items)); (s.HasMin && n < s.Min) || (s.HasMax && n > s.Max) {
		return badRequest("%s has %d items; it must have %s", path, n, rangeText(s))
	}
	elem := shapes[s.Member]
	for i, item := range items {
		if item == nil {
			return badRequest("%s[%d] must not be null", path, i)
		}
		if err := validateValue(fmt.Sprintf("%s[%d]", path, i), elem, item); err != nil {
			return err
		}
	}
	return nil
}

func validateStruct(path string, s *shape, v any) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return badRequest("%s must be a JSON object", path)
	}
	if err := checkKeyCase(path+".", s, obj); err != nil {
		return err
	}
	for _, m := range s.Members {
		mv, present := obj[m.Name]
		if !present || mv == nil {
			if m.Required {
				return badRequest("%s.%s is required", path, m.Name)
			}
			continue
		}
		if err := validateValue(path+"."+m.Name, shapes[m.Shape], mv); err != nil {
			return err
		}
	}
	return nil
}

// checkKeyCase refuses a key of obj that names a body member of s in
// another case (Unicode simple folding, as encoding/json matches keys).
// Member names are case-sensitive on the wire and Belfry reads members by
// their exact names, so {"usertype":"Bogus"} would be silently ignored: the
// caller is told instead, as Belfry always has. Keys that match no member
// in any case are ignored.
func checkKeyCase(prefix string, s *shape, obj map[string]any) error {
	var bad []string
	for k := range obj {
		for _, m := range s.Members {
			if m.Location == "" && k != m.Name && strings.EqualFold(k, m.Name) {
				bad = append(bad, fmt.Sprintf("%s%s is not a member; member names are case-sensitive: write %s%s", prefix, k, prefix, m.Name))
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return badRequest("%s", bad[0])
}

func rangeText(s *shape) string {
	switch {
	case s.HasMin && s.HasMax:
		return fmt.Sprintf("%d to %d", s.Min, s.Max)
	case s.HasMin:
		return fmt.Sprintf("at least %d", s.Min)
	default:
		return fmt.Sprintf("at most %d", s.Max)
	}
}
