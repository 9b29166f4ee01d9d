//! Rule files loaded once per instance: a small cache keyed by the text.
//!
//! A host sends the same `config` with every call; parsing it (and, later,
//! compiling its regexes) once instead of per call is what makes custom rule
//! files as cheap as the default set after the first call. The cache is
//! bounded, most recently used first, so a caller cycling through many rule
//! files cannot grow the instance's memory without limit.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use super::{ConfigError, RuleSet};

/// How many rule files stay loaded.
pub(crate) const CAPACITY: usize = 8;

struct Entry {
    hash: u64,
    text: String,
    rules: Arc<RuleSet>,
}

/// Loaded rule files, most recently used first.
pub(crate) struct Cache {
    entries: Mutex<Vec<Entry>>,
    capacity: usize,
}

static CACHE: Cache = Cache::new(CAPACITY);

fn hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

pub(crate) fn get_or_load(text: &str) -> Result<Arc<RuleSet>, ConfigError> {
    CACHE.get_or_load(text)
}

impl Cache {
    pub(crate) const fn new(capacity: usize) -> Cache {
        Cache {
            entries: Mutex::new(Vec::new()),
            capacity,
        }
    }

    pub(crate) fn get_or_load(&self, text: &str) -> Result<Arc<RuleSet>, ConfigError> {
        let key = hash(text);
        {
            let mut cache = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(i) = cache.iter().position(|e| e.hash == key && e.text == text) {
                let entry = cache.remove(i);
                let rules = Arc::clone(&entry.rules);
                cache.insert(0, entry);
                return Ok(rules);
            }
        }
        // Loaded outside the lock: another thread may load the same text at
        // the same time, which costs time but gives an equal set.
        let rules = Arc::new(RuleSet::from_toml(text)?);
        let mut cache = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|e| !(e.hash == key && e.text == text));
        cache.insert(
            0,
            Entry {
                hash: key,
                text: text.to_owned(),
                rules: Arc::clone(&rules),
            },
        );
        cache.truncate(self.capacity);
        Ok(rules)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_same_set_and_bounded() {
        let cache = Cache::new(3);
        let text = "[[rules]]\nid = 'a'\nregex = 'x'\n";
        let a = cache.get_or_load(text).unwrap();
        let b = cache.get_or_load(text).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        for i in 0..5 {
            cache
                .get_or_load(&format!("[[rules]]\nid = 'r{i}'\nregex = 'y'\n"))
                .unwrap();
            assert!(cache.len() <= 3);
        }
        // Evicted: loaded again, a new set.
        let c = cache.get_or_load(text).unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
        assert!(cache.get_or_load("not toml [").is_err());
        assert_eq!(cache.len(), 3);
    }
}
