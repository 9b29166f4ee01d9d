package leakguard_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	leakguard "github.com/leakguard/leakguard/host-go"
)

// The tokens in these examples are fake, and assembled from parts so that
// no live-looking secret sits in the sources.

func ExampleNew() {
	ctx := context.Background()
	// Rules of one's own, in leakguard's TOML format (a superset of
	// gitleaks'; with `[extend] useDefault = true` the defaults stay on).
	rules := `
[[rules]]
id = "acme-api-key"
description = "ACME Corp API key"
regex = '''\b(acme_[a-z0-9]{32})\b'''
keywords = ["acme_"]
severity = "high"
`
	s, err := leakguard.New(ctx,
		leakguard.WithRules(rules),
		leakguard.WithPoolSize(2),
		leakguard.WithTimeout(10*time.Second),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close(ctx)

	key := "acme_" + "4f9c2b7e1d8a3f6c" + "0b5e9d2a7c4f1e8b"
	findings, err := s.Scan(ctx, "ACME_KEY="+key)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Println(f.Rule, f.Severity, f.Secret)
	}
	// Output:
	// acme-api-key high acme****
}

func ExampleScanner_Scan() {
	ctx := context.Background()
	s, err := leakguard.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close(ctx)

	token := "ghp_" + "R7kq2Mx9TbWc" + "4LpZvN8sJ3dF" + "6hYgQe1uKa5o"
	findings, err := s.Scan(ctx, "ci:\n  github_token: "+token+"\n")
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Printf("%s at line %d, column %d: %s (%s)\n", f.Rule, f.Line, f.Column, f.Secret, f.Severity)
	}
	// Output:
	// github-pat-classic at line 2, column 17: ghp_**** (high)
}

func ExampleScanner_ScanDocuments() {
	ctx := context.Background()
	s, err := leakguard.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close(ctx)

	docs := []leakguard.Document{
		{Path: "deploy/.env", Text: "NPM_TOKEN=npm_" + "Gx2vTq8LmR5k" + "Zp9WbY3nJc7D" + "h4Fs6Ua1Ve0K\n"},
		{Path: "README.md", Text: "# Nothing to see here\n"},
		{Path: "app/slack.go", Text: "package app\n\nconst token = \"xoxb-" + "502941736208-" + "4676127083915-" + "Hb4N2wnyH6xSLR9Xn0asDiOc\"\n"},
	}
	findings, err := s.ScanDocuments(ctx, docs)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Printf("%s:%d: %s\n", f.Path, f.Line, f.Rule)
	}
	// Output:
	// deploy/.env:1: npm-token
	// app/slack.go:3: slack-bot-oauth-token
}

func ExampleScanner_Redact() {
	ctx := context.Background()
	s, err := leakguard.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close(ctx)

	key := "sk_live_" + "9fTq3LmZ8vR2" + "wXk5YpB7nC4d"
	text := "payment failed, key=" + key + " status=401"

	redacted, _, err := s.Redact(ctx, text)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(redacted)

	masked, _, err := s.Redact(ctx, text, leakguard.WithStyle(leakguard.StyleMask), leakguard.WithKeep(8))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(masked)
	// Output:
	// payment failed, key=[REDACTED:stripe-live-secret-key] status=401
	// payment failed, key=sk_live_************************ status=401
}

func ExampleNewRedactingWriter() {
	ctx := context.Background()
	s, err := leakguard.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close(ctx)

	// Everything written to w reaches stdout redacted, even a token that
	// arrives in two writes.
	w := leakguard.NewRedactingWriter(os.Stdout, s)
	fmt.Fprint(w, "deploying with GITHUB_TOKEN=ghp_"+"R7kq2Mx9TbWc")
	fmt.Fprint(w, "4LpZvN8sJ3dF"+"6hYgQe1uKa5o\n")
	fmt.Fprint(w, "done\n")
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// deploying with GITHUB_TOKEN=[REDACTED:github-pat-classic]
	// done
}

func ExampleNewRedactingHandler() {
	ctx := context.Background()
	s, err := leakguard.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close(ctx)

	text := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		// Drop the time so that the output is reproducible.
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	})
	logger := slog.New(leakguard.NewRedactingHandler(text, s))

	token := "xoxb-" + "502941736208-" + "4676127083915-" + "Hb4N2wnyH6xSLR9Xn0asDiOc"
	logger.Info("posting to slack", slog.Group("client", "token", token, "retries", 3))
	// Output:
	// level=INFO msg="posting to slack" client.token=[REDACTED:slack-bot-oauth-token] client.retries=3
}
