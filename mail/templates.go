package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/belfryhq/belfry"
)

// The template files, by role. An operator's directory may hold any of
// them; the others come from the embedded defaults.
const (
	subjectFile = "invite.subject.tmpl"
	textFile    = "invite.txt.tmpl"
	htmlFile    = "invite.html.tmpl"
)

//go:embed templates/*.tmpl
var defaultFS embed.FS

// funcs are the helpers templates may call: date writes a time the way a
// reader anywhere understands it, and nothing for the zero time, so that a
// template can say {{with date .Expires}}...{{end}}.
var funcs = map[string]any{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("Monday, 2 January 2006 at 15:04 MST")
	},
}

// Templates writes invitation e-mail: a subject and a text part with
// text/template, an HTML part with html/template so that an account name
// cannot inject markup. It implements belfry.Composer.
type Templates struct {
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template
}

var _ belfry.Composer = (*Templates)(nil)

// DefaultTemplates returns the templates embedded in Belfry.
func DefaultTemplates() *Templates {
	t, err := LoadTemplates("")
	if err != nil {
		panic(err) // the embedded templates are tested; this cannot happen
	}
	return t
}

// LoadTemplates reads the operator's templates from dir
// (BELFRY_MAIL_TEMPLATES): each of invite.subject.tmpl, invite.txt.tmpl and
// invite.html.tmpl found there replaces the default, so an operator can
// change one part and keep the others. An empty dir means the defaults.
// Every template is parsed and tried on a sample invitation here, at
// start-up, so that a broken template stops Belfry with the file's name
// instead of failing each invitation later.
func LoadTemplates(dir string) (*Templates, error) {
	if dir != "" {
		if err := checkDir(dir); err != nil {
			return nil, err
		}
	}
	var t Templates
	src, name, err := source(dir, subjectFile)
	if err == nil {
		t.subject, err = texttemplate.New(subjectFile).Funcs(funcs).Parse(src)
	}
	if err == nil {
		src, name, err = source(dir, textFile)
	}
	if err == nil {
		t.text, err = texttemplate.New(textFile).Funcs(funcs).Parse(src)
	}
	if err == nil {
		src, name, err = source(dir, htmlFile)
	}
	if err == nil {
		t.html, err = htmltemplate.New(htmlFile).Funcs(funcs).Parse(src)
	}
	if err != nil {
		return nil, fmt.Errorf("mail template %s: %w", name, err)
	}
	if _, _, _, err := t.ComposeInvite(sampleInvite); err != nil {
		return nil, fmt.Errorf("mail templates in %s: %w", orDefault(dir), err)
	}
	return &t, nil
}

// sampleInvite is what LoadTemplates tries the templates on.
var sampleInvite = belfry.InviteEmail{
	AccountName: "Example Team",
	To:          "ana@example.com",
	ReplyTo:     "admin@example.com",
	Link:        "https://belfry.example.com/invite/TOKEN",
	Expires:     time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC),
}

// checkDir refuses a directory that is missing or holds a template file of
// an unknown name: either is an operator's typo that would otherwise leave
// the defaults silently in place.
func checkDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("mail templates: %w", err)
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".tmpl") && n != subjectFile && n != textFile && n != htmlFile {
			return fmt.Errorf("mail templates: unknown template %s in %s (known: %s, %s, %s)",
				n, dir, subjectFile, textFile, htmlFile)
		}
	}
	return nil
}

// source returns the text of one template and where it came from.
func source(dir, file string) (src, name string, err error) {
	if dir != "" {
		name = filepath.Join(dir, file)
		b, err := os.ReadFile(name)
		if err == nil {
			return string(b), name, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", name, err
		}
	}
	b, err := defaultFS.ReadFile("templates/" + file)
	return string(b), "default " + file, err
}

func orDefault(dir string) string {
	if dir == "" {
		return "the defaults"
	}
	return dir
}

// ComposeInvite writes the invitation e to its subject, text and HTML.
func (t *Templates) ComposeInvite(e belfry.InviteEmail) (subject, text, html string, err error) {
	var b bytes.Buffer
	if err := t.subject.Execute(&b, e); err != nil {
		return "", "", "", err
	}
	// A header is one line: line breaks in a template or an account name
	// must not start a header of their own.
	subject = strings.Join(strings.Fields(b.String()), " ")
	if subject == "" {
		return "", "", "", fmt.Errorf("%s: the subject is empty", subjectFile)
	}
	b.Reset()
	if err := t.text.Execute(&b, e); err != nil {
		return "", "", "", err
	}
	text = b.String()
	b.Reset()
	if err := t.html.Execute(&b, e); err != nil {
		return "", "", "", err
	}
	return subject, text, b.String(), nil
}
