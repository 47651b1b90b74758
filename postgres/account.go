package postgres

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

// accountColumns reads an account with its claimed domains in one statement,
// since every request looks its account up. scanAccount sorts the domains.
const accountColumns = `a.seq, a.id, a.aws_account_id, a.name, a.type, a.created, a.default_license,
	a.supported_licenses, a.status, a.signin_delegate_groups,
	(SELECT array_agg(d.domain) FROM domains d WHERE d.account_id = a.id)`

const (
	accountQuery = `SELECT ` + accountColumns + ` FROM accounts a
		WHERE a.id = $1 AND ($2 = '' OR a.aws_account_id = $2) AND a.deleted_at IS NULL`
	insertAccountQuery = `INSERT INTO accounts (id, aws_account_id, name, type, created, default_license,
		supported_licenses, status, signin_delegate_groups) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		RETURNING seq`
	// lockAccountQuery takes the lock that writers deciding on an account's
	// type or on its rooms take turns at. FOR NO KEY UPDATE leaves the row
	// free to the inserts that reference it, such as new users.
	lockAccountQuery = `SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE`
)

// CreateAccount stores a new account and sets its Seq.
func (s *Store) CreateAccount(ctx context.Context, a *belfry.Account) error {
	args := []any{a.ID, a.AwsAccountID, a.Name, string(a.Type), ts(a.Created), string(a.DefaultLicense),
		list(a.SupportedLicenses), string(a.Status), list(a.SigninDelegates)}
	return s.change(ctx, insertAccountQuery, args, func(r pgx.BatchResults) error {
		return accountError(r.QueryRow().Scan(&a.Seq), a)
	})
}

// Account returns the live account id, of the AWS account awsAccountID
// unless that is empty.
func (s *Store) Account(ctx context.Context, awsAccountID, id string) (*belfry.Account, error) {
	a, err := scanAccount(s.pool.QueryRow(ctx, accountQuery, id, awsAccountID))
	if err != nil {
		return nil, notFound(err, "account %s not found", id)
	}
	return a, nil
}

// ListAccounts returns a page of the live accounts that match f. Only the
// filters that f sets become conditions, so that each combination gets a
// plan of its own that uses the (aws_account_id, seq) index when it can.
func (s *Store) ListAccounts(ctx context.Context, f belfry.AccountFilter, p belfry.Page) ([]*belfry.Account, error) {
	var q strings.Builder
	q.WriteString(`SELECT ` + accountColumns + ` FROM accounts a WHERE a.deleted_at IS NULL AND a.seq > $1`)
	args := []any{p.After, limit(p)}
	arg := func(cond string, v any) {
		args = append(args, v)
		q.WriteString(strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if f.AwsAccountID != "" {
		arg(` AND a.aws_account_id = $?`, f.AwsAccountID)
	}
	if f.NamePrefix != "" {
		// substr, not LIKE, so that % and _ in a name are plain characters.
		arg(` AND substr(a.name, 1, length($?)) = $?`, f.NamePrefix)
	}
	if f.UserEmailKey != "" {
		arg(` AND EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id AND u.email_key = $?)`, f.UserEmailKey)
	}
	q.WriteString(` ORDER BY a.seq LIMIT $2`)
	rows, err := s.pool.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	accounts := make([]*belfry.Account, 0, capacity(p))
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, internal(err)
		}
		accounts = append(accounts, a)
	}
	return accounts, internal(rows.Err())
}

// ClaimDomain gives domain to account id and makes a Team account an
// Enterprise account of type t, in one transaction that holds the
// account's row lock, so that two claims for one account, on two replicas,
// cannot give it two types. A claim the account already holds changes
// nothing.
func (s *Store) ClaimDomain(ctx context.Context, id, domain string, t belfry.AccountType) (*belfry.Account, error) {
	domain, err := belfry.NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	var a *belfry.Account
	err = s.write(ctx, func(tx pgx.Tx) (err error) {
		a, err = claim(ctx, tx, id, domain, t)
		return err
	})
	return a, err
}

// claim is ClaimDomain inside its transaction.
func claim(ctx context.Context, tx pgx.Tx, id, domain string, t belfry.AccountType) (*belfry.Account, error) {
	var one int
	if err := tx.QueryRow(ctx, lockAccountQuery, id).Scan(&one); err != nil {
		return nil, notFound(err, "account %s not found", id)
	}
	a, err := scanAccount(tx.QueryRow(ctx, accountQuery, id, ""))
	if err != nil {
		return nil, notFound(err, "account %s not found", id)
	}
	var owner string
	err = tx.QueryRow(ctx, `SELECT account_id FROM domains WHERE domain = $1`, domain).Scan(&owner)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, internal(err)
	}
	store, err := belfry.PlanClaim(a, owner, domain, t)
	if err != nil {
		return nil, err
	}
	if !store {
		return a, nil // this account holds the domain already
	}
	if _, err := tx.Exec(ctx, `INSERT INTO domains (domain, account_id) VALUES ($1, $2)`, domain, id); err != nil {
		return nil, domainError(err, domain)
	}
	if _, err := tx.Exec(ctx, `UPDATE accounts SET type = $1 WHERE id = $2`, string(t), id); err != nil {
		return nil, internal(err)
	}
	a.Type, a.Domains = t, append(a.Domains, domain)
	slices.Sort(a.Domains)
	return a, nil
}

func scanAccount(row pgx.Row) (*belfry.Account, error) {
	a := new(belfry.Account)
	var licenses []string
	err := row.Scan(&a.Seq, &a.ID, &a.AwsAccountID, &a.Name, &a.Type, timeCol{&a.Created},
		&a.DefaultLicense, &licenses, &a.Status, &a.SigninDelegates, &a.Domains)
	if err != nil {
		return nil, err
	}
	for _, l := range licenses {
		a.SupportedLicenses = append(a.SupportedLicenses, belfry.License(l))
	}
	if len(a.SigninDelegates) == 0 {
		a.SigninDelegates = nil // as the SQLite store answers
	}
	slices.Sort(a.Domains)
	return a, nil
}

// list is a list of strings as a text[] column: never NULL, '{}' for none.
func list[T ~string](items []T) []string {
	out := make([]string, len(items))
	for i, v := range items {
		out[i] = string(v)
	}
	return out
}
