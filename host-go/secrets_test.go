package leakguard_test

import "strings"

// Fake secrets for the tests, assembled from parts at run time so that no
// live-looking token sits in the sources. The characters are random; none
// of these was ever a real credential.
var (
	fakeGitHub = "ghp_" + "R7kq2Mx9TbWc" + "4LpZvN8sJ3dF" + "6hYgQe1uKa5o"
	fakeSlack  = "xoxb-" + "5029417" + "36208-" + "4676127" + "083915-" + "Hb4N2wnyH6xS" + "LR9Xn0asDiOc"
	fakeAWS    = "AKIA" + "ZQ7TB3XW" + "NGYH6KRD"
	fakeStripe = "sk_live_" + "9fTq3LmZ8vR2" + "wXk5YpB7nC4d"
	fakeNPM    = "npm_" + "Gx2vTq8LmR5k" + "Zp9WbY3nJc7D" + "h4Fs6Ua1Ve0K"
	fakeRSA    = strings.Join([]string{
		"-----BEGIN RSA " + "PRIVATE KEY-----",
		"MIIEpAIBAAKCAQEA" + "x3Fq9Lm2ZrT8vWk5YpB7nC4dGh6Js1Ue0Ka2Ro9PqXw4",
		"Tz7Nb3Vc8Md5Lf1Hg6Kj2Sa9Qw4Er7Ty0Ui3Op8As5Df2Gh9" + "Jk6Lz1Xc4Vb7Nm0Q",
		"Pm3Kx8Rn5Wt2Yv9Bz6Dc1Fg4Hj7Lq0Sp3Tu8Vx5Zy2Ab9Ce" + "6Gi1Kl4Mo7Nr0Q==",
		"-----END RSA " + "PRIVATE KEY-----",
	}, "\n")
)

// fakeSecrets are the raw secrets above, which must never appear in
// redacted output.
var fakeSecrets = []string{fakeGitHub, fakeSlack, fakeAWS, fakeStripe, fakeNPM, fakeRSA}

// logText is a realistic stretch of log and configuration text with the
// fake secrets in it, one of them (the key) over several lines.
func logText() string {
	return strings.Join([]string{
		`2024-05-01T10:00:00Z INFO  starting api version=1.4.2 pid=4121`,
		`2024-05-01T10:00:01Z DEBUG env GITHUB_TOKEN=` + fakeGitHub + ` region=eu-west-1`,
		`2024-05-01T10:00:01Z DEBUG env AWS_ACCESS_KEY_ID=` + fakeAWS,
		`2024-05-01T10:00:02Z INFO  connected to db host=db.internal:5432 user=api`,
		`2024-05-01T10:00:03Z WARN  slack client token="` + fakeSlack + `" retries=3`,
		`2024-05-01T10:00:04Z INFO  «ünïcödé» payload ✓ processed 1200 items in 35ms`,
		`2024-05-01T10:00:05Z ERROR stripe call failed key=` + fakeStripe + `: 401 Unauthorized`,
		`2024-05-01T10:00:06Z DEBUG loaded key file:`,
		fakeRSA,
		`2024-05-01T10:00:07Z INFO  //registry.npmjs.org/:_authToken=` + fakeNPM,
		`2024-05-01T10:00:08Z INFO  shutting down`,
		``,
	}, "\n")
}
