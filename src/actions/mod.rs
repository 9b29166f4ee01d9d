//! One file per action. [`all`] is the registry the router is built from.

use crate::router::Entry;

mod check_rules;
mod describe;
#[cfg(feature = "hostile")]
mod hostile;
mod ping;
mod redact;
mod report;
mod rules;
mod scan;

/// Every action this build registers.
pub(crate) fn all() -> Vec<Entry> {
    #[allow(unused_mut)]
    let mut entries = vec![Entry::of::<ping::Ping>(), Entry::of::<describe::Describe>()];
    entries.push(Entry::of::<report::Report>());
    entries.extend([
        Entry::of::<scan::Scan>(),
        Entry::of::<redact::Redact>(),
        Entry::of::<rules::Rules>(),
        Entry::of::<check_rules::CheckRules>(),
    ]);
    #[cfg(feature = "hostile")]
    entries.extend(hostile::all());
    entries
}
