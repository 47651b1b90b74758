package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
)

// decodeCases are request bodies of the sizes Belfry sees: the smallest
// (CreateAccount), the largest (InviteUsers with 50 addresses), and nested
// ones (UpdateUser, BatchUpdateUser with 20 items).
func decodeCases() []struct {
	op   string
	body []byte
	read func(document) // reads the members as the handler does
} {
	var emails, items []string
	for i := range 50 {
		emails = append(emails, fmt.Sprintf("%q", fmt.Sprintf("user%d@example.com", i)))
	}
	for i := range 20 {
		items = append(items, fmt.Sprintf(`{"UserId":"0190c3e4-7f6a-7b1c-8d2e-%012d","LicenseType":"Basic"}`, i))
	}
	return []struct {
		op   string
		body []byte
		read func(document)
	}{
		{"CreateAccount", []byte(`{"Name":"Ops Team"}`), func(d document) { sink = d.str("Name") }},
		{"InviteUsers", []byte(`{"UserEmailList":[` + strings.Join(emails, ",") + `],"UserType":"PrivateUser"}`),
			func(d document) { sink = d.strs("UserEmailList"); sink = belfry.UserType(d.str("UserType")) }},
		{"UpdateUser", []byte(`{"LicenseType":"Pro","UserType":"SharedDevice","AlexaForBusinessMetadata":{"IsAlexaForBusinessEnabled":true,"AlexaForBusinessRoomArn":"arn:aws:a4b:us-east-1:111122223333:room/x"}}`),
			func(d document) { sink = userUpdate(d) }},
		{"BatchUpdateUser", []byte(`{"UpdateUserRequestItems":[` + strings.Join(items, ",") + `]}`),
			func(d document) {
				for _, it := range d.objs("UpdateUserRequestItems") {
					sink = belfry.UpdateUserItem{UserID: it.str("UserId"), UpdateUserInput: userUpdate(it)}
				}
			}},
	}
}

// sink keeps what the benchmark reads, so that the compiler cannot drop it.
var sink any

func opNamed(tb testing.TB, name string) *operation {
	for _, op := range operations {
		if op.Name == name {
			return op
		}
	}
	tb.Fatalf("no operation %s", name)
	return nil
}

// BenchmarkDecode measures what a request body costs before its handler
// calls the service: decoding and checking it against the model.
func BenchmarkDecode(b *testing.B) {
	labels := map[string]string{"accountId": "0190c3e4-7f6a-7b1c-8d2e-000000000001", "userId": "0190c3e4-7f6a-7b1c-8d2e-000000000002"}
	for _, bc := range decodeCases() {
		op := opNamed(b, bc.op)
		b.Run(bc.op, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				doc, err := validateInput(op, labels, nil, bc.body)
				if err != nil {
					b.Fatal(err)
				}
				bc.read(doc)
			}
		})
	}
}
