package postgres_test

import (
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/pgtest"
	"github.com/belfryhq/belfry/storetest"
)

func TestSecretStore(t *testing.T) {
	storetest.RunSecrets(t, func(t *testing.T) belfry.Store { return open(t, pgtest.Schema(t, dbURL)) })
}
