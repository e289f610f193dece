//! The PostgreSQL connection pool and the schema's migrations. Migrations are
//! SQL files applied in order, each in its own transaction, under an advisory
//! lock so two servers starting together do not both apply one.

use deadpool_postgres::{Config, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use crate::error::{Error, Result};

/// Each migration: its version and its SQL. Never edit a shipped one; add the next.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("schema/001-chains.sql")),
    (2, include_str!("schema/002-days.sql")),
    (3, include_str!("schema/003-web.sql")),
    (4, include_str!("schema/004-figures.sql")),
];

/// The key of the advisory lock held while migrating ("daftar" in ASCII).
const MIGRATION_LOCK: i64 = 0x6461_6674_6172;

pub fn pool(url: &str, size: usize) -> Result<Pool> {
    let mut cfg = Config::new();
    cfg.url = Some(url.to_string());
    cfg.manager = Some(ManagerConfig {
        recycling_method: RecyclingMethod::Fast,
    });
    cfg.pool = Some(deadpool_postgres::PoolConfig::new(size));
    cfg.create_pool(Some(Runtime::Tokio1), NoTls)
        .map_err(|e| Error::Internal(format!("database settings: {e}")))
}

/// Brings the schema up to the newest version; returns the version it is at.
pub async fn migrate(pool: &Pool) -> Result<i32> {
    let mut client = pool.get().await?;
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let result = apply_migrations(&mut client).await;
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await?;
    result
}

async fn apply_migrations(client: &mut deadpool_postgres::Object) -> Result<i32> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await?;
    let row = client
        .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])
        .await?;
    let mut at: i32 = row.get(0);
    let newest = MIGRATIONS.last().map_or(0, |m| m.0);
    if at > newest {
        return Err(Error::Internal(format!(
            "the database is at schema {at}, newer than this server's {newest}: upgrade the server"
        )));
    }
    let from = at;
    for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > from) {
        let tx = client.transaction().await?;
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[version],
        )
        .await?;
        tx.commit().await?;
        at = *version;
    }
    Ok(at)
}
