package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// stmts holds the statements of the hot paths, prepared once at Open: on the
// readers for lookups outside transactions, on the writer for what runs in
// writes. A statement on the writer is used in a transaction through
// tx.StmtContext, which finds it already prepared on the one connection.
type stmts struct {
	account, listAccounts, listAwsAccounts, accountW, insertAccount *sql.Stmt
	user, listUsers, listUsersByKey                                 *sql.Stmt
	insertUser, userByKey, reinviteUser, insertInvite               *sql.Stmt
	member, membershipRoom, insertMembership                        *sql.Stmt
	listMemberships, membership                                     *sql.Stmt
	key                                                             *sql.Stmt
	insertJob                                                       *sql.Stmt
	insertAudit, userW, updateUser                                  *sql.Stmt
	webhook, insertMessage                                          *sql.Stmt
	roomPostFacts, webhookPostFacts, conversationPostFacts          *sql.Stmt
	savepoint, release, rollbackTo                                  *sql.Stmt
	all                                                             []*sql.Stmt
}

// prepare prepares every statement on the pool that runs it.
func (st *stmts) prepare(ctx context.Context, w, r *sql.DB) error {
	for _, p := range []struct {
		dst   **sql.Stmt
		db    *sql.DB
		query string
	}{
		{&st.account, r, accountQuery},
		{&st.listAccounts, r, listAccountsQuery},
		{&st.listAwsAccounts, r, listAwsAccountsQuery},
		{&st.accountW, w, accountQuery},
		{&st.insertAccount, w, insertAccountQuery},
		{&st.user, r, userQuery},
		{&st.listUsers, r, listUsersQuery},
		{&st.listUsersByKey, r, listUsersByKeyQuery},
		{&st.insertUser, w, insertUserQuery},
		{&st.userByKey, w, userByKeyQuery},
		{&st.reinviteUser, w, reinviteUserQuery},
		{&st.insertInvite, w, insertInviteQuery},
		{&st.member, w, memberQuery},
		{&st.membershipRoom, w, membershipRoomQuery},
		{&st.insertMembership, w, insertMembershipQuery},
		{&st.listMemberships, r, listMembershipsQuery},
		{&st.membership, r, membershipQuery},
		{&st.key, r, keyQuery},
		{&st.insertJob, w, insertJobQuery},
		{&st.insertAudit, w, insertAuditQuery},
		{&st.userW, w, userQuery},
		{&st.updateUser, w, updateUserQuery},
		{&st.webhook, r, webhookQuery},
		{&st.insertMessage, w, insertMessageQuery},
		{&st.roomPostFacts, w, roomPostFactsQuery},
		{&st.webhookPostFacts, w, webhookPostFactsQuery},
		{&st.conversationPostFacts, w, conversationPostFactsQuery},
		{&st.savepoint, w, `SAVEPOINT w`},
		{&st.release, w, `RELEASE w`},
		{&st.rollbackTo, w, `ROLLBACK TO w`},
	} {
		s, err := p.db.PrepareContext(ctx, p.query)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", p.query, err)
		}
		*p.dst = s
		st.all = append(st.all, s)
	}
	return nil
}

// close closes every prepared statement.
func (st *stmts) close() error {
	var errs []error
	for _, s := range st.all {
		errs = append(errs, s.Close())
	}
	st.all = nil
	return errors.Join(errs...)
}
