package api

//go:generate go run ../internal/modelgen -model ../../shared/spec/chime-2018-05-01.model.json -out model_gen.go

// An operation is one Chime API operation as the service model describes it.
type operation struct {
	Name   string
	Method string
	Path   string            // the request URI's path, with {label} segments
	Fixed  map[string]string // query values that select the operation, such as operation=create
	Code   int               // the success status
	Input  string            // input shape name
	Output string            // output shape name
	Errors []string          // exception shape names the operation may answer
}

// A shape is a model shape that requests are validated against.
type shape struct {
	Name    string
	Type    string // structure, list, string, integer, long, boolean, timestamp
	Min     int64
	HasMin  bool
	Max     int64
	HasMax  bool
	Pattern string
	Enum    []string
	// Sensitive says the model marks the shape's values sensitive (e-mail
	// addresses, phone numbers, calling names, join tokens): an error
	// names where such a value was, never the value, so that it reaches
	// neither the log nor whoever reads the error.
	Sensitive bool
	Member    string // the element shape of a list
	Members   []member
}

// A member is a named member of a structure shape and where the wire carries it.
type member struct {
	Name         string
	Shape        string
	Location     string // "" for the JSON body, uri, querystring or header
	LocationName string
	Required     bool
}
