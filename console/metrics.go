package console

// LiveStreams counts the live pages (server-sent event streams) that this
// process serves now, for the belfry_live_streams metric.
func (s *Server) LiveStreams() int { return s.hub.count() }

// count is how many pages listen, over every thread.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, set := range h.subs {
		n += len(set)
	}
	return n
}
