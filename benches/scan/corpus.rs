//! The generated corpus: source and configuration files of an imaginary
//! company's repositories, with synthetic secrets planted in them.
//!
//! Everything comes from one seeded generator, so the same seed writes the
//! same bytes on every machine and a run's findings can be compared with
//! the previous run's. The secrets follow the providers' published token
//! formats with random bodies; none of them is a live credential. Around
//! them are the things that make secret scanning hard in real code: hex
//! digests, UUIDs, base64 blobs, placeholders and variable references that
//! must not be reported.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use crate::common::Planted;

/// SplitMix64: tiny, fast, and the same sequence everywhere for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`); the modulo bias is irrelevant here.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn string(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const HEX: &[u8] = b"0123456789abcdef";
const DIGITS: &[u8] = b"0123456789";
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const BECH32_UPPER: &[u8] = b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";

/// A kind of secret: its name, the variable it is usually kept in, and how
/// one is made (from the provider's documented shape).
struct Provider {
    name: &'static str,
    variable: &'static str,
    make: fn(&mut Rng) -> String,
}

fn base64url_no_pad(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(URLSAFE[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

const PROVIDERS: &[Provider] = &[
    Provider {
        name: "aws-access-key-id",
        variable: "AWS_ACCESS_KEY_ID",
        make: |r| format!("AKIA{}", r.string(BASE32, 16)),
    },
    Provider {
        name: "aws-secret-access-key",
        variable: "aws_secret_access_key",
        make: |r| r.string(BASE64, 40),
    },
    Provider {
        name: "github-pat-classic",
        variable: "GITHUB_TOKEN",
        make: |r| format!("ghp_{}", r.string(ALNUM, 36)),
    },
    Provider {
        name: "github-pat-fine-grained",
        variable: "GH_TOKEN",
        make: |r| format!("github_pat_{}_{}", r.string(ALNUM, 22), r.string(ALNUM, 59)),
    },
    Provider {
        name: "github-oauth",
        variable: "github_oauth_token",
        make: |r| format!("gho_{}", r.string(ALNUM, 36)),
    },
    Provider {
        name: "github-app-installation",
        variable: "GITHUB_APP_TOKEN",
        make: |r| format!("ghs_{}", r.string(ALNUM, 36)),
    },
    Provider {
        name: "gitlab-pat",
        variable: "GITLAB_TOKEN",
        make: |r| format!("glpat-{}", r.string(URLSAFE, 20)),
    },
    Provider {
        name: "slack-bot-token",
        variable: "SLACK_BOT_TOKEN",
        make: |r| {
            format!(
                "xoxb-{}-{}-{}",
                r.string(DIGITS, 11),
                r.string(DIGITS, 13),
                r.string(ALNUM, 24)
            )
        },
    },
    Provider {
        name: "slack-webhook",
        variable: "SLACK_WEBHOOK_URL",
        make: |r| {
            format!(
                "https://hooks.slack.com/services/T{}/B{}/{}",
                r.string(UPPER_ALNUM, 10),
                r.string(UPPER_ALNUM, 10),
                r.string(ALNUM, 24)
            )
        },
    },
    Provider {
        name: "stripe-live-secret",
        variable: "STRIPE_SECRET_KEY",
        make: |r| format!("sk_live_{}", r.string(ALNUM, 99)),
    },
    Provider {
        name: "stripe-restricted",
        variable: "stripe_restricted_key",
        make: |r| format!("rk_live_{}", r.string(ALNUM, 99)),
    },
    Provider {
        name: "openai-project-key",
        variable: "OPENAI_API_KEY",
        make: |r| {
            format!(
                "sk-proj-{}T3BlbkFJ{}",
                r.string(URLSAFE, 74),
                r.string(URLSAFE, 74)
            )
        },
    },
    Provider {
        name: "anthropic-api-key",
        variable: "ANTHROPIC_API_KEY",
        make: |r| format!("sk-ant-api03-{}AA", r.string(URLSAFE, 93)),
    },
    Provider {
        name: "huggingface-token",
        variable: "HF_TOKEN",
        make: |r| format!("hf_{}", r.string(LETTERS, 34)),
    },
    Provider {
        name: "npm-token",
        variable: "NPM_TOKEN",
        make: |r| format!("npm_{}", r.string(ALNUM, 36)),
    },
    Provider {
        name: "pypi-token",
        variable: "PYPI_API_TOKEN",
        make: |r| format!("pypi-AgEIcHlwaS5vcmc{}", r.string(URLSAFE, 70)),
    },
    Provider {
        name: "sendgrid-key",
        variable: "SENDGRID_API_KEY",
        make: |r| format!("SG.{}.{}", r.string(URLSAFE, 22), r.string(URLSAFE, 43)),
    },
    Provider {
        name: "twilio-api-key",
        variable: "TWILIO_API_KEY",
        make: |r| format!("SK{}", r.string(HEX, 32)),
    },
    Provider {
        name: "google-api-key",
        variable: "GOOGLE_API_KEY",
        make: |r| format!("AIza{}", r.string(URLSAFE, 35)),
    },
    Provider {
        name: "discord-webhook",
        variable: "DISCORD_WEBHOOK",
        make: |r| {
            format!(
                "https://discord.com/api/webhooks/{}/{}",
                r.string(DIGITS, 18),
                r.string(URLSAFE, 68)
            )
        },
    },
    Provider {
        name: "telegram-bot-token",
        variable: "TELEGRAM_BOT_TOKEN",
        make: |r| format!("{}:AA{}", r.string(DIGITS, 10), r.string(URLSAFE, 33)),
    },
    Provider {
        name: "mailgun-key",
        variable: "MAILGUN_API_KEY",
        make: |r| format!("key-{}", r.string(HEX, 32)),
    },
    Provider {
        name: "mailchimp-key",
        variable: "MAILCHIMP_API_KEY",
        make: |r| format!("{}-us{}", r.string(HEX, 32), r.range(1, 21)),
    },
    Provider {
        name: "shopify-admin-token",
        variable: "SHOPIFY_ACCESS_TOKEN",
        make: |r| format!("shpat_{}", r.string(HEX, 32)),
    },
    Provider {
        name: "square-access-token",
        variable: "SQUARE_ACCESS_TOKEN",
        make: |r| format!("EAAA{}", r.string(URLSAFE, 60)),
    },
    Provider {
        name: "digitalocean-token",
        variable: "DIGITALOCEAN_TOKEN",
        make: |r| format!("dop_v1_{}", r.string(HEX, 64)),
    },
    Provider {
        name: "dockerhub-pat",
        variable: "DOCKERHUB_TOKEN",
        make: |r| format!("dckr_pat_{}", r.string(URLSAFE, 27)),
    },
    Provider {
        name: "vault-service-token",
        variable: "VAULT_TOKEN",
        make: |r| format!("hvs.{}", r.string(URLSAFE, 95)),
    },
    Provider {
        name: "databricks-token",
        variable: "DATABRICKS_TOKEN",
        make: |r| format!("dapi{}", r.string(HEX, 32)),
    },
    Provider {
        name: "newrelic-user-key",
        variable: "NEW_RELIC_API_KEY",
        make: |r| format!("NRAK-{}", r.string(UPPER_ALNUM, 27)),
    },
    Provider {
        name: "grafana-service-account",
        variable: "GRAFANA_TOKEN",
        make: |r| format!("glsa_{}_{}", r.string(ALNUM, 32), r.string(HEX, 8)),
    },
    Provider {
        name: "replicate-token",
        variable: "REPLICATE_API_TOKEN",
        make: |r| format!("r8_{}", r.string(ALNUM, 37)),
    },
    Provider {
        name: "groq-key",
        variable: "GROQ_API_KEY",
        make: |r| format!("gsk_{}", r.string(ALNUM, 52)),
    },
    Provider {
        name: "alibaba-access-key-id",
        variable: "ALIBABA_CLOUD_ACCESS_KEY_ID",
        make: |r| format!("LTAI{}", r.string(ALNUM, 20)),
    },
    Provider {
        name: "age-identity",
        variable: "SOPS_AGE_KEY",
        make: |r| format!("AGE-SECRET-KEY-1{}", r.string(BECH32_UPPER, 58)),
    },
    Provider {
        name: "postgres-url",
        variable: "DATABASE_URL",
        make: |r| {
            format!(
                "postgres://app_{}:{}@db-{}.internal:5432/orders",
                r.string(LETTERS, 5).to_lowercase(),
                r.string(ALNUM, 20),
                r.range(1, 9)
            )
        },
    },
    Provider {
        name: "jwt",
        variable: "SESSION_TOKEN",
        make: |r| {
            let payload = format!(
                r#"{{"sub":"{}","name":"svc-{}","iat":{}}}"#,
                r.string(DIGITS, 10),
                r.string(LETTERS, 6).to_lowercase(),
                1_600_000_000 + r.below(100_000_000)
            );
            let signature: Vec<u8> = (0..32).map(|_| r.next() as u8).collect();
            format!(
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{}.{}",
                base64url_no_pad(payload.as_bytes()),
                base64url_no_pad(&signature)
            )
        },
    },
    Provider {
        name: "generic-password",
        variable: "db_password",
        make: |r| {
            r.string(
                b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+=",
                22,
            )
        },
    },
];

/// The PEM-armoured kinds, planted as whole key files.
const KEY_FILES: &[(&str, &str, &str)] = &[
    ("private-key-rsa", "RSA PRIVATE KEY", "id_rsa"),
    ("private-key-openssh", "OPENSSH PRIVATE KEY", "id_ed25519"),
    ("private-key-ec", "EC PRIVATE KEY", "server.key"),
    ("private-key-pkcs8", "PRIVATE KEY", "tls.key"),
];

/// A file format: its extension and how a secret is assigned in it.
#[derive(Clone, Copy)]
enum Lang {
    Go,
    Python,
    JavaScript,
    Yaml,
    Env,
    Json,
    Shell,
    Terraform,
    Properties,
    Dockerfile,
    Markdown,
}

const LANGS: &[(Lang, &str, usize)] = &[
    // Weights: roughly what a service monorepo holds.
    (Lang::Go, "go", 22),
    (Lang::Python, "py", 16),
    (Lang::JavaScript, "ts", 14),
    (Lang::Yaml, "yaml", 12),
    (Lang::Json, "json", 8),
    (Lang::Markdown, "md", 8),
    (Lang::Shell, "sh", 6),
    (Lang::Terraform, "tf", 5),
    (Lang::Properties, "properties", 4),
    (Lang::Env, "env", 3),
    (Lang::Dockerfile, "Dockerfile", 2),
];

const WORDS: &[&str] = &[
    "order",
    "invoice",
    "customer",
    "payment",
    "session",
    "cache",
    "queue",
    "worker",
    "retry",
    "timeout",
    "buffer",
    "handler",
    "request",
    "response",
    "config",
    "metrics",
    "tenant",
    "account",
    "report",
    "export",
    "import",
    "schedule",
    "billing",
    "shipment",
    "inventory",
    "ledger",
    "audit",
    "profile",
    "webhook",
    "notification",
    "search",
    "index",
    "upload",
];

const SERVICES: &[&str] = &[
    "checkout",
    "catalog",
    "payments",
    "identity",
    "search",
    "notifier",
    "ledger",
    "gateway",
    "warehouse",
    "analytics",
    "scheduler",
    "reports",
];

const COMMENTS: &[&str] = &[
    "keep the batch small: the upstream API rejects more than 100 items",
    "retry with backoff; the provider rate-limits bursts",
    "TODO: move this to the shared client once the migration is done",
    "the cache is per tenant so that one noisy tenant cannot evict the others",
    "values are in cents to avoid floating point rounding",
    "see the runbook before changing the timeout",
    "this must stay idempotent: the queue delivers at least once",
    "read from the environment in production, from the local file in development",
];

/// Filler text of one file: realistic lines with nothing secret in them,
/// including things that look random but are not credentials.
struct Filler<'a> {
    rng: &'a mut Rng,
    lang: Lang,
}

impl Filler<'_> {
    fn ident(&mut self) -> String {
        let a = self.rng.pick(WORDS);
        let b = self.rng.pick(WORDS);
        format!("{a}_{b}")
    }

    fn camel(&mut self) -> String {
        let a = self.rng.pick(WORDS);
        let b = self.rng.pick(WORDS);
        let mut b = b.to_string();
        b[..1].make_ascii_uppercase();
        format!("{a}{b}")
    }

    /// Something random-looking that is not a secret.
    fn decoy(&mut self) -> String {
        match self.rng.below(6) {
            0 => self.rng.string(HEX, 64),
            1 => self.rng.string(HEX, 40),
            2 => format!(
                "{}-{}-4{}-a{}-{}",
                self.rng.string(HEX, 8),
                self.rng.string(HEX, 4),
                self.rng.string(HEX, 3),
                self.rng.string(HEX, 3),
                self.rng.string(HEX, 12)
            ),
            3 => format!("sha256-{}=", self.rng.string(BASE64, 43)),
            4 => format!(
                "v{}.{}.{}",
                self.rng.below(4),
                self.rng.below(30),
                self.rng.below(20)
            ),
            _ => format!(
                "https://{}.example.com/api/v2/{}",
                self.rng.pick(SERVICES),
                self.rng.pick(WORDS)
            ),
        }
    }

    /// A value that looks like a credential slot but holds none.
    fn placeholder(&mut self) -> String {
        self.rng
            .pick(&[
                "${API_TOKEN}",
                "<your-token-here>",
                "changeme",
                "os.environ[\"TOKEN\"]",
                "{{ .Values.token }}",
                "xxxxxxxxxxxxxxxxxxxx",
                "",
            ])
            .to_string()
    }

    fn line(&mut self) -> String {
        let comment = self.rng.pick(COMMENTS);
        let ident = self.ident();
        let camel = self.camel();
        let decoy = self.decoy();
        let n = self.rng.below(10_000);
        match self.lang {
            Lang::Go => match self.rng.below(9) {
                0 => format!("\t// {comment}"),
                1 => format!("\t{camel} := make(map[string]int, {n})"),
                2 => format!(
                    "\tif err := s.{camel}(ctx, req); err != nil {{\n\t\treturn fmt.Errorf(\"{ident}: %w\", err)\n\t}}"
                ),
                3 => format!("\tconst {camel}Digest = \"{decoy}\""),
                4 => format!(
                    "\tfor i := 0; i < len({camel}); i++ {{\n\t\ttotal += {camel}[i].Amount\n\t}}"
                ),
                5 => format!("\tlog.Printf(\"{ident} took %s\", time.Since(start))"),
                6 => format!(
                    "\t{camel}, err := s.store.Get{}(ctx, id)",
                    self.rng.pick(WORDS)
                ),
                7 => String::new(),
                _ => format!(
                    "\treturn &{}{{ID: id, Count: {n}}}, nil",
                    camel[..1].to_uppercase() + &camel[1..]
                ),
            },
            Lang::Python => match self.rng.below(8) {
                0 => format!("    # {comment}"),
                1 => format!(
                    "    {ident} = self.client.get(\"/{}/{{}}\".format(item_id))",
                    self.rng.pick(WORDS)
                ),
                2 => format!("    if not {ident}:\n        raise ValueError(\"missing {ident}\")"),
                3 => format!("    CHECKSUM = \"{decoy}\""),
                4 => format!("    for row in {ident}:\n        total += row[\"amount\"]"),
                5 => format!("    logger.info(\"%s processed %d items\", \"{ident}\", {n})"),
                6 => String::new(),
                _ => format!("    return {{\"id\": item_id, \"{ident}\": {n}}}"),
            },
            Lang::JavaScript => match self.rng.below(8) {
                0 => format!("  // {comment}"),
                1 => format!(
                    "  const {camel} = await client.get(`/{}/${{id}}`);",
                    self.rng.pick(WORDS)
                ),
                2 => format!("  if (!{camel}) {{\n    throw new Error(\"missing {camel}\");\n  }}"),
                3 => format!("  const integrity = \"{decoy}\";"),
                4 => format!("  {camel}.forEach((item) => {{ total += item.amount; }});"),
                5 => format!("  console.debug(\"{camel} done\", {{ count: {n} }});"),
                6 => String::new(),
                _ => format!("  return {{ id, {camel}: {n} }};"),
            },
            Lang::Yaml => match self.rng.below(7) {
                0 => format!("# {comment}"),
                1 => format!("  {ident}: {n}"),
                2 => format!(
                    "  image: registry.example.com/{}:{decoy}",
                    self.rng.pick(SERVICES)
                ),
                3 => format!(
                    "  - name: {}\n    value: \"{}\"",
                    ident.to_uppercase(),
                    self.placeholder()
                ),
                4 => format!("  {ident}_enabled: {}", self.rng.chance(50)),
                5 => String::new(),
                _ => format!("  checksum: {decoy}"),
            },
            Lang::Json => match self.rng.below(4) {
                0 => format!("  \"{camel}\": {n},"),
                1 => format!("  \"{camel}\": \"{decoy}\","),
                2 => format!("  \"{camel}Enabled\": {},", self.rng.chance(50)),
                _ => format!(
                    "  \"{camel}Url\": \"https://{}.example.com\",",
                    self.rng.pick(SERVICES)
                ),
            },
            Lang::Markdown => match self.rng.below(5) {
                0 => format!("The {} service {comment}.", self.rng.pick(SERVICES)),
                1 => format!("- `{ident}`: defaults to {n}"),
                2 => format!(
                    "Set `{}` to `{}` in your shell first.",
                    ident.to_uppercase(),
                    self.placeholder()
                ),
                3 => String::new(),
                _ => format!("## {}", camel),
            },
            Lang::Shell => match self.rng.below(5) {
                0 => format!("# {comment}"),
                1 => format!("echo \"{ident}: ${{{}:-{n}}}\"", ident.to_uppercase()),
                2 => format!(
                    "curl -fsS \"https://{}.example.com/health\" >/dev/null",
                    self.rng.pick(SERVICES)
                ),
                3 => format!("sha256sum --check <<< \"{decoy}  artifact.tar.gz\""),
                _ => String::new(),
            },
            Lang::Terraform => match self.rng.below(4) {
                0 => format!("# {comment}"),
                1 => format!("  {ident} = {n}"),
                2 => format!("  tags = {{ service = \"{}\" }}", self.rng.pick(SERVICES)),
                _ => format!("  etag = \"{decoy}\""),
            },
            Lang::Properties => match self.rng.below(4) {
                0 => format!("# {comment}"),
                1 => format!("{}.{ident}={n}", self.rng.pick(SERVICES)),
                2 => format!(
                    "{}.{ident}.url=https://{}.example.com",
                    self.rng.pick(SERVICES),
                    self.rng.pick(SERVICES)
                ),
                _ => format!(
                    "{}.password={}",
                    self.rng.pick(SERVICES),
                    self.placeholder()
                ),
            },
            Lang::Env => match self.rng.below(3) {
                0 => format!("# {comment}"),
                1 => format!("{}={n}", ident.to_uppercase()),
                _ => format!(
                    "{}_URL=https://{}.example.com",
                    ident.to_uppercase(),
                    self.rng.pick(SERVICES)
                ),
            },
            Lang::Dockerfile => match self.rng.below(4) {
                0 => format!("# {comment}"),
                1 => format!(
                    "RUN apt-get install -y --no-install-recommends {}",
                    self.rng.pick(&["curl", "ca-certificates", "git", "tzdata"])
                ),
                2 => format!("ENV {}={n}", ident.to_uppercase()),
                _ => format!(
                    "COPY {}/ /srv/{}/",
                    self.rng.pick(SERVICES),
                    self.rng.pick(SERVICES)
                ),
            },
        }
    }
}

/// How a file of language `lang` assigns `value` to `variable`.
fn assignment(lang: Lang, variable: &str, value: &str) -> String {
    match lang {
        Lang::Go => format!("\t{} := \"{value}\"", go_name(variable)),
        Lang::Python => format!("    {variable} = \"{value}\""),
        Lang::JavaScript => format!("  const {} = \"{value}\";", go_name(variable)),
        Lang::Yaml => format!("  {}: \"{value}\"", variable.to_lowercase()),
        Lang::Json => format!("  \"{}\": \"{value}\",", go_name(variable)),
        Lang::Markdown => format!("    export {variable}=\"{value}\""),
        Lang::Shell => format!("export {variable}=\"{value}\""),
        Lang::Terraform => format!("  {} = \"{value}\"", variable.to_lowercase()),
        Lang::Properties => format!("app.{}={value}", variable.to_lowercase().replace('_', ".")),
        Lang::Env => format!("{}={value}", variable.to_uppercase()),
        Lang::Dockerfile => format!("ENV {}=\"{value}\"", variable.to_uppercase()),
    }
}

/// `SLACK_BOT_TOKEN` -> `slackBotToken`.
fn go_name(variable: &str) -> String {
    let mut out = String::new();
    for (i, part) in variable.split('_').filter(|p| !p.is_empty()).enumerate() {
        let part = part.to_lowercase();
        if i == 0 {
            out.push_str(&part);
        } else {
            out.push_str(&part[..1].to_uppercase());
            out.push_str(&part[1..]);
        }
    }
    out
}

fn header(lang: Lang, rng: &mut Rng, service: &str) -> String {
    match lang {
        Lang::Go => format!(
            "// Package {service} serves the {service} API.\npackage {service}\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"log\"\n\t\"time\"\n)\n\nfunc (s *Server) handle{}(ctx context.Context, id string) (*Result, error) {{",
            rng.below(1000)
        ),
        Lang::Python => format!(
            "\"\"\"The {service} worker.\"\"\"\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n\nclass Worker{}:\n    def run(self, item_id):",
            rng.below(1000)
        ),
        Lang::JavaScript => format!(
            "import {{ client }} from \"../{service}/client\";\n\nexport async function handle{}(id) {{\n  let total = 0;",
            rng.below(1000)
        ),
        Lang::Yaml => format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {service}\nspec:\n  replicas: {}\n  env:",
            rng.range(1, 6)
        ),
        Lang::Json => "{".to_string(),
        Lang::Markdown => format!("# The {service} service\n"),
        Lang::Shell => "#!/usr/bin/env bash\nset -euo pipefail\n".to_string(),
        Lang::Terraform => format!("resource \"aws_instance\" \"{service}\" {{"),
        Lang::Properties => format!("# {service} settings"),
        Lang::Env => format!("# {service} local environment"),
        Lang::Dockerfile => "FROM debian:bookworm-slim".to_string(),
    }
}

fn footer(lang: Lang) -> &'static str {
    match lang {
        Lang::Go | Lang::JavaScript | Lang::Terraform => "}\n",
        Lang::Json => "  \"end\": true\n}\n",
        _ => "",
    }
}

/// A PEM-armoured key of `label` with a random body.
fn key_file(rng: &mut Rng, label: &str) -> String {
    let mut out = format!("-----BEGIN {label}-----\n");
    for _ in 0..rng.range(6, 25) {
        out.push_str(&rng.string(BASE64, 64));
        out.push('\n');
    }
    let tail = rng.range(8, 40);
    let _ = writeln!(out, "{}=", rng.string(BASE64, tail));
    let _ = writeln!(out, "-----END {label}-----");
    out
}

/// Write `files` files with `secrets` planted secrets under `dir` (which
/// must not exist or be empty), from `seed`. Returns what was planted,
/// sorted by path and line.
pub fn generate(dir: &Path, files: usize, secrets: usize, seed: u64) -> io::Result<Vec<Planted>> {
    let mut rng = Rng(seed);
    let weight_sum: usize = LANGS.iter().map(|l| l.2).sum();
    // Which file gets each secret: every provider at least once while the
    // budget lasts, then at random; key files are separate files.
    let mut per_file: Vec<Vec<usize>> = vec![Vec::new(); files];
    let kinds = PROVIDERS.len() + KEY_FILES.len();
    let mut key_files = Vec::new();
    for s in 0..secrets {
        let kind = if s < kinds { s } else { rng.below(kinds) };
        if kind < PROVIDERS.len() {
            per_file[rng.below(files)].push(kind);
        } else {
            key_files.push(kind - PROVIDERS.len());
        }
    }

    let mut planted = Vec::new();
    for (i, kinds) in per_file.iter().enumerate() {
        let mut pick = rng.below(weight_sum);
        let &(lang, ext, _) = LANGS
            .iter()
            .find(|l| {
                if pick < l.2 {
                    true
                } else {
                    pick -= l.2;
                    false
                }
            })
            .expect("weights add up");
        let service = *rng.pick(SERVICES);
        let name = match lang {
            Lang::Dockerfile => format!("{service}/deploy/{i:05}/Dockerfile"),
            Lang::Env => format!("{service}/config/{i:05}.env"),
            _ => format!("{service}/src/{}_{i:05}.{ext}", rng.pick(WORDS)),
        };
        let mut text = header(lang, &mut rng, service);
        text.push('\n');
        let lines = rng.range(40, 700);
        // Secrets go at random line slots of this file.
        let mut slots: Vec<usize> = kinds.iter().map(|_| rng.below(lines)).collect();
        slots.sort_unstable();
        let mut next = 0;
        for l in 0..lines {
            while next < slots.len() && slots[next] == l {
                let p = &PROVIDERS[kinds[next]];
                let value = (p.make)(&mut rng);
                let line = text.matches('\n').count() + 1;
                text.push_str(&assignment(lang, p.variable, &value));
                text.push('\n');
                planted.push(Planted {
                    path: name.clone(),
                    line,
                    provider: p.name.to_string(),
                });
                next += 1;
            }
            let mut filler = Filler {
                rng: &mut rng,
                lang,
            };
            text.push_str(&filler.line());
            text.push('\n');
        }
        text.push_str(footer(lang));
        write(dir, &name, &text)?;
    }
    for (i, k) in key_files.iter().enumerate() {
        let (provider, label, file) = KEY_FILES[*k];
        let name = format!("{}/secrets/{i:04}/{file}", rng.pick(SERVICES));
        let text = key_file(&mut rng, label);
        write(dir, &name, &text)?;
        planted.push(Planted {
            path: name,
            line: 1,
            provider: provider.to_string(),
        });
    }
    planted.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(planted)
}

fn write(dir: &Path, name: &str, text: &str) -> io::Result<()> {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}
