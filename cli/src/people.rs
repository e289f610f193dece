//! Who records: a person's PIN and role in an organisation.

use std::process::ExitCode;

use daftar_core::Error;

use crate::args::Who;

/// Sets a PIN: the new one from DAFTAR_NEW_PIN or a line of standard input.
pub(crate) fn set_pin(who: Who, person: Option<String>) -> Result<ExitCode, Error> {
    let new_pin = match std::env::var("DAFTAR_NEW_PIN") {
        Ok(p) => zeroize::Zeroizing::new(p),
        Err(_) => {
            let mut line = zeroize::Zeroizing::new(String::new());
            std::io::stdin().read_line(&mut line)?;
            line
        }
    };
    let (book, org, meta, date) = who.open()?;
    let person = person.unwrap_or_else(|| meta.actor.clone());
    book.set_pin(&meta, org, date, &person, new_pin.trim())?;
    sayln!("{person}'s PIN is set");
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn give_role(who: Who, person: String, role: String) -> Result<ExitCode, Error> {
    let (book, org, meta, date) = who.open()?;
    let role = daftar_core::policy::ActorRole::parse(&role)?;
    book.set_role(&meta, org, date, &person, role)?;
    sayln!("{person} is now {} of this organisation", role.as_str());
    Ok(ExitCode::SUCCESS)
}
