package api

import (
	"net/url"
	"strings"
)

// A route is an operation compiled for matching.
type route struct {
	op       *operation
	segments []string // literal segments, or "{label}" for path labels
}

// router finds the operation of a request from its method, escaped path and
// fixed query values (chime-behaviour.md §1.2): many operations share a
// method and path and differ only in ?operation=.
type router struct {
	byMethod map[string][]route
}

func newRouter(ops []*operation) *router {
	rt := &router{byMethod: map[string][]route{}}
	for _, op := range ops {
		rt.byMethod[op.Method] = append(rt.byMethod[op.Method], route{op: op, segments: splitPath(op.Path)})
	}
	return rt
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match returns the operation for method, escaped path and query, with the
// path labels unescaped once. An old-style /console prefix is accepted
// (chime-behaviour.md §1.1).
func (rt *router) match(method, escapedPath string, query url.Values) (*operation, map[string]string, bool) {
	escapedPath = strings.TrimPrefix(escapedPath, "/console")
	segs := splitPath(escapedPath)
	var best *route
	for i := range rt.byMethod[method] {
		r := &rt.byMethod[method][i]
		if !r.pathMatches(segs) || !r.queryMatches(query) {
			continue
		}
		if best == nil || len(r.op.Fixed) > len(best.op.Fixed) {
			best = r
		}
	}
	if best == nil {
		return nil, nil, false
	}
	labels, ok := best.labels(segs)
	return best.op, labels, ok
}

func (r *route) pathMatches(segs []string) bool {
	if len(segs) != len(r.segments) {
		return false
	}
	for i, s := range r.segments {
		if !isLabel(s) && s != segs[i] {
			return false
		}
	}
	return true
}

// queryMatches reports whether the request's query selects this route: all
// its fixed values are present, and a route with no fixed operation value
// matches only a request that names no operation.
func (r *route) queryMatches(q url.Values) bool {
	for k, v := range r.op.Fixed {
		if q.Get(k) != v {
			return false
		}
	}
	if _, named := r.op.Fixed["operation"]; !named && q.Has("operation") {
		return false
	}
	return true
}

func (r *route) labels(segs []string) (map[string]string, bool) {
	labels := make(map[string]string, 2)
	for i, s := range r.segments {
		if !isLabel(s) {
			continue
		}
		v, err := url.PathUnescape(segs[i])
		if err != nil {
			return nil, false
		}
		labels[s[1:len(s)-1]] = v
	}
	return labels, true
}

func isLabel(s string) bool { return strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") }
