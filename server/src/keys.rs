//! The server's own signing key, which signs receipts. Kept in a file readable
//! by its owner only, made on first start.

use std::io::Write;
use std::path::Path;

use daftar_sync::chain::parse_hex;
use daftar_sync::DeviceKey;

use crate::error::{Error, Result};

pub fn load_or_create(path: &Path) -> Result<DeviceKey> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let secret = parse_hex::<32>(text.trim()).ok_or_else(|| {
                Error::Internal(format!(
                    "{} is not a server key (64 hex digits)",
                    path.display()
                ))
            })?;
            Ok(DeviceKey::from_secret(&secret))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = DeviceKey::generate().map_err(|e| Error::Internal(e.to_string()))?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options
                .open(path)
                .map_err(|e| Error::Internal(format!("cannot create {}: {e}", path.display())))?;
            f.write_all(format!("{}\n", daftar_sync::hex(&key.secret())).as_bytes())
                .and_then(|_| f.sync_all())
                .map_err(|e| Error::Internal(format!("cannot write {}: {e}", path.display())))?;
            Ok(key)
        }
        Err(e) => Err(Error::Internal(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}
