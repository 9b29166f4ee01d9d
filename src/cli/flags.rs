//! Command-line flags with the conventions of Go's `flag` package (which
//! the Go CLI uses), so that both CLIs accept the same command lines:
//! `-name` or `--name`, a value inline (`-name=value`) or as the next
//! argument, flags and positional arguments in any order, `--` ending the
//! flags, `-` a positional argument (standard input).

use super::Error;

/// A flag on the command line: `-name`, `--name`, `-name=value`.
pub(super) struct Flag {
    pub(super) name: String,
    inline: Option<String>,
}

impl Flag {
    pub(super) fn unknown(&self) -> Error {
        Error::Usage(format!("unknown flag -{}", self.name))
    }
}

/// The arguments of one command, consumed flag by flag.
pub(super) struct Flags<'a> {
    args: &'a [String],
    next: usize,
    pub(super) positional: Vec<String>,
}

impl<'a> Flags<'a> {
    pub(super) fn new(args: &'a [String]) -> Flags<'a> {
        Flags {
            args,
            next: 0,
            positional: Vec::new(),
        }
    }

    /// The next flag, collecting positional arguments on the way.
    pub(super) fn next_flag(&mut self) -> Result<Option<Flag>, Error> {
        while let Some(arg) = self.args.get(self.next) {
            self.next += 1;
            if arg == "--" {
                self.positional
                    .extend(self.args[self.next..].iter().cloned());
                self.next = self.args.len();
                return Ok(None);
            }
            let Some(body) = arg.strip_prefix('-').filter(|b| !b.is_empty()) else {
                self.positional.push(arg.clone());
                continue;
            };
            let body = body.strip_prefix('-').unwrap_or(body);
            if body.is_empty() || body.starts_with(['-', '=']) {
                return Err(Error::Usage(format!("bad flag syntax: {arg}")));
            }
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (body.to_owned(), None),
            };
            return Ok(Some(Flag { name, inline }));
        }
        Ok(None)
    }

    /// The value of a flag that takes one: inline or the next argument.
    pub(super) fn value(&mut self, flag: &Flag) -> Result<String, Error> {
        if let Some(v) = &flag.inline {
            return Ok(v.clone());
        }
        let v = self
            .args
            .get(self.next)
            .ok_or_else(|| Error::Usage(format!("flag needs an argument: -{}", flag.name)))?;
        self.next += 1;
        Ok(v.clone())
    }

    /// A boolean flag: set by its presence, or `-name=true|false`.
    pub(super) fn boolean(&self, flag: &Flag) -> Result<bool, Error> {
        match flag.inline.as_deref() {
            None | Some("true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(v) => Err(Error::Usage(format!(
                "invalid boolean value {v:?} for -{}",
                flag.name
            ))),
        }
    }
}
