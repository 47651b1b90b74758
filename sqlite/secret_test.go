package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/storetest"
)

func TestSecretStore(t *testing.T) {
	storetest.RunSecrets(t, func(t *testing.T) belfry.Store { return open(t, filepath.Join(t.TempDir(), "belfry.db")) })
}
