//! The language a book's reports put the core's own words in: each
//! organisation's own, or one asked for the whole book (the CLI's `--locale`).

use crate::book::Book;
use crate::error::Result;
use crate::narration::Narrator;
use crate::org::{Locale, Organisation};

impl Book {
    /// Reports put the core's own words (narrations) in `locale` rather than
    /// in each organisation's own language; `None` goes back to that.
    pub fn read_in(&self, locale: Option<Locale>) {
        // A plain value: a panic elsewhere cannot leave it half set.
        *self.words.lock().unwrap_or_else(|p| p.into_inner()) = locale;
    }

    /// The language asked with [`Book::read_in`], if any.
    pub(crate) fn asked_words(&self) -> Option<Locale> {
        *self.words.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts stored narrations of `org`'s entries into words.
    pub(crate) fn narrator(&self, org: &Organisation) -> Result<Narrator> {
        Narrator::new(self.asked_words().unwrap_or(org.locale))
    }
}
