//! One file per action. [`all`] is the registry the router is built from.

use crate::router::Entry;

mod describe;
#[cfg(feature = "hostile")]
mod hostile;
mod ping;
mod report;

/// Every action this build registers.
pub(crate) fn all() -> Vec<Entry> {
    #[allow(unused_mut)]
    let mut entries = vec![Entry::of::<ping::Ping>(), Entry::of::<describe::Describe>()];
    entries.push(Entry::of::<report::Report>());
    #[cfg(feature = "hostile")]
    entries.extend(hostile::all());
    entries
}
