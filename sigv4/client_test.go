package sigv4_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"

	"github.com/belfryhq/belfry/sigv4"
)

// seen is what the test server observed for one request.
type seen struct {
	method, path, query, signedHeaders string
	err                                error
}

// chimeServer is a minimal Chime API whose every request goes through Verify.
type chimeServer struct {
	*httptest.Server
	v *sigv4.Verifier

	mu   sync.Mutex
	seen []seen
}

func newChimeServer(t *testing.T) *chimeServer {
	s := &chimeServer{v: &sigv4.Verifier{Service: testService, Region: testRegion, Keys: mapKeys{testKeyID: testSecret}}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// take returns and forgets what the server has seen.
func (s *chimeServer) take() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.seen
	s.seen = nil
	return out
}

func (s *chimeServer) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		_, err = s.v.Verify(r, body)
	}
	_, signed, _ := strings.Cut(r.Header.Get("Authorization"), "SignedHeaders=")
	signed, _, _ = strings.Cut(signed, ",")
	s.mu.Lock()
	s.seen = append(s.seen, seen{r.Method, r.URL.Path, r.URL.RawQuery, signed, err})
	s.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.Header().Set("X-Amzn-ErrorType", "ForbiddenException")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"Code":"ForbiddenException","Message":%q}`, err.Error())
		return
	}
	switch parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/"); {
	case r.Method == "GET" && len(parts) == 1:
		io.WriteString(w, `{"Accounts":[]}`)
	case r.Method == "GET" && len(parts) == 2:
		io.WriteString(w, `{"Account":{"AwsAccountId":"111122223333","AccountId":"x","Name":"n"}}`)
	case r.Method == "POST" && len(parts) == 3:
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"User":{"UserId":"u1"}}`)
	default:
		io.WriteString(w, `{"User":{"UserId":"u1"}}`)
	}
}

func newChimeClient(s *chimeServer, secret string) *chime.Client {
	return chime.New(chime.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, secret, ""),
		HTTPClient:   s.Client(),
		Retryer:      aws.NopRetryer{},
	})
}

func TestChimeClientEndToEnd(t *testing.T) {
	s := newChimeServer(t)
	client := newChimeClient(s, testSecret)
	ctx := t.Context()
	calls := []struct {
		name      string
		call      func() error
		wantPath  string
		wantQuery string
	}{
		{"GetAccount", func() error {
			_, err := client.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String(accountID)})
			return err
		}, "/accounts/" + accountID, ""},
		{"ListAccounts", func() error {
			_, err := client.ListAccounts(ctx, &chime.ListAccountsInput{
				Name: aws.String("a b+c/d~e@f"), UserEmail: aws.String("x+y@example.com"), MaxResults: aws.Int32(5)})
			return err
		}, "/accounts", "max-results=5&name=a%20b%2Bc%2Fd~e%40f&user-email=x%2By%40example.com"},
		{"CreateUser", func() error {
			_, err := client.CreateUser(ctx, &chime.CreateUserInput{AccountId: aws.String(accountID),
				Email: aws.String("a+b@example.com"), Username: aws.String("a  b"), UserType: types.UserTypePrivateUser})
			return err
		}, "/accounts/" + accountID + "/users", "operation=create"},
		{"GetUser with escaped label", func() error {
			_, err := client.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String("x"), UserId: aws.String("a+b c/d@é")})
			return err
		}, "/accounts/x/users/a+b c/d@é", ""},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got := s.take()
			if len(got) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(got))
			}
			if got[0].err != nil {
				t.Fatalf("server rejected the request: %v", got[0].err)
			}
			if got[0].path != c.wantPath || got[0].query != c.wantQuery {
				t.Errorf("server saw path %q query %q, want %q %q", got[0].path, got[0].query, c.wantPath, c.wantQuery)
			}
			t.Logf("SignedHeaders=%s", got[0].signedHeaders)
		})
	}
}

func TestChimeClientWrongSecret(t *testing.T) {
	s := newChimeServer(t)
	client := newChimeClient(s, "not-the-secret")
	_, err := client.GetAccount(t.Context(), &chime.GetAccountInput{AccountId: aws.String(accountID)})
	var forbidden *types.ForbiddenException
	if !errors.As(err, &forbidden) {
		t.Fatalf("GetAccount with a wrong secret: got %v, want ForbiddenException", err)
	}
	got := s.take()
	if len(got) != 1 || !errors.Is(got[0].err, sigv4.ErrBadSignature) {
		t.Fatalf("server saw %+v, want one request rejected with ErrBadSignature", got)
	}
}
