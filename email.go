package belfry

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// EmailKey returns the form of an e-mail address that Belfry compares and
// indexes: trimmed, lower-cased, with the domain in its punycode form, so
// that Ana@Bücher.example and ana@xn--bcher-kva.example are one address
// (DECISIONS.md, users and invitations).
func EmailKey(address string) string {
	address = strings.TrimSpace(address)
	at := strings.LastIndexByte(address, '@')
	if at < 0 {
		return strings.ToLower(address)
	}
	domain, err := NormalizeDomain(address[at+1:])
	if err != nil {
		domain = strings.ToLower(address[at+1:])
	}
	return strings.ToLower(address[:at]) + "@" + domain
}

// EmailDomain returns the normalized domain of an e-mail address.
func EmailDomain(address string) string {
	key := EmailKey(address)
	return key[strings.LastIndexByte(key, '@')+1:]
}

var domainProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))

// NormalizeDomain returns domain lower-cased in its ASCII (punycode) form, or
// a BadRequest error when it is not a valid domain name.
func NormalizeDomain(domain string) (string, error) {
	d := strings.TrimSuffix(strings.TrimSpace(domain), ".")
	ascii, err := domainProfile.ToASCII(d)
	if err != nil || ascii == "" || !strings.Contains(ascii, ".") || hasEmptyLabel(ascii) {
		return "", Errorf(BadRequest, "%q is not a valid domain name", domain)
	}
	return strings.ToLower(ascii), nil
}

// hasEmptyLabel reports whether a domain has an empty label, as in
// "example..com" or ".example.com", which idna's lookup profile lets pass.
func hasEmptyLabel(d string) bool {
	return strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") || strings.Contains(d, "..")
}

// ValidEmail reports whether address looks like an e-mail address: a local
// part, an @, and a valid domain with a dot, as the model's EmailAddress
// pattern asks (.+@.+\..+). The local part may hold any letter, in any
// script (DECISIONS.md: Unicode local parts are accepted), but nothing that
// would make one address read as several or as a header's syntax: no
// whitespace, control characters, commas, angle brackets, quotes, second @
// or other RFC 5322 specials, which appear only in quoted local parts that
// Belfry does not take.
func ValidEmail(address string) bool {
	address = strings.TrimSpace(address)
	at := strings.LastIndexByte(address, '@')
	if at <= 0 || at == len(address)-1 || !utf8.ValidString(address) {
		return false
	}
	if strings.IndexFunc(address, unicode.IsSpace) >= 0 || strings.IndexFunc(address, unicode.IsControl) >= 0 {
		return false
	}
	if strings.ContainsAny(address[:at], `@,<>"()[]:;\`) {
		return false
	}
	_, err := NormalizeDomain(address[at+1:])
	return err == nil
}
