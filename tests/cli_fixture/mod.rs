//! A fixture tree with planted secrets for the CLI tests. The secrets are
//! built from parts at run time, so no live-looking secret is committed.

#![allow(dead_code)] // each test binary uses a different part

use std::fs;
use std::path::{Path, PathBuf};

/// A GitHub classic token shape (`ghp_` and 36 characters), made up.
pub fn github_token() -> String {
    ["gh", "p_", "aB3dE5fG7hJ9kL1mN3", "pQ5rS7tU9vW1xY3zA5"].concat()
}

/// A Slack bot token shape, made up.
pub fn slack_token() -> String {
    [
        "xo",
        "xb-",
        "123456789012-1234567890123-",
        "aBcDeFgHiJkLmNoPqRsTuVwX",
    ]
    .concat()
}

/// A directory tree under the target directory, removed at drop. The tree
/// is `<scratch>/tree`; `<scratch>` has room for files outside it.
pub struct Tree {
    scratch: PathBuf,
    root: String,
}

impl Tree {
    /// A tree holding `files` (path, content); a content starting with `->`
    /// makes a symbolic link to the rest.
    pub fn new(name: &str, files: &[(&str, &[u8])]) -> Tree {
        let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("cli-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&scratch);
        let root = scratch.join("tree");
        fs::create_dir_all(&root).unwrap();
        for (path, content) in files {
            let p = root.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            match content.strip_prefix(b"->") {
                Some(target) => {
                    std::os::unix::fs::symlink(std::str::from_utf8(target).unwrap(), &p).unwrap()
                }
                None => fs::write(&p, content).unwrap(),
            }
        }
        Tree {
            root: root.to_str().unwrap().to_owned(),
            scratch,
        }
    }

    /// The tree the CLI tests scan: secrets in hidden, nested, non-UTF-8
    /// and ordinary files, and everything the walk must pass over (ignored,
    /// binary, a symbolic link, `.git`).
    ///
    /// | path | what |
    /// | --- | --- |
    /// | `.env` (54 bytes) | GitHub token at 1:14 |
    /// | `latin1.txt` (46 bytes) | GitHub token at 1:6, after an invalid UTF-8 byte |
    /// | `deep/a/b/c/notes.md` (50 bytes) | GitHub token at 3:1 |
    /// | `src/config.yml` (73 bytes) | Slack token at 2:10 |
    /// | `ignored/secret.txt`, `debug.log` | ignored by `.gitignore` |
    /// | `blob.bin` | binary |
    /// | `link-to-env` | a symbolic link |
    /// | `.git/config` | never walked |
    pub fn planted(name: &str) -> Tree {
        let gh = github_token();
        let env = format!("GITHUB_TOKEN={gh}\n");
        let mut latin1 = b"caf\xe9 ".to_vec();
        latin1.extend_from_slice(format!("{gh}\n").as_bytes());
        let notes = format!("# notes\n\n{gh}\n");
        let config = format!("slack:\n  token: {}\n", slack_token());
        let mut blob = b"\x00\x01".to_vec();
        blob.extend_from_slice(gh.as_bytes());
        let tree = Tree::new(
            name,
            &[
                (".gitignore", b"ignored/\n*.log\n"),
                (".env", env.as_bytes()),
                ("latin1.txt", &latin1),
                ("deep/a/b/c/notes.md", notes.as_bytes()),
                ("src/config.yml", config.as_bytes()),
                ("ignored/secret.txt", gh.as_bytes()),
                ("debug.log", gh.as_bytes()),
                ("blob.bin", &blob),
                ("link-to-env", b"->.env"),
                (".git/config", gh.as_bytes()),
                ("clean.txt", b"nothing to see\n"),
            ],
        );
        assert_eq!(
            fs::metadata(format!("{}/src/config.yml", tree.root))
                .unwrap()
                .len(),
            73
        );
        tree
    }

    /// The tree's root.
    pub fn path(&self) -> &str {
        &self.root
    }

    /// The directory holding the tree, for files that must stay outside it.
    pub fn scratch(&self) -> &str {
        self.scratch.to_str().unwrap()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.scratch);
    }
}

/// Run `leakguard <args>` natively through `leakguard::cli::run`, with
/// `leakguard::call` as the caller and `stdin` as standard input; (exit
/// status, stdout, stderr).
pub fn run_native(args: &[&str], stdin: &str) -> (i32, Vec<u8>, String) {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let mut input = stdin.as_bytes();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = leakguard::cli::Io {
        stdin: &mut input,
        stdout: &mut out,
        stderr: &mut err,
        stdout_is_terminal: false,
        no_color: false,
    };
    let code = leakguard::cli::run(&mut leakguard::call, &args, &mut io);
    (code, out, String::from_utf8(err).unwrap())
}
