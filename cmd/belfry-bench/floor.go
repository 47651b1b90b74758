package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sigv4"
	"github.com/google/uuid"
)

// floor is the least a CreateUser server can do: verify the SigV4 signature
// and insert one row into the database Belfry runs on: SQLite with the same
// driver, pragmas and single writer connection as Belfry's store, or the
// same PostgreSQL database. It validates nothing, checks no account and
// answers a fixed shape.
type floor struct {
	db       *sql.DB
	insert   *sql.Stmt
	verifier *sigv4.Verifier
}

type rootKeys struct{ k *belfry.AccessKey }

func (r rootKeys) Secret(_ context.Context, id string) (string, error) {
	if id != r.k.ID {
		return "", sigv4.ErrUnknownKey
	}
	return r.k.Secret, nil
}

func newFloor(db *sql.DB, create, insert string, root *belfry.AccessKey) (*floor, error) {
	if _, err := db.Exec(create); err != nil {
		return nil, err
	}
	stmt, err := db.Prepare(insert)
	if err != nil {
		return nil, err
	}
	return &floor{db: db, insert: stmt,
		verifier: &sigv4.Verifier{Service: "chime", Region: "us-east-1", Keys: rootKeys{root}}}, nil
}

// sqliteDSN is the data source name of a floor's SQLite file: the same
// driver, pragmas and single writer connection as Belfry's store, with
// commits that wait for the disk as Belfry's do (-sqlite-sync).
func (d *database) sqliteDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(5000)&_txlock=immediate&_pragma=journal_mode(WAL)&" + d.sync.Pragma() + "&_pragma=foreign_keys(ON)"
}

func (f *floor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, 1<<20)); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := f.verifier.Verify(r, buf.Bytes()); err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	var in struct{ Email string }
	json.Unmarshal(buf.Bytes(), &in)
	id := uuid.NewString()
	if _, err := f.insert.Exec(id, "floor", in.Email); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"User":{"UserId":%q}}`, id)
}
