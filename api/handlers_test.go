package api

import (
	"slices"
	"testing"
)

// TestHandlersMatchModel ties the handler table to the generated model:
// a handler under a name the model does not have would never be routed to,
// and an operation of the model must be either handled or listed as not yet
// supported, never both and never forgotten.
func TestHandlersMatchModel(t *testing.T) {
	inModel := map[string]bool{}
	for _, op := range operations {
		inModel[op.Name] = true
	}
	handlers := chimeHandlers()
	for name := range handlers {
		if !inModel[name] {
			t.Errorf("handler %q is not an operation of the model", name)
		}
	}
	for _, name := range notYetSupported {
		if !inModel[name] {
			t.Errorf("notYetSupported lists %q, which is not an operation of the model", name)
		}
		if handlers[name] != nil {
			t.Errorf("%s is handled and also listed as not yet supported", name)
		}
	}
	for _, op := range operations {
		if handlers[op.Name] == nil && !slices.Contains(notYetSupported, op.Name) {
			t.Errorf("operation %s is neither handled nor listed as not yet supported", op.Name)
		}
	}
}
