package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/belfryhq/belfry"
)

// accountColumns reads an account with its claimed domains in one statement,
// since every request looks its account up. scanAccount sorts the domains.
const accountColumns = `a.seq, a.id, a.aws_account_id, a.name, a.type, a.created, a.default_license,
	a.supported_licenses, a.status, a.signin_delegate_groups,
	(SELECT group_concat(d.domain, ',') FROM domains d WHERE d.account_id = a.id)`

// listAccountsFilter narrows ListAccounts by ?3, a name prefix, and ?4, a
// user's e-mail key, each when not empty, and cuts the page. It compares the
// prefix with substr, not LIKE, so that % and _ in a name are plain
// characters.
const listAccountsFilter = `
	AND (?3 = '' OR substr(a.name, 1, length(?3)) = ?3)
	AND (?4 = '' OR EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id AND u.email_key = ?4))
	ORDER BY a.seq LIMIT ?5`

const (
	accountQuery = `SELECT ` + accountColumns + ` FROM accounts a
		WHERE a.id = ?1 AND (?2 = '' OR a.aws_account_id = ?2) AND a.deleted_at IS NULL`
	// listAccountsQuery lists the accounts of every AWS account (?2 is
	// empty); listAwsAccountsQuery those of AWS account ?2, the service's
	// case, on the (aws_account_id, seq) index.
	listAccountsQuery = `SELECT ` + accountColumns + ` FROM accounts a
		WHERE a.deleted_at IS NULL AND a.seq > ?1 AND ?2 = ''` + listAccountsFilter
	listAwsAccountsQuery = `SELECT ` + accountColumns + ` FROM accounts a
		WHERE a.aws_account_id = ?2 AND a.seq > ?1 AND a.deleted_at IS NULL` + listAccountsFilter
	insertAccountQuery = `INSERT INTO accounts (id, aws_account_id, name, type, created, default_license,
		supported_licenses, status, signin_delegate_groups) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// CreateAccount stores a new account and sets its Seq.
func (s *Store) CreateAccount(ctx context.Context, a *belfry.Account) error {
	delegates, err := encodeDelegates(a.SigninDelegates)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.StmtContext(ctx, s.st.insertAccount).ExecContext(ctx, a.ID, a.AwsAccountID, a.Name,
			string(a.Type), micros(a.Created), string(a.DefaultLicense), joinList(a.SupportedLicenses),
			string(a.Status), delegates)
		if err != nil {
			return accountError(err, a)
		}
		a.Seq, err = res.LastInsertId()
		return internal(err)
	})
}

// Account returns the live account id, of the AWS account awsAccountID
// unless that is empty.
func (s *Store) Account(ctx context.Context, awsAccountID, id string) (*belfry.Account, error) {
	if a, ok := s.ac.get(awsAccountID, id); ok {
		return a, nil
	}
	gen := s.ac.gen.Load()
	a, err := scanAccount(s.st.account.QueryRowContext(ctx, id, awsAccountID))
	if err != nil {
		return nil, notFound(err, "account %s not found", id)
	}
	s.ac.put(gen, a)
	return a, nil
}

// ListAccounts returns a page of the live accounts that match f.
func (s *Store) ListAccounts(ctx context.Context, f belfry.AccountFilter, p belfry.Page) ([]*belfry.Account, error) {
	list := s.st.listAccounts
	if f.AwsAccountID != "" {
		list = s.st.listAwsAccounts
	}
	rows, err := list.QueryContext(ctx, p.After, f.AwsAccountID, f.NamePrefix, f.UserEmailKey, limit(p))
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
// Enterprise account of type t, in one transaction. A claim the account
// already holds changes nothing.
func (s *Store) ClaimDomain(ctx context.Context, id, domain string, t belfry.AccountType) (*belfry.Account, error) {
	defer s.ac.changed()
	domain, err := belfry.NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	var a *belfry.Account
	err = s.write(ctx, func(tx *sql.Tx) (err error) {
		a, err = s.claim(ctx, tx, id, domain, t)
		return err
	})
	return a, err
}

// claim is ClaimDomain inside its transaction.
func (s *Store) claim(ctx context.Context, tx *sql.Tx, id, domain string, t belfry.AccountType) (*belfry.Account, error) {
	account := tx.StmtContext(ctx, s.st.accountW)
	a, err := scanAccount(account.QueryRowContext(ctx, id, ""))
	if err != nil {
		return nil, notFound(err, "account %s not found", id)
	}
	var owner string
	err = tx.QueryRowContext(ctx, `SELECT account_id FROM domains WHERE domain = ?`, domain).Scan(&owner)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, internal(err)
	}
	store, err := belfry.PlanClaim(a, owner, domain, t)
	if err != nil {
		return nil, err
	}
	if !store {
		return a, nil // this account holds the domain already
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO domains (domain, account_id) VALUES (?, ?)`, domain, id); err != nil {
		return nil, domainError(err, domain)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET type = ? WHERE id = ?`, string(t), id); err != nil {
		return nil, internal(err)
	}
	a, err = scanAccount(account.QueryRowContext(ctx, id, ""))
	return a, internal(err)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanAccount(row scanner) (*belfry.Account, error) {
	a := new(belfry.Account)
	var delegates string
	err := row.Scan(&a.Seq, &a.ID, &a.AwsAccountID, &a.Name, &a.Type, timeCol{&a.Created},
		&a.DefaultLicense, listCol[belfry.License]{&a.SupportedLicenses}, &a.Status, &delegates,
		listCol[string]{&a.Domains})
	if err != nil {
		return nil, err
	}
	slices.Sort(a.Domains)
	if delegates != "" {
		if err := json.Unmarshal([]byte(delegates), &a.SigninDelegates); err != nil {
			return nil, fmt.Errorf("account %s: signin delegate groups: %w", a.ID, err)
		}
	}
	return a, nil
}

// encodeDelegates is the JSON array of the group names, or "" for none.
func encodeDelegates(groups []string) (string, error) {
	if len(groups) == 0 {
		return "", nil
	}
	b, err := json.Marshal(groups)
	return string(b), err
}

// joinList is a list of enum values as one comma-separated column.
func joinList[T ~string](list []T) string {
	var b strings.Builder
	for i, v := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(v))
	}
	return b.String()
}

// listCol scans a comma-separated column (or NULL) into a list.
type listCol[T ~string] struct{ list *[]T }

func (c listCol[T]) Scan(src any) error {
	*c.list = nil
	s, ok := src.(string)
	if src == nil || ok && s == "" {
		return nil
	}
	if !ok {
		return fmt.Errorf("sqlite: a list column holds %T", src)
	}
	for item := range strings.SplitSeq(s, ",") {
		*c.list = append(*c.list, T(item))
	}
	return nil
}
