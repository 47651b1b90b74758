package main

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
)

// TestConsoleBesideAPI signs in to the administrators' console at
// /console/ with the root key and sees what the SDK made, while the SDK,
// pointed at the old-style /console endpoint, still reaches the API.
func TestConsoleBesideAPI(t *testing.T) {
	p := startBelfry(t, startOptions{})
	ctx := ctxT(t)
	old := chime.New(chime.Options{Region: "us-east-1", BaseEndpoint: aws.String(p.URL + "/console"),
		Credentials: p.sdk(rootKeyID, rootSecret).Options().Credentials, Retryer: aws.NopRetryer{}})
	if _, err := old.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Made by the SDK")}); err != nil {
		t.Fatalf("CreateAccount at /console: %v", err)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	signIn := webPage(t, browser, "GET", p.URL+"/console", nil)
	home := webPage(t, browser, "POST", p.URL+"/console/signin", url.Values{
		"access_key_id": {rootKeyID}, "secret_access_key": {rootSecret}, "csrf": {token(t, signIn)}})
	if !strings.Contains(home, "Made by the SDK") {
		t.Errorf("after signing in with the root key the console shows:\n%s\nwant the account the SDK made", home)
	}
}
