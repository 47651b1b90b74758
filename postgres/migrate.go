package postgres

import (
	"context"
	"embed"

	"github.com/belfryhq/belfry/internal/schema"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// migrations mirror sqlite/migrations file for file, number for number.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrate runs the shared migration runner over the pool, through
// database/sql, which is what the runner speaks. Replicas that start at
// once take turns at an advisory lock (schema.PostgreSQL).
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return schema.Migrate(ctx, db, migrations, "migrations", schema.PostgreSQL)
}
