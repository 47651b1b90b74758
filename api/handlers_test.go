package api

import "testing"

// TestHandlersMatchModel ties the handler table to the generated model:
// a handler under a name the model does not have would never be routed to,
// and every operation of the model has its handler.
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
	for _, op := range operations {
		if handlers[op.Name] == nil {
			t.Errorf("operation %s of the model has no handler", op.Name)
		}
	}
}
