//! The walker on real trees: ordering, `.git`, symbolic links, special
//! files, the size limit, binary files, decoding, and errors.

use std::fs;
use std::path::{Path, PathBuf};

use leakguard::walk::{self, Options, Reason, Skipped};

/// A scratch directory under the target directory, removed at drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("walk-tree-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Create files: (path, content); a content starting with `->` makes a
    /// symbolic link to the rest.
    fn with(self, files: &[(&str, &[u8])]) -> Scratch {
        for (path, content) in files {
            let p = self.0.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            match content.strip_prefix(b"->") {
                Some(target) => {
                    std::os::unix::fs::symlink(std::str::from_utf8(target).unwrap(), &p).unwrap()
                }
                None => fs::write(&p, content).unwrap(),
            }
        }
        self
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn paths(w: &walk::Walk) -> Vec<&str> {
    w.files.iter().map(|f| f.path.as_str()).collect()
}

#[test]
fn walks_by_case() {
    // (name, files, max size, expected files, expected skipped)
    type Case<'a> = (
        &'a str,
        Vec<(&'a str, &'a [u8])>,
        u64,
        Vec<&'a str>,
        Vec<(&'a str, Reason)>,
    );
    let cases: Vec<Case> = vec![
        (
            "hidden files are walked, paths in byte order",
            vec![
                ("b/c.txt", b"c"),
                ("a.txt", b"a"),
                (".env", b"x"),
                ("a/b", b"x"),
                ("a-b", b"x"),
                ("B", b"x"),
            ],
            10,
            vec![".env", "B", "a-b", "a.txt", "a/b", "b/c.txt"],
            vec![],
        ),
        (
            ".git is skipped, as a directory or a file",
            vec![
                (".git/config", b"[core]"),
                ("sub/.git", b"gitdir: ../x"),
                ("sub/f", b"f"),
            ],
            10,
            vec!["sub/f"],
            vec![],
        ),
        (
            "symbolic links are listed as skipped, never followed",
            vec![
                ("real/f.txt", b"f"),
                ("link", b"->real"),
                ("flink", b"->real/f.txt"),
                ("dangling", b"->nowhere"),
            ],
            10,
            vec!["real/f.txt"],
            vec![
                ("dangling", Reason::Symlink),
                ("flink", Reason::Symlink),
                ("link", Reason::Symlink),
            ],
        ),
        (
            "the size limit, inclusive",
            vec![("small", b"0123456789"), ("big", b"0123456789a")],
            10,
            vec!["small"],
            vec![(
                "big",
                Reason::TooLarge {
                    size: 11,
                    limit: 10,
                },
            )],
        ),
        (
            "ignored files are not reported as skipped",
            vec![
                (".gitignore", b"big\nlink\n"),
                ("big", b"0123456789abcdef"),
                ("link", b"->big"),
            ],
            10,
            vec![".gitignore"],
            vec![],
        ),
        (
            "a .gitignore that is a symbolic link is not read",
            vec![
                ("rules", b"*.txt\n"),
                (".gitignore", b"->rules"),
                ("a.txt", b"a"),
            ],
            100,
            vec!["a.txt", "rules"],
            vec![(".gitignore", Reason::Symlink)],
        ),
        (
            "nested .gitignore applies below its directory only",
            vec![
                ("sub/.gitignore", b"*.log\n"),
                ("sub/x.log", b""),
                ("x.log", b""),
            ],
            10,
            vec!["sub/.gitignore", "x.log"],
            vec![],
        ),
    ];
    for (i, (name, files, max_size, want_files, want_skipped)) in cases.into_iter().enumerate() {
        let tree = Scratch::new(&format!("case{i}")).with(&files);
        let got = walk::walk(&tree.0, &Options { max_size }).unwrap();
        assert_eq!(paths(&got), want_files, "{name}");
        let want_skipped: Vec<Skipped> = want_skipped
            .into_iter()
            .map(|(p, reason)| Skipped {
                path: p.to_owned(),
                reason,
            })
            .collect();
        assert_eq!(got.skipped, want_skipped, "{name}");
        for f in &got.files {
            assert_eq!(f.os_path, tree.0.join(&f.path), "{name}");
        }
    }
}

#[test]
fn special_files_are_skipped() {
    let tree = Scratch::new("fifo").with(&[("a", b"a")]);
    let fifo = tree.0.join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo is needed for this test");
    assert!(made.success());
    let got = walk::walk(&tree.0, &Options::default()).unwrap();
    assert_eq!(paths(&got), ["a"]);
    assert_eq!(
        got.skipped,
        [Skipped {
            path: "pipe".into(),
            reason: Reason::NotRegular
        }]
    );
}

#[test]
fn the_root_may_be_a_symbolic_link() {
    let tree = Scratch::new("rootlink").with(&[("real/f", b"f"), ("root", b"->real")]);
    let got = walk::walk(&tree.0.join("root"), &Options::default()).unwrap();
    assert_eq!(paths(&got), ["f"]);
}

#[test]
fn read_text_by_case() {
    // A NUL just past the sniffed bytes: text (NUL is a valid character).
    let mut late_nul = "a".repeat(walk::BINARY_SNIFF_LEN);
    late_nul.push('\0');
    // (content, max size, expected text or skip reason)
    let cases: Vec<(&[u8], u64, Result<&str, Reason>)> = vec![
        (b"plain\n", 100, Ok("plain\n")),
        (b"", 100, Ok("")),
        (b"bad \xff byte", 100, Ok("bad \u{fffd} byte")),
        (b"nul\x00inside", 100, Err(Reason::Binary)),
        (late_nul.as_bytes(), 10_000, Ok(&late_nul)),
        (
            b"0123456789a",
            10,
            Err(Reason::TooLarge {
                size: 11,
                limit: 10,
            }),
        ),
        (b"0123456789", 10, Ok("0123456789")),
    ];
    let tree = Scratch::new("read");
    for (i, (content, max, want)) in cases.into_iter().enumerate() {
        let p = tree.0.join(format!("f{i}"));
        fs::write(&p, content).unwrap();
        let got = walk::read_text(&p, max).unwrap();
        assert_eq!(got, want.map(str::to_owned), "case {i}");
    }
}

#[test]
fn errors_name_the_path() {
    let tree = Scratch::new("errors");
    let missing = tree.0.join("missing");
    let err = walk::walk(&missing, &Options::default()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(err.path(), missing);
    assert!(
        err.to_string().starts_with("cannot read directory "),
        "{err}"
    );
    let err = walk::read_text(&missing, 10).unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
}
