package api

// ModelOperation is an operation of the service model as the external
// tests see it, with whether Belfry carries it out, so that they can be
// derived from the model and keep up with it.
type ModelOperation struct {
	Name, Method, Path string
	Fixed              map[string]string
	Implemented        bool
}

// ModelOperations returns every operation of the service model.
func ModelOperations() []ModelOperation {
	handlers := chimeHandlers()
	out := make([]ModelOperation, len(operations))
	for i, op := range operations {
		_, ok := handlers[op.Name]
		out[i] = ModelOperation{Name: op.Name, Method: op.Method, Path: op.Path, Fixed: op.Fixed, Implemented: ok}
	}
	return out
}
